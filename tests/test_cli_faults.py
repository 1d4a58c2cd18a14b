"""``dmtool validate`` under faults, in processes of its own: SIGINT, SIGTERM, SIGKILL and a closed output pipe stop
the run with the right status, and no worker outlives it."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from paths import GENERATED, generated_counts

#: What ``dmtool validate`` says of the generated folder, and how many files it holds.
GENERATED_COUNTS = generated_counts()
GENERATED_FILES = len(list(GENERATED.glob("*.xml")))
linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of ``/proc/PID/stat`` after the command name (state, parent, process group, ...); ``None`` when the
    process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def group(pgid: int) -> set[int]:
    """The processes of the process group ``pgid`` that are alive (not zombies waiting to be reaped)."""
    found = set()
    for entry in os.listdir("/proc"):
        fields = _stat_fields(int(entry)) if entry.isdigit() else None
        if fields is not None and int(fields[2]) == pgid and fields[0] not in "ZX":
            found.add(int(entry))
    return found


def alive(pids: set[int]) -> set[int]:
    """Those of ``pids`` still alive (a zombie is dead: it waits only for its parent, or init, to reap it)."""
    return {pid for pid in pids if (fields := _stat_fields(pid)) is not None and fields[0] not in "ZX"}


def wait_until_dead(pids: set[int]) -> set[int]:
    """Wait for ``pids`` to die, for at most half a minute (a guard against a hang, not a measure); those alive then."""
    deadline = time.monotonic() + 30
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive(pids)


@contextlib.contextmanager
def held_fifo(path: Path) -> Iterator[Path]:
    """A FIFO that a writer holds open without writing while the block runs: whoever reads it waits till then."""
    os.mkfifo(path)
    writer = os.open(path, os.O_RDWR)  # on Linux, opening for both does not wait for a reader
    try:
        yield path
    finally:
        os.close(writer)


@contextlib.contextmanager
def waiting_batch(tmp_path: Path, jobs: str, fmt: str = "json") -> Iterator[tuple[subprocess.Popen[bytes], list[str]]]:
    """``dmtool validate --jobs JOBS`` on the generated files and then a FIFO that blocks its reader, started in a
    session of its own; yields the process once it printed their results, so that it waits for the FIFO's, and the
    lines it printed. With two jobs the FIFO is read by a worker process, with one by dmtool's own."""
    folder = tmp_path / "in"
    shutil.copytree(GENERATED, folder)
    with held_fifo(tmp_path / "zz-slow.xml") as fifo:
        process = subprocess.Popen(
            [sys.executable, "-m", "dmtool", "validate", "--format", fmt, "--jobs", jobs, "--timeout", "3600",
             str(folder), str(fifo)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )  # fmt: skip
        try:
            assert process.stdout is not None
            lines = [process.stdout.readline().decode() for _ in range(GENERATED_FILES)]
            assert all(lines), "dmtool ended early"
            yield process, lines
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@linux_only
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize(("how", "status"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_stopping_signal_stops_the_workers_and_says_what_was_checked(tmp_path: Path, jobs: str, how: str,
                                                                      status: int) -> None:  # fmt: skip
    """SIGINT comes as a terminal sends Ctrl-C, to the whole process group (workers ignore it and are stopped by
    dmtool); SIGTERM as ``subprocess.terminate()`` sends it, to dmtool alone."""
    with waiting_batch(tmp_path, jobs) as (process, lines):
        members = group(process.pid)
        assert process.pid in members and len(members) == (3 if jobs == "2" else 1)
        if how == "SIGINT":
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.terminate()
        out, err = process.communicate(timeout=60)
        assert process.returncode == status
        said = f"dmtool: stopped by {how}: {GENERATED_FILES} of {GENERATED_FILES + 1} checked: {GENERATED_COUNTS}"
        assert err.decode().splitlines() == [said]
        assert not out  # every result was printed before the signal, and nothing after it
        assert len(lines) == GENERATED_FILES and all(json.loads(line) for line in lines)
        assert not alive(members)


@linux_only
def test_workers_die_with_dmtool_killed_outright_and_let_go_of_its_output(tmp_path: Path) -> None:
    """SIGKILL leaves dmtool no time to stop its workers: they end by themselves (the kernel's parent-death signal), so
    that ``communicate()`` sees the end of the output and returns."""
    with waiting_batch(tmp_path, "2") as (process, _):
        workers = group(process.pid) - {process.pid}
        assert len(workers) == 2
        process.kill()
        process.communicate(timeout=60)  # a worker holding standard output or error would keep it waiting
        assert process.returncode == -signal.SIGKILL
        assert not wait_until_dead(workers)


@linux_only
def test_the_parent_watch_ends_a_process_whose_parent_dies(tmp_path: Path) -> None:
    """Where the kernel has no parent-death signal, a worker watches its parent (here made to run on Linux too). The
    watcher learns its parent before it says it is ready: killed between the two, the parent would be init."""
    child = (
        "import os, sys\nfrom dmtool import batch\n"
        "parent = os.getppid()\nprint(os.getpid(), flush=True)\nbatch._watch_parent(parent, 0.05)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"],
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    assert parent.stdout is not None
    watcher = int(parent.stdout.readline())
    assert alive({watcher})
    parent.kill()
    parent.communicate(timeout=60)  # the watcher holds the pipe until it ends
    assert not wait_until_dead({watcher})


@linux_only
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_closed_output_pipe_ends_the_run_quietly_with_141(tmp_path: Path, jobs: str) -> None:
    """``dmtool validate DIR | head -1``: the reader goes away; the next line finds the pipe closed."""
    folder = tmp_path / "in"
    shutil.copytree(GENERATED, folder)
    fifo = tmp_path / "zz-slow.xml"
    with held_fifo(fifo):
        process = subprocess.Popen(
            [sys.executable, "-m", "dmtool", "validate", "--jobs", jobs, str(folder), str(fifo)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline()
        members = group(process.pid)
        process.stdout.close()
    # the FIFO is released: its result is printed into the closed pipe
    try:
        assert process.wait(timeout=60) == 141
        assert process.stderr.read() == b""
        assert not wait_until_dead(members)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
