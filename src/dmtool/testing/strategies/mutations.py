"""Rule-breaking messages: :func:`breaking` draws a valid message and changes it in one of the ways a hard rule
forbids."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from lxml import etree

from ...dialog import writer
from ...dialog.model import (
    DialogVersion,
    Kind,
    Message,
)
from ...rules import facts
from ...standards import codelists
from ...standards import namespaces as ns
from ...xml import tree
from .messages import kind_versions, messages
from .parties import (
    _ORG_ID_TYPES,
    _PATIENT_BIRTH_DATES,
    _check_version,
    fh_nummer,
    fnr_check_digits,
    h_nummer,
    hpr_numbers,
    organisation_numbers,
)
from .values import _FAMILY_NAMES, _GIVEN_NAMES

# -- rule-breaking messages -------------------------------------------------------------------------------------------

#: The hard guideline rules :func:`breaking` can break, in the order of :mod:`dmtool.rules`. The other hard rules are
#: decided before the guideline checks run (``NOT-XML``, ``UNSUPPORTED-MESSAGE``, ``XSD``) or concern receipts
#: (``APPREC-CONSISTENT``).
HARD_RULES: Final[tuple[str, ...]] = (
    "NO-ATTACHMENTS",
    "PLAIN-TEXT",
    "NO-HJELPENUMMER",
    "PATIENT-REQUIRED",
    "ONE-RECIPIENT",
    "SERVICE-ADDRESSING",
    "TYPE-MATCHES-BODY",
    "SVAR-REFERENCES-FORESPORSEL",
    "AVVIK-REFERENCES-MESSAGE",
    "ACK-REQUESTED",
    "CODE-VALUE",
)
#: The kinds a rule applies to (default: every kind).
_RULE_KINDS: Final[dict[str, tuple[Kind, ...]]] = {
    "SVAR-REFERENCES-FORESPORSEL": (Kind.SVAR,),
    "AVVIK-REFERENCES-MESSAGE": (Kind.AVVIK,),
}
_XHTML: Final = "http://www.w3.org/1999/xhtml"
#: "%PDF-1.4 ..." in base64: the start of a PDF file, as a Base64Container would carry it.
_PDF_BASE64: Final = "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2cvUGFnZXMgMiAwIFI+PgplbmRvYmoK"
_PNG_DATA_URI: Final = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
_Mutation = Callable[[st.DrawFn, etree._Element, Message], None]


def _mh(local: str) -> str:
    return f"{{{ns.MSGHEAD}}}{local}"


def _insert_after(parent: etree._Element, element: etree._Element, after: tuple[str, ...]) -> etree._Element:
    """Insert ``element`` into ``parent`` after its last child named in ``after`` (or first): the schema's order."""
    index = 0
    for position, item in enumerate(parent):
        if isinstance(item.tag, str) and tree.name(item) in after:
            index = position + 1
    parent.insert(index, element)
    return element


def _ensure(parent: etree._Element, local: str, after: tuple[str, ...]) -> etree._Element:
    """The child ``local`` of ``parent`` (in ``parent``'s namespace), inserted in schema order when missing."""
    found = tree.child(parent, local)
    if found is not None:
        return found
    namespace = etree.QName(parent).namespace
    return _insert_after(parent, etree.Element(f"{{{namespace}}}{local}"), after)


def _set_code(element: etree._Element, code_list: str, code: str) -> None:
    """Set ``V`` and ``DN`` (and ``S`` when ``element`` has one) of a coded element to ``code`` of ``code_list``."""
    listed = codelists.get(code_list)
    element.set("V", code)
    element.set("DN", listed.codes[code])
    if element.get("S") is not None:
        element.set("S", listed.oid)


def _info(root: etree._Element) -> etree._Element:
    info = tree.child(root, "MsgInfo")
    assert info is not None
    return info


def _dialog(root: etree._Element) -> etree._Element:
    content = tree.path(root, "Document", "RefDoc", "Content")
    assert content is not None
    return content[0]


def _body(root: etree._Element) -> etree._Element:
    return _dialog(root)[0]


def _main_text(body: etree._Element) -> etree._Element:
    """The element holding the sender's text: ``Sporsmal`` of a Foresporsel, ``TekstNotatInnhold`` of a Notat."""
    if tree.name(body) == "Foresporsel":
        return _ensure(body, "Sporsmal", ("TypeForesp", "EmneSporsmal"))
    return _ensure(body, "TekstNotatInnhold", ("TemaKodet", "Tema"))


