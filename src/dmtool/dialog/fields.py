"""The XML binding of the model, declared once on its dataclasses: each field's element, code list, version, blankness.

A field of a :mod:`dmtool.dialog.model` class carries its binding in ``dataclasses.field(metadata=xml(...))``::

    question: str | None = field(default=None, metadata=xml("Sporsmal", not_blank="the text"))

and :func:`info` reads it back as a :class:`FieldInfo`. The writer, the reader, :mod:`dmtool.dialog.spec`, the
constructors of :mod:`dmtool.dialog.compose` and the strategies of :mod:`dmtool.testing.strategies` read it instead of
spelling element names, code lists, 1.1-only fields and not-blank fields themselves.

``code_list`` is the list a value of the field is made from: the one a plain code becomes a coded value in, and the
one test data is drawn from. Which lists a received element may hold is another question, answered by the field table
:mod:`dmtool.standards.coded_fields` (``coded_fields.json``, sourced from the standards), which the binding does not
repeat: the list declared here must be one that table accepts for the element (a test checks it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from types import MappingProxyType
from typing import Any, Final

from ..standards import versions

#: The key of the binding in a field's metadata.
KEY: Final = "dmtool.xml"
#: The Dialogmelding versions, oldest first: what ``since`` may name and :meth:`FieldInfo.in_version` compares.
_DIALOG_VERSIONS: Final = versions.numbers("dialog")


@dataclass(frozen=True)
class FieldInfo:
    """How one model field is written in XML.

    ``element`` is the local name of its element (an attribute's name when ``attribute``; ``Ident/Id`` where the
    value sits in a child), ``code_list`` the Volven list its code is from (for an identifier field: the list of its
    ``TypeId``), ``kind_lists`` that list per ``MsgInfo/Type`` when it depends on the message (``Notat.topic``),
    ``ident_type`` the ``TypeId`` code of an identifier with a field of its own (``HER``, ``ENH``, ``HPR``),
    ``since`` the first Dialogmelding version that has the field (``None``: every version), ``not_blank`` what the
    field holds when a spec may not give it as an empty or blank string (``"an identifier"``), else ``None``.
    """

    element: str
    attribute: bool = False
    code_list: str | None = None
    kind_lists: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    ident_type: str | None = None
    since: str | None = None
    not_blank: str | None = None

    def in_version(self, version: str) -> bool:
        """True when Dialogmelding ``version`` has this field."""
        return self.since is None or _DIALOG_VERSIONS.index(version) >= _DIALOG_VERSIONS.index(self.since)


def xml(
    element: str,
    *,
    attribute: bool = False,
    code_list: str | None = None,
    kind_lists: Mapping[str, str] | None = None,
    ident_type: str | None = None,
    since: str | None = None,
    not_blank: str | None = None,
) -> Mapping[str, FieldInfo]:
    """The metadata of a model field written as ``element``: give it to ``dataclasses.field(metadata=...)``.

    Raises :class:`ValueError` for a ``since`` that is no Dialogmelding version, so a typo fails at import.
    """
    if since is not None and since not in _DIALOG_VERSIONS:
        known = ", ".join(_DIALOG_VERSIONS)
        raise ValueError(f"since must be a Dialogmelding version ({known}), not {since!r}")
    lists = MappingProxyType(dict(kind_lists or {}))
    return MappingProxyType(
        {KEY: FieldInfo(element, attribute, code_list, lists, ident_type, since, not_blank)}
    )


def declared(cls: type[Any]) -> Mapping[str, FieldInfo]:
    """The bound fields of the model dataclass ``cls``, by field name, in the order of the class."""
    found = _DECLARED.get(cls)
    if found is None:
        if not is_dataclass(cls):
            raise TypeError(f"{cls!r} is not a model dataclass")
        found = MappingProxyType({item.name: item.metadata[KEY] for item in fields(cls) if KEY in item.metadata})
        _DECLARED[cls] = found
    return found


#: The bindings read so far, by class: read once, as a writer asks for them again and again.
_DECLARED: Final[dict[type[Any], Mapping[str, FieldInfo]]] = {}


def info(cls: type[Any], name: str) -> FieldInfo | None:
    """The binding of field ``name`` of ``cls``, or ``None`` when it has none (or ``cls`` has no such field)."""
    return declared(cls).get(name)


def element(cls: type[Any], name: str) -> str:
    """The element (or attribute) name of field ``name`` of ``cls``; :class:`KeyError` when it has none."""
    return _bound(cls, name).element


def code_list(cls: type[Any], name: str, kind: str | None = None) -> str:
    """The code list of field ``name`` of ``cls`` (in a message of type ``kind`` when the list depends on it);
    :class:`KeyError` when the field declares none."""
    bound = _bound(cls, name)
    found = bound.kind_lists.get(kind, bound.code_list) if kind is not None else bound.code_list
    if found is None:
        raise KeyError(f"{cls.__name__}.{name} declares no code list" + (f" for {kind}" if kind else ""))
    return found


def _bound(cls: type[Any], name: str) -> FieldInfo:
    found = info(cls, name)
    if found is None:
        raise KeyError(f"{cls.__name__}.{name} has no XML binding")
    return found
