"""Reply deadlines: a forespørsel expects its svar within a number of Norwegian working days.

Working days are Monday to Friday except Norwegian public holidays (the ``holidays`` package: Easter, Ascension,
Whitsun, 1 and 17 May, Christmas and New Year). The days are counted from the day after GenDate in Europe/Oslo time.
"""

from __future__ import annotations

import datetime as dt
import functools

import holidays

from . import clock
from .model import Message
from .profiles import PROFILES, Profile


@functools.cache
def _norwegian_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("NO", years=year))


def is_working_day(day: dt.date) -> bool:
    """True for Monday to Friday that is not a Norwegian public holiday."""
    return day.weekday() < 5 and day not in _norwegian_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count)."""
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def reply_deadline(message: Message | dt.datetime, profile: Profile | str = "national") -> dt.date:
    """The last day a reply to ``message`` (or to a message sent at that time) is expected by ``profile``.

    National: 5 working days (the guidelines say 3-5); ``pasientdialog``: 4.
    """
    sent = message.gen_date if isinstance(message, Message) else message
    chosen = PROFILES[profile] if isinstance(profile, str) else profile
    local = sent.astimezone(clock.OSLO) if sent.tzinfo is not None else sent
    return add_working_days(local.date(), chosen.reply_days)
