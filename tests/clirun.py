"""Running ``dmtool`` in a subprocess, bounded: a timeout, its exit status, its output and its peak memory.

``honour_permissions=True`` makes the subprocess subject to file permissions even when the tests run as root, who
reads every file whatever its mode: the child drops ``CAP_DAC_OVERRIDE`` and ``CAP_DAC_READ_SEARCH`` from its
bounding set before it executes Python, so that it has neither once it runs (it keeps its user id, so the
interpreter under ``/root`` stays readable). :func:`require_permissions` skips a test when that cannot be done.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2


@dataclass(frozen=True)
class Ran:
    """What one run did: exit status, output, peak resident memory in MiB, and whether it hit the timeout."""

    returncode: int
    stdout: bytes
    stderr: bytes
    peak_mib: float
    timed_out: bool


def _drop_file_access() -> None:  # runs in the child, between fork and exec
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


#: Starts dmtool and reports its peak memory and wait status. The kernel counts into a child's peak the memory of the
#: process it was forked from, so the test process (large) starts this small one, which starts dmtool.
_STARTER = """
import os, sys
pid = os.posix_spawn(sys.executable, [sys.executable, "-m", "dmtool", *sys.argv[2:]], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as report:
    report.write(f"{usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def run(
    *args: str, stdin: bytes = b"", timeout: float = 30, honour_permissions: bool = False, cwd: Path | None = None
) -> Ran:
    """``python -m dmtool ARGS``; killed after ``timeout`` seconds. Peak memory is that of the dmtool process."""
    drop = _drop_file_access if honour_permissions and os.geteuid() == 0 else None
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report"
        given = Path(scratch) / "stdin"
        given.write_bytes(stdin)
        with given.open("rb") as source:
            process = subprocess.Popen(
                [sys.executable, "-c", _STARTER, str(report), *args],
                stdin=source,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=cwd,
                preexec_fn=drop,
                start_new_session=True,
            )
            try:
                out, err = process.communicate(timeout=timeout)
                timed_out = False
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                out, err = process.communicate()
                timed_out = True
        peak, status = report.read_text().split() if report.exists() else ("0", str(process.returncode))
        return Ran(int(status), out, err, int(peak) / 1024, timed_out)


def require_permissions(folder: Path) -> None:
    """Skip the calling test unless :func:`run` with ``honour_permissions`` is refused a file of mode 000 (made in
    ``folder`` and removed again), saying why."""
    problem = _permissions_problem(folder)
    if problem:
        pytest.skip(problem)


def _permissions_problem(folder: Path) -> str | None:
    probe = folder / "probe.xml"
    probe.write_bytes(b"<x/>")
    probe.chmod(0)
    try:
        ran = run("validate", str(probe), honour_permissions=True)
    except (OSError, subprocess.SubprocessError) as error:
        return f"cannot drop the right to read every file: {error}"
    finally:
        probe.unlink()
    if ran.returncode != 2 or b"IO-ERROR" not in ran.stdout:
        return "a file of mode 000 stays readable to the subprocess (root without a way to drop CAP_DAC_OVERRIDE)"
    return None
