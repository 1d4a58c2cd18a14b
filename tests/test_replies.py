"""Replies about faulty messages: ``build avvik --about`` and ``build svar --reply-to`` for real-looking traffic.

* The corpus of :mod:`replycorpus` (every family of real traffic, the address shapes and faults EPJs write): an avvik
  is built for at least 95 % of it, each valid, and every refusal says in words what is wrong with the original;
  the svar to each forespørsel likewise.
* Property: a message of :mod:`dmtool.testing.strategies` with random faults injected (empty organisations, HER-ids
  missing or malformed, a HER-id only on the GP, bad patient numbers, other types and bodies, a wrapper) gets an
  avvik that validates, or a refusal in words, never naming an internal key, never a traceback.
* Field by field, what is copied, left out or replaced (docs/how-to/faulty-replies.md, "What a reply copies").
* Standard replies (seed 004): ``--standard-reply NAME`` writes the text the ``STANDARD-REPLY`` rule recognises.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from paths import EXAMPLES, REFERENCE_EXAMPLES
from replycorpus import FNR, GP_PERSONAL_HER, Case, corpus, document, foresporsel, msghead, patient, person_number

from dmtool import validate
from dmtool.build import to_xml
from dmtool.cli import main
from dmtool.dialog import compose, reader
from dmtool.dialog.model import (
    CV,
    ConversationRef,
    Kind,
    Message,
    Notat,
    Received,
)
from dmtool.errors import BuildError, ParseError, ReplyError, RuleError
from dmtool.standards import namespaces as ns
from dmtool.standards import profiles
from dmtool.standards.profiles import Settings
from dmtool.testing import strategies as dms

CORPUS = corpus()
#: A key of the model, as a BuildError names its field (``receiver.unit``, ``body.quoted.subject``): never in what a
#: user is told about a message they answer.
INTERNAL_KEY = re.compile(
    r"\b(?:sender|receiver|patient|body|version|kind|msg_id|gen_date|conversation|document|professional|unit|ids)"
    r"(?:\.\w+|\[\d+\])*:"
)
MH = {"mh": ns.MSGHEAD}


def run(*args: str | Path, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args], input=stdin)


def assert_in_words(message: str) -> None:
    assert message.strip(), "an empty error"
    assert not INTERNAL_KEY.search(message), message
    assert "Traceback" not in message


# -- the corpus -------------------------------------------------------------------------------------------------------


def avvik_about(path: Path) -> Result:
    return run("build", "avvik", "--about", path, "--reason", "feil-adressat", "--text", "Meldingen kom til oss.")


def test_the_corpus_covers_every_family_and_shape() -> None:
    names = {case.name.split("/")[0] for case in CORPUS}
    assert len(CORPUS) >= 100 and len(names) >= 20
    assert {case.expected for case in CORPUS} == {"avvik", "refused", "personal-her"}
    assert any(b"EI_fellesformat" in case.xml for case in CORPUS)
    assert any(b"<Organisation/>" in case.xml for case in CORPUS)


def test_build_avvik_succeeds_for_95_percent_of_the_corpus(tmp_path: Path) -> None:
    built, refused = [], []
    for index, case in enumerate(CORPUS):
        path = tmp_path / f"{index}.xml"
        path.write_bytes(case.xml)
        result = avvik_about(path)
        assert "Traceback" not in result.output
        if result.exit_code == 0:
            report = validate(result.stdout_bytes)
            assert report.valid, (case.name, [issue.message for issue in report.errors])
            assert report.msg_type == "DIALOG_AVVIK"
            built.append(case)
        else:
            assert result.exit_code == 1 and result.stdout == "", (case.name, result.output)
            assert result.stderr.startswith(f"dmtool: {path}: ") and result.stderr.count("\n") == 1
            assert_in_words(result.stderr)
            refused.append((case, result.stderr))
    for case, why in refused:
        assert case.expected == "refused" and case.because in why, (case.name, why)
    assert all(case.expected != "refused" for case in built), [case.name for case in built]
    assert len(built) / len(CORPUS) >= 0.95, (len(built), len(CORPUS))


@pytest.mark.parametrize("path", [*REFERENCE_EXAMPLES, *sorted(EXAMPLES.glob("*.xml"))], ids=lambda path: path.name)
def test_avvik_about_every_example_message(path: Path) -> None:
    result = avvik_about(path)
    if b"AppRec" in path.read_bytes()[:400]:
        assert result.exit_code == 1 and "a receipt is answered by nothing" in result.stderr
    elif path.name == "Testcase-Dialogmeldingen_Case3_notat.xml":  # the KITH case addressed by ENH only
        assert result.exit_code == 1
        assert "the message's sender has no HER-id at any level («Køfri sykehus HF»: ENH 974744570)" in result.stderr
    else:
        assert result.exit_code == 0, result.output
        assert validate(result.stdout_bytes).valid


@pytest.mark.parametrize(
    "path",
    [
        path
        for path in [*REFERENCE_EXAMPLES, *sorted(EXAMPLES.glob("*.xml"))]
        if re.search(rb'<Type V="(DIALOG_FORESPORSEL|DIALOG_INNBYGGER_\w+)"', path.read_bytes())
    ],
    ids=lambda path: path.name,
)
def test_svar_to_every_example_forespørsel(path: Path) -> None:
    result = run("build", "svar", "--reply-to", path, "--text", "Ja, det går fint.")
    assert result.exit_code == 0, result.output
    assert validate(result.stdout_bytes).valid


def test_svar_to_every_forespørsel_of_the_corpus(tmp_path: Path) -> None:
    answered = 0
    for index, case in enumerate(case for case in CORPUS if case.foresporsel):
        path = tmp_path / f"{index}.xml"
        path.write_bytes(case.xml)
        result = run("build", "svar", "--reply-to", path, "--text", "Ja, det går fint.")
        if result.exit_code == 0:
            report = validate(result.stdout_bytes)
            assert report.valid, (case.name, [issue.message for issue in report.errors])
            answer = reader.received(result.stdout_bytes)
            original = reader.received(case.xml)
            assert answer.conversation is not None and answer.conversation.parent == original.msg_id
            patient_dialog = original.kind.startswith("DIALOG_INNBYGGER_")
            assert answer.kind == (original.kind if patient_dialog else "DIALOG_SVAR")
            answered += 1
            continue
        assert result.exit_code == 1, result.output
        assert_in_words(result.stderr)
        assert case.expected == "refused" and case.because in result.stderr, (case.name, result.stderr)
    assert answered >= 53


# -- faults injected into generated messages --------------------------------------------------------------------------

Fault = Callable[[st.DrawFn, etree._Element], None]


def _mh(local: str) -> str:
    return f"{{{ns.MSGHEAD}}}{local}"


def _levels(root: etree._Element, role: str) -> list[etree._Element]:
    levels, level = [], root.find(f"mh:MsgInfo/mh:{role}/mh:Organisation", MH)
    while level is not None:
        levels.append(level)
        level = level.find("mh:Organisation", MH)
    return levels


def _level(draw: st.DrawFn, root: etree._Element) -> etree._Element:
    levels = _levels(root, draw(st.sampled_from(["Sender", "Receiver"])))
    return levels[draw(st.integers(0, len(levels) - 1))]


def _found(element: etree._Element, path: str) -> etree._Element:
    """The element at ``path`` below ``element``, which the message has."""
    found = element.find(path, MH)
    assert found is not None, path
    return found


def _her_ids(level: etree._Element) -> list[etree._Element]:
    return [ident for ident in level.findall("mh:Ident", MH) if _found(ident, "mh:TypeId").get("V") == "HER"]


def _ident(number: str, code: str, oid: str = "2.16.578.1.12.4.1.1.9051") -> etree._Element:
    ident = etree.Element(_mh("Ident"))
    etree.SubElement(ident, _mh("Id")).text = number
    etree.SubElement(ident, _mh("TypeId"), V=code, S=oid)
    return ident


def _after_idents(level: etree._Element, element: etree._Element) -> None:
    before = level.findall("mh:Ident", MH) or level.findall("mh:OrganisationName", MH)
    if before:
        before[-1].addnext(element)
    else:
        level.insert(0, element)


def empty_organisation(draw: st.DrawFn, root: etree._Element) -> None:
    level = _levels(root, draw(st.sampled_from(["Sender", "Receiver"])))[-1]
    professional = level.find("mh:HealthcareProfessional", MH)
    empty = etree.Element(_mh("Organisation"))
    if professional is not None:
        professional.addprevious(empty)
    else:
        level.append(empty)


def missing_her(draw: st.DrawFn, root: etree._Element) -> None:
    level = _level(draw, root)
    for her in _her_ids(level):
        level.remove(her)
    if draw(st.booleans()):
        _after_idents(level, _ident("0301", "LIN"))


def malformed_her(draw: st.DrawFn, root: etree._Element) -> None:
    for her in _her_ids(_level(draw, root)):
        number = _found(her, "mh:Id")
        number.text = draw(st.sampled_from(["0", "12 ", "1234567890", "HER"])) + (number.text or "")


def personal_her(draw: st.DrawFn, root: etree._Element) -> None:
    level = _levels(root, draw(st.sampled_from(["Sender", "Receiver"])))[-1]
    hers = _her_ids(level)
    for her in hers:
        level.remove(her)
    _after_idents(level, _ident("974793539", "ENH"))
    old = level.find("mh:HealthcareProfessional", MH)
    if old is not None:
        level.remove(old)
    professional = etree.SubElement(level, _mh("HealthcareProfessional"))
    etree.SubElement(professional, _mh("FamilyName")).text = "Dahl"
    professional.append(_ident(hers[0].findtext("mh:Id", namespaces=MH) or "" if hers else "8000301", "HER"))


def bad_codes(draw: st.DrawFn, root: etree._Element) -> None:
    for element in root.iter(_mh("TypeHealthcareProfessional"), _mh("Sex"), _mh("RoleToPatient")):
        element.set("V", draw(st.sampled_from(["ZZ", "7", ""])))
    for address in root.iter(_mh("TeleAddress")):
        address.set("V", "%")
    for type_id in root.iter(_mh("TypeId")):
        if draw(st.booleans()):
            type_id.set("V", "QQQ")


def patient_fault(draw: st.DrawFn, root: etree._Element) -> None:
    info = _found(root, "mh:MsgInfo")
    patient_element = info.find("mh:Patient", MH)
    if patient_element is None:
        return
    fault = draw(st.sampled_from(["none", "h-nummer", "check-digits", "type", "no-type", "no-name"]))
    number = _found(patient_element, "mh:Ident/mh:Id")
    type_id = _found(patient_element, "mh:Ident/mh:TypeId")
    if fault == "none":
        info.remove(patient_element)
    elif fault == "h-nummer":
        number.text = draw(dms.h_nummer())
    elif fault == "check-digits":
        digits = number.text or ""
        number.text = digits[:9] + ("00" if digits[9:] != "00" else "11")
    elif fault == "type":
        type_id.set("V", "DNR" if type_id.get("V") == "FNR" else "FNR")
    elif fault == "no-type":
        ident = type_id.getparent()
        assert ident is not None
        ident.remove(type_id)
    else:
        patient_element.remove(_found(patient_element, "mh:GivenName"))


def other_type(draw: st.DrawFn, root: etree._Element) -> None:
    type_element = _found(root, "mh:MsgInfo/mh:Type")
    type_element.set(
        "V", draw(st.sampled_from(["DIALOG_INNBYGGER_EKONTAKT", "DIALOG_STATUS_HENVISNING", "LEGEERKL", "", "ZZZ"]))
    )


def other_body(draw: st.DrawFn, root: etree._Element) -> None:
    content = _found(root, "mh:Document/mh:RefDoc/mh:Content")
    for child in list(content):
        content.remove(child)
    if draw(st.booleans()):
        etree.SubElement(content, "{http://www.kith.no/xmlstds/HelseOpplysningerArbeidsuforhet/2013-10-01}Sykmelding")


def no_msg_id(draw: st.DrawFn, root: etree._Element) -> None:
    msg_id = _found(root, "mh:MsgInfo/mh:MsgId")
    msg_id.text = draw(st.sampled_from(["", "   "]))


FAULTS: tuple[Fault, ...] = (
    empty_organisation, missing_her, malformed_her, personal_her, bad_codes, patient_fault, other_type, other_body,
)  # fmt: skip


@st.composite
def faulty(draw: st.DrawFn, kind: Kind | None = None, faults: tuple[Fault, ...] = FAULTS) -> bytes:
    """The XML of a generated message with faults injected, sometimes in NAV's wrapper."""
    root = etree.fromstring(to_xml(draw(dms.messages(kind))))
    for fault in draw(st.lists(st.sampled_from(faults), max_size=4, unique=True)):
        fault(draw, root)
    data = etree.tostring(root, encoding="UTF-8")
    if draw(st.booleans()):
        data = b'<EI_fellesformat xmlns="http://www.nav.no/xml/eiff/2/">' + data + b"</EI_fellesformat>"
    return data


