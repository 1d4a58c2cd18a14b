"""The ledger: :class:`Ledger` records the messages an integration engine sends and receives, checks each against
what it remembers, and answers what needs following up.

Recording a message (:meth:`Ledger.record`) reads it (:mod:`dmtool.ledger.entries`), looks up the message it answers,
validates it once with that message as its original (the ``original=`` checks of :func:`dmtool.validate`: a svar or
avvik against its forespørsel or message, with ``REPLY-DEADLINE``; an AppRec against the message it names), and
stores it in one transaction. Findings only a memory can make are added to the report, as warnings:

* ``DUPLICATE``: the ledger holds the message already (the same MsgId, or the same content under another MsgId); it
  is not stored again.
* ``UNKNOWN-PARENT``: the message answers a MsgId the ledger does not know (not recorded, or not yet); it was checked
  without its original.
* ``ONE-PROBLEM-PER-THREAD`` over the whole thread: the message names a fagområde that the messages of its thread the
  ledger holds do not, while they name another (the rule itself looks at one message's text).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import threading
from dataclasses import dataclass
from typing import Any, Final, Literal

from .. import apprec, rules
from ..apprec.model import AppRec
from ..dialog import writer
from ..dialog.model import Message
from ..report import Issue, Report, Severity
from ..rules.facts import Original
from ..standards.profiles import Settings
from ..validation import examine
from ..xml.source import Source, read_source
from . import entries, followup, schema
from .followup import Overdue, Stored
from .store import LedgerError, Store, open_store

Direction = Literal["sent", "received"]
DIRECTIONS: Final[tuple[Direction, ...]] = ("sent", "received")
#: The ledger's own finding ids (warnings): not rules of a message, but of what the ledger remembers.
DUPLICATE: Final = "DUPLICATE"
UNKNOWN_PARENT: Final = "UNKNOWN-PARENT"
#: The ledger the command line opens when none is named: a file in the working folder.
DEFAULT_URL: Final = "dmtool-ledger.sqlite"

_INSERT: Final = """
    INSERT INTO ledger_messages (msg_id, content_sha256, direction, kind, msg_type, version, sender_her, receiver_her,
        conversation, parent, thread, gen_date, gen_utc, gen_day, reply_by, valid, rules, status, errors, fagomrader,
        patient_hmac)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT DO NOTHING"""
_ONE_PROBLEM: Final = "ONE-PROBLEM-PER-THREAD"
_THREAD_FAGOMRADER: Final = """
    SELECT msg_id, fagomrader FROM ledger_messages WHERE thread = ? AND kind = 'msghead' ORDER BY gen_utc, msg_id"""


@dataclass(frozen=True)
class Recorded:
    """What recording one message did: its ``report`` (validation with its original when the ledger knew it, and the
    ledger's ``DUPLICATE`` and ``UNKNOWN-PARENT`` warnings), the ``direction``, whether it was ``stored`` (not when it
    was a duplicate), the MsgId of the message it duplicates (``duplicate_of``), the MsgId it answers (``parent``)
    and the ``thread`` it belongs to."""

    report: Report
    direction: Direction
    stored: bool
    duplicate_of: str | None = None
    parent: str | None = None
    thread: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (``dmtool ledger record --format json``): the report's keys (as ``validate --format json``)
        plus ``direction``, ``stored``, ``duplicate_of``, ``parent`` and ``thread``."""
        return {**self.report.to_dict(), "direction": self.direction, "stored": self.stored,
                "duplicate_of": self.duplicate_of, "parent": self.parent, "thread": self.thread}  # fmt: skip


def _original(stored: Stored) -> Original:
    """What a reply or receipt is checked against, from the ledger's row of the message it answers."""
    if stored.kind == "apprec":
        return Original(stored.msg_id or "", stored.msg_id or "", (), "APPREC", None, is_apprec=True)
    return Original(stored.msg_id or "", stored.thread or stored.msg_id or "", stored.sender_her,
                    stored.msg_type or "", stored.gen_date, stored.receiver_her)  # fmt: skip


