"""Fuzzing: valid messages and receipts, mutated at the byte and the tree level, get a clear verdict everywhere.

The mutations are those of the coverage-guided harness ``tools/fuzz.py`` (:func:`fuzz.mutate_bytes`: flipped bits,
cuts, splices, NULs, bytes that are not UTF-8, markup fragments; :func:`fuzz.mutate_tree`: elements deleted,
duplicated, moved, renamed, emptied, put in another namespace, odd text and attribute values), driven here by
hypothesis, and so is the oracle (:func:`fuzz.exercise`): ``validate`` returns a report, ``parse`` and
``parse_apprec`` a model or :class:`dmtool.ParseError`, ``apprec_for`` a receipt that writes (``ValueError`` only
for an AppRec or unknown parties), ``check_apprec`` a verdict or ``ParseError``; no repr or stack trace in what they
say. The command line (``validate``, ``apprec``, ``apprec check``, ``parse``, ``build svar`` and ``build avvik``)
answers the same mutants with its documented exit status, JSON that parses, one line on standard error, and no
traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import adversarial
import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from paths import EXAMPLES, ROOT

import dmtool
from dmtool import apprec
from dmtool.cli import main
from dmtool.testing import strategies as dms
from dmtool.xml import loader

sys.path.insert(0, str(ROOT / "tools"))
import fuzz

CORPUS = [path.read_bytes() for path in sorted(EXAMPLES.glob("*.xml"))]


@st.composite
def receipts_for(draw: st.DrawFn) -> bytes:
    """The AppRec (1.0 or 1.1) dmtool writes for a generated message."""
    message = dmtool.to_xml(draw(dms.messages()))
    return apprec.to_xml(dmtool.apprec_for(message, version=draw(st.sampled_from(apprec.APPREC_VERSIONS))))


#: What the mutants start from: generated messages, their receipts, and the examples.
valid_inputs = st.one_of(dms.messages().map(dmtool.to_xml), receipts_for(), st.sampled_from(CORPUS))


@st.composite
def mutants(draw: st.DrawFn, tree: bool = True, byte: bool = True) -> bytes:
    """A valid input changed one to four times, at the tree level, the byte level, or both."""
    data = draw(valid_inputs)
    rng = draw(st.randoms(use_true_random=False))
    for _ in range(draw(st.integers(1, 4))):
        changed = fuzz.mutate_tree(data, rng) if tree and (not byte or draw(st.booleans())) else None
        data = changed if changed is not None else fuzz.mutate_bytes(data, rng) if byte else data
    return data


@settings(max_examples=150)
@given(mutants(byte=False))
def test_tree_mutants_keep_the_library_contracts(data):
    fuzz.exercise(data)


@pytest.mark.parametrize("name", ["foresporsel-1.0.xml", "apprec-1.1-avvist.xml"])
def test_a_mutant_that_holds_two_messages_keeps_the_library_contracts(name):
    """A tree mutant can copy a MsgHead beside another (found in CI): apprec_for answers one message and says so for a
    file of several, and the oracle holds it to that."""
    message = (EXAMPLES / name).read_bytes().split(b"?>", 1)[-1]
    data = b"<Export>" + message + message + b"</Export>"
    assert len(dmtool.validate_each(data)) == 2
    fuzz.exercise(data)


@settings(max_examples=150)
@given(mutants(tree=False))
def test_byte_mutants_keep_the_library_contracts(data):
    fuzz.exercise(data)


@settings(max_examples=60)
@given(mutants())
def test_mutants_of_both_kinds_keep_the_library_contracts(data):
    fuzz.exercise(data)


@contextmanager
def as_file(data: bytes) -> Iterator[Path]:
    """``data`` in a temporary ``.xml`` file (hypothesis examples cannot share pytest's ``tmp_path``)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.xml"
        path.write_bytes(data)
        yield path


def run(data: bytes, *args: str) -> Result:
    """``dmtool ARGS`` on the file that holds ``data``: it must end by exiting, never by raising, and say nothing
    with a traceback or a Python repr in it."""
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream or b"Traceback" in data
        assert not fuzz.leaks(stream, data), stream
    return result


@settings(max_examples=60)
@given(mutants())
def test_cli_validate_json_gives_one_verdict_for_a_mutant(data):
    report = dmtool.validate(data)
    with as_file(data) as path:
        result = run(data, "validate", "--format", "json", str(path))
    assert result.exit_code == (0 if report.valid else 1), result.output
    (line,) = result.stdout.splitlines()
    said = json.loads(line)
    assert said == {**report.to_dict(), "path": str(path)}
    assert result.stderr == ""


@settings(max_examples=60)
@given(mutants())
def test_cli_apprec_writes_a_receipt_or_says_why_not(data):
    report = dmtool.validate(data)
    with as_file(data) as path:
        made = run(data, "apprec", str(path))
        given_parties = run(data, "apprec", str(path), "--sender-her", "8000101", "--receiver-her", "8000001")
        checked = run(data, "apprec", "check", str(path), "--format", "json")
    for result in (made, given_parties):
        assert result.exit_code in (0, 1)
        assert result.stderr.startswith("dmtool: ") and result.stderr.count("\n") == 1, result.stderr
        if result.exit_code == 0:
            dmtool.parse_apprec(result.stdout_bytes)
        else:
            assert result.stdout == ""
    assert (given_parties.exit_code == 1) == (report.kind == "apprec" or fuzz.says_apprec(report, data))
    assert checked.exit_code in (0, 1)
    if checked.stdout:
        verdict = json.loads(checked.stdout)
        assert checked.exit_code == (0 if verdict["consistent"] else 1)
    else:
        assert checked.exit_code == 1 and checked.stderr.startswith(f"dmtool: {path}: cannot check the receipt: ")


@settings(max_examples=40)
@given(mutants())
def test_cli_parse_and_replies_read_a_mutant_or_say_why_not(data):
    try:
        dmtool.parse(data)
    except dmtool.ParseError:
        readable = False
    else:
        readable = True
    with as_file(data) as path:
        parsed = run(data, "parse", "--format", "json", str(path))
        replies = [
            run(data, "build", "svar", "--reply-to", str(path), "--text", "Målingene kommer i eget brev."),
            run(
                data, "build", "avvik", "--about", str(path), "--reason", "teknisk-feil", "--text", "Vedlegget mangler."
            ),
        ]
    assert parsed.exit_code == (0 if readable else 1), parsed.stderr
    if readable:
        assert json.loads(parsed.stdout)["msg_id"] is not None
    for result in [parsed, *replies]:
        if result.exit_code == 0:
            assert result.stderr == ""
        else:
            assert result.exit_code == 1 and result.stdout == "", result.stdout
            assert result.stderr.startswith("dmtool: ") and result.stderr.count("\n") == 1, result.stderr
    for reply in replies:
        assert reply.exit_code == 1 or dmtool.validate(reply.stdout_bytes).kind == "msghead"


def test_leaks_are_what_the_input_does_not_hold():
    said = "ParseError('x') at <lxml.etree._Element object at 0x7f> <Severity.ERROR: 'error'> with 2 Error(s)"
    assert fuzz.leaks(said, b"") == ["ParseError(", "<lxml.", "object at 0x", "<Severity.ERROR: "]
    assert fuzz.leaks(said, b"<x>ParseError(</x>") == ["<lxml.", "object at 0x", "<Severity.ERROR: "]


def test_the_harness_seeds_and_dictionary_cover_the_fixtures():
    seeds = fuzz.seed_files()
    assert {path.name for path in EXAMPLES.glob("*.xml")} <= {path.name for path in seeds}
    words = fuzz.dictionary(seeds)
    assert {b"MsgHead", b"AppRec", b"TekstNotatInnhold", b"V", b"<!DOCTYPE x>"} <= set(words)


def test_mutations_change_the_input_and_tree_mutants_stay_xml():
    rng = random.Random(0)
    data = CORPUS[0]
    assert sum(fuzz.mutate_bytes(data, rng) != data for _ in range(100)) > 80
    assert fuzz.mutate_tree(b"not xml", rng) is None
    for _ in range(50):
        changed = fuzz.mutate_tree(data, rng)
        assert changed is not None and changed != data
        loader.parse_bytes(changed)


# -- what the fuzzers found -------------------------------------------------------------------------------------------

FORESPORSEL = (EXAMPLES / "foresporsel-1.0.xml").read_bytes()
GEN_DATE = b"<GenDate>2026-11-20T09:15:00+01:00</GenDate>"


def with_gen_date(value: str) -> bytes:
    assert FORESPORSEL.count(GEN_DATE) == 1
    return FORESPORSEL.replace(GEN_DATE, f"<GenDate>{value}</GenDate>".encode())


@pytest.mark.parametrize(
    "data",
    [
        FORESPORSEL.replace(b'<Type V="DIALOG_FORESPORSEL"', b'<Type V=" APPREC "', 1),
        FORESPORSEL.replace(b"<Type ", b'<x:Type xmlns:x="urn:x" V="APPREC"/><Type ', 1),
        b'<ns0:MsgHead xmlns:ns0="http://www.kith.no/xmlstds/msghead/2006-05-24" xmlns="urn:elsewhere">'
        b'<MsgInfo><Type V="APPREC"/><MsgId>1</MsgId><Sender/><Receiver/></MsgInfo><Document/></ns0:MsgHead>',
    ],
    ids=["spaced", "first-in-another-namespace", "children-in-another-namespace"],
)
def test_a_msghead_whose_type_apprec_for_reads_as_apprec_gets_no_receipt(data):
    """Found by tools/fuzz.py: the oracle expected a receipt unless the report's msg_type was exactly APPREC, but
    apprec_for reads the type as the rules do (V is an xs:token; the first Type in MsgInfo, whatever its namespace),
    so it also refuses a MsgHead whose children are in another namespace, which the report gives no msg_type."""
    report = dmtool.validate(data)
    assert fuzz.says_apprec(report, data)
    with pytest.raises(ValueError, match="says it is an AppRec"):
        dmtool.apprec_for(data)
    fuzz.exercise(data)


@pytest.mark.parametrize(("code", "apprec"), [("DIALOG_FORESPORSEL", False), ("APPREC", True)])
def test_the_oracle_reads_the_type_past_a_processing_instruction_or_a_comment(code, apprec):
    """Found by tools/fuzz.py: the oracle asked lxml for the local name of every child of MsgHead and MsgInfo, and a
    processing instruction or a comment has none (ValueError out of the oracle, not out of dmtool)."""
    data = FORESPORSEL.replace(b"<MsgInfo>", b"<?pi x?><!-- c --><MsgInfo><?pi x?><!-- c -->", 1).replace(
        b'<Type V="DIALOG_FORESPORSEL"', f'<Type V="{code}"'.encode(), 1
    )
    assert fuzz.says_apprec(dmtool.validate(data), data) is apprec
    fuzz.exercise(data)


@pytest.mark.parametrize("type_id", ["XYZ", "FHNFNR", ""])
def test_an_invalid_number_with_an_unknown_type_id_is_reported_not_a_crash(type_id):
    data = FORESPORSEL.replace(b"<Id>14037549100</Id>", b"<Id>37002016029</Id>").replace(
        b'<TypeId V="FNR" DN="F\xc3\xb8dselsnummer"', f'<TypeId V="{type_id}" DN="x"'.encode()
    )
    messages = [issue.message for issue in dmtool.validate(data).errors if issue.rule == "NO-HJELPENUMMER"]
    assert messages == [
        "the patient's number 37002016029 is not a valid fødselsnummer: the digits hold no valid birth date"
    ]


def test_a_forespørsel_sent_at_the_end_of_the_calendar_is_answered_by_its_last_day():
    report = dmtool.validate(with_gen_date("9999-12-31T12:00:00+01:00"))
    assert report.valid and report.reply_by == dt.date.max
    fuzz.exercise(with_gen_date("9999-12-31T12:00:00+01:00"))


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
def test_a_gen_date_whose_oslo_time_is_outside_the_calendar_is_no_date(value):
    data = with_gen_date(value)
    report = dmtool.validate(data)
    assert report.reply_by is None and [issue.rule for issue in report.errors] == ["UNSUPPORTED-MESSAGE"]
    with pytest.raises(
        dmtool.ParseError, match=r"GenDate .* xs:dateTime, but not one dmtool can read .*years 1 to 9999"
    ):
        dmtool.parse(data)
    fuzz.exercise(data)


@pytest.mark.parametrize(
    "value", ["1974-03-10T02:17:35+14:90", "2026-01-01T00:00:00+15:30", "2026-01-01T00:00:00+01:00:30"]
)
def test_a_gen_date_with_an_offset_xml_cannot_carry_is_no_date(value):
    """Found by tools/fuzz.py: Python reads "+14:90" as 15 h 30 min, which the receipt's IssueDate then carried, and
    to_xml refused its own receipt (xs:dateTime offsets are whole minutes up to 14 hours)."""
    data = with_gen_date(value)
    assert dmtool.parse_apprec(apprec.to_xml(dmtool.apprec_for(data))).status == "2"
    with pytest.raises(dmtool.ParseError, match=r"GenDate .* is not a date and time"):
        dmtool.parse(data)
    fuzz.exercise(data)


@pytest.mark.parametrize("value", ["2026-03-29T02:30:00", "2026-10-25T02:30:00"], ids=["spring-gap", "autumn-fold"])
def test_the_receipt_for_a_message_sent_at_a_missing_or_repeated_oslo_hour_names_it(value):
    """Without an offset, GenDate is Oslo time; in the spring gap or the repeated autumn hour, a time in a time zone
    never equals a fixed-offset time, so the receipt's IssueDate seemed not to be the original's GenDate."""
    data = with_gen_date(value)
    verdict = dmtool.check_apprec(apprec.to_xml(dmtool.apprec_for(data)), data)
    assert verdict.consistent, verdict.report.issues


@pytest.mark.parametrize("profile", ["oslo", "vestre-viken"])
def test_a_last_contact_at_the_end_of_the_calendar_keeps_the_time_window_open(profile):
    result = CliRunner().invoke(main, ["validate", "--profile", profile, "--last-contact", "9999-12-31",
                                       str(EXAMPLES / "foresporsel-1.0.xml")])  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "TIME-WINDOW" not in result.stdout


@pytest.mark.parametrize("number", ["¹4037549100", "\uff114037549100"], ids=["superscript", "fullwidth"])
def test_a_patient_number_with_digits_of_another_script_is_not_a_fødselsnummer(number):
    """str.isdigit takes "¹" (python-stdnum's int() then failed) and fullwidth digits (a valid fødselsnummer)."""
    data = FORESPORSEL.replace(b"<Id>14037549100</Id>", f"<Id>{number}</Id>".encode())
    messages = [issue.message for issue in dmtool.validate(data).errors if issue.rule == "NO-HJELPENUMMER"]
    assert messages == [f"the patient's number {number} is not a valid fødselsnummer: a person number has 11 digits"]
    fuzz.exercise(data)


def test_a_her_id_with_digits_of_another_script_is_no_her_id():
    data = FORESPORSEL.replace(b"<Id>8000101</Id>", "<Id>8000\u066101</Id>".encode())
    messages = [issue.message for issue in dmtool.validate(data).errors if issue.rule == "SERVICE-ADDRESSING"]
    assert messages == [
        "Receiver: '8000\u066101' is not a HER-id: it holds '\u0661', a digit of another script (U+0661); a HER-id is "
        "a number of 1 to 9 digits (0-9, no leading zero)"
    ]


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("'<' + ' ' * 200_000 + 'p'", 0),  # quadratic: about three hours
        ("'data:text/plain' + ';' * 60", 0),  # exponential: longer than anyone waits
        ("('A' * 399 + ' ') * 100_000", 0),  # 400 times linear: 30 s for 40 MB
        ("'<' + ' ' * 200_000 + '/ p>'", 1),
        ("'data:text/plain' + ';' * 60 + ',x'", 1),
    ],
    ids=["markup", "data-uri", "base64", "markup-found", "data-uri-found"],
)
def test_the_plain_text_checks_take_linear_time(text, problems):
    """Found by reading the patterns after the fuzzers' runs: texts a few kilobytes long kept validate busy for
    hours. Run in a subprocess, so that a regression fails here instead of hanging the suite."""
    code = f"from dmtool.rules import plaintext; print(len(list(plaintext.text_problems({text}))))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=10, check=True)
    assert result.stdout == f"{problems}\n"


