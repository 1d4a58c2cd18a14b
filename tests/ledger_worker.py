"""A process recording messages into a ledger, for the storage tests (``tests/test_ledger_storage.py``).

``python ledger_worker.py URL FIRST COUNT [HANG_AT]`` records messages FIRST to FIRST + COUNT - 1 of
:func:`message` as sent and prints ``stored MSGID`` or ``duplicate MSGID`` for each once it is committed. With
``HANG_AT``, the process stops inside the transaction of that message, after its row is written and before the
commit, says ``inside MSGID`` and waits to be killed.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from dmtool.ledger import Ledger

FORESPORSEL = (Path(__file__).resolve().parents[1] / "fixtures" / "examples" / "foresporsel-1.0.xml").read_bytes()
_MSG_ID = b"6f1d2a3e-8c0b-4b8e-9a51-3d2f4c5b6a71"
_GEN_DATE = b"2026-11-20T09:15:00+01:00"
_BASE = dt.datetime.fromisoformat(_GEN_DATE.decode())


def msg_id(number: int) -> str:
    """The MsgId of message ``number``."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"dmtool-ledger-test:{number}"))


def message(number: int) -> bytes:
    """Message ``number``: the example forespørsel with its own MsgId and GenDate (``number`` seconds later)."""
    gen_date = (_BASE + dt.timedelta(seconds=number)).isoformat().encode()
    return FORESPORSEL.replace(_MSG_ID, msg_id(number).encode()).replace(_GEN_DATE, gen_date)


def main(url: str, first: int, count: int, hang_at: int | None) -> None:
    with Ledger.open(url) as ledger:
        if hang_at is not None:
            execute = ledger.store.execute

            def hanging(sql: str, params: Any = ()) -> int:
                changed = execute(sql, params)
                if "INSERT INTO ledger_messages" in sql and params[0] == msg_id(hang_at):
                    print(f"inside {params[0]}", flush=True)
                    time.sleep(600)
                return changed

            ledger.store.execute = hanging  # type: ignore[method-assign]
        for number in range(first, first + count):
            recorded = ledger.record(message(number), "sent")
            print(f"{'stored' if recorded.stored else 'duplicate'} {recorded.report.msg_id}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else None)
