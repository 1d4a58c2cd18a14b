"""Results as text for people, and what ``validate`` prints of each result: pure functions of what they show (the
colours they add are left out by ``click.echo`` where they do not belong)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

import click

from .. import apprec, batch, rules
from ..apprec.make import ApprecCheck
from ..errors import ParseError
from ..jsontext import dumps as _json
from ..ledger import Overdue, Recorded, Stored
from ..report import Issue, Report, Severity, bounded
from ..standards import codelists

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
        lines.append(f"  {where:>10}  {_issue_label(issue)}: {_printable(issue.message)}")
    return "\n".join(lines)


def _tone(severity: Severity) -> str:
    """The colour of what has ``severity``: red for an error, yellow for a warning."""
    return "red" if severity is Severity.ERROR else "yellow"


def _issue_label(issue: Issue) -> str:
    """``ERROR SHORT``: the severity and rule of ``issue``, in its colour."""
    return click.style(f"{issue.severity} {issue.rule}", fg=_tone(issue.severity))


def _rule_text(rule: rules.Rule) -> str:
    """The three lines ``dmtool rules`` shows of ``rule``: id, severity, AppRec code, layers and seeds; its texts."""
    head = click.style(f"{rule.id:<28}", bold=True) + click.style(f"{rule.severity:<8}", fg=_tone(rule.severity))
    return "\n".join(
        (
            f"{head}{rule.apprec_code or '-':<6}{', '.join(rule.scope)}  [{', '.join(rule.seeds)}]",
            f"    {rule.developer_text}",
            f"    {rule.sender_text}",
        )
    )


def _verdict_text(name: str, verdict: ApprecCheck) -> str:
    """What ``dmtool apprec check`` shows of its ``verdict`` on the receipt in the file ``name``."""
    state = (
        click.style("consistent", fg="green", bold=True)
        if verdict.consistent
        else click.style("INCONSISTENT", fg="red", bold=True)
    )
    profile = "" if verdict.report.profile == "national" else f"  profile {verdict.report.profile}"
    lines = [f"{_printable(name)}: {state}  outcome: {verdict.outcome}{profile}"]
    lines += (f"  reason: {_printable(reason)}" for reason in verdict.reasons)
    lines += (f"  {_issue_label(issue)}: {_printable(issue.message)}" for issue in verdict.report.issues)
    return "\n".join(lines)


def _presented(fmt: str, report: Report, unchecked: bool) -> tuple[str, str, int]:
    """What ``validate`` prints of a result (a JSON line, or text with colours that ``click.echo`` leaves out where
    they do not belong), what the summary counts it as, and the inputs it finishes for the progress bar (none for the
    second and later messages of a file): made in the worker process that checked the file."""
    outcome = batch.outcome(report, unchecked)
    output = _json(report.to_dict()) if fmt == "json" else _text(report, outcome)
    return outcome, output, int(report.part is None or report.part == 1)


def _problems(error: ParseError) -> str:
    """The issues of ``error`` for one line of standard error: the line of each (when known), its rule, its message."""
    return "; ".join(
        f"{'' if issue.line is None else f'line {issue.line}: '}{issue.rule}: {issue.message}" for issue in error.issues
    )


def _status(receipt: apprec.AppRec) -> str:
    """``AppRec status 2 Avvist: T02, X99``: what ``dmtool apprec`` says on standard error of a receipt it wrote."""
    codes = ", ".join(error.code for error in receipt.errors)
    return f"AppRec status {receipt.status} {receipt.status_text}" + (f": {codes}" if codes else "")


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


def _stored_text(each: Stored) -> str:
    """The line ``dmtool ledger thread`` shows of a message or receipt of the thread."""
    what = f"status {each.status}" if each.kind == "apprec" else "valid" if each.valid else "INVALID"
    rules_said = f" ({', '.join(each.rules)})" if each.rules else ""
    return (f"{_when(each.gen_date)}  {each.direction:<8}  {_printable(each.msg_type or each.kind):<20}  "
            f"{_printable(each.msg_id or '-')}  {what}{_printable(rules_said)}")  # fmt: skip
