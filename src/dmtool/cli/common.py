"""What every command shares: the ``dmtool`` group (:func:`main`) and its rules for signals, closed pipes and I/O
errors, the exit statuses, and the lines said on standard error (:func:`_say`, :func:`_note`, :func:`_fail`)."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable, Iterator
from typing import Final, NoReturn

import click

from .. import __version__
from .render import _printable
from .signals import Stopped, _stopped_by_signals

EXIT_VALID, EXIT_INVALID, EXIT_ERROR = 0, 1, 2
#: The exit status when the output pipe was closed by its reader: what a program ended by ``SIGPIPE`` (13) gives.
EXIT_CLOSED_PIPE: Final = 141


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


def _quiet() -> bool:
    """Whether ``--quiet`` was given to the command running."""
    return bool(click.get_current_context().meta.get(_QUIET))


def _note(message: str) -> None:
    """Say a status line on standard error (:func:`_say`), unless ``--quiet`` was given."""
    if not _quiet():
        _say(message)


def _fail(status: int, message: str) -> NoReturn:
    """Say what went wrong in one line on standard error and exit with ``status``."""
    _say(message)
    sys.exit(status)


def _say(message: str) -> None:
    """Say ``message`` in one line on standard error."""
    click.echo("dmtool: " + _printable(" ".join(message.split())), err=True)


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
