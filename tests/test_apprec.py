"""Application receipts: :func:`dmtool.apprec_for`, :func:`dmtool.parse_apprec`, :func:`dmtool.check_apprec` and
``dmtool apprec``.

* For generated valid messages the receipt says 1 with no Error; for a message breaking one hard rule it says 2 (3 for
  ``NO-ATTACHMENTS``) with exactly one Error: the rule's 8221 code (``rules.get(rule).apprec_code``), the 8221 OID,
  and ``OT`` naming the rule. Every receipt, of both versions, is valid against the *reference* AppRec XSD of its
  version, reads back equal (``parse_apprec(to_xml(a)) == a``), is written deterministically and checks consistent
  against the message it answers (as bytes and as a parsed :class:`~dmtool.dialog.model.Message`), with the outcome its
  status means. Each way of tampering with it is caught, with a reason that names what is wrong.
* Every official AppRec example and our own fixtures parse and check consistent with the right status and outcome;
  real-world quirks (a MIGversion that disagrees with the namespace, a missing Status, unknown codes) are read and
  reported as ``APPREC-CONSISTENT`` by ``check_apprec`` and ``validate``.
* Unreadable input gets a receipt only when the parties are given (status 2, T01); no receipt is made for a receipt.
* The command line round trip: build, apprec, apprec check, validate.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import re
import tempfile
from pathlib import Path
from typing import Any, NoReturn

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from paths import EXAMPLES, REFERENCE

import dmtool
from dmtool import rules
from dmtool.apprec import APPREC_VERSIONS, MIG_VERSIONS, AppRec, Party, Unit, parse_apprec
from dmtool.apprec import make as receipts
from dmtool.apprec import to_xml as apprec_xml
from dmtool.apprec.make import check_apprec
from dmtool.cli import main
from dmtool.dialog import writer as dialog_writer
from dmtool.dialog.model import CV, Message
from dmtool.rules.facts import original_of
from dmtool.standards import codelists
from dmtool.standards import namespaces as ns
from dmtool.standards.clock import OSLO
from dmtool.standards.ids import her_id_problem
from dmtool.testing import strategies as dms

ERRORS = codelists.get("8221")
OID_8221 = ERRORS.oid
STATUS_OUTCOME = {"1": "delivered", "2": "rejected", "3": "partly"}
NAMESPACES = {"1.0": ns.APPREC_10, "1.1": ns.APPREC_11}
REFERENCE_XSD = REFERENCE / "xsd"
HAVE_REFERENCE = all((REFERENCE_XSD / f"apprec-{v}").is_dir() for v in APPREC_VERSIONS)
needs_reference = pytest.mark.skipif(
    not HAVE_REFERENCE, reason=f"reference AppRec schemas not found under {REFERENCE_XSD} (clone 'shared' beside it)"
)
#: Expected (version, status) of every official AppRec example.
OFFICIAL = {
    "apprec-1.0/AppRec-v1-eksempel-ok.xml": ("1.0", "1"),
    "apprec-1.0/AppRec-v1-eksempel-avvist.xml": ("1.0", "2"),
    "apprec-1.0/AppRec-v1-eksempel-ok_feil_i_delmelding.xml": ("1.0", "3"),
    "apprec-1.1/AppRec-v1.1-eksempel-ok_HIS80415-2012-5.2.1.xml": ("1.1", "1"),
    "apprec-1.1/AppRec-v1.1-eksempel-avvist_HIS80415-2012-5.2.2.xml": ("1.1", "2"),
}
#: Our fixtures: (version, status, the message each says it answers).
FIXTURES = {
    "apprec-1.0-ok.xml": ("1.0", "1", "foresporsel-1.0.xml"),
    "apprec-1.1-avvist.xml": ("1.1", "2", "notat-1.0-latin1.xml"),
}


@functools.cache
def reference_schema(version: str) -> etree.XMLSchema:
    """The official AppRec XSD of ``version``, compiled by lxml through the conformance tests' wrapper."""
    import xsdgen

    return xsdgen.reference_lxml(f"apprec-{version}")


def assert_reference_valid(data: bytes, version: str) -> None:
    schema = reference_schema(version)
    doc = etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False))
    assert doc.tag == f"{{{NAMESPACES[version]}}}AppRec"
    assert schema.validate(doc), f"{schema.error_log}\n{data.decode()}"


def issues(check) -> list[str]:
    """The APPREC-CONSISTENT messages of ``check`` (a receipt checked from its source is validated too: a schema error
    is among its issues)."""
    assert {issue.rule for issue in check.report.issues} <= {"APPREC-CONSISTENT", "XSD", "CODE-VALUE"}
    return [issue.message for issue in check.report.issues if issue.rule == "APPREC-CONSISTENT"]


def assert_consistent(check, status: str) -> None:
    assert check.consistent, issues(check)
    assert check.report.valid and check.report.kind == "apprec"
    assert check.outcome == STATUS_OUTCOME[status]


def assert_inconsistent(check, *words: str) -> None:
    """``check`` fails, and one of its reasons holds every one of ``words``."""
    found = issues(check)
    assert not check.consistent and found
    assert any(all(word in message for word in words) for message in found), (words, found)


# ----------------------------------------------------------------------------------------------------------------------
# Receipts for generated messages


def receipt_bytes(message: Message) -> bytes:
    return dmtool.to_xml(message)


@settings(max_examples=60)
@given(dms.messages(), st.sampled_from(APPREC_VERSIONS))
def test_a_valid_message_gets_status_1_naming_it_with_the_parties_swapped(message, version):
    data = receipt_bytes(message)
    receipt = dmtool.apprec_for(data, version=version)
    assert receipt.version == version
    assert receipt.status == "1" and receipt.errors == () and receipt.status_text == "OK"
    assert receipt.original_id == message.msg_id
    assert receipt.original_type == message.kind
    assert receipt.original_date == message.gen_date
    assert receipt.id != message.msg_id
    assert {level.her_id for level in message.receiver.chain} <= set(receipt.sender.her_ids)
    assert {level.her_id for level in message.sender.chain} <= set(receipt.receiver.her_ids)
    assert (receipt.sender.role, receipt.receiver.role) == (("PRIM", "AVS") if version == "1.1" else (None, None))

    xml = apprec_xml(receipt)
    assert xml == apprec_xml(receipt)  # deterministic
    assert parse_apprec(xml) == receipt
    assert apprec_xml(parse_apprec(xml)) == xml
    for original in (data, message, dmtool.parse(data)):
        assert_consistent(check_apprec(receipt, original), "1")
    assert_consistent(check_apprec(xml, data), "1")
    verdict = dmtool.validate(xml)
    assert verdict.valid and verdict.kind == "apprec" and verdict.version == f"apprec-{version}", verdict.issues


@settings(max_examples=10)
@given(dms.messages())
def test_apprec_for_with_a_given_id_and_time_is_deterministic(message):
    data = receipt_bytes(message)
    when = dt.datetime(2026, 3, 29, 1, 59, 59, tzinfo=OSLO)
    first = dmtool.apprec_for(data, gen_date=when, apprec_id="b5d1c1a4-0000-4000-8000-000000000001")
    again = dmtool.apprec_for(data, gen_date=when, apprec_id="b5d1c1a4-0000-4000-8000-000000000001")
    assert first == again and apprec_xml(first) == apprec_xml(again)
    assert first.id == "b5d1c1a4-0000-4000-8000-000000000001" and first.gen_date == when


