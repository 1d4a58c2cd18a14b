"""The ledger: a memory of the messages sent and received, for following them up.

:meth:`Ledger.open` opens one in SQLite (a file, the default) or PostgreSQL; :meth:`Ledger.record` records a message,
checking it against the message it answers; :meth:`Ledger.overdue`, :meth:`Ledger.thread` and :meth:`Ledger.status`
say what needs following up. See :mod:`dmtool.ledger.core`.
"""

from .core import DEFAULT_URL, DIRECTIONS, DUPLICATE, UNKNOWN_PARENT, Direction, Ledger, Recorded
from .followup import Overdue, Stored, moment
from .store import LedgerError

__all__ = [
    "DEFAULT_URL",
    "DIRECTIONS",
    "DUPLICATE",
    "UNKNOWN_PARENT",
    "Direction",
    "Ledger",
    "LedgerError",
    "Overdue",
    "Recorded",
    "Stored",
    "moment",
]
