"""``dmtool config``: the settings in effect and where each comes from."""

from __future__ import annotations

import functools

import click

from .. import config
from ..jsontext import dumps as _json
from ..ledger import DEFAULT_URL as DEFAULT_LEDGER
from .common import EXIT_ERROR, _fail, main
from .options import _PROFILE_OPTIONS, _format_option, _output_options, _profile_options
from .render import _printable


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