@pytest.mark.parametrize("rule", dms.HARD_RULES)
def test_a_message_breaking_one_hard_rule_gets_one_error_with_its_8221_code(rule):
    expected = "3" if rule in receipts.PARTIAL_RULES else "2"
    code = rules.get(rule).apprec_code
    assert code in ERRORS.codes

    @settings(max_examples=8)
    @given(dms.breaking(rule), st.sampled_from(APPREC_VERSIONS))
    def check(data, version):
        receipt = dmtool.apprec_for(data, version=version)
        assert receipt.status == expected, receipt.errors
        assert len(receipt.errors) == 1, receipt.errors
        (error,) = receipt.errors
        assert code is not None and (error.code, error.system, error.display) == (code, OID_8221, ERRORS.codes[code])
        assert error.original_text and error.original_text.startswith(f"{rule}: ")
        xml = apprec_xml(receipt)
        assert xml == apprec_xml(receipt)
        assert parse_apprec(xml) == receipt
        assert_consistent(check_apprec(receipt, data), expected)
        assert_consistent(check_apprec(xml, data), expected)
        assert check_apprec(xml).reasons == (error.original_text,)

    check()


def test_no_attachments_is_the_only_partial_rule_and_gives_3_only_alone():
    assert {"NO-ATTACHMENTS"} == receipts.PARTIAL_RULES
    attachment = dmtool.Issue("NO-ATTACHMENTS", dmtool.Severity.ERROR, "a further Document")
    other = dmtool.Issue("ACK-REQUESTED", dmtool.Severity.ERROR, "Ack is 'N'")
    warning = dmtool.Issue("SHORT", dmtool.Severity.WARNING, "long")
    report = functools.partial(dmtool.Report, path=None)
    assert receipts.status_for(report(issues=(warning,))) == ("1", ())
    assert receipts.status_for(report(issues=(attachment, warning)))[0] == "3"
    status, errors = receipts.status_for(report(issues=(attachment, other)))
    assert status == "2" and [e.code for e in errors] == ["T99", "X99"]
    # one Error per failed rule, not per issue
    assert len(receipts.status_for(report(issues=(other, other)))[1]) == 1


@needs_reference
@settings(max_examples=40)
@given(st.one_of(dms.messages().map(receipt_bytes), st.sampled_from(dms.HARD_RULES).flatmap(dms.breaking)),
       st.sampled_from(APPREC_VERSIONS))  # fmt: skip
def test_every_generated_receipt_is_valid_against_the_reference_xsd_of_its_version(data, version):
    assert_reference_valid(apprec_xml(dmtool.apprec_for(data, version=version)), version)


# -- a receipt tampered with -------------------------------------------------------------------------------------------

WRONG = CV("T01", OID_8221, ERRORS.codes["T01"])


def tampered(receipt: AppRec, message: Message) -> list[tuple[str, AppRec, tuple[str, ...]]]:
    """(name, tampered receipt, words its reason must hold) for each way of breaking a status-1 receipt."""
    other_kind = next(kind for kind in dmtool.Kind if kind != message.kind)
    replace = functools.partial(dataclasses.replace, receipt)
    cases: list[tuple[str, AppRec, tuple[str, ...]]] = [
        ("original_id", replace(original_id=receipt.original_id + "0"), ("OriginalMsgId/Id", message.msg_id)),
        ("status 1 with an Error", replace(errors=(WRONG,)), ("Status 1", "Error")),
        ("status 2 without Error", replace(status="2"), ("Status 2", "without an Error")),
        ("status 3 without Error", replace(status="3"), ("Status 3", "without an Error")),
        ("original_type", replace(original_type=str(other_kind)), ("OriginalMsgId/MsgType", str(other_kind))),
        ("original_date", replace(original_date=receipt.original_date + dt.timedelta(seconds=1)),
         ("OriginalMsgId/IssueDate", "GenDate")),
        ("unknown status", replace(status="7"), ("Status '7'", "8258")),
        ("code not in 8221", replace(status="2", errors=(CV("T77", OID_8221),)), ("'T77'", "8221")),
        # a fallback value of one client library, which the reference notes is no code of 8221
        ("Ukjent", replace(status="2", errors=(CV("Ukjent", OID_8221),)), ("'Ukjent'", "8221")),
        ("no code list", replace(status="2", errors=(CV("T01", None),)), ("'T01'", "code list")),
        ("unknown code list", replace(status="2", errors=(CV("T01", "2.16.578.1.12.4.1.1.99999"),)),
         ("'T01'", "99999")),
        ("answers an AppRec", replace(original_type="APPREC"),
         ("OriginalMsgId/MsgType is 'APPREC'", "no receipt is sent for a receipt")),
    ]  # fmt: skip
    original = original_of(message)
    receiver_hers, sender_hers = set(original.receiver_her_ids), set(original.sender_her_ids)
    if not (set(receipt.receiver.her_ids) & receiver_hers or set(receipt.sender.her_ids) & sender_hers):
        cases.append(
            ("unswapped", replace(sender=receipt.receiver, receiver=receipt.sender), ("not swapped",)),
        )
    return cases


@settings(max_examples=25)
@given(dms.messages(), st.sampled_from(APPREC_VERSIONS))
def test_a_tampered_receipt_fails_with_a_reason_naming_what_is_wrong(message, version):
    data = receipt_bytes(message)
    receipt = dmtool.apprec_for(data, version=version)
    for name, bad, words in tampered(receipt, message):
        for original in (data, message):
            check = check_apprec(bad, original)
            assert_inconsistent(check, *words)
            assert check.outcome == STATUS_OUTCOME.get(bad.status, "unknown"), name
        # written and read back, it still fails the same way
        assert_inconsistent(check_apprec(apprec_xml(bad), data), *words)


def test_exchanged_parties_are_reported_as_not_swapped():
    data = (EXAMPLES / "foresporsel-1.0.xml").read_bytes()
    receipt = dmtool.apprec_for(data)
    assert_consistent(check_apprec(receipt, data), "1")
    swapped = dataclasses.replace(receipt, sender=receipt.receiver, receiver=receipt.sender)
    check = check_apprec(swapped, data)
    assert_inconsistent(check, "receipt's sender", "not swapped")
    assert_inconsistent(check, "receipt's receiver", "not swapped")
    # only one side wrong is enough
    half = dataclasses.replace(receipt, receiver=receipt.sender)
    assert_inconsistent(check_apprec(half, data), "receipt's receiver", "not swapped")


def test_an_error_from_a_list_that_is_not_an_apprec_error_list_is_inconsistent():
    """BUG: ``S`` naming a code list that dmtool carries but that is not an AppRec error list (8116, 8258, ...) is
    accepted as long as the code is in that list; rules.md: "codes from 8221" (or a message-specific error list
    8222/8223, as apprec_check's own text says)."""
    data = (EXAMPLES / "foresporsel-1.0.xml").read_bytes()
    receipt = dmtool.apprec_for(data)
    for number, code in (("8116", "FNR"), ("8258", "1"), ("9051", "HER")):
        listed = codelists.get(number)
        bad = dataclasses.replace(receipt, status="2", errors=(CV(code, listed.oid, listed.codes[code]),))
        assert_inconsistent(check_apprec(bad, data), repr(code))
        assert not dmtool.validate(apprec_xml(bad)).valid


