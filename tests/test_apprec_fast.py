"""The fast AppRec validation (issue 22) changes no report.

* ``validation._apprec_issues`` screened (the default: the receipt is read only when
  :func:`dmtool.apprec.check.consistent` says its consistency check could find something) and plain
  (``screened=False``: always read) give the same issues: every rule, severity, message and line, in order.
* :func:`dmtool.rules.codes.apprec_judged` (one walk of the tree, the receipt's own codes passed over inside
  :func:`dmtool.rules.codes.judge`) finds what the way before found: the coded elements found by an XPath, those of
  ``APPREC-CONSISTENT`` left out first, the rest judged (kept here as the oracle, :func:`_present_apprec_judged`).

Compared on the receipts ``dmtool.apprec_for`` writes (OK and rejecting, AppRec 1.0 and 1.1) for the files of
``fixtures/`` and for messages ``dmtool fixtures`` draws with every hard rule broken, the official AppRec examples
when ``../shared/reference`` is there, the AppRecs of ``fixtures/``, and mutants of each: edits of codes, code lists,
display names, parties, dates, statuses, MIGversion and ids, removed, duplicated and moved elements (seeded here, and
drawn by hypothesis), and ``tools/fuzz.py``'s tree mutants. Under the national and the nav profile, some with an
original message to compare with.
"""

from __future__ import annotations

import copy
import functools
import random
import sys
from collections.abc import Iterator
from typing import Final

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from paths import REFERENCE_EXAMPLES, ROOT

import dmtool
from dmtool import apprec, validation
from dmtool.apprec import check, reader
from dmtool.apprec.model import AppRecVersion
from dmtool.errors import ParseError
from dmtool.report import Issue
from dmtool.rules import codes, families
from dmtool.rules.facts import Original
from dmtool.standards.coded_fields import Finding as Judged
from dmtool.testing import fixtures, strategies
from dmtool.xml import loader, tree

sys.path.insert(0, str(ROOT / "tools"))
import fuzz

#: How many receipts the equivalence test compares at least.
RECEIPTS: Final = 10_000
#: Messages drawn by ``dmtool fixtures`` (every hard rule broken in most) whose receipts are compared.
GENERATED: Final = 320
#: Mutants made of each receipt: edits of what the AppRec checks read, and tree mutants of ``tools/fuzz.py``.
EDITS_PER_RECEIPT: Final = 9
TREE_MUTANTS_PER_RECEIPT: Final = 2
PROFILES: Final = ("national", "nav")

#: Values an edit puts into a coded attribute: codes of the AppRec lists and others, OIDs of their lists and others.
CODES: Final = ("1", "2", "3", "4", "", " 2 ", "APPREC", " APPREC ", "DIALOG_FORESPORSEL", "DIALOG_SVAR", "XYZ",
                "E10", "E21", "T01", "X99", "21", "01", "B720001F", "HER", "HPR", "ENH", "AVD", "FNR", "PRIM", "COP",
                "AVS", "FR", "9999", "apprec")  # fmt: skip
SYSTEMS: Final = ("2.16.578.1.12.4.1.1.8221", "2.16.578.1.12.4.1.1.8222", "2.16.578.1.12.4.1.1.8223",
                  "2.16.578.1.12.4.1.1.8124", "2.16.578.1.12.4.1.1.8258", "2.16.578.1.12.4.1.1.9051",
                  " 2.16.578.1.12.4.1.1.8221 ", "1.2.3", "2.16.578.1.12.4.1.1.99999", "abc", "", "8221")  # fmt: skip
DISPLAYS: Final = ("OK", "Avvist", "ok", "HER-id", "Applikasjonskvittering", "", "noe annet", "x" * 300)
TEXTS: Final = ("", " ", "2026-01-01T10:00:00", "2026-01-01T10:00:00+01:00", " 2026-06-30T23:59:59Z ",
                "10000-01-01T00:00:00", "0001-01-01T00:00:00", "2026-13-01T00:00:00", "2026-01-01T24:00:00",
                "v1.0 2004-11-21", "v1.1 2012-02-15", " v1.1 2012-02-15 ", "junk", "12345", "HER")  # fmt: skip
