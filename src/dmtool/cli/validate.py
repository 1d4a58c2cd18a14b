"""``dmtool validate``: check messages, many at once in worker processes."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import sys

import click

from .. import batch
from ..batch import Input
from ..rules.facts import original_of
from .common import EXIT_ERROR, EXIT_INVALID, EXIT_VALID, _progress, _quiet, main
from .files import _expand, _read_message
from .options import _Finite, _format_option, _output_options, _profile_options, _settings
from .render import _VERDICTS, _counts, _presented, _tally
from .signals import Stopped, _stop_if_signalled


@main.command("validate")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@_format_option(
    "text for people; json prints one JSON object per input, or per message of a file of several (JSON Lines), "
    "and no summary."
)
@click.option(
    "--original",
    metavar="FILE",
    default=None,
    help="The message the inputs answer (a forespørsel for a svar): references and reply date are checked against it.",
)
@click.option("--jobs", type=click.IntRange(min=1, max=batch.MAX_JOBS), default=None,
              help=f"Worker processes for many files, at most {batch.MAX_JOBS} [default: all cores]; output keeps the "
              "input order.")  # fmt: skip
@click.option("--timeout", type=_Finite(min=0, min_open=True, max=batch.MAX_TIMEOUT), default=batch.DEFAULT_TIMEOUT,
              show_default=True, metavar="SECONDS",
              help="Stop a worker whose check of one file takes longer (at most 86400, a day); a file that takes "
              "longer twice is reported as TIMEOUT and counted as crashed. Only files checked by worker processes "
              "have a limit.")  # fmt: skip
@_profile_options
@_output_options
def validate_command(
    paths: tuple[str, ...],
    fmt: str,
    original: str | None,
    jobs: int | None,
    timeout: float,
    profile: str | None,
    last_contact: dt.datetime | None,
    admitted: bool | None,
    short_max_chars: int | None,
    synthetic_ids: bool | None,
) -> None:
    """Validate messages: files, directories (every *.xml below) or - for standard input.

    A file holding several messages (a vendor's export) gives one result per message: FILE#1, FILE#2, ... Text
    output ends with a summary line (not with --quiet); each result names its profile unless it is national.

    Exit status: 0 all valid (warnings allowed), 1 at least one invalid, 2 usage or I/O error (or a worker crashed);
    130 Ctrl-C and 143 SIGTERM (what was checked so far is said on standard error), 141 output pipe closed.
    """
    settings = _settings(profile, last_contact, admitted, short_max_chars, synthetic_ids)
    answered = None if original is None else original_of(_read_message(original, EXIT_ERROR))
    # results by (outcome, whether the result is an input's first): one update each, so that a signal between two
    # statements cannot make the counts of messages and of inputs disagree
    results = {(outcome, first): 0 for outcome in _VERDICTS for first in (0, 1)}
    items: list[Input] = []
    try:
        items, empty = _expand(paths)
        checked = batch.check_all(items, settings, answered, jobs, functools.partial(_presented, fmt), timeout=timeout)
        with _progress(len(items), "validating") as advance, contextlib.closing(checked):  # closed: workers stopped
            for outcome, output, first in checked:
                results[outcome, first] += 1
                click.echo(output)
                advance(first)
                _stop_if_signalled()
    except Stopped as stop:
        reached = sum(count for (_, first), count in results.items() if first)
        click.echo(f"dmtool: stopped by {stop.name}: {_tally(_counts(results), (reached, len(items)))}", err=True)
        raise
    counts = _counts(results)
    if fmt == "text" and not _quiet():
        click.echo(_tally(counts))
    if counts["unreadable"] or counts["crashed"] or empty:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_INVALID if counts["invalid"] else EXIT_VALID)
