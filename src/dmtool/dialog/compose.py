"""Convenience constructors that encode the domain: ``foresporsel``, ``svar``, ``avvik``, ``notat``, ``helsefaglig``.

Each returns a :class:`~dmtool.dialog.model.Message` with a new MsgId (a UUID) and GenDate (now, Europe/Oslo) unless
given. A coded argument given as a plain string is a code from the list the guideline uses for that element; give a
:class:`~dmtool.dialog.model.CV` to use another list.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Final, Literal, get_args

from ..errors import BuildError
from ..rules import families
from ..standards import clock, ids, profiles
from ..standards.profiles import Settings
from . import fields, replies
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
    Received,
    Role,
)

#: Code list of each coded argument given as a plain code: the one the model declares for the field it fills.
FORESPORSEL_TYPE_LIST: Final = fields.code_list(Foresporsel, "type")
URGENCY_LIST: Final = fields.code_list(Foresporsel, "urgency")
NOTAT_TOPIC_LIST: Final = fields.code_list(Notat, "topic", Kind.NOTAT)
HELSEFAGLIG_TOPIC_LIST: Final = fields.code_list(Notat, "topic", Kind.HELSEFAGLIG)
SVAR_TOPIC_LIST: Final = fields.code_list(Notat, "topic", Kind.SVAR)
AVVIK_REASON_LIST: Final = fields.code_list(Notat, "topic", Kind.AVVIK)

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
    kind: str,
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


#: The names of seed 004's standard replies to a patient (``build svar --standard-reply``), in the order of their
#: texts in :data:`dmtool.standards.profiles.PASIENTDIALOG_REPLIES`, the one table the ``STANDARD-REPLY`` rule reads
#: too.
StandardReply = Literal["endring-av-time", "avbestilling", "purring", "avslutt-dialog", "avbestillingsgebyr"]
STANDARD_REPLIES: Final[dict[str, str]] = dict(
    zip(get_args(StandardReply), (text for _, text in profiles.PASIENTDIALOG_REPLIES), strict=True)
)
#: The 7602 code a patient-dialog reply with each standard text carries: ``19`` Svar på henvendelse, ``08``
#: Avbestilling av time bekreftet, ``13`` Dialog avsluttet.
_STANDARD_REPLY_TOPICS: Final[dict[str, str]] = {
    "endring-av-time": "19", "avbestilling": "08", "purring": "19", "avslutt-dialog": "13", "avbestillingsgebyr": "13",
}  # fmt: skip
#: Code list of a patient-dialog reply's ``TemaKodet``, and the code it has unless told: ``19`` Svar på henvendelse.
PATIENT_REPLY_TOPIC_LIST: Final = "7602"
#: Helsenorge's patient dialog is Dialogmelding 1.1, whatever version the message answered was written in.
PATIENT_DIALOG_VERSION: Final[DialogVersion] = "1.1"
_PATIENT_REPLY_TOPIC: Final = "19"


def standard_text(name: StandardReply) -> str:
    """The text of seed 004's standard reply ``name`` (one of :data:`STANDARD_REPLIES`); :class:`ValueError` naming
    the choices for another name."""
    if name not in STANDARD_REPLIES:
        raise ValueError(f"standard_reply must be one of {', '.join(STANDARD_REPLIES)}; got {name!r}")
    return STANDARD_REPLIES[name]


def _received(message: Message | Received) -> Received:
    return message if isinstance(message, Received) else Received.of(message)


def svar(
    to: Message | Received,
    text: str | None = None,
    *,
    standard_reply: StandardReply | None = None,
    topic: CV | str | None = None,
    msg_id: str | None = None,
    gen_date: dt.datetime | None = None,
    settings: Settings | None = None,
) -> Message:
    """The answer to the forespørsel ``to``, back to its sender, about its patient, in its thread.

    ``to`` is a DIALOG_FORESPORSEL, answered by a DIALOG_SVAR quoting its request, or a patient's
    ``DIALOG_INNBYGGER_*`` message whose body is a Foresporsel, answered in its own type by a Notat (Helsenorge's
    patient dialog keeps the type of the thread). Give the answer as ``text``, or as seed 004's ``standard_reply``
    (:data:`STANDARD_REPLIES`: ``endring-av-time``, ``avbestilling``, ``purring``, ``avslutt-dialog``,
    ``avbestillingsgebyr``). ``topic`` is a 9069 code for a svar (default ``5`` Svar på forespørsel) and a 7602 code
    for a patient-dialog reply (default ``19`` Svar på henvendelse, or the standard reply's). ``to`` may be a
    received message with faults (:func:`dmtool.dialog.reader.received`): what of it cannot be copied validly is left
    out (:mod:`dmtool.dialog.replies`); ``settings`` says whether Tenor's synthetic patient numbers are accepted.

    Raises :class:`ValueError` when ``to`` is no forespørsel or the text is not given once, and its subclass
    :class:`~dmtool.errors.ReplyError` when what is wrong with ``to`` stops a valid reply.
    """
    if (text is None) == (standard_reply is None):
        raise ValueError("give the svar's text or a standard reply, one of them")
    if standard_reply is not None:
        text = standard_text(standard_reply)
    original = _received(to)
    patient_dialog = original.kind.startswith(families.HELSENORGE_PREFIX)
    if not isinstance(original.body, Foresporsel) or not (patient_dialog or original.kind == Kind.FORESPORSEL):
        body = "no Dialogmelding" if original.body is None else f"a {type(original.body).__name__} body"
        raise ValueError(
            f"a svar answers a forespørsel (DIALOG_FORESPORSEL, or a patient's DIALOG_INNBYGGER_* message with a "
            f"Foresporsel); the message {original.msg_id} is {original.kind or 'of no type'} with {body}"
        )
    when = gen_date or clock.now()
    kind = original.kind if patient_dialog else Kind.SVAR
    reply = replies.parts(original, kind, when, settings)
    if patient_dialog:
        code = _STANDARD_REPLY_TOPICS[standard_reply] if standard_reply is not None else _PATIENT_REPLY_TOPIC
        body_of_reply = Notat(topic=coded(topic or code, PATIENT_REPLY_TOPIC_LIST), text=text)
    else:
        quoted = replies.quote(original.body, kind, reply.version)
        body_of_reply = Notat(topic=coded(topic or "5", SVAR_TOPIC_LIST), text=text, quoted=quoted)
    version: DialogVersion = PATIENT_DIALOG_VERSION if patient_dialog else reply.version
    return _message(
        kind, version, reply.sender, reply.receiver, reply.patient, body_of_reply, msg_id, when, reply.conversation
    )


def avvik(
    about: Message | Received,
    reason: AvvikReason,
    text: str,
    *,
    msg_id: str | None = None,
    gen_date: dt.datetime | None = None,
    settings: Settings | None = None,
) -> Message:
    """The avvik (DIALOG_AVVIK) about the received message ``about``, back to its sender, in its thread.

    ``reason`` is ``feil-adressat`` (8117 code 1) or ``teknisk-feil`` (8117 code 2; ``text`` says what is missing).
    ``about`` may be any received MsgHead with a MsgId, whatever its type, body or faults
    (:func:`dmtool.dialog.reader.received`): what of it cannot be copied validly is left out
    (:mod:`dmtool.dialog.replies`); ``settings`` says whether Tenor's synthetic patient numbers are accepted. Raises
    :class:`ValueError` for any other reason, and its subclass :class:`~dmtool.errors.ReplyError` when what is wrong
    with ``about`` stops a valid avvik (a sender with no HER-id at any level, a patient with no fødselsnummer or
    D-nummer).
    """
    if reason not in AVVIK_REASONS:
        raise ValueError(f"reason must be one of {', '.join(AVVIK_REASONS)}; got {reason!r}")
    when = gen_date or clock.now()
    reply = replies.parts(_received(about), Kind.AVVIK, when, settings)
    body = Notat(topic=CV.of(AVVIK_REASON_LIST, AVVIK_REASONS[reason]), text=text)
    return _message(
        Kind.AVVIK, reply.version, reply.sender, reply.receiver, reply.patient, body, msg_id, when, reply.conversation
    )


def per_receiver(message: Message, receivers: tuple[Organisation, ...]) -> tuple[Message, ...]:
    """One copy of ``message`` for each of ``receivers``, each with its own MsgId: a Dialogmelding has exactly one
    recipient (rule ``ONE-RECIPIENT``), so writing to several services is several messages."""
    return tuple(dataclasses.replace(message, receiver=receiver, msg_id=new_msg_id()) for receiver in receivers)