def assert_reply_or_words(build: Callable[[Received], Any], data: bytes) -> str:
    """Build the reply to ``data`` with ``build``: a valid message, or a refusal in words; which, as a word."""
    try:
        message = build(reader.received(data))
        xml = to_xml(message)
    except RuleError as error:
        raise AssertionError(f"a reply was made that breaks a rule: {error}") from None
    except BuildError as error:
        raise AssertionError(f"a reply was made that cannot be written: {error}") from None
    except (ReplyError, ParseError, ValueError) as error:
        assert_in_words(str(error))
        return "refused"
    report = validate(xml)
    assert report.valid, [issue.message for issue in report.errors]
    return "built"


@settings(max_examples=150)
@given(faulty(), st.sampled_from(tuple(compose.AVVIK_REASONS)))
def test_avvik_about_a_faulty_message_validates_or_says_why_in_words(data: bytes, reason: Any) -> None:
    assert_reply_or_words(lambda about: compose.avvik(about, reason, "Meldingen mangler innhold."), data)


@settings(max_examples=80)
@given(faulty(Kind.FORESPORSEL, (*FAULTS, no_msg_id)))
def test_svar_to_a_faulty_forespørsel_validates_or_says_why_in_words(data: bytes) -> None:
    assert_reply_or_words(lambda to: compose.svar(to, "Ja, det går fint."), data)


