"""dmtool validate DIR --jobs N: every input exactly once, in the same order on any number of workers, whatever
happens to the files or to the workers."""

from __future__ import annotations

import faulthandler
import itertools
import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import clirun
import pytest
from click.testing import CliRunner
from paths import EXAMPLES, GENERATED, generated_counts

import dmtool
from dmtool import batch
from dmtool.cli import main
from dmtool.report import Report
from dmtool.standards.profiles import Settings
from dmtool.xml import source

#: Killing a worker from inside it needs the test's replacement of ``batch.check`` in the worker: forked workers.
needs_fork = pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork",
    reason="the worker runs the test's check only when workers are forked from the test process",
)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def generated_items(tmp_path: Path) -> list[batch.Input]:
    items = [batch.Input(str(path), path) for path in sorted(GENERATED.glob("*.xml"))]
    items.append(batch.Input("missing.xml", tmp_path / "missing.xml"))
    return items


def test_one_and_two_workers_print_the_same_lines_in_the_same_order(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(GENERATED, folder)
    shutil.copytree(EXAMPLES, folder / "examples")
    (folder / "broken.xml").write_bytes(b"<not xml")
    one = run("validate", "--format", "json", "--jobs", "1", str(folder))
    two = run("validate", "--format", "json", "--jobs", "2", str(folder))
    assert one == two
    code, output = one
    assert code == 1
    lines = [json.loads(line) for line in output.splitlines()]
    assert len(lines) == len(list(folder.rglob("*.xml"))) >= batch.MIN_PARALLEL
    assert [line["path"] for line in lines] == sorted(str(p) for p in folder.rglob("*.xml"))


def test_parallel_results_equal_sequential_ones(tmp_path: Path) -> None:
    items = generated_items(tmp_path)
    sequential = list(batch.check_all(items, Settings(), None, jobs=1))
    parallel = list(batch.check_all(items, Settings(), None, jobs=2))
    assert parallel == sequential
    report, unreadable = parallel[-1]
    assert unreadable and report.issues[0].rule == "IO-ERROR"


def where_presented(report: Report, unchecked: bool) -> tuple[str | None, bool, int]:
    """A ``present`` for :func:`batch.check_all` that says which process presented the result."""
    return report.path, unchecked, os.getpid()


def test_results_are_presented_in_the_workers_in_order(tmp_path: Path) -> None:
    """The caller's ``present`` (the CLI renders its output line with it) runs in the worker that checked the file,
    so that the process reading the results does not hold the workers back; in this process with one worker."""
    items = generated_items(tmp_path)
    plain = list(batch.check_all(items, Settings(), None, jobs=2))
    for jobs in (1, 2):
        presented = list(batch.check_all(items, Settings(), None, jobs, where_presented))
        assert [(path, unchecked) for path, unchecked, _ in presented] == [
            (report.path, unchecked) for report, unchecked in plain
        ]
        pids = {pid for _, _, pid in presented}
        assert (pids == {os.getpid()}) if jobs == 1 else (os.getpid() not in pids and len(pids) >= 1)


def test_the_pool_holds_only_a_few_chunks_ahead_of_the_reader(tmp_path: Path, monkeypatch) -> None:
    """Memory stays flat on big batches: chunks are handed to the pool only as results are read."""
    from concurrent.futures import ProcessPoolExecutor

    submitted: list[int] = []
    submit = ProcessPoolExecutor.submit

    def counting(self, fn, /, *args, **kwargs):
        submitted.append(len(args[0]))
        return submit(self, fn, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", counting)
    items = generated_items(tmp_path) * 4
    window = 2 * batch.AHEAD + 1  # chunks in the pool at most, with two workers
    read = 0
    for read, _ in enumerate(batch.check_all(items, Settings(), None, jobs=2), start=1):
        assert sum(submitted) <= read + window * max(submitted)
    assert read == len(items) and sum(submitted) == len(items) and len(submitted) > 2 * window


# -- workers that die -------------------------------------------------------------------------------------------------


def _segfault() -> None:
    faulthandler.disable()  # pytest's would print the worker's stack into the test log
    os.kill(os.getpid(), signal.SIGSEGV)


DEATHS: dict[str, Callable[[], None]] = {
    "exit": lambda: os._exit(3),
    "sigkill": lambda: os.kill(os.getpid(), signal.SIGKILL),
    "segfault": _segfault,
}


def dying_on(monkeypatch: pytest.MonkeyPatch, fatal: set[str], death: Callable[[], None], once: Path | None = None):
    """Make the worker die while it checks a file named in ``fatal``; with ``once``, only the first time (the file
    ``once`` is created then)."""
    check = batch.check

    def dying(item: batch.Input, settings: Settings, original: object) -> list[batch.Result]:
        if item.shown in fatal and os.getpid() != parent:
            if once is None:
                death()
                return []  # not reached: death() ends the worker
            try:
                os.close(os.open(once, os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                pass
            else:
                death()
        return check(item, settings, None)

    parent = os.getpid()
    monkeypatch.setattr(batch, "check", dying)


@needs_fork
@pytest.mark.parametrize("death", list(DEATHS))
def test_a_worker_that_dies_takes_no_other_result_with_it(tmp_path: Path, monkeypatch, death) -> None:
    items = generated_items(tmp_path)
    expected = list(batch.check_all(items, Settings(), None, jobs=1))
    fatal = {items[3].shown, items[30].shown}
    dying_on(monkeypatch, fatal, DEATHS[death])
    results = list(batch.check_all(items, Settings(), None, jobs=2))
    only_these_lost(items, results, expected, fatal, "WORKER-CRASHED", "report it as a bug")


def only_these_lost(
    items: list[batch.Input], results: list[batch.Result], expected: list[batch.Result], lost: set[str], rule: str,
    words: str,
) -> None:  # fmt: skip
    """Every item has its result in order: the ``lost`` ones one issue ``rule`` naming the file and saying ``words``,
    the others what they get with one worker."""
    assert [report.path for report, _ in results] == [item.shown for item in items]
    for item, (report, unchecked), (wanted, _) in zip(items, results, expected, strict=True):
        if item.shown in lost:
            assert unchecked and [issue.rule for issue in report.issues] == [rule]
            assert item.shown in report.issues[0].message and words in report.issues[0].message
        else:
            assert report == wanted


def _hang() -> None:
    """Longer than the tests' time limit, and short enough that a test without one ends: with a result that is not
    ``TIMEOUT``."""
    time.sleep(20)


@needs_fork
def test_a_file_that_outlasts_the_time_limit_twice_is_a_timeout_and_costs_no_other_result(
    tmp_path: Path, monkeypatch
) -> None:
    items = generated_items(tmp_path)
    expected = list(batch.check_all(items, Settings(), None, jobs=1))
    dying_on(monkeypatch, {items[7].shown}, _hang)
    results = list(batch.check_all(items, Settings(), None, jobs=2, timeout=1.0))
    only_these_lost(items, results, expected, {items[7].shown}, "TIMEOUT", "took more than 1 s")


@needs_fork
@pytest.mark.parametrize(("death", "timeout"), [(DEATHS["sigkill"], None), (_hang, 1.0)], ids=["sigkill", "timeout"])
def test_a_file_whose_worker_dies_once_is_checked_again(tmp_path: Path, monkeypatch, death, timeout) -> None:
    items = generated_items(tmp_path)
    expected = list(batch.check_all(items, Settings(), None, jobs=1))
    dying_on(monkeypatch, {items[10].shown}, death, once=tmp_path / "died")
    assert list(batch.check_all(items, Settings(), None, jobs=2, timeout=timeout)) == expected
    assert (tmp_path / "died").exists()


@needs_fork
def test_closing_the_results_early_kills_the_workers_at_once(tmp_path: Path, monkeypatch) -> None:
    """A caller that stops reading (Ctrl-C, a closed pipe) does not wait for the workers' work: here one hangs for an
    hour on a file, and closing the iterator ends it."""
    items = generated_items(tmp_path)
    started = tmp_path / "hanging"
    size = batch.chunk_size(len(items), 2)
    first = -(-20 // size) * size  # the hanging file starts a chunk: every result before it can be read

    def hang() -> None:
        started.touch()
        time.sleep(3600)

    dying_on(monkeypatch, {items[first].shown}, hang)
    results = batch.check_all(items, Settings(), None, 2, where_presented)
    workers = {pid for _, _, pid in itertools.islice(results, first)}
    deadline = time.monotonic() + 60  # guards against a hang, not measures
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert started.exists()
    closing = threading.Thread(target=results.close, daemon=True)
    closing.start()
    closing.join(60)
    assert not closing.is_alive(), "closing waited for the workers"
    for pid in workers:
        with pytest.raises(ProcessLookupError):  # killed and reaped
            os.kill(pid, 0)


@needs_fork
def test_the_cli_counts_a_crashed_file_and_exits_2(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "in"
    shutil.copytree(GENERATED, folder)
    victim = str(folder / "00005-svar-1.0-patient-required.xml")
    dying_on(monkeypatch, {victim}, DEATHS["exit"])
    code, output = run("validate", "--jobs", "2", str(folder))
    assert code == 2
    assert f"{victim}: CRASHED" in output and "error WORKER-CRASHED:" in output
    total = len(list(folder.glob("*.xml")))
    assert output.rstrip().endswith(f"{total} checked: {generated_counts(crashed=1)}")
    code, output = run("validate", "--format", "json", "--jobs", "2", str(folder))
    assert code == 2
    lines = [json.loads(line) for line in output.splitlines()]
    assert len(lines) == total
    assert [line["issues"][0]["rule"] for line in lines if line["path"] == victim] == ["WORKER-CRASHED"]


@needs_fork
def test_the_cli_counts_a_timeout_as_crashed_and_exits_2(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "in"
    shutil.copytree(GENERATED, folder)
    victim = str(folder / "00005-svar-1.0-patient-required.xml")
    dying_on(monkeypatch, {victim}, _hang)
    code, output = run("validate", "--jobs", "2", "--timeout", "0.5", str(folder))
    assert code == 2
    assert f"{victim}: CRASHED" in output and "error TIMEOUT:" in output and "took more than 0.5 s" in output
    total = len(list(folder.glob("*.xml")))
    assert output.rstrip().endswith(f"{total} checked: {generated_counts(crashed=1)}")


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_the_time_limit_must_be_a_positive_number(value: str) -> None:
    code, output = run("validate", "--timeout", value, str(EXAMPLES / "foresporsel-1.0.xml"))
    assert code == 2 and "--timeout" in output


@pytest.mark.parametrize("jobs", [pytest.param(1), pytest.param(2, marks=needs_fork)])
def test_a_bug_on_one_file_costs_only_that_file_its_verdict(tmp_path: Path, monkeypatch, jobs: int) -> None:
    folder = tmp_path / "in"
    shutil.copytree(GENERATED, folder)
    victim = str(folder / "00005-svar-1.0-patient-required.xml")
    validate_each = dmtool.validate_each

    def buggy(source, **options):
        if options.get("path") == victim:
            raise KeyError("secret-detail")
        return validate_each(source, **options)

    monkeypatch.setattr(batch, "validate_each", buggy)
    code, output = run("validate", "--jobs", str(jobs), str(folder))
    assert code == 2 and "Traceback" not in output and "secret-detail" not in output
    assert f"{victim}: CRASHED" in output and "error INTERNAL-ERROR: dmtool failed while checking" in output
    total = len(list(folder.glob("*.xml")))
    assert output.rstrip().endswith(f"{total} checked: {generated_counts(crashed=1)}")


# -- files that vanish ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_fifo_in_a_folder_is_reported_not_waited_for(tmp_path: Path, jobs: str) -> None:
    folder = tmp_path / "in"
    shutil.copytree(GENERATED, folder)
    os.mkfifo(folder / "00000-pipe.xml")
    ran = clirun.run("validate", "--format", "json", "--jobs", jobs, str(folder), timeout=60)
    assert not ran.timed_out and ran.returncode == 2
    first = json.loads(ran.stdout.splitlines()[0])
    assert first["path"].endswith("00000-pipe.xml") and first["issues"][0]["rule"] == "IO-ERROR"
    assert "not a regular file" in first["issues"][0]["message"]
    assert len(ran.stdout.splitlines()) == len(list(GENERATED.glob("*.xml"))) + 1


def test_a_named_fifo_without_a_writer_reads_as_empty_at_once(tmp_path: Path) -> None:
    """Opening it without ``O_NONBLOCK`` would wait for a writer for ever."""
    fifo = tmp_path / "m.xml"
    os.mkfifo(fifo)
    found: list[bytes] = []
    reader = threading.Thread(target=lambda: found.append(source.read_path(fifo)), daemon=True)
    reader.start()
    reader.join(30)
    if reader.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # let it go
        pytest.fail("reading a FIFO nobody writes to waited")
    assert found == [b""]


def test_a_named_fifo_is_read_as_a_stream() -> None:
    """A FIFO the caller names (``<(zcat m.xml.gz)``) is read to its end, as standard input is."""
    ran = subprocess.run(
        ["bash", "-c", f'{sys.executable} -m dmtool validate <(cat "$0")', EXAMPLES / "foresporsel-1.0.xml"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert b": valid  msghead dialog-1.0" in ran.stdout


def test_standard_input_from_a_pipe_still_works() -> None:
    data = (EXAMPLES / "foresporsel-1.0.xml").read_bytes()
    ran = subprocess.run(
        [sys.executable, "-m", "dmtool", "validate", "--format", "json", "-"], input=data, capture_output=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert ran.returncode == 0 and json.loads(ran.stdout)["valid"] is True


def test_a_listed_file_swapped_for_a_fifo_after_the_look_is_refused_not_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The look (``stat``) says a regular file; by the time it is opened it is a FIFO: ``fstat`` on the open
    descriptor sees it, and nothing waits for a writer."""
    fifo = tmp_path / "swapped.xml"
    os.mkfifo(fifo)
    regular = os.stat(EXAMPLES / "foresporsel-1.0.xml")
    real_stat = os.stat
    monkeypatch.setattr(
        os, "stat", lambda path, *a, **k: regular if str(path) == str(fifo) else real_stat(path, *a, **k)
    )
    found: list[list[batch.Result]] = []
    item = batch.Input(str(fifo), str(fifo), listed=True)
    checker = threading.Thread(target=lambda: found.append(batch.check(item, Settings(), None)), daemon=True)
    checker.start()
    checker.join(30)
    if checker.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("checking a listed file swapped for a FIFO waited")
    (((report, unchecked),),) = found
    assert unchecked and [issue.rule for issue in report.issues] == ["IO-ERROR"]
    assert "not a regular file" in report.issues[0].message


@pytest.mark.parametrize("jobs", [1, 2])
def test_files_that_vanish_while_the_batch_runs_are_io_errors(tmp_path: Path, jobs: int) -> None:
    """Each result deletes a file further on: gone before it is read (always so with one worker), or read already."""
    folder = tmp_path / "in"
    shutil.copytree(GENERATED, folder)
    items = [batch.Input(str(path), str(path)) for path in sorted(folder.glob("*.xml"))]
    doomed = {item.shown for item in items[5::4]}
    results = []
    for at, result in enumerate(batch.check_all(items, Settings(), None, jobs=jobs)):
        results.append(result)
        if at + 5 < len(items) and items[at + 5].shown in doomed:
            os.unlink(items[at + 5].shown)
    assert [report.path for report, _ in results] == [item.shown for item in items]
    vanished = {report.path for report, unchecked in results if unchecked}
    assert vanished <= doomed and (jobs == 2 or vanished == doomed)
    for report, unchecked in results:
        if unchecked:
            (issue,) = report.issues
            assert issue.rule == "IO-ERROR" and "No such file or directory" in issue.message


# -- a thousand files, a hundred broken -------------------------------------------------------------------------------


def _thousand_files(folder: Path) -> dict[str, int]:
    """900 valid messages and 100 broken files in sub-folders, plus files that are not *.xml; the counts expected."""
    rng = random.Random(1000)
    valid = sorted(EXAMPLES.glob("*.xml"))
    manifest = json.loads((GENERATED / "manifest.json").read_text())
    invalid = [GENERATED / entry["file"] for entry in manifest["files"] if entry["verdict"] == "invalid"]
    broken: list[tuple[str, Callable[[Path], None]]] = (
        [("not-xml", lambda path: path.write_text(f"this is not XML {path.name}\n"))] * 15
        + [("truncated", lambda path: path.write_bytes(rng.choice(valid).read_bytes()[:700]))] * 15
        + [("empty", lambda path: path.write_bytes(b""))] * 10
        + [("binary", lambda path: path.write_bytes(rng.randbytes(2048)))] * 10
        + [("unreadable", lambda path: (shutil.copy(valid[0], path), path.chmod(0)))] * 10
        + [("vanished", lambda path: path.symlink_to(path.with_name("gone-before-it-was-read")))] * 10
        + [("rule", lambda path: shutil.copy(rng.choice(invalid), path))] * 30
    )
    slots = rng.sample(range(1000), len(broken))
    kinds = dict(zip(slots, broken, strict=True))
    for number in range(1000):
        target = folder / f"part-{number % 7}" / (f"sub-{number % 3}" if number % 2 else "") / f"m{number:04d}.xml"
        target.parent.mkdir(parents=True, exist_ok=True)
        if number in kinds:
            name, make = kinds[number]
            make(target.with_name(f"m{number:04d}-{name}.xml"))
        else:
            shutil.copy(valid[number % len(valid)], target)
    (folder / "part-0" / "notes.txt").write_text("not *.xml: not checked")
    (folder / "part-1" / "m.xml.bak").write_text("<not checked")
    return {"valid": 900, "invalid": 15 + 15 + 10 + 10 + 30, "unreadable": 10 + 10}


@pytest.mark.slow
def test_a_thousand_files_a_hundred_broken_give_a_thousand_results(tmp_path: Path) -> None:
    """Unreadable files need file permissions to hold: the CLI runs without root's power to read every file."""
    clirun.require_permissions(tmp_path)
    folder = tmp_path / "batch"
    counts = _thousand_files(folder)
    runs = {
        (fmt, jobs): clirun.run("validate", "--format", fmt, "--jobs", jobs, str(folder), honour_permissions=True)
        for fmt, jobs in [("json", "1"), ("json", "2"), ("text", "2")]
    }
    for ran in runs.values():
        assert not ran.timed_out and ran.returncode == 2
        assert b"Traceback" not in ran.stdout + ran.stderr
    assert runs["json", "1"].stdout == runs["json", "2"].stdout
    lines = [json.loads(line) for line in runs["json", "2"].stdout.splitlines()]
    paths = [line["path"] for line in lines]
    assert len(paths) == len(set(paths)) == 1000
    assert paths == sorted(paths, key=lambda path: Path(path).parts)
    unreadable = [line for line in lines if line["issues"] and line["issues"][0]["rule"] == "IO-ERROR"]
    assert len(unreadable) == counts["unreadable"]
    assert {line["path"].rsplit("-", 1)[-1] for line in unreadable} == {"unreadable.xml", "vanished.xml"}
    assert sum(line["valid"] for line in lines) == counts["valid"]
    assert all("-" not in Path(line["path"]).name for line in lines if line["valid"])
    text = runs["text", "2"].stdout.decode().splitlines()
    assert text[-1] == f"1000 checked: {counts['valid']} valid, {counts['invalid']} invalid, 20 unreadable"
    verdicts = [line for line in text if not line.startswith(" ")][:-1]
    assert [line.split(": ", 1)[0] for line in verdicts] == paths


def test_a_folder_that_cannot_be_listed_is_one_unreadable_result_in_its_place(tmp_path: Path) -> None:
    """Its files would otherwise be lost without a word: the batch reports the folder, in path order, and exits 2."""
    clirun.require_permissions(tmp_path)
    folder = tmp_path / "batch"
    for part in ("a", "b-locked", "c"):
        (folder / part).mkdir(parents=True)
        shutil.copy(EXAMPLES / "foresporsel-1.0.xml", folder / part / "m.xml")
    (folder / "b-locked").chmod(0)
    try:
        for target in (folder, folder / "b-locked"):
            ran = clirun.run("validate", "--format", "json", str(target), honour_permissions=True)
            assert ran.returncode == 2 and b"Traceback" not in ran.stderr
            lines = [json.loads(line) for line in ran.stdout.splitlines()]
            locked = next(line for line in lines if line["path"].endswith("b-locked"))
            assert [issue["rule"] for issue in locked["issues"]] == ["IO-ERROR"]
            assert "cannot be listed: Permission denied" in locked["issues"][0]["message"]
        assert [Path(line["path"]).relative_to(folder).as_posix() for line in lines] == ["b-locked"]
        ran = clirun.run("validate", "--format", "json", str(folder), honour_permissions=True)
        paths = [Path(json.loads(line)["path"]).relative_to(folder).as_posix() for line in ran.stdout.splitlines()]
        assert paths == ["a/m.xml", "b-locked", "c/m.xml"]
    finally:
        (folder / "b-locked").chmod(0o755)


def test_a_folder_without_xml_files_beside_other_inputs_still_exits_2(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["validate", str(EXAMPLES / "foresporsel-1.0.xml"), str(tmp_path / "empty")])
    assert result.exit_code == 2
    assert "no *.xml files under" in result.stderr
    assert "1 checked: 1 valid" in result.stdout
