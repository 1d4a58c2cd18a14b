"""Application receipts (AppRec 1.0 and 1.1): the model, :func:`to_xml` and :func:`parse_apprec`.

Making the receipt for a message is :mod:`dmtool.receipts`; checking one is :mod:`dmtool.apprec_check`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final, Literal

from lxml import etree

from . import clock, codelists, tree, xsd
from . import namespaces as ns
from .errors import BuildError, ParseError
from .model import CS, CV
from .reader import coded_value
from .report import Issue, Severity
from .source import Source, load_source

AppRecVersion = Literal["1.0", "1.1"]
APPREC_VERSIONS: Final[tuple[AppRecVersion, ...]] = ("1.0", "1.1")
#: The version dmtool writes unless asked for another: since February 2024 the directorate keeps AppRec 1.0 for the
#: cases in chapter 8 of HIS 1168 (Veiledning til riktig bruk av applikasjonskvittering), and Helsefaglig dialog
#: (HIS 1077) asks for 1.1 unless otherwise agreed.
DEFAULT_VERSION: Final[AppRecVersion] = "1.1"
NAMESPACES: Final[dict[AppRecVersion, str]] = {"1.0": ns.APPREC_10, "1.1": ns.APPREC_11}
MIG_VERSIONS: Final[dict[AppRecVersion, str]] = {"1.0": "1.0 2004-11-21", "1.1": "v1.1 2012-02-15"}
#: Roles of AppRec 1.1 (code list 8112, and AVS for the original's sender).
_ROLES: Final = {"PRIM": "Primærmottaker", "COP": "Kopimottaker", "AVS": "Avsender"}


@dataclass(frozen=True)
class Unit:
    """A department (``Dept``) or a person (``HCPerson``) of an institution: name and identifier with its type."""

    name: str | None = None
    id: str | None = None
    id_type: str | None = None


@dataclass(frozen=True)
class Party:
    """The ``HCP`` of an AppRec sender or receiver: an institution (``Inst``: name, id, id type, ``departments``,
    ``persons``), or a health professional alone (``HCProf``, ``professional=True``); ``role`` is ``Role/@V``."""

    name: str | None = None
    id: str | None = None
    id_type: str | None = None
    departments: tuple[Unit, ...] = ()
    persons: tuple[Unit, ...] = ()
    professional: bool = False
    role: str | None = None

    @property
    def her_ids(self) -> tuple[str, ...]:
        """Every HER-id of the party, the institution's first."""
        units: tuple[Party | Unit, ...] = (self, *self.departments, *self.persons)
        return tuple(unit.id for unit in units if unit.id and unit.id_type == "HER")


@dataclass(frozen=True)
class AppRec:
    """An application receipt.

    ``status`` is a code from 8258, ``errors`` the ``Error`` values (CV, normally from 8221; ``original_text`` is
    free text), ``original_type``/``original_id``/``original_date`` the ``OriginalMsgId`` (type from 8279, MsgId,
    GenDate of the original). ``mig_version`` and ``msg_type`` (the root ``MsgType/@V``, ``""`` when it is missing)
    are what a parsed file said (not part of equality; the writer writes the version's own and ``APPREC``), and
    ``lines`` where its parts stand in that file (empty for a receipt made in memory).
    """

    version: AppRecVersion
    id: str
    gen_date: dt.datetime
    sender: Party
    receiver: Party
    status: str
    original_type: str
    original_id: str
    original_date: dt.datetime
    errors: tuple[CV, ...] = ()
    mig_version: str | None = field(default=None, compare=False)
    msg_type: str | None = field(default=None, compare=False)
    lines: dict[str, int] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "gen_date", clock.fixed_offset(self.gen_date))
        object.__setattr__(self, "original_date", clock.fixed_offset(self.original_date))

    @property
    def status_text(self) -> str:
        """The 8258 display name of the status, or the code when it is not in the list."""
        return codelists.get("8258").codes.get(self.status, self.status)


# -- to XML -----------------------------------------------------------------------------------------------------------


def _text(parent: etree._Element, namespace: str, local: str, value: str | None) -> None:
    if value is not None:
        etree.SubElement(parent, f"{{{namespace}}}{local}").text = value


def _cs(parent: etree._Element, namespace: str, local: str, value: CS | None) -> None:
    if value is not None:
        element = etree.SubElement(parent, f"{{{namespace}}}{local}", V=value.code)
        if value.display is not None:
            element.set("DN", value.display)