@settings(max_examples=30)
@given(faulty(faults=(empty_organisation,)))
def test_an_avvik_about_a_message_with_an_empty_organisation_is_built(data: bytes) -> None:
    """An empty ``<Organisation/>`` (an EPJ quirk) is left out: the avvik is always built."""
    assert assert_reply_or_words(lambda about: compose.avvik(about, "feil-adressat", "Feil mottaker."), data) == "built"


# -- field by field ---------------------------------------------------------------------------------------------------


def received(case_name: str) -> Received:
    return reader.received(next(case.xml for case in CORPUS if case.name == case_name))


def test_an_empty_organisation_is_left_out() -> None:
    avvik = compose.avvik(received("notat-1.0/empty-organisation"), "feil-adressat", "Feil mottaker.")
    assert [level.name for level in avvik.receiver.chain] == ["Fjordby kommune", "Legevakt"]
    assert avvik.receiver.service.her_id == "8000110"


def test_nav_local_office_by_lin_is_left_out_the_avvik_goes_to_navs_her_id() -> None:
    avvik = compose.avvik(received("nav-foresporsel/as-sent"), "feil-adressat", "Feil mottaker.")
    assert [(level.name, level.her_id) for level in avvik.receiver.chain] == [("NAV", "79768")]


def test_a_her_id_with_a_leading_zero_or_a_separator_leaves_its_level_out() -> None:
    for name in ("notat-1.0/leading-zero", "notat-1.0/separator"):
        chain = compose.avvik(received(name), "feil-adressat", "Feil mottaker.").receiver.chain
        assert len(chain) == 1 and chain[0].her_id in ("8000001", "8000100")


