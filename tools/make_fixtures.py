"""Regenerate the sample corpus in ``fixtures/generated/``, made by ``dmtool fixtures`` with fixed seeds:

* ``valid/``: one valid message of every kind in every Dialogmelding version it exists in (helsefaglig: 1.1 only);
* ``messages/``: every rule ``--invalid all`` breaks, four times each, between a few valid messages;
* ``threads/``: both kinds of thread (forespørsel → svar, notat → avvik) in both versions, with their AppRecs.

``tests/test_fixtures.py`` fails when the corpus is out of date or no longer covers all of that. Run from the project
root:

    python tools/make_fixtures.py
"""

from __future__ import annotations

import shutil
from pathlib import Path

from dmtool.testing import fixtures, strategies

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "fixtures" / "generated"
#: Each sample folder and the plan that makes it.
PLANS = {
    "valid": fixtures.Plan(count=len(fixtures.Plan(count=0).combos()), seed=1),
    "messages": fixtures.Plan(count=len(strategies.HARD_RULES) * 4 + 4, seed=1, invalid=strategies.HARD_RULES),
    "threads": fixtures.Plan(count=4, seed=2, threads=True),
}


def main() -> int:
    """Write every folder of :data:`PLANS` afresh into :data:`TARGET`."""
    shutil.rmtree(TARGET, ignore_errors=True)
    for name, plan in PLANS.items():
        entries = fixtures.write(plan, TARGET / name)
        print(f"wrote {len(entries)} files to {(TARGET / name).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
