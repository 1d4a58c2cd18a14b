"""Timestamps and dates over the whole lexical range of xs:dateTime and xs:date, in every place a message carries
one: no exception escapes ``validate``, ``is_valid``, ``iter_issues``, ``apprec_for`` (nor the receipt's writer) or
``check_apprec``, and ``parse`` raises only ``ParseError``. A value dmtool cannot read is a rule, not a crash."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st
from paths import EXAMPLES

import dmtool
from dmtool import apprec
from dmtool.rules.facts import original_of
from dmtool.standards import deadlines

MESSAGES = {path.name: path.read_bytes() for path in sorted(EXAMPLES.glob("*.xml"))}
#: The elements whose text is an xs:dateTime in the examples.
_TIMESTAMP = re.compile(rb"(<(?:\w+:)?(?:GenDate|IssueDate)>)([^<]*)(<)")
_GIVEN_NAME_END = re.compile(rb"(</(?:\w+:)?GivenName>)")
FORESPORSEL = MESSAGES["foresporsel-1.0.xml"]

_EDGE_YEARS = ["0000", "0001", "0002", "1900", "2026", "9998", "9999", "10000", "99999", "-0001", "-10000"]


@st.composite
def _years(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(st.sampled_from(_EDGE_YEARS))
    year = draw(st.integers(-99_999, 99_999))
    return f"{'-' if year < 0 else ''}{abs(year):04d}"


@st.composite
def _offsets(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["none", "Z", "offset", "edge"]))
    if kind == "none":
        return ""
    if kind == "Z":
        return "Z"
    if kind == "edge":
        return draw(st.sampled_from(["+14:00", "-14:00", "+00:43", "-00:43", "+13:59", "-13:59", "+00:00"]))
    return f"{draw(st.sampled_from('+-'))}{draw(st.integers(0, 14)):02d}:{draw(st.integers(0, 59)):02d}"


@st.composite
def dates(draw: st.DrawFn) -> str:
    """The lexical form of an xs:date: any year of up to five digits (and a sign), any month and day (impossible
    ones included), with or without a zone."""
    month, day = draw(st.integers(1, 12)), draw(st.integers(1, 31))
    return f"{draw(_years())}-{month:02d}-{day:02d}{draw(_offsets())}"


@st.composite
def timestamps(draw: st.DrawFn) -> str:
    """The lexical form of an xs:dateTime: as :func:`dates`, with any time of day (24:00:00 and the first and last
    hour of the calendar weighted), fractions of a second, and any offset up to 14 hours or none."""
    month, day = draw(st.integers(1, 12)), draw(st.integers(1, 31))
    if draw(st.booleans()):
        hour, minute = draw(st.sampled_from([(0, 0), (0, 42), (0, 43), (23, 59), (24, 0), (1, 0), (22, 59)]))
    else:
        hour, minute = draw(st.integers(0, 24)), draw(st.integers(0, 59))
    second = draw(st.integers(0, 59))
    fraction = draw(st.sampled_from(["", ".5", ".999999", ".0000001"]))
    return f"{draw(_years())}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}{fraction}{draw(_offsets())}"


def _with_timestamp(data: bytes, value: str, which: int | None) -> bytes:
    """``data`` with ``value`` in its timestamps: all of them, or only the one at index ``which``."""
    count = [-1]

    def replace(match: re.Match[bytes]) -> bytes:
        count[0] += 1
        if which is not None and count[0] != which:
            return match.group(0)
        return match.group(1) + value.encode() + match.group(3)

    return _TIMESTAMP.sub(replace, data)


def _with_birth_date(data: bytes, value: str) -> bytes:
    return _GIVEN_NAME_END.sub(lambda m: m.group(1) + b"<DateOfBirth>" + value.encode() + b"</DateOfBirth>", data, 1)


def _no_exception_escapes(data: bytes) -> None:
    report = dmtool.validate(data)
    assert dmtool.is_valid(data) is report.valid
    assert tuple(dmtool.iter_issues(data)) == report.issues
    try:
        receipt = dmtool.apprec_for(data)
    except ValueError:  # an AppRec, or parties that cannot be read: documented, and not an arithmetic error
        pass
    else:
        apprec.to_xml(receipt)
        dmtool.check_apprec(receipt, FORESPORSEL if report.msg_type == "DIALOG_FORESPORSEL" else None)
    try:
        message = dmtool.parse(data)
    except dmtool.ParseError:
        message = None
    if message is not None:
        assert report.valid or report.issues  # parse and validate looked at the same message
        dmtool.validate(FORESPORSEL, original=original_of(message))
        deadlines.reply_deadline(message)
    if report.kind == "apprec":
        try:
            receipt_read = dmtool.parse_apprec(data)
        except dmtool.ParseError:
            return
        dmtool.check_apprec(receipt_read, FORESPORSEL)
        dmtool.check_apprec(receipt_read)




@settings(max_examples=150)
@given(name=st.sampled_from(sorted(MESSAGES)), value=timestamps(), which=st.none() | st.integers(0, 2))
@example(name="foresporsel-1.0.xml", value="0001-01-01T00:00:00", which=None)
@example(name="foresporsel-1.0.xml", value="0001-01-01T00:42:59", which=None)
@example(name="apprec-1.1-avvist.xml", value="0001-01-01T00:00:00", which=None)
@example(name="foresporsel-1.0.xml", value="9999-12-31T23:59:59", which=None)
@example(name="foresporsel-1.0.xml", value="9999-12-31T23:59:59-14:00", which=None)
def test_any_timestamp_anywhere_gives_issues_not_exceptions(name: str, value: str, which: int | None) -> None:
    _no_exception_escapes(_with_timestamp(MESSAGES[name], value, which))


@settings(max_examples=150)
@given(value=dates(), stamp=st.none() | timestamps())
def test_any_birth_date_gives_issues_not_exceptions(value: str, stamp: str | None) -> None:
    data = _with_birth_date(FORESPORSEL, value)
    _no_exception_escapes(data if stamp is None else _with_timestamp(data, stamp, None))


def test_the_first_moment_of_the_calendar_in_norwegian_time_is_a_rule() -> None:
    """0001-01-01T00:00:00 in Oslo time (local mean time, +00:43) is before the first moment in UTC: an xs:dateTime
    dmtool cannot read, said as ``UNSUPPORTED-MESSAGE``, and its receipt is Avvist."""
    data = _with_timestamp(FORESPORSEL, "0001-01-01T00:00:00", None)
    report = dmtool.validate(data)
    assert [issue.rule for issue in report.issues] == ["UNSUPPORTED-MESSAGE"]
    assert "GenDate" in report.issues[0].message
    assert dmtool.apprec_for(data).status == "2"