def test_a_gp_addressed_by_the_her_id_on_the_professional_keeps_it() -> None:
    avvik = compose.avvik(received("nav-henvendelse/as-sent"), "feil-adressat", "Feil mottaker.")
    assert avvik.receiver.her_id is None and avvik.receiver.org_number == "974793539"
    assert avvik.receiver.professional is not None and avvik.receiver.professional.her_id == "8000301"
    assert b"Bryggen legesenter" in GP_PERSONAL_HER.encode()


def test_a_d_number_typed_fnr_is_written_as_dnr_and_a_local_id_first_is_passed_over() -> None:
    patient_of = compose.avvik(received("patient/dnr-typed-fnr"), "feil-adressat", "x").patient
    assert patient_of is not None and patient_of.id_type == "DNR"
    local_first = compose.avvik(received("patient/local-id-first"), "feil-adressat", "x").patient
    assert local_first is not None and (local_first.id, local_first.id_type) == (FNR, "FNR")


def test_the_thread_is_the_originals_or_its_msg_id() -> None:
    started = received("notat-1.0/as-sent")
    assert started.conversation is None
    assert compose.avvik(started, "feil-adressat", "x").conversation == ConversationRef(started.msg_id, started.msg_id)
    in_thread = received("thread/svar-in-thread")
    ref = compose.avvik(in_thread, "feil-adressat", "x").conversation
    assert ref is not None and (ref.parent, ref.conversation) == (
        in_thread.msg_id,
        "4d3c2b1a-0000-4000-8000-000000000001",
    )


