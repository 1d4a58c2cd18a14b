"""The validation API on real-looking messages: verdicts, kinds, versions, lines, wrappers and encodings."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from paths import EXAMPLES, REFERENCE_EXAMPLES

import dmtool
from dmtool.report import MAX_MESSAGE, MAX_WORD, Issue, Severity, bounded

FORESPORSEL = (EXAMPLES / "foresporsel-1.0.xml").read_bytes()
NOTAT_LATIN1 = (EXAMPLES / "notat-1.0-latin1.xml").read_bytes()
HELSEFAGLIG = (EXAMPLES / "helsefaglig-1.1.xml").read_bytes()
APPREC_10 = (EXAMPLES / "apprec-1.0-ok.xml").read_bytes()
APPREC_11 = (EXAMPLES / "apprec-1.1-avvist.xml").read_bytes()
BUNDLED = [FORESPORSEL, NOTAT_LATIN1, HELSEFAGLIG, APPREC_10, APPREC_11]


def _rules(report: dmtool.Report) -> set[str]:
    return {i.rule for i in report.issues}


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.xml")), ids=lambda p: p.name)
def test_bundled_examples_are_valid(path):
    report = dmtool.validate(path)
    assert report.valid, report.issues
    assert report.path == str(path)


#: The guideline rules the official examples break (they are all schema-valid): Case3 addresses by organisation
#: number, not HER-id; the Helsenorge and Status-på-henvisning profiles are not among the five dialog kinds, and the
#: latter sends a copy to the original referrer.
OFFICIAL_EXAMPLE_ERRORS = {
    "Testcase-Dialogmeldingen_Case3_notat.xml": ["SERVICE-ADDRESSING", "SERVICE-ADDRESSING"],
}


@pytest.mark.skipif(not REFERENCE_EXAMPLES, reason="../shared/reference is not beside the checkout")
@pytest.mark.parametrize("path", REFERENCE_EXAMPLES, ids=lambda p: p.name)
def test_official_examples_are_schema_valid_and_break_only_the_known_rules(path):
    report = dmtool.validate(path)
    assert [issue.rule for issue in report.errors] == OFFICIAL_EXAMPLE_ERRORS.get(path.name, []), report.issues
    expected_kind = "apprec" if "apprec" in path.parent.name else "msghead"
    assert report.kind == expected_kind
    assert (
        report.version
        == {
            "apprec-1.0": "apprec-1.0",
            "apprec-1.1": "apprec-1.1",
            "dialogmelding-1.0": "dialog-1.0",
            "dialogmelding-1.1": "dialog-1.1",
        }[path.parent.name]
    )
    assert report.msg_id and report.msg_type


def test_report_describes_the_message():
    report = dmtool.validate(FORESPORSEL)
    assert (report.kind, report.version, report.msg_type, report.msg_id, report.wrapped) == (
        "msghead",
        "dialog-1.0",
        "DIALOG_FORESPORSEL",
        "6f1d2a3e-8c0b-4b8e-9a51-3d2f4c5b6a71",
        False,
    )
    assert dmtool.validate(APPREC_11).version == "apprec-1.1"
    assert dmtool.validate(HELSEFAGLIG).version == "dialog-1.1"


def test_element_out_of_order_is_xsd_with_its_line():
    # Swap MIGversion and GenDate: GenDate now stands on MIGversion's line and is not expected there.
    text = FORESPORSEL.decode()
    mig = "<MIGversion>v1.2 2006-05-24</MIGversion>"
    gen = "<GenDate>2026-11-20T09:15:00+01:00</GenDate>"
    swapped = text.replace(mig, "@@").replace(gen, mig).replace("@@", gen).encode()
    line = swapped.decode()[: swapped.decode().index(gen)].count("\n") + 1
    report = dmtool.validate(swapped)
    assert not report.valid
    assert _rules(report) == {"XSD"}
    assert report.issues[0].line == line
    assert "GenDate" in report.issues[0].message


#: The official schemas' pattern for an OID, ``(\d+\.?)*\d+`` (ours names the same strings in a form libxml2 checks
#: in linear time), written here so that Python's backtracking matcher takes linear time too: the official form took
#: 0.4 s to refuse 21 digits and a dot, which hypothesis found and its deadline refused.
OFFICIAL_OID = re.compile(r"\d+(\.\d+)*")
_TYPE_FORESP_OID = b'S="2.16.578.1.12.4.1.1.9152"'


@given(st.text(alphabet="0123456789.x \u0663", max_size=40))
def test_an_oid_is_refused_exactly_when_the_official_pattern_refuses_it(oid):
    """Over digits (an Arabic-Indic one too), dots and other characters; xs:token collapses the spaces first."""
    collapsed = " ".join(oid.split())
    report = dmtool.validate(FORESPORSEL.replace(_TYPE_FORESP_OID, f'S="{oid}"'.encode(), 1))
    refused = {issue.rule for issue in report.errors}
    assert ("XSD" in refused) == (OFFICIAL_OID.fullmatch(collapsed) is None), report.issues
    # an OID the schema takes names a list, and a list TypeForesp does not take is CODE-VALUE's: one rule a fault
    assert refused <= ({"XSD"} if "XSD" in refused else {"CODE-VALUE"}), report.issues


@pytest.mark.parametrize("length", [198, 199, 50_000, 100_000])
def test_a_long_value_in_a_schema_error_is_cut_to_its_start_and_length(length):
    """libxml2 quotes the value (two more characters), and stops its own message at 64 KB."""
    value = "1" * (length - 1) + "x"
    (issue,) = dmtool.validate(FORESPORSEL.replace(_TYPE_FORESP_OID, f'S="{value}"'.encode(), 1)).issues
    assert issue.rule == "XSD" and "TypeForesp" in issue.message
    if length + 2 <= MAX_WORD:
        assert f"'{value}' is not accepted" in issue.message
    else:
        assert re.search(rf"'{value[:59]}\.\.\. \[[0-9,]+ more characters\]", issue.message)
        assert len(issue.message) < 500


@example(["a" * 150] * 20, " ")  # no word too long, the whole too long
@given(
    st.lists(st.text(alphabet="a'ø", max_size=400), max_size=30),
    st.sampled_from([" ", "\n", " \t"]),
)
def test_an_issue_message_is_bounded_and_a_short_one_is_kept(words, space):
    message = space.join(words)
    kept = Issue("X", Severity.ERROR, message).message
    if len(message) <= MAX_WORD or max(map(len, message.split()), default=0) <= MAX_WORD < len(message) <= MAX_MESSAGE:
        assert kept == message
    else:
        assert len(kept) <= MAX_MESSAGE and "more characters]" in kept
        assert all(len(word) <= MAX_WORD for word in kept.split())
    assert bounded(kept) == kept, "a message is cut once: an issue made from an issue's message keeps it"


def test_every_problem_is_listed_not_only_the_first():
    bad = FORESPORSEL.replace(b"<GenDate>2026-11-20T09:15:00+01:00</GenDate>", b"<GenDate>yesterday</GenDate>")
    bad = bad.replace(b"<TypeForesp", b"<Unknown/><TypeForesp")
    report = dmtool.validate(bad)
    assert len(report.errors) >= 2
    assert {i.line for i in report.errors} >= {8}
    assert all(i.rule == "XSD" for i in report.issues)
    assert not any("{http" in i.message for i in report.issues), "namespaces are shown as short prefixes"


def test_wrapped_message_is_found_and_said():
    report = dmtool.validate(EXAMPLES / "wrapped-fellesformat.xml")
    assert report.valid and report.wrapped and report.kind == "msghead"
    bad = (EXAMPLES / "wrapped-fellesformat.xml").read_bytes().replace(b"<MsgId>", b"<MsgIdx>", 1)
    bad = bad.replace(b"</MsgId>", b"</MsgIdx>", 1)
    report = dmtool.validate(bad)
    assert report.wrapped and _rules(report) == {"XSD"}
    assert report.issues[0].line == bad[: bad.index(b"<MsgIdx>")].count(b"\n") + 1


def test_wrapper_with_two_messages_or_none_is_unsupported():
    two = b"<w>" + FORESPORSEL.split(b"?>", 1)[1] + FORESPORSEL.split(b"?>", 1)[1] + b"</w>"
    report = dmtool.validate(two)
    assert _rules(report) == {"UNSUPPORTED-MESSAGE"} and "2 messages" in report.issues[0].message
    assert _rules(dmtool.validate(b"<w><x/></w>")) == {"UNSUPPORTED-MESSAGE"}


def test_bare_dialogmelding_and_foreign_body_are_unsupported():
    bare = b'<Dialogmelding xmlns="http://www.kith.no/xmlstds/dialog/2006-10-11"/>'
    report = dmtool.validate(bare)
    assert _rules(report) == {"UNSUPPORTED-MESSAGE"} and "MsgHead" in report.issues[0].message
    foreign = re.sub(rb"<Dialogmelding .*</Dialogmelding>", b'<x:Other xmlns:x="urn:other"/>', FORESPORSEL, flags=re.S)
    report = dmtool.validate(foreign)
    assert "UNSUPPORTED-MESSAGE" in _rules(report)
    assert report.kind == "msghead" and report.version is None


def test_msghead_in_wrong_namespace_gets_a_hint():
    report = dmtool.validate(b"<MsgHead><MsgInfo/></MsgHead>")
    assert _rules(report) == {"UNSUPPORTED-MESSAGE"}
    assert "namespace" in report.issues[0].message


def test_sources_bytes_path_and_file_object_agree(tmp_path):
    target = tmp_path / "m.xml"
    target.write_bytes(FORESPORSEL)
    for source in (FORESPORSEL, target, str(target), io.BytesIO(FORESPORSEL)):
        assert dmtool.is_valid(source)
    assert list(dmtool.iter_issues(b"<")) == list(dmtool.validate(b"<").issues)
    with pytest.raises(OSError):
        dmtool.validate(tmp_path / "missing.xml")


def test_is_valid_allows_warnings_only():
    report = dmtool.Report(issues=(dmtool.Issue("SHORT", Severity.WARNING, "long"),))
    assert report.valid and not report.errors and report.warnings


def _reencode(data: bytes, encoding: str, bom: bool) -> bytes:
    text = data.decode("iso-8859-1" if b'encoding="ISO-8859-1"' in data[:60] else "utf-8")
    decl = f'<?xml version="1.0" encoding="{encoding}"?>'
    text = decl + text.split("?>", 1)[1]
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


@given(st.sampled_from(BUNDLED), st.sampled_from(["UTF-8", "ISO-8859-1"]), st.booleans())
def test_encoding_and_bom_do_not_change_the_verdict(data, encoding, bom):
    bom = bom and encoding == "UTF-8"
    report = dmtool.validate(_reencode(data, encoding, bom))
    assert report.valid, report.issues
    assert report.msg_id == dmtool.validate(data).msg_id


@given(st.sampled_from(BUNDLED), st.text(alphabet="abcdefghij", min_size=1, max_size=8), st.integers(0, 3))
def test_any_wrapper_depth_finds_the_one_message(data, name, depth):
    decl, body = data.split(b"?>", 1)
    wrapped = body
    for level in range(depth + 1):
        wrapped = f'<{name}{level} xmlns="urn:vendor:{name}">'.encode() + wrapped + f"</{name}{level}>".encode()
    report = dmtool.validate(decl + b"?>" + wrapped)
    assert report.valid and report.wrapped, report.issues


@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_a_report_never_an_exception(data):
    report = dmtool.validate(data)
    assert report.issues or report.valid
    assert all(i.rule in {"NOT-XML", "UNSUPPORTED-MESSAGE", "XSD"} for i in report.issues)


@given(st.sampled_from(BUNDLED), st.data())
def test_truncated_messages_are_not_xml(data, draw):
    cut = draw.draw(st.integers(1, len(data) - 20))
    report = dmtool.validate(data[:cut])
    assert not report.valid
    assert {i.rule for i in report.issues} == {"NOT-XML"}
