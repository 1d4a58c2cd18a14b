"""dmtool fixtures: deterministic output, every file with the verdict its manifest gives, consistent threads, and a
sample corpus that is up to date."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from click.testing import CliRunner
from lxml import etree
from paths import REFERENCE, ROOT

import dmtool
from dmtool import rules
from dmtool.cli import main
from dmtool.testing import fixtures, strategies

sys.path.insert(0, str(ROOT / "tools"))
import make_fixtures

GENERATED = ROOT / "fixtures" / "generated"
MH = {"mh": "http://www.kith.no/xmlstds/msghead/2006-05-24"}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def manifest(folder: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return loaded


def files_of(folder: Path) -> list[dict[str, Any]]:
    """The file entries of the manifest in ``folder``."""
    files = manifest(folder)["files"]
    assert isinstance(files, list)
    return files


@pytest.mark.slow
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
    for entry in manifest(tmp_path)["files"]:
        errors = sorted({issue["rule"] for issue in by_name[entry["file"]]["issues"] if issue["severity"] == "error"})
        assert errors == sorted(entry["rules"]), entry


def test_threads_are_consistent(tmp_path: Path) -> None:
    assert run("fixtures", "--out", str(tmp_path), "--count", "4", "--seed", "2", "--threads")[0] == 0
    _check_folder(tmp_path)
    files = manifest(tmp_path)["files"]
    threads: dict[str, list[dict[str, object]]] = {}
    for entry in files:
        threads.setdefault(entry["thread"], []).append(entry)
    assert len(threads) == 4
    for entries in threads.values():
        first, first_receipt, reply, reply_receipt = (tmp_path / str(entry["file"]) for entry in entries)
        first_root = etree.parse(str(first)).getroot()
        reply_root = etree.parse(str(reply)).getroot()
        first_id = first_root.findtext("mh:MsgInfo/mh:MsgId", namespaces=MH)
        assert reply_root.findtext("mh:MsgInfo/mh:ConversationRef/mh:RefToParent", namespaces=MH) == first_id
        assert dmtool.validate(reply, original=dmtool.rules.facts.original_of(dmtool.parse(first))).valid
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
    assert [path.name for path in tmp_path.iterdir()] == ["old.xml"]  # the refused runs created nothing


@pytest.mark.parametrize(
    "options",
    [
        ["--invalid", "BOGUS"],
        ["--invalid", "XSD"],
        ["--kinds", "helsefaglig", "--dialog-version", "1.0"],
        ["--threads", "--invalid", "all"],
        ["--threads", "--kinds", "notat"],
    ],
)
def test_refused_options_create_nothing(options: list[str], tmp_path: Path) -> None:
    """A usage error found after the options are parsed still leaves no --out folder behind (nested or not)."""
    for out in (tmp_path / "e3", tmp_path / "deep" / "e3"):
        code, output = run("fixtures", "--out", str(out), *options)
        assert code == 2, output
        assert len(output.strip().splitlines()) == 1, output
    assert not any(tmp_path.iterdir())


# -- claiming the folder: one run of two, nothing partial --------------------------------------------------------------


def _hidden(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


@pytest.mark.parametrize("exists", [False, True], ids=["new-folder", "empty-folder"])
def test_of_two_runs_into_one_folder_one_is_refused(tmp_path: Path, exists: bool) -> None:
    """A second run starts while the first writes (from the first one's progress): a new folder goes to whichever
    renames its hidden folder into place first, an empty one to whichever claims it first; the other is refused and
    leaves nothing."""
    out = tmp_path / "D"
    if exists:
        out.mkdir()
    second: list[BaseException | list[fixtures.Entry]] = []

    def start_another(written: int) -> None:
        if written == 1:
            try:
                second.append(fixtures.write(fixtures.Plan(count=2, seed=9), out))
            except FileExistsError as error:
                second.append(error)

    first: BaseException | list[fixtures.Entry]
    try:
        first = fixtures.write(fixtures.Plan(count=3, seed=1), out, start_another)
    except FileExistsError as error:
        first = error
    (other,) = second
    if exists:  # claimed by the first: the second is refused at once
        assert isinstance(first, list) and isinstance(other, FileExistsError)
        assert "being written by another dmtool fixtures run" in str(other)
        assert len(files_of(out)) == 3
    else:  # the second renamed its folder into place first: the first is refused at the end
        assert isinstance(other, list) and isinstance(first, FileExistsError)
        assert "written by another dmtool fixtures run meanwhile" in str(first)
        assert len(files_of(out)) == 2
    assert _hidden(tmp_path) == _hidden(out) == []


def test_two_runs_started_together_one_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "D"
    command = [sys.executable, "-m", "dmtool", "fixtures", "--out", str(out), "--count", "30"]
    runs = [subprocess.Popen([*command, "--seed", str(seed)], stderr=subprocess.PIPE) for seed in (1, 2)]
    outcomes = sorted((process.communicate(timeout=120)[1], process.returncode)[::-1] for process in runs)
    assert [status for status, _ in outcomes] == [0, 2], outcomes
    assert b"another dmtool fixtures run" in outcomes[1][1] or b"not an empty folder" in outcomes[1][1]
    assert len(files_of(out)) == 30 and _hidden(tmp_path) == _hidden(out) == []


@pytest.mark.parametrize("exists", [False, True], ids=["new-folder", "empty-folder"])
def test_a_run_that_fails_halfway_leaves_no_partial_folder(tmp_path: Path, exists: bool) -> None:
    """A full disk, say: the folder is as it was, so that a rerun is not refused."""
    out = tmp_path / "D"
    if exists:
        out.mkdir()

    def disk_full(written: int) -> None:
        if written == 2:
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        fixtures.write(fixtures.Plan(count=4), out, disk_full)
    assert sorted(path.name for path in tmp_path.iterdir()) == (["D"] if exists else [])
    assert not exists or not any(out.iterdir())
    assert len(fixtures.write(fixtures.Plan(count=4), out)) == 4


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(("how", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stopped_run_leaves_no_partial_folder(tmp_path: Path, how: int, status: int) -> None:
    out = tmp_path / "D"
    process = subprocess.Popen(
        [sys.executable, "-m", "dmtool", "fixtures", "--out", str(out), "--count", "100000"], stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120  # a guard against a hang, not a measure
    while time.monotonic() < deadline and not any(len(list(path.iterdir())) > 5 for path in tmp_path.iterdir()):
        time.sleep(0.05)
    process.send_signal(how)
    _, err = process.communicate(timeout=120)
    assert process.returncode == status and b"Traceback" not in err and b"Exception ignored" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_claim_left_by_a_killed_run_is_named(tmp_path: Path) -> None:
    (tmp_path / fixtures.CLAIM).mkdir()
    code, output = run("fixtures", "--out", str(tmp_path), "--count", "1")
    assert code == 2 and f"left {tmp_path / fixtures.CLAIM}: remove it" in output


@pytest.mark.parametrize("version", ["6.100.0", "6.133.1"])
def test_a_hypothesis_too_old_for_the_engine_is_named_not_a_traceback(version: str, tmp_path: Path) -> None:
    """Before 6.133.2 the internals ``fixtures.draw`` uses are missing or take other arguments (a TypeError)."""
    code = (
        "import sys, hypothesis\n"
        f"hypothesis.__version__ = {version!r}\n"
        f"hypothesis.__version_info__ = {tuple(map(int, version.split('.')))!r}\n"
        "from dmtool.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    out = tmp_path / "out"
    ran = subprocess.run(
        [sys.executable, "-c", code, "fixtures", "--out", str(out), "--count", "1"], capture_output=True, text=True
    )
    assert ran.returncode == 2 and "Traceback" not in ran.stderr
    assert f"hypothesis {version} is too old: dmtool fixtures needs 6.133.2 or newer" in ran.stderr
    assert "pip install -U 'dmtool[fixtures]'" in ran.stderr
    assert not out.exists()


def test_the_package_asks_for_the_hypothesis_the_engine_needs() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    oldest = ".".join(map(str, fixtures.OLDEST_HYPOTHESIS))
    for extra in ("fixtures", "test"):
        assert f"hypothesis>={oldest}" in extras[extra], extra


def test_refused_plans_raise_before_anything_is_drawn_or_written(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown rule 'BOGUS'"):
        fixtures.generate(fixtures.Plan(count=1, invalid=("BOGUS",)))  # at the call, not at the first file
    with pytest.raises(ValueError, match="--invalid cannot be used with --threads"):
        fixtures.write(fixtures.Plan(count=1, invalid=("NO-ATTACHMENTS",), threads=True), tmp_path / "x")
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("rule", sorted({rule.id for rule in rules.RULES} - set(strategies.HARD_RULES)))
def test_a_rule_fixtures_cannot_break_is_named_as_such(rule: str, tmp_path: Path) -> None:
    """XSD, NOT-XML, ... exist (dmtool rules lists them): the error says fixtures cannot break them, and which they
    can, rather than calling them unknown."""
    code, output = run("fixtures", "--out", str(tmp_path / "out"), "--invalid", rule.lower())
    assert code == 2
    assert "unknown" not in output and f"cannot break {rule}" in output
    assert "fixtures break only the guideline rules they can generate: " + ", ".join(strategies.HARD_RULES) in output
    assert len(output.strip().splitlines()) == 1
    code, output = run("fixtures", "--out", str(tmp_path / "out"), "--invalid", "NO-SUCH-RULE")
    assert code == 2 and "unknown rule 'NO-SUCH-RULE'" in output and ", ".join(strategies.HARD_RULES) in output
    assert not (tmp_path / "out").exists()


def test_threads_refuse_invalid_and_kinds_that_are_not_whole_threads(tmp_path: Path) -> None:
    """--threads cannot write rule-breaking files, nor a thread of notat alone or of helsefaglig: refused, exit 2."""
    code, output = run("fixtures", "--out", str(tmp_path / "a"), "--threads", "--invalid", "NO-ATTACHMENTS")
    assert code == 2 and "--invalid cannot be used with --threads" in output
    for kinds in ("notat", "foresporsel", "svar,avvik", "helsefaglig", "foresporsel,svar,helsefaglig"):
        code, output = run("fixtures", "--out", str(tmp_path / "a"), "--threads", "--kinds", kinds)
        assert code == 2, kinds
        assert "--kinds names whole threads: foresporsel,svar and/or notat,avvik" in output, output
    assert not (tmp_path / "a").exists()


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ([], ["foresporsel", "svar", "notat", "avvik"]),
        (["--kinds", "notat,avvik"], ["notat", "avvik"]),
        (["--kinds", "svar,foresporsel"], ["svar", "foresporsel"]),
        (["--kinds", "foresporsel,svar,notat,avvik"], ["foresporsel", "svar", "notat", "avvik"]),
    ],
)
def test_threads_honour_kinds_and_the_manifest_records_what_was_applied(
    kinds: list[str], expected: list[str], tmp_path: Path
) -> None:
    """--kinds picks the threads; the manifest's kinds are exactly the kinds of the messages written, and its
    invalid is empty (nothing else is applied to threads)."""
    assert run("fixtures", "--out", str(tmp_path), "--count", "4", "--seed", "1", "--threads", *kinds)[0] == 0
    recorded = manifest(tmp_path)
    options = recorded["options"]
    files = recorded["files"]
    assert isinstance(options, dict) and isinstance(files, list)
    assert options["kinds"] == expected and options["invalid"] == [] and options["threads"] is True
    written = {entry["kind"] for entry in files if entry["kind"] != "APPREC"}
    assert written == {str(fixtures.KIND_NAMES[kind]) for kind in expected}
    assert {entry["version"] for entry in files if entry["kind"] != "APPREC"} == set(options["dialog_versions"])
    _check_folder(tmp_path)


def test_threads_take_the_kinds_of_thread_and_the_versions_in_turn(tmp_path: Path) -> None:
    """Four threads are forespørsel 1.0, forespørsel 1.1, notat 1.0, notat 1.1: every kind of thread in every
    version (before, the forespørsel threads were all 1.0 and the notat threads all 1.1)."""
    assert run("fixtures", "--out", str(tmp_path), "--count", "4", "--seed", "2", "--threads")[0] == 0
    files = manifest(tmp_path)["files"]
    assert isinstance(files, list)
    firsts = [(entry["kind"], entry["version"]) for entry in files if "-1-" in entry["file"]]
    assert firsts == [
        ("DIALOG_FORESPORSEL", "1.0"),
        ("DIALOG_FORESPORSEL", "1.1"),
        ("DIALOG_NOTAT", "1.0"),
        ("DIALOG_NOTAT", "1.1"),
    ]


def test_valid_files_take_every_kind_and_version_in_turn_between_rule_breakers(tmp_path: Path) -> None:
    """With two rules every third file is valid: the valid files still go through every kind and version (before,
    they took only every third (kind, version), and never a valid svar 1.0, avvik or helsefaglig)."""
    options = ["--count", "27", "--seed", "4", "--invalid", "NO-ATTACHMENTS", "--invalid", "ACK-REQUESTED"]
    assert run("fixtures", "--out", str(tmp_path), *options)[0] == 0
    files = manifest(tmp_path)["files"]
    assert isinstance(files, list)
    valid = [(entry["kind"], entry["version"]) for entry in files if entry["verdict"] == "valid"]
    assert valid == [(str(kind), version) for kind, version in fixtures.Plan(count=0).combos()]
    _check_folder(tmp_path)


def test_kinds_and_versions_are_respected(tmp_path: Path) -> None:
    assert run("fixtures", "--out", str(tmp_path), "--count", "6", "--kinds", "notat,svar", "--dialog-version",
               "1.1")[0] == 0  # fmt: skip
    entries = manifest(tmp_path)["files"]
    assert {entry["kind"] for entry in entries} == {"DIALOG_NOTAT", "DIALOG_SVAR"}
    assert {entry["version"] for entry in entries} == {"1.1"}


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


def test_the_sample_corpus_covers_every_kind_version_and_rule() -> None:
    """What the docs say of fixtures/generated (docs/reference/fixtures.md): a valid message of every kind in every
    version it exists in, a breaker of every rule --invalid all covers, and every kind of thread in both versions."""
    assert sorted(path.name for path in GENERATED.iterdir()) == sorted(make_fixtures.PLANS)
    entries = [entry for name in make_fixtures.PLANS for entry in files_of(GENERATED / name)]
    valid = {(entry["kind"], entry["version"]) for entry in entries if entry["verdict"] == "valid"}
    every = {(str(kind), version) for kind in dmtool.Kind for version in strategies.kind_versions(kind)}
    assert len(every) == 9 and every <= valid, sorted(every - valid)
    broken = {rule for entry in entries for rule in entry["rules"]}
    assert broken == set(strategies.HARD_RULES)  # what --invalid all breaks
    firsts = {(entry["kind"], entry["version"]) for entry in files_of(GENERATED / "threads") if "-1-" in entry["file"]}
    assert firsts == {(kind, version) for kind in ("DIALOG_FORESPORSEL", "DIALOG_NOTAT") for version in ("1.0", "1.1")}


def test_the_docs_example_is_what_the_command_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tutorial's fixtures example (docs/tutorial/fixtures.md), run as written: the same line printed and the same
    manifest.json, byte for byte (when the hypothesis version is the one the example names); the reference's list of
    --invalid all (docs/reference/fixtures.md) is HARD_RULES."""
    tutorial = (ROOT / "docs" / "tutorial" / "fixtures.md").read_text(encoding="utf-8")
    shown = r"```console\n\$ dmtool (fixtures --out D [^\n]*)\n(.*?)\$ cat D/manifest\.json\n(.*?)```"
    example = re.search(shown, tutorial, re.S)
    assert example is not None
    command, printed, written = example.groups()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, command.split())
    assert result.exit_code == 0
    assert result.output == printed  # CliRunner mixes standard error in
    recorded = json.loads(written)
    if recorded["generator"]["hypothesis"] == hypothesis.__version__:
        assert (tmp_path / "D" / "manifest.json").read_text(encoding="utf-8") == written
    else:  # other draws: the same options at least
        assert manifest(tmp_path / "D")["options"] == recorded["options"]
    assert recorded["options"]["invalid"] == list(strategies.HARD_RULES)
    reference = (ROOT / "docs" / "reference" / "fixtures.md").read_text(encoding="utf-8")
    named = re.search(r"`all` is exactly these \w+: (.*?)\. Any other", reference, re.S)
    assert named is not None
    assert re.findall(r"`([A-Z-]+)`", named.group(1)) == list(strategies.HARD_RULES)


@hypothesis.settings(max_examples=15)
@hypothesis.given(strategies.threads())
def test_threads_strategy_gives_consistent_threads(thread: strategies.Thread) -> None:
    assert thread.reply.conversation is not None
    assert thread.reply.conversation.parent == thread.first.msg_id
    assert thread.reply.receiver == thread.first.sender and thread.reply.sender == thread.first.receiver
    for message, receipt in ((thread.first, thread.first_receipt), (thread.reply, thread.reply_receipt)):
        verdict = dmtool.check_apprec(receipt, message)
        assert verdict.consistent and verdict.outcome == "delivered", verdict.report.issues
        assert receipt.version == ("1.1" if message.version == "1.1" else "1.0")