def _id_type(code: str | None, persons: bool) -> CS | None:
    if code is None:
        return None
    listed = codelists.get("8116" if persons and code != "HER" else "9051")
    return CS(code, listed.codes.get(code))


def _unit(parent: etree._Element, namespace: str, local: str, unit: Unit, persons: bool) -> etree._Element:
    element = etree.SubElement(parent, f"{{{namespace}}}{local}")
    _text(element, namespace, "Name", unit.name)
    _text(element, namespace, "Id", unit.id)
    _cs(element, namespace, "TypeId", _id_type(unit.id_type, persons))
    return element


def _party(parent: etree._Element, namespace: str, local: str, party: Party) -> None:
    element = etree.SubElement(parent, f"{{{namespace}}}{local}")
    if party.role is not None:
        _cs(element, namespace, "Role", CS(party.role, _ROLES.get(party.role)))
    hcp = etree.SubElement(element, f"{{{namespace}}}HCP")
    top = Unit(party.name, party.id, party.id_type)
    inst = _unit(hcp, namespace, "HCProf" if party.professional else "Inst", top, party.professional)
    if party.professional:
        return
    for department in party.departments:
        _unit(inst, namespace, "Dept", department, False)
    for person in party.persons:
        _unit(inst, namespace, "HCPerson", person, True)


def to_element(apprec: AppRec) -> etree._Element:
    """``apprec`` as an element tree valid against dmtool's AppRec schema of its version; see :func:`to_xml`."""
    if apprec.version not in APPREC_VERSIONS:
        raise BuildError("version", f"the AppRec version must be 1.0 or 1.1; got {apprec.version!r}")
    namespace = NAMESPACES[apprec.version]
    root = etree.Element(f"{{{namespace}}}AppRec", nsmap={None: namespace})
    _cs(root, namespace, "MsgType", CS("APPREC", "Applikasjonskvittering"))
    _text(root, namespace, "MIGversion", MIG_VERSIONS[apprec.version])
    _text(root, namespace, "GenDate", clock.format_timestamp(apprec.gen_date, "gen_date"))
    _text(root, namespace, "Id", apprec.id)
    _party(root, namespace, "Sender", apprec.sender)
    _party(root, namespace, "Receiver", apprec.receiver)
    _cs(root, namespace, "Status", CS(apprec.status, codelists.get("8258").codes.get(apprec.status)))
    for error in apprec.errors:
        element = etree.SubElement(root, f"{{{namespace}}}Error", V=error.code)
        for attr, value in (("S", error.system), ("DN", error.display), ("OT", error.original_text)):
            if value is not None:
                element.set(attr, value)
    original = etree.SubElement(root, f"{{{namespace}}}OriginalMsgId")
    _cs(original, namespace, "MsgType", CS(apprec.original_type, codelists.get("8279").codes.get(apprec.original_type)))
    _text(original, namespace, "IssueDate", clock.format_timestamp(apprec.original_date, "original_date"))
    _text(original, namespace, "Id", apprec.original_id)
    xsd.require_valid(f"apprec-{apprec.version}", root, "AppRec")
    return root


def to_xml(apprec: AppRec) -> bytes:
    """``apprec`` as UTF-8 XML bytes, deterministic and valid against the AppRec schema of its version."""
    return etree.tostring(to_element(apprec), xml_declaration=True, encoding="UTF-8", pretty_print=True)


# -- parse ------------------------------------------------------------------------------------------------------------


def parse_apprec(source: Source) -> AppRec:
    """Read the AppRec 1.0 or 1.1 in ``source``; lenient as :func:`dmtool.parse` is.

    What is odd but usable (a MIGversion that disagrees with the namespace, a missing Status, unknown codes) is read
    as it is and left to :func:`dmtool.apprec_check.check_apprec`; what the model cannot do without raises
    :class:`~dmtool.errors.ParseError`.
    """
    loaded = load_source(source)
    if loaded.kind != "apprec" or loaded.version is None:
        raise ParseError(
            (
                Issue(
                    "UNSUPPORTED-MESSAGE",
                    Severity.ERROR,
                    "the input is not an AppRec 1.0 or 1.1; give the receipt (AppRec) to check",
                ),
            )
        )
    return from_element(loaded.element, "1.0" if loaded.version == "apprec-1.0" else "1.1")


