"""The checks of the hard rules and the profile rules: each yields (message, element) for what breaks its rule.

A check looks only at its own rule, so that one fault gives one rule id. The table that names, grades and maps the
rules to AppRec codes is :mod:`dmtool.rules`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import Final

from lxml import etree

from . import clock, codelists, ids, textscan, tree, xsd
from .facts import Facts
from .model import Kind
from .profiles import HospitalDialog
from .textscan import fold
from .tree import first

Finding = tuple[str, etree._Element | None]

_AVVIK_OID: Final = codelists.get("8117").oid
_KINDS: Final = frozenset(Kind)
_PERSON_TYPES: Final = frozenset({ids.FNR, ids.DNR, ids.HNR, ids.FHN})
#: The free-text patterns are written so that no text can be matched in two ways ("<" and many spaces, and
#: "data:a/b;;;;..." took time quadratic and exponential in the length of the text), and are searched in the folded
#: text (:func:`dmtool.textscan.fold`), where they need no ``re.IGNORECASE``: with it, ``re`` tried every tag name
#: after each ``<`` (500 ns), and ``\bdata:`` at every position. Long base64 runs are found by :func:`has_base64_run`.
_MARKUP: Final = re.compile(
    r"<\s*+(?:/\s*+)?(?:html|head|body|p|br|div|span|b|i|u|em|strong|font|img|a|table|tr|td|th|ul|ol|li|h[1-6]"
    r"|script|style|svg|iframe|object|embed)\b[^<>]*+>"
)
#: A data URI up to the end of its parameters: ``data:``, a type, a subtype, and from a ``;`` the parameters, which
#: run to a comma (the data follow: a data URI) or to white space (no data URI). The subtype stops before a
#: ``data:`` (which cannot be part of it: a colon ends it), so that no match hides where another may begin.
_DATA_URI: Final = re.compile(textscan.word("data:", r"[a-z]++/(?:(?!data:)[a-z0-9.+-])++(?:;[^,\s]*+)?"))
#: A run of base64 characters at least this long is taken for an embedded file.
BASE64_RUN: Final = 400
_BASE64_CHARS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
_BASE64_RUN_CHARS: Final = re.compile(r"[A-Za-z0-9+/]*")
#: The municipality's case-handling office by its usual names: saksbehandling, bestillerenhet, søknadskontor,
#: vedtakskontor, tjeneste- og koordineringskontor (seeds 000, 001), tjenestekontor, forvaltningskontor, tildeling.
_CASE_HANDLING: Final = (
    "saksbehandl", "bestiller", "søknadskontor", "vedtakskontor", "koordineringskontor", "tjenestekontor",
    "forvaltning", "tildeling",
)  # fmt: skip
_MUNICIPAL: Final = textscan.Search(
    "kommune", "hjemmesykepleie", "hjemmetjeneste", "sykehjem", "omsorg", "helsehus", "korttidsavdeling",
    "rehabilitering i kommunen", *_CASE_HANDLING,
)  # fmt: skip
_LAB_RADIOLOGY: Final = textscan.Search("laborator", "radiolog", "røntgen", "bildediagnost", "mikrobiolog", "patolog")


def no_attachments(facts: Facts) -> Iterator[Finding]:
    """One Document holding the Dialogmelding as XML; nothing else."""
    for report in facts.parts.get("PatientReport", ()):
        yield "the MsgHead carries a PatientReport; a Dialogmelding is one Document with plain text", report
    for index, extra in enumerate(facts.documents):
        if index != facts.body_document:
            where = "before the Dialogmelding" if index < facts.body_document else "after the Dialogmelding"
            what = f"a further Document (an attachment) {where}"
            yield f"{what}: information sent as an attachment will not reach the receiver", extra
    for index, (ref_doc, parts) in enumerate(facts.ref_docs):
        if ref_doc is None:
            continue
        msg_type = first(parts, "MsgType")
        if index == facts.body_document and msg_type is not None and tree.code(msg_type) != "XML":
            yield f"the Document's RefDoc/MsgType is {msg_type.get('V')!r}; the Dialogmelding must be XML", msg_type
        mime = first(parts, "MimeType")
        if mime is not None and (tree.text(mime) or "").strip().lower() not in ("text/xml", "application/xml"):
            yield f"MimeType {(tree.text(mime) or '').strip()!r}: only the XML Dialogmelding may be sent", mime
        reference = first(parts, "FileReference")
        if reference is not None:
            yield "a FileReference points at an external document; send the information as text", reference
    for extra in facts.in_content[1:]:
        what = "a MsgHead nested in the message (an EPJ fault)" if tree.name(extra) == "MsgHead" else tree.name(extra)
        yield f"Content holds {what} besides the Dialogmelding: send the Dialogmelding only", extra
    for container in tree.descendants(facts.msghead, "Base64Container"):
        yield "a base64 container (an embedded file): send the information as plain text", container


def has_base64_run(text: str) -> bool:
    """True when ``text`` holds :data:`BASE64_RUN` or more base64 characters in a row.

    A regular expression tries every position and re-reads each word (0.7 s for 20 MB of text). A run that long
    starts at most ``BASE64_RUN // 2 - 1`` characters before a multiple of ``BASE64_RUN // 2`` and goes on at least
    ``BASE64_RUN // 2`` after it, so only those positions are tried: the run is read forward from one, then only the
    characters it still needs are checked behind it. Every step is a regular expression on a bounded stretch, so any
    text takes linear time.
    """
    half = BASE64_RUN // 2
    for at in range(0, len(text) - half + 1, half):
        if text[at] in _BASE64_CHARS:
            ahead = _BASE64_RUN_CHARS.match(text, at).end() - at  # type: ignore[union-attr]  # "*" always matches
            behind = BASE64_RUN - ahead
            if ahead >= half and (behind <= 0 or (behind <= at and _BASE64_RUN_CHARS.fullmatch(text, at - behind, at))):
                return True
    return False


def has_data_uri(text: str, folded: str | None = None) -> bool:
    """True when ``text`` holds a data URI: ``data:type/subtype``, perhaps parameters after ``;``, then a comma (what
    ``\\bdata:[a-z]+/[a-z0-9.+-]+(?:;[^,;\\s]*)*,`` finds case-insensitively). ``folded`` is
    :func:`dmtool.textscan.fold` of ``text``, when the caller has it.

    That pattern read the parameters after every ``data:`` to the end of their run, and many ``data:a/b;`` in one
    run took time quadratic in its length (74 KB: 7 s). A ``data:`` inside the parameters of another ends where
    that one ends, so the search goes on after them: each run is read once.
    """
    if folded is None:
        folded = fold(text)
    found = _DATA_URI.search(folded)
    while found is not None:
        if folded.startswith(",", found.end()):
            return True
        found = _DATA_URI.search(folded, found.end())
    return False


def text_problems(text: str) -> Iterator[str]:
    """What makes ``text`` other than plain text: HTML tags written as text, a data URI, a long base64 run."""
    if "<" in text and ">" in text and _MARKUP.search(fold(text)):
        yield "holds HTML tags as text; write plain text"
    if ":" in text and has_data_uri(text):
        yield "embeds a data URI (an image or file); only plain text is allowed"
    elif has_base64_run(text):
        yield "holds a long base64 run (an embedded file); only plain text is allowed"


def plain_text(facts: Facts) -> Iterator[Finding]:
    """Free text is plain text: no markup, no embedded images or data."""
    for element, text in facts.free_text:
        where = tree.name(element)
        if tree.has_markup(element):
            yield f"{where} holds markup (e.g. xhtml); only plain text is allowed", element
        for problem in text_problems(text):
            if not (tree.has_markup(element) and problem.startswith("holds HTML")):
                yield f"{where} {problem}", element


def no_hjelpenummer(facts: Facts) -> Iterator[Finding]:
    """The patient's person number is a valid fødselsnummer or D-nummer, and its TypeId says which."""
    if facts.patient is None:
        return
    born_by = None if facts.gen_date is None else facts.gen_date.astimezone(clock.OSLO).date()
    for ident, number, code in facts.patient_idents:
        if code not in _PERSON_TYPES and not (number.isdigit() and len(number) == 11):
            continue
        if code in (ids.HNR, ids.FHN):
            required = "a fødselsnummer or D-nummer is required"
            yield f"the patient has an {ids.NAMES[code]} (TypeId {code}): {required}", ident
            continue
        found = ids.classify(number, born_by=born_by, synthetic=facts.settings.synthetic_ids)
        if found.kind in (ids.HNR, ids.FHN):
            yield f"the patient's number {number} is an {ids.NAMES[found.kind]} (hjelpenummer), not a fødselsnummer " \
                  "or D-nummer", ident  # fmt: skip
        elif found.reason is not None:
            name = ids.NAMES.get(code, ids.NAMES[ids.FNR])  # any TypeId may come with 11 digits
            yield f"the patient's number {number} is not a valid {name}: {found.reason}", ident
        elif code != found.kind:
            yield f"the patient's number {number} is a {ids.NAMES[found.kind or ids.FNR]} but TypeId says " \
                  f"{code or 'nothing'}; use {found.kind}", ident  # fmt: skip


