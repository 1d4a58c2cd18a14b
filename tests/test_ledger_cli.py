"""``dmtool ledger``: record, overdue, thread, status and receipt-timeout on SQLite and PostgreSQL, and generated
fixture threads recorded in any order giving exactly the follow-up their manifest names."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ledgers import Ledgers
from paths import EXAMPLES

from dmtool.cli import main
from dmtool.ledger import entries

FORESPORSEL = EXAMPLES / "foresporsel-1.0.xml"
MSG_ID = "6f1d2a3e-8c0b-4b8e-9a51-3d2f4c5b6a71"
RECORD_KEYS = {"path", "valid", "kind", "version", "msg_type", "msg_id", "wrapped", "issues", "reply_by", "rules",
               "direction", "stored", "duplicate_of", "parent", "thread"}  # fmt: skip
OVERDUE_KEYS = {"kind", "msg_id", "msg_type", "direction", "gen_date", "due", "receipt", "status", "errors", "reply",
                "reply_date"}  # fmt: skip
#: Issue 20: the keys added so that one name means one thing in every command's JSON.
RECORD_KEYS |= {"dialog_version", "apprec_version", "profile"}
OVERDUE_KEYS |= {"follow_up"}


def run(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


def lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines()]


def test_record_prints_one_json_line_per_input_and_says_duplicates(ledger_url, tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<MsgHead>")
    first = run("ledger", "--db", ledger_url, "record", "--sent", str(FORESPORSEL), "--format", "json")
    assert first.exit_code == 0, first.output
    (recorded,) = lines(first.output)
    assert set(recorded) == RECORD_KEYS
    assert (recorded["stored"], recorded["direction"], recorded["msg_id"], recorded["thread"]) == (
        True, "sent", MSG_ID, MSG_ID)  # fmt: skip
    again = run("ledger", "--db", ledger_url, "record", "--sent", str(FORESPORSEL), str(broken), "-", "--format",
                "json", stdin=FORESPORSEL.read_bytes())  # fmt: skip
    assert again.exit_code == 1, again.output  # the broken one is invalid, and recorded all the same
    duplicate, invalid, from_stdin = lines(again.output)
    assert not duplicate["stored"] and duplicate["duplicate_of"] == MSG_ID
    assert duplicate["issues"][-1]["rule"] == "DUPLICATE"
    assert invalid["stored"] and not invalid["valid"] and invalid["path"] == str(broken)
    assert from_stdin["path"] == "-" and not from_stdin["stored"]
    text = run("ledger", "--db", ledger_url, "record", "--received", str(tmp_path / "missing.xml"), str(broken))
    assert text.exit_code == 2, text.output
    assert "missing.xml: UNREADABLE  (received; not stored)" in text.output
    assert "broken.xml: INVALID  (received; not stored)" in text.output  # recorded before, without a MsgId
    assert "IO-ERROR" in text.output


def test_record_needs_one_direction(tmp_path):
    db = str(tmp_path / "l.sqlite")
    for given in ((), ("--sent", "--received")):
        result = run("ledger", "--db", db, "record", *given, str(FORESPORSEL))
        assert result.exit_code == 2 and "--sent or --received" in result.output
    assert not Path(db).exists()


def test_overdue_thread_and_status(ledger_url):
    assert run("ledger", "--db", ledger_url, "record", "--sent", str(FORESPORSEL)).exit_code == 0
    receipt = EXAMPLES / "apprec-1.0-ok.xml"
    recorded = run("ledger", "--db", ledger_url, "record", "--received", str(receipt))
    assert recorded.exit_code == 0, recorded.output
    before = run("ledger", "--db", ledger_url, "overdue", "--now", "2026-11-27T23:00:00+01:00")
    assert before.exit_code == 0 and before.output.startswith("0 overdue at 2026-11-27T23:00:00+01:00")
    after = run("ledger", "--db", ledger_url, "overdue", "--now", "2026-11-28T08:00", "--format", "json")
    assert after.exit_code == 1
    (row,) = lines(after.output)
    assert set(row) == OVERDUE_KEYS
    assert (row["kind"], row["msg_id"], row["due"], row["reply"]) == ("late-reply", MSG_ID, "2026-11-27", None)
    text = run("ledger", "--db", ledger_url, "overdue", "--now", "2026-11-28T08:00")
    assert "late-reply" in text.output and "reply by 2026-11-27: no svar" in text.output
    assert "1 late replies" in text.output
    thread = run("ledger", "--db", ledger_url, "thread", MSG_ID, "--format", "json")
    assert thread.exit_code == 0
    assert [(each["msg_type"], each["direction"]) for each in lines(thread.output)] == [
        ("DIALOG_FORESPORSEL", "sent"), ("APPREC", "received")]  # fmt: skip
    shown = run("ledger", "--db", ledger_url, "thread", MSG_ID).output.splitlines()
    assert "DIALOG_FORESPORSEL" in shown[0] and "status 1" in shown[1]
    missing = run("ledger", "--db", ledger_url, "thread", "no-such-id")
    assert missing.exit_code == 1 and "holds no message with this MsgId" in missing.output
    counts = json.loads(run("ledger", "--db", ledger_url, "status", "--now", "2026-11-28T08:00", "--format",
                            "json").output)  # fmt: skip
    assert counts["messages"] == 2 and counts["receipts"]["delivered"] == 1 and counts["replies"]["late"] == 1
    assert "2 messages at" in run("ledger", "--db", ledger_url, "status").output
    bad = run("ledger", "--db", ledger_url, "overdue", "--now", "yesterday")
    assert bad.exit_code == 2 and "is not a date and time" in bad.output


def test_the_receipt_timeout_is_the_ledgers(ledger_url):
    assert run("ledger", "--db", ledger_url, "record", "--sent", str(FORESPORSEL)).exit_code == 0
    assert run("ledger", "--db", ledger_url, "receipt-timeout").output == "60\n"
    at = "2026-11-20T10:30:00+01:00"  # 75 minutes after GenDate
    assert lines(run("ledger", "--db", ledger_url, "overdue", "--now", at, "--format", "json").output)[0]["kind"] == (
        "missing-receipt")  # fmt: skip
    assert run("ledger", "--db", ledger_url, "receipt-timeout", "90").output == "90\n"
    assert run("ledger", "--db", ledger_url, "overdue", "--now", at).exit_code == 0
    assert run("ledger", "--db", ledger_url, "receipt-timeout", "0").exit_code == 2


def test_the_ledger_is_in_the_working_folder_or_where_the_settings_say(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    missing = run("ledger", "status")
    assert missing.exit_code == 2 and "dmtool-ledger.sqlite: no ledger there" in missing.output
    assert not (tmp_path / "dmtool-ledger.sqlite").exists()
    assert run("ledger", "record", "--sent", str(FORESPORSEL)).exit_code == 0
    assert (tmp_path / "dmtool-ledger.sqlite").is_file()
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "dmtool.toml").write_text('ledger = "shared.sqlite"\n')
    (tmp_path / "project" / "work").mkdir()
    monkeypatch.chdir(tmp_path / "project" / "work")
    assert run("ledger", "record", "--sent", str(FORESPORSEL)).exit_code == 0
    assert (tmp_path / "project" / "shared.sqlite").is_file()  # relative to the settings file
    assert json.loads(run("ledger", "status", "--format", "json").output)["messages"] == 1
    (tmp_path / "project" / "dmtool.toml").write_text("ledger = 7\n")
    bad = run("ledger", "status")
    assert bad.exit_code == 2 and "ledger must be a string" in bad.output


def _files(folder: Path) -> list[dict[str, Any]]:
    files: list[dict[str, Any]] = json.loads((folder / "manifest.json").read_text())["files"]
    return files


def _record(ledger_url: str, folder: Path, order: list[dict[str, Any]]) -> None:
    """Record the files of ``order``, each as its manifest says it went, in runs of the same direction."""
    start = 0
    while start < len(order):
        end = start
        while end < len(order) and order[end]["direction"] == order[start]["direction"]:
            end += 1
        files = [str(folder / entry["file"]) for entry in order[start:end]]
        result = run("ledger", "--db", ledger_url, "record", f"--{order[start]['direction']}", *files)
        assert result.exit_code == 0, result.output
        start = end


@pytest.mark.parametrize("seed", [11])
def test_generated_threads_in_any_order_give_exactly_the_manifests_follow_up(ledgers: Ledgers, tmp_path, seed):
    folder = tmp_path / "threads"
    made = run("fixtures", "--out", str(folder), "--count", "15", "--threads", "--shapes", "all", "--seed", str(seed))
    assert made.exit_code == 0, made.output
    files = _files(folder)
    expected = sorted((entry["follow_up"], entry["msg_id"]) for entry in files if entry["follow_up"])
    kinds = {kind for kind, _ in expected}
    assert kinds == {"late-reply", "missing-receipt", "rejection"}
    assert any(entry["duplicate_of"] for entry in files)
    dates = [entries.read((folder / entry["file"]).read_bytes()).gen_date for entry in files]
    now = (max(date for date in dates if date is not None) + dt.timedelta(days=60)).isoformat()
    answers = []
    for attempt in range(2):
        url = ledgers.new()
        order = list(files)
        random.Random(f"{seed}:{attempt}").shuffle(order)
        _record(url, folder, order)
        result = run("ledger", "--db", url, "overdue", "--now", now, "--format", "json")
        assert result.exit_code == 1, result.output
        rows = lines(result.output)
        assert sorted((row["kind"], row["msg_id"]) for row in rows) == expected
        answers.append(sorted(json.dumps(row, sort_keys=True) for row in rows))
    assert answers[0] == answers[1]


def test_fixture_shapes_are_refused_where_they_cannot_be(tmp_path):
    for args, said in (
        (("--shapes", "late-reply"), "use it with --threads"),
        (("--threads", "--shapes", "lost"), "unknown thread shape 'lost'"),
        (("--threads", "--kinds", "notat,avvik", "--shapes", "late-reply"), "needs the foresporsel,svar thread"),
    ):
        result = run("fixtures", "--out", str(tmp_path / "out"), "--count", "2", *args)
        assert result.exit_code == 2 and said in result.output, result.output
        assert not (tmp_path / "out").exists()


def test_fixture_shapes_are_reproducible_and_leave_plain_threads_as_they_were(tmp_path):
    outs = []
    for name in ("a", "b"):
        assert run("fixtures", "--out", str(tmp_path / name), "--count", "5", "--threads", "--shapes",
                   "duplicate,rejection", "--seed", "4").exit_code == 0  # fmt: skip
        outs.append({path.name: path.read_bytes() for path in (tmp_path / name).iterdir()})
    assert outs[0] == outs[1]
    manifest = json.loads(outs[0]["manifest.json"])
    assert manifest["options"]["shapes"] == ["duplicate", "rejection"]
    firsts = [entry for entry in manifest["files"] if entry["file"].split("-")[2] == "1"]
    assert [entry["shape"] for entry in firsts] == [None, "duplicate", "rejection", None, "duplicate"]
    assert run("fixtures", "--out", str(tmp_path / "plain"), "--count", "5", "--threads", "--seed", "4").exit_code == 0
    plain = json.loads((tmp_path / "plain" / "manifest.json").read_text())
    assert "shapes" not in plain["options"] and "shape" not in plain["files"][0]
    first_plain = (tmp_path / "plain" / "thread-00001-1-foresporsel.xml").read_bytes()
    assert first_plain == outs[0]["thread-00001-1-foresporsel.xml"]  # a plain thread is drawn as before
