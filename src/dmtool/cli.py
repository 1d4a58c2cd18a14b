"""The ``dmtool`` command line: a thin layer over the library.

``validate`` exits 0 when all inputs are valid (warnings allowed), 1 when at least one is invalid, 2 for a usage or
I/O error (a file that cannot be read, or one whose worker process crashed). ``build`` and ``parse`` exit 0 on
success, 1 for a bad spec or a message that cannot be read or built (one line on standard error naming the key or the
line), 2 for a usage error or a file that cannot be read or written.

Every command: ``SIGINT`` (Ctrl-C) exits 130 and ``SIGTERM`` 143 (128 + the signal's number), after stopping its
work and removing what it had half written; a second such signal ends it at once. An output pipe closed by its reader
(``dmtool validate DIR | head -1``) ends it quietly with 141 (128 + ``SIGPIPE``), as a program that ``SIGPIPE`` ends.
Names of files are printed as text without control characters, and as JSON in valid UTF-8 (:func:`_json`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import functools
import json
import math
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Final, Literal, NoReturn, cast

import click

from . import (
    __version__,
    apprec,
    batch,
    codelists,
    compose,
    config,
    profiles,
    reader,
    receipts,
    rules,
    spec,
    summary,
    writer,
)
from .batch import Input
from .errors import BuildError, NoReceipt, ParseError
from .facts import original_of
from .ids import her_id_problem
from .jsontext import dumps as _json
from .ledger import DEFAULT_URL as DEFAULT_LEDGER
from .ledger import Direction, Ledger, LedgerError, Overdue, Recorded, Stored, moment
from .loader import MAX_SIZE
from .model import DIALOG_VERSIONS, KIND_NAMES, Message, Received
from .output import OutputRefused, write_output
from .profiles import Settings
from .receipts import ApprecCheck, check_apprec
from .report import Issue, Report, Severity, bounded, part_path
from .source import read_path, read_source

EXIT_VALID, EXIT_INVALID, EXIT_ERROR = 0, 1, 2
#: The exit status when the output pipe was closed by its reader: what a program ended by ``SIGPIPE`` (13) gives.
EXIT_CLOSED_PIPE: Final = 141
#: The signals that stop a command: exit 128 + the signal's number (130, 143).
STOPPING: Final = (signal.SIGINT, signal.SIGTERM)


class Stopped(BaseException):
    """A signal of :data:`STOPPING` arrived: raised where the command stands, so that it stops its workers and removes
    what it had half written on the way out; not an :class:`Exception`, which a command may catch."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        """The signal's name: ``SIGINT``, ``SIGTERM``."""
        return signal.Signals(self.signum).name


#: The signal of :data:`STOPPING` that arrived during the command, if one did. The :class:`Stopped` its handler raises
#: can be lost: raised inside a garbage collector's callback or a ``__del__`` method, it goes to
#: :func:`sys.unraisablehook` (hypothesis, which ``fixtures`` uses, has such a callback). The command's loops raise it
#: again (:func:`_stop_if_signalled`), and the hook is told to say nothing of it.
_signalled: int | None = None


def _stop(signum: int, frame: object) -> NoReturn:
    """The handler of the signals of :data:`STOPPING`: a second one ends the process at once (its default action)."""
    global _signalled
    _signalled = signum
    for each in STOPPING:
        signal.signal(each, signal.SIG_DFL)
    raise Stopped(signum)


def _stop_if_signalled() -> None:
    """Raise :class:`Stopped` again when a signal of :data:`STOPPING` arrived (its first one may have been lost)."""
    if _signalled is not None:
        raise Stopped(_signalled)


@contextlib.contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """Within the block, the signals of :data:`STOPPING` raise :class:`Stopped` (in the main thread, the only one that
    may handle signals), and again at its end if that one was lost; the handlers before are restored after it."""
    global _signalled
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _signalled = None
    report_unraisable = sys.unraisablehook

    def unraisable(unraisable: sys.UnraisableHookArgs) -> None:
        if not isinstance(unraisable.exc_value, Stopped):
            report_unraisable(unraisable)

    sys.unraisablehook = unraisable
    before = {each: signal.signal(each, _stop) for each in STOPPING}
    try:
        yield
        _stop_if_signalled()
    finally:
        for each, handler in before.items():
            signal.signal(each, handler)
        sys.unraisablehook = report_unraisable


def _silence_stdout() -> None:
    """Send what is left for standard output to ``/dev/null``: nothing more reaches it, nor fails at exit."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


class _Commands(click.Group):
    """The command group, with rules for every command: a signal of :data:`STOPPING` exits 128 + its number; a closed
    output pipe ends the run quietly (:data:`EXIT_CLOSED_PIPE`); an I/O error that no command handles (standard output
    on a full disk, say) ends the run with one line and exit 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            with _stopped_by_signals():
                return super().invoke(ctx)
        except Stopped as stop:
            sys.exit(128 + stop.signum)
        except OSError as error:
            _silence_stdout()
            if error.errno == errno.EPIPE:
                sys.exit(EXIT_CLOSED_PIPE)
            where = f" ({error.filename})" if error.filename else ""
            _fail(EXIT_ERROR, f"I/O error{where}: {error.strerror or error}; check the disk and where the output goes")


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dmtool")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Build, parse, validate and acknowledge Dialogmelding messages (MsgHead 1.2, Dialogmelding 1.0/1.1, AppRec).

    Every command takes --color/--no-color (text output is coloured when it goes to a terminal and the NO_COLOR
    environment variable is not set) and -q/--quiet (no summary or status lines: results and errors only).
    """
    if os.environ.get("NO_COLOR"):  # https://no-color.org: set and not empty; --color on the command wins
        ctx.color = False


#: Where ``--quiet`` is kept during a run: in click's ``meta``, which a command shares with its group.
_QUIET: Final = "dmtool.quiet"


def _set_color(ctx: click.Context, param: click.Parameter, value: bool | None) -> None:
    if value is not None:
        ctx.color = value


def _set_quiet(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[_QUIET] = True


def _output_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options every command has for what it shows besides its results: ``--color/--no-color`` and
    ``-q/--quiet``."""
    command = click.option("--color/--no-color", default=None, expose_value=False, callback=_set_color,
                           help="Colour the text output, or not [default: when it goes to a terminal and NO_COLOR is "
                           "not set].")(command)  # fmt: skip
    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_set_quiet,
                        help="Print no summary or status lines, only the results (and errors).")(command)  # fmt: skip


def _quiet() -> bool:
    """Whether ``--quiet`` was given to the command running."""
    return bool(click.get_current_context().meta.get(_QUIET))


def _note(message: str) -> None:
    """Say a status line on standard error (:func:`_say`), unless ``--quiet`` was given."""
    if not _quiet():
        _say(message)


#: What text output never prints as it is: control characters (a newline in a file name would start a line of its
#: own), the line and paragraph separators, the bidirectional controls that reorder what a terminal shows, and the
#: surrogates that stand for the bytes of a file name that are not UTF-8 (:func:`os.fsdecode`).
_UNPRINTABLE: Final = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as os.fsdecode holds it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _printable(text: str) -> str:
    """``text`` for text output: every character of :data:`_UNPRINTABLE` written as an escape (``\\x0a`` for a
    newline, ``\\x1b``, ``\\u202e``; a byte of a file name that is not UTF-8 as ``\\xff``), so that a file name
    cannot break a line, forge one or reorder it."""
    return _UNPRINTABLE.sub(_escaped, text)


def _expand(paths: tuple[str, ...]) -> tuple[list[Input], bool]:
    """Files in command-line order, a directory contributing every ``*.xml`` below it, sorted; and whether a directory
    held none (said on standard error here; the exit status is then 2). A folder that cannot be listed is an input
    that cannot be read, so that its files are not lost without a word."""
    items: list[Input] = []
    empty = False
    for name in paths:
        if name == "-":
            items.append(Input("-", None))
        elif os.path.isdir(name):
            found = _xml_files(name)
            if not found:
                empty = True
                click.echo(
                    f"dmtool: no *.xml files under {_printable(name)}; give *.xml files or a folder that holds some",
                    err=True,
                )
            items += (Input(file, file, listed=True, unreadable=reason) for file, reason in found)
        else:
            items.append(Input(name, name))
    return items, empty