def patient_required(facts: Facts) -> Iterator[Finding]:
    """``Patient`` is there, with family and given name and an identifier."""
    patient = facts.patient
    if patient is None:
        yield "the message has no Patient: a named patient with fødselsnummer or D-nummer is required", facts.info
        return
    for local, what in (("FamilyName", "family name"), ("GivenName", "given name")):
        if not (tree.text(first(facts.patient_parts, local)) or "").strip():
            yield f"the patient's {what} ({local}) is missing", patient
    found = facts.patient_idents
    if not any(code in _PERSON_TYPES or (number.isdigit() and len(number) == 11) for _, number, code in found):
        others = ", ".join(sorted({code or "untyped" for _, number, code in found if number}))
        what = f"only {others}" if others else "no identifier"
        yield f"the patient has {what}: a fødselsnummer or D-nummer is required", patient


def one_recipient(facts: Facts) -> Iterator[Finding]:
    """One Receiver, no copy recipients."""
    if facts.info is None:
        return
    for extra in facts.info_parts.get("Receiver", [])[1:]:
        yield "a second Receiver: send one message per recipient", extra
    for other in facts.info_parts.get("OtherReceiver", ()):
        yield "an OtherReceiver (copy recipient): send one message per recipient, no copies", other
    for document in facts.parts.get("PatientReport", ()):
        for patient in tree.children(document, "Patient"):
            yield "a PatientReport names a further patient or recipient", patient


