"""Norwegian time: messages carry Europe/Oslo time with its offset; timestamps without one are Oslo local time."""

from __future__ import annotations

import datetime as dt
from typing import Final
from zoneinfo import ZoneInfo

OSLO: Final = ZoneInfo("Europe/Oslo")


def now() -> dt.datetime:
    """The current time in Europe/Oslo, to the second."""
    return dt.datetime.now(OSLO).replace(microsecond=0)
