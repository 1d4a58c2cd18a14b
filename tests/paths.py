"""Where the tests find the project's examples and the shared reference data."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "fixtures" / "examples"
REFERENCE = ROOT.parent / "shared" / "reference"
REFERENCE_EXAMPLES = sorted((REFERENCE / "examples").rglob("*.xml"))