def test_an_avvik_about_a_body_that_is_no_dialogmelding_is_dialogmelding_1_1() -> None:
    about = received("legeerklaering/as-sent")
    assert about.version is None and about.body is None and about.kind == "LEGEERKL"
    avvik = compose.avvik(about, "teknisk-feil", "Vedlegget kunne ikke leses.")
    assert avvik.version == "1.1" and validate(to_xml(avvik)).valid


def test_codes_and_addresses_a_reply_cannot_carry_are_left_out() -> None:
    xml = msghead(
        "DIALOG_NOTAT",
        '<Organisation><OrganisationName>Fjordby kommune</OrganisationName>'
        '<Ident><Id>8000100</Id><TypeId V="HER" S="2.16.578.1.12.4.1.1.9051"/></Ident>'
        '<Ident><Id>77</Id><TypeId V="QQQ" S="2.16.578.1.12.4.1.1.9051"/></Ident>'
        '<HealthcareProfessional><TypeHealthcareProfessional V="ZZ"/><FamilyName>Lie</FamilyName>'
        '<Ident><Id>9144889</Id><TypeId V="HPR" S="2.16.578.1.12.4.1.1.8116"/></Ident>'
        '<TeleCom><TeleAddress V="%"/></TeleCom><TeleCom><TeleAddress V="tel:55501020"/></TeleCom>'
        "</HealthcareProfessional></Organisation>",
        '<Organisation><OrganisationName>Fjordby sykehus HF</OrganisationName>'
        '<Ident><Id>8000001</Id><TypeId V="HER" S="2.16.578.1.12.4.1.1.9051"/></Ident></Organisation>',
        document('<Dialogmelding xmlns="http://www.kith.no/xmlstds/dialog/2006-10-11"><Notat>'
                 '<TemaKodet V="1" S="2.16.578.1.12.4.1.1.7321"/></Notat></Dialogmelding>'),
        msg_id="codes-1",
        patient_xml=patient(FNR).replace("</Patient>", '<TeleCom><TeleAddress V="%"/></TeleCom></Patient>').replace(
            "<Ident>", '<Sex V="7"/><Ident>', 1
        ),
    )  # fmt: skip
    avvik = compose.avvik(reader.received(xml), "feil-adressat", "Feil mottaker.")
    assert avvik.receiver.ids == () and avvik.receiver.professional is not None
    assert avvik.receiver.professional.category is None
    assert avvik.receiver.professional.telecom == ("tel:55501020",)
    assert avvik.patient is not None and avvik.patient.sex is None and avvik.patient.telecom == ()
    assert validate(to_xml(avvik)).valid


