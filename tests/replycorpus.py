"""A corpus of real-looking MsgHeads in the shapes real traffic has, for the replies built about them.

Each :class:`Case` is one message as a family of senders writes it: hospital ⇄ municipality and GP dialog (Dialogmelding
1.0 and 1.1, one in ISO-8859-1), Helsenorge's patient dialog (``DIALOG_INNBYGGER_*`` with their further Documents:
xCal, Pasientrelasjon, e-resept), status på henvisning, NAV ⇄ GP (PDF Vedlegg, NAV > local office by ``LIN``, a GP
whose HER-id is on ``HealthcareProfessional``), bodies that are no Dialogmelding (legeerklæring, sykmelding), NAV's
``EI_fellesformat`` wrapper, and the faults EPJs write (an empty ``<Organisation/>``, a HER-id with a leading zero or
a separator, a D-nummer typed FNR, a local identifier before the fødselsnummer, no ``TypeId``). A few have a patient no
Dialogmelding can name (H-nummer, wrong check digits, none) or a sender with no HER-id at all: every reply to them is
refused, in words.

``expected`` says what ``build avvik --about`` must give: ``"avvik"`` (a valid one), ``"refused"`` (with
``because`` in the error), or ``"personal-her"``: the avvik goes to a GP addressed only by the HER-id on
``HealthcareProfessional``, valid once ``SERVICE-ADDRESSING`` takes a HER-id on the innermost party (issue 19 item 6).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dmtool.testing.strategies import fnr_check_digits

MH = "http://www.kith.no/xmlstds/msghead/2006-05-24"
DIALOG = {"1.0": "http://www.kith.no/xmlstds/dialog/2006-10-11", "1.1": "http://www.kith.no/xmlstds/dialog/2013-01-23"}
ORG_IDS = "2.16.578.1.12.4.1.1.9051"
PERSON_IDS = "2.16.578.1.12.4.1.1.8116"


def person_number(birth: str, individual: int = 123) -> str:
    """A number with valid check digits: ``birth`` (six digits, as a number of its kind writes the date), then the
    first individual number from ``individual`` on that gives valid check digits."""
    for tried in range(individual, 500):
        digits = fnr_check_digits(f"{birth}{tried:03d}")
        if digits is not None:
            return f"{birth}{tried:03d}{digits}"
    raise AssertionError(birth)


FNR = person_number("140375", 491)  # 14.03.1975
FNR_2 = person_number("020588")  # 02.05.1988
DNR = person_number("520190")  # D-nummer: 12.01.1990
HNR = person_number("154580")  # H-nummer: month 45
BAD_CHECK = FNR[:9] + ("00" if FNR[9:] != "00" else "11")


def ident(number: str, code: str, oid: str = ORG_IDS, dn: str | None = None) -> str:
    shown = f' DN="{dn}"' if dn else ""
    return f'<Ident><Id>{number}</Id><TypeId V="{code}"{shown} S="{oid}"/></Ident>'


def her(number: str) -> str:
    return ident(number, "HER", dn="HER-id")


def org(name: str, *idents: str, inner: str = "", professional: str = "") -> str:
    parts = "".join(idents) + inner + professional
    return f"<Organisation><OrganisationName>{name}</OrganisationName>{parts}</Organisation>"


def professional(family: str, given: str, *idents: str, category: str = "LE") -> str:
    return (
        f'<HealthcareProfessional><TypeHealthcareProfessional V="{category}" DN="Lege"/>'
        f"<FamilyName>{family}</FamilyName><GivenName>{given}</GivenName>{''.join(idents)}"
        '<TeleCom><TeleAddress V="tel:55501020"/></TeleCom></HealthcareProfessional>'
    )


# -- parties, as each family writes them ------------------------------------------------------------------------------

HOSPITAL = org("Fjordby sykehus HF", her("8000001"), ident("983974899", "ENH"),
               inner=org("Lungesykdommer", her("8000002")))  # fmt: skip
MUNICIPALITY = org("Fjordby kommune", her("8000100"), inner=org("Hjemmesykepleie", her("8000101")))
GP_OFFICE = org(
    "Sentrum legekontor", her("8000200"), ident("974793539", "ENH"),
    professional=professional("Lie", "Rita", ident("9144889", "HPR", PERSON_IDS), her("8000201")),
)  # fmt: skip
#: A GP addressed by the HER-id on HealthcareProfessional, the office by its organisation number only.
GP_PERSONAL_HER = org(
    "Bryggen legesenter", ident("974793539", "ENH"),
    professional=professional("Dahl", "Per", ident("9144890", "HPR", PERSON_IDS), ident("8000301", "HER", ORG_IDS)),
)  # fmt: skip
NAV = org(
    "NAV", her("79768"), inner=org("NAV Fjordby", ident("0301", "LIN", dn="Lokal identifikator for institusjoner"))
)
HELSENORGE = org("Norsk helsenett SF", her("115851"), inner=org("Helsenorge.no", her("8093244")))
#: An EPJ quirk: an empty Organisation written inside the sending unit.
EMPTY_INSIDE = org("Fjordby kommune", her("8000100"), inner=org("Legevakt", her("8000110"), inner="<Organisation/>"))
#: HER-ids as people write them: a leading zero, a separator; a valid one further out.
LEADING_ZERO = org("Fjordby sykehus HF", her("8000001"), inner=org("Ortopedi", her("08000003")))
SEPARATOR = org("Fjordby kommune", her("8000100"), inner=org("Fysioterapi", her("8000 120")))
NO_HER = org("Køfri sykehus HF", ident("974744570", "ENH"))
ONLY_BAD_HER = org("Fjordby legevakt", her("0123"))


def patient(number: str | None, code: str | None = "FNR", *, first: str = "", names: bool = True) -> str:
    name = "<FamilyName>Nordmann</FamilyName><GivenName>Kari</GivenName>" if names else ""
    typed = "" if code is None else f'<TypeId V="{code}" S="{PERSON_IDS}"/>'
    number_ident = "" if number is None else f"<Ident><Id>{number}</Id>{typed}</Ident>"
    return f"<Patient>{name}{first}{number_ident}</Patient>"


PATIENT = patient(FNR)


# -- bodies -----------------------------------------------------------------------------------------------------------


def foresporsel(version: str, type_code: str, oid: str, question: str, extra: str = "") -> str:
    subject = "<EmneSporsmal>Spørsmål om time</EmneSporsmal>" if version == "1.1" else ""
    return (
        f'<Dialogmelding xmlns="{DIALOG[version]}"><Foresporsel><TypeForesp V="{type_code}" S="{oid}"/>'
        f"{subject}<Sporsmal>{question}</Sporsmal>{extra}</Foresporsel></Dialogmelding>"
    )


def notat(version: str, code: str, oid: str, text: str) -> str:
    return (
        f'<Dialogmelding xmlns="{DIALOG[version]}"><Notat><TemaKodet V="{code}" S="{oid}"/>'
        f"<TekstNotatInnhold>{text}</TekstNotatInnhold></Notat></Dialogmelding>"
    )


def document(content: str, msg_type: str = "XML", mime: str = "") -> str:
    shown = f"<MimeType>{mime}</MimeType>" if mime else ""
    return f'<Document><RefDoc><MsgType V="{msg_type}"/>{shown}<Content>{content}</Content></RefDoc></Document>'


XCAL = document(
    '<icalendar xmlns="urn:ietf:params:xml:ns:icalendar-2.0"><vcalendar><components><vevent><properties>'
    "<dtstart><date-time>2026-12-01T10:00:00</date-time></dtstart></properties></vevent></components></vcalendar>"
    "</icalendar>",
    "XML",
    "text/calendar+xml",
)
PASIENTRELASJON = document(
    '<Pasientrelasjon xmlns="http://ehelse.no/xmlstds/pasientrelasjon/2015-03-18"><Relasjon V="1"/></Pasientrelasjon>'
)
PDF = document(
    '<Base64Container xmlns="http://www.kith.no/xmlstds/base64container">JVBERi0xLjQK</Base64Container>',
    "A",
    "application/pdf",
)
LEGEERKLAERING = document(
    '<Legeerklaring xmlns="http://www.kith.no/xmlstds/HelseOpplysningerArbeidsuforhet/2008-11-26">'
    "<Pasientopplysninger/></Legeerklaring>"
)
SYKMELDING = document(
    '<HelseOpplysningerArbeidsuforhet xmlns="http://www.kith.no/xmlstds/HelseOpplysningerArbeidsuforhet/2013-10-01">'
    "<Aktivitet/></HelseOpplysningerArbeidsuforhet>"
)

Expected = Literal["avvik", "refused", "personal-her"]


@dataclass(frozen=True)
class Case:
    """One message of the corpus: ``name``, its bytes, what ``build avvik --about`` gives (``expected``, and for a
    refusal words of its reason in ``because``), and whether it is a forespørsel a svar answers."""

    name: str
    xml: bytes
    expected: Expected = "avvik"
    because: str = ""
    foresporsel: bool = False


def msghead(
    msg_type: str,
    sender: str,
    receiver: str,
    documents: str,
    *,
    msg_id: str,
    patient_xml: str = PATIENT,
    conversation: str = "",
    encoding: str = "UTF-8",
    wrapper: bool = False,
) -> bytes:
    """A MsgHead as senders write them: a comment, xsi attributes, ``DN`` on the type."""
    ref = (
        f"<ConversationRef><RefToParent>{conversation}</RefToParent>"
        f"<RefToConversation>{conversation}</RefToConversation></ConversationRef>"
        if conversation
        else ""
    )
    head = (
        f'<MsgHead xmlns="{MH}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<MsgInfo><Type V="{msg_type}"/><MIGversion>v1.2 2006-05-24</MIGversion>'
        f'<GenDate>2026-11-20T09:15:00+01:00</GenDate><MsgId>{msg_id}</MsgId><Ack V="J" DN="Ja"/>{ref}'
        f"<Sender>{sender}</Sender><Receiver>{receiver}</Receiver>{patient_xml}</MsgInfo>{documents}</MsgHead>"
    )
    if wrapper:
        head = (
            f'<EI_fellesformat xmlns="http://www.nav.no/xml/eiff/2/">{head}'
            '<MottakenhetBlokk ediLoggId="1234" avsender="8000201" ebRole="Saksbehandler"/></EI_fellesformat>'
        )
    return f'<?xml version="1.0" encoding="{encoding}"?>\n<!-- dmtool reply corpus -->\n{head}\n'.encode(encoding)


def _msg_id(number: int) -> str:
    return f"7c1e{number:04d}-2b3a-4c5d-8e9f-{number:012d}"


_F91 = "2.16.578.1.12.4.1.1.9152"
_N73 = "2.16.578.1.12.4.1.1.7321"
_N74 = "2.16.578.1.12.4.1.1.7322"
_H76 = "2.16.578.1.12.4.1.1.7601"
_S91 = "2.16.578.1.12.4.1.1.9069"
_A81 = "2.16.578.1.12.4.1.1.8117"
_ST91 = "2.16.578.1.12.4.1.1.9148"
_NAV_FORESP = "2.16.578.1.12.4.1.1.8129"
_NAV_MOTE = "2.16.578.1.12.4.1.1.8125"
_NAV_TO = "2.16.578.1.12.4.1.1.8128"

#: The families: (name, type, body documents, sender, receiver, whether it is a forespørsel).
_FAMILIES: tuple[tuple[str, str, str, str, str, bool], ...] = (
    ("foresporsel-1.0", "DIALOG_FORESPORSEL", document(foresporsel("1.0", "99", _F91, "Har pasienten fått insulin?")),
     HOSPITAL, MUNICIPALITY, True),
    ("foresporsel-1.1", "DIALOG_FORESPORSEL", document(foresporsel("1.1", "7", _F91, "Kan timen flyttes?")),
     MUNICIPALITY, HOSPITAL, True),
    ("svar-1.0", "DIALOG_SVAR", document(notat("1.0", "5", _S91, "Ja, fra mandag.")), MUNICIPALITY, HOSPITAL, False),
    ("notat-1.0", "DIALOG_NOTAT", document(notat("1.0", "1", _N73, "Pasienten er utskrevet.")), HOSPITAL, GP_OFFICE,
     False),
    ("helsefaglig-1.1", "DIALOG_HELSEFAGLIG", document(notat("1.1", "6", _N74, "Ny medisinliste følger.")), GP_OFFICE,
     HOSPITAL, False),
    ("avvik-1.0", "DIALOG_AVVIK", document(notat("1.0", "1", _A81, "Feil mottaker.")), MUNICIPALITY, HOSPITAL, False),
    ("innbygger-ekontakt", "DIALOG_INNBYGGER_EKONTAKT", document(foresporsel("1.1", "SB", _H76, "Hei, et spørsmål.")),
     HELSENORGE, GP_OFFICE, True),
    ("innbygger-timer", "DIALOG_INNBYGGER_TIMER",
     document(foresporsel("1.1", "OET", _H76, "Kan jeg få en senere time?")) + XCAL, HELSENORGE, HOSPITAL, True),
    ("innbygger-timeonske", "DIALOG_INNBYGGER_TIMEONSKE",
     document(foresporsel("1.1", "OT", _H76, "Jeg ønsker time.")) + PASIENTRELASJON, HELSENORGE, MUNICIPALITY, True),
    ("innbygger-timereservasjon", "DIALOG_INNBYGGER_TIMERESERVASJON",
     document(foresporsel("1.1", "RT", _H76, "Reserver time.")) + PASIENTRELASJON + XCAL, HELSENORGE, HOSPITAL, True),
    ("innbygger-avtaleavbestilling", "DIALOG_INNBYGGER_AVTALEAVBESTILLING",
     document(foresporsel("1.1", "ART", _H76, "Jeg avbestiller timen.")) + XCAL, HELSENORGE, HOSPITAL, True),
    ("innbygger-avtaleutsending", "DIALOG_INNBYGGER_AVTALEUTSENDING",
     document(foresporsel("1.1", "MOA", _H76, "Du har time 1. desember.")) + XCAL, HOSPITAL, HELSENORGE, False),
    ("innbygger-reseptfornyelse", "DIALOG_INNBYGGER_RESEPTFORNYELSE",
     document(foresporsel("1.1", "RF", _H76, "Fornye Ventoline.")), HELSENORGE, GP_OFFICE, True),
    ("status-henvisning", "DIALOG_STATUS_HENVISNING", document(notat("1.1", "1", _ST91, "Du innkalles.")), HOSPITAL,
     GP_OFFICE, False),
    ("nav-foresporsel", "DIALOG_FORESPORSEL",
     document(foresporsel("1.0", "1", _NAV_FORESP, "Vi ber om opplysninger.")) + PDF, NAV, GP_OFFICE, True),
    ("nav-dialogmote", "DIALOG_FORESPORSEL",
     document(foresporsel("1.0", "1", _NAV_MOTE, "Innkalling til dialogmøte.")) + PDF, NAV, GP_PERSONAL_HER, True),
    ("nav-henvendelse", "DIALOG_NOTAT", document(notat("1.0", "1", _NAV_TO, "Henvendelse om sykefravær.")) + PDF,
     GP_PERSONAL_HER, NAV, False),
    ("legeerklaering", "LEGEERKL", LEGEERKLAERING, GP_OFFICE, NAV, False),
    ("sykmelding", "SYKMELD", SYKMELDING, GP_OFFICE, NAV, False),
)  # fmt: skip

#: Address shapes put on each family's sender (the avvik's receiver): (name, sender, expected, because).
_SENDER_SHAPES: tuple[tuple[str, str | None, Expected, str], ...] = (
    ("as-sent", None, "avvik", ""),
    ("empty-organisation", EMPTY_INSIDE, "avvik", ""),
    ("leading-zero", LEADING_ZERO, "avvik", ""),
    ("separator", SEPARATOR, "avvik", ""),
    ("nav-lin", NAV, "avvik", ""),
)

#: Patients as EPJs write them; those no Dialogmelding can name are refused.
_PATIENTS: tuple[tuple[str, str, Expected, str], ...] = (
    ("dnr", patient(DNR, "DNR"), "avvik", ""),
    ("dnr-typed-fnr", patient(DNR, "FNR"), "avvik", ""),
    ("no-typeid", patient(FNR_2, None), "avvik", ""),
    ("local-id-first", patient(FNR, first=ident("A-778812", "XXX", PERSON_IDS)), "avvik", ""),
    ("hnr", patient(HNR, "HNR"), "refused", "H-nummer"),
    ("bad-check-digits", patient(BAD_CHECK), "refused", "check digits"),
    ("none", "", "refused", "names no patient"),
)


def corpus() -> tuple[Case, ...]:
    """Every case: each family as its senders write it and with each sender shape, the patient variants on a
    forespørsel, wrapped and ISO-8859-1 messages, and senders with no HER-id at all."""
    cases: list[Case] = []

    def add(name: str, expected: Expected, because: str, foresp: bool, *args: str, **kwargs: object) -> None:
        xml = msghead(*args, msg_id=_msg_id(len(cases) + 1), **kwargs)  # type: ignore[arg-type]
        cases.append(Case(name, xml, expected, because, foresp))

    for family, msg_type, documents, sender, receiver, foresp in _FAMILIES:
        for shape, shaped, expected, because in _SENDER_SHAPES:
            if shaped is None:
                shaped = sender
            elif shaped == sender:
                continue
            personal = "personal-her" if GP_PERSONAL_HER in (shaped, receiver) else expected
            add(f"{family}/{shape}", personal, because, foresp, msg_type, shaped, receiver, documents)
    request = document(foresporsel("1.0", "99", _F91, "Har pasienten fått insulin?"))
    for name, patient_xml, expected, because in _PATIENTS:
        add(f"patient/{name}", expected, because, True, "DIALOG_FORESPORSEL", HOSPITAL, MUNICIPALITY, request,
            patient_xml=patient_xml)  # fmt: skip
    answer = document(notat("1.0", "5", _S91, "Ja."))
    add("thread/svar-in-thread", "avvik", "", False, "DIALOG_SVAR", MUNICIPALITY, HOSPITAL, answer,
        conversation="4d3c2b1a-0000-4000-8000-000000000001")  # fmt: skip
    add("wrapped/fellesformat", "avvik", "", True, "DIALOG_FORESPORSEL", NAV, GP_OFFICE,
        document(foresporsel("1.0", "1", _NAV_FORESP, "Vi ber om opplysninger.")) + PDF, wrapper=True)  # fmt: skip
    add("encoding/iso-8859-1", "avvik", "", False, "DIALOG_NOTAT", HOSPITAL, MUNICIPALITY,
        document(notat("1.0", "1", _N73, "Pasienten får økt dose.")), encoding="ISO-8859-1")  # fmt: skip
    add("sender/no-her-id", "refused", "no HER-id at any level", False, "DIALOG_NOTAT", NO_HER, GP_OFFICE,
        document(notat("1.0", "1", _N73, "Brev om pasient.")))  # fmt: skip
    add("sender/only-bad-her-id", "refused", "starts with 0", False, "DIALOG_NOTAT", ONLY_BAD_HER, GP_OFFICE,
        document(notat("1.0", "1", _N73, "Brev om pasient.")))  # fmt: skip
    return tuple(cases)
