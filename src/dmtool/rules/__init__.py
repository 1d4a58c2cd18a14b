"""The rules as data, in layers: id, severity, AppRec error code, texts for the sender and the developer, seeds,
layer and check; and which rules judge a message.

One place defines a rule. The validator reports by it, the builders refuse by it, and the AppRec generator maps it
to its code (code list 8221). Hard rules are errors: a message that breaks one is not built, and a received one is
rejected (AppRec status 2). Advice is a warning: reported, never blocking.

The rules come in layers (:mod:`dmtool.rules.families`), and a message is judged by the rule set its traffic calls for
(:func:`rule_set`): the ``standard`` layer always (:mod:`.standard`); the ``dialog`` layer for the five
dialog kinds (:mod:`.dialog`, :mod:`.advice`), to which a regional profile adds its rules (:mod:`.regional`); the
``helsenorge`` layer for patient dialog (``DIALOG_INNBYGGER_*``: the patient, one recipient and addressing by HER-id as
in the dialog layer, but further Documents, XHTML in ``Sporsmal`` and processes without receipts are Helsenorge's);
the ``nav`` layer under ``--profile nav`` (:mod:`.nav`); and under
``--profile standard`` the standard layer alone.

Four rules are checked where the work is done rather than by a check here: ``NOT-XML`` and ``UNSUPPORTED-MESSAGE``
by the loader, ``XSD`` by the schema, ``APPREC-CONSISTENT`` by the AppRec checker.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Final

from ..report import Issue, Severity
from . import advice, codes, dialog, families, regional, standard
from .base import Check, Finding, Rule
from .facts import Facts
from .families import LAYERS, Layer
from .screens import SCREENS, Screen

__all__ = ["BY_ID", "LAYERS", "RULES", "Check", "Finding", "Layer", "Rule", "RuleSet", "evaluate", "get", "rule_set"]

E, W = Severity.ERROR, Severity.WARNING

RULES: Final[tuple[Rule, ...]] = (
    Rule("XSD", E, "T02", "Meldingen validerer ikke mot XML-skjemaet for versjonen den oppgir.",
         "Envelope and body are valid against the XSD of the version they declare.", ("standard",), layer="standard"),
    Rule("NOT-XML", E, "T01", "Meldingen er ikke lesbar XML i tillatt tegnsett (UTF-8 eller ISO-8859-1).",
         "The input is well-formed XML in a declared encoding (UTF-8, ISO-8859-1; BOM allowed).", ("standard",),
         layer="standard"),
    Rule("UNSUPPORTED-MESSAGE", E, "T10", "Meldingstypen eller versjonen støttes ikke.",
         "The root and body are a supported MsgHead/Dialogmelding/AppRec version, and MsgInfo/Type a supported type: "
         "the five dialog kinds (Dialogmelding 1.0 or 1.1), or in Dialogmelding 1.1 a DIALOG_INNBYGGER_* type of code "
         "list 8279 (Helsenorge) or DIALOG_STATUS_HENVISNING (HIS 1206); its timestamps (GenDate; an AppRec's "
         "GenDate and IssueDate) fall in the years 1 to 9999 in Norwegian time.",
         ("standard",), standard.unsupported, layer="standard"),
    Rule("NO-ATTACHMENTS", E, "T99", "Informasjon sendt i vedlegg vil ikke nå mottakeren: send kun ren tekst.",
         "Exactly one Document holding the Dialogmelding as XML: no further documents, FileReference, base64 "
         "container or other MIME type; under the nav layer a Vedlegg NAV accepts (application/pdf, image/tiff, "
         "image/png, image/jpeg, in the message) is allowed.", ("000 §6", "001 §4.5", "002"),
         dialog.no_attachments, also=("nav",)),
    Rule("PLAIN-TEXT", E, "T99", "Fritekstfeltene skal inneholde ren tekst, uten formatering, bilder eller filer.",
         "Free-text fields hold plain text: no markup (xhtml in 1.1 Sporsmal), no embedded images or data URIs.",
         ("000 §6", "002"), dialog.plain_text),
    Rule("NO-HJELPENUMMER", E, "E31", "Pasienten må ha gyldig fødselsnummer eller D-nummer, ikke hjelpenummer.",
         "The patient has a valid fødselsnummer or D-nummer (FNR/DNR, check digits, type agrees with the number); "
         "H-nummer and FH-nummer are refused.", ("000", "001 §2", "003"), dialog.no_hjelpenummer,
         also=("helsenorge", "nav")),
    Rule("PATIENT-REQUIRED", E, "E36", "Meldingen må gjelde en navngitt pasient med fødselsnummer eller D-nummer.",
         "Patient is present with family and given name and an identifier.", ("000", "001 §2"),
         dialog.patient_required, also=("helsenorge", "nav")),
    Rule("ONE-RECIPIENT", E, "E40", "Meldingen skal ha én mottaker; send én melding per mottaker, uten kopimottakere.",
         "Exactly one recipient: one Receiver, no OtherReceiver or other copy recipient.",
         ("001 §4.6", "Østfold"), dialog.one_recipient, also=("helsenorge",)),
    Rule("SERVICE-ADDRESSING", E, "E40", "Avsender og mottaker skal adresseres med HER-id; mottaker er en tjeneste.",
         "Sender and receiver are identified by HER-id: the innermost party (organisation, service, or a "
         "fastlege's HealthcareProfessional) has one; the receiver's innermost organisation is the addressed service. "
         "Under the nav layer NAV's local office may be identified by LIN inside NAV's HER-id.",
         ("000 vedlegg", "001 §2"), dialog.service_addressing, also=("helsenorge", "nav")),
    Rule("TYPE-MATCHES-BODY", E, "T99", "Meldingstypen stemmer ikke med innholdet.",
         "MsgInfo/Type agrees with the body (FORESPORSEL: Foresporsel; SVAR, AVVIK, NOTAT, HELSEFAGLIG, "
         "STATUS_HENVISNING: Notat; DIALOG_INNBYGGER_*: either); one body per message.", ("standard",),
         standard.type_matches_body, layer="standard"),
    Rule("SVAR-REFERENCES-FORESPORSEL", E, "E10", "Svaret må vise til forespørselen det svarer på.",
         "A svar carries ConversationRef: RefToParent = the forespørsel's MsgId, the same RefToConversation; it goes "
         "back to the forespørsel's sender.", ("000", "001"), standard.svar_references_foresporsel, layer="standard"),
    Rule("AVVIK-REFERENCES-MESSAGE", E, "E10",
         "Avviksmeldingen må vise til meldingen den gjelder, med årsak feil adressat eller teknisk feil.",
         "An avvik has RefToParent, and TemaKodet 8117 code 1 (feil adressat) or 2 (technical error, with a text "
         "saying what is missing); 9 Annet is not allowed.", ("003",), standard.avvik_references_message,
         layer="standard"),
    Rule("ACK-REQUESTED", E, "X99", "Meldingen må be om applikasjonskvittering.",
         "Ack, when present, is J (7304); N or F is refused.", ("000",), dialog.ack_requested),
    Rule("APPREC-CONSISTENT", E, "X99", "Applikasjonskvitteringen stemmer ikke med meldingen den kvitterer for.",
         "An AppRec names the original, swaps the parties, has a status from 8258 with errors that agree with it, "
         "codes from 8221; no AppRec for an AppRec.", ("standard", "000"), layer="standard"),
    Rule("CODE-VALUE", E, "T99", "Meldingen bruker en kode, et kodeverk eller en OID som elementet ikke kan ha.",
         "Every coded value (V, S) uses a code of the Volven list its element takes (dmtool.coded_fields): a made-up "
         "code, a list the element does not take, or an S that is not an OID is refused; an element the table does "
         "not name is checked when its S names a list dmtool carries. 8221 T99 (Annen feil på format): the schemas "
         "do not constrain codes, the code lists are part of the format (HIS 80601, 80603, 80415), and no other code "
         "says it better.", ("standard",), codes.code_value, layer="standard"),
    Rule("TIME-WINDOW", E, "X99", "Dialogmelding kan ikke brukes for pasienten nå etter regional avtale.",
         "The profile's time window: N months after the last contact (oslo 1, vestre-viken 12), or only while the "
         "patient is admitted (ostfold).", ("000", "002", "Østfold"), regional.time_window,
         ("oslo", "vestre-viken", "ostfold")),
    Rule("RECIPIENT-ALLOWED", E, "E40", "Mottakeren kan ikke motta dialogmelding etter regional avtale.",
         "The profile's recipients: GPs only (vestre-viken); no laboratory or radiology for patients not admitted "
         "(bergen); Sykehuset Østfold takes part in dialog only through its PLO receptions (ostfold, avvik "
         "excepted).", ("001", "002", "Østfold"),
         regional.recipient_allowed, ("bergen", "vestre-viken", "ostfold")),
    Rule("RECIPIENT-LISTED", W, None, "Adresser meldingen til en av tjenestene som den regionale avtalen lister opp.",
         "The receiver is one of the services the profile lists: OUS services (oslo), the Oslo kommune services OUS "
         "addresses (oslo), the municipal services Helse Bergen addresses (bergen), the fagområder of Vestre Viken's "
         "hospitals that receive dialog (vestre-viken); the municipal side of a dialog with Sykehuset Østfold is "
         "case-handling, nursing or physicians by its name (ostfold). Replies are not checked: they go back to the "
         "sender.", ("000 vedlegg", "001 §7", "002", "Østfold"), regional.recipient_listed,
         ("oslo", "bergen", "vestre-viken", "ostfold")),
    Rule("STANDARD-REPLY", W, None, "Svar pasienten med en av standardtekstene.",
         "A svar contains one of the standard reply texts (endring av time, avbestilling, purring, avslutte dialog, "
         "avbestillingsgebyr).", ("004",), regional.standard_reply, ("pasientdialog",),
         also=("helsenorge+pasientdialog",)),
    Rule("SHORT", W, None, "Hold meldingen kort og konkret.",
         "The text is longer than the configured limit (short_max_chars).", ("000 §4", "001 §4.4", "002"),
         advice.short),
    Rule("NOT-ACK-ONLY", W, None, "Ikke send melding bare for å bekrefte mottak: det gjør applikasjonskvitteringen.",
         "A short text that only acknowledges receipt or that a task is done.", ("000", "001 §5.2"),
         advice.not_ack_only),
    Rule("NOT-URGENT", W, None, "Dialogmelding er ikke for øyeblikkelig hjelp eller alvorlige funn: ring.",
         "The text or Hastegrad says urgent (øyeblikkelig hjelp, haster, akutt).", ("000", "001 §5.1", "002", "004"),
         advice.not_urgent, also=("helsenorge+pasientdialog",)),
    Rule("GREETING-AND-IDENTITY", W, None,
         "Start med mottaker/fagområde, si hvem du er og hvor du jobber, og vis til henvisning, epikrise eller dato.",
         "A first message names its recipient, its writer and what it refers to.", ("000 §1-3", "001 §4.1-3"),
         advice.greeting_and_identity),
    Rule("ONE-PROBLEM-PER-THREAD", W, None, "Én problemstilling og ett fagområde per tråd.",
         "The text mixes fagområder (e.g. surgery and medicine).", ("000 §7", "001 §4.6"),
         advice.one_problem_per_thread),
    Rule("REPLY-DEADLINE", W, None, "Svar forventes innen 3-5 virkedager (4 for pasientdialog).",
         "A svar (or a patient-dialog reply) comes after the forespørsel's reply date (working days, Norwegian "
         "holidays excluded; 4 for DIALOG_INNBYGGER_*, seed 004); checked when the forespørsel is given.",
         ("000", "001 §6", "002", "004"), advice.reply_deadline, also=("helsenorge+pasientdialog",)),
    Rule("BODY-NOT-CHECKED", W, None, "Et dokument i meldingen er ikke kontrollert: dmtool har ikke skjema for det.",
         "A Document whose content is in a namespace dmtool has no schema for (iCalendar, Pasientrelasjon, "
         "e-resept, ...) is named, never an XSD error; under the dialog guidelines it is an attachment instead "
         "(NO-ATTACHMENTS).", ("standard",), standard.body_not_checked, layer="standard"),
    Rule("EMPTY-ORGANISATION", W, None, "En tom Organisation hos avsender eller mottaker er utelatt.",
         "An empty Organisation in the Sender's or Receiver's chain (an EPJ quirk the schema allows) is skipped: "
         "the party is the level around it.", ("standard",), standard.empty_organisation, layer="standard"),
    Rule("SVAR-QUOTES-FORESPORSEL", W, None, "Siter forespørselen i svaret, så mottakeren ser spørsmålet med svaret.",
         "A svar's Notat quotes the Foresporsel it answers (optional in the schema; RefToParent is what ties them: "
         "SVAR-REFERENCES-FORESPORSEL).", ("standard",), advice.svar_quotes_foresporsel),
    Rule("CODE-FORM", W, None, "Koden forstås, men er ikke skrevet slik kodeverket skriver den.",
         "A coded value that is read but not written as its list writes it: a DN other than the code's name (case, "
         "runs of white space and the kind of dash aside), or a CV without the S that names its list.",
         ("standard",), codes.code_form, layer="standard"),
)  # fmt: skip

BY_ID: Final[dict[str, Rule]] = {rule.id: rule for rule in RULES}


def get(rule_id: str) -> Rule:
    """The rule with id ``rule_id``; :class:`KeyError` when there is none."""
    return BY_ID[rule_id]


@dataclass(frozen=True)
class RuleSet:
    """The rules that judge one message: its ``layers`` (``standard`` first) under the ``profile`` chosen."""

    layers: tuple[Layer, ...]
    profile: str

    @property
    def label(self) -> str:
        """What reports call it (JSON key ``rules``): the innermost layer, and the profile when it adds rules to that
        layer, as in ``dialog``, ``dialog+oslo``, ``helsenorge+pasientdialog``, ``standard``."""
        return _label(self.layers, self.profile)

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rules of the set, in table order."""
        return _rules(self.layers, self.profile)