@settings(max_examples=20)
@given(dms.messages())
def test_a_valid_message_is_answered_with_everything_it_holds(message: Message) -> None:
    """Nothing of a valid message is left out: the reply's parties and patient are the original's."""
    avvik = compose.avvik(message, "feil-adressat", "x")
    assert (avvik.sender, avvik.receiver, avvik.patient) == (message.receiver, message.sender, message.patient)


# -- refusals in words ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda xml: xml.replace(b"<MsgId>codes-1</MsgId>", b"<MsgId> </MsgId>"), "has no MsgId"),
        (lambda xml: xml[: len(xml) // 2], "line "),
        (lambda xml: b"<Other/>", "not a MsgHead"),
    ],
    ids=["no-msg-id", "not-well-formed", "no-msghead"],
)
def test_what_cannot_be_read_is_said_with_the_line(
    tmp_path: Path, change: Callable[[bytes], bytes], words: str
) -> None:
    original = msghead("DIALOG_NOTAT", "<Organisation/>", "<Organisation/>", "", msg_id="codes-1")
    path = tmp_path / "in.xml"
    path.write_bytes(change(original))
    for result in (avvik_about(path), run("build", "svar", "--reply-to", path, "--text", "x")):
        assert result.exit_code == 1 and words in result.stderr, result.stderr
        assert result.stderr.startswith(f"dmtool: {path}: cannot read the message: ")


def test_tenor_patients_are_answered_with_synthetic_ids(tmp_path: Path) -> None:
    tenor = person_number("158875")
    path = tmp_path / "tenor.xml"
    path.write_bytes(
        next(case.xml for case in CORPUS if case.name == "notat-1.0/as-sent").replace(FNR.encode(), tenor.encode())
    )
    refused = avvik_about(path)
    assert refused.exit_code == 1 and "synthetic test number" in refused.stderr and "--synthetic-ids" in refused.stderr
    built = run("build", "avvik", "--about", path, "--reason", "feil-adressat", "--text", "x", "--synthetic-ids")
    assert built.exit_code == 0, built.output
    assert compose.avvik(reader.received(path), "feil-adressat", "x", settings=Settings(synthetic_ids=True))


def test_a_svar_answers_only_a_forespørsel(tmp_path: Path) -> None:
    for name in ("notat-1.0/as-sent", "status-henvisning/as-sent", "legeerklaering/as-sent", "avvik-1.0/as-sent"):
        path = tmp_path / "in.xml"
        path.write_bytes(next(case.xml for case in CORPUS if case.name == name))
        result = run("build", "svar", "--reply-to", path, "--text", "x")
        assert result.exit_code == 1 and "a svar answers a forespørsel" in result.stderr, result.stderr
        assert_in_words(result.stderr)


# -- standard replies (seed 004) --------------------------------------------------------------------------------------


