"""Convenience constructors that encode the domain: ``foresporsel``, ``svar``, ``avvik``, ``notat``, ``helsefaglig``.

Each returns a :class:`~dmtool.model.Message` with a new MsgId (a UUID) and GenDate (now, Europe/Oslo) unless given.
A coded argument given as a plain string is a code from the list the guideline uses for that element; give a
:class:`~dmtool.model.CV` to use another list.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Final, Literal

from . import clock, ids
from .errors import BuildError
from .model import (
    CS,
    CV,
    ConversationRef,
    DialogVersion,
    Foresporsel,
    Kind,
    Message,
    Notat,
    Organisation,
    Patient,
    Role,
)

#: Code list of each coded argument given as a plain code.
FORESPORSEL_TYPE_LIST: Final = "9152"
URGENCY_LIST: Final = "9067"
NOTAT_TOPIC_LIST: Final = "7321"
HELSEFAGLIG_TOPIC_LIST: Final = "7322"
SVAR_TOPIC_LIST: Final = "9069"
AVVIK_REASON_LIST: Final = "8117"

#: The two reasons an avvik may give (code list 8117): wrong recipient, and a technical error that made content
#: unavailable. ``9 Annet`` is not allowed by the guideline.
AvvikReason = Literal["feil-adressat", "teknisk-feil"]
AVVIK_REASONS: Final[dict[str, str]] = {"feil-adressat": "1", "teknisk-feil": "2"}


def new_msg_id() -> str:
    """A new MsgId: a random UUID."""
    return str(uuid.uuid4())


def coded(value: CV | str, code_list: str) -> CV:
    """``value`` as a :class:`CV`: a plain string is a code from ``code_list`` (:class:`KeyError` if unknown)."""
    return value if isinstance(value, CV) else CV.of(code_list, value)


def with_id_type(patient: Patient) -> Patient:
    """``patient`` with ``id_type`` filled from the number's structure when it is missing."""
    if patient.id is None or patient.id_type is not None:
        return patient
    return dataclasses.replace(patient, id_type=ids.person_id_type(patient.id))


def _message(
    kind: Kind,
    version: DialogVersion,
    sender: Organisation,
    receiver: Organisation,
    patient: Patient | None,
    body: Foresporsel | Notat,
    msg_id: str | None,
    gen_date: dt.datetime | None,
    conversation: ConversationRef | None = None,
) -> Message:
    for role, party in (("sender", sender), ("receiver", receiver)):
        if not isinstance(party, Organisation):  # a list of receivers, say: the types are not checked at run time
            one = (
                "; a Dialogmelding has one: build one message per receiver (per_receiver)" if role == "receiver" else ""
            )
            raise BuildError(role, f"expected an Organisation, got {type(party).__name__}{one}")
    return Message(
        kind=kind,
        version=version,
        msg_id=msg_id or new_msg_id(),
        gen_date=gen_date or clock.now(),
        sender=sender,
        receiver=receiver,
        patient=None if patient is None else with_id_type(patient),
        body=body,
        conversation=conversation,
    )


def foresporsel(
    *,
    sender: Organisation,
    receiver: Organisation,
    patient: Patient,
    text: str,
    type: CV | str = "99",
    subject: str | None = None,
    urgency: CS | str | None = None,
    roles: tuple[Role, ...] = (),
    dialog_version: DialogVersion = "1.0",
    msg_id: str | None = None,
    gen_date: dt.datetime | None = None,
) -> Message:
    """A forespørsel (DIALOG_FORESPORSEL): ``text`` is the question.

    ``type`` is a 9152 code (default ``99`` Annen henvendelse), ``urgency`` a 9067 code, ``subject`` the 1.1
    ``EmneSporsmal``.
    """
    if isinstance(urgency, str):
        urgency = CS(urgency, CV.of(URGENCY_LIST, urgency).display)
    body = Foresporsel(
        type=coded(type, FORESPORSEL_TYPE_LIST), question=text, subject=subject, urgency=urgency, roles=roles
    )
    return _message(Kind.FORESPORSEL, dialog_version, sender, receiver, patient, body, msg_id, gen_date)


