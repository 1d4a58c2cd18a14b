"""Where the tests find the project's examples and the shared reference data."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "fixtures" / "examples"
REFERENCE = ROOT.parent / "shared" / "reference"
REFERENCE_EXAMPLES = sorted((REFERENCE / "examples").rglob("*.xml"))
GENERATED = ROOT / "fixtures" / "generated" / "messages"
#: Marks a test that needs the reference schemas of ``../shared``: it is skipped, saying why, when they are not there.
#: Only such tests skip; the others run everywhere.
needs_reference = pytest.mark.skipif(
    not (REFERENCE / "xsd").is_dir(), reason=f"../shared/reference is not beside the checkout ({REFERENCE})"
)


def generated_counts(*, crashed: int = 0) -> str:
    """The counts ``dmtool validate`` prints for the generated folder, read from its manifest, with ``crashed`` of
    its invalid files crashed instead: ``"4 valid, 39 invalid, 0 unreadable"`` (and ``", 1 crashed"``)."""
    import json

    files = json.loads((GENERATED / "manifest.json").read_text(encoding="utf-8"))["files"]
    valid = sum(1 for entry in files if entry["verdict"] == "valid")
    counts = f"{valid} valid, {len(files) - valid - crashed} invalid, 0 unreadable"
    return counts + (f", {crashed} crashed" if crashed else "")
