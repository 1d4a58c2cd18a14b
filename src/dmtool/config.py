"""Project settings: ``[tool.dmtool]`` in ``pyproject.toml`` or a ``dmtool.toml``, found from the working folder up.

Keys: ``profile`` (``national``, ``oslo``, ``bergen``, ``vestre-viken``, ``ostfold``, ``pasientdialog``),
``short_max_chars`` and ``ack_only_max_chars`` (the advice thresholds), ``synthetic_ids`` (``true`` accepts Tenor's
synthetic test numbers, for test environments), ``ledger`` (the ledger ``dmtool ledger`` uses: a path, relative to the
file's folder, or a URL; :func:`ledger_url`). ``dmtool.toml`` holds the keys at its top level. The first folder
that has either file decides (``dmtool.toml`` before ``pyproject.toml``); options on the command line win over the
file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from .errors import DmtoolError
from .standards import profiles
from .standards.profiles import Settings

_INT_KEYS: Final = ("short_max_chars", "ack_only_max_chars")
#: Keys that are not :class:`~dmtool.standards.profiles.Settings`: read by their own function.
_OTHER_KEYS: Final = ("ledger",)
KEYS: Final = ("profile", *_INT_KEYS, "synthetic_ids", *_OTHER_KEYS)
#: The type of each key's value, and what it is called in an error.
_TYPES: Final[dict[str, tuple[type, str]]] = {
    "profile": (str, "a string"),
    "synthetic_ids": (bool, "true or false"),
    "ledger": (str, "a string"),
    **{key: (int, "a whole number") for key in _INT_KEYS},
}


class ConfigError(DmtoolError, ValueError):
    """A settings file that cannot be used; the message names the file and the key."""


def find(start: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The settings file that applies in ``start`` (default: the working folder) and its dmtool table."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / "dmtool.toml"
        if own.is_file():
            return own, _read(own)
        project = candidate / "pyproject.toml"
        if project.is_file():
            table = _read(project).get("tool", {}).get("dmtool")
            if table is not None:
                if not isinstance(table, dict):
                    raise ConfigError(f"{project}: [tool.dmtool] must be a table")
                return project, table
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read it: {error}") from None


def as_toml(value: object) -> str:
    """``value`` (as :mod:`tomllib` reads it) written as in the file, not as Python shows it: ``true``, ``"oslo"``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string is written as a JSON string is
    if isinstance(value, dt.date | dt.time):  # a datetime is a date too
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(map(as_toml, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key} = {as_toml(item)}" for key, item in value.items()) + "}"
    return str(value)  # a number


def load(start: Path | None = None, **overrides: Any) -> Settings:
    """The settings for ``start``: the file's values, then every override that is not ``None`` (profile by name,
    thresholds, ``last_contact``, ``admitted``, ``synthetic_ids``)."""
    found = _checked(start)
    values = {} if found is None else {key: value for key, value in found[1].items() if key not in _OTHER_KEYS}
    given = {key: value for key, value in overrides.items() if value is not None}
    values.update(given)
    for key in _INT_KEYS:
        if key in given and given[key] < 1:
            raise ConfigError(f"{key} must be at least 1, got {given[key]}")
    if "profile" in values:
        try:
            values["profile"] = profiles.get(values["profile"])
        except ValueError as error:
            raise ConfigError(str(error)) from None
    return dataclasses.replace(Settings(), **values)


def _checked(start: Path | None) -> tuple[Path, dict[str, Any]] | None:
    """:func:`find`, every key of the table checked: :class:`ConfigError` naming the file and the key for one that
    is unknown or has a value of the wrong type or range."""
    found = find(start)
    if found is None:
        return None
    path, table = found
    for key, value in table.items():
        if key not in KEYS:
            raise ConfigError(f"{path}: unknown key {key!r}; expected one of: {', '.join(KEYS)}")
        expected, what = _TYPES[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"{path}: {key} must be {what}, got {as_toml(value)}")
        if key in _INT_KEYS and isinstance(value, int) and value < 1:
            raise ConfigError(f"{path}: {key} must be at least 1, got {value}")
        if key == "profile" and value not in profiles.PROFILES:
            raise ConfigError(f"{path}: unknown profile {value!r}; choose one of {', '.join(profiles.PROFILES)}")
    return found


@dataclass(frozen=True)
class Setting:
    """One setting in effect: its ``key`` (one of :data:`KEYS`), its ``value`` as the settings file would give it (a
    profile by name; ``None`` for a ``ledger`` that is not set), and its ``source``: ``"default"``, ``"command line"``
    or the path of the settings file."""

    key: str
    value: object
    source: str


def explain(start: Path | None = None, **overrides: Any) -> tuple[Path | None, tuple[Setting, ...]]:
    """The settings file that applies in ``start`` (``None`` when there is none) and every key of :data:`KEYS` as
    :func:`load` and :func:`ledger_url` take it, with where its value comes from; ``overrides`` as for :func:`load`
    (those that are not keys, such as ``last_contact``, are left out). Raises :class:`ConfigError` for a bad file or
    override, as :func:`load` does."""
    settings = load(start, **overrides)
    found = _checked(start)
    path, table = found if found is not None else (None, {})
    values = {key: getattr(settings, key) for key in KEYS if key not in ("profile", *_OTHER_KEYS)}
    values.update(profile=settings.profile.name, ledger=ledger_url(start))

    def source(key: str) -> str:
        if overrides.get(key) is not None:
            return "command line"
        return str(path) if key in table else "default"

    return path, tuple(Setting(key, values[key], source(key)) for key in KEYS)


def ledger_url(start: Path | None = None) -> str | None:
    """The ledger the settings file for ``start`` names (key ``ledger``), or ``None``: a URL (``postgresql://…``,
    ``sqlite:///…``) as it is, a path relative to the file's folder. Raises :class:`ConfigError` for a bad file."""
    load(start)  # the whole file is checked, as every command checks it
    found = find(start)
    if found is None or "ledger" not in found[1]:
        return None
    path, table = found
    value: str = table["ledger"]
    return value if "://" in value else str(path.parent / value)