def service_addressing(facts: Facts) -> Iterator[Finding]:
    """Sender and receiver are identified by HER-id; the receiver's innermost level is the service."""
    for role in ("Sender", "Receiver"):
        chain = facts.organisation_chain(role)
        if not chain:
            continue
        innermost = chain[-1]
        her = innermost.ident("HER")
        if her is None:
            name = innermost.name or "the organisation"
            what = "the addressed service" if role == "Receiver" else "the sending unit"
            yield f"{role}: {name}, {what}, has no HER-id; address by HER-id from the address register", \
                innermost.element  # fmt: skip
        elif (problem := ids.her_id_problem(her)) is not None:
            yield f"{role}: {problem}", innermost.element


def type_matches_body(facts: Facts) -> Iterator[Finding]:
    """``MsgInfo/Type`` agrees with the body; one body per message."""
    if facts.kind not in _KINDS or facts.dialog is None:
        return
    bodies = facts.bodies
    type_element = facts.type_element
    for extra in bodies[1:]:
        yield f"a further {tree.name(extra)}: one request or note per message", extra
    if not bodies:
        yield f"{facts.kind} needs a body: the Dialogmelding holds no Foresporsel or Notat", facts.dialog
        return
    body = bodies[0]
    expected = "Foresporsel" if facts.kind == Kind.FORESPORSEL else "Notat"
    if tree.name(body) != expected:
        yield f"{facts.kind} carries a {tree.name(body)}; it must carry a {expected}", type_element
    elif facts.kind == Kind.SVAR and first(facts.body_parts, "Foresporsel") is None:
        yield "a DIALOG_SVAR must quote the Foresporsel it answers inside its Notat", body
    if facts.kind == Kind.HELSEFAGLIG and facts.version == "1.0":
        yield "DIALOG_HELSEFAGLIG is Dialogmelding 1.1; this body is 1.0", type_element


def _references(facts: Facts, what: str) -> Iterator[Finding]:
    """The message carries ConversationRef with RefToParent and RefToConversation, matching the original if known."""
    ref = facts.conversation
    if ref is None or not ref[0]:
        yield f"{what} needs ConversationRef/RefToParent with the MsgId of the message it answers", facts.info
        return
    if not ref[1]:
        yield f"{what} needs ConversationRef/RefToConversation with the id of the thread", facts.info
    original = facts.original
    if original is None:
        return
    element = facts.conversation_element
    if ref[0] != original.msg_id:
        yield f"RefToParent is {ref[0]!r}, but the answered message's MsgId is {original.msg_id!r}", element
    if ref[1] and ref[1] != original.conversation:
        yield f"RefToConversation is {ref[1]!r}, but the thread is {original.conversation!r}", element
    receivers = facts.her_ids("Receiver")
    if original.sender_her_ids and receivers and receivers[-1] not in original.sender_her_ids:
        yield f"the receiver (HER {receivers[-1]}) is not the answered message's sender " \
              f"(HER {', '.join(original.sender_her_ids)})", first(facts.info_parts, "Receiver")  # fmt: skip


