"""The rules as data: id, severity, AppRec error code, texts for the sender and the developer, seeds, and check.

One place defines a rule. The validator reports by it, the builders refuse by it, and the AppRec generator maps it
to its code (code list 8221). Hard rules are errors: a message that breaks one is not built, and a received one is
rejected (AppRec status 2). Advice is a warning: reported, never blocking.

Four rules are checked where the work is done rather than by a check here: ``NOT-XML`` and
``UNSUPPORTED-MESSAGE`` by the loader, ``XSD`` by the schema, ``APPREC-CONSISTENT`` by the AppRec checker.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

from . import advice, checks
from .facts import Facts
from .report import Issue, Severity

Check = Callable[[Facts], Iterator[checks.Finding]]


@dataclass(frozen=True)
class Rule:
    """One rule: ``id`` (stable, used in reports and by users' scripts), ``severity``, the ``apprec_code`` of code list
    8221 it maps to (``None`` for advice), ``sender_text`` (Norwegian, for the sender), ``developer_text`` (English),
    ``seeds`` (the guidelines it comes from), ``profiles`` (empty: national, else the profiles that add it) and
    ``check`` (``None`` where the loader, the schema or the AppRec checker decides)."""

    id: str
    severity: Severity
    apprec_code: str | None
    sender_text: str
    developer_text: str
    seeds: tuple[str, ...]
    check: Check | None = None
    profiles: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """The rule as plain data (what ``dmtool rules --format json`` prints)."""
        return {
            "id": self.id,
            "severity": str(self.severity),
            "apprec_code": self.apprec_code,
            "sender_text": self.sender_text,
            "developer_text": self.developer_text,
            "seeds": list(self.seeds),
            "profiles": list(self.profiles),
        }


E, W = Severity.ERROR, Severity.WARNING

RULES: Final[tuple[Rule, ...]] = (
    Rule("XSD", E, "T02", "Meldingen validerer ikke mot XML-skjemaet for versjonen den oppgir.",
         "Envelope and body are valid against the XSD of the version they declare.", ("standard",)),
    Rule("NOT-XML", E, "T01", "Meldingen er ikke lesbar XML i tillatt tegnsett (UTF-8 eller ISO-8859-1).",
         "The input is well-formed XML in a declared encoding (UTF-8, ISO-8859-1; BOM allowed).", ("standard",)),
    Rule("UNSUPPORTED-MESSAGE", E, "T10", "Meldingstypen eller versjonen støttes ikke.",
         "The root and body are a supported MsgHead/Dialogmelding/AppRec version and one of the five dialog kinds; "
         "its timestamps (GenDate; an AppRec's GenDate and IssueDate) fall in the years 1 to 9999 in Norwegian time.",
         ("standard",), checks.unsupported),
    Rule("NO-ATTACHMENTS", E, "T99", "Informasjon sendt i vedlegg vil ikke nå mottakeren: send kun ren tekst.",
         "Exactly one Document holding the Dialogmelding as XML: no further documents, FileReference, base64 "
         "container or other MIME type.", ("000 §6", "001 §4.5", "002"), checks.no_attachments),
    Rule("PLAIN-TEXT", E, "T99", "Fritekstfeltene skal inneholde ren tekst, uten formatering, bilder eller filer.",
         "Free-text fields hold plain text: no markup (xhtml in 1.1 Sporsmal), no embedded images or data URIs.",
         ("000 §6", "002"), checks.plain_text),
    Rule("NO-HJELPENUMMER", E, "E31", "Pasienten må ha gyldig fødselsnummer eller D-nummer, ikke hjelpenummer.",
         "The patient has a valid fødselsnummer or D-nummer (FNR/DNR, check digits, type agrees with the number); "
         "H-nummer and FH-nummer are refused.", ("000", "001 §2", "003"), checks.no_hjelpenummer),
    Rule("PATIENT-REQUIRED", E, "E36", "Meldingen må gjelde en navngitt pasient med fødselsnummer eller D-nummer.",
         "Patient is present with family and given name and an identifier.", ("000", "001 §2"),
         checks.patient_required),
    Rule("ONE-RECIPIENT", E, "E40", "Meldingen skal ha én mottaker; send én melding per mottaker, uten kopimottakere.",
         "Exactly one recipient: one Receiver, no OtherReceiver or other copy recipient.",
         ("001 §4.6", "Østfold"), checks.one_recipient),
    Rule("SERVICE-ADDRESSING", E, "E40", "Avsender og mottaker skal adresseres med HER-id; mottaker er en tjeneste.",
         "Sender and receiver are identified by HER-id; the receiver's innermost organisation is the addressed "
         "service.", ("000 vedlegg", "001 §2"), checks.service_addressing),
    Rule("TYPE-MATCHES-BODY", E, "T99", "Meldingstypen stemmer ikke med innholdet.",
         "MsgInfo/Type agrees with the body (FORESPORSEL: Foresporsel; SVAR: Notat quoting the Foresporsel; AVVIK, "
         "NOTAT, HELSEFAGLIG: Notat); one body per message.", ("standard",), checks.type_matches_body),
    Rule("SVAR-REFERENCES-FORESPORSEL", E, "E10", "Svaret må vise til forespørselen det svarer på.",
         "A svar carries ConversationRef: RefToParent = the forespørsel's MsgId, the same RefToConversation; it goes "
         "back to the forespørsel's sender.", ("000", "001"), checks.svar_references_foresporsel),
    Rule("AVVIK-REFERENCES-MESSAGE", E, "E10",
         "Avviksmeldingen må vise til meldingen den gjelder, med årsak feil adressat eller teknisk feil.",
         "An avvik has RefToParent, and TemaKodet 8117 code 1 (feil adressat) or 2 (technical error, with a text "
         "saying what is missing); 9 Annet is not allowed.", ("003",), checks.avvik_references_message),
    Rule("ACK-REQUESTED", E, "X99", "Meldingen må be om applikasjonskvittering.",
         "Ack, when present, is J (7304); N or F is refused.", ("000",), checks.ack_requested),
    Rule("APPREC-CONSISTENT", E, "X99", "Applikasjonskvitteringen stemmer ikke med meldingen den kvitterer for.",
         "An AppRec names the original, swaps the parties, has a status from 8258 with errors that agree with it, "
         "codes from 8221; no AppRec for an AppRec.", ("standard", "000")),
    Rule("TIME-WINDOW", E, "X99", "Dialogmelding kan ikke brukes for pasienten nå etter regional avtale.",
         "The profile's time window: N months after the last contact (oslo 1, vestre-viken 12), or only while the "
         "patient is admitted (ostfold).", ("000", "002", "Østfold"), checks.time_window,
         ("oslo", "vestre-viken", "ostfold")),
    Rule("RECIPIENT-ALLOWED", E, "E40", "Mottakeren kan ikke motta dialogmelding etter regional avtale.",
         "The profile's recipients: GPs only (vestre-viken); no laboratory or radiology for patients not admitted "
         "(bergen); Sykehuset Østfold takes part in dialog only through its PLO receptions (ostfold, avvik "
         "excepted).", ("001", "002", "Østfold"),
         checks.recipient_allowed, ("bergen", "vestre-viken", "ostfold")),
    Rule("RECIPIENT-LISTED", W, None, "Adresser meldingen til en av tjenestene som den regionale avtalen lister opp.",
         "The receiver is one of the services the profile lists: OUS services (oslo), the Oslo kommune services OUS "
         "addresses (oslo), the municipal services Helse Bergen addresses (bergen), the fagområder of Vestre Viken's "
         "hospitals that receive dialog (vestre-viken); the municipal side of a dialog with Sykehuset Østfold is "
         "case-handling, nursing or physicians by its name (ostfold). Replies are not checked: they go back to the "
         "sender.", ("000 vedlegg", "001 §7", "002", "Østfold"), advice.recipient_listed,
         ("oslo", "bergen", "vestre-viken", "ostfold")),
    Rule("STANDARD-REPLY", W, None, "Svar pasienten med en av standardtekstene.",
         "A svar contains one of the standard reply texts (endring av time, avbestilling, purring, avslutte dialog, "
         "avbestillingsgebyr).", ("004",), advice.standard_reply, ("pasientdialog",)),
    Rule("SHORT", W, None, "Hold meldingen kort og konkret.",
         "The text is longer than the configured limit (short_max_chars).", ("000 §4", "001 §4.4", "002"),
         advice.short),
    Rule("NOT-ACK-ONLY", W, None, "Ikke send melding bare for å bekrefte mottak: det gjør applikasjonskvitteringen.",
         "A short text that only acknowledges receipt or that a task is done.", ("000", "001 §5.2"),
         advice.not_ack_only),
    Rule("NOT-URGENT", W, None, "Dialogmelding er ikke for øyeblikkelig hjelp eller alvorlige funn: ring.",
         "The text or Hastegrad says urgent (øyeblikkelig hjelp, haster, akutt).", ("000", "001 §5.1", "002", "004"),
         advice.not_urgent),
    Rule("GREETING-AND-IDENTITY", W, None,
         "Start med mottaker/fagområde, si hvem du er og hvor du jobber, og vis til henvisning, epikrise eller dato.",
         "A first message names its recipient, its writer and what it refers to.", ("000 §1-3", "001 §4.1-3"),
         advice.greeting_and_identity),
    Rule("ONE-PROBLEM-PER-THREAD", W, None, "Én problemstilling og ett fagområde per tråd.",
         "The text mixes fagområder (e.g. surgery and medicine).", ("000 §7", "001 §4.6"),
         advice.one_problem_per_thread),
    Rule("REPLY-DEADLINE", W, None, "Svar forventes innen 3-5 virkedager (4 for pasientdialog).",
         "A svar comes after the forespørsel's reply date (working days, Norwegian holidays excluded); checked when "
         "the forespørsel is given.", ("000", "001 §6", "002", "004"), advice.reply_deadline),
)  # fmt: skip

BY_ID: Final[dict[str, Rule]] = {rule.id: rule for rule in RULES}


def get(rule_id: str) -> Rule:
    """The rule with id ``rule_id``; :class:`KeyError` when there is none."""
    return BY_ID[rule_id]


@functools.cache
def _checked(profile: str, errors_only: bool) -> tuple[tuple[Rule, Check], ...]:
    """The rules :func:`evaluate` runs under ``profile``, with their checks, in table order."""
    return tuple(
        (rule, rule.check)
        for rule in RULES
        if rule.check is not None
        and not (errors_only and rule.severity is not Severity.ERROR)
        and (not rule.profiles or profile in rule.profiles)
    )


def evaluate(facts: Facts, *, errors_only: bool = False) -> list[Issue]:
    """Run every rule that has a check on ``facts``; return what they find, in table order.

    ``errors_only`` skips the advice (what the builders use). Profile rules apply only under their profiles.
    """
    found: list[Issue] = []
    for rule, check in _checked(facts.settings.profile.name, errors_only):
        for message, element in check(facts):
            found.append(Issue(rule.id, rule.severity, message, None if element is None else element.sourceline))
    return found
