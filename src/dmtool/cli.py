"""The ``dmtool`` command line: a thin layer over the library.

Exit status: 0 all inputs valid (warnings allowed), 1 at least one invalid, 2 usage or I/O error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click

from . import __version__
from .report import Issue, Report, Severity
from .validation import validate

EXIT_VALID, EXIT_INVALID, EXIT_ERROR = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dmtool")
def main() -> None:
    """Build, parse, validate and acknowledge Dialogmelding messages (MsgHead 1.2, Dialogmelding 1.0/1.1, AppRec)."""


@dataclass(frozen=True)
class _Input:
    """One input named on the command line: a file, or ``-`` for standard input."""

    shown: str
    path: Path | None


def _expand(paths: tuple[str, ...]) -> Iterator[_Input]:
    """Files in command-line order; a directory contributes every ``*.xml`` below it, sorted."""
    for name in paths:
        if name == "-":
            yield _Input("-", None)
            continue
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() == ".xml" and not p.is_dir())
            if not found:
                click.echo(f"dmtool: no *.xml files under {name}", err=True)
            yield from (_Input(str(p), p) for p in found)
        else:
            yield _Input(name, path)


def _check(item: _Input) -> Report:
    if item.path is None:
        return validate(sys.stdin.buffer, path="-")
    return validate(item.path, path=item.shown)


def _io_report(item: _Input, error: OSError) -> Report:
    reason = error.strerror or str(error)
    message = f"cannot read {item.shown}: {reason}; check that the file exists and is readable"
    return Report(path=item.shown, issues=(Issue("IO-ERROR", Severity.ERROR, message),))


def _describe(report: Report) -> str:
    parts = [report.kind if report.kind != "unknown" else "", report.version or "", report.msg_type or ""]
    if report.wrapped:
        parts.append("(wrapped)")
    return " ".join(p for p in parts if p)


def _print_text(report: Report, unreadable: bool) -> None:
    if unreadable:
        verdict, colour = "UNREADABLE", "yellow"
    elif report.valid:
        verdict, colour = "valid", "green"
    else:
        verdict, colour = "INVALID", "red"
    click.echo(f"{report.path}: " + click.style(verdict, fg=colour, bold=True) + f"  {_describe(report)}".rstrip())
    for issue in report.issues:
        where = f"line {issue.line}" if issue.line else "-"
        tone = "red" if issue.severity is Severity.ERROR else "yellow"
        click.echo(f"  {where:>10}  " + click.style(f"{issue.severity} {issue.rule}", fg=tone) + f": {issue.message}")


@main.command("validate")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people; json prints one JSON object per input (JSON Lines).",
)
def validate_command(paths: tuple[str, ...], fmt: str) -> None:
    """Validate messages: files, directories (every *.xml below) or - for standard input.

    Exit status: 0 all valid (warnings allowed), 1 at least one invalid, 2 usage or I/O error.
    """
    counts = {"valid": 0, "invalid": 0, "unreadable": 0}
    for item in _expand(paths):
        try:
            report = _check(item)
            unreadable = False
        except OSError as error:
            report, unreadable = _io_report(item, error), True
        counts["unreadable" if unreadable else "valid" if report.valid else "invalid"] += 1
        if fmt == "json":
            click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        else:
            _print_text(report, unreadable)
    total = sum(counts.values())
    if fmt == "text":
        click.echo(
            f"{total} checked: {counts['valid']} valid, {counts['invalid']} invalid, {counts['unreadable']} unreadable"
        )
    if counts["unreadable"] or total == 0:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_INVALID if counts["invalid"] else EXIT_VALID)
