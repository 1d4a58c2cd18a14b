"""The ledger (``dmtool.ledger``) on SQLite and on PostgreSQL: recording and linking, the checks that need memory,
the follow-up queries at a given time, and the same answers whatever order a set of threads is recorded in."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ledgers import Ledgers
from paths import EXAMPLES, ROOT

import dmtool
from dmtool import apprec
from dmtool.apprec import AppRec
from dmtool.dialog.model import CV, Foresporsel, Message
from dmtool.ledger import DUPLICATE, UNKNOWN_PARENT, Ledger, LedgerError, schema
from dmtool.standards import clock, deadlines
from dmtool.testing import strategies

FORESPORSEL = (EXAMPLES / "foresporsel-1.0.xml").read_bytes()
FAMILIES = ROOT / "fixtures" / "families"
ASKED = dmtool.parse(FORESPORSEL)
SENT = ASKED.gen_date  # 2026-11-20T09:15:00+01:00; its reply date is 2026-11-27


def rules(recorded: object) -> list[str]:
    return [issue.rule for issue in recorded.report.issues]  # type: ignore[attr-defined]


def svar(days: int = 2, **changes: Any) -> Message:
    answer = dmtool.svar(ASKED, "Blodtrykket er fint. Hilsen Lise Lege.", gen_date=SENT + dt.timedelta(days=days))
    return dataclasses.replace(answer, **changes)


def receipt(message: bytes | Message, status: str = "1", minutes: int = 5) -> AppRec:
    made = dmtool.apprec_for(dmtool.to_xml(message) if isinstance(message, Message) else message)
    made = dataclasses.replace(made, gen_date=(dmtool.parse(made_source(message))).gen_date
                               + dt.timedelta(minutes=minutes))  # fmt: skip
    if status != "1":
        error = dataclasses.replace(CV.of("8221", "E35"), original_text="Ukjent pasient")
        made = dataclasses.replace(made, status=status, errors=(error,))
    return made


def made_source(message: bytes | Message) -> bytes:
    return dmtool.to_xml(message) if isinstance(message, Message) else message


def test_a_thread_is_recorded_linked_and_listed(ledger_url):
    answer = svar()
    with Ledger.open(ledger_url) as ledger:
        first = ledger.record(FORESPORSEL, "sent")
        assert first.stored and first.report.valid and first.thread == ASKED.msg_id
        got = receipt(FORESPORSEL)
        assert ledger.record(got, "received").thread == ASKED.msg_id
        replied = ledger.record(answer, "received")
        assert replied.parent == ASKED.msg_id and replied.thread == ASKED.msg_id and rules(replied) == []
        back = receipt(answer)
        ledger.record(back, "sent")
        listed = ledger.thread(ASKED.msg_id)
        assert [each.msg_id for each in listed] == [ASKED.msg_id, got.id, answer.msg_id, back.id]
        assert [each.direction for each in listed] == ["sent", "received", "received", "sent"]
        assert ledger.thread(back.id) == listed == ledger.thread(answer.msg_id)
        assert listed[0].reply_by == dt.date(2026, 11, 27) and listed[1].status == "1"
        assert ledger.thread("no-such-id") == []
        later = SENT + dt.timedelta(days=30)
        assert ledger.overdue(later) == []
        counts = ledger.status(later)
        assert counts["messages"] == 4 and counts["sent"] == 2 and counts["received"] == 2
        assert counts["receipts"] == {"delivered": 1, "rejected": 0, "partly": 0, "awaiting": 0, "missing": 0}
        assert counts["replies"] == {"answered": 1, "awaiting": 0, "late": 0}


def test_a_svar_is_checked_against_its_forespørsel_from_the_ledger(ledger_url, tmp_path):
    elsewhere = dmtool.Organisation("Annen legevakt", her_id="8000999")
    misaddressed = svar(receiver=elsewhere)
    with Ledger.open(ledger_url) as ledger:
        ledger.record(FORESPORSEL, "sent")
        checked = ledger.record(misaddressed, "received")
        assert "SVAR-REFERENCES-FORESPORSEL" in rules(checked) and not checked.report.valid
        late = ledger.record(svar(days=12, msg_id="late-svar-1"), "received")
        assert rules(late) == ["REPLY-DEADLINE"]
        stored = ledger.message("late-svar-1")
        assert stored is not None and stored.rules == ("REPLY-DEADLINE",) and stored.valid
    with Ledger.open(tmp_path / "empty.sqlite") as alone:  # the same svar without its forespørsel: not checked
        unchecked = alone.record(misaddressed, "received")
        assert rules(unchecked) == [UNKNOWN_PARENT] and unchecked.report.valid and unchecked.stored


def test_a_receipt_is_checked_against_its_original_from_the_ledger(ledger_url):
    wrong = dataclasses.replace(receipt(FORESPORSEL), original_date=SENT + dt.timedelta(hours=1))
    with Ledger.open(ledger_url) as ledger:
        assert rules(ledger.record(wrong, "received")) == [UNKNOWN_PARENT]
    with Ledger.open(ledger_url) as ledger:
        ledger.record(FORESPORSEL, "sent")
        again = dataclasses.replace(wrong, id="another-receipt", gen_date=wrong.gen_date + dt.timedelta(seconds=1))
        assert rules(ledger.record(again, "received")) == ["APPREC-CONSISTENT"]


def test_duplicates_are_reported_and_not_stored_twice(ledger_url):
    renamed = FORESPORSEL.replace(ASKED.msg_id.encode(), b"resent-under-another-id")
    redated = renamed.replace(b"2026-11-20T09:15:00+01:00", b"2026-11-20T09:16:00+01:00")
    with Ledger.open(ledger_url) as ledger:
        assert ledger.record(FORESPORSEL, "sent").stored
        same = ledger.record(FORESPORSEL, "sent")
        assert not same.stored and same.duplicate_of == ASKED.msg_id and rules(same) == [DUPLICATE]
        assert "holds this MsgId already" in same.report.issues[-1].message
        other_id = ledger.record(renamed, "sent")
        assert not other_id.stored and other_id.duplicate_of == ASKED.msg_id and rules(other_id) == [DUPLICATE]
        assert "under another MsgId" in other_id.report.issues[-1].message
        assert ledger.message("resent-under-another-id") is None
        assert ledger.record(redated, "sent").stored  # a new GenDate: another message
        assert ledger.status(SENT)["messages"] == 2


def test_input_that_is_no_message_is_recorded_once(ledger_url):
    with Ledger.open(ledger_url) as ledger:
        first = ledger.record(b"not xml at all", "received", path="broken.xml")
        assert first.stored and not first.report.valid and rules(first) == ["NOT-XML"]
        assert first.to_dict()["path"] == "broken.xml" and first.to_dict()["msg_id"] is None
        again = ledger.record(b"not xml at all", "received")
        assert rules(again) == ["NOT-XML", DUPLICATE] and again.duplicate_of is None
        assert again.report.issues[-1].message == "the ledger holds this input already: not stored again"
        assert ledger.status(SENT) | {"receipts": None, "replies": None} == {
            "messages": 1, "sent": 0, "received": 1, "invalid": 1, "receipts": None, "replies": None}  # fmt: skip


def test_the_patient_is_stored_only_as_a_keyed_hash(tmp_path):
    path = tmp_path / "ledger.sqlite"
    with Ledger.open(path) as ledger:
        ledger.record(FORESPORSEL, "sent")
    with sqlite3.connect(path) as connection:
        key = bytes.fromhex(connection.execute("SELECT value FROM ledger_meta WHERE key = 'patient_key'").fetchone()[0])
        stored = connection.execute("SELECT patient_hmac FROM ledger_messages").fetchone()[0]
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert stored == hmac.new(key, b"14037549100", hashlib.sha256).hexdigest()
    written = b"".join(part.read_bytes() for part in tmp_path.iterdir())
    assert b"14037549100" not in written and b"Nordmann" not in written


def test_a_missing_receipt_is_overdue_after_the_ledgers_timeout(ledger_url):
    with Ledger.open(ledger_url) as ledger:
        assert ledger.receipt_timeout == dt.timedelta(hours=1)
        ledger.record(FORESPORSEL, "sent")
        assert ledger.overdue(SENT + dt.timedelta(minutes=59)) == []
        (row,) = ledger.overdue(SENT + dt.timedelta(minutes=61))
        assert (row.kind, row.msg_id, row.direction, row.due) == ("missing-receipt", ASKED.msg_id, "sent",
                                                                 SENT + dt.timedelta(hours=1))  # fmt: skip
        assert ledger.status(SENT + dt.timedelta(minutes=59))["receipts"]["awaiting"] == 1
        ledger.set_receipt_timeout(dt.timedelta(hours=2))
        with pytest.raises(ValueError, match="at least a second"):
            ledger.set_receipt_timeout(dt.timedelta(0))
        with pytest.raises(ValueError, match="timezone-aware"):
            ledger.overdue(dt.datetime(2026, 12, 1))
        with pytest.raises(ValueError, match="direction"):
            ledger.record(FORESPORSEL, "lost")  # type: ignore[arg-type]
    with Ledger.open(ledger_url) as again:  # the setting is the ledger's
        assert again.receipt_timeout == dt.timedelta(hours=2)
        assert again.overdue(SENT + dt.timedelta(minutes=61)) == []
        assert [row.kind for row in again.overdue(SENT + dt.timedelta(hours=2))] == ["missing-receipt"]
        again.record(receipt(FORESPORSEL), "received")  # a receipt recorded late still counts
        assert again.overdue(SENT + dt.timedelta(hours=2)) == []


def test_rejections_are_listed_with_their_errors(ledger_url):
    with Ledger.open(ledger_url) as ledger:
        ledger.record(FORESPORSEL, "sent")
        rejected = receipt(FORESPORSEL, status="2")
        ledger.record(rejected, "received")
        partly = receipt(dataclasses.replace(ASKED, msg_id="another-message"), status="3", minutes=10)
        ledger.record(partly, "received")  # of a message the ledger does not know
        rows = ledger.overdue(SENT + dt.timedelta(days=30))
        assert [(row.kind, row.msg_id, row.status, row.receipt) for row in rows] == [
            ("rejection", ASKED.msg_id, "2", rejected.id),
            ("rejection", "another-message", "3", partly.id),
        ]
        assert rows[0].errors == (("E35", "Ukjent pasient"),) and rows[0].direction == "sent"
        assert rows[1].direction is None and rows[1].msg_type is None
        assert rows[0].to_dict()["errors"] == [{"code": "E35", "text": "Ukjent pasient"}]
        # rejected (status 2): no svar is expected, so it is not also a late reply
        assert ledger.status(SENT + dt.timedelta(days=30))["receipts"] | {"awaiting": 0} == {
            "delivered": 0, "rejected": 1, "partly": 1, "awaiting": 0, "missing": 0}  # fmt: skip


def test_a_forespørsel_without_a_svar_by_its_reply_date_is_late(ledger_url):
    due = deadlines.reply_deadline(ASKED)
    day_after = dt.datetime.combine(due + dt.timedelta(days=1), dt.time(8), clock.OSLO)
    with Ledger.open(ledger_url) as ledger:
        ledger.record(FORESPORSEL, "received")
        ledger.record(receipt(FORESPORSEL), "sent")
        assert ledger.overdue(dt.datetime.combine(due, dt.time(23, 59), clock.OSLO)) == []
        (row,) = ledger.overdue(day_after)
        assert (row.kind, row.msg_id, row.direction, row.due, row.reply) == (
            "late-reply", ASKED.msg_id, "received", due, None)  # fmt: skip
        assert ledger.status(day_after)["replies"] == {"answered": 0, "awaiting": 0, "late": 1}
        late = svar(days=12, msg_id="late-svar")
        ledger.record(late, "sent")
        (row,) = ledger.overdue(day_after)
        assert (row.reply, row.reply_date) == ("late-svar", late.gen_date)


def test_an_avvik_closes_a_forespørsel(ledger_url):
    with Ledger.open(ledger_url) as ledger:
        ledger.record(FORESPORSEL, "sent")
        ledger.record(dmtool.avvik(ASKED, "feil-adressat", "Pasienten er ikke kjent her.",
                                   gen_date=SENT + dt.timedelta(days=1)), "received")  # fmt: skip
        ledger.record(receipt(FORESPORSEL), "received")
        assert ledger.overdue(SENT + dt.timedelta(days=60)) == []


def test_one_problem_per_thread_looks_at_the_whole_thread(ledger_url):
    question = "Til hjemmesykepleien. Når er kontrollen på ortopedisk poliklinikk? Hilsen Lise Lege."
    assert isinstance(ASKED.body, Foresporsel)
    asked = dataclasses.replace(ASKED, body=dataclasses.replace(ASKED.body, question=question))

    def answer(text: str, msg_id: str) -> Message:
        return dmtool.svar(asked, text, msg_id=msg_id, gen_date=SENT + dt.timedelta(days=1))

    with Ledger.open(ledger_url) as ledger:
        assert "ONE-PROBLEM-PER-THREAD" not in rules(ledger.record(asked, "sent"))
        same = ledger.record(answer("Kontrollen på ortopedisk poliklinikk er 3. desember.", "svar-1"), "received")
        assert "ONE-PROBLEM-PER-THREAD" not in rules(same)
        other = ledger.record(answer("Hun har også time på kardiologisk poliklinikk.", "svar-2"), "received")
        (found,) = [issue for issue in other.report.issues if issue.rule == "ONE-PROBLEM-PER-THREAD"]
        assert found.severity == "warning" and "this message names medisin" in found.message
        assert f"kirurgi (MsgId {ASKED.msg_id})" in found.message
        assert ledger.message("svar-2").rules == ("ONE-PROBLEM-PER-THREAD",)  # type: ignore[union-attr]


def test_a_newer_schema_is_refused_and_an_older_one_migrated(tmp_path, monkeypatch):
    path = tmp_path / "ledger.sqlite"
    with Ledger.open(path) as ledger:
        ledger.record(FORESPORSEL, "sent")
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, ("CREATE TABLE ledger_later (note TEXT)",)])
    with Ledger.open(path) as ledger:  # the version this dmtool has, one more than the file's
        assert ledger.message(ASKED.msg_id) is not None
        assert ledger.store.query("SELECT value FROM ledger_meta WHERE key = 'schema_version'") == [
            (str(len(schema.MIGRATIONS)),)]  # fmt: skip
        assert ledger.store.query("SELECT COUNT(*) FROM ledger_later") == [(0,)]
    monkeypatch.undo()
    with pytest.raises(LedgerError, match="newer dmtool"):
        Ledger.open(path)
    with pytest.raises(LedgerError, match="no ledger there"):
        Ledger.open(tmp_path / "missing.sqlite", create=False)
    (tmp_path / "text.sqlite").write_text("not a database, but long enough to be read as one's header" * 20)
    with pytest.raises(LedgerError, match="cannot open"):
        Ledger.open(tmp_path / "text.sqlite")
    with pytest.raises(LedgerError, match="not a ledger URL"):
        Ledger.open("mysql://host/db")


def test_a_postgresql_url_without_a_server_says_so():
    said = r"postgresql://someone:\*\*\*@127.0.0.1:1/nothing: (cannot connect|a PostgreSQL)"
    with pytest.raises(LedgerError, match=said):
        Ledger.open("postgresql://someone:secret@127.0.0.1:1/nothing")


def _items(threads: list[strategies.ShapedThread]) -> dict[str, Message | AppRec]:
    found: dict[str, Message | AppRec] = {}
    for thread in threads:
        for delivery in thread.deliveries:
            item = delivery.item
            found[item.msg_id if isinstance(item, Message) else item.id] = item
    return found


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_threads_in_any_order_give_the_same_follow_up(ledgers: Ledgers, data: st.DataObject):
    shapes = data.draw(st.lists(st.sampled_from([None, *strategies.THREAD_SHAPES]), min_size=1, max_size=4))
    threads = [data.draw(strategies.shaped_threads(shape)) for shape in shapes]
    deliveries = [delivery for thread in threads for delivery in thread.deliveries]
    items = _items(threads)
    assume(len(items) == sum(not delivery.again for delivery in deliveries))  # every MsgId drawn once
    assume(len({thread.deliveries[0].item.gen_date for thread in threads}) == len(threads))
    expected = sorted(row for thread in threads for row in thread.expected)
    now = max(item.gen_date for item in items.values()) + dt.timedelta(days=60)
    answers = []
    for order in (deliveries, data.draw(st.permutations(deliveries))):
        with Ledger.open(ledgers.new()) as ledger:
            for delivery in order:
                ledger.record(delivery.item, delivery.direction)
            found = ledger.overdue(now)
            threads_listed = [[(each.msg_id, each.direction, each.parent, each.thread) for each in ledger.thread(key)]
                              for key in items]  # fmt: skip
            answers.append(([row.to_dict() for row in found], ledger.status(now), threads_listed))
            assert sorted((row.kind, row.msg_id) for row in found) == expected
            assert ledger.status(now)["messages"] == len(items)
    assert sorted(map(str, answers[0][0])) == sorted(map(str, answers[1][0]))
    assert answers[0][1:] == answers[1][1:]


@settings(max_examples=5)
@given(strategies.shaped_threads("late-reply", "1.1"))
def test_a_late_reply_is_late_and_every_file_valid(drawn: strategies.ShapedThread):
    first, _, reply, _ = (delivery.item for delivery in drawn.deliveries)
    assert isinstance(first, Message) and isinstance(reply, Message)
    assert reply.gen_date.astimezone(clock.OSLO).date() > deadlines.reply_deadline(first)
    for delivery in drawn.deliveries:
        item = delivery.item
        data = dmtool.to_xml(item) if isinstance(item, Message) else apprec.to_xml(item)
        assert dmtool.validate(data).valid
    assert drawn.expected == {("late-reply", first.msg_id)}


def test_shaped_threads_refuse_what_cannot_be():
    with pytest.raises(Exception, match="late-reply cannot be an avvik"):
        strategies.shaped_threads("late-reply", avvik=True)
    with pytest.raises(Exception, match="shape must be one of"):
        strategies.shaped_threads("lost")


def test_the_docs_ledger_example_runs_and_says_what_it_gets(tmp_path, monkeypatch):
    readme = (ROOT / "docs" / "how-to" / "ledger.md").read_text(encoding="utf-8")
    (block,) = [block for block in re.findall(r"```python\n(.*?)```", readme, re.S) if "Ledger.open(" in block]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fixtures").symlink_to(ROOT / "fixtures")
    scope: dict[str, object] = {}
    exec(block, scope)
    recorded = scope["recorded"]
    assert recorded.stored and recorded.report.valid and not recorded.report.issues  # type: ignore[attr-defined]
    now = scope["now"]
    with Ledger.open("ledger.sqlite") as ledger:
        assert [(row.kind, row.msg_id, row.due) for row in ledger.overdue(now)] == [  # type: ignore[arg-type]
            ("late-reply", ASKED.msg_id, dt.date(2026, 11, 27))]  # fmt: skip
        assert ledger.status(now)["replies"] == {"answered": 0, "awaiting": 0, "late": 1}  # type: ignore[arg-type]
        assert len(ledger.thread(ASKED.msg_id)) == 2 and ledger.receipt_timeout == dt.timedelta(hours=2)


def test_ledger_python_api_paths_and_sqlite_urls(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with Ledger.open() as ledger:  # the default: a file in the working folder
        ledger.record(FORESPORSEL)
    assert Path("dmtool-ledger.sqlite").is_file()
    with Ledger.open("sqlite:///dmtool-ledger.sqlite", create=False) as same:
        assert same.message(ASKED.msg_id) is not None
    with Ledger.open(f"sqlite:///{tmp_path}/abs.sqlite") as absolute:
        absolute.record(EXAMPLES / "foresporsel-1.0.xml")
    assert (tmp_path / "abs.sqlite").is_file()


def test_a_patients_question_through_helsenorge_is_late_after_four_working_days(ledger_url):
    """Seed 004: a patient's message is answered within 4 working days, whatever the profile; the answer has the
    question's type (a Notat with RefToParent), not DIALOG_SVAR."""
    question = dmtool.parse(FAMILIES / "helsenorge" / "timer-endring.xml")
    due = deadlines.reply_deadline(question, "pasientdialog")
    day_after = dt.datetime.combine(due + dt.timedelta(days=1), dt.time(8), clock.OSLO)
    with Ledger.open(ledger_url) as ledger:
        recorded = ledger.record(FAMILIES / "helsenorge" / "timer-endring.xml", "received")
        assert recorded.report.reply_by == due
        assert ledger.overdue(dt.datetime.combine(due, dt.time(23, 59), clock.OSLO)) == []
        (row,) = ledger.overdue(day_after)
        assert (row.kind, row.msg_id, row.msg_type, row.due) == ("late-reply", question.msg_id, question.kind, due)
        ledger.record(FAMILIES / "helsenorge" / "timer-svar-standardtekst.xml", "sent")
        answered = ledger.overdue(day_after)
        answer = dmtool.parse(FAMILIES / "helsenorge" / "timer-svar-standardtekst.xml")
        late = answer.gen_date.astimezone(clock.OSLO).date() > due
        replies = [row.reply for row in answered if row.kind == "late-reply"]  # the answer awaits its own receipt
        assert replies == ([answer.msg_id] if late else []) and ledger.status(day_after)["replies"]["late"] == late
