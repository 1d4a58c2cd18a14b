"""``dmtool validate``: text and JSON Lines output, directories and stdin, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from paths import EXAMPLES, REFERENCE_EXAMPLES, ROOT
from test_validation import OFFICIAL_EXAMPLE_ERRORS

from dmtool import batch
from dmtool.cli import main
from dmtool.standards.profiles import Settings

KEYS = {"reply_by", "path", "valid", "kind", "version", "msg_type", "msg_id", "wrapped", "issues", "rules"}
#: Issue 20: the keys added so that one name means one thing in every command's JSON.
KEYS |= {"dialog_version", "apprec_version", "profile"}
ISSUE_KEYS = {"rule", "severity", "message", "line"}
GENERATED = ROOT / "fixtures" / "generated" / "messages"


def run(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


def lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines()]


def test_json_lines_one_object_per_input_with_the_contract_keys():
    result = run("validate", "--format", "json", str(EXAMPLES))
    assert result.exit_code == 0, result.output
    objects = lines(result.output)
    assert len(objects) == len(list(EXAMPLES.glob("*.xml")))
    assert [o["path"] for o in objects] == sorted(o["path"] for o in objects)
    for obj in objects:
        assert set(obj) == KEYS and obj["valid"] is True
        assert obj["kind"] in {"msghead", "apprec"}
        assert obj["version"] in {"dialog-1.0", "dialog-1.1", "apprec-1.0", "apprec-1.1"}
    assert [o["wrapped"] for o in objects if o["path"].endswith("wrapped-fellesformat.xml")] == [True]


@pytest.mark.skipif(not REFERENCE_EXAMPLES, reason="../shared/reference is not beside the checkout")
def test_official_examples_in_json_have_no_schema_errors():
    result = run("validate", "--format", "json", *map(str, REFERENCE_EXAMPLES))
    assert result.exit_code == 1  # some break guideline rules, see test_validation.OFFICIAL_EXAMPLE_ERRORS
    objects = lines(result.output)
    assert len(objects) == len(REFERENCE_EXAMPLES)
    assert not [o for o in objects if any(i["rule"] in ("XSD", "NOT-XML") for i in o["issues"])]
    assert sum(o["valid"] for o in objects) == len(REFERENCE_EXAMPLES) - len(OFFICIAL_EXAMPLE_ERRORS)


def test_out_of_order_element_names_xsd_with_the_line(tmp_path):
    text = (EXAMPLES / "foresporsel-1.0.xml").read_text()
    sender_found = re.search(r"    <Sender>.*?</Sender>\n", text, re.S)
    receiver_found = re.search(r"    <Receiver>.*?</Receiver>\n", text, re.S)
    assert sender_found is not None and receiver_found is not None
    sender, receiver = sender_found.group(0), receiver_found.group(0)
    swapped = text.replace(sender, "@@").replace(receiver, sender).replace("@@", receiver)
    target = tmp_path / "order.xml"
    target.write_text(swapped)
    result = run("validate", "--format", "json", str(target))
    assert result.exit_code == 1
    (obj,) = lines(result.output)
    assert obj["valid"] is False and obj["kind"] == "msghead"
    first = obj["issues"][0]
    assert set(first) == ISSUE_KEYS and first["rule"] == "XSD" and first["severity"] == "error"
    assert first["line"] == swapped[: swapped.index("<Receiver>")].count("\n") + 1
    assert "Receiver" in first["message"]


def test_stdin_and_text_output():
    data = (EXAMPLES / "apprec-1.0-ok.xml").read_bytes()
    result = run("validate", "-", stdin=data)
    assert result.exit_code == 0
    assert result.output.startswith("-: valid")
    assert "1 checked: 1 valid, 0 invalid, 0 unreadable" in result.output
    result = run("validate", "-", stdin=b"<oops")
    assert result.exit_code == 1
    assert "INVALID" in result.output and "NOT-XML" in result.output and "line 1" in result.output


def test_text_output_cuts_a_huge_message_type_and_json_keeps_it_whole():
    """The text is for people; JSON's ``msg_type`` is the message's data, as it is."""
    kind = "X" * 1_000_000
    data = (EXAMPLES / "foresporsel-1.0.xml").read_bytes().replace(b'"DIALOG_FORESPORSEL"', f'"{kind}"'.encode(), 1)
    text = run("validate", "-", stdin=data).output
    assert len(text) < 1_000 and f"msghead dialog-1.0 {kind[:60]}... [999,940 more characters]" in text
    (found,) = lines(run("validate", "--format", "json", "-", stdin=data).output)
    assert found["msg_type"] == kind
    assert all(len(issue["message"]) < 1_000 for issue in found["issues"])


def test_mixed_batch_counts_and_exit_1(tmp_path):
    shutil.copy(EXAMPLES / "notat-1.0-latin1.xml", tmp_path / "a.xml")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.XML").write_bytes(b"garbage")
    (tmp_path / "ignored.txt").write_bytes(b"garbage")
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1
    assert "2 checked: 1 valid, 1 invalid, 0 unreadable" in result.output


def test_missing_file_is_an_io_error_exit_2_but_others_are_still_reported(tmp_path):
    result = run("validate", "--format", "json", str(tmp_path / "nope.xml"), str(EXAMPLES / "apprec-1.0-ok.xml"))
    assert result.exit_code == 2
    first, second = lines(result.output)
    assert first["issues"][0]["rule"] == "IO-ERROR" and "nope.xml" in first["issues"][0]["message"]
    assert second["valid"] is True


def test_empty_directory_and_usage_errors_exit_2(tmp_path):
    assert run("validate", str(tmp_path)).exit_code == 2
    assert run("validate").exit_code == 2
    assert run("validate", "--format", "yaml", str(EXAMPLES)).exit_code == 2


def test_console_script_runs_without_traceback(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    result = subprocess.run(
        [sys.executable, "-m", "dmtool", "validate", str(bad), str(tmp_path / "gone.xml")],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert b"Traceback" not in result.stdout + result.stderr


def test_ci_runs_exactly_the_readme_commands():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    example, tests = blocks[0], blocks[1]
    assert "dmtool validate fixtures/examples" in example
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert tests in ci, "the README's test command must be the command .ci/run runs"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [("validate", "--format", "json", str(EXAMPLES / "foresporsel-1.0.xml")), ("build", "foresporsel", "--example")],
)
def test_output_that_cannot_be_written_is_an_io_error_not_a_traceback(args: tuple[str, ...]) -> None:
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "dmtool", *args], stdout=full, stderr=subprocess.PIPE, timeout=60, check=False
        )
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == [
        "dmtool: I/O error: No space left on device; check the disk and where the output goes"
    ]


# -- numbers -----------------------------------------------------------------------------------------------------------

FILE = str(EXAMPLES / "foresporsel-1.0.xml")


@pytest.mark.parametrize(
    ("args", "option"),
    [
        *((["validate", "--timeout", value, FILE], "--timeout") for value in ("nan", "inf", "-inf", "1e308", "86401")),
        *((["validate", "--jobs", value, FILE], "--jobs") for value in ("0", "257", "1e3")),
        *((["validate", "--short-max-chars", value, FILE], "--short-max-chars") for value in ("0", "52428801")),
        (["apprec", "--short-max-chars", "1" + "0" * 30, FILE], "--short-max-chars"),
        *((["fixtures", "--out", "{out}", "--count", value], "--count") for value in ("-1", "1000001", "nan")),
        *((["fixtures", "--out", "{out}", "--seed", value], "--seed") for value in (str(2**63), "1.5")),
    ],
)
def test_every_number_outside_its_range_is_a_usage_error(args: list[str], option: str, tmp_path: Path) -> None:
    result = run(*(arg.replace("{out}", str(tmp_path / "out")) for arg in args))
    code, output = result.exit_code, result.output
    assert code == 2, output
    assert f"Invalid value for '{option}'" in output and "Traceback" not in output
    assert not (tmp_path / "out").exists()


def test_the_largest_numbers_in_range_are_taken() -> None:
    assert run("validate", "--timeout", "86400", "--jobs", "256", "--short-max-chars", "52428800", FILE).exit_code == 0


def test_a_time_limit_that_is_not_a_number_with_a_batch_is_a_usage_error_not_a_traceback(tmp_path: Path) -> None:
    """With 16 files or more every worker raised on it: a traceback, exit 1 and no result for any file."""
    ran = subprocess.run(
        [sys.executable, "-m", "dmtool", "validate", "--timeout", "nan", str(GENERATED)], capture_output=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert ran.returncode == 2 and ran.stdout == b""
    assert b"'nan' is not a finite number" in ran.stderr and b"Traceback" not in ran.stderr


@pytest.mark.parametrize("timeout", [float("nan"), float("inf"), 0.0, 1e308])
def test_the_library_refuses_a_time_limit_out_of_range(timeout: float) -> None:
    items = [batch.Input(FILE, FILE)] * batch.MIN_PARALLEL
    with pytest.raises(ValueError, match="timeout must be more than 0"):
        batch.check_all(items, Settings(), None, jobs=2, timeout=timeout)


# -- file names --------------------------------------------------------------------------------------------------------

#: A file name with a newline that would print a forged verdict line, and an escape sequence that clears a terminal.
FORGED = "evil\nforged.xml: valid  msghead\x1b[2J.xml"


def _named(folder: Path) -> set[bytes]:
    """A valid message whose name is not UTF-8, and an invalid one named :data:`FORGED`; their names as bytes."""
    folder.mkdir()
    contents = {
        os.fsencode(folder) + b"/caf\xe9-latin1.xml": Path(FILE).read_bytes(),
        os.fsencode(folder / FORGED): b"<x",
    }
    for name, data in contents.items():
        with open(name, "wb") as handle:
            handle.write(data)
    return set(contents)


def test_json_output_is_utf8_and_gives_back_a_name_that_is_not(tmp_path: Path) -> None:
    names = _named(tmp_path / "in")
    ran = subprocess.run(
        [sys.executable, "-m", "dmtool", "validate", "--format", "json", str(tmp_path / "in")], capture_output=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert ran.returncode == 1
    lines = ran.stdout.splitlines()
    assert len(lines) == 2
    paths = {os.fsencode(json.loads(line.decode("utf-8"))["path"]) for line in lines}
    assert paths == set(names)


def test_text_output_never_prints_a_control_character_of_a_file_name(tmp_path: Path) -> None:
    _named(tmp_path / "in")
    ran = subprocess.run(
        [sys.executable, "-m", "dmtool", "validate", str(tmp_path / "in")], capture_output=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert ran.returncode == 1
    text = ran.stdout.decode("utf-8")
    assert "\x1b" not in text and "\udcff" not in text
    verdicts = [line for line in text.splitlines() if not line.startswith(" ")]
    assert verdicts == [
        f"{tmp_path / 'in'}/caf\\xe9-latin1.xml: valid  msghead dialog-1.0 DIALOG_FORESPORSEL reply by 2026-11-27",
        f"{tmp_path / 'in'}/evil\\x0aforged.xml: valid  msghead\\x1b[2J.xml: INVALID",
        "2 checked: 1 valid, 1 invalid, 0 unreadable",
    ]


def test_a_file_name_in_an_error_stays_on_its_line(tmp_path: Path) -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "dmtool", "parse", str(tmp_path / FORGED)], capture_output=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert ran.returncode == 2
    assert len(ran.stderr.splitlines()) == 1 and b"\x1b" not in ran.stderr and b"evil forged.xml" in ran.stderr


def test_apprec_check_json_is_utf8_with_a_name_that_is_not(tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/kvittering-\xff.xml"
    with open(name, "wb") as handle:
        handle.write((EXAMPLES / "apprec-1.0-ok.xml").read_bytes())
    ran = subprocess.run(
        [sys.executable, "-m", "dmtool", "apprec", "check", "--format", "json", os.fsdecode(name)],
        capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert ran.returncode == 0
    assert os.fsencode(json.loads(ran.stdout.decode("utf-8"))["path"]) == name
