"""Errors users can act on: over many broken inputs, every problem names the file, the line when there is one, the
rule and what to do, and no output holds a Python repr or a stack trace."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import clirun
import test_hostile as hostile
from click.testing import CliRunner
from paths import EXAMPLES, ROOT

import dmtool
from dmtool import rules
from dmtool.cli import main

GENERATED = ROOT / "fixtures" / "generated" / "messages"
KEYS = {"reply_by", "path", "valid", "kind", "version", "msg_type", "msg_id", "wrapped", "issues", "rules"}
#: Issue 20: the keys added so that one name means one thing in every command's JSON.
KEYS |= {"dialog_version", "apprec_version", "profile"}
IDS = {rule.id for rule in rules.RULES} | {"IO-ERROR", "WORKER-CRASHED"}
#: What must never reach a user: Python reprs, exception constructors, byte strings, stack traces.
LEAKS = re.compile(r"<lxml\.|object at 0x|Traceback|File \"|\w+Error\(|\w+Exception\(|\bb'|\bb\"")
#: The words that say what to do, after the description of the problem (or the list of what is supported).
ADVICE = re.compile(
    r"[;:] .*\b(use|re-encode|remove|check|send|declare|ask|fix|give|put|save|report)\b|\bsupport(s|ed)\b"
)
#: The rules whose messages come from dmtool's handling of bytes and files, rather than from a guideline.
INPUT_RULES = {"NOT-XML", "UNSUPPORTED-MESSAGE", "IO-ERROR", "WORKER-CRASHED"}


def _broken_corpus(folder: Path) -> int:
    """Many broken inputs in ``folder``: the hostile ones, cut and bit-flipped examples, every rule broken, files that
    cannot be read. Returns how many ``*.xml`` there are."""
    rng = random.Random(4)
    inputs = {name: data for name, (data, _, _) in hostile.HOSTILE.items() if data is not None}
    examples = [path.read_bytes() for path in sorted(EXAMPLES.glob("*.xml"))]
    for number in range(60):
        data = bytearray(rng.choice(examples))
        if number % 2:
            data[rng.randrange(len(data))] = rng.randrange(256)
            inputs[f"flipped-{number}"] = bytes(data)
        else:
            inputs[f"cut-{number}"] = bytes(data[: rng.randrange(len(data))])
    folder.mkdir()
    for name, written in inputs.items():
        (folder / f"{name}.xml").write_bytes(written.replace(b"{fifo}", b"/nonexistent").replace(b"{url}", b"urn:x"))
    for path in GENERATED.glob("*.xml"):
        shutil.copy(path, folder / path.name)
    (folder / "unreadable.xml").write_bytes(examples[0])
    (folder / "unreadable.xml").chmod(0)
    (folder / "vanished.xml").symlink_to(folder / "gone")
    (folder / "loop.xml").symlink_to(folder / "loop.xml")
    return len(list(folder.glob("*.xml")))


def test_validate_output_over_many_broken_inputs_is_actionable_and_has_no_repr(tmp_path: Path) -> None:
    clirun.require_permissions(tmp_path)
    folder = tmp_path / "broken"
    total = _broken_corpus(folder)
    as_json = clirun.run("validate", "--format", "json", "--jobs", "2", str(folder), honour_permissions=True)
    as_text = clirun.run("validate", "--jobs", "2", str(folder), honour_permissions=True)
    for ran in (as_json, as_text):
        assert ran.returncode == 2 and not ran.timed_out
        assert not LEAKS.search((ran.stdout + ran.stderr).decode("utf-8", "replace"))
    results = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert len(results) == total
    seen_rules = set()
    for result in results:
        assert set(result) == KEYS
        for issue in result["issues"]:
            assert set(issue) == {"rule", "severity", "message", "line"} and issue["rule"] in IDS
            assert isinstance(issue["message"], str) and "\n" not in issue["message"]
            assert issue["line"] is None or (isinstance(issue["line"], int) and issue["line"] >= 1)
            if issue["rule"] in INPUT_RULES:
                assert ADVICE.search(issue["message"]), issue["message"]
            seen_rules.add(issue["rule"])
    assert {"NOT-XML", "UNSUPPORTED-MESSAGE", "IO-ERROR", "XSD"} <= seen_rules
    lines = as_text.stdout.decode().splitlines()
    heads = [line for line in lines[:-1] if not line.startswith(" ")]
    assert [head.split(": ", 1)[0] for head in heads] == [result["path"] for result in results]
    assert all(re.fullmatch(r"\S.*: (valid|INVALID|UNREADABLE)( .*)?", head) for head in heads)
    for line in lines[:-1]:
        if line.startswith(" "):
            assert re.fullmatch(r" +(line \d+|-)  (error|warning) [A-Z-]+: \S.*", line), line
    assert re.fullmatch(rf"{total} checked: \d+ valid, \d+ invalid, 3 unreadable", lines[-1])


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stderr


def test_one_line_errors_name_the_file_the_line_the_rule_and_what_to_do(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_bytes((EXAMPLES / "foresporsel-1.0.xml").read_bytes()[:900])
    receipt = tmp_path / "receipt.xml"
    receipt.write_bytes((EXAMPLES / "apprec-1.0-ok.xml").read_bytes())
    missing = tmp_path / "missing.xml"
    cases = [
        (("parse", str(broken)), 1, f"dmtool: {broken}: cannot read the message: line 2"),
        (("build", "svar", "--reply-to", str(broken), "--text", "Svar."), 1, f"dmtool: {broken}: cannot read"),
        (("apprec", "check", str(broken)), 1, f"dmtool: {broken}: cannot check the receipt: line 2"),
        (("apprec", "check", str(receipt), "--original", str(broken)), 1, f"dmtool: {broken}: cannot read the orig"),
        (("apprec", "check", str(EXAMPLES / "foresporsel-1.0.xml")), 1, "foresporsel-1.0.xml: cannot check the rec"),
        (("parse", str(missing)), 2, f"dmtool: {missing}: IO-ERROR: cannot read it: No such file or directory; check"),
        (("apprec", str(missing)), 2, f"dmtool: {missing}: IO-ERROR"),
        (("validate", str(tmp_path / "empty")), 2, "no *.xml files under"),
    ]
    (tmp_path / "empty").mkdir()
    for args, status, start in cases:
        code, stderr = _cli(*args)
        assert code == status, (args, stderr)
        assert start in stderr, (args, stderr)
        assert not LEAKS.search(stderr)
        first = stderr.splitlines()[0]
        assert ADVICE.search(re.split(r"\b(?:NOT-XML|UNSUPPORTED-MESSAGE|IO-ERROR): ", first)[-1]), first
        if "cannot read the" in first or "cannot check the" in first:
            assert re.search(r": (NOT-XML|UNSUPPORTED-MESSAGE): ", first), first


def test_a_schema_error_says_what_to_do_after_what_libxml2_expected() -> None:
    data = (EXAMPLES / "foresporsel-1.0.xml").read_bytes().replace(b"<MIGversion>v1.2 2006-05-24</MIGversion>", b"")
    (issue,) = dmtool.validate(data).errors
    assert issue.rule == "XSD" and issue.line is not None
    assert issue.message.startswith("Element 'mh:GenDate': This element is not expected. Expected is ( mh:MIGversion )")
    assert ADVICE.search(issue.message) and ".;" not in issue.message
