"""The ``APPREC-CONSISTENT`` rule: a receipt that agrees with itself and, when it is known, with the message it answers.

:func:`dmtool.apprec.make.check_apprec` gives the whole verdict on a receipt, with what it means for the sender.

A receipt is consistent when its ``MsgType`` is APPREC and its ``MIGversion`` that of its namespace, its status is
from code list 8258, status 1 has no ``Error`` and statuses 2 and 3 at least one, every error code is in the code
list its ``S`` names (8221, or a message-specific list such as 8222/8223), and it does not answer an AppRec
(``OriginalMsgId/MsgType`` APPREC: no receipt is sent for a receipt). Given the original message, it must also name it
(``OriginalMsgId``: MsgId, type and GenDate), swap its parties (the receipt's sender is among the original's receiver
levels, its receiver among the original's sender levels, by HER-id), and the original must not be an AppRec.

:func:`consistent` is the rule's cheap test without the original (true only when the rule would find nothing), which
:func:`dmtool.validate` asks before it reads the whole receipt.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Final, NamedTuple

from lxml import etree

from ..dialog.coded import coded_value
from ..errors import ParseError
from ..report import Issue, Severity
from ..rules.facts import Facts, Original
from ..standards import clock, coded_fields, codelists
from ..xml import tree
from ..xml.source import Source, load_source
from .model import MIG_VERSIONS, AppRec, AppRecVersion

RULE: Final = "APPREC-CONSISTENT"
#: The root ``MsgType/@V`` of every AppRec (rules.md and the official examples), and the 8279 code no receipt answers.
APPREC: Final = "APPREC"


def original_from_source(source: Source) -> Original:
    """The :class:`Original` of the message in ``source``, read leniently (it may be invalid); raises
    :class:`~dmtool.errors.ParseError` when it is not XML or not a message."""
    loaded = load_source(source)
    if loaded.kind == "apprec":
        return Original(loaded.msg_id or "", loaded.msg_id or "", (), "APPREC", None, is_apprec=True)
    if loaded.kind != "msghead":
        raise ParseError(loaded.problems)
    facts = Facts(loaded.element)
    thread = facts.conversation[1] if facts.conversation is not None and facts.conversation[1] else facts.msg_id
    return Original(
        facts.msg_id, thread, facts.her_ids("Sender"), facts.kind, facts.gen_date, facts.her_ids("Receiver")
    )


class Finding(NamedTuple):
    """One way a receipt breaks ``APPREC-CONSISTENT``: the message, and the part it is about (a key of
    :attr:`AppRec.lines <dmtool.apprec.AppRec.lines>`: ``Status``, ``Error[0]``, ``OriginalMsgId``, ...)."""

    message: str
    part: str

    def issue(self, apprec: AppRec) -> Issue:
        """The finding as an issue, with the line of its part when ``apprec`` was read from a file."""
        return Issue(RULE, Severity.ERROR, self.message, apprec.lines.get(self.part))


def consistency(
    apprec: AppRec, original: Original | None = None, layers: frozenset[str] = frozenset()
) -> Iterator[Finding]:
    """Every way ``apprec`` breaks ``APPREC-CONSISTENT`` (with ``original``, against it too), judged by the rule
    ``layers`` beyond the standard one (under ``nav``, NAV's error list 8124 is an AppRec error list too)."""
    statuses = codelists.get("8258").codes
    if apprec.msg_type == "":
        yield Finding("the receipt's MsgType is missing or empty; an AppRec's MsgType is 'APPREC'", "MsgType")
    elif apprec.msg_type is not None and apprec.msg_type != APPREC:
        yield Finding(f"MsgType is {apprec.msg_type!r}, but an AppRec's MsgType is 'APPREC'", "MsgType")
    if apprec.mig_version is not None and apprec.mig_version != MIG_VERSIONS[apprec.version]:
        yield Finding(f"MIGversion is {apprec.mig_version!r}, but the namespace is AppRec {apprec.version} "
                      f"({MIG_VERSIONS[apprec.version]!r})", "MIGversion")  # fmt: skip
    if not apprec.status:
        yield Finding("the receipt has no Status (code list 8258: 1 OK, 2 Avvist, 3 OK feil i delmelding)", "Status")
    elif apprec.status not in statuses:
        yield Finding(f"Status {apprec.status!r} is not in code list 8258 (1 OK, 2 Avvist, 3 OK feil i delmelding)",
                      "Status")  # fmt: skip
    if apprec.status == "1" and apprec.errors:
        yield Finding(f"Status 1 (OK) with {len(apprec.errors)} Error(s): an OK receipt has no errors", "Error[0]")
    if apprec.status in ("2", "3") and not apprec.errors:
        yield Finding(
            f"Status {apprec.status} ({statuses[apprec.status]}) without an Error: say what is wrong", "Status"
        )
    for index, error in enumerate(apprec.errors):
        found = _error_code(error.code, error.system, _error_lists(apprec.version, layers))
        yield from (Finding(message, f"Error[{index}]") for message in found)
    if apprec.original_type == APPREC:
        yield Finding("OriginalMsgId/MsgType is 'APPREC': the receipt answers an AppRec, and no receipt is sent for a "
                      "receipt", "OriginalMsgId")  # fmt: skip
    if original is None:
        return
    if original.is_apprec:
        if apprec.original_type != APPREC:  # else said above: one fault, one finding
            yield Finding("the original is itself an AppRec: no receipt is sent for a receipt", "OriginalMsgId")
        return
    if apprec.original_id != original.msg_id:
        yield Finding(f"OriginalMsgId/Id is {apprec.original_id!r}, but the original's MsgId is {original.msg_id!r}",
                      "OriginalMsgId")  # fmt: skip
    if apprec.original_type != original.kind.strip():  # the receipt's parser strips the V it reads
        yield Finding(f"OriginalMsgId/MsgType is {apprec.original_type!r}, but the original is {original.kind!r}",
                      "OriginalMsgId")  # fmt: skip
    if original.gen_date is not None and apprec.original_date != original.gen_date:
        yield Finding(f"OriginalMsgId/IssueDate is {apprec.original_date.isoformat()}, but the original's GenDate is "
                      f"{original.gen_date.isoformat()}", "OriginalMsgId")  # fmt: skip
    if original.receiver_her_ids and not set(apprec.sender.her_ids) & set(original.receiver_her_ids):
        yield Finding(f"the receipt's sender (HER {', '.join(apprec.sender.her_ids) or 'none'}) is not the original's "
                      f"receiver (HER {', '.join(original.receiver_her_ids)}): the parties are not swapped",
                      "Sender")  # fmt: skip
    if original.sender_her_ids and not set(apprec.receiver.her_ids) & set(original.sender_her_ids):
        yield Finding(f"the receipt's receiver (HER {', '.join(apprec.receiver.her_ids) or 'none'}) is not the "
                      f"original's sender (HER {', '.join(original.sender_her_ids)}): the parties are not swapped",
                      "Receiver")  # fmt: skip


#: What :func:`consistent` reads of the root and of ``OriginalMsgId``: the children :func:`~dmtool.apprec.from_element`
#: requires or :func:`consistency` looks at without the original, by local name.
_HEAD: Final = tree.named("MsgType", "MIGversion", "GenDate", "Id", "Status", "Error", "OriginalMsgId", "IssueDate")


def consistent(root: etree._Element, version: AppRecVersion, layers: frozenset[str] = frozenset()) -> bool:
    """Could :func:`consistency` find nothing without the original? ``True`` only when
    :func:`~dmtool.apprec.from_element` reads the AppRec ``root`` of ``version`` without a ``ParseError`` and
    ``consistency(receipt, None, layers)`` finds nothing; ``False`` when either might not hold.

    The cheap test of the screened path of :func:`dmtool.validate`: it reads the root's and ``OriginalMsgId``'s
    children once and not the parties, which only the comparison with the original needs (the plain path reads the
    whole receipt; ``tests/test_apprec_fast.py`` compares the two).
    """
    parts = tree.index(root, _HEAD)
    original = tree.index(tree.first(parts, "OriginalMsgId"), _HEAD)
    if "Id" not in parts or "OriginalMsgId" not in parts or "Id" not in original:
        return False
    for found in (tree.first(parts, "GenDate"), tree.first(original, "IssueDate")):
        if found is None or clock.parse_timestamp(tree.text(found) or "") is None:
            return False
    if tree.code(tree.first(parts, "MsgType")) != APPREC or tree.code(tree.first(original, "MsgType")) == APPREC:
        return False
    mig_version = (tree.text(tree.first(parts, "MIGversion")) or "").strip()
    if mig_version and mig_version != MIG_VERSIONS[version]:
        return False
    status, errors = tree.code(tree.first(parts, "Status")), parts.get("Error", ())
    if status not in codelists.get("8258").codes or (status == "1" and errors) or (status in ("2", "3") and not errors):
        return False
    lists = _error_lists(version, layers)
    for error in errors:
        value = coded_value(error)
        if next(_error_code(value.code, value.system, lists), None) is not None:
            return False
    return True


@functools.cache
def _error_lists(version: str, layers: frozenset[str]) -> tuple[str, ...]:
    """The error lists an AppRec ``Error`` takes under ``layers``, by the field table
    (:mod:`dmtool.standards.coded_fields`): 8221, 8222, 8223, and 8124 under the nav layer."""
    entry = coded_fields.field(f"apprec-{version}", ("AppRec", "Error"), APPREC, layers)
    return entry.lists if entry is not None else ("8221",)


def _error_code(code: str, system: str | None, lists: tuple[str, ...]) -> Iterator[str]:
    if system is None:
        yield f"Error {code!r} names no code list (S); use 8221"
        return
    number = codelists.list_number(system.strip()) or system.strip()
    if number not in lists:
        yield f"Error {code!r} is from code list {system}, which is not an AppRec error list ({', '.join(lists)})"
        return
    listed = codelists.get(number)
    if code not in listed:
        yield f"Error {code!r} is not in code list {listed.number} {listed.name}"
