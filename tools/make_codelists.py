"""Transcribe the Volven code lists in ../shared/reference/codelists into dmtool's package data.

Writes ``src/dmtool/codelists.json``: for each list number, its OID, name and ``{code: display name}``, leaving out
the rows the reference notes are not codes of the list. The output
is deterministic (sorted), so ``tests/test_codelists.py`` can tell when it is out of date. Run from the project root:

    python tools/make_codelists.py
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "reference" / "codelists"
TARGET = ROOT / "src" / "dmtool" / "codelists.json"
#: The reference's note on a row that is no code of the list: a fallback value some software uses (8221 ``Ukjent``).
_NOT_A_CODE = "NOT a Volven code"


def transcribe(source: Path = SOURCE) -> str:
    """The JSON text of every code list under ``source``."""
    with (source / "INDEX.csv").open(encoding="utf-8", newline="") as handle:
        index = list(csv.DictReader(handle))
    lists: dict[str, Any] = {}
    for entry in index:
        number = entry["oid"].rsplit(".", 1)[1]
        with (source / entry["file"]).open(encoding="utf-8", newline="") as handle:
            rows = [row for row in csv.DictReader(handle) if _NOT_A_CODE not in row["note"]]
        codes = {row["code"]: row["display_name"] for row in rows}
        lists[number] = {"oid": entry["oid"], "name": entry["name"], "codes": dict(sorted(codes.items()))}
    return json.dumps(dict(sorted(lists.items())), ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    if not SOURCE.is_dir():
        print(f"reference code lists not found at {SOURCE}", file=sys.stderr)
        return 2
    TARGET.write_text(transcribe(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