# -- no receipt for a receipt; unreadable input ------------------------------------------------------------------------


@settings(max_examples=10)
@given(dms.messages(), st.sampled_from(APPREC_VERSIONS))
def test_no_receipt_for_a_receipt(message, version):
    data = receipt_bytes(message)
    receipt = apprec_xml(dmtool.apprec_for(data, version=version))
    with pytest.raises(ValueError, match="no receipt is sent for a receipt"):
        dmtool.apprec_for(receipt)
    sender, receiver = receipts.party_by_her("8000100"), receipts.party_by_her("8000001")
    with pytest.raises(ValueError, match="AppRec"):
        dmtool.apprec_for(receipt, sender=sender, receiver=receiver)
    receipt_of_receipt = dataclasses.replace(parse_apprec(receipt), id="0f0f0f0f-0000-4000-8000-000000000000")
    assert_inconsistent(check_apprec(receipt_of_receipt, receipt), "no receipt is sent for a receipt")


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_no_receipt_for_our_apprec_fixtures(name):
    with pytest.raises(ValueError, match="no receipt"):
        dmtool.apprec_for(EXAMPLES / name)


UNREADABLE = [b"", b"garbage", b"<MsgHead", b"\xff\xfe<\x00a\x00/\x00>\x00", "<a>å</a>".encode("utf-16")]


@pytest.mark.parametrize("data", UNREADABLE, ids=["empty", "text", "unclosed", "utf16-bom", "utf16"])
@pytest.mark.parametrize("version", APPREC_VERSIONS)
def test_unreadable_input_gets_a_t01_receipt_only_when_the_parties_are_given(data, version):
    assert dmtool.validate(data).issues[0].rule == "NOT-XML"
    with pytest.raises(ValueError, match="--sender-her"):
        dmtool.apprec_for(data, version=version)
    with pytest.raises(ValueError, match="sender"):
        dmtool.apprec_for(data, version=version, sender=receipts.party_by_her("8000100"))
    with pytest.raises(ValueError, match="receiver"):
        dmtool.apprec_for(data, version=version, receiver=receipts.party_by_her("8000001"))
    receipt = dmtool.apprec_for(
        data,
        version=version,
        sender=receipts.party_by_her("8000100", "Fjordby kommune"),
        receiver=receipts.party_by_her("8000001"),
    )
    assert receipt.status == "2" and [(e.code, e.system) for e in receipt.errors] == [("T01", OID_8221)]
    assert (receipt.errors[0].original_text or "").startswith("NOT-XML: ")
    assert receipt.sender == Party("Fjordby kommune", "8000100", "HER", role="PRIM" if version == "1.1" else None)
    assert receipt.receiver.her_ids == ("8000001",)
    xml = apprec_xml(receipt)
    assert parse_apprec(xml) == receipt
    assert_consistent(check_apprec(xml), "2")
    if HAVE_REFERENCE:
        assert_reference_valid(xml, version)


# -- the empty HER-id --------------------------------------------------------------------------------------------------


def sender_with_an_empty_her_id() -> bytes:
    """foresporsel-1.0.xml whose Sender is one organisation level with ``<Id></Id>`` as its HER-id."""
    root = etree.fromstring((EXAMPLES / "foresporsel-1.0.xml").read_bytes())
    mh = {"mh": ns.MSGHEAD}
    (organisation,) = root.xpath("mh:MsgInfo/mh:Sender/mh:Organisation", namespaces=mh)
    for inner in organisation.xpath("mh:Organisation", namespaces=mh):
        organisation.remove(inner)
    organisation.xpath("mh:Ident/mh:Id", namespaces=mh)[0].text = ""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_receipt_for_a_sender_with_an_empty_her_id_is_consistent_with_it():
    """BUG: the message's empty HER-id is one of the original's sender HER-ids ('') but not one of the receipt's
    (``Party.her_ids`` drops empty ids): the receipt dmtool made says "the parties are not swapped"."""
    data = sender_with_an_empty_her_id()
    assert [issue.rule for issue in dmtool.validate(data).issues] == ["SERVICE-ADDRESSING"]
    receipt = dmtool.apprec_for(data)
    assert receipt.status == "2" and [e.code for e in receipt.errors] == ["E40"]
    assert_consistent(check_apprec(receipt, data), "2")


def test_receipt_for_a_sender_with_an_empty_her_id_reads_back_equal():
    """BUG: ``apprec_for`` keeps the empty HER-id as ``Party(id='')``, written ``<Id></Id>`` and read back as
    ``None``: ``parse_apprec(to_xml(a)) != a``."""
    receipt = dmtool.apprec_for(sender_with_an_empty_her_id())
    assert parse_apprec(apprec_xml(receipt)) == receipt


# ----------------------------------------------------------------------------------------------------------------------
# Any AppRec the model can hold


texts = dms.xml_text(max_size=12)
ids = st.one_of(st.none(), dms.her_ids(), st.sampled_from(["974744570", "009144897", "1"]))
units = st.builds(Unit, st.none() | texts, ids, st.sampled_from([None, "HER", "ENH", "RSH", "HPR", "XXX"]))
roles = st.sampled_from([None, "PRIM", "COP", "AVS", "SENDER"])
institutions = st.builds(
    Party, st.none() | texts, ids, st.sampled_from([None, "HER", "ENH"]),
    st.lists(units, max_size=2).map(tuple), st.lists(units, max_size=2).map(tuple), st.just(False), roles,
)  # fmt: skip
professionals = st.builds(Party, st.none() | texts, ids, st.sampled_from([None, "HPR", "HER", "FNR"]),
                          professional=st.just(True), role=roles)  # fmt: skip
parties = institutions | professionals
times = st.datetimes(
    min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2100, 12, 31),
    timezones=st.sampled_from([OSLO, dt.UTC, dt.timezone(dt.timedelta(hours=5, minutes=45))]),
)  # fmt: skip
errors = st.builds(
    CV, st.sampled_from(sorted(ERRORS.codes)), st.just(OID_8221), st.none(), st.none() | texts
).map(lambda e: dataclasses.replace(e, display=ERRORS.codes[e.code]))  # fmt: skip


#: The 8279 types a receipt may answer: all but APPREC (no receipt is sent for a receipt).
ANSWERABLE = sorted(set(codelists.get("8279").codes) - {"APPREC"})


@st.composite
def apprecs(draw: st.DrawFn) -> AppRec:
    status = draw(st.sampled_from(["1", "2", "3"]))
    return AppRec(
        version=draw(st.sampled_from(APPREC_VERSIONS)),
        id=str(draw(st.uuids())),
        gen_date=draw(times),
        sender=draw(parties),
        receiver=draw(parties),
        status=status,
        original_type=draw(st.sampled_from(ANSWERABLE)),
        original_id=str(draw(st.uuids())),
        original_date=draw(times),
        errors=() if status == "1" else tuple(draw(st.lists(errors, min_size=1, max_size=3))),
    )


