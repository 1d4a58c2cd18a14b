"""``dmtool apprec MESSAGE`` writes the receipt for a message; ``dmtool apprec check APPREC`` checks one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import sys
from collections.abc import Callable
from typing import Any, Final, NoReturn, cast

import click

from .. import apprec, batch
from ..apprec import make as receipts
from ..apprec.make import ApprecCheck, check_apprec
from ..errors import NoReceipt, ParseError
from ..jsontext import dumps as _json
from ..report import Issue, Report, part_path
from ..standards.ids import her_id_problem
from ..standards.profiles import Settings
from .common import EXIT_ERROR, EXIT_INVALID, EXIT_VALID, _fail, _note, _say, main
from .files import _emit, _read_bytes, _read_input, _shown
from .options import _format_option, _output_options, _profile_options, _settings
from .render import _problems, _status, _verdict_text


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
    command = _format_option(
        "text for people; json prints one JSON object (one line), whatever the verdict: the keys of validate --format "
        "json and consistent, outcome, reasons.",
        hidden=hidden,
    )(command)
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
    _write_receipts(name, made, output, out_dir)


def _write_receipts(
    name: str, made: list[tuple[apprec.AppRec, bytes] | ValueError], output: str | None, out_dir: str | None
) -> None:
    """Write the receipts ``made`` for the messages of the file ``name``: one to ``output`` (or into ``out_dir``), or
    each to a file of its own in ``out_dir``; exit 1 when one of them could not be made, 2 when several have no
    ``out_dir``."""
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
    click.echo(_verdict_text(name, verdict))
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