def svar_references_foresporsel(facts: Facts) -> Iterator[Finding]:
    """A svar is tied to its forespørsel and goes back to its sender."""
    if facts.kind != Kind.SVAR:
        return
    yield from _references(facts, "a svar")
    if facts.original is not None and facts.original.kind not in ("", Kind.FORESPORSEL):
        yield f"a svar answers a forespørsel; the answered message is {facts.original.kind}", facts.info


def avvik_references_message(facts: Facts) -> Iterator[Finding]:
    """An avvik is tied to one received message, with reason 1 (feil adressat) or 2 (technical error, said what)."""
    if facts.kind != Kind.AVVIK:
        return
    yield from _references(facts, "an avvik")
    body = facts.body
    if body is None or tree.name(body) != "Notat":
        return
    tema = first(facts.body_parts, "TemaKodet")
    code = None if tema is None else tree.code(tema)
    if tema is None or tema.get("S", "").strip() != _AVVIK_OID:
        yield "an avvik needs its reason as TemaKodet from code list 8117 (1 feil adressat, 2 teknisk feil)", tema
    elif code == "9":
        yield "8117 code 9 Annet is not an allowed reason: use 1 (feil adressat) or 2 (teknisk feil)", tema
    elif code not in ("1", "2"):
        yield f"8117 code {code!r} is not an allowed reason: use 1 (feil adressat) or 2 (teknisk feil)", tema
    elif code == "2" and not (tree.text(first(facts.body_parts, "TekstNotatInnhold")) or "").strip():
        yield "a technical-error avvik (8117 code 2) must say in TekstNotatInnhold what is missing", body


def ack_requested(facts: Facts) -> Iterator[Finding]:
    """``Ack``, when present, is J."""
    ack = first(facts.info_parts, "Ack")
    if ack is not None and tree.code(ack) != "J":
        yield f"Ack is {ack.get('V')!r}: a receipt must be requested (J, or leave Ack out)", ack


def unsupported(facts: Facts) -> Iterator[Finding]:
    """``MsgInfo/Type`` is one of the five dialog kinds, and GenDate, when the schema takes it, is one dmtool reads."""
    if facts.info is not None and facts.kind not in _KINDS:
        yield (
            f"MsgInfo/Type {facts.kind!r} is not a dialog kind dmtool supports ({', '.join(Kind)})",
            facts.type_element,
        )
    gen_date = first(facts.info_parts, "GenDate")
    if gen_date is not None and facts.gen_date is None:  # not read: left to the schema unless it is an xs:dateTime
        found = xsd.timestamp_issue("MsgInfo/GenDate", tree.text(gen_date) or "", None)
        if found.rule == "UNSUPPORTED-MESSAGE":
            yield found.message, gen_date


# -- profile rules ----------------------------------------------------------------------------------------------------

#: A hospital's PLO message reception (``Somatikk PLO meldingsmottak``): both words in its party's level names.
_PLO: Final = textscan.Search(textscan.word("plo", r"\b"))
_RECEPTION: Final = textscan.Search("mottak")
#: A physician or a physicians' service: fastlege, kommunelege, kommuneoverlege, legekontor, legetjeneste, ...
_PHYSICIAN: Final = (textscan.word("lege"), "fastlege", "kommunelege", "overlege", "tilsynslege", "sykehjemslege")
PHYSICIAN: Final = textscan.Search(*_PHYSICIAN)
#: The municipal services seed 003 allows dialog with (saksbehandling, sykepleietjeneste, legetjeneste): the
#: case-handling office by its usual names, nurses (also in the home services) and physicians.
DIALOG_MUNICIPAL: Final = textscan.Search(
    *_CASE_HANDLING, "sykeplei", "hjemmetjeneste", "hjemmebaserte? tjeneste", *_PHYSICIAN
)


