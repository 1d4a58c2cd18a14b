"""The screens (:mod:`dmtool.rules.screens`) change no report: ``rules.evaluate`` with them (the fast path) gives the
same issues as without them (the plain path, ``screened=False``): every rule, severity, message and line, in order.

Compared on more than 10,000 messages: the files of ``fixtures/`` (the examples, the generated corpus, the families of
real traffic), the official examples when ``../shared/reference`` is there, messages ``dmtool fixtures`` draws from
the hypothesis strategies with every hard rule broken, tree mutants of all of them (``tools/fuzz.py``: elements
deleted, duplicated, moved, renamed, emptied, odd values), odd-value edits, and grafts: each input with an element a
screen looks at (a base64 container, a copy recipient, an Ack, a MimeType ...) put in a random place. Each message is
judged under one of the settings the fuzzer uses (every profile, last contacts, admitted or not), some with an
original to compare replies with, and some with the builders' ``errors_only``.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from typing import Final

import pytest
from lxml import etree
from paths import REFERENCE_EXAMPLES, ROOT

from dmtool import rules
from dmtool.report import Issue
from dmtool.rules.facts import Facts, Original
from dmtool.rules.screens import SCREENS
from dmtool.standards import namespaces as ns
from dmtool.standards.profiles import Settings
from dmtool.testing import fixtures, strategies
from dmtool.xml import loader

sys.path.insert(0, str(ROOT / "tools"))
import fuzz

#: How many messages the equivalence test compares at least (issue 22).
MESSAGES = 10_000
#: Messages drawn by ``dmtool fixtures`` (every hard rule broken in most), and mutants made of each input.
GENERATED = 400
MUTANTS_PER_INPUT = 15
#: Elements put into each input at random places, with values the screens look at: what a screen must say yes to.
GRAFTS: Final[tuple[tuple[str, dict[str, str], str | None], ...]] = (
    ("Base64Container", {}, "JVBERi0xLjcK"), ("OtherReceiver", {}, None), ("PatientReport", {}, None),
    ("FileReference", {}, "http://example.org/a.pdf"), ("MimeType", {}, "application/pdf"),
    ("MimeType", {}, "text/xml"),
    ("MsgType", {"V": "A"}, None), ("Ack", {"V": "N"}, None), ("Ack", {"V": "J"}, None), ("Organisation", {}, None),
    ("Notat", {}, None), ("Foresporsel", {}, None), ("Receiver", {}, None), ("Document", {}, None),
    ("GenDate", {}, "10000-01-01T00:00:00"), ("Dialogmelding", {}, None),
)  # fmt: skip
GRAFTS_PER_INPUT = 4


def _inputs() -> Iterator[bytes]:
    """The files of ``fixtures/`` and the official examples, then generated messages, then odd-value edits of two
    examples; each followed by its tree mutants (one to four changes each, seeded)."""
    rng = random.Random(22)
    files = sorted(ROOT.joinpath("fixtures").rglob("*.xml")) + REFERENCE_EXAMPLES
    bases = [path.read_bytes() for path in files]
    plan = fixtures.Plan(count=GENERATED, seed=22, invalid=strategies.HARD_RULES)
    bases += [data for data, _ in fixtures.generate(plan)]
    for data in bases:
        yield data
        for _ in range(MUTANTS_PER_INPUT):
            mutant = data
            for _ in range(rng.randint(1, 4)):
                mutant = fuzz.mutate_tree(mutant, rng) or mutant
            yield mutant
        for _ in range(GRAFTS_PER_INPUT):
            grafted = _grafted(data, rng)
            if grafted is not None:
                yield grafted
    for name in ("foresporsel-1.0.xml", "helsefaglig-1.1.xml"):
        edits = list(fuzz.odd_value_edits(ROOT.joinpath("fixtures", "examples", name).read_bytes()))
        yield from edits[:: max(1, len(edits) // 1_000)]


def _grafted(data: bytes, rng: random.Random) -> bytes | None:
    """``data`` with one of :data:`GRAFTS` put into a random element (in its namespace; a base64 container in its
    own), before or after its children; ``None`` when ``data`` is not XML dmtool reads."""
    try:
        root = loader.parse_bytes(data)
    except loader.LoadError:
        return None
    parent = rng.choice(list(root.iter(etree.Element)))
    name, attributes, text = rng.choice(GRAFTS)
    namespace = ns.BASE64 if name == "Base64Container" else etree.QName(parent).namespace
    graft = etree.Element(f"{{{namespace}}}{name}" if namespace else name, attributes)
    graft.text = text
    parent.insert(rng.choice((0, len(parent))), graft)
    return etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=True)


def _reports(
    element: etree._Element, settings: Settings, original: Original | None, errors_only: bool
) -> list[list[Issue]]:
    """The issues of the fast path and of the plain path, each on facts of its own."""
    return [
        rules.evaluate(Facts(element, settings, original), errors_only=errors_only, screened=screened)
        for screened in (True, False)
    ]


@pytest.mark.slow
def test_the_screens_change_no_report_on_ten_thousand_messages() -> None:
    all_settings = fuzz._settings()
    original = fuzz._original()
    compared = fired = 0
    for number, data in enumerate(_inputs()):
        try:
            found = loader.load_each(data)
        except loader.LoadError:
            continue
        for loaded in found:
            if loaded.kind != "msghead" or loaded.problems:  # what validation judges by the rules
                continue
            settings = all_settings[number % len(all_settings)] if number % 3 else Settings()
            fast, plain = _reports(loaded.element, settings, original if number % 5 == 0 else None, number % 4 == 0)
            assert fast == plain, f"input {number}: the screened rules found {fast}, the plain ones {plain}"
            compared += 1
            fired += bool(plain)
    assert compared >= MESSAGES
    assert fired >= compared // 3  # most messages break a rule: the screens are tested where they must say yes


def test_every_screen_is_of_a_rule_with_a_check() -> None:
    assert SCREENS
    for rule_id in SCREENS:
        assert rules.get(rule_id).check is not None


def test_a_screen_that_says_no_skips_its_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The screens are what ``evaluate`` runs by default: one that never says yes hides what its rule finds."""
    data = ROOT.joinpath("fixtures", "examples", "foresporsel-1.0.xml").read_bytes()
    element = loader.load(data.replace(b"</Receiver>", b"</Receiver><OtherReceiver/>", 1)).element
    issues = rules.evaluate(Facts(element))
    assert "ONE-RECIPIENT" in {issue.rule for issue in issues}
    monkeypatch.setitem(SCREENS, "ONE-RECIPIENT", lambda facts: False)
    rules._checked.cache_clear()
    try:
        assert "ONE-RECIPIENT" not in {issue.rule for issue in rules.evaluate(Facts(element))}
        assert "ONE-RECIPIENT" in {issue.rule for issue in rules.evaluate(Facts(element), screened=False)}
    finally:
        rules._checked.cache_clear()