#: Codes an edit puts into the ``V`` of an element of these local names, more often than the others.
CODES_OF: Final = {
    "MsgType": ("APPREC", " APPREC ", "apprec", "DIALOG_SVAR", "", "XYZ"),
    "Status": ("1", "2", "3", " 1 ", "4", ""),
    "Error": ("E10", "E21", "T01", "X99", "21", "01", "B720001F", ""),
    "TypeId": ("HER", "HPR", "ENH", "FNR", "XYZ"),
    "Role": ("PRIM", "COP", "AVS", "FR", "XYZ"),
}
#: Elements an edit adds, removes, duplicates or moves: those the AppRec checks read.
NAMED: Final = ("MsgType", "MIGversion", "GenDate", "Id", "Status", "Error", "OriginalMsgId", "IssueDate", "Sender",
                "Receiver", "Role", "HCP", "Inst", "HCProf", "Dept", "HCPerson", "TypeId", "Name")  # fmt: skip


#: The coded elements of a receipt, as the oracle found them.
_CODED: Final = etree.XPath("descendant-or-self::*[@V]")


def _present_apprec_judged(
    root: etree._Element, version: str, layers: frozenset[str]
) -> list[tuple[Judged, etree._Element]]:
    """The oracle: :func:`dmtool.rules.codes.apprec_judged` as it was before issue 22's work on it."""
    coded = []
    for element in _CODED(root):
        parent = element.getparent()  # the last two names of its path, read without the rest of it
        if parent is None or (tree.name(parent), tree.name(element)) not in codes._APPREC_OWN:
            coded.append(element)
    return list(codes.judge(coded, f"apprec-{version}", "APPREC", layers))


def _receipts() -> Iterator[bytes]:
    """The receipts of the files of ``fixtures/`` and of generated messages, of both versions; the AppRecs of
    ``fixtures/`` and the official examples."""
    files = sorted(ROOT.joinpath("fixtures").rglob("*.xml")) + REFERENCE_EXAMPLES
    messages = [path.read_bytes() for path in files]
    plan = fixtures.Plan(count=GENERATED, seed=22, invalid=strategies.HARD_RULES)
    messages += [data for data, _ in fixtures.generate(plan)]
    for data in messages:
        if b"AppRec" in data[:400] or b"apprec" in data[:400]:
            yield data
            continue
        for version in ("1.0", "1.1"):
            try:
                yield apprec.to_xml(dmtool.apprec_for(data, version=version))
            except ValueError:  # its parties cannot be read: no receipt
                break


def _edit(root: etree._Element, rng: random.Random) -> None:
    """One change to the AppRec ``root``: a coded attribute set or removed, an element's text set, or an element the
    checks read removed, duplicated, moved, renamed or added."""
    elements = list(root.iter(etree.Element))
    named = [element for element in elements if tree.name(element) in NAMED] or elements
    coded = [element for element in elements if element.get("V") is not None] or elements
    action = rng.choices(range(9), (6, 2, 1, 2, 2, 2, 2, 1, 2))[0]
    element = rng.choice(coded if action <= 3 else named)
    if action == 0:
        element.set("V", rng.choice(CODES_OF.get(tree.name(element), CODES) if rng.random() < 0.7 else CODES))
    elif action == 1:
        element.set("S", rng.choice(SYSTEMS))
    elif action == 2:
        element.set("DN", rng.choice(DISPLAYS))
    elif action == 3:
        attribute = rng.choice(("V", "S", "DN"))
        element.attrib.pop(attribute, None)
    elif action == 4:
        if len(element) == 0:
            element.text = rng.choice(TEXTS)
    elif action == 5 and element is not root:
        element.getparent().remove(element)  # type: ignore[union-attr]  # not the root
    elif action == 6 and element is not root:
        element.addnext(copy.deepcopy(element))
    elif action == 7 and element is not root:
        target = rng.choice(elements)
        if target is not element and element not in target.iterancestors():
            target.insert(rng.randrange(len(target) + 1), element)
    else:
        namespace = etree.QName(root).namespace
        name = rng.choice(NAMED)
        added = etree.SubElement(element, f"{{{namespace}}}{name}" if rng.random() < 0.9 else name)
        if rng.random() < 0.7:
            added.set("V", rng.choice(CODES))
            if rng.random() < 0.5:
                added.set("S", rng.choice(SYSTEMS))
        else:
            added.text = rng.choice(TEXTS)


def _edited(data: bytes, rng: random.Random, changes: int) -> bytes | None:
    """``data`` with ``changes`` edits (:func:`_edit`); ``None`` when it is not an AppRec dmtool reads."""
    try:
        root = loader.parse_bytes(data)
    except loader.LoadError:
        return None
    for _ in range(changes):
        _edit(root, rng)
    return etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=True)