@settings(max_examples=80)
@given(apprecs())
def test_any_apprec_is_written_deterministically_and_reads_back_equal(receipt):
    xml = apprec_xml(receipt)
    assert xml == apprec_xml(receipt)
    back = parse_apprec(xml)
    assert back == receipt
    assert back.mig_version == MIG_VERSIONS[receipt.version]
    assert apprec_xml(back) == xml
    check = check_apprec(xml)
    # consistent in itself; the model holds any codes, and those outside their lists are CODE-VALUE's
    assert {issue.rule for issue in check.report.issues} <= {"CODE-VALUE", "CODE-FORM"}, check.report.issues
    assert check.outcome == STATUS_OUTCOME[receipt.status]
    assert check.reasons == tuple(e.original_text or e.display for e in receipt.errors)
    if HAVE_REFERENCE:
        assert_reference_valid(xml, receipt.version)


# ----------------------------------------------------------------------------------------------------------------------
# Official examples, our fixtures, real-world quirks


@needs_reference
@pytest.mark.parametrize("name", sorted(OFFICIAL))
def test_official_apprec_examples_parse_and_check_consistent(name):
    version, status = OFFICIAL[name]
    path = REFERENCE / "examples" / name
    receipt = parse_apprec(path)
    assert (receipt.version, receipt.status) == (version, status)
    assert receipt.mig_version == MIG_VERSIONS[receipt.version]
    assert bool(receipt.errors) == (status != "1")
    assert_consistent(check_apprec(path), status)
    assert_consistent(check_apprec(receipt), status)
    verdict = dmtool.validate(path)
    assert verdict.valid and verdict.version == f"apprec-{version}", verdict.issues
    # ours writes it back valid against the reference schema (the model drops only addresses and comments)
    assert_reference_valid(apprec_xml(receipt), version)
    with pytest.raises(ValueError, match="no receipt"):
        dmtool.apprec_for(path)


@needs_reference
def test_official_examples_details_are_read():
    ok = parse_apprec(REFERENCE / "examples" / "apprec-1.0" / "AppRec-v1-eksempel-ok.xml")
    assert ok.receiver.professional and ok.receiver.name == "Magnar Koman" and ok.receiver.id_type == "HPR"
    assert ok.sender == Party("Kreftregisteret", "974771381", "ENH", role="SENDER")
    assert ok.original_type == "CANCER_BR" and ok.original_id == "bf7f99f1-ed66-434b-be9a-baceefc56358"
    assert ok.original_date == dt.datetime(2004, 12, 17, 9, 32, 15, tzinfo=OSLO)  # no offset: Oslo time
    partly = check_apprec(REFERENCE / "examples" / "apprec-1.0" / "AppRec-v1-eksempel-ok_feil_i_delmelding.xml")
    assert partly.reasons == ("93495", "93498")  # 8223 (LOM) errors whose OT points at the part
    avvist = parse_apprec(REFERENCE / "examples" / "apprec-1.1" / "AppRec-v1.1-eksempel-avvist_HIS80415-2012-5.2.2.xml")
    assert avvist.errors == (CV("E21", OID_8221, "Mottaker finnes ikke"),)
    assert avvist.sender.role == "COP" and avvist.receiver.role == "AVS"
    assert avvist.sender.her_ids == ("56704", "258521") and avvist.receiver.her_ids == ("69", "89583")


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_our_apprec_fixtures_parse_and_check_consistent(name):
    version, status, _ = FIXTURES[name]
    receipt = parse_apprec(EXAMPLES / name)
    assert (receipt.version, receipt.status) == (version, status)
    assert_consistent(check_apprec(EXAMPLES / name), status)
    if HAVE_REFERENCE:
        assert_reference_valid((EXAMPLES / name).read_bytes(), version)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_our_apprec_fixtures_answer_the_message_they_name(name):
    """BUG (fixture): apprec-1.1-avvist.xml says it answers notat-1.0-latin1.xml and has its MsgId and type, but the
    IssueDate and both parties are those of foresporsel-1.0.xml's receipt."""
    _, status, original = FIXTURES[name]
    assert f"answering {original}" in (EXAMPLES / name).read_text(encoding="utf-8")
    assert_consistent(check_apprec(EXAMPLES / name, EXAMPLES / original), status)
    assert_consistent(check_apprec(EXAMPLES / name, dmtool.parse(EXAMPLES / original)), status)


def quirk(name: str, old: str, new: str) -> bytes:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1).encode()


OK10, AVVIST11 = "apprec-1.0-ok.xml", "apprec-1.1-avvist.xml"
E10 = '<Error V="E10" DN="Ugyldig meldingsidentifikator" S="2.16.578.1.12.4.1.1.8221"/>'
QUIRKS = {
    "MIGversion of 1.1 in the 1.0 namespace": (
        quirk(OK10, "<MIGversion>1.0 2004-11-21<", "<MIGversion>v1.1 2012-02-15<"),
        ("MIGversion", "'v1.1 2012-02-15'", "AppRec 1.0"),
    ),
    "MIGversion of 1.0 in the 1.1 namespace": (
        quirk(AVVIST11, "<MIGversion>v1.1 2012-02-15<", "<MIGversion>1.0 2004-11-21<"),
        ("MIGversion", "'1.0 2004-11-21'", "AppRec 1.1"),
    ),
    "missing Status": (quirk(OK10, '<Status V="1" DN="OK"/>', ""), ("no Status",)),
    "unknown Status": (quirk(OK10, '<Status V="1" DN="OK"/>', '<Status V="7" DN="Ukjent"/>'), ("'7'", "8258")),
    "unknown Error code": (quirk(AVVIST11, 'V="E10"', 'V="E99"'), ("'E99'", "8221")),
    "unknown Error list": (quirk(AVVIST11, ".8221", ".7777"), ("'E10'", "7777")),
    "Error without S": (quirk(AVVIST11, ' S="2.16.578.1.12.4.1.1.8221"', ""), ("'E10'", "code list")),
    "status 2 without Error": (quirk(AVVIST11, E10, ""), ("Status 2", "without an Error")),
    "status 1 with Error": (quirk(OK10, '<Status V="1" DN="OK"/>', '<Status V="1" DN="OK"/>' + E10),
                            ("Status 1", "Error")),
    "MsgType not APPREC": (quirk(OK10, '<MsgType V="APPREC"', '<MsgType V="XYZ"'), ("MsgType is 'XYZ'", "'APPREC'")),
    "empty MsgType": (quirk(AVVIST11, '<MsgType V="APPREC"', '<MsgType V=""'), ("MsgType", "missing or empty")),
    "missing MsgType": (quirk(OK10, '<MsgType V="APPREC" DN="Applikasjonskvittering"/>', ""),
                        ("MsgType", "missing or empty")),
    "receipt for a receipt": (quirk(OK10, '<MsgType V="DIALOG_FORESPORSEL"', '<MsgType V="APPREC"'),
                              ("OriginalMsgId/MsgType is 'APPREC'", "no receipt is sent for a receipt")),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(QUIRKS))
def test_real_world_quirks_are_read_and_reported_as_apprec_consistent(name):
    data, words = QUIRKS[name]
    receipt = parse_apprec(data)
    check = check_apprec(data)
    assert_inconsistent(check, *words)
    report = dmtool.validate(data)
    assert check.report == report
    consistency_only = tuple(issue for issue in report.issues if issue.rule == "APPREC-CONSISTENT")
    assert check_apprec(receipt).report.issues == consistency_only
    assert check.outcome == STATUS_OUTCOME.get(receipt.status, "unknown")
    assert not report.valid and report.kind == "apprec"
    consistent = [issue.message for issue in report.issues if issue.rule == "APPREC-CONSISTENT"]
    assert any(all(word in message for word in words) for message in consistent), report.issues
    # only a missing Status is also a schema error (Status is 1..1); the rest are valid against the schema
    assert {issue.rule for issue in report.issues} == ({"APPREC-CONSISTENT", "XSD"} if "missing" in name else
                                                       {"APPREC-CONSISTENT"})  # fmt: skip


