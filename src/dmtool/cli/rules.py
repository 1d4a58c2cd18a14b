"""``dmtool rules``: the rules, or one of them."""

from __future__ import annotations

import click

from .. import rules
from ..jsontext import dumps as _json
from ..report import bounded
from .common import main
from .options import _format_option, _output_options
from .render import _printable, _rule_text


@main.command("rules")
@click.argument("rule_id", metavar="[ID]", required=False)
@_format_option(
    "text: a table for people; json: one pretty-printed JSON array of rule objects (with ID: one rule object)."
)
@_output_options
def rules_command(rule_id: str | None, fmt: str) -> None:
    """List the rules, or show the one rule ID: id, severity, AppRec error code (8221), layer and profiles, what each
    checks and where it comes from.

    Exit status: 0 shown, 2 usage error (an ID that is no rule's: the closest ids are named).
    """
    chosen = rules.RULES if rule_id is None else (_rule(rule_id),)
    if fmt == "json":
        shown = chosen[0].to_dict() if rule_id is not None else [rule.to_dict() for rule in chosen]
        click.echo(_json(shown, indent=2))
        return
    for rule in chosen:
        click.echo(_rule_text(rule))


def _rule(rule_id: str) -> rules.Rule:
    """The rule ``rule_id`` names (in any case); usage error (exit 2) naming the closest ids when there is none."""
    import difflib

    found = rules.BY_ID.get(rule_id.strip().upper())
    if found is not None:
        return found
    close = difflib.get_close_matches(rule_id.strip().upper(), rules.BY_ID, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(close)}?" if close else "; dmtool rules lists them"
    raise click.BadParameter(f"no rule has the id {_printable(bounded(rule_id))!r}{hint}", param_hint="ID")
