"""What validation finds: issues (one problem each) and the report that holds them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

Kind = Literal["msghead", "apprec", "unknown"]
Version = Literal["dialog-1.0", "dialog-1.1", "apprec-1.0", "apprec-1.1"]


class Severity(StrEnum):
    """How serious an issue is: an error makes the message invalid, a warning is advice."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One problem: the rule it breaks, how serious it is, a message for people, and the line (if known)."""

    rule: str
    severity: Severity
    message: str
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of an issue: ``{"rule", "severity", "message", "line"}``."""
        return {"rule": self.rule, "severity": str(self.severity), "message": self.message, "line": self.line}


@dataclass(frozen=True)
class Report:
    """Everything validation found in one input, and what the input is.

    ``reply_by`` is the last day a reply is expected, for a forespørsel (see :mod:`dmtool.deadlines`).
    """

    path: str | None = None
    kind: Kind = "unknown"
    version: Version | None = None
    msg_type: str | None = None
    msg_id: str | None = None
    wrapped: bool = False
    issues: tuple[Issue, ...] = field(default_factory=tuple)
    reply_by: dt.date | None = None

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
        """The JSON shape of a report, as ``dmtool validate --format json`` prints it."""
        return {
            "path": self.path,
            "valid": self.valid,
            "kind": self.kind,
            "version": self.version,
            "msg_type": self.msg_type,
            "msg_id": self.msg_id,
            "wrapped": self.wrapped,
            "issues": [i.to_dict() for i in self.issues],
            "reply_by": None if self.reply_by is None else self.reply_by.isoformat(),
        }