def test_quirks_are_read_as_they_are():
    assert parse_apprec(QUIRKS["MIGversion of 1.1 in the 1.0 namespace"][0]).mig_version == "v1.1 2012-02-15"
    assert parse_apprec(QUIRKS["missing Status"][0]).status == ""
    assert parse_apprec(QUIRKS["unknown Status"][0]).status_text == "7"
    assert parse_apprec(QUIRKS["unknown Error code"][0]).errors[0].code == "E99"
    assert check_apprec(QUIRKS["missing Status"][0]).outcome == "unknown"


def test_an_apprec_that_cannot_be_read_raises_parse_error():
    with pytest.raises(dmtool.ParseError):
        parse_apprec(b"garbage")
    with pytest.raises(dmtool.ParseError):
        parse_apprec(EXAMPLES / "foresporsel-1.0.xml")  # a message, not a receipt
    with pytest.raises(dmtool.ParseError):
        original_msg_id = re.search(r"<OriginalMsgId>.*</OriginalMsgId>", (EXAMPLES / OK10).read_text(), re.S)
        assert original_msg_id is not None
        parse_apprec(quirk(OK10, original_msg_id.group(0), ""))


# ----------------------------------------------------------------------------------------------------------------------
# Command line


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_cli_round_trip(tmp_path: Path):
    spec, msg, out = tmp_path / "spec.json", tmp_path / "msg.xml", tmp_path / "r.xml"
    assert run("build", "foresporsel", "--example", "-o", str(spec)).exit_code == 0
    result = run("build", "foresporsel", "--spec", str(spec), "-o", str(msg))
    assert result.exit_code == 0, result.output

    result = run("apprec", str(msg), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and "AppRec status 1 OK" in result.stderr
    receipt = parse_apprec(out)
    assert receipt.version == "1.1" and receipt.status == "1"  # 1.1 unless asked for 1.0
    assert receipt.original_id == dmtool.parse(msg).msg_id
    assert dmtool.apprec_for(msg).version == "1.1"

    result = run("apprec", "check", str(out), "--original", str(msg))
    assert result.exit_code == 0, result.output
    assert "consistent" in result.stdout and "outcome: delivered" in result.stdout
    result = run("apprec", "check", str(out), "--original", str(msg), "--format", "json")
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout)
    assert verdict["consistent"] is True and verdict["outcome"] == "delivered" and verdict["issues"] == []
    assert verdict["kind"] == "apprec" and verdict["msg_id"] == receipt.id

    result = run("apprec", "check", str(out), "--original", str(EXAMPLES / "foresporsel-1.0.xml"))
    assert result.exit_code == 1 and "INCONSISTENT" in result.stdout and "OriginalMsgId/Id" in result.stdout
    result = run("apprec", "check", str(out), "--original", str(EXAMPLES / "foresporsel-1.0.xml"), "--format", "json")
    assert result.exit_code == 1 and json.loads(result.stdout)["consistent"] is False

    result = run("apprec", str(out))  # no receipt for a receipt
    assert result.exit_code == 1 and "no receipt is sent for a receipt" in result.stderr and result.stdout == ""
    result = run("apprec", "check", str(out), "--original", str(out))
    assert result.exit_code == 1 and "no receipt is sent for a receipt" in result.stdout

    result = run("validate", str(out))
    assert result.exit_code == 0 and "valid  apprec apprec-1.1 APPREC" in result.stdout, result.output

    out10 = tmp_path / "r10.xml"
    result = run("apprec", str(msg), "--apprec-version", "1.0", "-o", str(out10))
    assert result.exit_code == 0, result.output
    assert f'xmlns="{ns.APPREC_10}"'.encode() in out10.read_bytes()
    assert parse_apprec(out10).version == "1.0"
    assert run("apprec", "check", str(out10), "--original", str(msg)).exit_code == 0
    assert run("validate", str(out10)).exit_code == 0
    if HAVE_REFERENCE:
        assert_reference_valid(out.read_bytes(), "1.1")
        assert_reference_valid(out10.read_bytes(), "1.0")


