"""The ledger's storage loses nothing: processes recording at once into one ledger (an SQLite file, or a PostgreSQL
database) store every message once, and a process killed mid-write leaves the ledger consistent."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from ledger_worker import message, msg_id

from dmtool.ledger import Ledger

WORKER = Path(__file__).with_name("ledger_worker.py")
#: Generous: the machine may be busy; a worker that hangs is killed rather than waited for.
TIMEOUT = 600


def start(url: str, first: int, count: int, hang_at: int | None = None) -> subprocess.Popen[str]:
    args = [sys.executable, str(WORKER), url, str(first), str(count)] + ([] if hang_at is None else [str(hang_at)])
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(worker: subprocess.Popen[str]) -> list[str]:
    out, err = worker.communicate(timeout=TIMEOUT)
    assert worker.returncode == 0, err
    return out.split()[::2]  # "stored" or "duplicate", one per message


def stored_ids(url: str) -> list[str]:
    with Ledger.open(url) as ledger:
        return [row[0] for row in ledger.store.query("SELECT msg_id FROM ledger_messages")]


def consistent(url: str) -> None:
    """The ledger opens, and an SQLite file passes SQLite's own integrity check."""
    with Ledger.open(url) as ledger:
        if ledger.store.dialect == "sqlite":
            assert ledger.store.query("PRAGMA integrity_check") == [("ok",)]


@pytest.mark.slow
def test_four_processes_recording_a_thousand_messages_each_store_four_thousand(ledger_url):
    Ledger.open(ledger_url).close()  # made before, so that the workers race on recording, not on making it
    workers = [start(ledger_url, 1000 * number, 1000) for number in range(4)]
    said = [finish(worker) for worker in workers]
    assert [verdicts.count("stored") for verdicts in said] == [1000] * 4
    assert sum(verdicts.count("duplicate") for verdicts in said) == 0
    ids = stored_ids(ledger_url)
    assert len(ids) == 4000 and set(ids) == {msg_id(number) for number in range(4000)}
    consistent(ledger_url)


def test_processes_recording_the_same_messages_at_once_store_each_once(ledger_url):
    workers = [start(ledger_url, 0, 150) for _ in range(3)]  # the ledger is made by them, at once
    said = [verdict for worker in workers for verdict in finish(worker)]
    assert said.count("stored") == 150 and said.count("duplicate") == 300
    assert sorted(stored_ids(ledger_url)) == sorted(msg_id(number) for number in range(150))


def test_a_process_killed_inside_its_transaction_leaves_nothing_half_written(ledger_url):
    worker = start(ledger_url, 0, 40, hang_at=20)
    assert worker.stdout is not None
    lines = []
    while not (line := worker.stdout.readline()).startswith("inside"):
        assert line, worker.communicate(timeout=TIMEOUT)[1]
        lines.append(line)
    worker.send_signal(signal.SIGKILL)
    worker.communicate(timeout=TIMEOUT)
    assert len(lines) == 20
    consistent(ledger_url)
    assert sorted(stored_ids(ledger_url)) == sorted(msg_id(number) for number in range(20))
    again = finish(start(ledger_url, 0, 40))  # the lock the killed process held is gone: recording goes on
    assert again.count("duplicate") == 20 and again.count("stored") == 20
    assert len(stored_ids(ledger_url)) == 40


def test_a_process_killed_while_recording_loses_nothing_it_committed(ledger_url):
    for killed_after in (7, 61):
        worker = start(ledger_url, 0, 100)
        assert worker.stdout is not None
        committed = [worker.stdout.readline().split()[1] for _ in range(killed_after)]
        os.kill(worker.pid, signal.SIGKILL)
        worker.communicate(timeout=TIMEOUT)
        consistent(ledger_url)
        ids = set(stored_ids(ledger_url))
        assert set(committed) <= ids and len(ids) <= 100
    finish(start(ledger_url, 0, 100))
    assert len(stored_ids(ledger_url)) == 100


def test_an_sqlite_ledger_is_in_wal_mode(tmp_path):
    path = tmp_path / "ledger.sqlite"
    Ledger.open(path).close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_threads_of_one_process_may_share_a_ledger(ledger_url):
    with Ledger.open(ledger_url) as ledger, ThreadPoolExecutor(4) as pool:
        recorded = list(pool.map(lambda number: ledger.record(message(number % 150), "sent"), range(200)))
        assert sum(each.stored for each in recorded) == 150
        assert sorted(ledger.store.query("SELECT COUNT(*) FROM ledger_messages")) == [(150,)]
