"""The one table of the standard versions dmtool reads and writes: each one's standard, number, label, namespace
and MIG version.

The label (``dialog-1.1``, ``apprec-1.0``) is what a report and the schemas call a version; the number (``1.1``) is
what the models, the command line (``--dialog-version``, ``--apprec-version``) and the JSON keys ``dialog_version``
and ``apprec_version`` say; the namespace is how a document says which it is; the MIG version is what the root's
``MIGversion`` says (MsgHead and AppRec have one; a Dialogmelding body has none). Every other mapping between them
(:data:`dmtool.dialog.model.DIALOG_VERSIONS`, :data:`dmtool.apprec.model.NAMESPACES`, the writer's namespaces, the
loader's roots, :func:`dmtool.report.versions`, ...) is made from this table.
"""

from __future__ import annotations

from typing import Final, Literal, NamedTuple

from . import namespaces as ns

Standard = Literal["msghead", "dialog", "apprec"]


class StandardVersion(NamedTuple):
    """One version of one standard."""

    standard: Standard
    number: str
    namespace: str
    mig_version: str | None

    @property
    def label(self) -> str:
        """``dialog-1.1``, ``apprec-1.0``, ``msghead-1.2``."""
        return f"{self.standard}-{self.number}"


#: Every version dmtool knows, oldest first within each standard.
VERSIONS: Final[tuple[StandardVersion, ...]] = (
    StandardVersion("msghead", "1.2", ns.MSGHEAD, "v1.2 2006-05-24"),
    StandardVersion("dialog", "1.0", ns.DIALOG_10, None),
    StandardVersion("dialog", "1.1", ns.DIALOG_11, None),
    StandardVersion("apprec", "1.0", ns.APPREC_10, "1.0 2004-11-21"),
    StandardVersion("apprec", "1.1", ns.APPREC_11, "v1.1 2012-02-15"),
)


def of(standard: Standard) -> tuple[StandardVersion, ...]:
    """The versions of ``standard``, oldest first."""
    return tuple(version for version in VERSIONS if version.standard == standard)


def numbers(standard: Standard) -> tuple[str, ...]:
    """The version numbers of ``standard`` (``("1.0", "1.1")``), oldest first."""
    return tuple(version.number for version in of(standard))


def namespaces(standard: Standard) -> dict[str, str]:
    """Version number → namespace, for ``standard``."""
    return {version.number: version.namespace for version in of(standard)}


def mig_versions(standard: Standard) -> dict[str, str]:
    """Version number → the ``MIGversion`` its root carries, for ``standard``."""
    return {version.number: version.mig_version for version in of(standard) if version.mig_version is not None}


def by_label(label: str | None) -> StandardVersion | None:
    """The version a label names (``dialog-1.1``), or ``None``."""
    return next((version for version in VERSIONS if version.label == label), None)


def label(standard: Standard, number: str) -> str:
    """The label of version ``number`` of ``standard``: ``label("apprec", "1.0")`` is ``apprec-1.0``; a
    :class:`KeyError` for a version dmtool does not know."""
    for version in of(standard):
        if version.number == number:
            return version.label
    raise KeyError(f"{standard} has no version {number!r}")
