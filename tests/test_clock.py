"""Timestamps: dmtool reads a GenDate only when the schema's xs:dateTime would accept it, and then reads it right."""

from __future__ import annotations

import datetime as dt

from hypothesis import example, given
from hypothesis import strategies as st
from lxml import etree

from dmtool import clock

_DATETIME_SCHEMA = etree.XMLSchema(
    etree.XML(
        b'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="t" type="xs:dateTime"/></xs:schema>'
    )
)


def schema_accepts(text: str) -> bool:
    """True when XML Schema's xs:dateTime (libxml2) accepts ``text``."""
    element = etree.Element("t")
    element.text = text
    return _DATETIME_SCHEMA.validate(element)


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


@given(st.one_of(near_timestamps(), st.text(st.characters(codec="ascii", exclude_categories=("Cc",)), max_size=40)))
@example("2026-01-01T10:00:00+01:90")  # datetime.fromisoformat reads this as +02:30
@example("20260101T100000")
@example("2026-W01-1T10:00:00")
@example("2026-01-01 10:00:00")
def test_a_timestamp_is_read_only_when_the_schema_accepts_it(text: str) -> None:
    # XML Schema collapses the space around an xs:dateTime (xmlschema does); libxml2 refuses it, so it is taken off
    if clock.parse_timestamp(text) is not None:
        assert schema_accepts(text.strip())


@given(
    st.datetimes(dt.datetime(2, 1, 1), dt.datetime(9998, 12, 31)),
    st.sampled_from(["", "Z", "+01:00", "+02:00", "-05:30", "+14:00", "-14:00", "+00:45"]),
    st.sampled_from(["", ".5", ".123456"]),
)
def test_every_schema_valid_timestamp_in_the_calendar_is_read_with_its_offset(
    moment: dt.datetime, zone: str, fraction: str
) -> None:
    text = moment.replace(microsecond=0).isoformat() + fraction + zone
    assert schema_accepts(text)
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
