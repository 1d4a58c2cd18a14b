"""What every rule module shares: a finding, a check, and a rule."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lxml import etree

from ..report import Severity
from .facts import Facts
from .families import Layer

#: What a check yields for each thing that breaks its rule: a message, and the element it is about (for its line).
Finding = tuple[str, etree._Element | None]
#: A check: the findings of one rule on one message.
Check = Callable[[Facts], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    """One rule: ``id`` (stable, used in reports and by users' scripts), ``severity``, the ``apprec_code`` of code list
    8221 it maps to (``None`` for advice), ``sender_text`` (Norwegian, for the sender), ``developer_text`` (English),
    ``seeds`` (the guidelines or standards it comes from), ``check`` (``None`` where the loader, the schema or the
    AppRec checker decides), its ``layer``, ``profiles`` (empty: the whole layer, else only the profiles that add
    it) and ``also``: further places it applies, each a ``LAYER`` it is part of too, or ``LAYER+PROFILE`` (a profile
    that adds it to another layer)."""

    id: str
    severity: Severity
    apprec_code: str | None
    sender_text: str
    developer_text: str
    seeds: tuple[str, ...]
    check: Check | None = None
    profiles: tuple[str, ...] = ()
    layer: Layer = "dialog"
    also: tuple[str, ...] = ()

    def applies(self, layers: tuple[Layer, ...], profile: str) -> bool:
        """True when this rule is part of the rule set of ``layers`` under ``profile``."""
        if self.layer in layers and (not self.profiles or profile in self.profiles):
            return True
        return any(layer in self.also or f"{layer}+{profile}" in self.also for layer in layers)

    @property
    def scope(self) -> tuple[str, ...]:
        """Where the rule applies, as ``dmtool rules`` shows it: its layer (or ``LAYER+PROFILE`` for each profile that
        adds it), then :attr:`also`."""
        home = tuple(f"{self.layer}+{profile}" for profile in self.profiles) if self.profiles else (self.layer,)
        return (*home, *self.also)

    def to_dict(self) -> dict[str, object]:
        """The rule as plain data (what ``dmtool rules --format json`` prints)."""
        return {
            "id": self.id,
            "severity": str(self.severity),
            "apprec_code": self.apprec_code,
            "sender_text": self.sender_text,
            "developer_text": self.developer_text,
            "seeds": list(self.seeds),
            "profiles": list(self.profiles),
            "layer": self.layer,
            "also": list(self.also),
        }
