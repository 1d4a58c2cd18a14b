"""Transcribe the Volven code lists in ../shared/reference/codelists into dmtool's package data.

Writes ``src/dmtool/standards/codelists.json``: for each list number, its OID, name and ``{code: display name}``. It
ships the 52 curated lists (``INDEX.csv`` and one CSV per list) and every further list that the field table
``src/dmtool/standards/coded_fields.json`` names and the 2018 Volven snapshot (``volven-2018-10-15.csv``) holds. Where
both sources hold a list, the curated CSV wins: its codes and names replace the snapshot's, and its rows that the
reference notes are no codes of the list are left out. A list only the snapshot holds takes the first text the snapshot
gives a code (a few codes appear twice there) and its name from ``SNAPSHOT_NAMES``; a few codes newer than the snapshot
come from ``SUPPLEMENT``, each with its source. The output is deterministic (sorted), so ``tests/test_codelists.py`` can
tell when it is out of date. Run from the project root:

    python tools/make_codelists.py
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any, Final

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "reference" / "codelists"
FIELDS = ROOT / "src" / "dmtool" / "standards" / "coded_fields.json"
TARGET = ROOT / "src" / "dmtool" / "standards" / "codelists.json"
SNAPSHOT = "volven-2018-10-15.csv"
OID_PREFIX: Final = "2.16.578.1.12.4.1.1."
#: The reference's note on a row that is no code of the list: a fallback value some software uses (8221 ``Ukjent``).
_NOT_A_CODE = "NOT a Volven code"
#: Names of the lists shipped from the snapshot alone, which carries codes but no list names. 1101 is the title
#: Helsedirektoratet's FHIR code system gives it; the others are descriptive labels (no official title was found),
#: as ``INDEX.csv`` does for 7601-7603 and 8125-8129.
SNAPSHOT_NAMES: Final[dict[str, str]] = {
    "1101": "Ja, nei",
    "7605": "Digital dialog - forespørsel til helseregister (Helsenorge)",
    "7606": "Digital dialog - svar fra helseregister (Helsenorge)",
    "8124": "Feilmeldinger for applikasjonskvittering - Trekk (NAV)",
}
#: Codes in use that are newer than the 2018 snapshot, as (list, code, display name, source).
SUPPLEMENT: Final[tuple[tuple[str, str, str, str], ...]] = (
    (
        "8279",
        "DIALOG_INNBYGGER_AVTALEAVBESTILLING",
        "Dialog med innbygger - avtaleavbestilling",
        "helsenorge.atlassian.net 'AMQP Avtaleavbestilling' (API-navn DIALOG_INNBYGGER_AVTALEAVBESTILLING, i drift)",
    ),
    (
        "8279",
        "DIALOG_INNBYGGER_TIMEONSKEUNGDOM",
        "Dialog med innbygger - timeønske ungdom",
        "helsenorge.atlassian.net 'AMQP Timeønske ungdom' (API-navn DIALOG_INNBYGGER_TIMEONSKEUNGDOM, drift)",
    ),
)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _snapshot(source: Path) -> dict[str, dict[str, str]]:
    """Every list of the Volven snapshot: number -> {code: the first text the snapshot gives it}."""
    lists: dict[str, dict[str, str]] = {}
    for row in _read(source / SNAPSHOT):
        lists.setdefault(row["list"], {}).setdefault(row["code"], row["display_name"])
    return lists


def _named(fields: Path) -> set[str]:
    """Every list number the field table names."""
    table = json.loads(fields.read_text(encoding="utf-8"))
    return {number for entry in table["fields"] for number in entry["lists"]}


def transcribe(source: Path = SOURCE, fields: Path = FIELDS) -> str:
    """The JSON text of the curated lists under ``source`` and the snapshot's lists the table ``fields`` names."""
    snapshot = _snapshot(source)
    lists: dict[str, Any] = {}
    for entry in _read(source / "INDEX.csv"):
        number = entry["oid"].rsplit(".", 1)[1]
        rows = [row for row in _read(source / entry["file"]) if _NOT_A_CODE not in row["note"]]
        codes = snapshot.get(number, {}) | {row["code"]: row["display_name"] for row in rows}
        lists[number] = {"oid": entry["oid"], "name": entry["name"], "codes": codes}
    for number in sorted(_named(fields) & snapshot.keys() - lists.keys()):
        if number not in SNAPSHOT_NAMES:
            raise ValueError(f"the field table names list {number}: add its name to SNAPSHOT_NAMES")
        lists[number] = {"oid": OID_PREFIX + number, "name": SNAPSHOT_NAMES[number], "codes": dict(snapshot[number])}
    for number, code, display_name, _source in SUPPLEMENT:
        lists[number]["codes"].setdefault(code, display_name)
    for entry in lists.values():
        entry["codes"] = dict(sorted(entry["codes"].items()))
    return json.dumps(dict(sorted(lists.items())), ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    if not SOURCE.is_dir():
        print(f"reference code lists not found at {SOURCE}", file=sys.stderr)
        return 2
    try:
        text = transcribe()
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
