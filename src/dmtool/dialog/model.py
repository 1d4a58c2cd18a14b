"""The typed model of a Dialogmelding: what a user works with, with no XML in sight.

Every class is a frozen dataclass, so messages are values: compare them with ``==``, change them with
:func:`dataclasses.replace`. :func:`dmtool.to_xml` turns a :class:`Message` into a MsgHead with its Dialogmelding body;
:func:`dmtool.parse` turns one back. The convenience constructors in :mod:`dmtool.dialog.compose` fill in the codes the
guidelines ask for.

Coded values follow the KITH data types: :class:`CV` (code, code system OID, display name, original text) where the
standard uses CV, :class:`CS` (code, display name) where it uses CS. Identifiers of parties are plain fields
(``her_id``, ``org_number``, ``hpr``) with any other identifier in ``ids``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, cast

from ..standards import clock, codelists, versions
from .fields import xml

#: The two Dialogmelding versions: 1.0 (namespace ``.../dialog/2006-10-11``) and 1.1 (``.../dialog/2013-01-23``).
DialogVersion = Literal["1.0", "1.1"]
DIALOG_VERSIONS: tuple[DialogVersion, ...] = cast("tuple[DialogVersion, ...]", versions.numbers("dialog"))


class Kind(StrEnum):
    """The message kinds dmtool builds (``MsgInfo/Type``, code list 8279)."""

    FORESPORSEL = "DIALOG_FORESPORSEL"
    SVAR = "DIALOG_SVAR"
    AVVIK = "DIALOG_AVVIK"
    NOTAT = "DIALOG_NOTAT"
    HELSEFAGLIG = "DIALOG_HELSEFAGLIG"


#: The kinds by the names the command line gives them (``dmtool build KIND``, ``dmtool fixtures --kinds``).
KIND_NAMES: dict[str, Kind] = {
    "foresporsel": Kind.FORESPORSEL,
    "svar": Kind.SVAR,
    "avvik": Kind.AVVIK,
    "notat": Kind.NOTAT,
    "helsefaglig": Kind.HELSEFAGLIG,
}

#: The code list of a Notat's ``TemaKodet`` (``Notat.topic``) in a message of each kind with a Notat body.
TOPIC_LISTS: dict[str, str] = {
    Kind.SVAR: "9069",
    Kind.AVVIK: "8117",
    Kind.NOTAT: "7321",
    Kind.HELSEFAGLIG: "7322",
}


@dataclass(frozen=True)
class CS:
    """A simple coded value: ``code`` (XML attribute ``V``) and its ``display`` name (``DN``)."""

    code: str = field(metadata=xml("V", attribute=True, not_blank="a code"))
    display: str | None = field(default=None, metadata=xml("DN", attribute=True, not_blank="a display name"))


@dataclass(frozen=True)
class CV:
    """A coded value: ``code`` (``V``) in the code system ``system`` (an OID, ``S``), ``display`` (``DN``) and
    ``original_text`` (``OT``, free text the code was chosen for)."""

    code: str = field(metadata=xml("V", attribute=True, not_blank="a code"))
    system: str | None = field(default=None, metadata=xml("S", attribute=True, not_blank="a code system"))
    display: str | None = field(default=None, metadata=xml("DN", attribute=True, not_blank="a display name"))
    original_text: str | None = field(default=None, metadata=xml("OT", attribute=True))

    @classmethod
    def of(cls, code_list: str, code: str) -> CV:
        """``code`` from the Volven code list ``code_list`` (number or OID), with the list's OID and display name.

        Raises :class:`KeyError` when the list or the code is unknown.
        """
        listed = codelists.get(code_list)
        return cls(code, listed.oid, listed.display_name(code))


@dataclass(frozen=True)
class Ident:
    """An identifier other than the ones with their own field: ``id`` and its ``type`` (``TypeId/@V``, e.g. ``RSH``
    from code list 9051 for organisations, ``DNR`` from 8116 for persons)."""

    id: str = field(metadata=xml("Id", not_blank="an identifier"))
    type: str = field(metadata=xml("TypeId"))


@dataclass(frozen=True)
class HealthcareProfessional:
    """A named health professional: at a sender or receiver, or in a role in the body.

    ``category`` is ``TypeHealthcareProfessional`` (code list 9060, e.g. ``LE`` Lege), ``role_to_patient`` a 9034
    code, ``telecom`` the ``TeleAddress`` URLs (``tel:12345678``). In the MsgHead the professional needs at least
    one identifier (``her_id``, ``hpr`` or ``ids``).
    """

    family_name: str | None = field(default=None, metadata=xml("FamilyName", not_blank="a name"))
    given_name: str | None = field(default=None, metadata=xml("GivenName", not_blank="a name"))
    middle_name: str | None = field(default=None, metadata=xml("MiddleName", not_blank="a name"))
    hpr: str | None = field(
        default=None, metadata=xml("Ident", ident_type="HPR", code_list="8116", not_blank="an identifier")
    )
    her_id: str | None = field(
        default=None, metadata=xml("Ident", ident_type="HER", code_list="9051", not_blank="an identifier")
    )
    ids: tuple[Ident, ...] = field(default=(), metadata=xml("Ident", code_list="8116"))
    category: CS | None = field(default=None, metadata=xml("TypeHealthcareProfessional", code_list="9060"))
    role_to_patient: CV | None = field(default=None, metadata=xml("RoleToPatient", code_list="9034"))
    telecom: tuple[str, ...] = field(default=(), metadata=xml("TeleCom", not_blank="an address"))


@dataclass(frozen=True)
class Organisation:
    """An organisation in the address register, and the chain of units inside it.

    ``unit`` is the next organisational level (department, then service); the innermost one is the addressed
    :attr:`service`. ``her_id`` is the HER-id, ``org_number`` the organisation number (ENH), ``ids`` any other
    identifier (code list 9051). ``professional`` is a named person at this level.
    """

    name: str = field(metadata=xml("OrganisationName", not_blank="a name"))
    her_id: str | None = field(
        default=None, metadata=xml("Ident", ident_type="HER", code_list="9051", not_blank="an identifier")
    )
    org_number: str | None = field(
        default=None, metadata=xml("Ident", ident_type="ENH", code_list="9051", not_blank="an identifier")
    )
    ids: tuple[Ident, ...] = field(default=(), metadata=xml("Ident", code_list="9051"))
    unit: Organisation | None = field(default=None, metadata=xml("Organisation"))
    professional: HealthcareProfessional | None = field(default=None, metadata=xml("HealthcareProfessional"))

    @property
    def chain(self) -> tuple[Organisation, ...]:
        """Every level from the outermost organisation to the service."""
        levels: list[Organisation] = []
        level: Organisation | None = self
        while level is not None:
            levels.append(level)
            level = level.unit
        return tuple(levels)

    @property
    def service(self) -> Organisation:
        """The innermost organisation of the chain: the addressed service."""
        return self.chain[-1]


@dataclass(frozen=True)
class Patient:
    """The patient of ``MsgInfo/Patient``: name, and ``id`` of type ``id_type`` (``FNR`` or ``DNR``, code list 8116).

    ``sex`` is a code from code list 3101; ``telecom`` holds ``TeleAddress`` URLs.
    """

    family_name: str | None = field(default=None, metadata=xml("FamilyName", not_blank="a name"))
    given_name: str | None = field(default=None, metadata=xml("GivenName", not_blank="a name"))
    id: str | None = field(default=None, metadata=xml("Ident/Id", not_blank="an identifier"))
    id_type: str | None = field(default=None, metadata=xml("Ident/TypeId", code_list="8116"))
    middle_name: str | None = field(default=None, metadata=xml("MiddleName", not_blank="a name"))
    date_of_birth: dt.date | None = field(default=None, metadata=xml("DateOfBirth"))
    sex: CS | None = field(default=None, metadata=xml("Sex", code_list="3101"))
    telecom: tuple[str, ...] = field(default=(), metadata=xml("TeleCom", not_blank="an address"))


@dataclass(frozen=True)
class Person:
    """A person in a role in the body who is not a health professional (e.g. a relative)."""

    family_name: str | None = field(default=None, metadata=xml("FamilyName", not_blank="a name"))
    given_name: str | None = field(default=None, metadata=xml("GivenName", not_blank="a name"))
    middle_name: str | None = field(default=None, metadata=xml("MiddleName", not_blank="a name"))
    ids: tuple[Ident, ...] = field(default=(), metadata=xml("Ident", code_list="8116"))


@dataclass(frozen=True)
class Role:
    """``RollerRelatertNotat``: who had which part in a note or request.

    ``role`` is a 9057 code (Forfatter, ...), ``role_to_patient`` a 9034 code; then a ``professional`` or a
    ``person`` (one of them is required in Dialogmelding 1.0; both at once is not possible).
    """

    role: CV | None = field(default=None, metadata=xml("RolleNotat", code_list="9057"))
    role_to_patient: CV | None = field(default=None, metadata=xml("RoleToPatient", code_list="9034"))
    professional: HealthcareProfessional | None = field(default=None, metadata=xml("HealthcareProfessional"))
    person: Person | None = field(default=None, metadata=xml("Person"))


@dataclass(frozen=True)
class Foresporsel:
    """A request (``Foresporsel``).

    ``type`` (``TypeForesp``, e.g. code list 9152), ``question`` (``Sporsmal``, plain text), ``subject``
    (``EmneSporsmal``, 1.1 only), ``purpose`` (``Formål``), ``reason`` (``Begrunnelse``), ``urgency`` (``Hastegrad``,
    9067), ``from_date``/``to_date`` (the period asked about), ``journal_info`` (``TypeJournalinfo``; at most one in
    1.0), ``coded_info`` (``KodetOpplysning``, 1.1 only), ``doc_id`` (``DokIdForesp``), ``roles``.
    """

    type: CV = field(metadata=xml("TypeForesp", code_list="9152"))
    question: str | None = field(default=None, metadata=xml("Sporsmal"))
    subject: str | None = field(default=None, metadata=xml("EmneSporsmal", since="1.1"))
    purpose: CV | None = field(default=None, metadata=xml("Formål", code_list="9068"))
    reason: str | None = field(default=None, metadata=xml("Begrunnelse"))
    urgency: CS | None = field(default=None, metadata=xml("Hastegrad", code_list="9067"))
    from_date: dt.date | None = field(default=None, metadata=xml("FraDato"))
    to_date: dt.date | None = field(default=None, metadata=xml("TilDato"))
    journal_info: tuple[CV, ...] = field(default=(), metadata=xml("TypeJournalinfo", code_list="9066"))
    coded_info: CV | None = field(default=None, metadata=xml("KodetOpplysning", code_list="8324", since="1.1"))
    doc_id: str | None = field(default=None, metadata=xml("DokIdForesp"))
    roles: tuple[Role, ...] = field(default=(), metadata=xml("RollerRelatertNotat"))


@dataclass(frozen=True)
class Notat:
    """A note (``Notat``): also the body of a svar (quoting the request in ``quoted``) and of an avvik.

    ``topic`` (``TemaKodet``: 7321 notat, 9069 svar, 8117 avvik, 7322 helsefaglig), ``title`` (``Tema``), ``text``
    (``TekstNotatInnhold``, plain text), ``remark`` (``Merknad``), ``doc_id`` (``DokIdNotat``), ``date``
    (``DatoNotat``), ``quoted`` (the answered ``Foresporsel``), ``roles``.
    """

    topic: CV = field(metadata=xml("TemaKodet", kind_lists=TOPIC_LISTS))
    title: str | None = field(default=None, metadata=xml("Tema"))
    text: str | None = field(default=None, metadata=xml("TekstNotatInnhold"))
    remark: str | None = field(default=None, metadata=xml("Merknad"))
    doc_id: str | None = field(default=None, metadata=xml("DokIdNotat"))
    date: dt.date | None = field(default=None, metadata=xml("DatoNotat"))
    quoted: Foresporsel | None = field(default=None, metadata=xml("Foresporsel"))
    roles: tuple[Role, ...] = field(default=(), metadata=xml("RollerRelatertNotat"))


@dataclass(frozen=True)
class ConversationRef:
    """``ConversationRef``: ``parent`` is the MsgId of the message answered, ``conversation`` the id of the thread
    (the MsgId of its first message)."""

    parent: str = field(metadata=xml("RefToParent", not_blank="a MsgId"))
    conversation: str = field(metadata=xml("RefToConversation", not_blank="a MsgId"))


@dataclass(frozen=True)
class FurtherDocument:
    """A ``Document`` of a parsed message besides the one holding the Dialogmelding: an iCalendar, a Pasientrelasjon,
    an e-resept or a Vedlegg. Described, not modelled: ``msg_type`` is ``RefDoc/MsgType`` (code list 8114: ``XML``,
    ``A`` Vedlegg), ``mime_type`` ``RefDoc/MimeType``, ``namespace`` and ``root`` the namespace and local name of the
    element in ``Content`` (``None`` for a document given by ``FileReference``), ``line`` where the Document starts."""

    msg_type: str | None = None
    mime_type: str | None = None
    namespace: str | None = None
    root: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Message:
    """A Dialogmelding in its MsgHead envelope.

    ``kind`` is ``MsgInfo/Type`` (a :class:`Kind`, or another 8279 code of a parsed message), ``version`` the
    Dialogmelding version, ``msg_id`` the MsgId, ``gen_date`` GenDate (timezone-aware), ``ack`` the ``Ack`` code
    (code list 7304; ``None`` means the default, a receipt), ``sender``/``receiver`` the organisation chains, ``body``
    the one request or note.

    ``unmodelled`` lists what a parsed source held that the model does not (copy recipients, attachments, further
    bodies, markup flattened to text, ...), each with its line; ``documents`` describes each further Document of a
    parsed source (:class:`FurtherDocument`). Neither is part of equality, and neither is written back.
    """

    kind: str = field(metadata=xml("Type", code_list="8279"))
    version: DialogVersion
    msg_id: str = field(metadata=xml("MsgId"))
    gen_date: dt.datetime = field(metadata=xml("GenDate"))
    sender: Organisation = field(metadata=xml("Sender"))
    receiver: Organisation = field(metadata=xml("Receiver"))
    body: Foresporsel | Notat = field(metadata=xml("Dialogmelding"))
    patient: Patient | None = field(default=None, metadata=xml("Patient"))
    ack: str | None = field(default=None, metadata=xml("Ack", code_list="7304"))
    conversation: ConversationRef | None = field(default=None, metadata=xml("ConversationRef"))
    unmodelled: tuple[str, ...] = field(default=(), compare=False)
    documents: tuple[FurtherDocument, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "gen_date", clock.fixed_offset(self.gen_date))


@dataclass(frozen=True)
class Received:
    """A received MsgHead as far as a reply to it needs, read whatever its type, its body or its faults
    (:func:`dmtool.dialog.reader.received`, or :meth:`of` a parsed :class:`Message`): what
    :func:`dmtool.dialog.compose.svar` and
    :func:`dmtool.dialog.compose.avvik` answer.

    ``msg_id`` is the MsgId (never empty), ``kind`` ``MsgInfo/Type`` (``""`` when it has none), ``version`` the
    Dialogmelding version of its body (``None`` when the body is not a Dialogmelding), ``conversation`` its
    ``ConversationRef``, ``sender``/``receiver`` the organisation chains (``None`` when missing), ``patient`` the
    patient and ``patient_ids`` every identifier the patient has, ``body`` the first request or note of the
    Dialogmelding. Nothing of it is checked: :mod:`dmtool.dialog.replies` decides what of it a reply can copy.
    """

    msg_id: str
    kind: str
    version: DialogVersion | None = None
    conversation: ConversationRef | None = None
    sender: Organisation | None = None
    receiver: Organisation | None = None
    patient: Patient | None = None
    patient_ids: tuple[Ident, ...] = ()
    body: Foresporsel | Notat | None = None

    @classmethod
    def of(cls, message: Message) -> Received:
        """What a reply to the parsed or built ``message`` needs of it."""
        patient = message.patient
        ids = () if patient is None or patient.id is None else (Ident(patient.id, patient.id_type or ""),)
        return cls(
            message.msg_id,
            message.kind,
            message.version,
            message.conversation,
            message.sender,
            message.receiver,
            patient,
            ids,
            message.body,
        )
