"""Norwegian time: messages carry Europe/Oslo time with its offset; timestamps without one are Oslo local time."""

from __future__ import annotations

import datetime as dt
import re
from typing import Final
from zoneinfo import ZoneInfo

from ..errors import BuildError

OSLO: Final = ZoneInfo("Europe/Oslo")
#: The largest UTC offset of an xs:dateTime.
_MAX_OFFSET: Final = dt.timedelta(hours=14)
#: The lexical form of an xs:dateTime (ASCII digits; offset minutes 00-59). ``datetime.fromisoformat`` alone also
#: reads forms the schema refuses: ``20260101T100000``, a week date, a space for ``T``, and ``+01:90`` as +02:30.
_XS_DATETIME: Final = re.compile(
    r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-5][0-9])?"
)


#: What :func:`parse_timestamp` reads, for messages about a timestamp it cannot.
READABLE: Final = "YYYY-MM-DDThh:mm:ss, an offset of at most 14 hours, in the years 1 to 9999 in Norwegian time"


def now() -> dt.datetime:
    """The current time in Europe/Oslo, to the second."""
    return dt.datetime.now(OSLO).replace(microsecond=0)


def format_timestamp(value: dt.datetime, where: str) -> str:
    """``value`` as an xs:dateTime with its UTC offset; :class:`~dmtool.errors.BuildError` naming the field ``where``
    when it has no timezone or an offset that is not whole minutes (xs:dateTime cannot carry one)."""
    offset = value.utcoffset()
    if offset is None:
        raise BuildError(where, "needs a timezone: use Europe/Oslo time (dmtool.clock.OSLO)")
    if offset.seconds % 60 or offset.microseconds:
        raise BuildError(where, f"the UTC offset {offset} is not a whole number of minutes")
    return value.isoformat()


def parse_timestamp(text: str) -> dt.datetime | None:
    """``text`` (surrounding space ignored) as a date and time with a fixed UTC offset (see :func:`fixed_offset`):
    Oslo time when it has no offset; ``None`` when it is not an xs:dateTime with an offset of at most 14 hours, or when
    its Oslo time falls outside the years 1 to 9999 (the rules count days in Oslo time). ``24:00:00``, which the
    schema allows for the end of a day, is not read either."""
    text = text.strip()
    if not _XS_DATETIME.fullmatch(text):
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=OSLO)
        # Both ways through UTC: a value in Oslo time at the edge of the calendar (0001-01-01T00:00, whose offset is
        # local mean time, +00:43) can be read but not moved into another zone.
        parsed.astimezone(dt.UTC).astimezone(OSLO)
    except (ValueError, OverflowError):
        return None
    offset = parsed.utcoffset()
    if offset is None or abs(offset) > _MAX_OFFSET:
        return None
    return fixed_offset(parsed)


def fixed_offset(value: dt.datetime) -> dt.datetime:
    """``value`` with its zone replaced by its fixed UTC offset (naive values unchanged).

    A zone's time in the repeated autumn hour depends on ``fold`` and never equals a fixed-offset time; messages
    write and read timestamps with a fixed offset, so the models hold them that way.
    """
    offset = value.utcoffset()
    if offset is None or isinstance(value.tzinfo, dt.timezone):
        return value
    return value.replace(tzinfo=dt.timezone(offset), fold=0)
