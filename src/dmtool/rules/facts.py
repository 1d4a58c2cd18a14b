"""What the guideline rules look at: a MsgHead as received, read once into the facts the rules share.

The rules read the XML tree, not the model: they must see what the model leaves out (attachments, copy recipients,
markup) and work on messages that are not schema-valid. Elements are found by local name, as the reader does.

Every element the rules look into is read once, when the facts are made: the children they look at, by local name
(:func:`dmtool.xml.tree.index`), rather than by a search of the siblings for each name in turn.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from lxml import etree

from ..dialog.model import Kind, Message
from ..standards import clock, codelists, profiles, versions
from ..standards.profiles import Profile, Settings
from ..xml import tree
from ..xml.tree import Parts, first
from . import families

#: Free-text elements of a Dialogmelding body (plain text only, by the guidelines).
FREE_TEXT = ("Sakstype", "Tema", "TekstNotatInnhold", "Merknad", "EmneSporsmal", "Sporsmal", "Begrunnelse")
#: A Dialogmelding version by the last part of its namespace (its date), from the table of versions.
_DIALOG_VERSIONS = {found.namespace.rsplit("/", 1)[-1]: found.number for found in versions.of("dialog")}
#: What the rules read of each element: the children they look at, by local name.
_MSGHEAD = tree.named("MsgInfo", "Document", "PatientReport")
_MSGINFO = tree.named("Type", "MsgId", "GenDate", "Ack", "ConversationRef", "Sender", "Receiver", "OtherReceiver",
                      "Patient")  # fmt: skip
_CONVERSATION = tree.named("RefToParent", "RefToConversation")
_PATIENT = tree.named("FamilyName", "GivenName", "Ident")
_LEVEL = tree.named("Organisation", "OrganisationName", "Ident", "HealthcareProfessional")
_REF_DOC = tree.named("MsgType", "MimeType", "FileReference", "Content")
_BODY = tree.named("Tema", "EmneSporsmal", "TekstNotatInnhold", "Sporsmal", "TemaKodet", "Foresporsel", "Hastegrad",
                   "TypeForesp")  # fmt: skip


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


Ident = tuple[etree._Element, str, str]
"""An ``Ident`` element with its ``Id`` text stripped and its ``TypeId`` code (``""`` for a missing part)."""


class Level(NamedTuple):
    """One ``Organisation`` level of ``Sender`` or ``Receiver``: the element and the children the rules and receipts
    read (``Organisation``, ``OrganisationName``, ``Ident``, ``HealthcareProfessional``) by local name."""

    element: etree._Element
    parts: Parts

    @property
    def name(self) -> str:
        """``OrganisationName`` stripped, or ``""``."""
        return (tree.text(first(self.parts, "OrganisationName")) or "").strip()

    def ident(self, type_code: str) -> str | None:
        """The first identifier of this level of type ``type_code``, or ``None``."""
        return ident_of(self.parts.get("Ident", ()), type_code)

    @property
    def her_id(self) -> str | None:
        """The HER-id that addresses this level: its own, else that of its ``HealthcareProfessional`` (a fastlege's
        personal HER-id, with the practice identified by ENH only); ``None`` when neither has one."""
        own = self.ident("HER")
        if own is not None:
            return own
        person = first(self.parts, "HealthcareProfessional")
        return None if person is None else ident_of(person.iterchildren("{*}Ident"), "HER")


class Facts:
    """One MsgHead and what the rules derive from it, read in one pass over the parts the rules look into.

    ``parts`` are the MsgHead's children by local name; ``info`` is ``MsgInfo`` and ``info_parts`` its children;
    ``documents`` the ``Document`` children, each with its ``RefDoc`` and the RefDoc's children (``ref_docs``).
    """

    def __init__(
        self, msghead: etree._Element, settings: Settings | None = None, original: Original | None = None
    ) -> None:
        self.msghead = msghead
        self.settings = settings or Settings()
        self.original = original
        self.parts = tree.index(msghead, _MSGHEAD)
        self.info = first(self.parts, "MsgInfo")
        info = self.info_parts = tree.index(self.info, _MSGINFO)
        self.type_element = first(info, "Type")
        #: ``MsgInfo/Type/@V`` without the space around it (an xs:token), or ``""``.
        self.kind = tree.code(self.type_element)
        #: ``MsgInfo/MsgId`` stripped, or ``""``.
        self.msg_id = (tree.text(first(info, "MsgId")) or "").strip()
        #: GenDate, aware (Oslo time when it has no offset); ``None`` when missing or unreadable.
        self.gen_date = clock.parse_timestamp(tree.text(first(info, "GenDate")) or "")
        self.conversation_element = first(info, "ConversationRef")
        #: (RefToParent, RefToConversation) text, ``""`` for a missing part; ``None`` without ConversationRef.
        self.conversation: tuple[str, str] | None = None
        if self.conversation_element is not None:
            ref = tree.index(self.conversation_element, _CONVERSATION)
            self.conversation = (
                (tree.text(first(ref, "RefToParent")) or "").strip(),
                (tree.text(first(ref, "RefToConversation")) or "").strip(),
            )
        #: ``MsgInfo/Patient``, its children by local name, and its identifiers.
        self.patient = first(info, "Patient")
        self.patient_parts = tree.index(self.patient, _PATIENT)
        self.patient_idents = list(read_idents(self.patient_parts.get("Ident", ())))
        #: Empty ``Organisation`` elements of the sender's and receiver's chains, left out of :attr:`chains`.
        self.empty_organisations: list[etree._Element] = []
        self.chains = {role: self._chain(role) for role in ("Sender", "Receiver")}
        self.documents = self.parts.get("Document", [])
        #: Each Document's ``RefDoc`` (``None`` when it has none) and the RefDoc's children by local name.
        self.ref_docs = [
            (ref_doc, tree.index(ref_doc, _REF_DOC))
            for ref_doc in (tree.child(document, "RefDoc") for document in self.documents)
        ]
        #: Which Document carries the Dialogmelding (:func:`dmtool.xml.tree.body_document`); the others are attachments.
        self.body_document = tree.body_document(self.documents)
        #: ``Document/RefDoc/Content`` of that Document, if there is one, and the elements in it.
        self.content = first(self.ref_docs[self.body_document][1], "Content") if self.ref_docs else None
        self.in_content = [] if self.content is None else list(self.content.iterchildren(etree.Element))
        #: The Dialogmelding, if there is one.
        self.dialog = self.in_content[0] if self.in_content else None
        #: Every ``Foresporsel`` and ``Notat`` directly in the Dialogmelding; the first, and its children.
        self.bodies = [] if self.dialog is None else list(self.dialog.iterchildren("{*}Foresporsel", "{*}Notat"))
        self.body = self.bodies[0] if self.bodies else None
        self.body_parts = tree.index(self.body, _BODY)

    def _chain(self, role: str) -> list[Level]:
        """The levels of ``role``, outermost first, but an empty ``Organisation`` (an EPJ quirk the schema allows),
        which is left out and kept in :attr:`empty_organisations`."""
        levels = []
        level = tree.child(first(self.info_parts, role), "Organisation")
        while level is not None:
            if not tree.has_markup(level):
                self.empty_organisations.append(level)
                break
            parts = tree.index(level, _LEVEL)
            levels.append(Level(level, parts))
            level = first(parts, "Organisation")
        return levels

    @property
    def rule_layers(self) -> frozenset[str]:
        """The layers of rules beyond the standard one that judge this message
        (:func:`dmtool.rules.families.layers`)."""
        layers: frozenset[str] | None = self.__dict__.get("_rule_layers")
        if layers is None:
            layers = self.__dict__["_rule_layers"] = families.added_layers(self.kind, self.settings.profile.name)
        return layers

    @property
    def is_request(self) -> bool:
        """A forespørsel, or a patient-dialog message whose body is a Foresporsel: a reply is due by a deadline."""
        if self.kind == Kind.FORESPORSEL:
            return True
        return families.is_patient_dialog(self.kind) and self.body is not None and tree.name(self.body) == "Foresporsel"

    @property
    def is_reply(self) -> bool:
        """A svar, or a patient-dialog Notat that answers a message (it has a RefToParent)."""
        if self.kind == Kind.SVAR:
            return True
        answers = self.conversation is not None and bool(self.conversation[0])
        notat = self.body is not None and tree.name(self.body) == "Notat"
        return families.is_patient_dialog(self.kind) and answers and notat

    @property
    def body_code(self) -> tuple[str, str] | None:
        """The list number and code of the body's ``TypeForesp`` (a request) or ``TemaKodet`` (a note), when its
        ``S`` names a Volven list; else ``None``."""
        coded = first(self.body_parts, "TypeForesp")
        if coded is None:
            coded = first(self.body_parts, "TemaKodet")
        number = None if coded is None else codelists.list_number(coded.get("S", "").strip())
        return None if number is None else (number, tree.code(coded))

    @property
    def no_receipt(self) -> str | None:
        """Why this message takes no AppRec, or ``None`` (:func:`dmtool.rules.families.no_receipt`)."""
        ack = tree.code(first(self.info_parts, "Ack"))
        return families.no_receipt(self.kind, self.body_code, ack, self.settings.profile.name)

    @property
    def deadline_profile(self) -> Profile:
        """The profile whose reply deadline applies (:func:`dmtool.rules.families.deadline_profile`)."""
        return profiles.get(families.deadline_profile(self.kind, self.settings.profile.name))

    @property
    def version(self) -> str | None:
        """``"1.0"`` or ``"1.1"`` by the Dialogmelding's namespace, else ``None`` (read once: several rules ask)."""
        if "_version" not in self.__dict__:
            namespace = "" if self.dialog is None else etree.QName(self.dialog).namespace or ""
            self.__dict__["_version"] = _DIALOG_VERSIONS.get(namespace.rsplit("/", 1)[-1])
        version: str | None = self.__dict__["_version"]
        return version

    @property
    def free_text(self) -> Iterator[tuple[etree._Element, str]]:
        """Every free-text element of the body (quoted requests included) with its whole text, in document order,
        except those inside another: their text is part of that one's, and their element is markup in it. So each
        text node is read once, however deep free-text elements nest (400 levels of them around a megabyte of text
        took two minutes when each was read with all the text below it)."""
        if self.dialog is not None:
            found = tree.descendants(self.dialog, *FREE_TEXT)
            for item in found:
                yield item, tree.text(item) or ""
                if len(item):  # skip the free-text elements inside it, which come next in document order
                    inside = sum(1 for _ in tree.descendants(item, *FREE_TEXT))
                    next(itertools.islice(found, inside, inside), None)

    @property
    def main_text(self) -> str:
        """The text the sender wrote in the body: the note, or the question of a request (not a quoted request)."""
        parts = self.body_parts
        return tree.text(first(parts, "TekstNotatInnhold")) or tree.text(first(parts, "Sporsmal")) or ""

    @property
    def own_text(self) -> str:
        """Everything the sender wrote: title (Tema), subject (EmneSporsmal) and :attr:`main_text`, computed once."""
        text: str | None = self.__dict__.get("_own_text")
        if text is None:
            parts = self.body_parts
            found = [tree.text(first(parts, "Tema")), tree.text(first(parts, "EmneSporsmal")), self.main_text]
            text = self.__dict__["_own_text"] = "\n".join(part for part in found if part)
        return text

    def organisation_chain(self, role: str) -> list[Level]:
        """The ``Organisation`` levels of ``Sender`` or ``Receiver`` (the first of each), outermost first."""
        return self.chains[role]

    def her_ids(self, role: str) -> tuple[str, ...]:
        """The HER-ids of every organisation level of ``Sender`` or ``Receiver``, outermost first."""
        return tuple(her for level in self.chains[role] if (her := level.her_id))


def read_idents(idents: Iterable[etree._Element]) -> Iterator[Ident]:
    """Each ``Ident`` element as (element, Id text stripped, TypeId code), one at a time: the first ``Id`` and the
    first ``TypeId`` of each."""
    for ident in idents:
        number = code = None
        for part in ident:
            local = tree.local_name(part.tag)
            if local == "TypeId":
                if code is None:
                    code = tree.code(part)
            elif local == "Id" and number is None:
                number = (tree.text(part) or "").strip()
        yield ident, number or "", code or ""


def iter_idents(element: etree._Element) -> Iterator[Ident]:
    """The ``Ident`` children of ``element`` as :func:`read_idents` gives them."""
    return read_idents(element.iterchildren("{*}Ident"))


def ident_of(idents: Iterable[etree._Element], type_code: str) -> str | None:
    """The first identifier among the ``Ident`` elements ``idents`` of type ``type_code``, or ``None``."""
    return next((number for _, number, code in read_idents(idents) if code == type_code), None)