def test_the_sweep_sets_every_text_and_attribute_to_every_odd_value():
    edits = list(fuzz.odd_value_edits(b'<a x="1"><b/></a>'))
    assert len(edits) == 3 * len(fuzz.ODD_VALUES) == len(set(edits))
    declaration = b"<?xml version='1.0' encoding='UTF-8'?>\n"
    assert declaration + b'<a x="NaN"><b/></a>' in edits and declaration + b'<a x="1"><b>NaN</b></a>' in edits


# -- the harness itself -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "corpus", "seconds", "passed_on"),
    [
        (["corpus", "--seconds", "5", "--", "-runs=10", "-max_len=9"], "corpus", 5, ["-runs=10", "-max_len=9"]),
        (["corpus", "--", "crash-1"], "corpus", 600, ["crash-1"]),
        (["--seconds", "7", "corpus", "--", "--", "-x"], "corpus", 7, ["--", "-x"]),
        (["corpus"], "corpus", 600, []),
    ],
)
def test_the_harness_passes_everything_after_the_double_dash_to_libfuzzer(argv, corpus, seconds, passed_on):
    """``tools/fuzz.py CORPUS --seconds N -- -libfuzzer-option`` failed with "unrecognized arguments": the corpus
    folder had taken the positional list of libFuzzer options with it, empty."""
    args, libfuzzer = fuzz.parse_arguments(argv)
    assert (args.corpus, args.seconds, libfuzzer) == (Path(corpus), seconds, passed_on)


