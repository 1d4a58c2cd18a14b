"""Several messages in one file (a vendor's export): one result per message in ``validate``, ``parse`` and ``apprec``.

* A wrapper around four MsgHeads (valid and invalid, Dialogmelding 1.0 and 1.1), and one with an AppRec besides,
  give one result per message: ``FILE#1`` ... in text and JSON, with ``--jobs 1`` and ``2`` and on standard input
  (``-#2``); the counts count messages and the exit status is the worst verdict.
* Each message is judged on its own element: N messages drawn from :mod:`dmtool.testing.strategies` wrapped together get
  exactly the N verdicts they get one per file (same rules, messages and lines, moved by where they stand in the
  file), in order; the same for ``parse_each`` and ``apprec_for_each``. Namespaces declared on the wrapper are used.
* A file of one message keeps its plain path and its result, wrapped or not; a MsgHead inside another's content is
  part of that one. The functions that take one message say so for a file of several, naming the one that does not.
* ``dmtool apprec`` writes one receipt per message, into ``--out-dir`` only.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path

import clirun
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import EXAMPLES, GENERATED

import dmtool
from dmtool.apprec import to_xml as apprec_xml
from dmtool.build import to_xml
from dmtool.cli import _presented, _tally, main
from dmtool.dialog import spec
from dmtool.report import Report
from dmtool.standards import namespaces as ns
from dmtool.testing import strategies as dms
from dmtool.xml import loader

DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'


def _rest(document: bytes) -> bytes:
    """What follows the XML declaration of ``document`` (UTF-8, declaration on its first line)."""
    assert document.startswith(b"<?xml")
    return document.split(b"?>", 1)[1]


def _export(documents: list[bytes], root: bytes = b'Export xmlns="urn:vendor:export"') -> tuple[bytes, list[int]]:
    """``documents`` in one wrapper, each starting on the line it started on in its own file plus the lines of those
    before it; and the number of lines each one is moved by."""
    name = root.split()[0]
    data, moved = DECLARATION + b"<" + root + b">", []
    for document in documents:
        moved.append(data.count(b"\n"))
        data += _rest(document)
    return data + b"</" + name + b">\n", moved


def _invalid_msg_id(document: bytes) -> bytes:
    return document.replace(b"<MsgId>", b"<MsgIdx>", 1).replace(b"</MsgId>", b"</MsgIdx>", 1)


FORESPORSEL = (EXAMPLES / "foresporsel-1.0.xml").read_bytes()
HELSEFAGLIG = (EXAMPLES / "helsefaglig-1.1.xml").read_bytes()
APPREC = (EXAMPLES / "apprec-1.1-avvist.xml").read_bytes()
#: Four MsgHeads: valid 1.0, valid 1.1, a schema error (1.0), a guideline error (1.1: Ack N).
FOUR_MESSAGES = [
    FORESPORSEL,
    HELSEFAGLIG,
    _invalid_msg_id(FORESPORSEL),
    HELSEFAGLIG.replace(b'<Ack V="J"', b'<Ack V="N"', 1),
]
FOUR, FOUR_MOVED = _export(FOUR_MESSAGES)
#: The four, and an AppRec.
EXPORT, EXPORT_MOVED = _export([*FOUR_MESSAGES, APPREC])


def _same_verdict(wrapped: Report, alone: Report, moved: int) -> None:
    """``wrapped`` (a message of a file of several) says what ``alone`` (the same message in a file of its own)
    says, its lines moved by ``moved``."""
    assert wrapped.wrapped
    assert (wrapped.kind, wrapped.version, wrapped.msg_type, wrapped.msg_id, wrapped.reply_by, wrapped.rules) == (
        alone.kind, alone.version, alone.msg_type, alone.msg_id, alone.reply_by, alone.rules,
    )  # fmt: skip
    expected = [dataclasses.replace(i, line=None if i.line is None else i.line + moved) for i in alone.issues]
    assert list(wrapped.issues) == expected


def test_the_examples_differ_as_the_tests_need() -> None:
    assert b'<Ack V="J"' in HELSEFAGLIG and b"<MsgId>" in FORESPORSEL
    verdicts = [dmtool.validate(document) for document in FOUR_MESSAGES]
    assert [report.valid for report in verdicts] == [True, True, False, False]
    assert [report.version for report in verdicts] == ["dialog-1.0", "dialog-1.1", "dialog-1.0", "dialog-1.1"]
    assert {issue.rule for issue in verdicts[2].errors} == {"XSD"}
    assert {issue.rule for issue in verdicts[3].errors} == {"ACK-REQUESTED"}


# -- the library ------------------------------------------------------------------------------------------------------


def test_four_msgheads_give_four_reports_each_judged_alone(tmp_path: Path) -> None:
    target = tmp_path / "export.xml"
    target.write_bytes(EXPORT)
    reports = dmtool.validate_each(target)
    assert [report.path for report in reports] == [f"{target}#{part}" for part in range(1, 6)]
    assert [report.part for report in reports] == [1, 2, 3, 4, 5]
    for report, document, moved in zip(reports, [*FOUR_MESSAGES, APPREC], EXPORT_MOVED, strict=True):
        _same_verdict(report, dmtool.validate(document), moved)
    broken = reports[2].errors[0]  # at the line of the file, where message 3 has it
    assert broken.line == EXPORT[: EXPORT.index(b"<MsgIdx>")].count(b"\n") + 1
    assert [report.path for report in dmtool.validate_each(EXPORT)] == [None] * 5
    assert [report.path for report in dmtool.validate_each(EXPORT, path="x")] == [f"x#{p}" for p in range(1, 6)]


def test_functions_for_one_message_say_how_many_and_what_gives_each() -> None:
    report = dmtool.validate(FOUR)
    (issue,) = report.issues
    assert issue.rule == "UNSUPPORTED-MESSAGE" and "holds 4 messages" in issue.message
    assert "validate_each" in issue.message and "dmtool validate" in issue.message
    with pytest.raises(dmtool.ParseError, match=r"holds 4 messages.*parse_each"):
        dmtool.parse(FOUR)
    with pytest.raises(ValueError, match=r"holds 4 messages.*apprec_for_each"):
        dmtool.apprec_for(FOUR)
    party = dmtool.apprec.make.party_by_her("8000001")
    with pytest.raises(ValueError, match="holds 4 messages"):  # no Avvist for the whole file, parties or not
        dmtool.apprec_for(FOUR, sender=party, receiver=party)
    with pytest.raises(ValueError, match="holds 4 messages"):
        dmtool.apprec_for(FOUR, report=report, sender=party, receiver=party)


def test_parse_each_and_apprec_for_each_give_one_entry_per_message() -> None:
    parsed = dmtool.parse_each(EXPORT)
    assert [type(entry).__name__ for entry in parsed] == ["Message", "Message", "ParseError", "Message", "ParseError"]
    assert parsed[0] == dmtool.parse(FORESPORSEL) and parsed[1] == dmtool.parse(HELSEFAGLIG)
    assert "an AppRec" in str(parsed[4])
    made = dmtool.apprec_for_each(EXPORT)
    assert isinstance(made[4], ValueError) and "no receipt is sent for a receipt" in str(made[4])
    receipts = [entry for entry in made[:4] if isinstance(entry, dmtool.AppRec)]
    assert [receipt.status for receipt in receipts] == ["1", "1", "2", "2"]
    for receipt, document in zip(receipts, FOUR_MESSAGES, strict=True):
        assert dmtool.check_apprec(receipt, document).consistent
    assert len({receipt.id for receipt in receipts}) == 4


@pytest.mark.parametrize("source", ["foresporsel-1.0.xml", "wrapped-fellesformat.xml", "apprec-1.0-ok.xml"])
def test_a_file_of_one_message_gives_what_the_one_message_functions_give(source: str) -> None:
    path = EXAMPLES / source
    assert dmtool.validate_each(path) == [dmtool.validate(path)]
    (report,) = dmtool.validate_each(path)
    assert report.path == str(path) and report.part is None
    if source != "apprec-1.0-ok.xml":
        assert dmtool.parse_each(path) == [dmtool.parse(path)]
        gen_date = dmtool.parse(path).gen_date
        (receipt,) = dmtool.apprec_for_each(path, gen_date=gen_date)
        alone = dmtool.apprec_for(path, gen_date=gen_date)
        assert not isinstance(receipt, ValueError)
        assert dataclasses.replace(receipt, id=alone.id) == alone


@pytest.mark.parametrize("data", [b"<", b"<w><x/></w>", b""])
def test_what_is_no_message_gives_one_result(data: bytes) -> None:
    assert dmtool.validate_each(data) == [dmtool.validate(data)]
    (error,) = dmtool.parse_each(data)
    assert isinstance(error, dmtool.ParseError)
    with pytest.raises(dmtool.ParseError) as raised:
        dmtool.parse(data)
    assert error.issues == raised.value.issues


def test_a_msghead_inside_a_msgheads_content_is_part_of_it() -> None:
    """Outermost only: the inner MsgHead is content of the outer one (an attachment), wrapped or not."""
    nested = FORESPORSEL.replace(b"</Dialogmelding>", b"</Dialogmelding>" + _rest(HELSEFAGLIG), 1)
    (alone,) = dmtool.validate_each(nested)
    assert alone.msg_type == "DIALOG_FORESPORSEL" and not alone.wrapped
    export, moved = _export([nested, HELSEFAGLIG])
    reports = dmtool.validate_each(export)
    assert [report.msg_type for report in reports] == ["DIALOG_FORESPORSEL", "DIALOG_HELSEFAGLIG"]
    _same_verdict(reports[0], alone, moved[0])


def test_namespaces_declared_on_the_wrapper_are_used() -> None:
    """The Latin-1 notat declares ``mh:`` and ``dia:`` on its MsgHead; here the export declares them, once."""
    text = (EXAMPLES / "notat-1.0-latin1.xml").read_bytes().decode("iso-8859-1")
    declarations = re.search(r"<mh:MsgHead( [^>]*)>", text)
    assert declarations is not None and "xmlns:mh=" in declarations.group(1)
    body = _rest(text.encode("utf-8")).replace(declarations.group(1).encode(), b"", 1)
    alone = dmtool.validate(EXAMPLES / "notat-1.0-latin1.xml")
    assert alone.valid
    export = DECLARATION + b"<Export" + declarations.group(1).encode() + b">" + body + body + b"</Export>"
    reports = dmtool.validate_each(export)
    assert len(reports) == 2
    for report, moved in zip(reports, (0, body.count(b"\n")), strict=True):
        _same_verdict(report, alone, moved)


_DOCUMENTS = st.one_of(
    dms.messages().map(to_xml),
    st.sampled_from(dms.HARD_RULES).flatmap(dms.breaking),
    dms.threads().map(lambda thread: apprec_xml(thread.first_receipt)),
)


@settings(max_examples=25)
@given(st.lists(_DOCUMENTS, min_size=1, max_size=4))
def test_n_messages_wrapped_together_get_the_n_verdicts_they_get_alone(documents: list[bytes]) -> None:
    export, moved = _export(documents)
    reports = dmtool.validate_each(export, path="export.xml")
    assert len(reports) == len(documents)
    several = len(documents) > 1
    for part, (report, document, lines) in enumerate(zip(reports, documents, moved, strict=True), start=1):
        assert (report.path, report.part) == ((f"export.xml#{part}", part) if several else ("export.xml", None))
        _same_verdict(report, dmtool.validate(document), lines)
    for entry, document, lines in zip(dmtool.parse_each(export), documents, moved, strict=True):
        try:
            alone: object = dmtool.parse(document)
        except dmtool.ParseError as error:
            alone = error
        if isinstance(entry, dmtool.ParseError):
            assert isinstance(alone, dmtool.ParseError)
            assert [issue.rule for issue in entry.issues] == [issue.rule for issue in alone.issues]
        else:
            assert isinstance(alone, dmtool.Message)
            assert entry == dataclasses.replace(alone, unmodelled=tuple(_moved(n, lines) for n in alone.unmodelled))
    for receipt, report in zip(dmtool.apprec_for_each(export), reports, strict=True):
        if report.kind == "apprec":
            assert isinstance(receipt, ValueError)
        else:
            assert isinstance(receipt, dmtool.AppRec)
            assert (receipt.status, receipt.original_id) == (dmtool.apprec.make.status_for(report)[0], report.msg_id)


def _moved(note: str, lines: int) -> str:
    """An unmodelled note of :class:`~dmtool.dialog.model.Message` (``line N: ...``) with its line moved by
    ``lines``."""
    number, rest = note.removeprefix("line ").split(":", 1)
    return f"line {int(number) + lines}:{rest}"


# -- the command line -------------------------------------------------------------------------------------------------


def _lines(output: bytes | str) -> list[str]:
    return (output.decode() if isinstance(output, bytes) else output).splitlines()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_validate_gives_one_result_per_message_in_text_and_json(tmp_path: Path, jobs: str) -> None:
    """Among 20 files (enough for worker processes), two exports: their results stand where the files do."""
    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(18):
        (folder / f"{number:02d}-one.xml").write_bytes(FOUR_MESSAGES[number % 4])
    (folder / "05-four.xml").write_bytes(FOUR)
    (folder / "12-export.xml").write_bytes(EXPORT)
    names = sorted(path.name for path in folder.iterdir())
    expected = []
    for name in names:
        count = {"05-four.xml": 4, "12-export.xml": 5}.get(name)
        path = str(folder / name)
        expected += [path] if count is None else [f"{path}#{part}" for part in range(1, count + 1)]
    as_json = clirun.run("validate", "--jobs", jobs, "--format", "json", str(folder))
    as_text = clirun.run("validate", "--jobs", jobs, str(folder))
    assert as_json.returncode == as_text.returncode == 1
    results = [json.loads(line) for line in _lines(as_json.stdout)]
    assert [result["path"] for result in results] == expected
    at = expected.index(f"{folder / '12-export.xml'}#1")
    assert [result["valid"] for result in results[at : at + 5]] == [True, True, False, False, True]
    assert [result["kind"] for result in results[at : at + 5]] == ["msghead"] * 4 + ["apprec"]
    assert all(result["wrapped"] for result in results[at : at + 5])
    heads = [line for line in _lines(as_text.stdout)[:-1] if not line.startswith(" ")]
    assert [head.split(": ", 1)[0] for head in heads] == expected
    valid = sum(result["valid"] for result in results)
    invalid = len(expected) - valid
    assert _lines(as_text.stdout)[-1] == f"{len(expected)} checked: {valid} valid, {invalid} invalid, 0 unreadable"


def test_validate_on_standard_input_and_a_file_of_four_messages() -> None:
    ran = clirun.run("validate", "--format", "json", "-", stdin=FOUR)
    assert ran.returncode == 1
    assert [json.loads(line)["path"] for line in _lines(ran.stdout)] == ["-#1", "-#2", "-#3", "-#4"]
    only_valid = _export(FOUR_MESSAGES[:2])[0]
    ran = clirun.run("validate", "-", stdin=only_valid)
    assert ran.returncode == 0
    assert _lines(ran.stdout)[-1] == "2 checked: 2 valid, 0 invalid, 0 unreadable"


def test_the_same_message_twice_in_a_wrapper_is_two_results() -> None:
    """What issue 8's hostile inputs refused as a whole (``wrapper-with-two-msgheads``): two verdicts now."""
    two = b"<Wrapper>" + _rest(FORESPORSEL) + _rest(FORESPORSEL) + b"</Wrapper>"
    result = CliRunner().invoke(main, ["validate", "--format", "json", "-"], input=two)
    assert result.exit_code == 0
    assert [(r["path"], r["valid"], r["wrapped"]) for r in map(json.loads, _lines(result.stdout))] == [
        ("-#1", True, True), ("-#2", True, True),
    ]  # fmt: skip


