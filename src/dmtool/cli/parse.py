"""``dmtool parse``: a Dialogmelding as a summary or as JSON (a spec ``build`` reads back)."""

from __future__ import annotations

import click

from ..dialog import reader, spec, summary
from ..errors import ParseError
from ..jsontext import dumps as _json
from ..report import part_path
from .common import EXIT_INVALID, _fail, main
from .files import _emit, _read_bytes, _shown, _unread
from .options import _format_option, _output_file_option, _output_options
from .render import _printable


@main.command("parse")
@click.argument("file", metavar="FILE")
@_format_option(
    "text: a readable summary; json: the model as one pretty-printed JSON object, which build --spec reads back (a "
    "file of several messages: one JSON object per message, JSON Lines)."
)
@_output_file_option
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
