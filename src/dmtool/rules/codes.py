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
import re
from collections.abc import Iterator, Sequence
from typing import Final

from lxml import etree

from ..standards import coded_fields, codelists
from ..standards.coded_fields import Finding as Judged
from ..xml import tree
from . import families
from .base import Finding
from .facts import Facts

#: The coded elements of a part (its root included).
_CODED: Final = etree.XPath("descendant-or-self::*[@V]")
#: What the schemas take for an ``S`` (Unicode digits, as XSD's ``\d``): an ``S`` they refuse is left to ``XSD``.
_SCHEMA_OID: Final = re.compile(r"\d+(?:\.\d+)*")
#: How many local names of an element's path the table's entries can need (``Organisation/Ident/TypeId``).
_PATH_LEVELS: Final = max(len(entry.path) for entry in coded_fields.fields())
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
        found = list(judge(_envelope_coded(facts), "msghead", facts.kind, layers))
        if facts.dialog is not None and facts.version is not None:
            found += judge(_CODED(facts.dialog), f"dialog-{facts.version}", facts.kind, layers)
        facts.__dict__["_codes"] = found
    return found


def _envelope_coded(facts: Facts) -> list[etree._Element]:
    """The coded elements of the MsgHead outside every Document's Content: in MsgInfo, and those of each Document and
    its RefDoc (a Python pass over these few is cheaper than a path expression over the whole tree)."""
    found = [] if facts.info is None else [element for element in facts.info.iter() if element.get("V") is not None]
    for parent in (*facts.documents, *(ref_doc for ref_doc, _ in facts.ref_docs if ref_doc is not None)):
        found += (element for element in parent if element.get("V") is not None)
    return found


def apprec_judged(root: etree._Element, version: str, layers: frozenset[str]) -> list[tuple[Judged, etree._Element]]:
    """What is wrong with the coded values of the AppRec ``root`` of ``version`` (``1.0`` or ``1.1``), but for those
    ``APPREC-CONSISTENT`` judges (:data:`_APPREC_OWN`).

    :func:`judge`'s verdicts, found in one walk of the tree (cheaper than an XPath's setting up), each coded element
    judged on its own local name and its parent's: the table's AppRec entries are no longer than two names
    (``tests/test_apprec_fast.py`` makes sure), so that the rest of its path changes nothing.
    """
    part = f"apprec-{version}"
    known = tree._LOCAL_NAMES  # as tree.index reads them: a lookup, the call only to learn a new tag
    found: list[tuple[Judged, etree._Element]] = []
    for element in root.iter(etree.Element):
        code = element.get("V")
        if code is None:
            continue
        parent, tag = element.getparent(), element.tag
        local = known.get(tag) or tree.local_name(tag)
        if parent is None:
            path: tuple[str, ...] = (local,)
        else:
            above = parent.tag
            path = (known.get(above) or tree.local_name(above), local)
            if path in _APPREC_OWN:
                continue
        value, system, display = code.strip(), element.get("S"), element.get("DN")
        key = (part, path, "APPREC", layers, value, system, display)
        short = len(value) + len(system or "") + len(display or "") <= _CACHED_CHARS
        verdict = _remembered(*key) if short else _verdict(*key)
        if verdict:  # most codes are right: no generator to make for them
            found += ((judged, element) for judged in verdict)
    return found


def judge(
    elements: Sequence[etree._Element], part: str, message_type: str, layers: frozenset[str]
) -> Iterator[tuple[Judged, etree._Element]]:
    """Each finding on the coded ``elements`` of ``part`` (a schema of :data:`dmtool.standards.coded_fields.SCHEMAS`)
    in a message of ``message_type`` judged by the rule ``layers``, with the element it is about."""
    for element in elements:
        value, system, display = tree.code(element), element.get("S"), element.get("DN")
        key = (part, _path(element), message_type, layers, value, system, display)
        short = len(value) + len(system or "") + len(display or "") <= _CACHED_CHARS
        for judged in _remembered(*key) if short else _verdict(*key):
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
        if not _SCHEMA_OID.fullmatch(system):
            return ()  # not an OID even by the schema's pattern: XSD says so
    entry = coded_fields.field(part, path, message_type, layers)
    if entry is None:
        return _unlisted(path[-1], value, system)
    return entry.judge(value, system, display)


#: Findings of the last coded values judged: a message's codes are mostly those of the messages before it. Only short
#: values are remembered, so that what is kept stays small whatever the input.
_remembered: Final = functools.lru_cache(maxsize=4096)(_verdict)
_CACHED_CHARS: Final = 200


def _path(element: etree._Element) -> tuple[str, ...]:
    """The local names of ``element`` and of the ancestors the table can need, outermost first."""
    names = [tree.name(element)]
    parent = element.getparent()
    while parent is not None and len(names) < _PATH_LEVELS:
        names.append(tree.name(parent))
        parent = parent.getparent()
    return tuple(reversed(names))


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
    if system is not None and not _SCHEMA_OID.fullmatch(system.strip()):
        return False
    layers = families.added_layers(message_type)
    return not any(judged.error for judged in _verdict(part, path, message_type, layers, value, system, None))
