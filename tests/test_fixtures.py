"""dmtool fixtures: deterministic output, every file with the verdict its manifest gives, consistent threads, and a
sample corpus that is up to date."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import hypothesis
import pytest
from click.testing import CliRunner
from lxml import etree
from paths import REFERENCE, ROOT

import dmtool
from dmtool import fixtures, strategies
from dmtool.cli import main

sys.path.insert(0, str(ROOT / "tools"))
import make_fixtures

GENERATED = ROOT / "fixtures" / "generated"
MH = {"mh": "http://www.kith.no/xmlstds/msghead/2006-05-24"}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def manifest(folder: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return loaded


def test_same_seed_and_options_give_identical_trees(tmp_path: Path) -> None:
    """The issue's acceptance: --count 500 --seed 7 --invalid all twice gives identical trees, and every file has the
    verdict of its manifest."""
    options = ["--count", "500", "--seed", "7", "--invalid", "all"]
    assert run("fixtures", "--out", str(tmp_path / "a"), *options)[0] == 0
    assert run("fixtures", "--out", str(tmp_path / "b"), *options)[0] == 0
    assert tree_bytes(tmp_path / "a") == tree_bytes(tmp_path / "b")
    _check_folder(tmp_path / "a")
    assert run("fixtures", "--out", str(tmp_path / "c"), "--count", "500", "--seed", "8", "--invalid", "all")[0] == 0
    assert tree_bytes(tmp_path / "a") != tree_bytes(tmp_path / "c")


def _check_folder(folder: Path) -> None:
    """Every file gets the verdict and the rule ids its manifest gives, from dmtool validate and the reference XSDs."""
    files = manifest(folder)["files"]
    assert isinstance(files, list) and files
    for entry in files:
        data = (folder / entry["file"]).read_bytes()
        report = dmtool.validate(data)
        assert sorted({issue.rule for issue in report.errors}) == sorted(entry["rules"]), (entry, report.issues)
        assert report.valid == (entry["verdict"] == "valid")
        if entry["verdict"] == "valid" and (REFERENCE / "xsd").is_dir():
            import xsdgen

            set_name = "msghead" if entry["kind"] != "APPREC" else entry["version"]
            ok, log = xsdgen.validate(xsdgen.reference_lxml(set_name), data)
            assert ok, (entry["file"], log)


def test_every_file_has_the_verdict_of_its_manifest(tmp_path: Path) -> None:
    assert run("fixtures", "--out", str(tmp_path), "--count", "44", "--seed", "3", "--invalid", "all")[0] == 0
    _check_folder(tmp_path)
    entries = manifest(tmp_path)["files"]
    assert isinstance(entries, list)
    broken = {rule for entry in entries for rule in entry["rules"]}
    assert broken == set(strategies.HARD_RULES)


def test_cli_validate_agrees_with_the_manifest(tmp_path: Path) -> None:
    assert run("fixtures", "--out", str(tmp_path), "--count", "22", "--seed", "5", "--invalid", "all")[0] == 0
    code, output = run("validate", "--format", "json", str(tmp_path))
    assert code == 1
    by_name = {Path(line["path"]).name: line for line in map(json.loads, output.splitlines())}
    for entry in manifest(tmp_path)["files"]:  # type: ignore[union-attr]
        errors = sorted({issue["rule"] for issue in by_name[entry["file"]]["issues"] if issue["severity"] == "error"})
        assert errors == sorted(entry["rules"]), entry


def test_threads_are_consistent(tmp_path: Path) -> None:
    assert run("fixtures", "--out", str(tmp_path), "--count", "4", "--seed", "2", "--threads")[0] == 0
    _check_folder(tmp_path)
    files = manifest(tmp_path)["files"]
    threads: dict[str, list[dict[str, object]]] = {}
    for entry in files:  # type: ignore[union-attr]
        threads.setdefault(entry["thread"], []).append(entry)
    assert len(threads) == 4
    for entries in threads.values():
        first, first_receipt, reply, reply_receipt = (tmp_path / str(entry["file"]) for entry in entries)
        first_root = etree.parse(str(first)).getroot()
        reply_root = etree.parse(str(reply)).getroot()
        first_id = first_root.findtext("mh:MsgInfo/mh:MsgId", namespaces=MH)
        assert reply_root.findtext("mh:MsgInfo/mh:ConversationRef/mh:RefToParent", namespaces=MH) == first_id
        assert dmtool.validate(reply, original=dmtool.facts.original_of(dmtool.parse(first))).valid
        for message, receipt in ((first, first_receipt), (reply, reply_receipt)):
            parsed = dmtool.parse_apprec(receipt)
            assert parsed.original_id == dmtool.parse(message).msg_id
            verdict = dmtool.check_apprec(receipt.read_bytes(), message.read_bytes())
            assert verdict.consistent and verdict.outcome == "delivered", verdict.report.issues


def test_the_output_folder_must_be_empty_and_options_known(tmp_path: Path) -> None:
    (tmp_path / "old.xml").write_text("x")
    assert run("fixtures", "--out", str(tmp_path), "--count", "1")[0] == 2
    assert run("fixtures", "--out", str(tmp_path / "n"), "--invalid", "NO-SUCH-RULE")[0] == 2
    assert run("fixtures", "--out", str(tmp_path / "k"), "--kinds", "brev")[0] == 2
    assert run("fixtures", "--out", str(tmp_path / "v"), "--kinds", "helsefaglig", "--dialog-version", "1.0")[0] == 2
    assert not (tmp_path / "v").exists() or not any((tmp_path / "v").iterdir())


def test_kinds_and_versions_are_respected(tmp_path: Path) -> None:
    assert run("fixtures", "--out", str(tmp_path), "--count", "6", "--kinds", "notat,svar", "--dialog-version",
               "1.1")[0] == 0  # fmt: skip
    entries = manifest(tmp_path)["files"]
    assert {entry["kind"] for entry in entries} == {"DIALOG_NOTAT", "DIALOG_SVAR"}  # type: ignore[union-attr]
    assert {entry["version"] for entry in entries} == {"1.1"}  # type: ignore[union-attr]


@pytest.mark.parametrize("name", sorted(make_fixtures.PLANS))
def test_the_sample_corpus_is_up_to_date(name: str, tmp_path: Path) -> None:
    """The corpus in fixtures/generated is what tools/make_fixtures.py makes (byte for byte with the hypothesis
    version that made it; with another version, every file must still have its manifest's verdict)."""
    folder = GENERATED / name
    assert folder.is_dir(), "run python tools/make_fixtures.py"
    recorded = manifest(folder)
    plan = make_fixtures.PLANS[name]
    assert recorded["options"] == fixtures.manifest_of(plan, [])["options"], "run python tools/make_fixtures.py"
    _check_folder(folder)
    if recorded["generator"] == {"dmtool": dmtool.__version__, "hypothesis": hypothesis.__version__}:
        fixtures.write(plan, tmp_path / name)
        assert tree_bytes(tmp_path / name) == tree_bytes(folder), "run python tools/make_fixtures.py"


@hypothesis.settings(max_examples=15, deadline=None)
@hypothesis.given(strategies.threads())
def test_threads_strategy_gives_consistent_threads(thread: strategies.Thread) -> None:
    assert thread.reply.conversation is not None
    assert thread.reply.conversation.parent == thread.first.msg_id
    assert thread.reply.receiver == thread.first.sender and thread.reply.sender == thread.first.receiver
    for message, receipt in ((thread.first, thread.first_receipt), (thread.reply, thread.reply_receipt)):
        verdict = dmtool.check_apprec(receipt, message)
        assert verdict.consistent and verdict.outcome == "delivered", verdict.report.issues
        assert receipt.version == ("1.1" if message.version == "1.1" else "1.0")