def _xml_files(folder: str) -> list[tuple[str, str | None]]:
    """Every ``*.xml`` file below ``folder`` (symbolic links to folders are not followed), and every folder below it
    that cannot be listed with the reason, in path order: sorted by path components, as :class:`pathlib.Path` sorts.
    Held as strings: 20,000 ``Path`` objects cost megabytes."""
    found: list[tuple[str, str | None]] = []

    def unlisted(error: OSError) -> None:
        found.append((os.path.normpath(error.filename), f"the folder cannot be listed: {error.strerror or error}"))

    for top, _, files in os.walk(folder, onerror=unlisted):
        found += (
            (os.path.normpath(os.path.join(top, file)), None)
            for file in files
            if os.path.splitext(file)[1].lower() == ".xml"
        )
    # The separator made the lowest character: string order is then component order, without a list per path.
    found.sort(key=lambda entry: entry[0].replace(os.sep, "\0"))
    return found


@contextlib.contextmanager
def _progress(total: int, label: str, *, prints: bool = True) -> Iterator[Callable[[int], None]]:
    """A progress bar on standard error for ``total`` steps, shown from 100 steps when standard error is a terminal
    (and, when the command ``prints`` results, standard output is not, so the two never mix); yields the function that
    advances it."""
    if total < 100 or not sys.stderr.isatty() or (prints and sys.stdout.isatty()):
        yield lambda steps: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def _describe(report: Report) -> str:
    parts = [report.kind if report.kind != "unknown" else "", report.version or "", bounded(report.msg_type or "")]
    if report.wrapped:
        parts.append("(wrapped)")
    if report.reply_by is not None:
        parts.append(f"reply by {report.reply_by.isoformat()}")
    if report.profile != "national":  # the default goes without saying (dmtool config shows it)
        parts.append(f"profile {report.profile}")
    return " ".join(p for p in parts if p)


_VERDICTS = {"valid": "green", "invalid": "red", "unreadable": "yellow", "crashed": "yellow"}


def _tally(counts: dict[str, int], inputs: tuple[int, int] | None = None) -> str:
    """The summary of ``counts`` (one per message): how many were checked and how many were valid, invalid,
    unreadable and, when any, crashed. When the run stopped short, ``inputs`` says how many inputs it reached of how
    many, and how many messages were checked when that is another number (a file holding several)."""
    messages = sum(counts.values())
    if inputs is None:
        checked = f"{messages}"
    else:
        done, total = inputs
        checked = f"{done} of {total}" + ("" if done == messages else f" files ({messages} messages)")
    summary = f"{checked} checked: {counts['valid']} valid, {counts['invalid']} invalid"
    crashed = f", {counts['crashed']} crashed" if counts["crashed"] else ""
    return f"{summary}, {counts['unreadable']} unreadable{crashed}"


def _counts(results: dict[tuple[str, int], int]) -> dict[str, int]:
    """The results of each outcome, of ``results`` counted by outcome and whether they are an input's first."""
    counts = dict.fromkeys(_VERDICTS, 0)
    for (outcome, _), count in results.items():
        counts[outcome] += count
    return counts


def _text(report: Report, outcome: str) -> str:
    verdict, colour = outcome if outcome == "valid" else outcome.upper(), _VERDICTS[outcome]
    head = f"{_printable(report.path or '')}: " + click.style(verdict, fg=colour, bold=True)
    lines = [head + f"  {_printable(_describe(report))}".rstrip()]
    for issue in report.issues:
        where = f"line {issue.line}" if issue.line else "-"
        tone = "red" if issue.severity is Severity.ERROR else "yellow"
        label = click.style(f"{issue.severity} {issue.rule}", fg=tone)
        lines.append(f"  {where:>10}  {label}: {_printable(issue.message)}")
    return "\n".join(lines)


def _presented(fmt: str, report: Report, unchecked: bool) -> tuple[str, str, int]:
    """What ``validate`` prints of a result (a JSON line, or text with colours that ``click.echo`` leaves out where
    they do not belong), what the summary counts it as, and the inputs it finishes for the progress bar (none for the
    second and later messages of a file): made in the worker process that checked the file."""
    outcome = batch.outcome(report, unchecked)
    output = _json(report.to_dict()) if fmt == "json" else _text(report, outcome)
    return outcome, output, int(report.part is None or report.part == 1)


class _Finite(click.FloatRange):
    """A range of numbers that takes finite ones only: ``nan`` compares as inside any range, and a range without a
    bound takes ``inf``."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        number: float = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        converted: float = super().convert(number, param, ctx)
        return converted


#: The options that choose the profile and give the facts profile rules need (validate, apprec; config takes those
#: that are keys of the settings file): the names and the settings of each.
_PROFILE_OPTIONS: Final[dict[str, tuple[tuple[str, ...], dict[str, Any]]]] = {
    "profile": (("--profile",), dict(type=click.Choice(list(profiles.PROFILES)), default=None,
                help="Regional profile added to the national rules [default: national, or the config file].")),
    "last_contact": (("--last-contact",), dict(type=click.DateTime(["%Y-%m-%d"]), default=None,
                     help="The patient's last contact with the hospital (YYYY-MM-DD), for the profiles' time "
                     "windows.")),
    "admitted": (("--admitted/--not-admitted",), dict(default=None,
                 help="Whether the patient is admitted now (ostfold, bergen); unknown when not given.")),
    "short_max_chars": (("--short-max-chars",), dict(type=click.IntRange(min=1, max=MAX_SIZE), default=None,
                        help="SHORT warns above this many characters of text [default: 2000, or the config file].")),
    "synthetic_ids": (("--synthetic-ids/--no-synthetic-ids",), dict(default=None,
                      help="Accept Tenor's synthetic test numbers (month + 80) as fødselsnummer and D-nummer: for "
                      "test environments only [default: no, or the config file].")),
}  # fmt: skip


def _profile_options(
    command: Callable[..., None], names: Iterable[str] = tuple(_PROFILE_OPTIONS), *, hidden: bool = False
) -> Callable[..., None]:
    """The options of :data:`_PROFILE_OPTIONS` named by ``names`` (default: all), in that order, added to
    ``command``; ``hidden`` ones are taken but not shown in its help."""
    for name in reversed(tuple(names)):
        declarations, settings = _PROFILE_OPTIONS[name]
        command = click.option(*declarations, **settings, hidden=hidden)(command)
    return command


def _settings(
    profile: str | None,
    last_contact: dt.datetime | None,
    admitted: bool | None,
    short_max_chars: int | None,
    synthetic_ids: bool | None,
) -> Settings:
    """The settings of the config file with the command line's options on top; exit 2 for a bad config file."""
    try:
        return config.load(
            profile=profile,
            last_contact=None if last_contact is None else last_contact.date(),
            admitted=admitted,
            short_max_chars=short_max_chars,
            synthetic_ids=synthetic_ids,
        )
    except config.ConfigError as error:
        _fail(EXIT_ERROR, str(error))