def test_a_file_of_one_message_keeps_its_plain_path(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(EXAMPLES / "wrapped-fellesformat.xml")])
    (line,) = _lines(result.stdout)
    assert json.loads(line)["path"] == str(EXAMPLES / "wrapped-fellesformat.xml") and "#" not in line


def test_parse_gives_one_result_per_message(tmp_path: Path) -> None:
    target = tmp_path / "four.xml"
    target.write_bytes(FOUR)
    as_json = CliRunner().invoke(main, ["parse", "--format", "json", str(target)])
    assert as_json.exit_code == 1
    results = [json.loads(line) for line in _lines(as_json.stdout)]
    assert [result["path"] for result in results] == [f"{target}#{part}" for part in range(1, 5)]
    assert results[0]["message"] == json.loads(json.dumps(spec.to_data(dmtool.parse(FORESPORSEL))))
    assert results[0]["issues"] == [] and results[3]["issues"] == []  # Ack N breaks a rule, not the model
    assert results[2]["message"] is None and results[2]["issues"][0]["rule"] == "XSD"
    assert f"{target}: 1 of 4 messages cannot be read" in as_json.stderr
    as_text = CliRunner().invoke(main, ["parse", str(target)])
    assert as_text.exit_code == 1
    heads = [line for line in _lines(as_text.stdout) if not line.startswith(" ")]
    assert heads[0] == f"{target}#1:" and heads[1] == f"{target}#2:" and heads[3] == f"{target}#4:"
    assert heads[2].startswith(f"{target}#3: cannot read the message: line ")
    assert "  kind          DIALOG_HELSEFAGLIG (Helsefaglig dialog)" in _lines(as_text.stdout)
    read = CliRunner().invoke(main, ["parse", "-"], input=_export(FOUR_MESSAGES[:2])[0])
    assert read.exit_code == 0 and [line for line in _lines(read.stdout) if line.startswith("-#")] == ["-#1:", "-#2:"]


