"""What the ledger reads of a message to store it and link it: identifiers, references, dates, parties, a receipt's
status and errors, the content's hash, and the patient's identifier (which is only ever stored as a keyed hash).

A MsgHead links to the message it answers by ``ConversationRef/RefToParent`` and to its thread by
``RefToConversation`` (a message that starts a thread is its own thread, by its MsgId); an AppRec links to its
original by ``OriginalMsgId/Id``. The message is read here once for these, before it is validated (with its original,
when the ledger knows it: :mod:`dmtool.ledger.core`).

**Duplicates.** ``content_sha256`` is the SHA-256 of the message in canonical XML (C14N) with its MsgId (an AppRec's
``Id``) left empty: the same message sent again under another MsgId has the same hash, while any other change (a new
GenDate too) makes another message. Input that is not a message is hashed as its bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from lxml import etree

from .. import apprec
from ..apprec.model import version_of
from ..errors import ParseError
from ..rules import advice
from ..rules.facts import Facts
from ..xml import tree
from ..xml.loader import LoadError, load
from ..xml.tree import first


@dataclass(frozen=True)
class Reading:
    """What the ledger keeps of one message, as read before validation.

    ``kind`` is ``msghead``, ``apprec`` or ``unknown`` (not a message dmtool can read); ``parent`` the MsgId the
    message answers (``RefToParent``, or an AppRec's ``OriginalMsgId/Id``); ``conversation`` its
    ``RefToConversation``; ``status`` and ``errors`` (code, text) an AppRec's; ``fagomrader`` the fagområder the
    text a MsgHead's sender wrote names (:func:`dmtool.rules.advice.fagomrader`); ``patient`` the patient's identifier
    as written (for the keyed hash, never stored).
    """

    kind: str
    content_sha256: str
    msg_id: str | None = None
    msg_type: str | None = None
    sender_her: tuple[str, ...] = ()
    receiver_her: tuple[str, ...] = ()
    conversation: str | None = None
    parent: str | None = None
    gen_date: dt.datetime | None = None
    status: str | None = None
    errors: tuple[tuple[str, str], ...] = ()
    fagomrader: tuple[str, ...] = ()
    patient: str | None = None

    @property
    def thread(self) -> str | None:
        """The thread a MsgHead belongs to: its ``RefToConversation``, or its own MsgId when it starts one; ``None`` for
        a receipt (it belongs to its original's thread) or what cannot be read."""
        return (self.conversation or self.msg_id) if self.kind == "msghead" else None


def read(data: bytes) -> Reading:
    """What the ledger keeps of the message ``data``; never raises for bad content (it becomes ``kind`` unknown or
    a reading with what could be found)."""
    try:
        loaded = load(data)
    except LoadError:
        return Reading("unknown", hashlib.sha256(data).hexdigest())
    if loaded.kind == "msghead":
        return _msghead(Facts(loaded.element))
    if loaded.kind == "apprec" and loaded.version is not None and not loaded.problems:
        return _apprec(loaded.element, version_of(loaded.version))
    return Reading(loaded.kind, _hash(loaded.element, None), msg_id=loaded.msg_id or None, msg_type=loaded.msg_type)


def _msghead(facts: Facts) -> Reading:
    parent, conversation = facts.conversation or ("", "")
    patient = next((number for _, number, _ in facts.patient_idents if number), None)
    return Reading(
        "msghead",
        _hash(facts.msghead, first(facts.info_parts, "MsgId")),
        msg_id=facts.msg_id or None,
        msg_type=facts.kind or None,
        sender_her=facts.her_ids("Sender"),
        receiver_her=facts.her_ids("Receiver"),
        conversation=conversation or None,
        parent=parent or None,
        gen_date=facts.gen_date,
        fagomrader=tuple(advice.fagomrader(facts.own_text)),
        patient=patient,
    )


def _apprec(root: etree._Element, version: apprec.AppRecVersion) -> Reading:
    digest = _hash(root, tree.child(root, "Id"))
    try:
        receipt = apprec.from_element(root, version)
    except ParseError:  # no Id, no OriginalMsgId, a date that cannot be read: the report says what
        identifier = (tree.text(tree.child(root, "Id")) or "").strip()
        return Reading("apprec", digest, msg_id=identifier or None, msg_type="APPREC")
    return Reading(
        "apprec",
        digest,
        msg_id=receipt.id or None,
        msg_type="APPREC",
        sender_her=receipt.sender.her_ids,
        receiver_her=receipt.receiver.her_ids,
        parent=receipt.original_id or None,
        gen_date=receipt.gen_date,
        status=receipt.status or None,
        errors=tuple((error.code, error.original_text or error.display or "") for error in receipt.errors),
    )


def _hash(element: etree._Element, identifier: etree._Element | None) -> str:
    """The SHA-256 of ``element`` in C14N with the text of ``identifier`` (its MsgId or Id) left out."""
    if identifier is None:
        return hashlib.sha256(etree.tostring(element, method="c14n")).hexdigest()
    kept = identifier.text
    identifier.text = ""
    try:
        return hashlib.sha256(etree.tostring(element, method="c14n")).hexdigest()
    finally:
        identifier.text = kept


def patient_hmac(key: bytes, identifier: str | None) -> str | None:
    """The keyed hash (HMAC-SHA-256 with the ledger's ``key``) of the patient's identifier, spaces removed; what the
    ledger stores in place of the identifier."""
    if not identifier:
        return None
    return hmac.new(key, "".join(identifier.split()).encode(), hashlib.sha256).hexdigest()
