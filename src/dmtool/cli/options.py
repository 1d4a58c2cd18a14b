"""The options several commands take: ``--color/--no-color`` and ``-q/--quiet`` (every command), ``--format``, and
the profile options with the settings they make (:func:`_settings`)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from typing import Any, Final

import click

from .. import config
from ..standards import profiles
from ..standards.profiles import Settings
from ..xml.loader import MAX_SIZE
from .common import _QUIET, EXIT_ERROR, _fail


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


def _format_option(help_text: str, *, hidden: bool = False) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The ``--format text|json`` option of a command (parameter ``fmt``), with its own help text; ``hidden``: taken
    but not shown in the command's help."""
    return click.option(
        "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, hidden=hidden,
        help=help_text,
    )  # fmt: skip


def _output_file_option(command: Callable[..., None]) -> Callable[..., None]:
    """``-o/--output OUT`` (parameter ``output``) of a command that writes one file (build, parse)."""
    return click.option(
        "-o", "--output", metavar="OUT", help="Write to OUT (only once it is complete) instead of standard output."
    )(command)