def _break_no_attachments(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    variant = draw(st.sampled_from(["base64", "file-reference", "second-xml", "mime-type", "msg-type"]))
    first = tree.child(root, "Document")
    assert first is not None
    ref_doc = tree.child(first, "RefDoc")
    assert ref_doc is not None
    if variant == "second-xml":
        root.append(copy.deepcopy(first))
    elif variant in ("base64", "file-reference"):
        ref = etree.SubElement(etree.SubElement(root, _mh("Document")), _mh("RefDoc"))
        etree.SubElement(ref, _mh("MsgType"), V="A", DN="Vedlegg")
        mime = draw(st.sampled_from([None, "application/pdf", "image/png"]))
        if mime is not None:
            etree.SubElement(ref, _mh("MimeType")).text = mime
        if variant == "base64":
            container = etree.SubElement(etree.SubElement(ref, _mh("Content")), f"{{{ns.BASE64}}}Base64Container")
            container.text = _PDF_BASE64
        else:
            reference = draw(st.sampled_from(["file:///C:/Dokumenter/epikrise.pdf", "https://example.org/v/1.pdf"]))
            etree.SubElement(ref, _mh("FileReference")).text = reference
    elif variant == "mime-type":
        mime_type = etree.Element(_mh("MimeType"))
        mime_type.text = draw(st.sampled_from(["application/pdf", "text/html", "image/jpeg", "text/plain"]))
        _insert_after(ref_doc, mime_type, ("IssueDate", "MsgType", "Id"))
    else:
        msg_type = tree.child(ref_doc, "MsgType")
        assert msg_type is not None
        _set_code(msg_type, "8114", draw(st.sampled_from(["A", "REF"])))


def _xhtml(draw: st.DrawFn, parent: etree._Element) -> None:
    """Append formatted text (an xhtml element) to ``parent``."""
    shape = draw(st.sampled_from(["p", "b", "img"]))
    if shape == "img":
        etree.SubElement(parent, f"{{{_XHTML}}}img", src="data:image/png;base64,iVBORw0KGgo=", alt="bilde")
        return
    paragraph = etree.SubElement(parent, f"{{{_XHTML}}}p")
    paragraph.text = "Pasienten "
    if shape == "b":
        bold = etree.SubElement(paragraph, f"{{{_XHTML}}}b")
        bold.text = "må"
        bold.tail = " ringes."


def _break_plain_text(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    body = _body(root)
    variants = ["data-uri", "html-as-text", "base64-run"]
    requests = [body] if tree.name(body) == "Foresporsel" else list(tree.children(body, "Foresporsel"))
    if message.version == "1.1" and requests:
        variants.append("xhtml-sporsmal")
    if tree.name(body) == "Notat":
        variants.append("xhtml-notat")
    variant = draw(st.sampled_from(variants))
    if variant == "xhtml-sporsmal":
        _xhtml(draw, _main_text(draw(st.sampled_from(requests))))
        return
    if variant == "xhtml-notat":
        _xhtml(draw, _main_text(body))
        return
    if tree.name(body) == "Foresporsel":
        targets = [_main_text(body), _ensure(body, "Begrunnelse", ("TypeForesp", "EmneSporsmal", "Sporsmal", "Formål"))]
    else:
        targets = [_main_text(body), _ensure(body, "Merknad", ("TemaKodet", "Tema", "TekstNotatInnhold"))]
    target = draw(st.sampled_from(targets))
    addition = {
        "data-uri": f" Se bildet: {_PNG_DATA_URI}",
        "html-as-text": draw(st.sampled_from([" <b>Viktig</b>", "<p>Hei</p>", " <br/>", '<img src="x.png">'])),
        "base64-run": " " + _PDF_BASE64 * 6,
    }[variant]
    target.text = (target.text or "") + addition


def _set_ident(ident: etree._Element, number: str | None = None, type_code: str | None = None) -> None:
    if number is not None:
        id_element = tree.child(ident, "Id")
        assert id_element is not None
        id_element.text = number
    if type_code is not None:
        type_id = tree.child(ident, "TypeId")
        assert type_id is not None
        _set_code(type_id, "8116", type_code)


def _patient_ident(root: etree._Element) -> tuple[etree._Element, str, str]:
    patient = tree.child(_info(root), "Patient")
    assert patient is not None
    ident = tree.child(patient, "Ident")
    assert ident is not None
    type_id = tree.child(ident, "TypeId")
    return ident, tree.text(tree.child(ident, "Id")) or "", "" if type_id is None else type_id.get("V", "")


def _break_no_hjelpenummer(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    ident, number, type_code = _patient_ident(root)
    variant = draw(
        st.sampled_from(
            ["h-nummer", "fh-nummer", "type-hnr", "type-fhn", "check-digits", "type-disagrees", "no-birth-date", "form"]
        )
    )
    if variant == "h-nummer":
        _set_ident(ident, draw(h_nummer(_PATIENT_BIRTH_DATES)), draw(st.sampled_from(["HNR", "FNR", "DNR"])))
    elif variant == "fh-nummer":
        _set_ident(ident, draw(fh_nummer()), draw(st.sampled_from(["FHN", "FNR", "DNR"])))
    elif variant == "type-hnr":
        _set_ident(ident, type_code="HNR")
    elif variant == "type-fhn":
        _set_ident(ident, type_code="FHN")
    elif variant == "check-digits":
        # one digit of the individual number or of the check digits changed: mod 11 finds every single-digit change
        position = draw(st.integers(6, 10))
        digit = str((int(number[position]) + draw(st.integers(1, 9))) % 10)
        _set_ident(ident, number[:position] + digit + number[position + 1 :])
    elif variant == "type-disagrees":
        _set_ident(ident, type_code="DNR" if type_code == "FNR" else "FNR")
    elif variant == "no-birth-date":
        # day 32-39 of the month: structurally a fødselsnummer, with right check digits, but no date
        start = draw(st.integers(0, 9_999_999))
        for step in range(1000):
            first_nine = f"3{2 + (start + step) % 8}{(start + step) // 8 % 10_000_000:07d}"
            check = fnr_check_digits(first_nine)
            if check is not None:
                _set_ident(ident, first_nine + check, "FNR")
                break
    else:
        _set_ident(ident, draw(st.sampled_from([number[:-1], number + "0", number[:4] + "X" + number[5:], "ukjent"])))


def _break_patient_required(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    info = _info(root)
    patient = tree.child(info, "Patient")
    assert patient is not None
    variant = draw(st.sampled_from(["no-patient", "no-family-name", "no-given-name", "blank-name", "no-ident"]))
    if variant == "no-patient":
        info.remove(patient)
    elif variant == "blank-name":
        name = tree.child(patient, draw(st.sampled_from(["FamilyName", "GivenName"])))
        assert name is not None
        name.text = draw(st.sampled_from(["", " ", "\n\t"]))
    else:
        local = {"no-family-name": "FamilyName", "no-given-name": "GivenName", "no-ident": "Ident"}[variant]
        for item in tree.children(patient, local):
            patient.remove(item)


def _break_one_recipient(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    info = _info(root)
    for _ in range(draw(st.integers(1, 2))):
        other = etree.Element(_mh("OtherReceiver"))
        role = etree.SubElement(other, _mh("RoleReceiver"))
        _set_code(role, "8112", draw(st.sampled_from(["COP", "PRIM", "OR"])))
        party = draw(st.sampled_from(["Sender", "Receiver", "professional"]))
        if party == "professional":
            person = etree.SubElement(other, _mh("HealthcareProfessional"))
            etree.SubElement(person, _mh("FamilyName")).text = draw(st.sampled_from(_FAMILY_NAMES))
            etree.SubElement(person, _mh("GivenName")).text = draw(st.sampled_from(_GIVEN_NAMES))
            ident = etree.SubElement(person, _mh("Ident"))
            etree.SubElement(ident, _mh("Id")).text = draw(hpr_numbers())
            etree.SubElement(ident, _mh("TypeId"), S=codelists.get("8116").oid, V="HPR", DN="HPR-nummer")
        else:
            organisation = tree.path(info, party, "Organisation")
            assert organisation is not None
            other.append(copy.deepcopy(organisation))
        _insert_after(info, other, ("Receiver", "OtherReceiver"))


def _break_service_addressing(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    level = tree.path(_info(root), draw(st.sampled_from(["Sender", "Receiver"])), "Organisation")
    while level is not None and tree.child(level, "Organisation") is not None:
        level = tree.child(level, "Organisation")
    assert level is not None
    her = next(ident for ident, _, code in facts.iter_idents(level) if code == "HER")
    type_id, id_element = tree.child(her, "TypeId"), tree.child(her, "Id")
    assert type_id is not None and id_element is not None
    variant = draw(st.sampled_from(["org-number", "other-type", "not-a-her-id"]))
    person = tree.child(level, "HealthcareProfessional")
    if variant != "not-a-her-id" and person is not None:
        level.remove(person)  # a fastlege's personal HER-id would address the level (SERVICE-ADDRESSING)
    if variant == "org-number":
        _set_code(type_id, "9051", "ENH")
        id_element.text = draw(organisation_numbers())
    elif variant == "other-type":
        _set_code(type_id, "9051", draw(st.sampled_from(_ORG_ID_TYPES)))
    else:
        her_id = id_element.text or ""
        id_element.text = draw(
            st.sampled_from(
                ["", "HER" + her_id, "0" + her_id, her_id + "00000", her_id[:3] + " " + her_id[3:], "ukjent"]
            )
        )


def _break_type_matches_body(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    dialog, body = _dialog(root), _body(root)
    variants = ["second-body", "no-body", "wrong-type"]
    if message.version == "1.0" and tree.name(body) == "Notat":
        variants.append("helsefaglig-in-1.0")
    variant = draw(st.sampled_from(variants))
    type_element = tree.child(_info(root), "Type")
    assert type_element is not None
    if variant == "second-body":
        body.addnext(copy.deepcopy(body))
    elif variant == "no-body":
        for item in list(dialog):
            dialog.remove(item)
    elif variant == "wrong-type":
        if tree.name(body) == "Foresporsel":
            _set_code(type_element, "8279", draw(st.sampled_from([Kind.NOTAT, Kind.HELSEFAGLIG])))
        else:
            _set_code(type_element, "8279", Kind.FORESPORSEL)
    else:
        _set_code(type_element, "8279", Kind.HELSEFAGLIG)


def _break_references(draw: st.DrawFn, root: etree._Element, variant: str) -> None:
    info = _info(root)
    ref = tree.child(info, "ConversationRef")
    assert ref is not None
    if variant == "no-ref":
        info.remove(ref)
    else:
        part = tree.child(ref, "RefToParent" if variant == "empty-parent" else "RefToConversation")
        assert part is not None
        part.text = draw(st.sampled_from(["", " "]))


def _break_svar_references(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    _break_references(draw, root, draw(st.sampled_from(["no-ref", "empty-parent", "empty-conversation"])))


def _break_avvik_references(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    variant = draw(
        st.sampled_from(
            ["no-ref", "empty-parent", "empty-conversation", "annet", "no-system", "technical-no-text"]
        )
    )
    body = _body(root)
    topic = tree.child(body, "TemaKodet")
    assert topic is not None
    if variant in ("no-ref", "empty-parent", "empty-conversation"):
        _break_references(draw, root, variant)
    elif variant == "annet":
        _set_code(topic, "8117", "9")
    elif variant == "no-system":
        del topic.attrib["S"]
    else:
        _set_code(topic, "8117", "2")
        text = tree.child(body, "TekstNotatInnhold")
        if text is not None:
            body.remove(text)


def _break_ack_requested(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    ack = _ensure(
        _info(root), "Ack", ("Type", "MIGversion", "GenDate", "MsgId", "ProcessingStatus", "RequestedPriority")
    )
    _set_code(ack, "7304", draw(st.sampled_from(["N", "F"])))


def _break_code_value(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    """The body's topic (``TypeForesp`` or ``TemaKodet``) gets a made-up code, a list it does not take, an OID that
    names no list, or a bare list number for its ``S``."""
    body = _body(root)
    topic = tree.child(body, "TypeForesp" if tree.name(body) == "Foresporsel" else "TemaKodet")
    assert topic is not None
    variant = draw(st.sampled_from(["made-up code", "other list", "unknown list", "bare number"]))
    if variant == "made-up code":
        topic.set("V", draw(st.sampled_from(["ZZZ", "0", "99999", "x"])))
    elif variant == "other list":
        _set_code(topic, "8116", "FNR")
        topic.set("S", codelists.get("8116").oid)
    else:
        topic.set("S", "2.16.578.1.12.4.1.1.9999" if variant == "unknown list" else "8324")


_MUTATIONS: Final[dict[str, _Mutation]] = {
    "NO-ATTACHMENTS": _break_no_attachments,
    "PLAIN-TEXT": _break_plain_text,
    "NO-HJELPENUMMER": _break_no_hjelpenummer,
    "PATIENT-REQUIRED": _break_patient_required,
    "ONE-RECIPIENT": _break_one_recipient,
    "SERVICE-ADDRESSING": _break_service_addressing,
    "TYPE-MATCHES-BODY": _break_type_matches_body,
    "SVAR-REFERENCES-FORESPORSEL": _break_svar_references,
    "AVVIK-REFERENCES-MESSAGE": _break_avvik_references,
    "ACK-REQUESTED": _break_ack_requested,
    "CODE-VALUE": _break_code_value,
}


@st.composite
def _broken(draw: st.DrawFn, rule_id: str, base: st.SearchStrategy[Message]) -> bytes:
    message = draw(base)
    root = writer.to_element(message)
    _MUTATIONS[rule_id](draw, root, message)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@functools.cache
def _breaking(rule_id: str, kind: Kind | None, version: DialogVersion | None) -> st.SearchStrategy[bytes]:
    kinds = (kind,) if kind is not None else _RULE_KINDS.get(rule_id, tuple(Kind))
    bases = [messages(k, version) for k in kinds if version is None or version in kind_versions(k)]
    return _broken(rule_id, st.one_of(*bases))


def breaking(
    rule_id: str, kind: Kind | str | None = None, version: DialogVersion | None = None
) -> st.SearchStrategy[bytes]:
    """The XML bytes of a message that breaks the hard rule ``rule_id`` (one of :data:`HARD_RULES`) and no other
    rule, and is still valid against the schemas.

    A message of ``kind`` (default: any kind the rule applies to; ``SVAR-REFERENCES-FORESPORSEL`` only to
    DIALOG_SVAR, ``AVVIK-REFERENCES-MESSAGE`` only to DIALOG_AVVIK) in Dialogmelding ``version`` (default any) is
    drawn from :func:`messages`, written without the rule checks, and changed in one of the ways the rule forbids:

    * ``NO-ATTACHMENTS``: a further Document with a base64 container (``Base64Container`` of
      ``http://www.kith.no/xmlstds/base64container``) or a ``FileReference``, a copy of the Document, a MIME type
      other than XML, or a ``RefDoc/MsgType`` other than ``XML``;
    * ``PLAIN-TEXT``: xhtml in a 1.1 ``Sporsmal`` or in ``TekstNotatInnhold``, HTML tags written as text, a data
      URI, or a long base64 run in a free-text field;
    * ``NO-HJELPENUMMER``: an H-nummer or FH-nummer (typed as such or as FNR/DNR), TypeId HNR or FHN on the
      patient's number, wrong check digits, a TypeId that disagrees with the number, a number without a birth date,
      or one that is not 11 digits;
    * ``PATIENT-REQUIRED``: no Patient, no or a blank family or given name, or no identifier;
    * ``ONE-RECIPIENT``: one or two ``OtherReceiver`` (copy recipients);
    * ``SERVICE-ADDRESSING``: the innermost level of Sender or Receiver identified by organisation number or
      another 9051 type instead of its HER-id, or a HER-id that is not a number of 1 to 9 digits;
    * ``TYPE-MATCHES-BODY``: a second body, no body, a Type that disagrees with the body, a svar that does not quote
      the request, or DIALOG_HELSEFAGLIG on a 1.0 body;
    * ``SVAR-REFERENCES-FORESPORSEL``: no ``ConversationRef``, or an empty ``RefToParent`` or ``RefToConversation``;
    * ``AVVIK-REFERENCES-MESSAGE``: as for a svar, or the reason 8117 code 9 (Annet), a TemaKodet without its code
      list, or code 2 (technical error) without a text saying what is missing (a TemaKodet from another list is
      ``CODE-VALUE``'s);
    * ``ACK-REQUESTED``: ``Ack`` N or F;
    * ``CODE-VALUE``: the body's topic (``TypeForesp`` or ``TemaKodet``) with a made-up code, a list it does not
      take, an OID that names no list, or a bare list number for its ``S``.

    Validating the bytes reports errors of ``rule_id`` only (national profile, no original). Raises
    :class:`~hypothesis.errors.InvalidArgument` for another rule, a kind the rule does not apply to, or a kind that
    does not exist in ``version``.
    """
    if rule_id not in HARD_RULES:
        raise InvalidArgument(f"rule_id must be one of {', '.join(HARD_RULES)}; got {rule_id!r}")
    checked_kind = None if kind is None else Kind(kind)
    checked_version = None if version is None else _check_version(version)
    allowed = _RULE_KINDS.get(rule_id, tuple(Kind))
    if checked_kind is not None and checked_kind not in allowed:
        raise InvalidArgument(f"{rule_id} applies to {', '.join(allowed)}, not to {checked_kind}")
    if checked_kind is not None and checked_version is not None and checked_version not in kind_versions(checked_kind):
        raise InvalidArgument(f"{checked_kind} does not exist in Dialogmelding {checked_version}")
    return _breaking(rule_id, checked_kind, checked_version)
