"""Test material in bulk: valid messages, messages that break exactly one rule, and whole threads with receipts.

Everything is drawn from the public strategies of :mod:`dmtool.strategies` (so it needs hypothesis:
``pip install 'dmtool[fixtures]'``), written with the same writer, and checked with the same rules that validate
messages: every file is validated as it is written, and a file whose verdict differs from what the manifest says
stops the run. The same seed and options give byte-identical output with the same hypothesis version (the manifest
records it).

Files are laid out in order: with ``invalid`` rules, every (len(rules) + 1)th file is valid and the others break the
rules in turn; with ``threads``, each thread is a forespørsel, its AppRec, the svar and its AppRec, or a notat, an
avvik about it and their AppRecs.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

import hypothesis
from hypothesis import strategies as st
from hypothesis.control import BuildContext
from hypothesis.internal.conjecture.data import ConjectureData
from hypothesis.internal.conjecture.providers import HypothesisProvider

from . import __version__, apprec, strategies, writer
from .model import DialogVersion, Kind
from .validation import validate

T = TypeVar("T")

#: Kind names on the command line and in file names.
KIND_NAMES: Final[dict[str, Kind]] = {
    "foresporsel": Kind.FORESPORSEL,
    "svar": Kind.SVAR,
    "avvik": Kind.AVVIK,
    "notat": Kind.NOTAT,
    "helsefaglig": Kind.HELSEFAGLIG,
}
_SHORT: Final = {kind: name for name, kind in KIND_NAMES.items()}
#: The one kind a rule about replies can be broken in.
_RULE_KIND: Final = {"SVAR-REFERENCES-FORESPORSEL": Kind.SVAR, "AVVIK-REFERENCES-MESSAGE": Kind.AVVIK}


class FixtureError(RuntimeError):
    """A generated file did not get the verdict it was made for: a bug in dmtool, never in the input."""


@dataclass(frozen=True)
class Entry:
    """One written file, as the manifest lists it."""

    file: str
    kind: str
    version: str
    verdict: str
    rules: tuple[str, ...] = ()
    thread: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The manifest's shape of the entry."""
        return {
            "file": self.file,
            "kind": self.kind,
            "version": self.version,
            "verdict": self.verdict,
            "rules": list(self.rules),
            "thread": self.thread,
        }


class _SeededProvider(HypothesisProvider):
    """Hypothesis' provider without the constants it mixes in from the source of every module loaded in the process:
    those would make a seed's values depend on what else is imported."""

    def _maybe_draw_constant(self, choice_type: Any, constraints: Any, *, p: float = 0.05) -> None:
        return None


def draw(strategy: st.SearchStrategy[T], seed: int, index: int) -> T:
    """The value ``strategy`` gives for (``seed``, ``index``): the same every time with the same hypothesis version.

    Uses hypothesis' engine directly (``ConjectureData`` with a seeded random source), outside a test.
    """
    data = ConjectureData(random=random.Random(f"dmtool-fixtures:{seed}:{index}"), provider=_SeededProvider)
    with BuildContext(data, is_final=True, wrapped_test=lambda: None):
        return data.draw(strategy)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass(frozen=True)
class Plan:
    """What to write: ``count`` files (or threads), ``seed``, the ``kinds`` and ``versions`` to draw, the hard rules
    to break (``invalid``), and whether to write ``threads``."""

    count: int
    seed: int = 0
    kinds: tuple[Kind, ...] = tuple(Kind)
    versions: tuple[DialogVersion, ...] = ("1.0", "1.1")
    invalid: tuple[str, ...] = ()
    threads: bool = False

    def combos(self) -> list[tuple[Kind, DialogVersion]]:
        """Every (kind, version) that exists among the chosen ones, in a fixed order."""
        found = [(k, v) for k in self.kinds for v in self.versions if v in strategies.kind_versions(k)]
        if not found:
            raise ValueError("no kind exists in the chosen versions (helsefaglig is 1.1 only)")
        return found