def test_parse_of_a_file_of_one_message_is_unchanged() -> None:
    single = CliRunner().invoke(main, ["parse", "--format", "json", str(EXAMPLES / "wrapped-fellesformat.xml")])
    assert single.exit_code == 0
    assert json.loads(single.stdout) == json.loads(json.dumps(spec.to_data(dmtool.parse(FORESPORSEL))))


def test_apprec_writes_one_receipt_per_message_into_a_folder(tmp_path: Path) -> None:
    source = tmp_path / "export.xml"
    source.write_bytes(EXPORT)
    out = tmp_path / "receipts"
    out.mkdir()
    result = CliRunner().invoke(main, ["apprec", str(source), "--out-dir", str(out)])
    assert result.exit_code == 1  # the AppRec gets none
    said = _lines(result.stderr)
    assert said[0] == f"dmtool: {source}#1: AppRec status 1 OK, written to {out / 'export-1.apprec.xml'}"
    assert said[2].startswith(f"dmtool: {source}#3: AppRec status 2 Avvist: T")
    assert said[4] == (
        f"dmtool: {source}#5: cannot make the AppRec: the message is an AppRec: no receipt is sent for a receipt"
    )
    assert sorted(os.listdir(out)) == [f"export-{part}.apprec.xml" for part in range(1, 5)]
    for part, document in enumerate(FOUR_MESSAGES, start=1):
        verdict = dmtool.check_apprec(out / f"export-{part}.apprec.xml", document)
        assert verdict.consistent and verdict.outcome == ("delivered" if part < 3 else "rejected")
    assert oct((out / "export-1.apprec.xml").stat().st_mode & 0o077) == "0o0"  # output.py's mode: patient data


