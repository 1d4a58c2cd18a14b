"""Validating many inputs: in order, streamed, on several processes when there are many files.

Results come back in the order of the inputs whatever the number of workers, one at a time as they are ready, so a
caller can print them as they come. The schemas are compiled once per worker process.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from .facts import Original
from .profiles import Settings
from .report import Issue, Report, Severity
from .validation import validate

#: Fewer inputs than this are validated in this process: starting workers costs more than it saves.
MIN_PARALLEL: Final = 16


@dataclass(frozen=True)
class Input:
    """One input: a file (``path``) shown as ``shown``, or standard input (``path`` is ``None``)."""

    shown: str
    path: str | Path | None


def check(item: Input, settings: Settings, original: Original | None) -> tuple[Report, bool]:
    """The report for ``item`` and whether it could not be read (rule ``IO-ERROR``)."""
    try:
        if item.path is None:
            return validate(sys.stdin.buffer, path="-", settings=settings, original=original), False
        return validate(item.path, path=item.shown, settings=settings, original=original), False
    except OSError as error:
        reason = error.strerror or str(error)
        message = f"cannot read {item.shown}: {reason}; check that the file exists and is readable"
        return Report(path=item.shown, issues=(Issue("IO-ERROR", Severity.ERROR, message),)), True


def default_jobs() -> int:
    """All the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def check_all(
    items: Sequence[Input], settings: Settings, original: Original | None, jobs: int | None = None
) -> Iterator[tuple[Report, bool]]:
    """:func:`check` for every item, in order; on ``jobs`` worker processes (default: all cores) when that pays."""
    workers = min(jobs or default_jobs(), len(items))
    if workers < 2 or len(items) < MIN_PARALLEL or any(item.path is None for item in items):
        yield from (check(item, settings, original) for item in items)
        return
    from concurrent.futures import ProcessPoolExecutor  # only batches pay for importing it

    chunk = max(1, min(256, len(items) // (workers * 8)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(functools.partial(check, settings=settings, original=original), items, chunksize=chunk)