def test_cli_garbage_needs_the_parties(tmp_path: Path):
    garbage, out = tmp_path / "garbage.xml", tmp_path / "r.xml"
    garbage.write_bytes(b"this is not XML")
    result = run("apprec", str(garbage), "-o", str(out))
    assert result.exit_code == 1 and "--sender-her" in result.stderr and not out.exists()
    result = run("apprec", str(garbage), "--sender-her", "8000100", "-o", str(out))
    assert result.exit_code == 1 and not out.exists()

    result = run("apprec", str(garbage), "--sender-her", "8000100", "--receiver-her", "8000001", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "AppRec status 2 Avvist: T01" in result.stderr
    receipt = parse_apprec(out)
    assert receipt.status == "2" and [(e.code, e.system) for e in receipt.errors] == [("T01", OID_8221)]
    assert receipt.sender.her_ids == ("8000100",) and receipt.receiver.her_ids == ("8000001",)
    assert run("validate", str(out)).exit_code == 0
    result = run("apprec", "check", str(out), "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["outcome"] == "rejected"

    result = run("apprec", str(garbage), "--sender-her", "8000100", "--receiver-her", "8000001")  # to stdout
    assert result.exit_code == 0 and b'<Error V="T01"' in result.stdout_bytes


def test_cli_rejected_message_exit_0_with_status_2(tmp_path: Path):
    text = (EXAMPLES / "foresporsel-1.0.xml").read_text(encoding="utf-8")
    bad = tmp_path / "ack-n.xml"
    assert '<Ack V="J" DN="Ja"/>' in text
    bad.write_text(text.replace('<Ack V="J" DN="Ja"/>', '<Ack V="N" DN="Nei"/>'), encoding="utf-8")
    assert [i.rule for i in dmtool.validate(bad).errors] == ["ACK-REQUESTED"]
    result = run("apprec", str(bad))
    assert result.exit_code == 0 and "AppRec status 2 Avvist: X99" in result.stderr
    receipt = parse_apprec(result.stdout_bytes)
    assert [e.code for e in receipt.errors] == ["X99"]
    assert (receipt.errors[0].original_text or "").startswith("ACK-REQUESTED")


def test_cli_receipt_follows_the_profile_options():
    """The receipt's verdict is the one ``validate`` gives under the same profile options."""
    message = str(EXAMPLES / "foresporsel-1.0.xml")
    assert run("apprec", message).stderr.startswith("dmtool: AppRec status 1 OK")
    result = run("apprec", message, "--profile", "ostfold", "--not-admitted")
    assert result.exit_code == 0 and "AppRec status 2 Avvist: X99" in result.stderr
    receipt = parse_apprec(result.stdout_bytes)
    assert [(error.original_text or "").split(":")[0] for error in receipt.errors] == ["TIME-WINDOW"]


def test_cli_check_usage_and_unreadable(tmp_path: Path):
    garbage = tmp_path / "garbage.xml"
    garbage.write_bytes(b"<<<")
    assert run("apprec", "check", str(garbage)).exit_code == 1
    assert run("apprec", "check", str(tmp_path / "missing.xml")).exit_code == 2
    assert run("apprec", str(EXAMPLES / "foresporsel-1.0.xml"), "--original", str(garbage)).exit_code == 2
    assert run("apprec", "a.xml", "b.xml").exit_code == 2


def test_readme_apprec_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    readme = (Path(__file__).resolve().parents[1] / "docs" / "how-to" / "apprec.md").read_text(encoding="utf-8")
    blocks = [block for block in re.findall(r"```python\n(.*?)```", readme, re.S) if "apprec_for(" in block]
    assert len(blocks) == 1
    (tmp_path / "foresporsel.xml").write_bytes((EXAMPLES / "foresporsel-1.0.xml").read_bytes())
    monkeypatch.chdir(tmp_path)
    scope: dict[str, object] = {}
    exec(blocks[0], scope)
    receipt, verdict, unreadable = scope["receipt"], scope["verdict"], scope["unreadable"]
    assert isinstance(receipt, AppRec) and (receipt.status, receipt.status_text, receipt.errors) == ("1", "OK", ())
    assert isinstance(verdict, dmtool.ApprecCheck)
    assert (verdict.consistent, verdict.outcome, verdict.reasons) == (True, "delivered", ())
    assert isinstance(unreadable, AppRec)
    assert (unreadable.status, [error.code for error in unreadable.errors]) == ("2", ["T01"])


# ----------------------------------------------------------------------------------------------------------------------
# The issue 5 contract: apprec_for(message_or_source, ...), never a receipt for a receipt, the apprec commands' usage

JSON_KEYS = {*dmtool.Report().to_dict(), "consistent", "outcome", "reasons"}
#: Values --sender-her/--receiver-her refuse: not XML text, letters, empty, 0, 10 digits, spaces, other digits.
NOT_HER_IDS = ["a\x01b", "abc", "", "0", "1234567890", " 8000001", "8000\u066101", "\uff18000001", "-1"]


@settings(max_examples=15)
@given(dms.messages(), st.sampled_from(APPREC_VERSIONS))
def test_apprec_for_takes_a_parsed_message_as_it_takes_its_bytes(message, version):
    data = receipt_bytes(message)
    at, apprec_id = dt.datetime(2026, 1, 5, 12, tzinfo=OSLO), "b5d1c1a4-0000-4000-8000-000000000002"
    from_bytes = dmtool.apprec_for(data, None, version, gen_date=at, apprec_id=apprec_id)
    for parsed in (dmtool.parse(data), message):
        assert dmtool.apprec_for(parsed, None, version, gen_date=at, apprec_id=apprec_id) == from_bytes
        assert dmtool.apprec_for(source=parsed, version=version, gen_date=at, apprec_id=apprec_id) == from_bytes
    assert_consistent(check_apprec(dmtool.apprec_for(dmtool.parse(data), version=version), data), "1")


def test_apprec_for_a_parsed_message_sees_what_the_model_holds():
    """Documented: a model is checked as it holds the message; its attachments are not in it, the bytes give 3."""

    @settings(max_examples=3)
    @given(dms.breaking("NO-ATTACHMENTS"))
    def check(data):
        assert dmtool.apprec_for(data).status == "3"
        assert dmtool.apprec_for(dmtool.parse(data)).status == "1"

    check()


def test_apprec_for_a_message_that_cannot_be_written_says_so():
    message = dmtool.parse(EXAMPLES / "foresporsel-1.0.xml")
    for bad, field in ((dataclasses.replace(message, msg_id="a\x01b"), "msg_id"),
                       (dataclasses.replace(message, gen_date=dt.datetime(2026, 1, 5)), "gen_date")):  # fmt: skip
        with pytest.raises(dmtool.BuildError, match=r"cannot be written to make its receipt.*as it arrived") as caught:
            dmtool.apprec_for(bad)
        assert caught.value.field == field and str(caught.value).count(f"{field}:") == 1


@settings(max_examples=25)
@given(st.text(max_size=6).filter(lambda version: version not in APPREC_VERSIONS))
def test_apprec_for_refuses_an_unknown_version_at_once(version):
    with pytest.raises(ValueError, match=re.escape("1.0 or 1.1")) as caught:
        dmtool.apprec_for(EXAMPLES / "no-such-file.xml", None, version)  # refused before the source is read
    assert repr(version) in str(caught.value)


@settings(max_examples=25)
@given(apprecs())
def test_a_receipt_for_a_receipt_is_inconsistent_alone_and_written(receipt):
    answering = dataclasses.replace(receipt, original_type="APPREC")
    for form in (answering, apprec_xml(answering)):
        assert_inconsistent(check_apprec(form), "OriginalMsgId/MsgType is 'APPREC'", "no receipt is sent for a receipt")
    assert not dmtool.validate(apprec_xml(answering)).valid


@settings(max_examples=25)
@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12).filter(
        lambda value: value.strip() != "APPREC" and "<" not in value and "&" not in value and '"' not in value
    )
)
def test_a_root_msg_type_other_than_apprec_is_inconsistent(value):  # fmt: skip
    data = quirk(OK10, '<MsgType V="APPREC"', f'<MsgType V="{value}"')
    assert parse_apprec(data).msg_type == value.strip()
    assert_inconsistent(check_apprec(data), "MsgType", "'APPREC'")
    assert "APPREC-CONSISTENT" in {issue.rule for issue in dmtool.validate(data).issues}


def test_cli_validate_and_check_report_a_receipt_for_a_receipt(tmp_path: Path):
    for name, words in (("MsgType not APPREC", "MsgType is 'XYZ'"), ("receipt for a receipt", "no receipt is sent")):
        path = tmp_path / "r.xml"
        path.write_bytes(QUIRKS[name][0])
        result = run("validate", str(path))
        assert result.exit_code == 1 and words in result.stdout, result.output
        result = run("apprec", "check", str(path))
        assert result.exit_code == 1 and "INCONSISTENT" in result.stdout and words in result.stdout, result.output


@settings(max_examples=20)
@given(
    st.sampled_from(["--sender-her", "--receiver-her"]),
    st.sampled_from(NOT_HER_IDS) | st.text(max_size=12).filter(lambda value: her_id_problem(value) is not None),
)
def test_cli_refuses_a_party_that_is_not_a_her_id(option, value):  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        broken, out = Path(folder) / "broken.xml", Path(folder) / "t.xml"
        broken.write_bytes(b"not xml")
        given = {"--sender-her": "8000101", "--receiver-her": "8000001", option: value}
        result = run("apprec", str(broken), *(f"{name}={her}" for name, her in given.items()), "-o", str(out))
        assert result.exit_code == 2, result.output
        assert option in result.stderr and "is not a HER-id" in result.stderr and result.stdout == ""
        assert "Traceback" not in result.output and not out.exists()


@settings(max_examples=10)
@given(dms.her_ids(), dms.her_ids())
def test_cli_takes_any_her_id_as_a_party(sender, receiver):
    with tempfile.TemporaryDirectory() as folder:
        broken, out = Path(folder) / "broken.xml", Path(folder) / "t.xml"
        broken.write_bytes(b"not xml")
        result = run("apprec", str(broken), "--sender-her", sender, "--receiver-her", receiver, "-o", str(out))
        assert result.exit_code == 0, result.output
        receipt = parse_apprec(out)
        assert (receipt.sender.her_ids, receipt.receiver.her_ids) == ((sender,), (receiver,))