def time_window(facts: Facts) -> Iterator[Finding]:
    """The profile's time window: months after the last contact, or only while admitted."""
    profile, settings = facts.settings.profile, facts.settings
    sent = facts.gen_date
    if profile.months_after_contact is not None and settings.last_contact is not None and sent is not None:
        limit = _add_months(settings.last_contact, profile.months_after_contact)
        if sent.astimezone(clock.OSLO).date() > limit:
            months = profile.months_after_contact
            yield f"profile {profile.name}: dialog is allowed until {limit.isoformat()} ({months} month(s) after " \
                  f"the last contact {settings.last_contact.isoformat()})", facts.info  # fmt: skip
    if profile.admitted_only and settings.admitted is False:
        yield f"profile {profile.name}: dialog is only for patients who are admitted", facts.info


def recipient_allowed(facts: Facts) -> Iterator[Finding]:
    """The profile's restrictions on who may be addressed, and between whom dialog is allowed."""
    profile = facts.settings.profile
    if profile.hospital_dialog is not None and facts.kind != Kind.AVVIK:
        yield from _hospital_dialog(facts, profile.name, profile.hospital_dialog)
    chain = facts.organisation_chain("Receiver")
    if not chain:
        return
    names = " / ".join(level.name for level in chain)
    if profile.gp_only and _MUNICIPAL.found(names):
        yield f"profile {profile.name}: write to the GP, not to a municipal service ({names})", chain[-1].element
    if profile.no_lab_radiology and facts.settings.admitted is not True and _LAB_RADIOLOGY.found(names):
        yield f"profile {profile.name}: no dialog with laboratory or radiology ({names}) for a patient who is not " \
              "admitted", chain[-1].element  # fmt: skip


def hospital_roles(facts: Facts, dialog: HospitalDialog) -> set[str]:
    """Which of ``Sender`` and ``Receiver`` are the profile's hospital (a level named by ``dialog.hospital``)."""
    return {
        role
        for role in ("Sender", "Receiver")
        if any(named(level.name, dialog.hospital) for level in facts.organisation_chain(role))
    }


def _hospital_dialog(facts: Facts, profile: str, dialog: HospitalDialog) -> Iterator[Finding]:
    """The hospital takes part in dialog only through its receptions: its side's level names hold the words ``PLO``
    and ``…mottak``. Only a message with the hospital as sender or receiver is checked, and an avvik is not (the
    caller leaves it out): it goes back to the sender of the message it reports, and saying that a message reached
    the wrong unit is what it is for. Whether the other side is one of the municipal services the guideline names
    is advice (``RECIPIENT-LISTED``): an office's name does not always say what it does."""
    for role in sorted(hospital_roles(facts, dialog)):
        chain = facts.organisation_chain(role)
        names = " / ".join(level.name for level in chain)
        if not (_PLO.found(names) and _RECEPTION.found(names)):
            yield f"profile {profile}: {dialog.hospital[0]} takes part in dialog only through its PLO receptions " \
                  f"({', '.join(dialog.receptions)}), not the {role.lower()} ({names}); use one of them", \
                  chain[-1].element  # fmt: skip


_NOT_WORD: Final = re.compile(r"[\W_]+")
#: How much of an organisation's name :func:`named` and :func:`listed` read: far more than any real name, and a name
#: of megabytes is not read dozens of times.
NAME_CHARS: Final = 1000


def words(text: str) -> str:
    """``text`` for matching names whatever their case, spacing and punctuation: casefolded, each run of characters
    other than letters and digits one space, a space before and after. The two spellings of the nursing service
    (``Sykepleietjeneste`` in seed 000, ``Sykepleiertjeneste`` in seed 001) are made one."""
    return " " + _NOT_WORD.sub(" ", text.casefold()).strip().replace("sykepleier", "sykepleie") + " "


def named(name: str, names: Iterable[str]) -> bool:
    """True when ``name`` is one of ``names``: every word of that name begins a word of ``name``, whatever the case,
    spacing, punctuation and order (so ``Indremedisin`` names "Indremedisinsk poliklinikk", and ``Drammen sykehus``
    names "Sykehuset i Drammen")."""
    found = words(name[:NAME_CHARS])
    return any(all(f" {word}" in found for word in words(other).split()) for other in names)


def listed(name: str, services: Iterable[str]) -> bool:
    """True when ``name`` is one of ``services``: as :func:`named` does, or with every space left out (so that
    "Sykepleie tjeneste" is ``Sykepleietjeneste``)."""
    services = tuple(services)
    compact = words(name[:NAME_CHARS]).replace(" ", "")
    return named(name, services) or any(words(service).replace(" ", "") in compact for service in services)


def _add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` months on; the last day of the month when that month is shorter; the calendar's last
    day (9999-12-31) when that is later."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    if year > dt.MAXYEAR:
        return dt.date.max
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))
