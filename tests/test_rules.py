"""Issue 4, the guideline rules: each hard rule caught alone, the rule table, the builders refusing, the CLI.

Every hard rule has a minimal violating message (a small, schema-valid edit of a bundled example or of a message the
constructors make) that validation reports with that rule id and no other error, and a property: messages drawn from
:func:`dmtool.testing.strategies.messages` have no errors, and :func:`dmtool.testing.strategies.breaking` gives messages
with errors of that one rule only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from paths import EXAMPLES, ROOT

import dmtool
from dmtool import rules
from dmtool.build import to_xml
from dmtool.cli import main
from dmtool.dialog import compose, spec
from dmtool.dialog.model import CV, ConversationRef, Kind, Notat, Organisation
from dmtool.errors import BuildError, RuleError
from dmtool.report import Severity
from dmtool.rules import plaintext
from dmtool.rules.facts import original_of
from dmtool.standards import codelists
from dmtool.standards.clock import OSLO
from dmtool.testing import strategies as dms

RULES_MD = ROOT.parent / "shared" / "docs" / "rules.md"

FORESPORSEL = (EXAMPLES / "foresporsel-1.0.xml").read_bytes()
HELSEFAGLIG = (EXAMPLES / "helsefaglig-1.1.xml").read_bytes()
NOTAT = (EXAMPLES / "notat-1.0-latin1.xml").read_bytes()

H_NUMMER = "14437549193"  # the example patient's fødselsnummer 14037549100 with 4 added to the month
FH_NUMMER = "81234567802"
FNR = b"<Id>14037549100</Id>"
FNR_TYPE = 'TypeId V="FNR" DN="Fødselsnummer"'.encode()
XHTML = "http://www.w3.org/1999/xhtml"
BASE64_DOCUMENT = (
    b'<Document><RefDoc><MsgType V="A" DN="Vedlegg"/><MimeType>application/pdf</MimeType><Content>'
    b'<Base64Container xmlns="http://www.kith.no/xmlstds/base64container">JVBERi0xLjQKJcfsj6IK</Base64Container>'
    b"</Content></RefDoc></Document>"
)
OTHER_RECEIVER = (
    b'</Receiver><OtherReceiver><RoleReceiver V="COP" DN="Kopimottaker"/><Organisation>'
    b"<OrganisationName>Fjordby legesenter</OrganisationName><Ident><Id>8000300</Id>"
    b'<TypeId V="HER" DN="HER-id" S="2.16.578.1.12.4.1.1.9051"/></Ident></Organisation></OtherReceiver>'
)


def edit(data: bytes, old: bytes, new: bytes) -> bytes:
    """``data`` with the one occurrence of ``old`` replaced by ``new``."""
    assert data.count(old) == 1, (old, data.count(old))
    return data.replace(old, new)


def errors(data: bytes, **kwargs: Any) -> list[str]:
    return [issue.rule for issue in dmtool.validate(data, **kwargs).errors]


def warnings(data: bytes, **kwargs: Any) -> list[str]:
    return [issue.rule for issue in dmtool.validate(data, **kwargs).warnings]


REQUEST = dmtool.parse(FORESPORSEL)
SVAR = to_xml(
    compose.svar(
        REQUEST,
        "Ja, vi starter oksygenbehandlingen mandag. Hilsen Kari Berg, sykepleier i hjemmesykepleien",
        msg_id="2b0c3c8e-5a1d-4f7e-9d44-0a1b2c3d4e5f",
        gen_date=dt.datetime(2026, 11, 23, 10, 0, tzinfo=OSLO),
    )
)
AVVIK = to_xml(
    compose.avvik(
        dmtool.parse(NOTAT),
        "feil-adressat",
        "Pasienten er ikke kjent ved lungeavdelingen.",
        msg_id="7d2e1f00-3b4c-4d5e-8f90-a1b2c3d4e5f6",
        gen_date=dt.datetime(2026, 11, 20, 8, 0, tzinfo=OSLO),
    )
)
AVVIK_TECHNICAL = to_xml(
    compose.avvik(
        dmtool.parse(NOTAT),
        "teknisk-feil",
        "Teksten i meldingen var tom.",
        msg_id="7d2e1f00-3b4c-4d5e-8f90-a1b2c3d4e5f7",
        gen_date=dt.datetime(2026, 11, 20, 8, 0, tzinfo=OSLO),
    )
)
FORESPORSEL_11 = to_xml(
    compose.foresporsel(
        sender=REQUEST.sender,
        receiver=REQUEST.receiver,
        patient=REQUEST.patient,  # type: ignore[arg-type]
        text="Til hjemmesykepleien. Jeg er lege på lungeavdelingen. Kan dere starte oksygen hjemme fra mandag?",
        dialog_version="1.1",
        msg_id="5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d",
        gen_date=dt.datetime(2026, 11, 20, 9, 15, tzinfo=OSLO),
    )
)
SPORSMAL_11 = b"<Sporsmal>Til hjemmesykepleien."
TEXT_11 = b"<TekstNotatInnhold>Til hjemmesykepleien."
AVVIK_TOPIC = b'<TemaKodet V="1" S="2.16.578.1.12.4.1.1.8117" DN="Feil adressat"/>'

BASES = {
    "foresporsel-1.0": FORESPORSEL,
    "foresporsel-1.1": FORESPORSEL_11,
    "helsefaglig-1.1": HELSEFAGLIG,
    "notat-1.0": NOTAT,
    "svar-1.0": SVAR,
    "avvik-1.0": AVVIK,
    "avvik-teknisk-1.0": AVVIK_TECHNICAL,
}


def _ref_to_parent(data: bytes) -> bytes:
    return re.search(rb"<RefToParent>[^<]*</RefToParent>", data).group(0)  # type: ignore[union-attr]


def _conversation_ref(data: bytes) -> bytes:
    return re.search(rb"<ConversationRef>.*?</ConversationRef>\s*", data, re.S).group(0)  # type: ignore[union-attr]


#: (rule, case name, message): each message is a bundled example or constructed message with one small edit.
MINIMAL: list[tuple[str, str, bytes]] = [
    ("NO-ATTACHMENTS", "base64 document", edit(FORESPORSEL, b"</Document>", b"</Document>" + BASE64_DOCUMENT)),
    (
        "NO-ATTACHMENTS",
        "file reference",
        edit(
            HELSEFAGLIG,
            b"</Document>",
            b'</Document><Document><RefDoc><MsgType V="A"/><FileReference>file:///epikrise.pdf</FileReference>'
            b"</RefDoc></Document>",
        ),
    ),
    (
        "NO-ATTACHMENTS",
        "pdf mime type",
        edit(
            FORESPORSEL,
            b'<MsgType V="XML" DN="XML-instans"/>',
            b'<MsgType V="XML"/><MimeType>application/pdf</MimeType>',
        ),
    ),
    (
        "PLAIN-TEXT",
        "xhtml in 1.1 Sporsmal",
        edit(
            FORESPORSEL_11,
            SPORSMAL_11,
            b'<Sporsmal><p xmlns="http://www.w3.org/1999/xhtml"><b>Viktig</b></p>Til hjemmesykepleien.',
        ),
    ),
    (
        "PLAIN-TEXT",
        "xhtml in TekstNotatInnhold",
        edit(
            HELSEFAGLIG,
            TEXT_11,
            b'<TekstNotatInnhold><xhtml:br xmlns:xhtml="http://www.w3.org/1999/xhtml"/>Til hjemmesykepleien.',
        ),
    ),
    (
        "PLAIN-TEXT",
        "data uri",
        edit(
            HELSEFAGLIG,
            TEXT_11,
            b"<TekstNotatInnhold>Se data:image/png;base64,iVBORw0KGgoAAAANSUhEUg Til hjemmesykepleien.",
        ),
    ),
    (
        "PLAIN-TEXT",
        "html as text",
        edit(HELSEFAGLIG, TEXT_11, b"<TekstNotatInnhold>&lt;b&gt;Til&lt;/b&gt; hjemmesykepleien."),
    ),
    ("NO-HJELPENUMMER", "H-nummer typed FNR", edit(FORESPORSEL, FNR, f"<Id>{H_NUMMER}</Id>".encode())),
    (
        "NO-HJELPENUMMER",
        "H-nummer typed HNR",
        edit(edit(HELSEFAGLIG, FNR, f"<Id>{H_NUMMER}</Id>".encode()), FNR_TYPE, b'TypeId V="HNR" DN="H-nummer"'),
    ),
    (
        "NO-HJELPENUMMER",
        "FH-nummer typed FHN",
        edit(
            edit(FORESPORSEL, FNR, f"<Id>{FH_NUMMER}</Id>".encode()),
            FNR_TYPE,
            b'TypeId V="FHN" DN="Felles hjelpenummer"',
        ),
    ),
    ("NO-HJELPENUMMER", "wrong check digits", edit(FORESPORSEL, FNR, b"<Id>14037549101</Id>")),
    ("NO-HJELPENUMMER", "TypeId disagrees", edit(FORESPORSEL, FNR_TYPE, b'TypeId V="DNR" DN="D-nummer"')),
    ("PATIENT-REQUIRED", "no Patient", re.sub(rb"<Patient>.*</Patient>\s*", b"", FORESPORSEL, flags=re.S)),
    ("PATIENT-REQUIRED", "no given name", edit(FORESPORSEL, b"<GivenName>Kari</GivenName>", b"")),
    (
        "PATIENT-REQUIRED",
        "blank family name",
        edit(HELSEFAGLIG, b"<FamilyName>Nordmann</FamilyName>", b"<FamilyName> </FamilyName>"),
    ),
    (
        "PATIENT-REQUIRED",
        "no identifier",
        re.sub(rb"(<Patient>.*?)<Ident>.*?</Ident>", rb"\1", FORESPORSEL, flags=re.S),
    ),
    ("ONE-RECIPIENT", "OtherReceiver", edit(FORESPORSEL, b"</Receiver>", OTHER_RECEIVER)),
    (
        "SERVICE-ADDRESSING",
        "service by organisation number",
        edit(
            FORESPORSEL,
            b'<Id>8000101</Id>\n            <TypeId V="HER"',
            b'<Id>974703300</Id>\n            <TypeId V="ENH"',
        ),
    ),
    ("SERVICE-ADDRESSING", "HER-id not a number", edit(HELSEFAGLIG, b"<Id>8000002</Id>", b"<Id>HER-8000002</Id>")),
    (
        "TYPE-MATCHES-BODY",
        "forespørsel type on a notat",
        edit(NOTAT, b'<mh:Type V="DIALOG_NOTAT" DN="Notat"/>', b'<mh:Type V="DIALOG_FORESPORSEL"/>'),
    ),
    (
        "TYPE-MATCHES-BODY",
        "notat type on a forespørsel",
        edit(FORESPORSEL, 'V="DIALOG_FORESPORSEL" DN="Forespørsel"'.encode(), b'V="DIALOG_NOTAT"'),
    ),
    (
        "TYPE-MATCHES-BODY",
        "two bodies",
        re.sub(rb"(<Foresporsel>.*</Foresporsel>)", rb"\1\1", FORESPORSEL, flags=re.S),
    ),
    ("SVAR-REFERENCES-FORESPORSEL", "empty RefToParent", edit(SVAR, _ref_to_parent(SVAR), b"<RefToParent/>")),
    ("SVAR-REFERENCES-FORESPORSEL", "no ConversationRef", edit(SVAR, _conversation_ref(SVAR), b"")),
    ("AVVIK-REFERENCES-MESSAGE", "no ConversationRef", edit(AVVIK, _conversation_ref(AVVIK), b"")),
    (
        "AVVIK-REFERENCES-MESSAGE",
        "8117 code 9 Annet",
        edit(AVVIK, AVVIK_TOPIC, b'<TemaKodet V="9" DN="Annet" S="2.16.578.1.12.4.1.1.8117"/>'),
    ),
    (
        "CODE-VALUE",
        "avvik tema from 7321",
        edit(AVVIK, AVVIK_TOPIC, b'<TemaKodet V="2" DN="Melding om avvik" S="2.16.578.1.12.4.1.1.7321"/>'),
    ),
    ("CODE-VALUE", "made-up TypeForesp", edit(FORESPORSEL, b'TypeForesp V="99"', b'TypeForesp V="ZZZ"')),
    (
        "CODE-VALUE",
        "TypeForesp from a list that does not exist",
        edit(FORESPORSEL, b'S="2.16.578.1.12.4.1.1.9152"', b'S="2.16.578.1.12.4.1.1.9999"'),
    ),
    (
        "CODE-VALUE",
        "patient TypeId from a made-up OID",
        edit(FORESPORSEL, b'V="FNR" DN="F\xc3\xb8dselsnummer" S="2.16.578.1.12.4.1.1.8116"',
             b'V="FNR" DN="F\xc3\xb8dselsnummer" S="9.9.9.9"'),
    ),
    ("CODE-VALUE", "a bare list number for S", edit(FORESPORSEL, b'S="2.16.578.1.12.4.1.1.9152"', b'S="9152"')),
    ("CODE-VALUE", "Ack outside 7304", edit(FORESPORSEL, b'<Ack V="J" DN="Ja"/>', b'<Ack V="X" DN="Ja"/>')),
    ("AVVIK-REFERENCES-MESSAGE", "no reason", edit(AVVIK, AVVIK_TOPIC, b'<TemaKodet S="2.16.578.1.12.4.1.1.8117"/>')),
    (
        "AVVIK-REFERENCES-MESSAGE",
        "technical error without text",
        re.sub(rb"<TekstNotatInnhold>.*?</TekstNotatInnhold>\s*", b"", AVVIK_TECHNICAL, flags=re.S),
    ),
    ("ACK-REQUESTED", "Ack N", edit(FORESPORSEL, b'<Ack V="J" DN="Ja"/>', b'<Ack V="N" DN="Nei"/>')),
    ("ACK-REQUESTED", "Ack F", edit(HELSEFAGLIG, b'<Ack V="J" DN="Ja"/>', b'<Ack V="F" DN="Kun ved feil"/>')),
    (
        "NO-ATTACHMENTS",
        "nested MsgHead in Content",
        edit(FORESPORSEL, b"</Dialogmelding>", b"</Dialogmelding>" + FORESPORSEL.split(b"?>", 1)[1]),
    ),
]


@pytest.mark.parametrize("name", sorted(BASES))
def test_the_unedited_messages_are_valid(name):
    assert errors(BASES[name]) == []


def test_every_hard_rule_has_minimal_examples():
    assert {rule for rule, _, _ in MINIMAL} == set(dms.HARD_RULES)


@pytest.mark.parametrize(("rule", "case", "data"), MINIMAL, ids=[f"{r}:{c}" for r, c, _ in MINIMAL])
def test_minimal_violation_is_caught_with_its_id_and_nothing_else(rule, case, data):
    report = dmtool.validate(data)
    assert report.errors and {issue.rule for issue in report.errors} == {rule}, report.issues
    assert not report.valid
    assert rules.get(rule).severity is Severity.ERROR
    assert report.errors[0].line is not None or rule == "PATIENT-REQUIRED"


def test_a_svar_that_does_not_quote_the_foresporsel_is_advised_to_not_refused():
    """Issue 19 item 7: Notat/Foresporsel is optional in the schema; RefToParent ties a svar to its question."""
    data = re.sub(rb"<Foresporsel>.*</Foresporsel>\s*", b"", SVAR, flags=re.S)
    report = dmtool.validate(data)
    assert report.valid and [issue.rule for issue in report.warnings] == ["SVAR-QUOTES-FORESPORSEL"]
    assert rules.get("SVAR-QUOTES-FORESPORSEL").severity is Severity.WARNING
    assert "SVAR-QUOTES-FORESPORSEL" not in {issue.rule for issue in dmtool.validate(SVAR).issues}
    unreferenced = edit(data, _conversation_ref(data), b"")
    assert {issue.rule for issue in dmtool.validate(unreferenced).errors} == {"SVAR-REFERENCES-FORESPORSEL"}


# -- properties -------------------------------------------------------------------------------------------------------

KIND_VERSIONS = [(kind, version) for kind in Kind for version in dms.kind_versions(kind)]


@pytest.mark.parametrize(("kind", "version"), KIND_VERSIONS, ids=[f"{k}-{v}" for k, v in KIND_VERSIONS])
@settings(max_examples=12)
@given(data=st.data())
def test_generated_messages_break_no_rule(kind, version, data):
    message = data.draw(dms.messages(kind, version))
    xml = to_xml(message)  # strict: the builder's rule check passes too
    assert errors(xml) == []


@pytest.mark.parametrize("rule", dms.HARD_RULES)
@settings(max_examples=30)
@given(data=st.data())
def test_breaking_a_rule_gives_errors_of_that_rule_only(rule, data):
    xml = data.draw(dms.breaking(rule))
    found = errors(xml)
    assert found and set(found) == {rule}, dmtool.validate(xml).issues


BREAK_CASES = [
    (rule, kind, version)
    for rule in dms.HARD_RULES
    for kind, version in KIND_VERSIONS
    if rule not in ("SVAR-REFERENCES-FORESPORSEL", "AVVIK-REFERENCES-MESSAGE")
    or kind == {"SVAR-REFERENCES-FORESPORSEL": Kind.SVAR, "AVVIK-REFERENCES-MESSAGE": Kind.AVVIK}[rule]
]


@pytest.mark.parametrize(("rule", "kind", "version"), BREAK_CASES, ids=[f"{r}-{k}-{v}" for r, k, v in BREAK_CASES])
@settings(max_examples=4)
@given(data=st.data())
def test_breaking_works_for_every_kind_and_version(rule, kind, version, data):
    xml = data.draw(dms.breaking(rule, kind, version))
    report = dmtool.validate(xml)
    assert report.version == f"dialog-{version}"
    assert report.msg_type == kind or rule == "TYPE-MATCHES-BODY"
    assert {issue.rule for issue in report.errors} == {rule}, report.issues


def test_breaking_refuses_what_it_cannot_make():
    with pytest.raises(InvalidArgument):
        dms.breaking("XSD")
    with pytest.raises(InvalidArgument):
        dms.breaking("SHORT")
    with pytest.raises(InvalidArgument):
        dms.breaking("SVAR-REFERENCES-FORESPORSEL", Kind.NOTAT)
    with pytest.raises(InvalidArgument):
        dms.breaking("PLAIN-TEXT", Kind.HELSEFAGLIG, "1.0")
    with pytest.raises(ValueError):
        dms.breaking("PLAIN-TEXT", "DIALOG_UNKNOWN")


# -- the rule table ---------------------------------------------------------------------------------------------------

#: The ids of rules.md §2 (hard rules, then advice), kept here so that the test cannot pass on a missing document.
HARD_IDS = (
    "XSD",
    "NOT-XML",
    "UNSUPPORTED-MESSAGE",
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
    "APPREC-CONSISTENT",
)
ADVICE_IDS = (
    "SHORT",
    "NOT-ACK-ONLY",
    "NOT-URGENT",
    "GREETING-AND-IDENTITY",
    "ONE-PROBLEM-PER-THREAD",
    "REPLY-DEADLINE",
)


@pytest.mark.skipif(not RULES_MD.is_file(), reason="../shared/docs/rules.md is not beside the checkout")
def test_the_listed_ids_are_those_of_rules_md():
    text = RULES_MD.read_text(encoding="utf-8")
    section = text[text.index("## 2.") : text.index("## 3.")]
    hard, advice = section.split("Advice (warnings", 1)
    assert tuple(re.findall(r"^\| `([A-Z-]+)` \|", hard, re.M)) == HARD_IDS
    assert tuple(re.findall(r"^\| `([A-Z-]+)` \|", advice, re.M)) == ADVICE_IDS


def test_rule_ids_are_unique_and_cover_rules_md():
    ids = [rule.id for rule in rules.RULES]
    assert len(ids) == len(set(ids))
    assert set(HARD_IDS + ADVICE_IDS) <= set(ids)
    assert set(dms.HARD_RULES) <= {rule.id for rule in rules.RULES if rule.severity is Severity.ERROR}
    assert rules.get("NO-HJELPENUMMER") is rules.BY_ID["NO-HJELPENUMMER"]
    with pytest.raises(KeyError):
        rules.get("NO-SUCH-RULE")


@pytest.mark.parametrize("rule_id", HARD_IDS)
def test_hard_rules_are_errors_with_an_apprec_code_of_8221(rule_id):
    rule = rules.get(rule_id)
    assert rule.severity is Severity.ERROR
    assert rule.apprec_code is not None and codelists.is_known("8221", rule.apprec_code)
    assert rule.sender_text and rule.developer_text and rule.seeds


@pytest.mark.parametrize("rule_id", ADVICE_IDS)
def test_advice_is_a_warning_without_apprec_code(rule_id):
    rule = rules.get(rule_id)
    assert rule.severity is Severity.WARNING and rule.apprec_code is None
    assert rule.check is not None and not rule.profiles


def test_every_error_in_the_table_maps_to_8221():
    for rule in rules.RULES:
        if rule.severity is Severity.ERROR:
            assert codelists.is_known("8221", rule.apprec_code or ""), rule.id
        else:
            assert rule.apprec_code is None, rule.id


def test_rules_command_prints_the_table():
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0, result.output
    for rule in rules.RULES:
        (line,) = [line for line in result.stdout.splitlines() if line.startswith(rule.id + " ")]
        assert str(rule.severity) in line and (rule.apprec_code or "-") in line.split()
        assert rule.developer_text in result.stdout


def test_rules_command_json_has_every_id_with_severity_and_apprec_code():
    result = CliRunner().invoke(main, ["rules", "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = {entry["id"]: entry for entry in json.loads(result.stdout)}
    assert set(HARD_IDS + ADVICE_IDS) <= set(listed)
    for rule_id in HARD_IDS:
        assert listed[rule_id]["severity"] == "error"
        assert codelists.is_known("8221", listed[rule_id]["apprec_code"])
    for rule_id in ADVICE_IDS:
        assert listed[rule_id]["severity"] == "warning" and listed[rule_id]["apprec_code"] is None
    assert listed["TIME-WINDOW"]["profiles"] == ["oslo", "vestre-viken", "ostfold"]
    assert all(
        set(entry) >= {"id", "severity", "apprec_code", "sender_text", "developer_text"} for entry in listed.values()
    )


# -- the builders refuse ----------------------------------------------------------------------------------------------


def _h_nummer_request():
    assert REQUEST.patient is not None
    patient = dataclasses.replace(REQUEST.patient, id=H_NUMMER, id_type=None)
    return compose.foresporsel(sender=REQUEST.sender, receiver=REQUEST.receiver, patient=patient, text="Til deg.")


def test_builder_refuses_an_h_nummer_patient_and_writes_it_when_not_strict():
    message = _h_nummer_request()
    assert message.patient is not None and message.patient.id_type == "HNR"
    with pytest.raises(RuleError) as caught:
        to_xml(message)
    assert caught.value.rule == "NO-HJELPENUMMER" and isinstance(caught.value, BuildError)
    assert "NO-HJELPENUMMER" in str(caught.value)
    assert errors(to_xml(message, strict=False)) == ["NO-HJELPENUMMER"]


def _refused() -> list[tuple[str, dmtool.Message]]:
    svar = dmtool.parse(SVAR)
    avvik = dmtool.parse(AVVIK)
    assert isinstance(avvik.body, Notat)
    service = REQUEST.receiver.service
    unit = Organisation(service.name, org_number="974703300")
    return [
        ("ACK-REQUESTED", dataclasses.replace(REQUEST, ack="N")),
        ("PATIENT-REQUIRED", dataclasses.replace(REQUEST, patient=None)),
        ("SERVICE-ADDRESSING", dataclasses.replace(REQUEST, receiver=dataclasses.replace(REQUEST.receiver, unit=unit))),
        ("SVAR-REFERENCES-FORESPORSEL", dataclasses.replace(svar, conversation=None)),
        ("SVAR-REFERENCES-FORESPORSEL", dataclasses.replace(svar, conversation=ConversationRef("", "x"))),
        (
            "AVVIK-REFERENCES-MESSAGE",
            dataclasses.replace(avvik, body=dataclasses.replace(avvik.body, topic=CV.of("8117", "9"))),
        ),
        ("TYPE-MATCHES-BODY", dataclasses.replace(svar, body=REQUEST.body)),
    ]


@pytest.mark.parametrize(("rule", "message"), _refused(), ids=[f"{r}-{i}" for i, (r, _) in enumerate(_refused())])
def test_builder_refuses_each_broken_rule_by_name(rule, message):
    with pytest.raises(RuleError) as caught:
        to_xml(message)
    assert caught.value.rule == rule
    assert [issue.rule for issue in caught.value.issues] == [rule]
    assert errors(to_xml(message, strict=False)) == [rule]


def test_build_spec_with_an_h_nummer_patient_exits_1_and_writes_nothing(tmp_path):
    data = spec.example("foresporsel")
    data["patient"] = {**data["patient"], "id": H_NUMMER, "id_type": "HNR", "date_of_birth": "1975-03-14"}
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out.xml"
    result = CliRunner().invoke(main, ["build", "foresporsel", "--spec", str(spec_file), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "NO-HJELPENUMMER" in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [spec_file]
    result = CliRunner().invoke(main, ["build", "foresporsel", "--spec", str(spec_file)])
    assert result.exit_code == 1 and result.stdout == "" and "NO-HJELPENUMMER" in result.stderr
    data["patient"].pop("id_type")  # the type filled from the number's structure is HNR too
    spec_file.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "foresporsel", "--spec", str(spec_file)])
    assert result.exit_code == 1 and result.stdout == "" and "NO-HJELPENUMMER" in result.stderr


# -- svar and avvik against the message they answer -------------------------------------------------------------------

ORIGINAL = original_of(REQUEST)


def test_svar_matches_its_forespørsel():
    assert errors(SVAR, original=ORIGINAL) == []
    assert errors(AVVIK, original=original_of(dmtool.parse(NOTAT))) == []


@pytest.mark.parametrize(
    ("case", "change"),
    [
        ("wrong RefToParent", lambda d: edit(d, _ref_to_parent(d), b"<RefToParent>another-message</RefToParent>")),
        (
            "wrong RefToConversation",
            lambda d: re.sub(rb"<RefToConversation>[^<]*<", b"<RefToConversation>another-thread<", d),
        ),
        ("to someone else", lambda d: d.replace(b"<Id>8000002</Id>", b"<Id>8000009</Id>")),
    ],
)
def test_svar_that_does_not_match_its_forespørsel(case, change):
    changed = change(SVAR)
    assert errors(changed) == []  # alone, the svar looks fine
    assert errors(changed, original=ORIGINAL) == ["SVAR-REFERENCES-FORESPORSEL"]


def test_svar_to_a_message_that_is_no_forespørsel():
    not_a_request = original_of(dmtool.parse(NOTAT))
    assert "SVAR-REFERENCES-FORESPORSEL" in errors(SVAR, original=not_a_request)


def test_avvik_with_the_wrong_parent():
    changed = edit(AVVIK, _ref_to_parent(AVVIK), b"<RefToParent>another-message</RefToParent>")
    assert errors(changed, original=original_of(dmtool.parse(NOTAT))) == ["AVVIK-REFERENCES-MESSAGE"]


def _cli(*args: str):
    return CliRunner().invoke(main, list(args))


def test_cli_original_checks_the_references(tmp_path):
    request, good = tmp_path / "foresporsel.xml", tmp_path / "svar.xml"
    request.write_bytes(FORESPORSEL)
    good.write_bytes(SVAR)
    bad = tmp_path / "svar-wrong.xml"
    bad.write_bytes(edit(SVAR, _ref_to_parent(SVAR), b"<RefToParent>another-message</RefToParent>"))
    assert _cli("validate", "--original", str(request), str(good)).exit_code == 0
    assert _cli("validate", str(bad)).exit_code == 0
    result = _cli("validate", "--format", "json", "--original", str(request), str(bad))
    assert result.exit_code == 1
    (report,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert [i["rule"] for i in report["issues"] if i["severity"] == "error"] == ["SVAR-REFERENCES-FORESPORSEL"]
    assert "another-message" in report["issues"][0]["message"]


def _svar_at(when: dt.datetime) -> bytes:
    return to_xml(compose.svar(REQUEST, "Ja. Hilsen Kari Berg, sykepleier", gen_date=when))


def test_late_svar_gets_the_reply_deadline_warning_with_original(tmp_path):
    request, late, on_time = tmp_path / "f.xml", tmp_path / "late.xml", tmp_path / "on-time.xml"
    request.write_bytes(FORESPORSEL)  # GenDate Friday 2026-11-20: reply by Friday 2026-11-27
    late.write_bytes(_svar_at(dt.datetime(2026, 11, 30, 8, 0, tzinfo=OSLO)))
    on_time.write_bytes(_svar_at(dt.datetime(2026, 11, 27, 23, 30, tzinfo=OSLO)))
    result = _cli("validate", "--format", "json", "--original", str(request), str(late), str(on_time))
    assert result.exit_code == 0, result.output
    late_report, on_time_report = (json.loads(line) for line in result.stdout.splitlines())
    assert [(i["rule"], i["severity"]) for i in late_report["issues"]] == [("REPLY-DEADLINE", "warning")]
    assert "2026-11-27" in late_report["issues"][0]["message"] and late_report["valid"] is True
    assert on_time_report["issues"] == []
    assert warnings(late.read_bytes()) == []  # without the forespørsel there is nothing to compare
    # 2026-11-27 23:30 UTC is already Saturday in Oslo: late
    utc_late = _svar_at(dt.datetime(2026, 11, 27, 23, 30, tzinfo=dt.UTC))
    assert warnings(utc_late, original=ORIGINAL) == ["REPLY-DEADLINE"]


# -- the CLI acceptance list ------------------------------------------------------------------------------------------

#: (file name, rule, broken message, the same message cleaned)
ACCEPTANCE = [
    ("base64-attachment.xml", "NO-ATTACHMENTS", MINIMAL[0][2], FORESPORSEL),
    ("h-nummer.xml", "NO-HJELPENUMMER", edit(FORESPORSEL, FNR, f"<Id>{H_NUMMER}</Id>".encode()), FORESPORSEL),
    ("fh-nummer.xml", "NO-HJELPENUMMER", edit(HELSEFAGLIG, FNR, f"<Id>{FH_NUMMER}</Id>".encode()), HELSEFAGLIG),
    ("other-receiver.xml", "ONE-RECIPIENT", edit(HELSEFAGLIG, b"</Receiver>", OTHER_RECEIVER), HELSEFAGLIG),
    (
        "svar-without-ref.xml",
        "SVAR-REFERENCES-FORESPORSEL",
        edit(SVAR, _ref_to_parent(SVAR), b"<RefToParent></RefToParent>"),
        SVAR,
    ),
    (
        "avvik-without-reason.xml",
        "AVVIK-REFERENCES-MESSAGE",
        edit(AVVIK, AVVIK_TOPIC, b'<TemaKodet S="2.16.578.1.12.4.1.1.8117"/>'),
        AVVIK,
    ),
    ("xhtml-sporsmal.xml", "PLAIN-TEXT", MINIMAL[3][2], FORESPORSEL_11),
]


def test_acceptance_messages_are_the_ones_described():
    assert b"Base64Container" in ACCEPTANCE[0][2]
    assert dmtool.parse(ACCEPTANCE[1][2]).patient.id == H_NUMMER  # type: ignore[union-attr]
    assert dmtool.parse(ACCEPTANCE[2][2]).patient.id == FH_NUMMER  # type: ignore[union-attr]
    assert b"<OtherReceiver>" in ACCEPTANCE[3][2]
    assert dmtool.parse(ACCEPTANCE[4][2]).conversation.parent == ""  # type: ignore[union-attr]
    assert dmtool.parse(ACCEPTANCE[5][2]).body.topic.code in ("", None)  # type: ignore[union-attr]
    assert XHTML.encode() in ACCEPTANCE[6][2] and dmtool.validate(ACCEPTANCE[6][2]).version == "dialog-1.1"


def test_cli_reports_the_rule_of_each_broken_message_and_exit_1(tmp_path):
    paths = []
    for name, _, broken, _ in ACCEPTANCE:
        (tmp_path / name).write_bytes(broken)
        paths.append(str(tmp_path / name))
    result = _cli("validate", "--format", "json", *paths)
    assert result.exit_code == 1, result.output
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["path"] for r in reports] == paths
    for (name, rule, _, _), report in zip(ACCEPTANCE, reports, strict=True):
        assert report["valid"] is False, name
        assert {i["rule"] for i in report["issues"] if i["severity"] == "error"} == {rule}, (name, report["issues"])
    for name, rule, _, _ in ACCEPTANCE:
        single = _cli("validate", "--format", "json", str(tmp_path / name))
        assert single.exit_code == 1 and rule in {i["rule"] for i in json.loads(single.stdout)["issues"]}


def test_cli_the_same_messages_cleaned_are_valid_exit_0(tmp_path):
    paths = []
    for name, _, _, clean in ACCEPTANCE:
        (tmp_path / name).write_bytes(clean)
        paths.append(str(tmp_path / name))
    result = _cli("validate", "--format", "json", *paths)
    assert result.exit_code == 0, result.output
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(reports) == len(ACCEPTANCE) and all(r["valid"] for r in reports)
    assert not [i for r in reports for i in r["issues"] if i["severity"] == "error"]


def test_cli_text_output_names_the_rule(tmp_path):
    target = tmp_path / "h.xml"
    target.write_bytes(ACCEPTANCE[1][2])
    result = _cli("validate", str(target))
    assert result.exit_code == 1 and "INVALID" in result.stdout
    assert "error NO-HJELPENUMMER" in result.stdout and H_NUMMER in result.stdout


# -- known gaps in the checks (these fail until the checks are fixed; see the report of issue 4) ----------------------


def test_patient_with_only_a_foreign_identifier_is_refused():
    """PATIENT-REQUIRED: "Patient is present with a name and one such identifier" (FNR or DNR). A DUF number alone
    is not one."""
    duf = edit(edit(HELSEFAGLIG, FNR, b"<Id>201012345678</Id>"), FNR_TYPE, b'TypeId V="DUF" DN="DUF-nummer"')
    assert errors(duf) == ["PATIENT-REQUIRED"]


@pytest.mark.parametrize(
    "uri",
    [
        "data:image/svg+xml;utf8,%3Csvg%3E%3C/svg%3E",
        "data:text/plain,hei",
        "data:image/png;name=bilde.png;base64,iVBORw0KGgo=",
    ],
)
def test_every_data_uri_is_refused(uri):
    """PLAIN-TEXT: "no embedded images or data URIs" - not only those written ``data:<type>;base64,``."""
    data = edit(HELSEFAGLIG, TEXT_11, f"<TekstNotatInnhold>Se {uri} Til hjemmesykepleien.".encode())
    assert errors(data) == ["PLAIN-TEXT"]


_BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


@settings(max_examples=300)
@given(
    st.lists(
        st.one_of(
            st.one_of(st.sampled_from([199, 200, 201, 399, 400, 401]), st.integers(0, 620)).flatmap(
                lambda size: st.text(alphabet=_BASE64_ALPHABET, min_size=size, max_size=size)  # runs near the limits
            ),
            st.text(alphabet=" \næøå=-.", max_size=3),
        ),
        max_size=12,
    ).map("".join)
)
def test_the_base64_run_search_agrees_with_the_plain_pattern(text: str) -> None:
    """PLAIN-TEXT's fast search for a long base64 run finds exactly what ``[A-Za-z0-9+/]{400,}`` finds."""
    expected = re.search(f"[A-Za-z0-9+/]{{{plaintext.BASE64_RUN},}}", text) is not None
    assert plaintext.has_base64_run(text) is expected


