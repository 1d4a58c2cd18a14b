"""Profiles and the settings the rules run with.

The national rules always apply to dialog; a regional profile adds what one region's guideline says beyond them
(``rules.md`` §2): how long dialog is allowed after the last contact, who may be addressed, which services a region
lists, and how soon and with which texts a reply is expected. ``pasientdialog`` adds seed 004's procedure, and
``standard`` and ``nav`` choose other layers of rules (:func:`dmtool.rules.rule_set`). The lists are taken from the
guidelines in ``shared/seeds`` (the facts; the wording of the descriptions is dmtool's).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final


@dataclass(frozen=True)
class Service:
    """A service a guideline lists: its ``name`` as the guideline gives it (without the guideline's notes in
    brackets) and, where the guideline gives one, its service ``code`` in the address register (``TJE…``)."""

    name: str
    code: str | None = None

    def __str__(self) -> str:
        return self.name if self.code is None else f"{self.name} ({self.code})"


@dataclass(frozen=True)
class ServiceList:
    """The services a guideline lists for messages to one organisation (the ``RECIPIENT-LISTED`` advice).

    The list applies to a message whose receiver has a level named by one of ``to`` and, when ``sender`` is not
    empty, whose sender has a level named by one of ``sender``. Such a message should be addressed to one of
    ``services`` (the receiver's innermost level). ``what`` says whose list it is and where it comes from.
    ``physicians_too``: the guideline also has dialog with physicians (fastleger, kommunale leger) of that
    organisation, so a receiver named as a physician or physicians' office is not warned about.
    """

    to: tuple[str, ...]
    services: tuple[Service, ...]
    what: str
    sender: tuple[str, ...] = ()
    physicians_too: bool = False


@dataclass(frozen=True)
class HospitalDialog:
    """Dialog with a hospital only through its message receptions, and only with some municipal services (the
    ``RECIPIENT-ALLOWED`` rule).

    ``hospital``: names of the hospital (the first is shown in reports); a message whose sender or receiver has a
    level named by one of them is checked. ``receptions``: the hospital's receptions, the only units on its side.
    ``municipal``: the municipal services, the only parties on the other side.
    """

    hospital: tuple[str, ...]
    receptions: tuple[str, ...]
    municipal: tuple[str, ...]


#: Seed 000, appendix: every OUS service a message from Oslo kommune can be addressed to (OUS addresses by service:
#: a large disease group or a specialty).
OUS_SERVICES: Final = tuple(Service(name) for name in (
    "Arbeidsmedisin", "Barnehabilitering", "Barnekirurgi", "Barnesykdommer", "Blodsykdommer",
    "Bryst- og endokrinkirurgi", "Brystdiagnostikk", "Endokrinologi", "Fordøyelsessykdommer",
    "Fysikalsk medisin og rehabilitering", "Gastroenterologisk kirurgi", "Geriatri", "Gynekologi", "Hjertesykdommer",
    "Hud- og veneriske sykdommer", "Infeksjonsmedisin", "Indremedisin", "Karkirurgi", "Kjeve- og ansiktskirurgi",
    "Lungesykdommer", "Medisinsk genetikk", "Nevrokirurgi", "Nevrologi", "Nyresykdommer", "Obstetrikk", "Onkologi",
    "Ortopedisk kirurgi", "Plastikkirurgi", "Psykisk helsevern for barn og unge", "Psykisk helsevern for voksne",
    "Rus- og avhengighet", "Revmatologi", "Thoraxkirurgi", "Urologi", "Voksenhabilitering", "Øre-nese-halssykdommer",
    "Øyesykdommer",
))  # fmt: skip
#: Seed 000, appendix: the addressing OUS recommends for messages to Oslo kommune, with the service codes.
OSLO_KOMMUNE_SERVICES: Final = (
    Service("Saksbehandling", "TJE102289"),
    Service("Sykepleietjeneste", "TJE102287"),
    Service("Ergoterapi, Plo", "TJE103999"),
    Service("Fysioterapi, Plo", "TJE103998"),
    Service("Jordmortjeneste", "TJE105781"),
    Service("Smittevern, Helsestasjon", "TJE146203"),
    Service("Psykisk helsetjeneste", "TJE103536"),
    Service("Helsestasjon for ungdom", "TJE105780"),
    Service("Helsestasjons- og skolehelsetjeneste", "TJE71589"),
)
#: Seed 001 §7: the service addresses out to the municipalities (Helse Bergen).
BERGEN_MUNICIPAL_SERVICES: Final = tuple(Service(name) for name in (
    "Ergoterapi, PLO", "Fysioterapi, PLO", "Helsestasjon for ungdom", "Helsestasjons- og skolehelsetjeneste",
    "Jordmortjeneste", "Legetjeneste ved sykehjem", "Psykisk helsetjeneste", "Saksbehandling", "Sykepleiertjeneste",
    "Øyeblikkelig hjelp døgntilbud", "Kreftkoordinator", "Rus og avhengighet",
))  # fmt: skip
#: Seed 002: the fagområder of each Vestre Viken hospital that currently receive dialog messages.
VESTRE_VIKEN_FAGOMRADER: Final[dict[str, tuple[Service, ...]]] = {
    hospital: tuple(Service(name) for name in names)
    for hospital, names in (
        ("Drammen sykehus", ("Psykisk helsevern for voksne", "Indremedisin", "Nevrologi", "Barnesykdommer",
                             "Barnehabilitering", "Voksenhabilitering", "Revmatologi",
                             "Fysikalsk medisin og rehabilitering")),
        ("Ringerike sykehus", ("Indremedisin", "Fødselshjelp og kvinnesykdommer", "Kirurgi", "Ortopedisk kirurgi")),
        ("Bærum sykehus", ("Indremedisin",)),
        ("Kongsberg sykehus", ("Psykisk helsevern for voksne", "Indremedisin")),
    )
}  # fmt: skip
#: A list for each Vestre Viken hospital, then all of them for a receiver named only as Vestre Viken.
_VESTRE_VIKEN_LISTS: Final = (
    *(ServiceList((hospital,), services, f"fagområder of {hospital} that receive dialog messages (002)")
      for hospital, services in VESTRE_VIKEN_FAGOMRADER.items()),
    ServiceList(("Vestre Viken",),
                tuple(dict.fromkeys(service for listed in VESTRE_VIKEN_FAGOMRADER.values() for service in listed)),
                "fagområder of Vestre Viken's hospitals that receive dialog messages (002)"),
)  # fmt: skip
#: Seed 004: the standard texts a patient's message is answered with (copied as they are, so that they can be
#: recognised), by what they answer.
PASIENTDIALOG_REPLIES: Final = (
    ("endring av time",
     "Vi har mottatt din melding om endring av time og vil se på muligheten for å endre den. Vi sender brev når vi "
     "har funnet ny time til deg eller kontakter deg på telefon hvis vi ikke finner ny passende time. Du må huske å "
     "avbestille/endre eventuelle andre timer du har ved andre avdelinger i forbindelse med din time hos oss."),
    ("avbestilling av time",
     "Vi har mottatt din avbestilling av time hos oss. Siden du ikke lenger har behov for hjelp i "
     "spesialisthelsetjenesten har vi avsluttet din henvisning hos oss. Hvis du på nytt får behov for hjelp i "
     "spesialisthelsetjenesten må du kontakte fastlegen din for ny henvisning."),
    ("purring på time",
     "Behandling/operasjon/konsultasjon blir prioritert i henhold til medisinsk indikasjon. Det er dessverre lang "
     "ventetid hos oss. Du kan finne oppdaterte ventetider på HelseNorge - Velg Behandlingssted. Om du blir dårligere "
     "i ventetiden, må du kontakte fastlege eller henviser."),
    ("avslutte dialog ved andre henvendelser enn time",
     "Takk for henvendelsen. Denne tjenesten kan du kun bruke til å endre eller avbestille time hos oss. Andre "
     "henvendelser vil ikke bli besvart her. Du kan ta kontakt med oss på telefon. Du finner vårt telefonnummer i "
     "brevet eller på sykehusets nettsider."),
    ("avslutte dialog med avbestillingsgebyr",
     "Du vil få tilsendt et gebyr fordi du avbestilte timen etter fristen. Dersom du ikke kan møte til avtalt time på "
     "sykehuset må du gi beskjed om dette senest 24 timer før oppsatt tid (kun hverdager)."),
)  # fmt: skip


@dataclass(frozen=True)
class Profile:
    """What a region's guideline adds to the national rules.

    ``reply_days``: working days within which a reply is expected. ``months_after_contact``: dialog is allowed
    until this many months after the patient's last contact with the hospital. ``admitted_only``: only while the
    patient is admitted. ``gp_only``: the hospital writes only to GPs, not to municipal services. ``no_lab_radiology``:
    no dialog with laboratory or radiology services about patients who are not admitted. ``service_lists``: the
    services the guideline lists for messages to an organisation (the first list that applies to a message is
    used). ``hospital_dialog``: dialog with the hospital only through its receptions and only with some municipal
    services. ``standard_replies``: (what it answers, text) of the standard texts a svar is written with.
    """

    name: str
    description: str
    reply_days: int = 5
    months_after_contact: int | None = None
    admitted_only: bool = False
    gp_only: bool = False
    no_lab_radiology: bool = False
    service_lists: tuple[ServiceList, ...] = ()
    hospital_dialog: HospitalDialog | None = None
    standard_replies: tuple[tuple[str, str], ...] = ()


PROFILES: Final[dict[str, Profile]] = {
    profile.name: profile
    for profile in (
        Profile("national", "the national rules only; a reply within 3-5 working days"),
        Profile("oslo", "OUS and Oslo kommune: until 1 month after the last hospital contact", months_after_contact=1,
                service_lists=(
                    ServiceList(("Oslo universitetssykehus", "OUS"), OUS_SERVICES,
                                "OUS services a message can be addressed to (000, appendix)"),
                    ServiceList(("Oslo kommune",), OSLO_KOMMUNE_SERVICES,
                                "Oslo kommune services OUS addresses (000, appendix)",
                                sender=("Oslo universitetssykehus", "OUS"), physicians_too=True),
                )),
        Profile("bergen", "Helse Bergen: no dialog with laboratory or radiology for patients not admitted",
                no_lab_radiology=True,
                service_lists=(
                    ServiceList(("kommune",), BERGEN_MUNICIPAL_SERVICES,
                                "municipal services Helse Bergen addresses (001 §7)",
                                sender=("Helse Bergen", "Haukeland"), physicians_too=True),
                )),
        Profile("vestre-viken", "Vestre Viken: until 12 months after the last contact; to GPs, not municipal services",
                months_after_contact=12, gp_only=True,
                service_lists=_VESTRE_VIKEN_LISTS),
        Profile("ostfold", "Sykehuset Østfold: only while the patient is admitted (discharge planning)",
                admitted_only=True,
                hospital_dialog=HospitalDialog(
                    ("Sykehuset Østfold",), ("Somatikk PLO meldingsmottak", "Psykiatri PLO meldingsmottak"),
                    ("saksbehandling", "sykepleietjeneste", "legetjeneste"),
                )),
        Profile("pasientdialog", "patient-initiated dialog: a reply within 4 working days", reply_days=4,
                standard_replies=PASIENTDIALOG_REPLIES),
        Profile("standard", "the standards alone (schemas, code lists, references), for traffic no guideline covers"),
        Profile("nav", "NAV ⇄ behandler dialog: the standards and NAV's own rules"),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Settings:
    """What the rules run with: the ``profile``, the advice thresholds, and facts only the user knows.

    ``short_max_chars``: the ``SHORT`` advice warns above this many characters of free text.
    ``ack_only_max_chars``: a text this short that only acknowledges gets ``NOT-ACK-ONLY``.
    ``last_contact``: the patient's last contact with the hospital (for the profiles' time windows).
    ``admitted``: whether the patient is admitted now (``None``: not known, the admission rules are not checked).
    ``synthetic_ids``: accept Tenor's synthetic test numbers as fødselsnummer and D-nummer (test environments only).
    """

    profile: Profile = field(default_factory=lambda: PROFILES["national"])
    short_max_chars: int = 2000
    ack_only_max_chars: int = 160
    last_contact: dt.date | None = None
    admitted: bool | None = None
    synthetic_ids: bool = False


def get(name: str) -> Profile:
    """The profile called ``name``; :class:`ValueError` naming the choices when there is none."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; choose one of {', '.join(PROFILES)}") from None
