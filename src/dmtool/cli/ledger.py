"""``dmtool ledger``: record the messages sent and received, and follow them up."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import sys
from collections.abc import Callable
from typing import Any

import click

from .. import batch, config
from ..jsontext import dumps as _json
from ..ledger import DEFAULT_URL as DEFAULT_LEDGER
from ..ledger import Direction, Ledger, LedgerError, Overdue, Recorded, Stored, moment
from ..standards.profiles import Settings
from ..xml.source import read_path, read_source
from .common import EXIT_ERROR, EXIT_INVALID, EXIT_VALID, _fail, _quiet, main
from .files import _expand
from .options import _format_option, _output_options
from .render import _overdue_text, _recorded_output, _stored_text
from .signals import _stop_if_signalled


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
        click.echo(_json(each.to_dict()) if fmt == "json" else _stored_text(each))


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