def test_the_standard_replies_are_the_one_table_the_rule_reads() -> None:
    assert list(compose.STANDARD_REPLIES) == [
        "endring-av-time", "avbestilling", "purring", "avslutt-dialog", "avbestillingsgebyr",
    ]  # fmt: skip
    assert list(compose.STANDARD_REPLIES.values()) == [text for _, text in profiles.PASIENTDIALOG_REPLIES]
    assert compose.standard_text("purring").startswith("Behandling/operasjon/konsultasjon")
    with pytest.raises(ValueError, match="endring-av-time"):
        compose.standard_text("takk")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", list(compose.STANDARD_REPLIES))
def test_build_svar_with_a_standard_reply_satisfies_the_rule(tmp_path: Path, name: str) -> None:
    request = tmp_path / "request.xml"
    request.write_bytes(next(case.xml for case in CORPUS if case.name == "foresporsel-1.0/as-sent"))
    result = run("build", "svar", "--reply-to", request, "--standard-reply", name)
    assert result.exit_code == 0, result.output
    answer = reader.parse(result.stdout_bytes)
    assert isinstance(answer.body, Notat) and answer.body.text == compose.STANDARD_REPLIES[name]
    settings = Settings(profile=profiles.get("pasientdialog"))
    report = validate(result.stdout_bytes, settings=settings)
    assert report.valid and "STANDARD-REPLY" not in {issue.rule for issue in report.issues}
    plain = run("build", "svar", "--reply-to", request, "--text", "Ja.")
    assert "STANDARD-REPLY" in {issue.rule for issue in validate(plain.stdout_bytes, settings=settings).issues}


@pytest.mark.parametrize(
    ("name", "topic"), [("endring-av-time", "19"), ("avbestilling", "08"), ("avslutt-dialog", "13")]
)
def test_a_patient_dialog_message_is_answered_in_its_own_type(name: str, topic: str) -> None:
    request = received("innbygger-avtaleavbestilling/as-sent")
    answer = compose.svar(request, standard_reply=name)  # type: ignore[arg-type]
    assert answer.kind == "DIALOG_INNBYGGER_AVTALEAVBESTILLING" and answer.version == "1.1"
    assert isinstance(answer.body, Notat) and answer.body.quoted is None
    assert answer.body.topic == CV.of("7602", topic) and answer.body.text == compose.STANDARD_REPLIES[name]
    assert answer.receiver.service.her_id == "8093244" and answer.conversation is not None
    assert validate(to_xml(answer)).valid


def test_standard_reply_usage(tmp_path: Path) -> None:
    shown = run("build", "--help")
    assert all(name in shown.output.replace("\n", "") for name in compose.STANDARD_REPLIES)
    request = tmp_path / "request.xml"
    request.write_bytes(next(case.xml for case in CORPUS if case.name == "foresporsel-1.0/as-sent"))
    for args in (
        ("--standard-reply", "takk"),
        ("--standard-reply", "purring", "--text", "Ja."),
        (),
    ):
        result = run("build", "svar", "--reply-to", request, *args)
        assert result.exit_code == 2 and "Usage:" in result.output, result.output
    avvik = run("build", "avvik", "--about", request, "--reason", "feil-adressat", "--standard-reply", "purring")
    assert avvik.exit_code == 2
    with pytest.raises(ValueError, match="one of them"):
        compose.svar(received("foresporsel-1.0/as-sent"), "Ja.", standard_reply="purring")


def test_a_case_of_the_corpus_is_what_it_says() -> None:
    """The corpus helpers make what their names say (a check on the test's own material)."""
    case = next(case for case in CORPUS if case.name == "innbygger-timer/as-sent")
    assert isinstance(case, Case) and case.foresporsel
    root = etree.fromstring(case.xml)
    assert len(root.findall("mh:Document", MH)) == 2
    assert b"Foresporsel" in foresporsel("1.1", "OET", "2.16.578.1.12.4.1.1.7601", "x").encode()
