"""Reading an application receipt: :func:`parse_apprec`, lenient as :func:`dmtool.parse` is."""

from __future__ import annotations

import datetime as dt
from typing import Final

from lxml import etree

from ..dialog.coded import coded_value
from ..errors import ParseError
from ..report import Issue, Severity
from ..standards import clock
from ..xml import tree, xsd
from ..xml.source import Source, load_source
from .model import AppRec, AppRecVersion, Party, Unit, version_of

# -- parse ------------------------------------------------------------------------------------------------------------


def parse_apprec(source: Source) -> AppRec:
    """Read the AppRec 1.0 or 1.1 in ``source``; lenient as :func:`dmtool.parse` is.

    What is odd but usable (a MIGversion that disagrees with the namespace, a missing Status, unknown codes) is read
    as it is and left to :func:`dmtool.apprec.check.check_apprec`; what the model cannot do without raises
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
    return from_element(loaded.element, version_of(loaded.version))


#: What :func:`from_element` reads of the root, of ``OriginalMsgId``, of a party and of its units: their children by
#: local name, each read in one pass (:func:`dmtool.xml.tree.index`), not searched for each name in turn.
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
