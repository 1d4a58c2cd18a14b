"""Building a message: the strict gate over the pure writer. :func:`to_xml` (``dmtool.to_xml``) writes a
:class:`~dmtool.dialog.model.Message` with :mod:`dmtool.dialog.writer` and refuses it when it breaks a hard guideline
rule of :mod:`dmtool.rules`.

It is also what the old path ``dmtool.writer`` gives (the writer checked the rules itself before they moved up here):
:data:`MIG_VERSION` and :data:`DIALOG_NAMESPACES` come with it.
"""

from __future__ import annotations

import dataclasses

from lxml import etree

from . import rules
from .dialog import writer
from .dialog.model import DialogVersion, Message
from .dialog.writer import DIALOG_NAMESPACES, MIG_VERSION
from .errors import RuleError
from .rules.facts import Facts
from .standards.profiles import Settings

__all__ = ["DIALOG_NAMESPACES", "MIG_VERSION", "to_element", "to_xml"]


def to_element(
    message: Message,
    dialog_version: DialogVersion | None = None,
    *,
    strict: bool = True,
    settings: Settings | None = None,
) -> etree._Element:
    """``message`` as a MsgHead element tree, validated against dmtool's schemas and, when ``strict``, against the
    hard guideline rules; see :func:`to_xml`."""
    root = writer.to_element(message, dialog_version)
    if strict:
        broken = rules.evaluate(Facts(root, settings), errors_only=True)
        if broken:  # the lines are those of text the caller never sees
            raise RuleError(tuple(dataclasses.replace(issue, line=None) for issue in broken))
    return root


def to_xml(
    message: Message,
    dialog_version: DialogVersion | None = None,
    *,
    strict: bool = True,
    settings: Settings | None = None,
) -> bytes:
    """``message`` as a MsgHead 1.2 document with its Dialogmelding body: UTF-8 bytes, deterministic, schema-valid.

    ``dialog_version`` (``"1.0"`` or ``"1.1"``) overrides ``message.version``. Raises
    :class:`~dmtool.errors.BuildError` naming the field when the message cannot be valid, and its subclass
    :class:`~dmtool.errors.RuleError` naming the rule when it breaks a hard guideline rule (under ``settings``:
    default the national profile; ``Settings(synthetic_ids=True)`` accepts Tenor's test numbers for the patient).
    ``strict=False`` skips the guideline rules (not the schema): for test material that breaks a rule on purpose,
    or for rewriting a received message as it is.
    """
    return writer.serialize(to_element(message, dialog_version, strict=strict, settings=settings))
