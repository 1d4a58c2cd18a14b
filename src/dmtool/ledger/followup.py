"""Following messages up: what is overdue at a given time, a message's whole thread, and counts per state.

Links are made when the ledger is asked, by joining each message's ``parent`` (``RefToParent``, or an AppRec's
``OriginalMsgId``) and ``thread`` with the MsgIds stored, never when a message is recorded: so the answers are the
same whatever order the messages were recorded in, and a receipt recorded before its message counts once its message
is there. Time is always passed in (``now``, timezone-aware): nothing here reads the clock.

* **missing-receipt**: a MsgHead the ledger recorded as sent, with no AppRec naming it, whose GenDate is at least the
  ledger's ``receipt_timeout`` (default an hour) before ``now``.
* **rejection**: an AppRec recorded as received with status 2 (Avvist) or 3 (OK, feil i delmelding), answering a
  sent message (or one the ledger does not know), with its error codes.
* **late-reply**: a forespørsel or a patient's question through Helsenorge (sent or received: a message validation
  gave a reply date, :mod:`dmtool.standards.deadlines`: working days, Norwegian holidays, the profile's days, 4 for
  patient dialog, as stored when it was recorded) whose reply date is before ``now``'s date in Oslo, with no reply (a
  svar; in patient dialog, an answer of the question's type) dated on or before it; ``reply`` names the reply that came
  later, if one did. A question rejected by its AppRec (status 2) or answered by an avvik expects no reply, and is
  not listed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from ..report import versions
from ..rules.families import HELSENORGE_PREFIX
from ..standards import clock
from .store import Row, Store

#: The columns of a stored message that :class:`Stored` holds, in its order.
_COLUMNS: Final = ("msg_id", "direction", "kind", "msg_type", "version", "sender_her", "receiver_her", "conversation",
                   "parent", "thread", "gen_date", "reply_by", "valid", "rules", "status", "errors")  # fmt: skip
OverdueKind = Literal["missing-receipt", "rejection", "late-reply"]


def columns(alias: str = "") -> str:
    """The columns of :class:`Stored` for a ``SELECT``, of the table named ``alias`` when given."""
    return ", ".join(f"{alias}.{name}" if alias else name for name in _COLUMNS)


def utc_text(value: dt.datetime) -> str:
    """``value`` in UTC as stored for comparing (``YYYY-MM-DDThh:mm:ss.ffffff``: text order is time order)."""
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def oslo_day(value: dt.datetime) -> dt.date:
    """The date of ``value`` in Europe/Oslo."""
    return value.astimezone(clock.OSLO).date()


def aware(now: dt.datetime) -> dt.datetime:
    """``now`` when it has a timezone; :class:`ValueError` otherwise (a naive time means nothing to compare)."""
    if now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware (e.g. with tzinfo=dmtool.clock.OSLO); got {now.isoformat()}")
    return now


def moment(text: str | None) -> dt.datetime:
    """The time ``text`` names (``YYYY-MM-DDThh:mm:ss``, with its UTC offset or in Oslo time without), or now
    (:func:`dmtool.standards.clock.now`) for ``None``: what ``--now`` reads. :class:`ValueError` for anything else."""
    if text is None:
        return clock.now()
    try:
        found = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date and time (YYYY-MM-DDThh:mm:ss, or with its offset: +01:00)") from None
    return found if found.utcoffset() is not None else found.replace(tzinfo=clock.OSLO)


def _errors(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((code, said) for code, said in json.loads(text))


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _datetime(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


@dataclass(frozen=True)
class Stored:
    """A message as the ledger holds it: ``kind`` ``msghead``, ``apprec`` or ``unknown``; ``parent`` the MsgId it
    answers; ``thread`` (MsgHeads) its thread; ``reply_by`` a forespørsel's reply date; ``valid`` and ``rules`` the
    verdict and rule ids of its report when it was recorded; ``status`` and ``errors`` (code, text) an AppRec's."""

    msg_id: str | None
    direction: str
    kind: str
    msg_type: str | None
    version: str | None
    sender_her: tuple[str, ...]
    receiver_her: tuple[str, ...]
    conversation: str | None
    parent: str | None
    thread: str | None
    gen_date: dt.datetime | None
    reply_by: dt.date | None
    valid: bool
    rules: tuple[str, ...]
    status: str | None
    errors: tuple[tuple[str, str], ...]

    @classmethod
    def from_row(cls, row: Row) -> Stored:
        """The message in a row of :func:`columns`."""
        (msg_id, direction, kind, msg_type, version, sender, receiver, conversation, parent, thread, gen_date,
         reply_by, valid, rules, status, errors) = row  # fmt: skip
        return cls(msg_id, direction, kind, msg_type, version, tuple(json.loads(sender)), tuple(json.loads(receiver)),
                   conversation, parent, thread, _datetime(gen_date), _date(reply_by), bool(valid),
                   tuple(json.loads(rules)), status, _errors(errors))  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (``dmtool ledger thread --format json``): every field, dates in ISO form, ``errors`` as
        ``{"code", "text"}`` objects; ``version`` also as ``dialog_version`` and ``apprec_version``, as in a report
        (:func:`~dmtool.report.versions`)."""
        return {
            "msg_id": self.msg_id,
            "direction": self.direction,
            "kind": self.kind,
            "msg_type": self.msg_type,
            "version": self.version,
            **versions(self.version),
            "sender_her": list(self.sender_her),
            "receiver_her": list(self.receiver_her),
            "conversation": self.conversation,
            "parent": self.parent,
            "thread": self.thread,
            "gen_date": None if self.gen_date is None else self.gen_date.isoformat(),
            "reply_by": None if self.reply_by is None else self.reply_by.isoformat(),
            "valid": self.valid,
            "rules": list(self.rules),
            "status": self.status,
            "errors": [{"code": code, "text": text} for code, text in self.errors],
        }


@dataclass(frozen=True)
class Overdue:
    """One thing to follow up (see the module text for the kinds). ``msg_id``, ``msg_type``, ``direction`` and
    ``gen_date`` are the message followed up (``msg_type``, ``direction`` and ``gen_date`` are ``None`` for a
    rejection of a message the ledger does not know); ``due`` when its receipt was due (missing-receipt) or its reply
    date (late-reply); ``receipt``, ``status`` and ``errors`` the rejecting AppRec; ``reply`` and ``reply_date`` the
    svar that came after the reply date."""

    kind: OverdueKind
    msg_id: str
    msg_type: str | None = None
    direction: str | None = None
    gen_date: dt.datetime | None = None
    due: dt.datetime | dt.date | None = None
    receipt: str | None = None
    status: str | None = None
    errors: tuple[tuple[str, str], ...] = ()
    reply: str | None = None
    reply_date: dt.datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (``dmtool ledger overdue --format json``): every field, dates in ISO form, ``errors`` as
        ``{"code", "text"}`` objects; ``kind`` also as ``follow_up``, the name the fixtures manifest gives it."""
        return {
            "kind": self.kind,
            "follow_up": self.kind,
            "msg_id": self.msg_id,
            "msg_type": self.msg_type,
            "direction": self.direction,
            "gen_date": None if self.gen_date is None else self.gen_date.isoformat(),
            "due": None if self.due is None else self.due.isoformat(),
            "receipt": self.receipt,
            "status": self.status,
            "errors": [{"code": code, "text": text} for code, text in self.errors],
            "reply": self.reply,
            "reply_date": None if self.reply_date is None else self.reply_date.isoformat(),
        }