def rule_set(msg_type: str, profile: str = "national") -> RuleSet:
    """The rule set for a message of type ``msg_type`` (``MsgInfo/Type``) under the profile named ``profile``: the
    layers :func:`dmtool.rules.families.layers` chooses."""
    return RuleSet(families.layers(msg_type, profile), profile)


@functools.cache
def _rules(layers: tuple[Layer, ...], profile: str) -> tuple[Rule, ...]:
    return tuple(rule for rule in RULES if rule.applies(layers, profile))


@functools.cache
def _label(layers: tuple[Layer, ...], profile: str) -> str:
    innermost = layers[-1]
    adds = any(rule.applies((innermost,), profile) and not rule.applies((innermost,), "") for rule in RULES)
    return f"{innermost}+{profile}" if adds else innermost


@functools.cache
def _checked(
    layers: tuple[Layer, ...], profile: str, errors_only: bool, screened: bool
) -> tuple[tuple[Rule, Check, Screen | None], ...]:
    """The rules :func:`evaluate` runs, with their checks and, when ``screened``, their screens, in table order."""
    return tuple(
        (rule, rule.check, SCREENS.get(rule.id) if screened else None)
        for rule in _rules(layers, profile)
        if rule.check is not None and not (errors_only and rule.severity is not Severity.ERROR)
    )


def evaluate(facts: Facts, *, errors_only: bool = False, screened: bool = True) -> list[Issue]:
    """Run every rule of the message's rule set (:func:`rule_set`) that has a check on ``facts``; return what they
    find, in table order.

    ``errors_only`` skips the advice (what the builders use). A rule with a screen (:mod:`.screens`) runs its check
    only when the screen says it could fire; ``screened=False`` runs every check (the plain path, which gives the same
    issues: ``tests/test_screens.py``).
    """
    chosen = rule_set(facts.kind, facts.settings.profile.name)
    found: list[Issue] = []
    for rule, check, screen in _checked(chosen.layers, chosen.profile, errors_only, screened):
        if screen is not None and not screen(facts):
            continue
        for message, element in check(facts):
            found.append(Issue(rule.id, rule.severity, message, None if element is None else element.sourceline))
    return found