def test_apprec_refuses_several_receipts_to_one_output(tmp_path: Path) -> None:
    source = tmp_path / "four.xml"
    source.write_bytes(FOUR)
    for option in ([], ["-o", str(tmp_path / "r.xml")], ["-o", "-"]):
        result = CliRunner().invoke(main, ["apprec", str(source), *option])
        assert result.exit_code == 2 and result.stdout == ""
        assert "holds 4 messages, so 4 receipts" in result.stderr and "--out-dir DIR" in result.stderr
        assert "nothing was written" in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["four.xml"]
    both = CliRunner().invoke(main, ["apprec", str(source), "-o", "x", "--out-dir", str(tmp_path)])
    assert both.exit_code == 2 and "not both" in both.stderr
    missing = CliRunner().invoke(main, ["apprec", str(source), "--out-dir", str(tmp_path / "none")])
    assert missing.exit_code == 2 and "is not a folder" in missing.stderr
    check = CliRunner().invoke(main, ["apprec", "check", str(source), "--out-dir", str(tmp_path)])
    assert check.exit_code == 2 and "--out-dir does not apply" in check.stderr


def test_apprec_from_standard_input_and_for_one_message_into_a_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["apprec", "-", "--out-dir", str(tmp_path)], input=FOUR)
    assert result.exit_code == 0
    assert [line.split(": ")[1] for line in _lines(result.stderr)] == ["-#1", "-#2", "-#3", "-#4"]
    assert sorted(os.listdir(tmp_path)) == [f"stdin-{part}.apprec.xml" for part in range(1, 5)]
    result = CliRunner().invoke(main, ["apprec", str(EXAMPLES / "foresporsel-1.0.xml"), "--out-dir", str(tmp_path)])
    assert result.exit_code == 0
    written = tmp_path / "foresporsel-1.0.apprec.xml"
    assert result.stderr == f"dmtool: AppRec status 1 OK, written to {written}\n"
    assert dmtool.check_apprec(written, EXAMPLES / "foresporsel-1.0.xml").consistent
    plain = CliRunner().invoke(main, ["apprec", str(EXAMPLES / "wrapped-fellesformat.xml")])
    assert plain.exit_code == 0 and plain.stdout.startswith("<?xml") and plain.stderr == "dmtool: AppRec status 1 OK\n"