def test_the_harness_still_needs_a_corpus_unless_it_sweeps(capsys):
    assert fuzz.parse_arguments(["--sweep"])[0].sweep
    with pytest.raises(SystemExit) as stopped:
        fuzz.parse_arguments(["--seconds", "5", "--", "-runs=1"])
    assert stopped.value.code == 2 and "give the corpus folder" in capsys.readouterr().err


def test_the_harness_keeps_nothing_from_one_input_to_the_next():
    """The oracle cached every round trip (the input and its model), so a long run grew without bound. Forty
    distinct messages of 64 KB each would keep at least 2.5 MB that way."""
    import gc
    import tracemalloc

    note = b"<Sporsmal>Til hjemmesykepleien."
    assert FORESPORSEL.count(note) == 1
    inputs = [FORESPORSEL.replace(note, note + b" %d " % number + b"x" * (1 << 16)) for number in range(50)]
    for data in inputs[:10]:  # caches that fill once (compiled schemas, the original) are filled here
        fuzz.exercise(data)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for data in inputs[10:]:
            fuzz.exercise(data)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 1 << 20, grown


def test_the_adversarial_seeds_are_messages_with_every_adversarial_text():
    seeds = dict(fuzz.adversarial_seeds(size=64))
    assert len(seeds) == 2 * len(adversarial.FAMILIES)
    found: set[str | None] = set()
    for data in seeds.values():
        root = loader.parse_bytes(data)
        found.update(element.text for element in root.iter("{*}TekstNotatInnhold", "{*}OrganisationName"))
    assert set(adversarial.texts(64).values()) <= found


@settings(max_examples=60)
@given(st.sampled_from(sorted(dict(fuzz.adversarial_seeds(size=2048)).items())))
def test_the_adversarial_seeds_keep_the_library_contracts(seed):
    fuzz.exercise(seed[1])


def test_the_tree_mutations_put_in_adversarial_texts_and_nest_elements():
    rng = random.Random(1)
    made = [fuzz.mutate_tree(FORESPORSEL, rng) for _ in range(400)]
    texts = {text for data in made if data for text in loader.parse_bytes(data).itertext()}
    adversarial_texts = {make(size) for make in adversarial.FAMILIES.values() for size in fuzz.ADVERSARIAL_SIZES}
    assert len(texts & adversarial_texts) > 10

    def nested(data: bytes) -> bool:
        return any((parent := element.getparent()) is not None and parent.tag == element.tag
                   for element in loader.parse_bytes(data).iter(etree.Element))  # fmt: skip

    assert sum(nested(data) for data in made if data) > 10
