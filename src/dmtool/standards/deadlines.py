"""Reply deadlines: a forespørsel expects its svar within a number of Norwegian working days.

Working days are Monday to Friday except Norwegian public holidays (the ``holidays`` package: Easter, Ascension,
Whitsun, 1 and 17 May, Christmas and New Year). For 1900-2199 they are read from a table the package wrote
(``tools/make_holidays.py``), which spares every command the package's import time. The days are counted from the
day after GenDate in Europe/Oslo time.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from importlib import resources
from typing import Final, Protocol

from . import clock, profiles
from .profiles import Profile


class Dated(Protocol):
    """What a deadline is counted from: a :class:`~dmtool.dialog.model.Message` (its GenDate), or anything else with
    a ``gen_date``. (A protocol, so that the standards need not import the message model above them.)"""

    @property
    def gen_date(self) -> dt.datetime:
        """When the message was made."""
        ...


#: Years whose holidays are in the package's table (``holidays_no.json``); others are asked of ``holidays`` itself.
TABLE_YEARS: Final = range(1900, 2200)


def package_holidays(year: int) -> frozenset[dt.date]:
    """Norway's public holidays in ``year`` by the ``holidays`` package."""
    import holidays  # importing it costs about 0.2 s, so only when a year is outside the table

    return frozenset(holidays.country_holidays("NO", years=year))


def holiday_table_json() -> str:
    """The JSON text of ``holidays_no.json``: every year of :data:`TABLE_YEARS` and its holidays, from the package."""
    table = {str(year): sorted(day.isoformat() for day in package_holidays(year)) for year in TABLE_YEARS}
    return json.dumps(table, indent=0) + "\n"


@functools.cache
def _table() -> dict[str, list[str]]:
    loaded: dict[str, list[str]] = json.loads(resources.files(__package__).joinpath("holidays_no.json").read_text())
    return loaded


@functools.cache
def _norwegian_holidays(year: int) -> frozenset[dt.date]:
    if year in TABLE_YEARS:
        return frozenset(dt.date.fromisoformat(day) for day in _table()[str(year)])
    return package_holidays(year)


def is_working_day(day: dt.date) -> bool:
    """True for Monday to Friday that is not a Norwegian public holiday."""
    return day.weekday() < 5 and day not in _norwegian_holidays(day.year)


@functools.lru_cache(maxsize=4096)
def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count); the calendar's last day
    (9999-12-31) when that is later. Remembered for the last 4,096 (start, days): a batch's messages are mostly from
    a few days, and counting them costs about 14 µs."""
    day = start
    counted = 0
    while counted < days and day < dt.date.max:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def reply_deadline(message: Dated | dt.datetime, profile: Profile | str = "national") -> dt.date:
    """The last day a reply to ``message`` (or to a message sent at that time) is expected by ``profile``.

    National: 5 working days (the guidelines say 3-5); ``pasientdialog``: 4. An unknown profile name is a
    :class:`ValueError` naming the choices.
    """
    sent = message if isinstance(message, dt.datetime) else message.gen_date
    chosen = profiles.get(profile) if isinstance(profile, str) else profile
    local = sent.astimezone(clock.OSLO) if sent.tzinfo is not None else sent
    return add_working_days(local.date(), chosen.reply_days)
