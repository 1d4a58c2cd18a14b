"""What the guideline rules look at: a MsgHead as received, with the facts the rules share worked out once.

The rules read the XML tree, not the model: they must see what the model leaves out (attachments, copy recipients,
markup) and work on messages that are not schema-valid. Elements are found by local name, as the reader does.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from . import clock, tree
from .model import Message
from .profiles import Settings

#: Free-text elements of a Dialogmelding body (plain text only, by the guidelines).
FREE_TEXT = ("Sakstype", "Tema", "TekstNotatInnhold", "Merknad", "EmneSporsmal", "Sporsmal", "Begrunnelse")


@dataclass(frozen=True)
class Original:
    """What a reply or a receipt is checked against: the original's MsgId, thread, the HER-ids of its sender's and
    receiver's levels, kind and GenDate; ``is_apprec`` when the original is itself a receipt."""

    msg_id: str
    conversation: str
    sender_her_ids: tuple[str, ...]
    kind: str
    gen_date: dt.datetime | None
    receiver_her_ids: tuple[str, ...] = ()
    is_apprec: bool = False


def original_of(message: Message) -> Original:
    """The :class:`Original` of a parsed message, for checking a svar, avvik or receipt that answers it."""
    thread = message.conversation.conversation if message.conversation is not None else message.msg_id
    return Original(
        message.msg_id,
        thread,
        tuple(level.her_id for level in message.sender.chain if level.her_id),
        message.kind,
        message.gen_date,
        tuple(level.her_id for level in message.receiver.chain if level.her_id),
    )


class Facts:
    """One MsgHead and what the rules derive from it; each fact is computed on first use."""

    def __init__(
        self, msghead: etree._Element, settings: Settings | None = None, original: Original | None = None
    ) -> None:
        self.msghead = msghead
        self.settings = settings or Settings()
        self.original = original
        self.info = tree.child(msghead, "MsgInfo")
        self._chains: dict[str, list[etree._Element]] = {}

    @functools.cached_property
    def kind(self) -> str:
        """``MsgInfo/Type/@V``, or ``""``."""
        element = tree.child(self.info, "Type")
        return "" if element is None else element.get("V", "")

    @functools.cached_property
    def msg_id(self) -> str:
        """``MsgInfo/MsgId`` stripped, or ``""``."""
        return (tree.text(tree.child(self.info, "MsgId")) or "").strip()

    @functools.cached_property
    def content(self) -> etree._Element | None:
        """``Document/RefDoc/Content`` of the first Document, if there is one."""
        return tree.path(self.msghead, "Document", "RefDoc", "Content")

    @functools.cached_property
    def dialog(self) -> etree._Element | None:
        """The Dialogmelding in the first Document, if there is one."""
        return None if self.content is None else next(self.content.iterchildren(etree.Element), None)

    @functools.cached_property
    def version(self) -> str | None:
        """``"1.0"`` or ``"1.1"`` by the Dialogmelding's namespace, else ``None``."""
        if self.dialog is None:
            return None
        namespace = etree.QName(self.dialog).namespace or ""
        return {"2006-10-11": "1.0", "2013-01-23": "1.1"}.get(namespace.rsplit("/", 1)[-1])

    @functools.cached_property
    def bodies(self) -> list[etree._Element]:
        """Every ``Foresporsel`` and ``Notat`` directly in the Dialogmelding."""
        if self.dialog is None:
            return []
        return list(self.dialog.iterchildren("{*}Foresporsel", "{*}Notat"))

    @functools.cached_property
    def body(self) -> etree._Element | None:
        """The first body, if any."""
        return self.bodies[0] if self.bodies else None

    @functools.cached_property
    def free_text(self) -> list[tuple[etree._Element, str]]:
        """Every free-text element of the body (quoted requests included) with its text, in document order."""
        if self.dialog is None:
            return []
        return [(item, tree.text(item) or "") for item in tree.descendants(self.dialog, *FREE_TEXT)]

    @functools.cached_property
    def main_text(self) -> str:
        """The text the sender wrote in the body: the note, or the question of a request (not a quoted request)."""
        body = self.body
        if body is None:
            return ""
        return tree.text(tree.child(body, "TekstNotatInnhold")) or tree.text(tree.child(body, "Sporsmal")) or ""

    @functools.cached_property
    def own_text(self) -> str:
        """Everything the sender wrote: title (Tema), subject (EmneSporsmal) and :attr:`main_text`."""
        body = self.body
        if body is None:
            return ""
        parts = [tree.text(tree.child(body, local)) for local in ("Tema", "EmneSporsmal")] + [self.main_text]
        return "\n".join(part for part in parts if part)

    @functools.cached_property
    def patient(self) -> etree._Element | None:
        """``MsgInfo/Patient``, if there is one."""
        return tree.child(self.info, "Patient")

    @functools.cached_property
    def patient_idents(self) -> list[tuple[etree._Element, str, str]]:
        """The patient's identifiers as :func:`iter_idents` gives them (none without a patient)."""
        return [] if self.patient is None else list(iter_idents(self.patient))

    @functools.cached_property
    def gen_date(self) -> dt.datetime | None:
        """GenDate, aware (Oslo time when it has no offset); ``None`` when missing or unreadable."""
        return clock.parse_timestamp(tree.text(tree.child(self.info, "GenDate")) or "")

    @functools.cached_property
    def conversation(self) -> tuple[str, str] | None:
        """(RefToParent, RefToConversation) text, ``""`` for a missing part; ``None`` without ConversationRef."""
        ref = tree.child(self.info, "ConversationRef")
        if ref is None:
            return None
        parent = (tree.text(tree.child(ref, "RefToParent")) or "").strip()
        return parent, (tree.text(tree.child(ref, "RefToConversation")) or "").strip()

    def organisation_chain(self, role: str) -> list[etree._Element]:
        """The ``Organisation`` levels of ``Sender`` or ``Receiver``, outermost first."""
        levels = self._chains.get(role)
        if levels is None:
            levels = self._chains[role] = []
            level = tree.path(self.info, role, "Organisation")
            while level is not None:
                levels.append(level)
                level = tree.child(level, "Organisation")
        return levels

    def her_ids(self, role: str) -> tuple[str, ...]:
        """The HER-ids of every organisation level of ``Sender`` or ``Receiver``, outermost first."""
        return tuple(her for level in self.organisation_chain(role) if (her := ident_of(level, "HER")))


def iter_idents(element: etree._Element) -> Iterator[tuple[etree._Element, str, str]]:
    """The ``Ident`` children of ``element`` as (element, Id text stripped, TypeId code), one at a time: the first
    ``Id`` and the first ``TypeId`` of each."""
    for ident in element.iterchildren("{*}Ident"):
        number = code = None
        for part in ident.iterchildren("{*}Id", "{*}TypeId"):
            is_id = tree.name(part) == "Id"
            if is_id and number is None:
                number = (tree.text(part) or "").strip()
            elif not is_id and code is None:
                code = part.get("V", "").strip()
        yield ident, number or "", code or ""


def ident_of(element: etree._Element, type_code: str) -> str | None:
    """The first identifier of ``element`` of type ``type_code``, or ``None``."""
    return next((number for _, number, code in iter_idents(element) if code == type_code), None)