class Ledger:
    """A ledger of messages sent and received, in SQLite or PostgreSQL (see :meth:`open`).

    A ``Ledger`` may be shared by the threads of a process (its calls take turns on one connection) and any number of
    processes may open the same ledger at once. Use it as a context manager, or :meth:`close` it.
    """

    def __init__(self, store: Store, settings: Settings | None = None) -> None:
        self.store = store
        #: The settings messages are validated under (profile: rules and reply days).
        self.settings = settings or Settings()
        self._lock = threading.Lock()
        self._key = bytes.fromhex(self._meta("patient_key"))

    @classmethod
    def open(
        cls, url: str | os.PathLike[str] = DEFAULT_URL, *, settings: Settings | None = None, create: bool = True
    ) -> Ledger:
        """Open (and with ``create``, make) the ledger ``url`` names: a file path or ``sqlite:///PATH`` (one SQLite
        file, WAL mode), or ``postgresql://user:password@host/database`` (needs ``dmtool[postgres]``). Its schema is
        brought up to date. ``settings`` (default: national) are what messages are validated under. Raises
        :class:`LedgerError` when it cannot be opened."""
        store = open_store(os.fspath(url), create=create)
        try:
            schema.migrate(store)
        except store.errors as error:
            store.close()
            raise LedgerError(f"{store.name}: cannot open the ledger: {_said(error)}") from None
        except BaseException:
            store.close()
            raise
        return cls(store, settings)

    def close(self) -> None:
        """Close the connection."""
        self.store.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _meta(self, key: str) -> str:
        rows = self._run(lambda: self.store.query("SELECT value FROM ledger_meta WHERE key = ?", (key,)))
        return str(rows[0][0])

    def _run(self, work: Any) -> Any:
        """``work()`` on the connection, one thread at a time; a database error as :class:`LedgerError`."""
        with self._lock:
            try:
                return work()
            except self.store.errors as error:
                raise LedgerError(f"{self.store.name}: {_said(error)}") from None

    @property
    def receipt_timeout(self) -> dt.timedelta:
        """How long after its GenDate a sent message may go without an AppRec before it is overdue (this ledger's
        setting; default an hour)."""
        return dt.timedelta(seconds=int(self._meta("receipt_timeout")))

    def set_receipt_timeout(self, timeout: dt.timedelta) -> None:
        """Set :attr:`receipt_timeout` for this ledger (every process using it); at least a second."""
        if timeout < dt.timedelta(seconds=1):
            raise ValueError(f"the receipt timeout must be at least a second; got {timeout}")
        seconds = str(int(timeout.total_seconds()))

        def update() -> None:
            with self.store.transaction():
                self.store.execute("UPDATE ledger_meta SET value = ? WHERE key = 'receipt_timeout'", (seconds,))

        self._run(update)

    def record(
        self, source: Source | Message | AppRec, direction: Direction = "sent", *, path: str | None = None
    ) -> Recorded:
        """Record one message ``direction`` (``"sent"`` or ``"received"``): its bytes as sent or received, a path or
        a binary file, or a :class:`~dmtool.dialog.model.Message` (written by :func:`dmtool.to_xml` with
        ``strict=False``) or an :class:`~dmtool.apprec.AppRec` (written by :func:`dmtool.apprec.to_xml`).

        Validates it once, with the message it answers as its original when the ledger knows it, and stores it in
        one transaction unless it is a duplicate. Bad content never raises: it is recorded with its report (input
        that is not a message too, without a MsgId). Raises :class:`OSError` for a path that cannot be read,
        :class:`ValueError` for another ``direction``, :class:`LedgerError` when the ledger fails.
        """
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be 'sent' or 'received'; got {direction!r}")
        if isinstance(source, Message):
            data, source_path = writer.to_xml(source), None
        elif isinstance(source, AppRec):
            data, source_path = apprec.to_xml(source), None
        else:
            data, source_path = read_source(source)
        reading = entries.read(data)
        parent = self._run(lambda: followup.message(self.store, reading.parent)) if reading.parent else None
        report, _ = examine(data, path if path is not None else source_path, self.settings,
                            None if parent is None else _original(parent))  # fmt: skip
        extra: tuple[Issue, ...] = ()
        if reading.parent and parent is None:
            extra = (Issue(UNKNOWN_PARENT, Severity.WARNING, f"the message answers MsgId {reading.parent!r}, which the "
                           "ledger does not hold (not recorded, or not yet): it was checked without it"),)  # fmt: skip
        extra += self._mixed_thread(reading, report)
        report = dataclasses.replace(report, issues=(*report.issues, *extra))
        row = self._row(reading, report, direction)
        stored, existing = self._run(lambda: self._insert(row, reading))
        if not stored:
            report = dataclasses.replace(report, issues=(*report.issues, _duplicate(reading, existing)))
        thread = parent.thread if parent is not None and reading.kind == "apprec" else reading.thread
        duplicate_of = None if stored or existing is None else existing[0]
        return Recorded(report, direction, stored, duplicate_of, reading.parent, thread)

    def _mixed_thread(self, reading: entries.Reading, report: Report) -> tuple[Issue, ...]:
        """``ONE-PROBLEM-PER-THREAD`` over the thread: the fagområder this message names beside those of the messages
        of its thread the ledger holds (the rule itself sees one message, and is not repeated when it warned)."""
        rule = rules.get(_ONE_PROBLEM)
        judged_by = rules.rule_set(reading.msg_type or "", self.settings.profile.name).rules
        if reading.thread is None or rule not in judged_by or any(issue.rule == rule.id for issue in report.issues):
            return ()
        held = self._run(lambda: self.store.query(_THREAD_FAGOMRADER, (reading.thread,)))
        earlier: dict[str, str] = {}
        for msg_id, named in held:
            for name in json.loads(named):
                earlier.setdefault(name, msg_id)
        new = [name for name in reading.fagomrader if name not in earlier]
        if not new or not earlier:
            return ()
        before = ", ".join(f"{name} (MsgId {msg_id})" for name, msg_id in earlier.items())
        return (Issue(rule.id, rule.severity, f"the thread mixes fagområder: this message names {', '.join(new)}, "
                      f"the thread before it {before}: one problem and one fagområde per thread"),)  # fmt: skip

    def _row(self, reading: entries.Reading, report: Report, direction: Direction) -> tuple[Any, ...]:
        gen = reading.gen_date
        return (
            reading.msg_id, reading.content_sha256, direction, reading.kind, reading.msg_type, report.version,
            json.dumps(reading.sender_her), json.dumps(reading.receiver_her), reading.conversation, reading.parent,
            reading.thread, None if gen is None else gen.isoformat(), None if gen is None else followup.utc_text(gen),
            None if gen is None else followup.oslo_day(gen).isoformat(),
            None if report.reply_by is None else report.reply_by.isoformat(), int(report.valid),
            json.dumps(list(dict.fromkeys(issue.rule for issue in report.issues))), reading.status,
            json.dumps([list(error) for error in reading.errors]), json.dumps(reading.fagomrader),
            entries.patient_hmac(self._key, reading.patient),
        )  # fmt: skip

    def _insert(self, row: tuple[Any, ...], reading: entries.Reading) -> tuple[bool, tuple[Any, ...] | None]:
        """Store ``row`` in one transaction; whether it was stored and, when not, the (MsgId, direction) held."""
        with self.store.transaction():
            if self.store.execute(_INSERT, row) == 1:
                return True, None
            held = self.store.query(
                "SELECT msg_id, direction FROM ledger_messages WHERE msg_id = ? OR content_sha256 = ? ORDER BY id",
                (reading.msg_id, reading.content_sha256),
            )
        return False, held[0] if held else None

    def message(self, msg_id: str) -> Stored | None:
        """The message the ledger holds under ``msg_id``, or ``None``."""
        found: Stored | None = self._run(lambda: followup.message(self.store, msg_id))
        return found

    def overdue(self, now: dt.datetime) -> list[Overdue]:
        """What to follow up at ``now`` (timezone-aware): missing receipts, rejections, late replies
        (:mod:`dmtool.ledger.followup`)."""
        timeout = self.receipt_timeout
        found: list[Overdue] = self._run(lambda: followup.overdue(self.store, now, timeout))
        return found

    def thread(self, msg_id: str) -> list[Stored]:
        """The whole thread of ``msg_id`` with every message's receipts, in GenDate order (empty when unknown)."""
        found: list[Stored] = self._run(lambda: followup.thread(self.store, msg_id))
        return found

    def status(self, now: dt.datetime) -> dict[str, Any]:
        """Counts per state at ``now`` (:func:`dmtool.ledger.followup.status`)."""
        timeout = self.receipt_timeout
        found: dict[str, Any] = self._run(lambda: followup.status(self.store, now, timeout))
        return found


def _duplicate(reading: entries.Reading, existing: tuple[Any, ...] | None) -> Issue:
    """The ``DUPLICATE`` warning for ``reading``, which the ledger holds as ``existing`` (MsgId, direction)."""
    if reading.msg_id is None:
        said = "the ledger holds this input already"
    elif existing is not None and existing[0] == reading.msg_id:
        said = "the ledger holds this MsgId already"
    else:
        said = "the ledger holds the same message already, under another MsgId"
    held = "" if existing is None or existing[0] is None else f" (MsgId {existing[0]!r}, recorded as {existing[1]})"
    return Issue(DUPLICATE, Severity.WARNING, f"{said}{held}: not stored again")


def _said(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