WRITE_ONLY = [
    ("--apprec-version", "1.1"), ("--apprec-version", "1.0"), ("-o", "zz.xml"), ("--output", "zz.xml"),
    ("--sender-her", "1"), ("--receiver-her", "8000001"), ("--last-contact", "2026-01-01"),
    ("--admitted",), ("--not-admitted",), ("--short-max-chars", "10"),
]  # fmt: skip


@pytest.mark.parametrize("option", WRITE_ONLY, ids=" ".join)
def test_cli_check_refuses_the_options_of_writing(option: tuple[str, ...], tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("apprec", "check", str(EXAMPLES / OK10), *option)
    assert result.exit_code == 2 and result.stdout == "", result.output
    assert option[0] in result.stderr and "not apply to 'dmtool apprec check'" in result.stderr
    assert not (tmp_path / "zz.xml").exists()


def test_cli_check_names_every_refused_option():
    result = run("apprec", "check", str(EXAMPLES / OK10), "-o", "zz.xml", "--sender-her", "1",
                 "--apprec-version", "1.1", "--short-max-chars", "10")  # fmt: skip
    assert result.exit_code == 2
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert all(name in line for name in ("-o/--output", "--sender-her", "--apprec-version", "--short-max-chars"))


def test_cli_check_takes_a_profile():
    """Issue 19: the profile chooses the rule layers a receipt is judged by (nav: NAV's error list 8124)."""
    result = run("apprec", "check", str(EXAMPLES / OK10), "--profile", "nav")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("option", [("--original", OK10), ("--format", "text"), ("--format", "json")], ids=" ".join)
def test_cli_writing_refuses_the_options_of_checking(option: tuple[str, ...]):
    result = run("apprec", str(EXAMPLES / "foresporsel-1.0.xml"), *option)
    assert result.exit_code == 2 and result.stdout == "", result.output
    assert option[0] in result.stderr and "not apply to 'dmtool apprec MESSAGE'" in result.stderr


@pytest.mark.parametrize("args", [(), ("--original", str(EXAMPLES / "foresporsel-1.0.xml")), ("--format", "json")])
def test_cli_check_without_a_file_is_a_usage_error(args: tuple[str, ...]):
    result = run("apprec", "check", *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert "the APPREC file to check is missing" in result.stderr and "IO-ERROR" not in result.stderr


def test_cli_documented_check_invocations_still_work(tmp_path: Path):
    message = EXAMPLES / "foresporsel-1.0.xml"
    receipt = tmp_path / "r.xml"
    assert run("apprec", str(message), "--apprec-version", "1.1", "-o", str(receipt), "--profile", "national",
               "--sender-her", "8000101", "--receiver-her", "8000001").exit_code == 0  # fmt: skip
    for extra in ((), ("--original", str(message)), ("--format", "text"), ("--format", "json"),
                  ("--original", str(message), "--format", "json")):  # fmt: skip
        assert run("apprec", "check", str(receipt), *extra).exit_code == 0, extra


def test_cli_status_is_said_only_once_the_receipt_is_written(tmp_path: Path):
    result = run("apprec", str(EXAMPLES / "foresporsel-1.0.xml"), "-o", str(tmp_path / "missing" / "r.xml"))
    assert result.exit_code == 2 and result.stdout == ""
    assert "AppRec status" not in result.stderr and result.stderr.startswith("dmtool: cannot write ")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("data", UNREADABLE, ids=["empty", "text", "unclosed", "utf16-bom", "utf16"])
def test_cli_check_json_gives_json_for_a_receipt_that_cannot_be_read(tmp_path: Path, data: bytes):
    path = tmp_path / "r.xml"
    path.write_bytes(data)
    result = run("apprec", "check", "--format", "json", str(path))
    assert result.exit_code == 1 and result.stderr == "", result.output
    verdict = json.loads(result.stdout)
    assert (
        set(verdict) == JSON_KEYS and set(json.loads(run("validate", "--format", "json", str(path)).stdout)) < JSON_KEYS
    )
    assert (verdict["path"], verdict["valid"], verdict["consistent"], verdict["outcome"]) == (str(path), False, False,
                                                                                             "unknown")  # fmt: skip
    assert [issue["rule"] for issue in verdict["issues"]] == ["NOT-XML"]


def test_cli_check_json_gives_json_whatever_the_verdict(tmp_path: Path):
    message = tmp_path / "message.xml"
    message.write_bytes((EXAMPLES / "foresporsel-1.0.xml").read_bytes())
    broken, missing, receipt = tmp_path / "broken.xml", str(tmp_path / "missing.xml"), str(EXAMPLES / OK10)
    broken.write_bytes(b"<MsgHead")

    def verdict(*args: str, status: int) -> dict[str, Any]:
        result = run("apprec", "check", "--format", "json", *args)
        assert result.exit_code == status and result.stderr == "", result.output
        said: dict[str, Any] = json.loads(result.stdout)
        assert set(said) == JSON_KEYS and said["consistent"] is (status == 0)
        return said

    said = verdict(str(message), status=1)  # a message, not a receipt
    assert [issue["rule"] for issue in said["issues"]] == ["UNSUPPORTED-MESSAGE"]
    said = verdict(missing, status=2)
    assert [issue["rule"] for issue in said["issues"]] == ["IO-ERROR"] and said["path"] == missing
    assert said["outcome"] == "unknown" and "cannot read" in said["issues"][0]["message"]
    said = verdict(receipt, "--original", missing, status=2)
    assert said["path"] == receipt and [issue["rule"] for issue in said["issues"]] == ["IO-ERROR"]
    assert missing in said["issues"][0]["message"]
    said = verdict(receipt, "--original", str(broken), status=1)  # the receipt is read, the original is not
    assert (said["kind"], said["outcome"]) == ("apprec", "delivered")
    assert [issue["rule"] for issue in said["issues"]] == ["NOT-XML"]
    assert said["issues"][0]["message"].startswith(f"the original {broken}: ")
    assert verdict(receipt, "--original", str(EXAMPLES / "foresporsel-1.0.xml"), status=0)["issues"] == []


def test_no_receipt_for_a_msghead_that_says_it_is_an_apprec(tmp_path: Path) -> None:
    """A receipt in the wrong envelope is still a receipt: answering it could start a loop of receipts, and the
    receipt dmtool made for it was one its own check called inconsistent."""
    data = (EXAMPLES / "foresporsel-1.0.xml").read_bytes().replace(b'<Type V="DIALOG_FORESPORSEL"', b'<Type V="APPREC"')
    with pytest.raises(ValueError, match=r"says it is an AppRec \(MsgInfo/Type APPREC\): no receipt"):
        dmtool.apprec_for(data, sender=receipts.party_by_her("8000101"), receiver=receipts.party_by_her("8000001"))
    path = tmp_path / "typed-apprec.xml"
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["apprec", str(path)])
    assert result.exit_code == 1 and "no receipt is sent for a receipt" in result.stderr


@pytest.mark.parametrize(("data", "rule"), [(b"", "NOT-XML"), (b"<x/>", "UNSUPPORTED-MESSAGE")])
def test_parties_unknown_because_the_input_is_no_message_says_why(data: bytes, rule: str) -> None:
    with pytest.raises(ValueError, match=rf"receiver cannot be read \({rule}: .*\); give the parties"):
        dmtool.apprec_for(data)


@settings(max_examples=10)
@given(dms.messages())
def test_validate_with_the_original_checks_a_receipt_against_it(message: dmtool.Message) -> None:
    """``validate --original`` checked replies against the original but ignored it for receipts."""
    original = original_of(message)
    receipt = apprec_xml(dmtool.apprec_for(dmtool.to_xml(message, strict=False)))
    assert dmtool.validate(receipt, original=original).valid
    wrong = dataclasses.replace(original, msg_id=original.msg_id + "-other")
    found = dmtool.validate(receipt, original=wrong)
    assert [issue.rule for issue in found.errors] == ["APPREC-CONSISTENT"]
    assert "OriginalMsgId" in found.errors[0].message


def test_an_inconsistent_receipt_read_from_a_file_has_the_line_of_each_finding() -> None:
    """Issue 8: every message names the line when there is one; APPREC-CONSISTENT issues had none."""
    data = (EXAMPLES / "apprec-1.1-avvist.xml").read_bytes()
    lines = data.decode().splitlines()
    status_line = next(at for at, line in enumerate(lines, 1) if "<Status " in line)
    error_line = next(at for at, line in enumerate(lines, 1) if "<Error " in line)
    tampered = re.sub(rb'<Status V="2"', b'<Status V="1"', data)
    found = dmtool.validate(tampered).errors
    assert [(issue.rule, issue.line) for issue in found] == [("APPREC-CONSISTENT", error_line)]
    unknown = re.sub(rb'<Status V="2"', b'<Status V="7"', data)
    checked = dmtool.check_apprec(unknown).report.errors
    assert [(issue.rule, issue.line) for issue in checked] == [("APPREC-CONSISTENT", status_line)]
    assert all(issue.line is None for issue in dmtool.check_apprec(dataclasses.replace(
        parse_apprec(unknown), lines={})).report.errors)  # fmt: skip


@pytest.mark.parametrize("written", ["APPREC ", " APPREC"])
def test_space_around_the_type_does_not_get_an_apprec_typed_msghead_a_receipt(written: str) -> None:
    """Found by review: the guard compared the unstripped V, and the receipt then failed dmtool's own check."""
    data = (EXAMPLES / "foresporsel-1.0.xml").read_bytes()
    typed = data.replace(b'<Type V="DIALOG_FORESPORSEL"', f'<Type V="{written}"'.encode())
    with pytest.raises(ValueError, match="says it is an AppRec"):
        dmtool.apprec_for(typed)
    spaced = data.replace(b'<Type V="DIALOG_FORESPORSEL"', b'<Type V="DIALOG_FORESPORSEL "')
    receipt = dmtool.apprec_for(spaced)
    assert receipt.original_type == "DIALOG_FORESPORSEL"
    findings = dmtool.check_apprec(apprec_xml(receipt), spaced).report.errors
    assert not [issue for issue in findings if "OriginalMsgId/MsgType" in issue.message]


def test_apprec_check_json_keeps_the_receipts_verdict_when_the_original_cannot_be_used(tmp_path: Path) -> None:
    """Found by review: the original's problems came with the original's line numbers in a report about the
    receipt, and an original that could not be read turned the receipt's kind and outcome to unknown."""
    receipt = EXAMPLES / "apprec-1.0-ok.xml"
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes((EXAMPLES / "foresporsel-1.0.xml").read_bytes()[:2500])
    for original, status, rule in ((tmp_path / "missing.xml", 2, "IO-ERROR"), (truncated, 1, "NOT-XML")):
        result = run("apprec", "check", str(receipt), "--original", str(original), "--format", "json")
        assert result.exit_code == status, result.output
        verdict = json.loads(result.stdout)
        assert (verdict["kind"], verdict["outcome"], verdict["consistent"]) == ("apprec", "delivered", False)
        (problem,) = verdict["issues"]
        assert (problem["rule"], problem["line"]) == (rule, None)
        assert str(original) in problem["message"]
        if rule == "NOT-XML":
            assert problem["message"].startswith(f"the original {original}: line ")


def test_a_receipt_for_a_receipt_checked_against_that_receipt_is_one_finding() -> None:
    receipt = (EXAMPLES / "apprec-1.0-ok.xml").read_bytes()
    answers_it = re.sub(rb'(<OriginalMsgId>\s*<MsgType V=")[^"]*"', rb'\1APPREC"', receipt)
    assert answers_it != receipt
    findings = dmtool.check_apprec(answers_it, receipt).report.errors
    assert [issue.message for issue in findings if "AppRec" in issue.message] == [
        "OriginalMsgId/MsgType is 'APPREC': the receipt answers an AppRec, and no receipt is sent for a receipt"
    ]


def test_checking_a_receipt_from_its_source_reports_what_validate_reports(tmp_path: Path):
    """``apprec check`` and ``check_apprec(source)`` judge a receipt as ``validate`` does: a wrapper is said, and a
    schema error is an issue, with or without the original."""
    foresporsel = (EXAMPLES / "foresporsel-1.0.xml").read_bytes()
    own = dmtool.apprec.to_xml(dmtool.apprec_for(foresporsel))
    body = own.split(b"?>", 1)[1]
    wrapper = b'<?xml version="1.0" encoding="UTF-8"?><EI_fellesformat xmlns="urn:vendor">'
    wrapped = wrapper + body + b"</EI_fellesformat>"
    foreign = own.replace(b"<AppRec ", b'<AppRec foreign="x" ', 1)
    assert foreign != own
    for data, is_wrapped, consistent in ((wrapped, True, True), (foreign, False, False)):
        for original in (None, foresporsel):
            known = None if original is None else original_of(dmtool.parse(original))
            expected = dmtool.validate(data, original=known)
            verdict = check_apprec(data, original)
            assert verdict.report == expected
            assert verdict.report.wrapped is is_wrapped and verdict.consistent is consistent
        path = tmp_path / "receipt.xml"
        path.write_bytes(data)
        result = run("apprec", "check", str(path), "--format", "json")
        shown = json.loads(result.stdout)
        assert shown["wrapped"] is is_wrapped and shown["consistent"] is consistent
        assert [issue["rule"] for issue in shown["issues"]] == ([] if consistent else ["XSD"])
        assert result.exit_code == (0 if consistent else 1)


@settings(max_examples=20)
@given(dms.messages(), st.sampled_from(APPREC_VERSIONS))
def test_apprec_for_a_model_with_its_report_writes_reads_and_validates_nothing(message, version):
    """Issue 20, item 2: given a ``Message`` and its report, the receipt comes from the model (parties, type,
    GenDate): the message is not written, read or validated again, and the receipt is the one its bytes get."""
    data = dmtool.to_xml(message)
    report = dmtool.validate(data)
    at, apprec_id = dt.datetime(2026, 1, 5, 12, tzinfo=OSLO), "b5d1c1a4-0000-4000-8000-000000000003"
    from_bytes = dmtool.apprec_for(data, report, version, gen_date=at, apprec_id=apprec_id)

    def refused(*args: object, **kwargs: object) -> NoReturn:
        raise AssertionError("apprec_for wrote, read or validated the message again")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dialog_writer, "to_xml", refused)
        for name in ("examine_each", "_facts", "read_source", "_message_bytes"):
            patch.setattr(receipts, name, refused)
        assert dmtool.apprec_for(message, report, version, gen_date=at, apprec_id=apprec_id) == from_bytes
