"""Coded values (standard layer): every code is a code of the list its element takes.

:mod:`dmtool.standards.coded_fields` says which list each coded element takes; this module finds the coded elements of a
message (every element with a ``V``) and judges each: ``CODE-VALUE`` for a code, list or OID that is wrong (an error),
``CODE-FORM`` for a code that is read but not written as its list writes it (a ``DN`` that is not the code's name, a
``CV`` without its ``S``: a warning). An element the table does not name is judged only when its ``S`` names a list
dmtool carries. Coded elements inside a further Document dmtool has no schema for are not judged. A rule of another
layer that asks for a particular code (``ACK-REQUESTED``, ``AVVIK-REFERENCES-MESSAGE``) judges only codes of the
element's list, so that a made-up code gets one rule id: this one.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Final

from lxml import etree

from ..standards import coded_fields, codelists
from ..standards.coded_fields import Finding as Judged
from ..xml import tree
from . import families
from .base import Finding
from .facts import Facts

#: For each local name the table's entries end in, how many local names of an element's path they need: the length of
#: the longest (3 for ``TypeId``: ``Organisation/Ident/TypeId``; the table has none longer). An element of another
#: name needs its own name only.
_PATH_LEVELS: Final[dict[str, int]] = {
    name: max(len(entry.path) for entry in coded_fields.fields() if entry.path[-1] == name)
    for name in {entry.path[-1] for entry in coded_fields.fields()}
}
#: The coded elements of an AppRec that ``APPREC-CONSISTENT`` judges against their lists (its type, status and
#: errors, and the original's type): it must, to check a parsed receipt that has no XML, and one fault has one rule id.
_APPREC_OWN: Final = frozenset(
    {("AppRec", "MsgType"), ("AppRec", "Status"), ("AppRec", "Error"), ("OriginalMsgId", "MsgType")}
)


def code_value(facts: Facts) -> Iterator[Finding]:
    """Every code of the message is a code of the list its element takes (``CODE-VALUE``)."""
    for judged, element in _judged(facts):
        if judged.error:
            yield judged.message, element


def code_form(facts: Facts) -> Iterator[Finding]:
    """Every coded value of the message is written as its list writes it (``CODE-FORM``)."""
    for judged, element in _judged(facts):
        if not judged.error:
            yield judged.message, element


def _judged(facts: Facts) -> list[tuple[Judged, etree._Element]]:
    """What is wrong with the coded values of ``facts``' message, found once for both rules."""
    found: list[tuple[Judged, etree._Element]] | None = facts.__dict__.get("_codes")
    if found is None:
        layers = facts.rule_layers
        found = list(judge(_envelope(facts), "msghead", facts.kind, layers))
        if facts.dialog is not None and facts.version is not None:
            found += judge(facts.dialog.iter(etree.Element), f"dialog-{facts.version}", facts.kind, layers)
        facts.__dict__["_codes"] = found
    return found


def _envelope(facts: Facts) -> Iterator[etree._Element]:
    """The elements of the MsgHead outside every Document's Content that may be coded: those of MsgInfo, and each
    Document's and its RefDoc's children (a Python pass over these few is cheaper than a path expression over the
    whole tree)."""
    if facts.info is not None:
        yield from facts.info.iter(etree.Element)
    for parent in (*facts.documents, *(ref_doc for ref_doc, _ in facts.ref_docs if ref_doc is not None)):
        yield from parent.iterchildren(etree.Element)


def apprec_judged(root: etree._Element, version: str, layers: frozenset[str]) -> list[tuple[Judged, etree._Element]]:
    """What is wrong with the coded values of the AppRec ``root`` of ``version`` (``1.0`` or ``1.1``), but for those
    ``APPREC-CONSISTENT`` judges (:data:`_APPREC_OWN`): :func:`judge`'s verdicts, found in one walk of the tree."""
    return list(judge(root.iter(etree.Element), f"apprec-{version}", "APPREC", layers, passed_over=_APPREC_OWN))