_PDF_DOCUMENT = (
    b'<Document><RefDoc><MsgType V="A" DN="Vedlegg"/><MimeType>application/pdf</MimeType><Content>'
    b'<Base64Container xmlns="http://www.kith.no/xmlstds/base64container">JVBERi0xLjQK</Base64Container>'
    b"</Content></RefDoc></Document>"
)


@settings(max_examples=20)
@given(before=st.integers(0, 2), after=st.integers(0, 2))
def test_an_attachment_before_the_dialogmelding_is_no_attachments_like_one_after_it(before: int, after: int) -> None:
    """Some systems put the attachment first: the Dialogmelding is still found, and every other Document refused
    as an attachment (never UNSUPPORTED-MESSAGE); the receipt is status 3 and the model reads the body."""
    message = (EXAMPLES / "foresporsel-1.0.xml").read_bytes()
    start, end = message.index(b"<Document>"), message.index(b"</Document>") + len(b"</Document>")
    data = message[:start] + _PDF_DOCUMENT * before + message[start:end] + _PDF_DOCUMENT * after + message[end:]
    report = dmtool.validate(data)
    assert {issue.rule for issue in report.errors} == ({"NO-ATTACHMENTS"} if before + after else set())
    further = [issue.message for issue in report.errors if issue.message.startswith("a further Document")]
    assert sum("before the Dialogmelding" in text for text in further) == before
    assert sum("after the Dialogmelding" in text for text in further) == after
    receipt = dmtool.apprec_for(data, report)
    assert receipt.status == ("3" if before + after else "1")
    parsed = dmtool.parse(data)
    assert parsed.msg_id == dmtool.parse(message).msg_id and parsed.body == dmtool.parse(message).body
    assert len(parsed.unmodelled) == before + after