#: What :func:`from_element` reads of the root, of ``OriginalMsgId``, of a party and of its units: their children by
#: local name, each element's read in one pass (:func:`dmtool.tree.index`) rather than searched for each name in turn.
_ROOT: Final = tree.named("OriginalMsgId", "Status", "MsgType", "Id", "GenDate", "Sender", "Receiver", "Error",
                          "MIGversion", "IssueDate")  # fmt: skip
_PARTY: Final = tree.named("Role", "HCP", "Inst", "HCProf")
_UNIT: Final = tree.named("TypeId", "Name", "Id", "Dept", "HCPerson")


def from_element(root: etree._Element, version: AppRecVersion) -> AppRec:
    """The AppRec in the parsed element ``root`` of namespace ``version``; see :func:`parse_apprec`."""
    problems: list[Issue] = []
    parts = tree.index(root, _ROOT)
    original = tree.first(parts, "OriginalMsgId")
    original_parts = tree.index(original, _ROOT)

    def required(element: etree._Element | None, local: str) -> etree._Element | None:
        found = tree.first(parts if element is root else original_parts, local) if element is not None else None
        if found is None:
            problems.append(Issue("XSD", Severity.ERROR, f"the AppRec has no {local}", root.sourceline))
        return found

    def required_text(element: etree._Element | None, local: str) -> str:
        found = required(element, local)
        return "" if found is None else (tree.text(found) or "").strip()

    def timestamp(element: etree._Element | None, local: str) -> dt.datetime:
        found = required(element, local)
        text = "" if found is None else tree.text(found) or ""
        parsed = clock.parse_timestamp(text)
        if parsed is None:
            if found is not None and text.strip():
                problems.append(xsd.timestamp_issue(local, text, found.sourceline))
            return dt.datetime(1, 1, 1, tzinfo=dt.UTC)
        return parsed

    status = tree.first(parts, "Status")
    msg_type = tree.first(parts, "MsgType")
    original_type = tree.first(original_parts, "MsgType")
    apprec = AppRec(
        version=version,
        id=required_text(root, "Id"),
        gen_date=timestamp(root, "GenDate"),
        sender=_read_party(tree.first(parts, "Sender")),
        receiver=_read_party(tree.first(parts, "Receiver")),
        status=tree.code(status),
        errors=tuple(coded_value(error) for error in parts.get("Error", ())),
        original_type=tree.code(original_type),
        original_id=required_text(original, "Id") if original is not None else "",
        original_date=timestamp(original, "IssueDate") if original is not None else dt.datetime(1, 1, 1, tzinfo=dt.UTC),
        mig_version=(tree.text(tree.first(parts, "MIGversion")) or "").strip() or None,
        msg_type=tree.code(msg_type),
        lines=_lines(root),
    )
    if original is None:
        problems.append(Issue("XSD", Severity.ERROR, "the AppRec has no OriginalMsgId", root.sourceline))
    if problems:
        raise ParseError(tuple(problems))
    return apprec


def _lines(root: etree._Element) -> dict[str, int]:
    """The line of the root and of each of its child elements by local name (the first of each; ``Error[i]`` for
    each Error), for issues about them."""
    lines: dict[str, int] = {}
    errors = 0
    for child in (root, *root.iterchildren(etree.Element)):
        local = "AppRec" if child is root else tree.name(child)
        if local == "Error":
            local, errors = f"Error[{errors}]", errors + 1
        if child.sourceline is not None:
            lines.setdefault(local, child.sourceline)
    return lines


def _read_party(element: etree._Element | None) -> Party:
    if element is None:
        return Party()
    parts = tree.index(element, _PARTY)
    role = tree.first(parts, "Role")
    hcp = tree.index(tree.first(parts, "HCP"), _PARTY)
    inst = tree.first(hcp, "Inst")
    prof = tree.first(hcp, "HCProf")
    top = inst if inst is not None else prof

    def unit(item: etree._Element | None) -> tuple[Unit, tree.Parts]:
        read = tree.index(item, _UNIT)
        type_id = tree.first(read, "TypeId")
        found = Unit(
            tree.text(tree.first(read, "Name")),
            (tree.text(tree.first(read, "Id")) or "").strip() or None,
            None if type_id is None else tree.code(type_id),
        )
        return found, read

    if top is None:
        return Party(role=None if role is None else role.get("V"))
    head, below = unit(top)
    return Party(
        head.name,
        head.id,
        head.id_type,
        tuple(unit(item)[0] for item in below.get("Dept", ())),
        tuple(unit(item)[0] for item in below.get("HCPerson", ())),
        professional=prof is not None and inst is None,
        role=None if role is None else role.get("V"),
    )