def message(store: Store, msg_id: str) -> Stored | None:
    """The message stored under ``msg_id``, or ``None``."""
    rows = store.query(f"SELECT {columns()} FROM ledger_messages WHERE msg_id = ?", (msg_id,))
    return Stored.from_row(rows[0]) if rows else None


_MISSING_RECEIPTS: Final = f"""
    SELECT {columns("m")} FROM ledger_messages m
    WHERE m.direction = 'sent' AND m.kind = 'msghead' AND m.msg_id IS NOT NULL AND m.gen_utc <= ?
      AND NOT EXISTS (SELECT 1 FROM ledger_messages r WHERE r.parent = m.msg_id AND r.kind = 'apprec')
    ORDER BY m.gen_utc, m.msg_id"""
_REJECTIONS: Final = """
    SELECT r.msg_id, r.parent, r.status, r.errors, o.msg_type, o.direction, o.gen_date
    FROM ledger_messages r LEFT JOIN ledger_messages o ON o.msg_id = r.parent
    WHERE r.kind = 'apprec' AND r.direction = 'received' AND r.status IN ('2', '3') AND r.parent IS NOT NULL
      AND (o.direction IS NULL OR o.direction = 'sent')
    ORDER BY r.gen_utc, r.msg_id"""
#: A reply: a svar, or a message of Helsenorge's patient dialog (its answers have the question's type). No ``%`` in
#: the ledger's SQL (psycopg's parameter style), so no ``LIKE``.
_REPLY: Final = (
    f"(s.msg_type = 'DIALOG_SVAR' OR substr(s.msg_type, 1, {len(HELSENORGE_PREFIX)}) = '{HELSENORGE_PREFIX}')"
)
#: Questions that expect a reply: those validation gave a reply date (a forespørsel, a patient's question), not
#: rejected by their AppRec, not answered by an avvik.
_EXPECTING: Final = """
    f.kind = 'msghead' AND f.msg_id IS NOT NULL AND f.reply_by IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM ledger_messages x WHERE x.parent = f.msg_id
                    AND ((x.kind = 'apprec' AND x.status = '2')
                         OR (x.kind = 'msghead' AND x.msg_type = 'DIALOG_AVVIK')))"""
_ANSWERED_ON_TIME: Final = f"""EXISTS (SELECT 1 FROM ledger_messages s WHERE s.parent = f.msg_id AND s.kind = 'msghead'
                                       AND {_REPLY} AND s.gen_day <= f.reply_by)"""
_LATE: Final = f"""
    SELECT {columns("f")} FROM ledger_messages f
    WHERE {_EXPECTING} AND f.reply_by < ? AND NOT {_ANSWERED_ON_TIME}
    ORDER BY f.reply_by, f.gen_utc, f.msg_id"""