def test_the_summary_and_progress_count_messages_and_inputs() -> None:
    counts = {"valid": 5, "invalid": 4, "unreadable": 0, "crashed": 0}
    assert _tally(counts) == "9 checked: 5 valid, 4 invalid, 0 unreadable"
    assert _tally(counts, (9, 20)) == "9 of 20 checked: 5 valid, 4 invalid, 0 unreadable"
    assert _tally(counts, (3, 20)) == "3 of 20 files (9 messages) checked: 5 valid, 4 invalid, 0 unreadable"
    first, later = dmtool.validate_each(FOUR)[:2]
    assert _presented("json", first, False)[2] == 1 and _presented("json", later, False)[2] == 0
    assert _presented("text", dmtool.validate(FORESPORSEL), False)[2] == 1


def test_a_flood_of_messages_is_bounded_by_the_markup_bound(tmp_path: Path) -> None:
    """As many empty MsgHeads as the markup bound lets through: one short result each, in bounded time and memory."""
    empty = f'<MsgHead xmlns="{ns.MSGHEAD}"/>'.encode()
    count = loader.MAX_MARKUP // 2 - 2  # a tag and an attribute each, and the wrapper
    target = tmp_path / "flood.xml"
    target.write_bytes(b"<w>" + empty * count + b"</w>")
    ran = clirun.run("validate", "--format", "json", str(target), timeout=120)
    assert ran.returncode == 1 and not ran.timed_out and b"Traceback" not in ran.stderr
    lines = _lines(ran.stdout)
    assert len(lines) == count and json.loads(lines[-1])["path"] == f"{target}#{count}"
    assert max(len(line) for line in lines) < 1_000
    assert ran.peak_mib < 200
    more = tmp_path / "more.xml"
    more.write_bytes(b"<w>" + empty * (loader.MAX_MARKUP // 2 + 1) + b"</w>")
    (refused,) = dmtool.validate_each(more)
    assert [issue.rule for issue in refused.issues] == ["NOT-XML"]


def test_the_generated_folder_is_unchanged_by_exports_beside_it(tmp_path: Path) -> None:
    """The results of the other files do not move: the export's stand where it is sorted."""
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(GENERATED.glob("*.xml"))[:3]:
        (folder / path.name).write_bytes(path.read_bytes())
    alone = CliRunner().invoke(main, ["validate", "--format", "json", str(folder)])
    (folder / "zz-four.xml").write_bytes(FOUR)
    beside = CliRunner().invoke(main, ["validate", "--format", "json", str(folder)])
    assert _lines(beside.stdout)[:3] == _lines(alone.stdout)
    assert len(_lines(beside.stdout)) == 7