def _format_option(help_text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The ``--format text|json`` option of a command (parameter ``fmt``), with its own help text."""
    return click.option(
        "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help=help_text
    )


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


@main.command("rules")
@click.argument("rule_id", metavar="[ID]", required=False)
@_format_option(
    "text: a table for people; json: one pretty-printed JSON array of rule objects (with ID: one rule object)."
)
@_output_options
def rules_command(rule_id: str | None, fmt: str) -> None:
    """List the rules, or show the one rule ID: id, severity, AppRec error code (8221), layer and profiles, what each
    checks and where it comes from.

    Exit status: 0 shown, 2 usage error (an ID that is no rule's: the closest ids are named).
    """
    chosen = rules.RULES if rule_id is None else (_rule(rule_id),)
    if fmt == "json":
        shown = chosen[0].to_dict() if rule_id is not None else [rule.to_dict() for rule in chosen]
        click.echo(_json(shown, indent=2))
        return
    for rule in chosen:
        tone = "red" if rule.severity is Severity.ERROR else "yellow"
        scope = ", ".join(rule.scope)
        head = click.style(f"{rule.id:<28}", bold=True) + click.style(f"{rule.severity:<8}", fg=tone)
        click.echo(f"{head}{rule.apprec_code or '-':<6}{scope}  [{', '.join(rule.seeds)}]")
        click.echo(f"    {rule.developer_text}")
        click.echo(f"    {rule.sender_text}")


def _rule(rule_id: str) -> rules.Rule:
    """The rule ``rule_id`` names (in any case); usage error (exit 2) naming the closest ids when there is none."""
    import difflib

    found = rules.BY_ID.get(rule_id.strip().upper())
    if found is not None:
        return found
    close = difflib.get_close_matches(rule_id.strip().upper(), rules.BY_ID, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(close)}?" if close else "; dmtool rules lists them"
    raise click.BadParameter(f"no rule has the id {_printable(bounded(rule_id))!r}{hint}", param_hint="ID")


@main.command("config")
@functools.partial(_profile_options, names=[key for key in config.KEYS if key in _PROFILE_OPTIONS])
@_format_option("text for people; json: one JSON object {\"file\", \"settings\": {KEY: {\"value\", \"source\"}}}.")
@_output_options
def config_command(profile: str | None, short_max_chars: int | None, synthetic_ids: bool | None, fmt: str) -> None:
    """Show the settings in effect here: the settings file found (dmtool.toml, or [tool.dmtool] in pyproject.toml, in
    the working folder or the nearest folder above it that has one), each setting's value and where it comes from:
    the file, the command line (the options below, as validate takes them) or the default.

    Exit status: 0 shown, 2 a settings file that cannot be used (its problem is named) or a usage error.
    """
    try:
        path, shown = config.explain(profile=profile, short_max_chars=short_max_chars, synthetic_ids=synthetic_ids)
    except config.ConfigError as error:
        _fail(EXIT_ERROR, str(error))
    values = {item.key: DEFAULT_LEDGER if item.key == "ledger" and item.value is None else item.value for item in shown}
    if fmt == "json":
        settings = {item.key: {"value": values[item.key], "source": item.source} for item in shown}
        click.echo(_json({"file": None if path is None else str(path), "settings": settings}))
        return
    where = "none found (dmtool.toml, or [tool.dmtool] in pyproject.toml, here or above)" if path is None else path
    click.echo(f"settings file: {_printable(str(where))}")
    for item in shown:
        click.echo(f"{item.key:<20}{_printable(config.as_toml(values[item.key])):<24}{_printable(item.source)}")


# -- shared by build and parse ----------------------------------------------------------------------------------------


def _fail(status: int, message: str) -> NoReturn:
    """Say what went wrong in one line on standard error and exit with ``status``."""
    _say(message)
    sys.exit(status)


def _say(message: str) -> None:
    """Say ``message`` in one line on standard error."""
    click.echo("dmtool: " + _printable(" ".join(message.split())), err=True)


def _shown(name: str) -> str:
    return "standard input" if name == "-" else name


def _read_input(name: str) -> bytes:
    """The bytes of the file ``name`` (``-``: standard input); :class:`OSError` when it cannot be read."""
    return read_source(sys.stdin.buffer if name == "-" else Path(name))[0]


def _read_bytes(name: str) -> bytes:
    """The bytes of the file ``name`` (``-``: standard input); exit 2 when it cannot be read."""
    try:
        data = _read_input(name)
    except OSError as error:
        _fail(
            EXIT_ERROR,
            f"{_shown(name)}: IO-ERROR: cannot read it: {error.strerror or error}; check that the file exists and is "
            "readable",
        )
    return data


def _problems(error: ParseError) -> str:
    """The issues of ``error`` for one line of standard error: the line of each (when known), its rule, its message."""
    return "; ".join(
        f"{'' if issue.line is None else f'line {issue.line}: '}{issue.rule}: {issue.message}" for issue in error.issues
    )


def _read_message(name: str, status: int = EXIT_INVALID) -> Message:
    """The Dialogmelding in the file ``name``; exit ``status`` with the line of the problem when it cannot be parsed."""
    data = _read_bytes(name)
    try:
        return reader.parse(data)
    except ParseError as error:
        _fail(status, _unread(_shown(name), error))


def _unread(shown: str, error: ParseError) -> str:
    """Why the message shown as ``shown`` (a file, or one message of it) cannot be read, in one line."""
    return f"{shown}: cannot read the message: {_problems(error)}"


def _read_received(name: str) -> Received:
    """What a reply needs of the MsgHead in the file ``name``, whatever its faults (:func:`dmtool.reader.received`);
    exit 1 with the line of the problem when it has none (not XML, no MsgHead, no MsgId)."""
    data = _read_bytes(name)
    try:
        return reader.received(data)
    except ParseError as error:
        _fail(EXIT_INVALID, f"{_shown(name)}: cannot read the message: {_problems(error)}")


def _emit(data: bytes, output: str | None) -> None:
    """Write ``data`` to standard output, or to the file ``output`` whole (:func:`~dmtool.output.write_output`: never
    a partial file); exit 2 when it cannot be written or is refused."""
    try:
        write_output(data, output or "-", sys.stdout.buffer)
    except OutputRefused as refusal:
        _fail(EXIT_ERROR, f"will not write {output}: {refusal}")
    except OSError as error:
        if output in (None, "-") or error.errno == errno.EPIPE:  # as every command's (_Commands): a closed pipe too
            raise
        _fail(
            EXIT_ERROR,
            f"cannot write {output}: {error.strerror or error}; check that its folder exists and may be written to",
        )


def _write_message(message: Message, output: str | None, source: str, settings: Settings) -> None:
    """Write ``message``, made from the file ``source``; exit 1 naming that file when it cannot be built."""
    try:
        xml = writer.to_xml(message, settings=settings)
    except BuildError as error:
        _fail(EXIT_INVALID, f"{_shown(source)}: cannot build the {message.kind}: {error}")
    _emit(xml, output)


# -- build ------------------------------------------------------------------------------------------------------------

SPEC_KINDS = tuple(spec.BUILDERS)
BUILD_KINDS = (*SPEC_KINDS, "svar", "avvik")
_SPEC_SUFFIXES = {".json": "JSON", ".yaml": "YAML", ".yml": "YAML"}


def _options_for(kind: str, example: bool, spec_path: bool) -> tuple[set[str], set[str]]:
    """The options ``build KIND`` needs, and the ones it may have besides (``spec_path``: a spec is given)."""
    if kind == "svar" and not spec_path:
        return {"reply_to"}, {"text", "standard_reply", "output", "synthetic_ids"}
    if kind == "avvik" and not spec_path:
        return {"about", "reason", "text"}, {"output", "synthetic_ids"}
    return ({"example"}, {"output"}) if example else ({"spec_path"}, {"dialog_version", "output", "synthetic_ids"})


def _check_options(ctx: click.Context, kind: str) -> None:
    """Usage error (exit 2) for an option that does not belong with ``kind``, or a missing one."""
    given = {name: value for name, value in ctx.params.items() if name != "kind"}
    names = {param.name: "/".join(param.opts) for param in ctx.command.params if param.name}
    present = {name for name, value in given.items() if value not in (None, False)}
    required, optional = _options_for(kind, bool(given["example"]), given["spec_path"] is not None)
    extra = sorted(present - required - optional)
    if extra:
        mode = " --example" if given["example"] and kind in SPEC_KINDS else ""
        raise click.UsageError(f"{', '.join(names[name] for name in extra)} cannot be used with build {kind}{mode}")
    missing = sorted(required - present)
    if missing == ["spec_path"]:
        raise click.UsageError(f"build {kind} needs --spec SPEC (or --example to print an example spec)")
    if missing:
        raise click.UsageError(f"build {kind} needs {', '.join(names[name] for name in missing)}")
    if kind == "svar" and "spec_path" not in present and ("text" in present) == ("standard_reply" in present):
        raise click.UsageError(
            "build svar needs --text TEXT or --standard-reply NAME, one of them: the standard reply is the text"
        )


@functools.cache
def _spec_yaml_loader() -> type:
    """YAML's safe loader, but dates and times stay text, read as a JSON spec's are: YAML would read
    ``2026-11-20T09:15:00+01:90`` as +02:30 before the spec could refuse it."""
    import yaml

    timestamp = "tag:yaml.org,2002:timestamp"
    resolvers = {
        first: [(tag, pattern) for tag, pattern in found if tag != timestamp]
        for first, found in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return type("SpecLoader", (yaml.SafeLoader,), {"yaml_implicit_resolvers": resolvers})


def _parse_spec_text(text: str, syntax: str | None) -> object:
    """JSON or YAML text as plain data; ``syntax`` ``None`` (standard input) reads text that looks like JSON as JSON
    (YAML when that fails), anything else as YAML. Raises :class:`ValueError` saying where the text is broken."""
    import yaml  # imported when first needed, to keep start-up short

    json_error: json.JSONDecodeError | None = None
    if syntax == "JSON" or (syntax is None and text.lstrip().startswith(("{", "["))):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            json_error = error
    if syntax != "JSON":
        try:
            return yaml.load(text, Loader=_spec_yaml_loader())
        except yaml.MarkedYAMLError as error:
            if json_error is None:
                mark = error.problem_mark
                where = f"line {mark.line + 1} column {mark.column + 1}: " if mark is not None else ""
                raise ValueError(f"not valid YAML: {where}{error.problem or error}") from None
        except yaml.YAMLError as error:
            if json_error is None:
                raise ValueError(f"not valid YAML: {error}") from None
    assert json_error is not None
    raise ValueError(f"not valid JSON: line {json_error.lineno} column {json_error.colno}: {json_error.msg}")


def _load_spec(name: str) -> object:
    """The spec in the file ``name`` (``.json``, ``.yaml``, ``.yml``, or ``-`` for JSON or YAML on standard input)."""
    syntax = None if name == "-" else _SPEC_SUFFIXES.get(Path(name).suffix.lower())
    if name != "-" and syntax is None:
        raise click.BadParameter(
            f"{name!r} should end in .json, .yaml or .yml (or be - for standard input)", param_hint="--spec"
        )
    data = _read_bytes(name)
    try:
        return _parse_spec_text(data.decode("utf-8-sig"), syntax)
    except UnicodeDecodeError:
        _fail(EXIT_INVALID, f"{_shown(name)}: the spec is not UTF-8 text")
    except ValueError as error:
        _fail(EXIT_INVALID, f"{_shown(name)}: {error}")
    except RecursionError:
        _fail(EXIT_INVALID, f"{_shown(name)}: the spec is nested too deeply")


@main.command("build")
@click.argument("kind", type=click.Choice(BUILD_KINDS))
@click.option(
    "--example", is_flag=True, help="Print a complete example spec for KIND (foresporsel, notat, helsefaglig)."
)
@click.option(
    "--spec",
    "spec_path",
    metavar="SPEC",
    help="The spec: .json, .yaml or .yml; - reads JSON or YAML from standard input. What dmtool parse --format json "
    "prints is a spec too (any KIND).",
)
@click.option(
    "--dialog-version",
    type=click.Choice(DIALOG_VERSIONS),
    help="Dialogmelding version for --spec (default 1.0; helsefaglig is always 1.1).",
)
@click.option(
    "--reply-to",
    metavar="FORESPORSEL.xml",
    help="svar: the forespørsel answered (DIALOG_FORESPORSEL, or a patient's DIALOG_INNBYGGER_* message).",
)
@click.option("--about", metavar="MESSAGE.xml", help="avvik: the received message it is about (any MsgHead).")
@click.option("--reason", type=click.Choice(tuple(compose.AVVIK_REASONS)), help="avvik: why.")
@click.option("--text", help="svar, avvik: the text of the message.")
@click.option(
    "--standard-reply",
    type=click.Choice(tuple(compose.STANDARD_REPLIES)),
    help="svar: answer a patient with this standard text of seed 004 instead of --text.",
)
@click.option(
    "-o", "--output", metavar="OUT", help="Write to OUT (only once it is complete) instead of standard output."
)
@click.option("--synthetic-ids/--no-synthetic-ids", default=None,
              help="Accept Tenor's synthetic test numbers for the patient: for test environments only [default: no, "
              "or synthetic_ids in the config file].")  # fmt: skip
@_output_options
@click.pass_context
def build_command(
    ctx: click.Context,
    kind: str,
    example: bool,
    spec_path: str | None,
    dialog_version: str | None,
    reply_to: str | None,
    about: str | None,
    reason: str | None,
    text: str | None,
    standard_reply: str | None,
    output: str | None,
    synthetic_ids: bool | None,
) -> None:
    """Build a message of KIND as schema-valid XML.

    \b
      dmtool build KIND --example                 print an example spec (KIND: foresporsel, notat, helsefaglig)
      dmtool build KIND --spec SPEC [--dialog-version 1.0|1.1] [-o OUT]
      dmtool build KIND --spec PARSED.json [-o OUT]   PARSED.json: dmtool parse --format json of a message of KIND
      dmtool build svar --reply-to FORESPORSEL.xml --text TEXT [-o OUT]
      dmtool build svar --reply-to FORESPORSEL.xml --standard-reply NAME [-o OUT]
      dmtool build avvik --about MESSAGE.xml --reason feil-adressat|teknisk-feil --text TEXT [-o OUT]

    A svar or an avvik answers a received message even when it has faults: what of it cannot be copied validly is
    left out (docs: "Reply about a faulty message"); when no valid reply can be made, one line says what is wrong
    with the message. NAME is a standard reply to a patient (seed 004): endring-av-time, avbestilling, purring,
    avslutt-dialog, avbestillingsgebyr.

    A spec is the keyword arguments of a constructor (--example shows them) or a whole message as dmtool parse
    --format json prints it, which builds the message again as it was (what the model does not hold, listed under
    "unmodelled", is said and left out). Either may say "kind" (foresporsel or DIALOG_FORESPORSEL for build
    foresporsel) and "version" (1.0, 1.1), which must agree with KIND and --dialog-version.

    Exit status: 0 built, 1 bad spec or input message (one line naming the key or line), 2 usage or I/O error.
    """
    _check_options(ctx, kind)
    if example:
        _emit((_json(spec.example(kind), indent=2) + "\n").encode(), output)
    elif spec_path is not None:
        data = _load_spec(spec_path)
        try:
            xml = spec.xml_from_spec(kind, data, dialog_version, _build_settings(synthetic_ids))
        except spec.SpecError as error:
            _fail(EXIT_INVALID, f"{_shown(spec_path)}: {error}")
        except RecursionError:
            _fail(EXIT_INVALID, f"{_shown(spec_path)}: the spec is nested too deeply")
        _emit(xml, output)
        left_out = data.get("unmodelled") if isinstance(data, dict) else None
        if isinstance(left_out, list) and left_out:
            _note(f"{_shown(spec_path)}: not built again, as the model does not hold it: what \"unmodelled\" lists "
                  f"({len(left_out)})")  # fmt: skip
    elif kind == "svar" and reply_to is not None:
        settings = _build_settings(synthetic_ids)
        request = _read_received(reply_to)
        try:
            message = compose.svar(
                request, text, standard_reply=cast(compose.StandardReply | None, standard_reply), settings=settings
            )
        except ValueError as error:
            _fail(EXIT_INVALID, f"{_shown(reply_to)}: cannot answer it: {error}")
        _write_message(message, output, reply_to, settings)
    elif kind == "avvik" and about is not None and reason in compose.AVVIK_REASONS and text is not None:
        settings = _build_settings(synthetic_ids)
        original = _read_received(about)
        try:
            avvik = compose.avvik(original, cast(compose.AvvikReason, reason), text, settings=settings)
        except ValueError as error:
            _fail(EXIT_INVALID, f"{_shown(about)}: cannot build an avvik about it: {error}")
        _write_message(avvik, output, about, settings)


def _build_settings(synthetic_ids: bool | None) -> Settings:
    """What ``build`` checks the hard rules under: the national rules, with ``synthetic_ids`` from the command line
    or the config file (the one key ``build`` reads there: a profile is for checking what is received)."""
    try:
        return Settings(synthetic_ids=config.load(synthetic_ids=synthetic_ids).synthetic_ids)
    except config.ConfigError as error:
        _fail(EXIT_ERROR, str(error))


# -- parse ------------------------------------------------------------------------------------------------------------


@main.command("parse")
@click.argument("file", metavar="FILE")
@_format_option(
    "text: a readable summary; json: the model as one pretty-printed JSON object, which build --spec reads back (a "
    "file of several messages: one JSON object per message, JSON Lines)."
)
@click.option(
    "-o", "--output", metavar="OUT", help="Write to OUT (only once it is complete) instead of standard output."
)
@_output_options
def parse_command(file: str, fmt: str, output: str | None) -> None:
    """Print the Dialogmelding in FILE as a summary or as JSON.

    FILE is a MsgHead with a Dialogmelding 1.0 or 1.1 body, or - for standard input. A file holding several messages
    (a vendor's export) gives one result per message, FILE#1, FILE#2, ...: a summary under its name, or one JSON
    object per line {"path", "message", "issues"}.

    \b
      dmtool parse X.xml --format json -o X.json
      dmtool build KIND --spec X.json            builds X.xml's message again (KIND: its kind, as foresporsel)

    Exit status: 0 read, 1 not a Dialogmelding the model can hold (the line of the problem is given; with several
    messages: one of them), 2 usage or I/O error.
    """
    results = reader.parse_each(_read_bytes(file))
    if len(results) == 1:
        (message,) = results
        if isinstance(message, ParseError):
            _fail(EXIT_INVALID, _unread(_shown(file), message))
        shown = _json(spec.to_data(message), indent=2) if fmt == "json" else "\n".join(summary.lines(message))
        _emit((shown + "\n").encode(), output)
        return
    lines = []
    for part, result in enumerate(results, start=1):
        path = part_path(file, part)
        if isinstance(result, ParseError):
            if fmt == "json":
                lines.append(_json({"path": path, "message": None, "issues": [i.to_dict() for i in result.issues]}))
            else:
                lines.append(_printable(_unread(path, result)))
        elif fmt == "json":
            lines.append(_json({"path": path, "message": spec.to_data(result), "issues": []}))
        else:
            lines += [f"{_printable(path)}:", *(f"  {line}" for line in summary.lines(result))]
    _emit(("\n".join(lines) + "\n").encode(), output)
    unread = sum(isinstance(result, ParseError) for result in results)
    if unread:
        said = "above" if output in (None, "-") else f"in {output}"
        _fail(EXIT_INVALID, f"{_shown(file)}: {unread} of {len(results)} messages cannot be read (said {said})")


# -- apprec -----------------------------------------------------------------------------------------------------------


class _CommandAndSubcommands(click.Group):
    """A command that also has subcommands, as ``dmtool apprec MESSAGE`` has ``dmtool apprec check APPREC``: when the
    first argument that is neither an option nor an option's value names a subcommand, that subcommand runs with the
    other arguments, options before its name included; else the group runs as the command it is. (A file of that
    name is given as ``./check``.)"""

    allow_interspersed_args = True

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        params = [*self.params, *(param for command in self.commands.values() for param in command.params)]
        at = _first_argument(args, params)
        if at is not None and args[at] in self.commands:
            ctx.meta[_SUBCOMMAND] = args[at], [*args[:at], *args[at + 1 :]]
            return []
        return click.Command.parse_args(self, ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        chosen = ctx.meta.pop(_SUBCOMMAND, None)
        if chosen is None:
            return click.Command.invoke(self, ctx)
        name, args = chosen
        command = self.commands[name]
        # the group's context is not the parent: its arguments (MESSAGE) are no part of the subcommand's usage
        with command.make_context(f"{ctx.info_name} {name}", args, parent=ctx.parent) as sub:
            return command.invoke(sub)

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return click.Command.collect_usage_pieces(self, ctx)


#: Where :class:`_CommandAndSubcommands` keeps the subcommand chosen and its arguments between parsing and running.
_SUBCOMMAND: Final = "dmtool.subcommand"


def _first_argument(args: list[str], params: list[click.Parameter]) -> int | None:
    """Where the first argument of ``args`` stands that is neither an option of ``params`` nor the value of one (the
    one after ``--``); ``None`` when there is none."""
    takes_value = {
        name for param in params if isinstance(param, click.Option) and not param.is_flag for name in param.opts
    }
    at = 0
    while at < len(args):
        if args[at] == "--":
            return at + 1 if at + 1 < len(args) else None
        if not args[at].startswith("-") or args[at] == "-":
            return at
        at += 2 if args[at] in takes_value else 1  # --name=value and -oVALUE hold their value
    return None


def _apprec_write_options(command: Callable[..., None], *, hidden: bool = False) -> Callable[..., None]:
    """The options only writing a receipt takes (``dmtool apprec MESSAGE``): :data:`_APPREC_WRITE_OPTIONS`."""
    for option in reversed(
        (
            click.option("--apprec-version", type=click.Choice(list(apprec.APPREC_VERSIONS)),
                         default=apprec.DEFAULT_VERSION, show_default=True, hidden=hidden,
                         help="The AppRec version to write (1.0 only where HIS 1168 chapter 8 or the receiver asks "
                         "for it)."),
            click.option("-o", "--output", metavar="OUT", default=None, hidden=hidden,
                         help="Write the AppRec here (default: standard output)."),
            click.option("--out-dir", metavar="DIR", default=None, hidden=hidden,
                         help="Write each receipt to a file of its own in the folder DIR (it must exist): "
                         "NAME.apprec.xml for a file NAME.xml, NAME-1.apprec.xml, NAME-2.apprec.xml, ... for one that "
                         "holds several messages (needed then)."),
            click.option("--sender-her", metavar="HER", default=None, hidden=hidden,
                         help="The receipt's sender (the message's receiver), when the message cannot be read far "
                         "enough."),
            click.option("--receiver-her", metavar="HER", default=None, hidden=hidden,
                         help="The receipt's receiver (the message's sender), when the message cannot be read far "
                         "enough."),
        )
    ):  # fmt: skip
        command = option(command)
    return command


def _apprec_check_options(command: Callable[..., None], *, hidden: bool = False) -> Callable[..., None]:
    """The options only checking a receipt takes (``dmtool apprec check APPREC``): :data:`_APPREC_CHECK_OPTIONS`."""
    command = click.option(
        "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, hidden=hidden,
        help="text for people; json prints one JSON object (one line), whatever the verdict: the keys of validate "
        "--format json and consistent, outcome, reasons.",
    )(command)  # fmt: skip
    return click.option(
        "--original", metavar="FILE", default=None, hidden=hidden, help="The message the receipt answers."
    )(command)


@main.group("apprec", cls=_CommandAndSubcommands, invoke_without_command=True)
@click.argument("args", nargs=-1, required=True, metavar="MESSAGE")
@_apprec_write_options
@functools.partial(_apprec_check_options, hidden=True)  # refused, with a word on where they belong
@_profile_options
@_output_options
@click.pass_context
def apprec_command(
    ctx: click.Context,
    args: tuple[str, ...],
    apprec_version: str,
    output: str | None,
    out_dir: str | None,
    sender_her: str | None,
    receiver_her: str | None,
    original: str | None,
    fmt: str,
    profile: str | None,
    last_contact: dt.datetime | None,
    admitted: bool | None,
    short_max_chars: int | None,
    synthetic_ids: bool | None,
) -> None:  # fmt: skip
    """Write the AppRec for MESSAGE; `dmtool apprec check APPREC` checks one (dmtool apprec check --help).

    Writing validates MESSAGE (profile options as for validate) and writes its receipt: status 1 OK, 2 Avvist with
    one Error per broken rule, 3 OK-feil-i-delmelding when only attachments were refused. Exit 0 when the receipt is
    written (whatever its status, which is also said on standard error, not with --quiet), 1 when it cannot be made
    (an AppRec, parties that cannot be read and are not given) or is not sent (a synchronous Helsenorge query, Ack N
    outside the dialog guidelines; standard error says "no receipt is sent" and why), 2 usage or I/O error. A MESSAGE
    file holding several messages (a vendor's export) gets one receipt per message, MESSAGE#1, MESSAGE#2, ...,
    written with --out-dir DIR only (without it: exit 2, nothing written); exit 1 when one of them cannot be made (the
    others are written). A MESSAGE file named check is given as ./check.
    """
    if len(args) != 1:
        raise click.UsageError(f"give one MESSAGE, or: {_APPREC_CHECK_USAGE}")
    _refuse_options(ctx, _APPREC_CHECK_OPTIONS, "'dmtool apprec MESSAGE'", f"only to: {_APPREC_CHECK_USAGE}")
    sender = _party_option(sender_her, "--sender-her")
    receiver = _party_option(receiver_her, "--receiver-her")
    settings = _settings(profile, last_contact, admitted, short_max_chars, synthetic_ids)
    if output is not None and out_dir is not None:
        raise click.UsageError("give -o/--output OUT or --out-dir DIR, not both")
    if out_dir is not None and not os.path.isdir(out_dir):
        raise click.BadParameter(f"{out_dir!r} is not a folder; make it first", param_hint="--out-dir")
    name = args[0]
    made = [
        _receipt_xml(result)
        for result in receipts.apprec_for_each(
            _read_bytes(name),
            version=cast(apprec.AppRecVersion, apprec_version),
            sender=sender,
            receiver=receiver,
            settings=settings,
        )
    ]
    stem = "stdin" if name == "-" else os.path.splitext(os.path.basename(name))[0]
    if len(made) == 1:
        (one,) = made
        if isinstance(one, ValueError):
            _fail(EXIT_INVALID, _unmade(_shown(name), one))
        target = output if out_dir is None else os.path.join(out_dir, f"{stem}.apprec.xml")
        _emit(one[1], target)  # the status is said only once the receipt is written
        _note(_status(one[0]) + ("" if out_dir is None else f", written to {target}"))
        return
    if out_dir is None:
        where = "standard output takes one" if output in (None, "-") else "-o writes one file"
        _fail(
            EXIT_ERROR,
            f"{_shown(name)} holds {len(made)} messages, so {len(made)} receipts, and {where}: give --out-dir DIR to "
            "write each receipt to a file of its own; nothing was written",
        )
    unmade = 0
    for part, result in enumerate(made, start=1):
        shown = part_path(name, part)
        if isinstance(result, ValueError):
            unmade += 1
            _say(_unmade(shown, result))
            continue
        target = os.path.join(out_dir, f"{stem}-{part}.apprec.xml")
        _emit(result[1], target)
        _note(f"{shown}: {_status(result[0])}, written to {target}")
    if unmade:
        sys.exit(EXIT_INVALID)


def _unmade(shown: str, error: ValueError) -> str:
    """What ``dmtool apprec`` says of a message ``shown`` it writes no receipt for: none is sent, or none can be."""
    return f"{shown}: {error}" if isinstance(error, NoReceipt) else f"{shown}: cannot make the AppRec: {error}"


def _receipt_xml(result: apprec.AppRec | ValueError) -> tuple[apprec.AppRec, bytes] | ValueError:
    """The receipt and its XML, or why it cannot be made (a receipt that cannot be written is not made either:
    :class:`~dmtool.errors.BuildError` is a ``ValueError``)."""
    if isinstance(result, ValueError):
        return result
    try:
        return result, apprec.to_xml(result)
    except ValueError as error:
        return error


def _status(receipt: apprec.AppRec) -> str:
    """``AppRec status 2 Avvist: T02, X99``: what ``dmtool apprec`` says on standard error of a receipt it wrote."""
    codes = ", ".join(error.code for error in receipt.errors)
    return f"AppRec status {receipt.status} {receipt.status_text}" + (f": {codes}" if codes else "")


_APPREC_CHECK_USAGE = "dmtool apprec check APPREC [--original MESSAGE] [--format text|json] [--profile NAME]"
#: The parameters only writing a receipt (``dmtool apprec MESSAGE``) takes, and those only checking one takes.
_APPREC_WRITE_FACTS = ("last_contact", "admitted", "short_max_chars", "synthetic_ids")
_APPREC_WRITE_OPTIONS = ("apprec_version", "output", "out_dir", "sender_her", "receiver_her", *_APPREC_WRITE_FACTS)
_APPREC_CHECK_OPTIONS = ("original", "fmt")


@apprec_command.command("check")
@click.argument("args", nargs=-1, metavar="APPREC")
@_apprec_check_options
@functools.partial(_profile_options, names=("profile",))
@functools.partial(_apprec_write_options, hidden=True)  # refused, with a word on where they belong
@functools.partial(_profile_options, names=_APPREC_WRITE_FACTS, hidden=True)
@_output_options
@click.pass_context
def apprec_check_command(
    ctx: click.Context, /, args: tuple[str, ...], original: str | None, fmt: str, profile: str | None, **writing: object
) -> None:
    """Check the AppRec in APPREC (- for standard input): is it consistent, and with --original MESSAGE, does it
    answer that message?

    --profile nav judges it by NAV's AppRec error list (8124). Exit 0 when the receipt is consistent
    (APPREC-CONSISTENT), 1 when it is not or cannot be read, 2 usage or I/O error; with --format json the verdict is
    one JSON object whatever it is.
    """
    if not args:
        raise click.UsageError(f"the APPREC file to check is missing: {_APPREC_CHECK_USAGE}")
    _refuse_options(ctx, _APPREC_WRITE_OPTIONS, "'dmtool apprec check'", f"usage: {_APPREC_CHECK_USAGE}")
    if len(args) > 1:
        raise click.UsageError(f"give one APPREC file: {_APPREC_CHECK_USAGE}")
    _check_apprec(args[0], original, fmt, _settings(profile, None, None, None, None))


def _refuse_options(ctx: click.Context, names: tuple[str, ...], command: str, hint: str) -> None:
    """Usage error (exit 2) naming every option of ``names`` given on the command line (even at its default value):
    it does not apply to ``command``; ``hint`` follows in brackets."""
    given = [
        "/".join((*param.opts, *param.secondary_opts))
        for param in ctx.command.params
        if param.name in names
        and ctx.get_parameter_source(param.name)
        in (click.core.ParameterSource.COMMANDLINE, click.core.ParameterSource.ENVIRONMENT)
    ]
    if given:
        verb = "does" if len(given) == 1 else "do"
        raise click.UsageError(f"{', '.join(given)} {verb} not apply to {command} ({hint})")


def _party_option(her_id: str | None, option: str) -> apprec.Party | None:
    """The party a ``--sender-her``/``--receiver-her`` value names; usage error (exit 2) when it is not a HER-id."""
    if her_id is None:
        return None
    problem = her_id_problem(her_id)
    if problem is not None:
        raise click.BadParameter(f"{problem}; give the HER-id from the address register", param_hint=option)
    return receipts.party_by_her(her_id)


def _check_apprec(name: str, original: str | None, fmt: str, settings: Settings) -> None:
    """``dmtool apprec check``: the verdict on the receipt in the file ``name`` (against the message in ``original``,
    under the profile of ``settings``);
    exit 0 when consistent, 1 when not or when a file cannot be parsed, 2 when one cannot be read. With ``fmt`` json
    the result is one JSON object on standard output whatever it is, as ``validate --format json`` gives one per
    input: a receipt or original that cannot be parsed is inconsistent with the problems as its issues, a file that
    cannot be read has one ``IO-ERROR`` issue; the outcome is ``unknown`` when the receipt was not read."""
    as_json = fmt == "json"
    data = _read_receipt(name) if as_json else _read_bytes(name)
    try:
        apprec.parse_apprec(data)
    except ParseError as error:
        if as_json:
            _json_verdict(ApprecCheck(Report(path=name, issues=error.issues), "unknown", ()), EXIT_INVALID)
        _fail(EXIT_INVALID, f"{_shown(name)}: cannot check the receipt: {_problems(error)}")
    against = None
    if original is not None and as_json:
        try:
            against = _read_input(original)
        except OSError as error:
            unread = batch.unreadable(name, _shown(original), error).issues
            _json_without_original(data, name, unread, EXIT_ERROR, settings)
    elif original is not None:
        against = _read_bytes(original)
    try:
        verdict = check_apprec(data, against, path=name, settings=settings)
    except ParseError as error:
        where = f"the original {_shown(original or name)}"
        if as_json:
            unread = tuple(  # the lines are the original's, not the receipt's the report is about: said in words
                dataclasses.replace(issue, line=None, message=f"{where}: {_problems(ParseError((issue,)))}")
                for issue in error.issues
            )
            _json_without_original(data, name, unread, EXIT_INVALID, settings)
        _fail(EXIT_INVALID, f"{_shown(original or name)}: cannot read the original message: {_problems(error)}")
    if fmt == "json":
        _json_verdict(verdict, EXIT_VALID if verdict.consistent else EXIT_INVALID)
    else:
        state = (
            click.style("consistent", fg="green", bold=True)
            if verdict.consistent
            else click.style("INCONSISTENT", fg="red", bold=True)
        )
        profile = "" if verdict.report.profile == "national" else f"  profile {verdict.report.profile}"
        click.echo(f"{_printable(name)}: {state}  outcome: {verdict.outcome}{profile}")
        for reason in verdict.reasons:
            click.echo(f"  reason: {_printable(reason)}")
        for issue in verdict.report.issues:
            tone = "red" if issue.severity is Severity.ERROR else "yellow"
            click.echo("  " + click.style(f"{issue.severity} {issue.rule}", fg=tone) + f": {_printable(issue.message)}")
    sys.exit(EXIT_VALID if verdict.consistent else EXIT_INVALID)


def _read_receipt(name: str) -> bytes:
    """The bytes of the receipt in the file ``name`` for ``apprec check --format json``; when it cannot be read, an
    ``IO-ERROR`` verdict (outcome ``unknown``: the receipt was not read) and exit 2."""
    try:
        return _read_input(name)
    except OSError as error:
        _json_verdict(ApprecCheck(batch.unreadable(name, _shown(name), error), "unknown", ()), EXIT_ERROR)


def _json_without_original(
    data: bytes, name: str, problems: tuple[Issue, ...], status: int, settings: Settings
) -> NoReturn:
    """``apprec check --format json`` when the original cannot be used: the verdict on the receipt ``data`` alone,
    with ``problems`` (why the original could not be used) among its issues; exit ``status``."""
    alone = check_apprec(data, path=name, settings=settings)
    report = dataclasses.replace(alone.report, issues=(*alone.report.issues, *problems))
    _json_verdict(dataclasses.replace(alone, report=report), status)


def _json_verdict(verdict: ApprecCheck, status: int) -> NoReturn:
    """Print ``verdict`` as one JSON object on standard output and exit with ``status``."""
    click.echo(_json(verdict.to_dict()))
    sys.exit(status)


# -- fixtures ---------------------------------------------------------------------------------------------------------


#: The most files (or threads) ``fixtures --count`` writes in one run: about half an hour's work.
MAX_FIXTURES: Final = 1_000_000


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@main.command("fixtures")
@click.option("-o", "--output", "--out", "out", required=True, metavar="DIR",
              help="Folder to write into (created; must be empty).")  # fmt: skip
@click.option(
    "--count",
    type=click.IntRange(min=0, max=MAX_FIXTURES),
    default=100,
    show_default=True,
    help=f"Files to write, at most {MAX_FIXTURES:,} (with --threads: threads, four files each).",
)
@click.option("--seed", type=click.IntRange(min=-(2**63), max=2**63 - 1), default=0, show_default=True,
              help="Same seed and options: the same files (a 64-bit integer).")  # fmt: skip
@click.option(
    "--kinds",
    multiple=True,
    metavar="KIND[,KIND]",
    help="Kinds to draw: foresporsel, svar, avvik, notat, helsefaglig [default: all]; with --threads, whole threads: "
    "foresporsel,svar and/or notat,avvik.",
)
@click.option(
    "--dialog-version",
    "versions",
    multiple=True,
    metavar="V[,V]",
    help="Dialogmelding versions: 1.0, 1.1 [default: both].",
)
@click.option(
    "--invalid",
    multiple=True,
    metavar="RULE|all",
    help="Also write files that break this guideline rule (repeatable), or all those fixtures can break in turn; not "
    "with --threads.",
)
@click.option("--threads", is_flag=True, help="Write whole threads: message, AppRec, reply (svar or avvik), AppRec.")
@click.option(
    "--shapes",
    multiple=True,
    metavar="SHAPE[,SHAPE]|all",
    help="With --threads: threads also take these shapes in turn, for following them up: late-reply, "
    "missing-receipt, rejection, duplicate; the manifest says what a ledger must follow up.",
)
@_output_options
def fixtures_command(
    out: str, count: int, seed: int, kinds: tuple[str, ...], versions: tuple[str, ...], invalid: tuple[str, ...],
    threads: bool, shapes: tuple[str, ...],
) -> None:  # fmt: skip
    """Write test messages and a manifest.json that says, per file, kind, version, verdict, broken rules and thread.

    Exit status: 0 written, 1 a file did not get the verdict it was made for (a bug in dmtool), 2 usage error (such
    as --invalid with --threads, or --kinds that are not whole threads with --threads), an output folder that is not
    empty or that another run is writing into, or hypothesis missing (pip install 'dmtool[fixtures]'); nothing is
    written on exit 2, nor when the run fails or is stopped (130 Ctrl-C, 143 SIGTERM).
    """
    try:
        from . import fixtures
    except ImportError as error:  # hypothesis is an optional dependency
        _fail(EXIT_ERROR, f"dmtool fixtures needs hypothesis ({error}): pip install -U 'dmtool[fixtures]'")
    chosen_kinds = _split(kinds)  # none: every kind (with --threads, every kind of a thread)
    unknown = [kind for kind in chosen_kinds if kind not in KIND_NAMES]
    if unknown:
        raise click.BadParameter(f"unknown kind {unknown[0]!r}; choose from {', '.join(KIND_NAMES)}",
                                 param_hint="--kinds")  # fmt: skip
    chosen_versions = _split(versions) or list(DIALOG_VERSIONS)
    if any(version not in DIALOG_VERSIONS for version in chosen_versions):
        raise click.BadParameter("choose 1.0 and/or 1.1", param_hint="--dialog-version")
    rules_chosen = _split(invalid)
    if "all" in rules_chosen:
        from . import strategies

        rules_chosen = list(strategies.HARD_RULES)
    shapes_chosen = _split(shapes)
    if "all" in shapes_chosen:
        from . import strategies

        shapes_chosen = list(strategies.THREAD_SHAPES)
    plan = fixtures.Plan(
        count=count,
        seed=seed,
        kinds=tuple(KIND_NAMES[kind] for kind in dict.fromkeys(chosen_kinds)),
        versions=cast(tuple[Literal["1.0", "1.1"], ...], tuple(dict.fromkeys(chosen_versions))),
        invalid=tuple(dict.fromkeys(rule.upper() for rule in rules_chosen)),
        threads=threads,
        shapes=tuple(dict.fromkeys(shape.lower() for shape in shapes_chosen)),
    )
    total = count * 4 if threads else count
    try:
        with _progress(total, "writing fixtures", prints=False) as advance:

            def written(files: int) -> None:
                advance(1)
                _stop_if_signalled()

            entries = fixtures.write(plan, Path(out), written)
    except (ValueError, FileExistsError) as error:
        _fail(EXIT_ERROR, str(error))
    except OSError as error:
        _fail(EXIT_ERROR, f"cannot write into {out}: {error.strerror or error}; nothing was written")
    except fixtures.FixtureError as error:
        _fail(EXIT_INVALID, f"internal error, please report it: {error}")
    invalid_count = sum(entry.verdict == "invalid" for entry in entries)
    if not _quiet():
        said = f"wrote {len(entries)} files ({invalid_count} invalid) and manifest.json to {_printable(out)}"
        click.echo(f"dmtool: {said}", err=True)


# -- ledger -----------------------------------------------------------------------------------------------------------


@main.group("ledger")
@click.option("--db", metavar="URL", default=None,
              help="The ledger: a file path, sqlite:///PATH or postgresql://user:password@host/database [default: "
              f"the settings file's ledger, else {DEFAULT_LEDGER} in the working folder].")  # fmt: skip
@click.pass_context
def ledger_group(ctx: click.Context, db: str | None) -> None:
    """Record the messages sent and received, and follow them up: missing receipts, rejections, late replies.

    Exit status: 0 done (record: every input valid; overdue: nothing overdue), 1 record: an input was invalid (it is
    recorded all the same), overdue: something is overdue, thread: no such message; 2 a usage error, a file that
    cannot be read, or a ledger that cannot be opened or used.
    """
    ctx.obj = db


def _open_ledger(ctx: click.Context, *, create: bool) -> tuple[Ledger, Settings]:
    """The ledger ``--db`` names (or the settings file's, or the default) and the settings; exit 2 when either
    cannot be had."""
    try:
        settings = config.load()
        url = ctx.obj or config.ledger_url() or DEFAULT_LEDGER
    except config.ConfigError as error:
        _fail(EXIT_ERROR, str(error))
    try:
        return Ledger.open(url, settings=settings, create=create), settings
    except LedgerError as error:
        _fail(EXIT_ERROR, str(error))


def _now_option(command: Callable[..., None]) -> Callable[..., None]:
    """``--now ISO``: the time to judge at (default: now); a time without offset is Oslo time."""
    return click.option("--now", "now", metavar="ISO", default=None,
                        help="Judge at this time, YYYY-MM-DDThh:mm:ss with or without its UTC offset (Oslo time "
                        "without) [default: now].")(command)  # fmt: skip


def _judged_at(now: str | None) -> dt.datetime:
    try:
        return moment(now)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--now") from None


def _ledger_call(work: Callable[[], Any]) -> Any:
    """``work()``, a ledger that fails on the way exiting 2 with one line."""
    try:
        return work()
    except LedgerError as error:
        _fail(EXIT_ERROR, str(error))


@ledger_group.command("record")
@click.argument("paths", nargs=-1, required=True, metavar="FILE...")
@click.option("--sent", is_flag=True, help="The files are messages and receipts this party sent.")
@click.option("--received", is_flag=True, help="The files are messages and receipts this party received.")
@_format_option("text for people; json prints one JSON object per input (JSON Lines).")
@_output_options
@click.pass_context
def ledger_record_command(ctx: click.Context, paths: tuple[str, ...], sent: bool, received: bool, fmt: str) -> None:
    """Record messages and receipts (files, folders: every *.xml below them, or - for standard input), each
    validated against the message it answers when the ledger holds it; a duplicate is said and not stored again."""
    if sent == received:
        raise click.UsageError("say which way the files went: --sent or --received (one of them)")
    direction: Direction = "sent" if sent else "received"
    items, empty = _expand(paths)
    ledger, _ = _open_ledger(ctx, create=True)
    unreadable = invalid = False
    with contextlib.closing(ledger):
        for item in items:
            try:
                if item.unreadable is not None:
                    raise OSError(0, item.unreadable)
                data = read_source(sys.stdin.buffer)[0] if item.path is None else read_path(item.path,
                                                                                            regular_only=item.listed)
            except OSError as error:
                unreadable = True
                outcome = Recorded(batch.unreadable(item.shown, item.shown, error), direction, stored=False)
            else:
                outcome = _ledger_call(functools.partial(ledger.record, data, direction, path=item.shown))
                invalid = invalid or not outcome.report.valid
            click.echo(_recorded_output(outcome, fmt))
            _stop_if_signalled()
    sys.exit(EXIT_ERROR if unreadable or empty else EXIT_INVALID if invalid else EXIT_VALID)


def _recorded_output(outcome: Recorded, fmt: str) -> str:
    if fmt == "json":
        return _json(outcome.to_dict())
    report = outcome.report
    lines = _text(report, "valid" if report.valid else "unreadable" if report.kind == "unknown" and any(
        issue.rule == batch.IO_ERROR for issue in report.issues) else "invalid").split("\n")  # fmt: skip
    if outcome.stored:
        said = "stored"
    elif outcome.duplicate_of is not None:
        said = f"not stored: a duplicate of {_printable(outcome.duplicate_of)}"
    else:
        said = "not stored"
    lines[0] += f"  ({outcome.direction}; {said})"
    return "\n".join(lines)


def _when(value: dt.date | None) -> str:
    return "-" if value is None else value.isoformat()


def _overdue_text(row: Overdue) -> str:
    head = f"{click.style(f'{row.kind:<16}', bold=True)}{_printable(row.msg_id)}  {_printable(row.msg_type or '?')}"
    if row.kind == "missing-receipt":
        return f"{head}  sent {_when(row.gen_date)}, no AppRec; due by {_when(row.due)}"
    if row.kind == "rejection":
        status = codelists.get("8258").codes.get(row.status or "", row.status)
        reasons = "; ".join(f"{code} {text}".strip() for code, text in row.errors) or "no error given"
        return f"{head}  AppRec {_printable(row.receipt or '')} status {row.status} {status}: {_printable(reasons)}"
    came = "no svar" if row.reply is None else f"svar {_printable(row.reply)} came {_when(row.reply_date)}"
    return f"{head}  {row.direction} {_when(row.gen_date)}, reply by {_when(row.due)}: {came}"


@ledger_group.command("overdue")
@_now_option
@_format_option("text for people; json prints one JSON object per row (JSON Lines), and no summary.")
@_output_options
@click.pass_context
def ledger_overdue_command(ctx: click.Context, now: str | None, fmt: str) -> None:
    """List what needs following up at --now: sent messages without an AppRec past the ledger's receipt timeout
    (missing-receipt), AppRecs that rejected a sent message (rejection), forespørsler without a svar by their
    reply date (late-reply)."""
    moment = _judged_at(now)
    ledger, _ = _open_ledger(ctx, create=False)
    with contextlib.closing(ledger):
        rows: list[Overdue] = _ledger_call(lambda: ledger.overdue(moment))
    for row in rows:
        click.echo(_json(row.to_dict()) if fmt == "json" else _overdue_text(row))
    if fmt == "text" and not _quiet():
        kinds = ("missing-receipt", "rejection", "late-reply")
        counts = {kind: sum(row.kind == kind for row in rows) for kind in kinds}
        click.echo(f"{len(rows)} overdue at {moment.isoformat()}: {counts['missing-receipt']} missing receipts, "
                   f"{counts['rejection']} rejections, {counts['late-reply']} late replies")  # fmt: skip
    sys.exit(EXIT_INVALID if rows else EXIT_VALID)


@ledger_group.command("thread")
@click.argument("msg_id", metavar="MSGID")
@_format_option("text for people; json prints one JSON object per message (JSON Lines).")
@_output_options
@click.pass_context
def ledger_thread_command(ctx: click.Context, msg_id: str, fmt: str) -> None:
    """Show the whole thread of a message (or of the message an AppRec answers), with every message's receipts, in
    GenDate order."""
    ledger, _ = _open_ledger(ctx, create=False)
    with contextlib.closing(ledger):
        members: list[Stored] = _ledger_call(lambda: ledger.thread(msg_id))
    if not members:
        _fail(EXIT_INVALID, f"{msg_id}: the ledger holds no message with this MsgId")
    for each in members:
        if fmt == "json":
            click.echo(_json(each.to_dict()))
            continue
        what = f"status {each.status}" if each.kind == "apprec" else "valid" if each.valid else "INVALID"
        rules_said = f" ({', '.join(each.rules)})" if each.rules else ""
        click.echo(f"{_when(each.gen_date)}  {each.direction:<8}  {_printable(each.msg_type or each.kind):<20}  "
                   f"{_printable(each.msg_id or '-')}  {what}{_printable(rules_said)}")  # fmt: skip


@ledger_group.command("status")
@_now_option
@_format_option("text for people; json: one JSON object (one line).")
@_output_options
@click.pass_context
def ledger_status_command(ctx: click.Context, now: str | None, fmt: str) -> None:
    """Count the messages per state at --now: sent and received, invalid, receipts, replies."""
    moment = _judged_at(now)
    ledger, _ = _open_ledger(ctx, create=False)
    with contextlib.closing(ledger):
        counts: dict[str, Any] = _ledger_call(lambda: ledger.status(moment))
        timeout: dt.timedelta = _ledger_call(lambda: ledger.receipt_timeout)
    if fmt == "json":
        click.echo(_json(counts))
        return
    receipts, replies = counts["receipts"], counts["replies"]
    click.echo(f"{counts['messages']} messages at {moment.isoformat()}: {counts['sent']} sent, {counts['received']} "
               f"received, {counts['invalid']} invalid")  # fmt: skip
    click.echo("receipts: " + ", ".join(f"{count} {name}" for name, count in receipts.items())
               + f" (a receipt is missing after {timeout})")  # fmt: skip
    click.echo("replies: " + ", ".join(f"{count} {name}" for name, count in replies.items()))


@ledger_group.command("receipt-timeout")
@click.argument("minutes", type=click.IntRange(min=1, max=366 * 24 * 60), required=False)
@_output_options
@click.pass_context
def ledger_timeout_command(ctx: click.Context, minutes: int | None) -> None:
    """Show, or set to MINUTES, how long a sent message may go without an AppRec before it is overdue (this
    ledger's setting, for every process using it; default 60)."""
    ledger, _ = _open_ledger(ctx, create=minutes is not None)
    with contextlib.closing(ledger):
        if minutes is not None:
            _ledger_call(lambda: ledger.set_receipt_timeout(dt.timedelta(minutes=minutes)))
        timeout: dt.timedelta = _ledger_call(lambda: ledger.receipt_timeout)
    click.echo(f"{int(timeout.total_seconds() // 60)}")


# -- serve ------------------------------------------------------------------------------------------------------------


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; only this machine reaches the default (loopback).")  # fmt: skip
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True,
              help="The port to listen on; 0 takes a free one (the address is said on standard error).")  # fmt: skip
@click.option("--profile", type=click.Choice(list(profiles.PROFILES)), default=None,
              help="The profile a request that chooses none is checked under [default: national, or the config "
              "file].")  # fmt: skip
@_output_options
def serve_command(host: str, port: int, profile: str | None) -> None:
    """Serve a page to check messages on, and a JSON API (/api/..., described at /openapi.json), until Ctrl-C.

    Nothing it is given is stored; a message larger than validate reads is refused (413). Needs the serve extra:
    pip install 'dmtool[serve]'.

    Exit status: 2 when the extra is missing, the config file is bad or the address cannot be listened on; 130
    Ctrl-C, 143 SIGTERM.
    """
    settings = _settings(profile, None, None, None, None)
    try:
        from . import serve
    except ModuleNotFoundError as error:  # starlette, uvicorn, jinja2 and python-multipart are the serve extra
        _fail(EXIT_ERROR, f"dmtool serve needs {error.name} ({error}): pip install -U 'dmtool[serve]'")
    if not serve.is_loopback(host):
        _say(f"warning: listening on {host}: anyone who reaches this machine there can use the server, which has no "
             "login; the default, 127.0.0.1, is this machine only")  # fmt: skip
    try:
        serve.run(host, port, settings, lambda url: _say(f"serving on {url} (Ctrl-C stops it)"))
    except OSError as error:
        _fail(EXIT_ERROR, f"cannot listen on {host} port {port}: {error.strerror or error}; choose another --port "
              "or --host")  # fmt: skip
