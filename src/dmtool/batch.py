"""Validating many inputs: in order, streamed, on several processes when there are many files.

Results come back in the order of the inputs whatever the number of workers, one chunk at a time as they are ready,
so a caller can print them as they come. Every input gets its results, one per message of the file (a vendor's export
holding several gets ``FILE#1``, ``FILE#2``, ...; any other file one): a file that cannot be read gets one issue
``IO-ERROR``, and a worker process that dies (killed, out of memory, a crash in a C library) takes no other
file's result with it: what it had not finished is checked again, and a file that kills its worker a second time
gets one issue ``WORKER-CRASHED``. With a time limit, a worker whose check of one file outlasts it is stopped the
same way, and a file that outlasts it a second time gets one issue ``TIMEOUT``. A file whose check fails on a bug in
dmtool gets one issue ``INTERNAL-ERROR``. The schemas are compiled once per worker process.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import os
import signal
import sys
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar, overload

from .report import Issue, Report, Severity
from .rules.facts import Original
from .standards.profiles import Settings
from .validation import validate_each
from .xml.source import Source, read_path

if TYPE_CHECKING:
    import multiprocessing.context
    from concurrent.futures import ProcessPoolExecutor

#: Fewer inputs than this are validated in this process: starting workers costs more than it saves.
MIN_PARALLEL: Final = 16
#: Chunks handed to the pool per worker beyond the one whose results are being read.
AHEAD: Final = 2
#: The id of the one issue of a file that could not be read.
IO_ERROR: Final = "IO-ERROR"
#: The id of the one issue of a file that killed its worker process, and killed it again when checked alone.
WORKER_CRASHED: Final = "WORKER-CRASHED"
#: The id of the one issue of a file whose check failed on a bug in dmtool (an exception validation never raises).
INTERNAL_ERROR: Final = "INTERNAL-ERROR"
#: The id of the one issue of a file whose check outlasted the time limit, and outlasted it again when checked alone.
TIMEOUT: Final = "TIMEOUT"
#: Seconds the check of one file may take in a worker process (``dmtool validate``'s default): far more than the
#: largest message needs (a 50 MiB one takes a few seconds).
DEFAULT_TIMEOUT: Final = 60.0
#: The longest time limit: a day (``setitimer`` takes no infinite or huge limit; no message needs a fraction of it).
MAX_TIMEOUT: Final = 86_400.0
#: The most worker processes a command line may ask for: more than the cores of most machines; each takes tens of MB.
MAX_JOBS: Final = 256

#: One result: the report, and whether it is no verdict on the file (``IO_ERROR``, ``WORKER_CRASHED``, ``TIMEOUT`` or
#: ``INTERNAL_ERROR``).
Result = tuple[Report, bool]
#: What :func:`check_all` gives for each input, made from its result by the caller's ``present``.
T = TypeVar("T")
#: What a caller makes of each result (its output line, say), in the worker that checked the file: a function that
#: can be sent to a worker process (defined at module level, or a :func:`functools.partial` of one).
Present = Callable[[Report, bool], T]


@dataclass(frozen=True, slots=True)
class Input:
    """One input: a file (``path``) shown as ``shown``, or standard input (``path`` is ``None``). ``listed``: found in
    a folder, so only a regular file is read (:func:`~dmtool.xml.source.read_path`). ``unreadable``: why it cannot be
    read, when that is known before reading it (a folder that cannot be listed)."""

    shown: str
    path: str | Path | None
    listed: bool = False
    unreadable: str | None = None


def check(item: Input, settings: Settings, original: Original | None) -> list[Result]:
    """The results for ``item``, one per message of the file (:func:`~dmtool.validation.validate_each`: ``FILE#1``,
    ``FILE#2``, ... when it holds several), each saying whether it got no verdict; one result for the whole file when
    it could not be read (``IO-ERROR``), or checking it failed on a bug in dmtool (``INTERNAL-ERROR``)."""
    try:
        if item.unreadable is not None:
            raise OSError(0, item.unreadable)
        source = sys.stdin.buffer if item.path is None else read_path(item.path, regular_only=item.listed)
    except OSError as error:
        return [(unreadable(item.shown, item.shown, error, settings.profile.name), True)]
    return judge(source, item.shown, settings, original)


def judge(source: Source, shown: str, settings: Settings, original: Original | None) -> list[Result]:
    """The results for the message or messages in ``source`` (bytes, or a file object to read), shown as ``shown``:
    :func:`check` once the file is read, and what :mod:`dmtool.archive` runs on bytes it is given. One
    ``INTERNAL-ERROR`` result for the whole input when checking it fails on a bug in dmtool (or ``IO-ERROR`` when a
    file object cannot be read)."""
    try:
        return [(report, False) for report in validate_each(source, path=shown, settings=settings, original=original)]
    except OSError as error:
        return [(unreadable(shown, shown, error, settings.profile.name), True)]
    except Exception as error:  # a bug in dmtool must not cost the rest of the batch its results
        message = (
            f"dmtool failed while checking {shown} ({type(error).__name__}), so it was not checked; this is a bug "
            "in dmtool: report it, with the file"
        )
        issue = Issue(INTERNAL_ERROR, Severity.ERROR, message)
        return [(Report(path=shown, issues=(issue,), profile=settings.profile.name), True)]


def outcome(report: Report, unchecked: bool) -> str:
    """What a result counts as: ``valid``, ``invalid``, ``unreadable`` (``IO-ERROR``) or ``crashed``
    (``WORKER-CRASHED``, ``TIMEOUT``, ``INTERNAL-ERROR``): the summary of ``dmtool validate``, and the ``outcome`` of an
    archive row."""
    if unchecked:
        return "unreadable" if report.issues[0].rule == IO_ERROR else "crashed"
    return "valid" if report.valid else "invalid"


def unreadable(path: str, shown: str, error: OSError, profile: str = "national") -> Report:
    """The report of ``path`` when the file shown as ``shown`` cannot be read, under ``profile``: one ``IO-ERROR``
    issue saying why."""
    message = f"cannot read {shown}: {error.strerror or error}; check that the file exists and is readable"
    return Report(path=path, issues=(Issue(IO_ERROR, Severity.ERROR, message),), profile=profile)


def as_result(report: Report, unchecked: bool) -> Result:
    """The result as it is: what :func:`check_all` gives when the caller does not ``present`` it."""
    return report, unchecked


def check_many(
    items: Sequence[Input],
    settings: Settings,
    original: Original | None,
    present: Present[T],
    timeout: float | None = None,
) -> list[T]:
    """:func:`check` for each of ``items``, in order, each result presented: what a worker process runs.

    With ``timeout``, a check that takes longer ends this process: the timer's ``SIGALRM``, left to its default
    action, stops it even inside libxml2, where a Python exception would only be raised once libxml2 returned.
    """
    if timeout is not None:
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
    return [present(*result) for item in items for result in _check_within(item, settings, original, timeout)]


def _check_within(item: Input, settings: Settings, original: Original | None, timeout: float | None) -> list[Result]:
    if timeout is None:
        return check(item, settings, original)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return check(item, settings, original)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def crashed(item: Input, profile: str = "national") -> Result:
    """The result of a file whose worker process died again when it checked the file alone (``WORKER-CRASHED``),
    under ``profile``."""
    message = (
        f"the worker process checking {item.shown} died, and died again when the file was checked alone, so it was "
        "not checked; check that the machine has enough memory, and if it happens again report it as a bug in dmtool, "
        "with the file"
    )
    return Report(path=item.shown, issues=(Issue(WORKER_CRASHED, Severity.ERROR, message),), profile=profile), True


def timed_out(item: Input, timeout: float, profile: str = "national") -> Result:
    """The result of a file whose check outlasted ``timeout`` seconds, and outlasted it again alone (``TIMEOUT``),
    under ``profile``."""
    message = (
        f"checking {item.shown} took more than {timeout:g} s, and again when the file was checked alone, so it was "
        "stopped and the file was not checked; if the machine was busy or the file is very large, give more time "
        "(--timeout), and if not, report it as a bug in dmtool, with the file"
    )
    return Report(path=item.shown, issues=(Issue(TIMEOUT, Severity.ERROR, message),), profile=profile), True


def default_jobs() -> int:
    """All the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@overload
def check_all(
    items: Sequence[Input],
    settings: Settings,
    original: Original | None,
    jobs: int | None = None,
    *,
    timeout: float | None = None,
) -> Generator[Result, None, None]: ...


@overload
def check_all(
    items: Sequence[Input],
    settings: Settings,
    original: Original | None,
    jobs: int | None,
    present: Present[T],
    *,
    timeout: float | None = None,
) -> Generator[T, None, None]: ...


def check_all(
    items: Sequence[Input],
    settings: Settings,
    original: Original | None,
    jobs: int | None = None,
    present: Present[Any] = as_result,
    *,
    timeout: float | None = None,
) -> Generator[Any, None, None]:
    """:func:`check` for every item, in order; on ``jobs`` worker processes (default: all cores) when that pays.

    Each result is given as ``present`` makes it, in the process that checked the file: the work of presenting a
    result (rendering its JSON, say) is then shared by the workers instead of falling on the process that reads the
    results, which would otherwise hold the workers back.

    ``timeout`` (seconds, more than 0 and at most :data:`MAX_TIMEOUT`, else :class:`ValueError`) limits the check of
    each file in a worker process (:func:`timed_out`); files checked in this process (one worker, fewer than
    :data:`MIN_PARALLEL` inputs, or standard input) and systems without ``signal.setitimer`` (Windows) have no limit:
    there is no worker to stop.

    No worker outlives the iterator: closing it before its end (or an exception raised while it waits, such as
    :class:`KeyboardInterrupt`) kills the workers at once, and a worker ends by itself when the process that started
    it dies, even by ``SIGKILL`` (:func:`_end_with_parent`; on Linux already when the thread that started it ends, so
    iterate in one thread). Workers ignore ``SIGINT``: a Ctrl-C at a terminal, which reaches every process of the
    group, is this process's to handle. They hold neither the standard input nor the standard output of this process
    (both are ``/dev/null`` in a worker), so a caller waiting for the end of the output waits for this process only.
    """
    if timeout is not None and not 0 < timeout <= MAX_TIMEOUT:  # nan too
        raise ValueError(f"timeout must be more than 0 and at most {MAX_TIMEOUT:g} seconds, got {timeout}")
    workers = min(jobs or default_jobs(), len(items))
    if workers < 2 or len(items) < MIN_PARALLEL or any(item.path is None for item in items):
        return (present(*result) for item in items for result in check(item, settings, original))
    limit = timeout if hasattr(signal, "setitimer") else None
    size = chunk_size(len(items), workers)
    task = functools.partial(check_many, settings=settings, original=original, present=present, timeout=limit)
    chunks = [items[at : at + size] for at in range(0, len(items), size)]
    return _in_pool(chunks, task, present, workers, limit, settings.profile.name)


def chunk_size(count: int, workers: int) -> int:
    """How many of ``count`` files a worker checks in one go: about eight chunks per worker, at most 256 files.

    Results come back a chunk at a time, in order.
    """
    return max(1, min(256, count // (workers * 8)))


#: What a pool runs: :func:`check_many` with the settings, the original and ``present`` bound.
Task = Callable[[Sequence[Input]], list[T]]


def _in_pool(
    chunks: list[Sequence[Input]],
    task: Task[T],
    present: Present[T],
    workers: int,
    timeout: float | None,
    profile: str,
) -> Generator[T, None, None]:
    """``task`` on each chunk on a pool of ``workers`` processes; the results in order, a chunk at a time.

    At most :data:`AHEAD` chunks per worker are handed to the pool beyond the one being read, so memory does not
    grow with the batch: results wait for the reader only that far ahead.

    A worker that dies (or is stopped by its ``timeout``) breaks the pool, and every chunk not yet taken from it is
    lost. The first of them is run again file by file (:func:`_isolated`), since it may hold the file that killed the
    worker; the others go to a fresh pool. Every round settles at least one chunk, so a file that kills every worker
    that reads it ends the loop too.
    """
    from concurrent.futures import Future  # only batches pay for importing it
    from concurrent.futures.process import BrokenProcessPool

    while chunks:
        lost = None
        with _workers(workers) as pool:
            pending: collections.deque[Future[list[T]]] = collections.deque()
            for at in range(len(chunks)):
                try:  # a broken pool refuses new chunks too
                    while len(pending) <= workers * AHEAD and at + len(pending) < len(chunks):
                        pending.append(pool.submit(task, chunks[at + len(pending)]))
                    results = pending.popleft().result()
                except BrokenProcessPool:
                    lost = at
                    break
                yield from results
        if lost is None:
            return
        yield from _isolated(chunks[lost], task, present, timeout, profile)
        chunks = chunks[lost + 1 :]


def _isolated(
    items: Sequence[Input], task: Task[T], present: Present[T], timeout: float | None, profile: str
) -> Iterator[T]:
    """``task`` on each item alone, on a pool of one worker that is replaced when it dies: only the file being
    checked is in it then, so that file is known to have killed it (:func:`crashed`), or to have outlasted the
    ``timeout`` when the worker died that late (:func:`timed_out`); presented here, under ``profile``."""
    from concurrent.futures.process import BrokenProcessPool

    left = list(items)
    while left:
        with _workers(1) as pool:
            while left:
                item = left.pop(0)
                start = time.monotonic()
                try:
                    results = pool.submit(task, [item]).result()
                except BrokenProcessPool:
                    if timeout is not None and time.monotonic() - start >= timeout:
                        yield present(*timed_out(item, timeout, profile))
                    else:
                        yield present(*crashed(item, profile))
                    break  # to a fresh worker
                yield from results


@contextlib.contextmanager
def _workers(count: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``count`` worker processes (:func:`_start_worker`), shut down when the block ends: once their work
    is done when it ends normally, at once (the workers killed) when it ends by an exception or is closed."""
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(count, mp_context=_context(), initializer=_start_worker, initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        for process in list((pool._processes or {}).values()):  # no public way before Python 3.14's kill_workers()
            process.kill()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _context() -> multiprocessing.context.BaseContext:
    """How workers are started: as the platform starts processes, but never by a fork server, whose workers would be
    its children, not this process's, and so could not watch this process (:func:`_end_with_parent`)."""
    import multiprocessing

    default = multiprocessing.get_context()
    return multiprocessing.get_context("spawn") if default.get_start_method() == "forkserver" else default


def _start_worker(parent: int) -> None:
    """What a worker process does first: leave ``SIGINT`` to ``parent`` (the process that started it, which stops
    the workers itself), take ``SIGTERM``'s default action (a handler copied from the parent would only raise), end
    with ``parent``, and let go of the parent's standard input and output."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with_parent(parent)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)


#: ``prctl`` option: the signal a process gets when the thread that started it ends (Linux).
_PR_SET_PDEATHSIG: Final = 1


def _end_with_parent(parent: int) -> None:
    """Make this process end when ``parent`` (its parent process) does, however that ends.

    On Linux the kernel sends it ``SIGKILL`` then (``prctl(PR_SET_PDEATHSIG)``, which acts at once, even while this
    process is busy in C code); elsewhere a thread checks every half second that the parent is still its parent. A
    parent that ended before the watch began is seen after it: then this process ends at once.
    """
    if sys.platform == "linux":
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    else:
        import threading

        threading.Thread(target=_watch_parent, args=(parent, 0.5), daemon=True).start()
    if os.getppid() != parent:
        os._exit(1)


def _watch_parent(parent: int, interval: float) -> None:
    """Wait until ``parent`` is no longer this process's parent (it ended: the process was given to another), checking
    every ``interval`` seconds; then end this process as ``SIGKILL`` would have."""
    while os.getppid() == parent:
        time.sleep(interval)
    os.kill(os.getpid(), signal.SIGKILL)
