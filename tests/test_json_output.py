"""What the commands print with ``--format json`` has the shapes that docs/reference/schemas/*.json say (JSON Schema,
draft 2020-12): every key is there, no key is left unsaid, and each value has its type. A key added to an output
fails here until its schema, and so the documentation, says it."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from paths import EXAMPLES, GENERATED, ROOT
from referencing import Registry, Resource

from dmtool.dialog import spec
from dmtool.testing import strategies

SCHEMAS = ROOT / "docs" / "reference" / "schemas"
FAMILIES = ROOT / "fixtures" / "families"
MULTI = FAMILIES / "multi" / "epj-eksport-fire-meldinger.xml"


@cache
def _schemas() -> dict[str, dict[str, Any]]:
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in sorted(SCHEMAS.glob("*.schema.json"))}


@cache
def _registry() -> Registry[Any]:
    return Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in _schemas().values()
    )


def check(name: str, instance: object) -> None:
    """Raise :class:`jsonschema.ValidationError` unless ``instance`` has the shape of the schema ``name``."""
    validator = jsonschema.Draft202012Validator(
        _schemas()[name], registry=_registry(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(instance)


def dmtool(*args: str, cwd: Path | None = None, status: int | None = None) -> list[Any]:
    """``dmtool ARGS``: each line it printed, read as JSON (one value for a pretty-printed one)."""
    ran = subprocess.run(
        [sys.executable, "-m", "dmtool", *args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False
    )
    assert status is None or ran.returncode == status, ran.stderr
    text = ran.stdout.strip()
    if text.startswith(("[", "{\n")):
        return [json.loads(text)]
    return [json.loads(line) for line in text.splitlines()]


def test_every_schema_is_a_draft_2020_12_schema() -> None:
    assert set(_schemas()) >= {"validate.schema.json", "parse.schema.json", "apprec-check.schema.json"}
    for name, schema in _schemas().items():
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$id"].endswith("/" + name)


def test_validate_prints_reports_of_its_shape(tmp_path: Path) -> None:
    (tmp_path / "garbage.xml").write_bytes(b"<MsgHead><")
    lines = dmtool(
        "validate", "--format", "json", "--jobs", "1", str(EXAMPLES), str(FAMILIES), str(GENERATED),
        str(tmp_path / "garbage.xml"), str(tmp_path / "missing.xml"), status=2,
    )  # fmt: skip
    assert len(lines) > 90
    for line in lines:
        check("validate.schema.json", line)
    assert {line["kind"] for line in lines} == {"msghead", "apprec", "unknown"}
    assert any(line["issues"] and line["issues"][0]["line"] is None for line in lines)  # IO-ERROR has no line


def test_a_key_the_schema_does_not_say_is_refused() -> None:
    (report,) = dmtool("validate", "--format", "json", str(EXAMPLES / "foresporsel-1.0.xml"))
    check("validate.schema.json", report)
    with pytest.raises(jsonschema.ValidationError, match="unexpected"):
        check("validate.schema.json", {**report, "colour": "red"})
    with pytest.raises(jsonschema.ValidationError, match="required"):
        check("validate.schema.json", {key: value for key, value in report.items() if key != "rules"})
    with pytest.raises(jsonschema.ValidationError):
        check("apprec-check.schema.json", report)  # a report is no verdict on a receipt


def test_apprec_check_prints_verdicts_of_its_shape(tmp_path: Path) -> None:
    (tmp_path / "garbage.xml").write_bytes(b"not xml")
    original = str(EXAMPLES / "foresporsel-1.0.xml")
    receipt = str(EXAMPLES / "apprec-1.0-ok.xml")
    verdicts = [
        *dmtool("apprec", "check", receipt, "--original", original, "--format", "json", status=0),
        *dmtool("apprec", "check", str(EXAMPLES / "apprec-1.1-avvist.xml"), "--original", original, "--format",
                "json"),
        *dmtool("apprec", "check", str(tmp_path / "garbage.xml"), "--format", "json", status=1),
        *dmtool("apprec", "check", receipt, "--original", str(tmp_path / "garbage.xml"), "--format", "json"),
        *dmtool("apprec", "check", str(tmp_path / "missing.xml"), "--format", "json", status=2),
    ]  # fmt: skip
    for verdict in verdicts:
        check("apprec-check.schema.json", verdict)
    assert {verdict["outcome"] for verdict in verdicts} >= {"delivered", "unknown"}


def test_parse_prints_models_of_its_shape() -> None:
    for path in [*EXAMPLES.glob("*.xml"), *FAMILIES.glob("*/*.xml")]:
        ran = subprocess.run([sys.executable, "-m", "dmtool", "parse", str(path), "--format", "json"],
                             capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
        if ran.returncode == 0 and path != MULTI:
            check("parse.schema.json", json.loads(ran.stdout))
    parts = dmtool("parse", str(MULTI), "--format", "json")
    assert len(parts) == 4
    for part in parts:
        check("parse-each.schema.json", part)


@settings(max_examples=30)
@given(strategies.messages())
def test_every_model_has_the_shape_parse_prints(message: object) -> None:
    """``dmtool parse --format json`` prints ``spec.to_data`` of the message read: every model has the schema's
    shape."""
    check("parse.schema.json", json.loads(json.dumps(spec.to_data(message))))


def test_the_ledger_prints_rows_of_their_shapes(tmp_path: Path) -> None:
    corpus = tmp_path / "threads"
    dmtool_status = subprocess.run(
        [sys.executable, "-m", "dmtool", "fixtures", "--out", str(corpus), "--count", "8", "--threads", "--shapes",
         "all", "--seed", "5"], capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    assert dmtool_status.returncode == 0, dmtool_status.stderr
    entries = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["files"]
    recorded: list[Any] = []
    for direction in ("sent", "received"):
        files = [str(corpus / entry["file"]) for entry in entries if entry["direction"] == direction]
        recorded += dmtool("ledger", "record", f"--{direction}", *files, "--format", "json", cwd=tmp_path)
    assert len(recorded) == len(entries)
    for row in recorded:
        check("ledger-record.schema.json", row)
    overdue = dmtool("ledger", "overdue", "--now", "2100-01-01T00:00", "--format", "json", cwd=tmp_path, status=1)
    assert {row["kind"] for row in overdue} == {"missing-receipt", "rejection", "late-reply"}
    for row in overdue:
        check("ledger-overdue.schema.json", row)
    thread = dmtool("ledger", "thread", recorded[0]["msg_id"], "--format", "json", cwd=tmp_path, status=0)
    assert thread
    for row in thread:
        check("ledger-thread.schema.json", row)
    (status,) = dmtool("ledger", "status", "--now", "2100-01-01T00:00", "--format", "json", cwd=tmp_path)
    check("ledger-status.schema.json", status)


def test_rules_prints_the_table_in_its_shape() -> None:
    (table,) = dmtool("rules", "--format", "json", status=0)
    check("rules.schema.json", table)
