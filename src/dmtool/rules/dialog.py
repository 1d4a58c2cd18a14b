"""The dialog layer: the hard rules of the guidelines for hospital ⇄ municipality and GP dialog (seeds 000-003).

Plain text and no attachments, a patient with a fødselsnummer or D-nummer, one recipient, addressing by HER-id, and
a receipt requested. The advice of the same guidelines is :mod:`dmtool.rules.advice`; what a region adds,
:mod:`dmtool.rules.regional`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from ..standards import clock, codelists, ids
from ..xml import tree
from ..xml.tree import first
from . import nav
from .base import Finding
from .facts import Facts
from .plaintext import text_problems

_ACK_CODES: Final = codelists.get("7304").codes
_PERSON_TYPES: Final = frozenset({ids.FNR, ids.DNR, ids.HNR, ids.FHN})


def no_attachments(facts: Facts) -> Iterator[Finding]:
    """One Document holding the Dialogmelding as XML; nothing else, but under the nav layer a Vedlegg NAV accepts
    (:func:`dmtool.rules.nav.accepted_attachment`)."""
    for report in facts.parts.get("PatientReport", ()):
        yield "the MsgHead carries a PatientReport; a Dialogmelding is one Document with plain text", report
    accepted = {
        facts.documents[index]
        for index, (ref_doc, parts) in enumerate(facts.ref_docs)
        if index != facts.body_document and ref_doc is not None and nav.accepted_attachment(facts, parts)
    }
    for index, extra in enumerate(facts.documents):
        if index != facts.body_document and extra not in accepted:
            where = "before the Dialogmelding" if index < facts.body_document else "after the Dialogmelding"
            what = f"a further Document (an attachment) {where}"
            yield f"{what}: information sent as an attachment will not reach the receiver", extra
    for index, (ref_doc, parts) in enumerate(facts.ref_docs):
        if ref_doc is None or facts.documents[index] in accepted:
            continue
        msg_type = first(parts, "MsgType")
        if index == facts.body_document and msg_type is not None and tree.code(msg_type) != "XML":
            yield f"the Document's RefDoc/MsgType is {msg_type.get('V')!r}; the Dialogmelding must be XML", msg_type
        mime = first(parts, "MimeType")
        said = (tree.text(mime) or "").strip()
        if mime is not None and said.lower() not in ("text/xml", "application/xml"):
            takes = f" (NAV takes {', '.join(sorted(nav.ATTACHMENT_TYPES))})" if "nav" in facts.rule_layers else ""
            yield f"MimeType {said!r}: only the XML Dialogmelding may be sent{takes}", mime
        reference = first(parts, "FileReference")
        if reference is not None:
            yield "a FileReference points at an external document; send the information as text", reference
    for extra in facts.in_content[1:]:
        what = "a MsgHead nested in the message (an EPJ fault)" if tree.name(extra) == "MsgHead" else tree.name(extra)
        yield f"Content holds {what} besides the Dialogmelding: send the Dialogmelding only", extra
    for container in tree.descendants(facts.msghead, "Base64Container"):
        if not any(up in accepted for up in container.iterancestors()):
            yield "a base64 container (an embedded file): send the information as plain text", container


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
    """Sender and receiver are identified by HER-id: the innermost party, organisation, service or person (a
    fastlege), has one; under the nav layer NAV's local office may be its LIN inside NAV's HER-id."""
    for role in ("Sender", "Receiver"):
        element = first(facts.info_parts, role)
        chain = facts.organisation_chain(role)
        if element is None:
            continue
        what = "the addressed service" if role == "Receiver" else "the sending unit"
        if not chain:
            yield f"{role}: no organisation is named; address {what} by HER-id from the address register", element
            continue
        innermost = chain[-1]
        her = innermost.her_id
        if her is None and "nav" in facts.rule_layers and innermost.ident("LIN") and facts.her_ids(role):
            continue  # NAV > local NAV office by its LIN
        if her is None:
            name = innermost.name or "the organisation"
            yield f"{role}: {name}, {what}, has no HER-id; address by HER-id from the address register", \
                innermost.element  # fmt: skip
        elif (problem := ids.her_id_problem(her)) is not None:
            yield f"{role}: {problem}", innermost.element


def ack_requested(facts: Facts) -> Iterator[Finding]:
    """``Ack``, when present, is J."""
    ack = first(facts.info_parts, "Ack")
    code = tree.code(ack)
    if ack is not None and code != "J" and (not code or code in _ACK_CODES):  # a made-up code: CODE-VALUE
        yield f"Ack is {ack.get('V')!r}: a receipt must be requested (J, or leave Ack out)", ack