def test_rules_json_lists_the_regions_list_rules_under_their_profiles():
    """RECIPIENT-LISTED and STANDARD-REPLY are profile advice; RECIPIENT-ALLOWED also applies under ostfold."""
    result = CliRunner().invoke(main, ["rules", "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = {entry["id"]: entry for entry in json.loads(result.stdout)}
    assert listed["RECIPIENT-LISTED"]["profiles"] == ["oslo", "bergen", "vestre-viken", "ostfold"]
    assert listed["STANDARD-REPLY"]["profiles"] == ["pasientdialog"]
    assert listed["RECIPIENT-ALLOWED"]["profiles"] == ["bergen", "vestre-viken", "ostfold"]
    for rule_id in ("RECIPIENT-LISTED", "STANDARD-REPLY"):
        assert listed[rule_id]["severity"] == "warning" and listed[rule_id]["apprec_code"] is None
    assert listed["RECIPIENT-ALLOWED"]["severity"] == "error" and listed["RECIPIENT-ALLOWED"]["apprec_code"] == "E40"


def test_synthetic_ids_lets_a_tenor_patient_through_on_the_command_line_and_in_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Test environments use Skatteetaten's Tenor persons (8 added to the third digit of the number): refused, with
    the way to allow them, unless ``--synthetic-ids`` or ``synthetic_ids = true`` says this is a test environment."""
    first_nine = "14837549100"[:9]  # 14.03.75 of the example patient, month + 80
    number = first_nine + str(dms.fnr_check_digits(first_nine))
    message = tmp_path / "tenor.xml"
    message.write_bytes((EXAMPLES / "foresporsel-1.0.xml").read_bytes().replace(b"14037549100", number.encode()))
    monkeypatch.chdir(tmp_path)
    refused = CliRunner().invoke(main, ["validate", "--format", "json", str(message)])
    assert refused.exit_code == 1
    (issue,) = json.loads(refused.stdout)["issues"]
    assert issue["rule"] == "NO-HJELPENUMMER" and "--synthetic-ids" in issue["message"]
    assert CliRunner().invoke(main, ["validate", "--synthetic-ids", str(message)]).exit_code == 0
    (tmp_path / "dmtool.toml").write_text("synthetic_ids = true\n")
    assert CliRunner().invoke(main, ["validate", str(message)]).exit_code == 0
    assert CliRunner().invoke(main, ["validate", "--no-synthetic-ids", str(message)]).exit_code == 1
    (tmp_path / "dmtool.toml").write_text('synthetic_ids = "yes"\n')
    wrong = CliRunner().invoke(main, ["validate", str(message)])
    assert wrong.exit_code == 2 and "synthetic_ids must be true or false" in wrong.stderr
    checked = CliRunner().invoke(main, ["apprec", "check", str(EXAMPLES / "apprec-1.0-ok.xml"), "--synthetic-ids"])
    assert checked.exit_code == 2 and "--synthetic-ids" in checked.stderr
