"""What validation finds: issues (one problem each) and the report that holds them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, Literal

from .standards import versions as standard_versions

Kind = Literal["msghead", "apprec", "unknown"]
Version = Literal["dialog-1.0", "dialog-1.1", "apprec-1.0", "apprec-1.1"]

#: The longest run of characters without a space, and the longest message, kept whole in an issue: a message that
#: quotes what it received (a code, a number, a value the schema refuses) must not repeat a megabyte of it.
MAX_WORD: Final = 200
MAX_MESSAGE: Final = 2_000
#: How much of a cut run is kept, and room for what a cut adds (``... [N more characters]``).
_KEPT: Final = 60
_SAID: Final = 40
_LONG_WORD: Final = re.compile(rf"(?<!\S)\S{{{MAX_WORD + 1},}}")  # from the start of a run only: linear time


def bounded(text: str) -> str:
    """``text`` with every run of more than :data:`MAX_WORD` characters without a space cut to its start and the count
    of the rest, then, if it is still longer than :data:`MAX_MESSAGE`, cut the same way to fit; ``text`` itself when
    nothing is cut. What it returns comes back unchanged."""
    if len(text) <= MAX_WORD:
        return text
    text = _LONG_WORD.sub(lambda run: _cut(run.group(), _KEPT), text)
    return _cut(text, MAX_MESSAGE - _SAID) if len(text) > MAX_MESSAGE else text


def _cut(text: str, keep: int) -> str:
    return f"{text[:keep]}... [{len(text) - keep:,} more characters]"


class Severity(StrEnum):
    """How serious an issue is: an error makes the message invalid, a warning is advice."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One problem: the rule it breaks, how serious it is, a message for people, and the line (if known).

    The message is :func:`bounded`: however long a value it quotes, it stays short enough to read.
    """

    rule: str
    severity: Severity
    message: str
    line: int | None = None

    def __post_init__(self) -> None:
        message = bounded(self.message)  # wherever the issue comes from
        if message is not self.message:
            object.__setattr__(self, "message", message)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of an issue: ``{"rule", "severity", "message", "line"}``."""
        return {"rule": self.rule, "severity": str(self.severity), "message": self.message, "line": self.line}


@dataclass(frozen=True)
class Report:
    """Everything validation found in one input, and what the input is.

    ``reply_by`` is the last day a reply is expected, for a forespørsel (see :mod:`dmtool.standards.deadlines`).
    ``rules`` names the rule set that judged the message (:func:`dmtool.rules.rule_set`): ``dialog``, ``dialog+oslo``,
    ``helsenorge``, ``helsenorge+pasientdialog``, ``nav``, ``standard``. ``part`` is the message's place in its
    file (1, 2, ...) when the file holds several messages (:func:`dmtool.validate_each`), and ``path`` then ends in
    ``#part`` (:func:`part_path`); ``None`` for a file of one message, which keeps its plain path. ``profile`` is the
    profile the message was judged under (``national``, ``oslo``, ...: :data:`dmtool.standards.profiles.PROFILES`).
    """

    path: str | None = None
    kind: Kind = "unknown"
    version: Version | None = None
    msg_type: str | None = None
    msg_id: str | None = None
    wrapped: bool = False
    issues: tuple[Issue, ...] = field(default_factory=tuple)
    reply_by: dt.date | None = None
    rules: str = "standard"
    part: int | None = None
    profile: str = "national"

    @property
    def valid(self) -> bool:
        """True when no issue is an error (warnings are allowed)."""
        return not self.errors

    @property
    def errors(self) -> tuple[Issue, ...]:
        """The issues of severity error."""
        return tuple(i for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        """The issues of severity warning."""
        return tuple(i for i in self.issues if i.severity is Severity.WARNING)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a report, as ``dmtool validate --format json`` prints it: ``kind`` and ``version`` say
        what the document is (``msghead``, ``dialog-1.0``); ``msg_type`` (what ``dmtool parse`` calls ``kind``),
        ``dialog_version`` (what ``parse`` calls ``version``) and ``apprec_version`` say it under names that mean the
        same in every command's JSON (:func:`versions`); ``rules`` names the rule set, ``profile`` the profile."""
        return {
            "path": self.path,
            "valid": self.valid,
            "kind": self.kind,
            "version": self.version,
            "msg_type": self.msg_type,
            **versions(self.version),
            "msg_id": self.msg_id,
            "wrapped": self.wrapped,
            "issues": [i.to_dict() for i in self.issues],
            "reply_by": None if self.reply_by is None else self.reply_by.isoformat(),
            "rules": self.rules,
            "profile": self.profile,
        }


def versions(version: str | None) -> dict[str, str | None]:
    """A document's :data:`Version` (``dialog-1.1``, ``apprec-1.0``) as the JSON keys ``dialog_version`` and
    ``apprec_version`` (``"1.1"`` and ``None``, ...): the names the command line (``--dialog-version``,
    ``--apprec-version``), ``dmtool parse`` and the fixtures manifest give a version."""
    found = standard_versions.by_label(version)
    return {
        "dialog_version": found.number if found is not None and found.standard == "dialog" else None,
        "apprec_version": found.number if found is not None and found.standard == "apprec" else None,
    }


def part_path(path: str, part: int) -> str:
    """The path shown for message number ``part`` (from 1) of the file at ``path`` when the file holds several:
    ``FILE#2`` (``-#2`` for standard input)."""
    return f"{path}#{part}"