_FIRST_SVAR: Final = f"""
    SELECT s.msg_id, s.gen_date FROM ledger_messages s
    WHERE s.parent = ? AND s.kind = 'msghead' AND {_REPLY} ORDER BY s.gen_utc, s.msg_id LIMIT 1"""


def overdue(store: Store, now: dt.datetime, receipt_timeout: dt.timedelta) -> list[Overdue]:
    """Everything to follow up at ``now``: missing receipts, then rejections, then late replies (see the module)."""
    found: list[Overdue] = []
    for row in store.query(_MISSING_RECEIPTS, (utc_text(aware(now) - receipt_timeout),)):
        sent = Stored.from_row(row)
        due = None if sent.gen_date is None else sent.gen_date + receipt_timeout
        found.append(Overdue("missing-receipt", sent.msg_id or "", sent.msg_type, sent.direction, sent.gen_date, due))
    for receipt, original, status, errors, msg_type, direction, gen_date in store.query(_REJECTIONS):
        found.append(Overdue("rejection", original, msg_type, direction, _datetime(gen_date), None, receipt, status,
                             _errors(errors)))  # fmt: skip
    for row in store.query(_LATE, (oslo_day(now).isoformat(),)):
        asked = Stored.from_row(row)
        reply = store.query(_FIRST_SVAR, (asked.msg_id,))
        reply_id, reply_date = reply[0] if reply else (None, None)
        found.append(Overdue("late-reply", asked.msg_id or "", asked.msg_type, asked.direction, asked.gen_date,
                             asked.reply_by, reply=reply_id, reply_date=_datetime(reply_date)))  # fmt: skip
    return found


def thread(store: Store, msg_id: str) -> list[Stored]:
    """Every message of the thread of ``msg_id`` (a MsgHead, or an AppRec: its original's thread) with the receipts of
    each, in GenDate order; an AppRec whose original the ledger does not know alone; empty for an unknown MsgId."""
    found = message(store, msg_id)
    if found is None:
        return []
    if found.kind == "apprec":
        original = message(store, found.parent) if found.parent else None
        if original is None:
            return [found]
        found = original
    key = found.thread or found.msg_id
    rows = store.query(f"SELECT {columns()} FROM ledger_messages WHERE thread = ?", (key,))
    rows += store.query(
        f"""SELECT {columns("r")} FROM ledger_messages r WHERE r.kind = 'apprec'
            AND r.parent IN (SELECT m.msg_id FROM ledger_messages m WHERE m.thread = ?)""",
        (key,),
    )
    members = [Stored.from_row(row) for row in rows]
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(members, key=lambda each: (each.gen_date or oldest, each.msg_id or ""))


def _count(store: Store, sql: str, params: Sequence[Any] = ()) -> int:
    return int(store.query(sql, params)[0][0])


def status(store: Store, now: dt.datetime, receipt_timeout: dt.timedelta) -> dict[str, Any]:
    """Counts per state at ``now``: messages (sent, received, invalid), receipts of sent messages (``delivered``,
    ``rejected``, ``partly`` by the status of the AppRecs received; ``awaiting`` and ``missing``: sent MsgHeads with
    no AppRec, within and past ``receipt_timeout``), and forespørsler's replies (``answered`` on time, ``awaiting``
    before their reply date, ``late``)."""
    table = "FROM ledger_messages"
    no_receipt = (
        f"{table} m WHERE m.direction = 'sent' AND m.kind = 'msghead' AND m.msg_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM ledger_messages r WHERE r.parent = m.msg_id AND r.kind = 'apprec')"
    )
    limit = utc_text(aware(now) - receipt_timeout)
    today = oslo_day(now).isoformat()
    received = f"SELECT COUNT(*) {table} WHERE kind = 'apprec' AND direction = 'received' AND status = ?"
    expecting = f"SELECT COUNT(*) {table} f WHERE {_EXPECTING}"
    return {
        "messages": _count(store, f"SELECT COUNT(*) {table}"),
        "sent": _count(store, f"SELECT COUNT(*) {table} WHERE direction = 'sent'"),
        "received": _count(store, f"SELECT COUNT(*) {table} WHERE direction = 'received'"),
        "invalid": _count(store, f"SELECT COUNT(*) {table} WHERE valid = 0"),
        "receipts": {
            "delivered": _count(store, received, ("1",)),
            "rejected": _count(store, received, ("2",)),
            "partly": _count(store, received, ("3",)),
            "awaiting": _count(store, f"SELECT COUNT(*) {no_receipt} AND m.gen_utc > ?", (limit,)),
            "missing": _count(store, f"SELECT COUNT(*) {no_receipt} AND m.gen_utc <= ?", (limit,)),
        },
        "replies": {
            "answered": _count(store, f"{expecting} AND {_ANSWERED_ON_TIME}"),
            "awaiting": _count(store, f"{expecting} AND f.reply_by >= ? AND NOT {_ANSWERED_ON_TIME}", (today,)),
            "late": _count(store, f"{expecting} AND f.reply_by < ? AND NOT {_ANSWERED_ON_TIME}", (today,)),
        },
    }
