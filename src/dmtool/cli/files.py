"""The files a command reads and writes: inputs named on the command line (a folder: every ``*.xml`` below it),
messages read from them, and output written whole; each exits with one line when it cannot."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import click

from ..batch import Input
from ..dialog import reader
from ..dialog.model import Message, Received
from ..errors import ParseError
from ..output import OutputRefused, write_output
from ..xml.source import read_source
from .common import EXIT_ERROR, EXIT_INVALID, _fail
from .render import _printable, _problems


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
    """What a reply needs of the MsgHead in the file ``name``, whatever its faults
    (:func:`dmtool.dialog.reader.received`);
    exit 1 with the line of the problem when it has none (not XML, no MsgHead, no MsgId)."""
    data = _read_bytes(name)
    try:
        return reader.received(data)
    except ParseError as error:
        _fail(EXIT_INVALID, _unread(_shown(name), error))


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