def _inputs() -> Iterator[bytes]:
    """Each receipt of :func:`_receipts`, then its edited and tree mutants (seeded)."""
    rng = random.Random(22)
    for data in _receipts():
        yield data
        for _ in range(EDITS_PER_RECEIPT):
            edited = _edited(data, rng, rng.randint(1, 3))
            if edited is not None:
                yield edited
        for _ in range(TREE_MUTANTS_PER_RECEIPT):
            mutant = data
            for _ in range(rng.randint(1, 3)):
                mutant = fuzz.mutate_tree(mutant, rng) or mutant
            yield mutant


def _compare(data: bytes, number: int, original: Original | None) -> tuple[int, bool, bool]:
    """Compare the fast and plain ways on the AppRecs in ``data``: how many were compared and, of one judged without
    an original, whether the plain path found an ``APPREC-CONSISTENT`` issue or could not read it, and whether the
    screen said it could find something."""
    try:
        found = loader.load_each(data)
    except loader.LoadError:
        return 0, False, False
    compared, consistency, screened_out = 0, False, False
    for loaded in found:
        if loaded.kind != "apprec" or loaded.version is None or loaded.problems:  # what validation judges so
            continue
        version: AppRecVersion = "1.0" if loaded.version == "apprec-1.0" else "1.1"
        profile = PROFILES[number % len(PROFILES)]
        given_original = original if number % 7 == 0 else None
        fast, plain = (
            validation._apprec_issues(loaded.element, version, given_original, profile, screened=screened)
            for screened in (True, False)
        )
        assert fast == plain, f"input {number}: the screened path found {fast}, the plain one {plain}"
        layers = families.added_layers("APPREC", profile)
        judged = codes.apprec_judged(loaded.element, version, layers)
        assert judged == _present_apprec_judged(loaded.element, version, layers), f"input {number}"
        compared += 1
        if given_original is None:
            consistency |= _unread_or_inconsistent(loaded.element, version, plain)
            screened_out |= not check.consistent(loaded.element, version, layers)
    return compared, consistency, screened_out


def _unread_or_inconsistent(element: etree._Element, version: AppRecVersion, issues: list[Issue]) -> bool:
    if any(issue.rule == "APPREC-CONSISTENT" for issue in issues):
        return True
    try:
        apprec.from_element(element, version)
    except ParseError:
        return True
    return False


@pytest.mark.slow
def test_the_fast_apprec_path_changes_no_report() -> None:
    original = fuzz._original()
    compared = inconsistent = screened_out = 0
    for number, data in enumerate(_inputs()):
        count, found, out = _compare(data, number, original)
        compared += count
        inconsistent += found
        screened_out += out
    assert compared >= RECEIPTS
    # Many receipts are inconsistent or unreadable: where the screen must say yes (it may say yes more often).
    assert inconsistent >= compared // 10
    assert screened_out >= inconsistent


@given(st.integers(0, 10_000), st.integers(0, 2**32 - 1), st.integers(1, 6))
def test_edited_receipts_get_the_same_report(which: int, seed: int, changes: int) -> None:
    receipts = _some_receipts()
    edited = _edited(receipts[which % len(receipts)], random.Random(seed), changes)
    assert edited is not None
    _compare(edited, which, None)
    _compare(edited, 0, fuzz._original())


@functools.cache
def _some_receipts() -> list[bytes]:
    """The receipts of the examples of ``fixtures/``, of both versions, and its AppRecs: for hypothesis to edit."""
    found = []
    for path in sorted(ROOT.joinpath("fixtures", "examples").glob("*.xml")):
        data = path.read_bytes()
        if b"AppRec" in data[:400]:
            found.append(data)
            continue
        for version in ("1.0", "1.1"):
            try:
                found.append(apprec.to_xml(dmtool.apprec_for(data, version=version)))
            except ValueError:
                break
    return found


def test_a_consistent_receipt_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """The screen is what validation runs by default: a receipt it passes is never read as a whole, and one it does
    not pass is."""
    message = ROOT.joinpath("fixtures", "examples", "foresporsel-1.0.xml").read_bytes()
    receipt = apprec.to_xml(dmtool.apprec_for(message))
    read: list[bytes] = []

    def reading(element: etree._Element, version: AppRecVersion) -> apprec.AppRec:
        read.append(etree.tostring(element))
        return reader.from_element(element, version)

    monkeypatch.setattr(apprec, "from_element", reading)
    assert dmtool.validate(receipt).valid
    assert not read
    broken = receipt.replace(b'<Status V="1"', b'<Status V="7"', 1)
    assert [issue.rule for issue in dmtool.validate(broken).issues] == ["APPREC-CONSISTENT"]
    assert len(read) == 1
