"""Write the Norwegian public holidays of 1900-2199, as the ``holidays`` package gives them, into package data.

``src/dmtool/standards/holidays_no.json`` maps each year to its holidays (ISO dates). Reading it costs a few
milliseconds; importing the ``holidays`` package costs about 0.2 s of every command's start-up.
``tests/test_deadlines_profiles.py`` checks that the file agrees with the package. Run from the project root:

    python tools/make_holidays.py
"""

from __future__ import annotations

from pathlib import Path

from dmtool.standards import deadlines

TARGET = Path(__file__).resolve().parents[1] / "src" / "dmtool" / "standards" / "holidays_no.json"


def main() -> int:
    TARGET.write_text(deadlines.holiday_table_json(), encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
