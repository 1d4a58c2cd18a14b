"""Timestamps: dmtool reads a GenDate only when the schema's xs:dateTime would accept it, and then reads it right."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from paths import EXAMPLES

import dmtool
from dmtool import apprec
from dmtool.dialog.model import Notat
from dmtool.standards import clock
from dmtool.xml import xsd


def two(low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(lambda n: f"{n:02d}")


#: Written offsets: none, Z, and +/-hh:mm with hours and minutes past their ranges too.
zones = st.one_of(
    st.just(""),
    st.just("Z"),
    st.tuples(st.sampled_from("+-"), two(0, 16), two(0, 99)).map("{0[0]}{0[1]}:{0[2]}".format),
)


@st.composite
def near_timestamps(draw: st.DrawFn) -> str:
    """Strings shaped like an xs:dateTime, many of them a little wrong: every field may run past its range, and the
    separators may be other ISO 8601 forms that ``datetime.fromisoformat`` reads and the schema does not."""
    year = draw(
        st.one_of(st.integers(1900, 2100).map(str), st.sampled_from(["0000", "0001", "9999", "10000", "-0001", "26"]))
    )
    date_sep = draw(st.sampled_from(["-", "-", "-", ""]))
    date = date_sep.join((year, draw(two(0, 13)), draw(two(0, 32))))
    time = ":".join((draw(two(0, 25)), draw(two(0, 61)), draw(two(0, 61))))
    time = draw(st.sampled_from([time, time, time, time[:5], time.replace(":", "")]))
    fraction = draw(st.one_of(st.just(""), st.from_regex(r"\.[0-9]{1,9}", fullmatch=True), st.just(".")))
    separator = draw(st.sampled_from(["T", "T", "T", " ", "t"]))
    space = draw(st.sampled_from(["", "", " ", "\n\t"]))
    return f"{space}{date}{separator}{time}{fraction}{draw(zones)}{space}"


@given(st.one_of(near_timestamps(), st.text(st.characters(codec="ascii", exclude_categories=["Cc"]), max_size=40)))
@example("2026-01-01T10:00:00+01:90")  # datetime.fromisoformat reads this as +02:30
@example("20260101T100000")
@example("2026-W01-1T10:00:00")
@example("2026-01-01 10:00:00")
def test_a_timestamp_is_read_only_when_the_schema_accepts_it(text: str) -> None:
    # XML Schema collapses the space around an xs:dateTime (xmlschema does); libxml2 refuses it, so it is taken off
    if clock.parse_timestamp(text) is not None:
        assert xsd.is_of_type("dateTime", text.strip())


@given(
    st.datetimes(dt.datetime(2, 1, 1), dt.datetime(9998, 12, 31)),
    st.sampled_from(["", "Z", "+01:00", "+02:00", "-05:30", "+14:00", "-14:00", "+00:45"]),
    st.sampled_from(["", ".5", ".123456"]),
)
def test_every_schema_valid_timestamp_in_the_calendar_is_read_with_its_offset(
    moment: dt.datetime, zone: str, fraction: str
) -> None:
    text = moment.replace(microsecond=0).isoformat() + fraction + zone
    assert xsd.is_of_type("dateTime", text)
    parsed = clock.parse_timestamp(text)
    assert parsed is not None
    assert parsed.replace(tzinfo=None) == dt.datetime.fromisoformat(
        moment.replace(microsecond=0).isoformat() + fraction
    )
    if zone:
        sign = -1 if zone.startswith("-") else 1
        hours, minutes = (0, 0) if zone == "Z" else (int(zone[1:3]), int(zone[4:6]))
        assert parsed.utcoffset() == sign * dt.timedelta(hours=hours, minutes=minutes)
    else:  # no offset: Oslo time, held as its fixed offset
        assert parsed.utcoffset() == moment.replace(tzinfo=clock.OSLO).utcoffset()


# -- dates the schema takes and dmtool cannot hold: validate, parse and the receipt agree -------------------------

FORESPORSEL = (EXAMPLES / "foresporsel-1.0.xml").read_bytes()
GEN_DATE = b"<GenDate>2026-11-20T09:15:00+01:00</GenDate>"


@st.composite
def beyond_the_calendar(draw: st.DrawFn) -> str:
    """xs:dateTime values (most of them) that Python's datetime cannot hold in Oslo time: years past 9999 or before
    year 1, the end of a day written as 24:00:00, and the first and last hours of the calendar with a far offset."""
    year = draw(st.sampled_from(["10000", "99999", "-0001", "-9999", "2026", "0000"]))
    clock_time = draw(st.sampled_from(["10:00:00", "24:00:00", "23:59:59", "00:00:00"]))
    shape = draw(st.sampled_from(["year", "first", "last"]))
    if shape == "first":
        return f"0001-01-01T{clock_time}{draw(st.sampled_from(['+14:00', '+01:00', 'Z']))}"
    if shape == "last":
        return f"9999-12-31T{clock_time}{draw(st.sampled_from(['-12:00', '+01:00', '']))}"
    return f"{year}-{draw(two(1, 12))}-{draw(two(1, 28))}T{clock_time}{draw(zones)}"


@given(st.one_of(near_timestamps(), beyond_the_calendar()))
@example("10000-01-01T10:00:00")
@example(" 10000-01-01T10:00:00")
@example("2026-01-01T24:00:00")
@example("9999-12-31T23:59:59-12:00")
def test_a_gen_date_gets_one_verdict_and_parse_agrees_with_validate(text: str) -> None:
    """A GenDate the schema takes but dmtool cannot read is UNSUPPORTED-MESSAGE, once, and nothing else; one the
    schema refuses is XSD only; a message validate passes, parse reads."""
    data = FORESPORSEL.replace(GEN_DATE, f"<GenDate>{text}</GenDate>".encode())
    readable = clock.parse_timestamp(text) is not None
    expected = "XSD" if not xsd.is_of_type("dateTime", text) else None if readable else "UNSUPPORTED-MESSAGE"
    report = dmtool.validate(data)
    assert [i.rule for i in report.errors if i.rule in ("XSD", "UNSUPPORTED-MESSAGE")] == (
        [expected] if expected else []
    )
    if expected == "UNSUPPORTED-MESSAGE":
        with pytest.raises(dmtool.ParseError) as caught:
            dmtool.parse(data)
        assert [i.rule for i in caught.value.issues] == ["UNSUPPORTED-MESSAGE"]
        assert "years 1 to 9999" in caught.value.issues[0].message
    elif expected is None:
        assert dmtool.parse(data).gen_date == clock.parse_timestamp(text)


def test_the_receipt_for_a_gen_date_past_the_calendar_rejects_it_with_t10_and_its_own_time():
    data = FORESPORSEL.replace(GEN_DATE, b"<GenDate>10000-01-01T10:00:00</GenDate>")
    receipt = dmtool.apprec_for(data, gen_date=dt.datetime(2026, 11, 24, 8, tzinfo=clock.OSLO))
    assert receipt.status == "2" and [error.code for error in receipt.errors] == ["T10"]
    assert receipt.original_date == receipt.gen_date
    assert dmtool.parse_apprec(apprec.to_xml(receipt)).status == "2"


@pytest.mark.parametrize(
    ("local", "text", "rule"),
    [
        ("IssueDate", "10000-01-01T10:00:00", "UNSUPPORTED-MESSAGE"),
        ("GenDate", "-0001-06-01T10:00:00Z", "UNSUPPORTED-MESSAGE"),
        ("IssueDate", "2026-01-01T24:00:00", "UNSUPPORTED-MESSAGE"),
        ("IssueDate", " 10000-01-01T10:00:00", "XSD"),  # libxml2 takes no space around an xs:dateTime
    ],
)
def test_an_apprec_timestamp_the_schema_takes_but_dmtool_cannot_read_is_unsupported(local, text, rule):
    receipt = apprec.to_xml(dmtool.apprec_for(FORESPORSEL)).decode()
    changed, count = re.subn(f"<{local}>[^<]*</{local}>", f"<{local}>{text}</{local}>", receipt)
    assert count == 1
    report = dmtool.validate(changed.encode())
    assert [i.rule for i in report.errors] == [rule]
    with pytest.raises(dmtool.ParseError) as caught:
        dmtool.parse_apprec(changed.encode())
    assert [(i.rule, i.line) for i in caught.value.issues] == [(rule, report.errors[0].line)]


@pytest.mark.parametrize("value", ["10000-01-01", "-0001-01-01", "99999-12-31+01:00"])
def test_an_optional_date_past_the_calendar_is_left_out_of_the_model_and_said(value):
    """DatoNotat (like DateOfBirth, FraDato, TilDato) is optional: a value the schema takes and no date can hold is
    listed in unmodelled, and the message is read, as validate passes it."""
    notat = dmtool.parse(EXAMPLES / "notat-1.0-latin1.xml")
    assert isinstance(notat.body, Notat)
    dated = dmtool.to_xml(dataclasses.replace(notat, body=dataclasses.replace(notat.body, date=dt.date(2026, 1, 2))))
    assert dated.count(b"<DatoNotat>2026-01-02</DatoNotat>") == 1
    data = dated.replace(b"<DatoNotat>2026-01-02</DatoNotat>", f"<DatoNotat>{value}</DatoNotat>".encode())
    assert dmtool.validate(data).valid
    message = dmtool.parse(data)
    assert isinstance(message.body, Notat) and message.body.date is None
    assert any(f"DatoNotat {value!r} is an xs:date outside the years 1 to 9999" in note for note in message.unmodelled)
    with pytest.raises(dmtool.ParseError, match="DatoNotat 'x' is not a date"):
        dmtool.parse(data.replace(f"<DatoNotat>{value}</DatoNotat>".encode(), b"<DatoNotat>x</DatoNotat>"))
