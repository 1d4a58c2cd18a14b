"""``dmtool build``: a message from a spec (JSON or YAML), or a svar or an avvik answering a received message."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import cast

import click

from .. import config
from ..build import to_xml
from ..dialog import compose, spec
from ..dialog.model import DIALOG_VERSIONS, Message
from ..errors import BuildError
from ..jsontext import dumps as _json
from ..standards.profiles import Settings
from .common import EXIT_ERROR, EXIT_INVALID, _fail, _note, main
from .files import _emit, _read_bytes, _read_received, _shown
from .options import _output_file_option, _output_options

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
@_output_file_option
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
        _build_from_spec(kind, spec_path, dialog_version, output, synthetic_ids)
    elif kind == "svar" and reply_to is not None:
        _build_svar(reply_to, text, standard_reply, output, _build_settings(synthetic_ids))
    elif kind == "avvik" and about is not None and reason in compose.AVVIK_REASONS and text is not None:
        _build_avvik(about, cast(compose.AvvikReason, reason), text, output, _build_settings(synthetic_ids))


def _build_from_spec(
    kind: str, spec_path: str, dialog_version: str | None, output: str | None, synthetic_ids: bool | None
) -> None:
    """``build KIND --spec SPEC``: the message of the spec in the file ``spec_path``; exit 1 naming its fault (the
    spec is read before the config file)."""
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


def _build_svar(
    reply_to: str, text: str | None, standard_reply: str | None, output: str | None, settings: Settings
) -> None:
    """``build svar``: the svar to the message in the file ``reply_to``; exit 1 when it cannot be answered."""
    request = _read_received(reply_to)
    try:
        message = compose.svar(
            request, text, standard_reply=cast(compose.StandardReply | None, standard_reply), settings=settings
        )
    except ValueError as error:
        _fail(EXIT_INVALID, f"{_shown(reply_to)}: cannot answer it: {error}")
    _write_message(message, output, reply_to, settings)


def _build_avvik(about: str, reason: compose.AvvikReason, text: str, output: str | None, settings: Settings) -> None:
    """``build avvik``: the avvik about the message in the file ``about``; exit 1 when none can be made."""
    original = _read_received(about)
    try:
        avvik = compose.avvik(original, reason, text, settings=settings)
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


def _write_message(message: Message, output: str | None, source: str, settings: Settings) -> None:
    """Write ``message``, made from the file ``source``; exit 1 naming that file when it cannot be built."""
    try:
        xml = to_xml(message, settings=settings)
    except BuildError as error:
        _fail(EXIT_INVALID, f"{_shown(source)}: cannot build the {message.kind}: {error}")
    _emit(xml, output)