def notat(
    *,
    sender: Organisation,
    receiver: Organisation,
    patient: Patient,
    text: str,
    topic: CV | str = "1",
    title: str | None = None,
    roles: tuple[Role, ...] = (),
    dialog_version: DialogVersion = "1.0",
    msg_id: str | None = None,
    gen_date: dt.datetime | None = None,
) -> Message:
    """A notat (DIALOG_NOTAT): ``topic`` is a 7321 code (default ``1`` Notat om pasient), ``title`` the ``Tema``."""
    body = Notat(topic=coded(topic, NOTAT_TOPIC_LIST), title=title, text=text, roles=roles)
    return _message(Kind.NOTAT, dialog_version, sender, receiver, patient, body, msg_id, gen_date)


def helsefaglig(
    *,
    sender: Organisation,
    receiver: Organisation,
    patient: Patient,
    text: str,
    topic: CV | str = "6",
    title: str | None = None,
    roles: tuple[Role, ...] = (),
    conversation: ConversationRef | None = None,
    msg_id: str | None = None,
    gen_date: dt.datetime | None = None,
) -> Message:
    """A helsefaglig dialog (DIALOG_HELSEFAGLIG, Dialogmelding 1.1): ``topic`` is a 7322 code (default ``6``
    Henvendelse om pasient); ``conversation`` ties it to an earlier message of the thread."""
    body = Notat(topic=coded(topic, HELSEFAGLIG_TOPIC_LIST), title=title, text=text, roles=roles)
    return _message(Kind.HELSEFAGLIG, "1.1", sender, receiver, patient, body, msg_id, gen_date, conversation)


def reply_ref(to: Message) -> ConversationRef:
    """The ``ConversationRef`` of a reply to ``to``: its MsgId as parent, and its thread (or its MsgId, when ``to``
    starts the thread)."""
    thread = to.conversation.conversation if to.conversation is not None else to.msg_id
    return ConversationRef(parent=to.msg_id, conversation=thread)


def svar(
    to: Message,
    text: str,
    *,
    topic: CV | str = "5",
    msg_id: str | None = None,
    gen_date: dt.datetime | None = None,
) -> Message:
    """The svar (DIALOG_SVAR) to the forespørsel ``to``: back to its sender, quoting its request, in its thread.

    ``topic`` is a 9069 code (default ``5`` Svar på forespørsel). Raises :class:`ValueError` when ``to`` is not a
    forespørsel.
    """
    if not isinstance(to.body, Foresporsel):
        raise ValueError(f"a svar answers a forespørsel; the message {to.msg_id} is {to.kind} with a Notat body")
    body = Notat(topic=coded(topic, SVAR_TOPIC_LIST), text=text, quoted=to.body)
    return _message(Kind.SVAR, to.version, to.receiver, to.sender, to.patient, body, msg_id, gen_date, reply_ref(to))


def avvik(
    about: Message,
    reason: AvvikReason,
    text: str,
    *,
    msg_id: str | None = None,
    gen_date: dt.datetime | None = None,
) -> Message:
    """The avvik (DIALOG_AVVIK) about the received message ``about``, back to its sender.

    ``reason`` is ``feil-adressat`` (8117 code 1) or ``teknisk-feil`` (8117 code 2; ``text`` says what is missing).
    Raises :class:`ValueError` for any other reason.
    """
    if reason not in AVVIK_REASONS:
        raise ValueError(f"reason must be one of {', '.join(AVVIK_REASONS)}; got {reason!r}")
    body = Notat(topic=CV.of(AVVIK_REASON_LIST, AVVIK_REASONS[reason]), text=text)
    return _message(
        Kind.AVVIK, about.version, about.receiver, about.sender, about.patient, body, msg_id, gen_date, reply_ref(about)
    )


def per_receiver(message: Message, receivers: tuple[Organisation, ...]) -> tuple[Message, ...]:
    """One copy of ``message`` for each of ``receivers``, each with its own MsgId: a Dialogmelding has exactly one
    recipient (rule ``ONE-RECIPIENT``), so writing to several services is several messages."""
    return tuple(dataclasses.replace(message, receiver=receiver, msg_id=new_msg_id()) for receiver in receivers)
