"""Regenerate the sample corpus in ``fixtures/generated/``: a few messages per kind, version and hard rule, and a
few whole threads, made by ``dmtool fixtures`` with fixed seeds. ``tests/test_fixtures.py`` fails when the corpus is
out of date. Run from the project root:

    python tools/make_fixtures.py
"""

from __future__ import annotations

import shutil
from pathlib import Path

from dmtool import fixtures, strategies

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "fixtures" / "generated"
#: Each sample folder and the plan that makes it.
PLANS = {
    "messages": fixtures.Plan(count=len(strategies.HARD_RULES) * 4 + 4, seed=1, invalid=strategies.HARD_RULES),
    "threads": fixtures.Plan(count=4, seed=2, threads=True),
}


def main() -> int:
    shutil.rmtree(TARGET, ignore_errors=True)
    for name, plan in PLANS.items():
        entries = fixtures.write(plan, TARGET / name)
        print(f"wrote {len(entries)} files to {(TARGET / name).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
