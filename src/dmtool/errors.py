"""The exceptions of the model API: a message that cannot be built, a source that cannot be parsed; and
:class:`DmtoolError`, the root of every exception dmtool raises of its own."""

from __future__ import annotations

from .report import Issue


class DmtoolError(Exception):
    """The root of every exception class of dmtool: ``except dmtool.DmtoolError`` catches what dmtool refuses, and
    nothing else. Each class keeps its older base too (:class:`ValueError` for most), so code that catches that goes
    on working."""


class BuildError(DmtoolError, ValueError):
    """The message cannot be turned into a valid Dialogmelding; ``field`` names the part of the model at fault
    (``"body.subject"``, ``"sender.unit.her_id"``), or is ``None`` when the schema refused the whole."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field


class ParseError(DmtoolError, ValueError):
    """The source cannot be read as a Dialogmelding; ``issues`` say why (rule id, message, line)."""

    def __init__(self, issues: tuple[Issue, ...]) -> None:
        super().__init__(
            "; ".join(
                issue.message if issue.line is None else f"line {issue.line}: {issue.message}" for issue in issues
            )
        )
        self.issues = issues


class RuleError(BuildError):
    """The message breaks hard guideline rules and is not built; ``issues`` say which (``rule`` is the first id)."""

    def __init__(self, issues: tuple[Issue, ...]) -> None:
        super().__init__(None, "; ".join(f"{issue.rule}: {issue.message}" for issue in issues))
        self.issues = issues
        self.rule = issues[0].rule


class NoReceipt(DmtoolError, ValueError):
    """The message takes no AppRec (a synchronous query, or ``Ack`` N where that is the sender's to ask); the message
    says why. No receipt is written: answering would be a protocol error."""


class ReplyError(DmtoolError, ValueError):
    """No valid svar or avvik can be made to a received message: the message says, in words, what is wrong with the
    original that stops it (a sender with no HER-id at any level, a patient with only a hjelpenummer, ...)."""