def _single(plan: Plan, index: int) -> tuple[bytes, Entry]:
    combos = plan.combos()
    kind, version = combos[index % len(combos)]
    cycle = len(plan.invalid) + 1
    rule = plan.invalid[index % cycle - 1] if plan.invalid and index % cycle else None
    rules: tuple[str, ...] = ()
    if rule is None:
        data = writer.to_xml(draw(strategies.messages(kind, version), plan.seed, index))
        verdict = "valid"
    else:
        kind = _RULE_KIND.get(rule, kind)
        if version not in strategies.kind_versions(kind):
            version = "1.1"
        data = draw(strategies.breaking(rule, kind, version), plan.seed, index)
        verdict, rules = "invalid", (rule,)
    name = f"{index + 1:05d}-{_SHORT[kind]}-{version}-{rule.lower() if rule else 'valid'}.xml"
    return data, Entry(name, str(kind), version, verdict, rules)


def _thread(plan: Plan, index: int) -> Iterator[tuple[bytes, Entry]]:
    version = plan.versions[index % len(plan.versions)]
    name = f"thread-{index + 1:05d}"
    drawn = draw(strategies.threads(version, avvik=index % 2 == 1), plan.seed, index)
    steps = ((drawn.first, drawn.first_receipt), (drawn.reply, drawn.reply_receipt))
    for step, (message, receipt) in enumerate(steps):
        stem = f"{name}-{2 * step + 1}-{_SHORT[Kind(message.kind)]}"
        yield writer.to_xml(message), Entry(f"{stem}.xml", message.kind, version, "valid", (), name)
        receipt_name = f"{name}-{2 * step + 2}-apprec.xml"
        yield apprec.to_xml(receipt), Entry(receipt_name, "APPREC", f"apprec-{receipt.version}", "valid", (), name)


def _check(data: bytes, entry: Entry) -> None:
    report = validate(data)
    found = tuple(sorted({issue.rule for issue in report.errors}))
    if found != tuple(sorted(entry.rules)):
        raise FixtureError(f"{entry.file} was made to break {list(entry.rules) or 'nothing'} but breaks {list(found)}")


def generate(plan: Plan) -> Iterator[tuple[bytes, Entry]]:
    """Every file of ``plan`` in order, as (bytes, manifest entry), each checked against its verdict."""
    if plan.count < 0:
        raise ValueError("count must be 0 or more")
    for rule in plan.invalid:
        if rule not in strategies.HARD_RULES:
            raise ValueError(f"unknown rule {rule!r}; choose from {', '.join(strategies.HARD_RULES)} or all")
    plan.combos()
    items: Iterator[tuple[bytes, Entry]]
    if plan.threads:
        items = (item for index in range(plan.count) for item in _thread(plan, index))
    else:
        items = (_single(plan, index) for index in range(plan.count))
    for data, entry in items:
        _check(data, entry)
        yield data, entry


def write(plan: Plan, out: Path, progress: Callable[[int], None] | None = None) -> list[Entry]:
    """Write the files of ``plan`` and ``manifest.json`` into the folder ``out`` (created; it must be empty).

    ``progress`` is called with the number of files written so far. Returns the manifest's entries.
    """
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out} exists and is not an empty folder")
    out.mkdir(parents=True, exist_ok=True)
    entries: list[Entry] = []
    for data, entry in generate(plan):
        (out / entry.file).write_bytes(data)
        entries.append(entry)
        if progress is not None:
            progress(len(entries))
    manifest = manifest_of(plan, entries)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return entries


def manifest_of(plan: Plan, entries: Sequence[Entry]) -> dict[str, Any]:
    """The manifest: how the files were made (options, dmtool and hypothesis versions) and every file's entry."""
    return {
        "generator": {"dmtool": __version__, "hypothesis": hypothesis.__version__},
        "options": {
            "count": plan.count,
            "seed": plan.seed,
            "kinds": [_SHORT[kind] for kind in plan.kinds],
            "dialog_versions": list(plan.versions),
            "invalid": list(plan.invalid),
            "threads": plan.threads,
        },
        "files": [entry.to_dict() for entry in entries],
    }