def judge(
    elements: Iterable[etree._Element],
    part: str,
    message_type: str,
    layers: frozenset[str],
    passed_over: frozenset[tuple[str, str]] = frozenset(),
) -> Iterator[tuple[Judged, etree._Element]]:
    """Each finding on the coded ones of ``elements`` (those with a ``V``; the others are passed over) of ``part`` (a
    schema of :data:`dmtool.standards.coded_fields.SCHEMAS`) in a message of ``message_type`` judged by the rule
    ``layers``, with the element it is about. An element whose parent's and own local names are in ``passed_over``
    is not judged.

    An element is known by the local names of its path as far up as the table's entries for its name reach
    (:data:`_PATH_LEVELS`: two names for most, one for a name no entry ends in): no entry can tell apart two elements
    whose paths end alike for that many names, and a shorter key is remembered for more elements (:data:`_remembered`).
    The hottest loop of the rules: lookups are written out rather than called.
    """
    remembered, levels_of, local_name = _remembered, _PATH_LEVELS.get, tree.local_name
    for element in elements:
        get = element.get
        coded = get("V")
        if coded is None:
            continue
        value, system, display = coded.strip(), get("S"), get("DN")
        name = local_name(element.tag)
        path: tuple[str, ...] = (name,)
        levels = levels_of(name, 1)
        parent = element.getparent() if levels > 1 or passed_over else None
        if parent is not None:
            above = local_name(parent.tag)
            if (above, name) in passed_over:
                continue
            if levels > 1:
                path = (above, name)
            if levels > 2 and (grandparent := parent.getparent()) is not None:
                path = (local_name(grandparent.tag), *path)
        if len(value) + len(system or "") + len(display or "") <= _CACHED_CHARS:
            found = remembered(part, path, message_type, layers, value, system, display)
        else:
            found = _verdict(part, path, message_type, layers, value, system, display)
        for judged in found:
            yield judged, element


def _verdict(
    part: str,
    path: tuple[str, ...],
    message_type: str,
    layers: frozenset[str],
    value: str,
    system: str | None,
    display: str | None,
) -> tuple[Judged, ...]:
    """The findings on one coded value: ``V=value S=system DN=display`` of the element at ``path`` in ``part``."""
    if system is not None:
        system = system.strip()  # an xs:token
        if not codelists.is_schema_oid(system):
            return ()  # not an OID even by the schema's pattern: XSD says so
    entry = coded_fields.field(part, path, message_type, layers)
    if entry is None:
        return _unlisted(path[-1], value, system)
    return entry.judge(value, system, display)


#: Findings of the last coded values judged: a message's codes are mostly those of the messages before it. Only short
#: values are remembered, so that what is kept stays small whatever the input.
_remembered: Final = functools.lru_cache(maxsize=4096)(_verdict)
_CACHED_CHARS: Final = 200


def _unlisted(name: str, value: str, system: str | None) -> tuple[Judged, ...]:
    """An element (named ``name``) the table does not name: judged only when its ``S`` names a list dmtool carries."""
    number = None if system is None else codelists.list_number(system)
    if not value or number is None or not codelists.carries(number) or codelists.is_known(number, value):
        return ()
    listed = codelists.get(number)
    return (Judged(True, f"{name} {value!r} is not a code of {number} {listed.name}"),)


def is_taken(part: str, path: tuple[str, ...], message_type: str, value: str, system: str | None) -> bool:
    """True when ``CODE-VALUE`` and the schema take the coded value ``V=value S=system`` for the element at ``path``
    (local names, outermost first) in ``part`` of a message of ``message_type``: what a reply asks of a code it
    copies from the message it answers."""
    if system is not None and not codelists.is_schema_oid(system.strip()):
        return False
    layers = families.added_layers(message_type)
    return not any(judged.error for judged in _verdict(part, path, message_type, layers, value, system, None))
