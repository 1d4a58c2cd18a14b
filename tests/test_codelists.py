"""The code lists in the package: up to date with the reference, and the lookups that later rules rely on."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
from paths import REFERENCE, ROOT

from dmtool.standards import coded_fields, codelists

sys.path.insert(0, str(ROOT / "tools"))
import make_codelists


@pytest.mark.skipif(not (REFERENCE / "codelists").is_dir(), reason="../shared/reference is not beside the checkout")
def test_package_data_is_the_current_transcription():
    packaged = (ROOT / "src" / "dmtool" / "standards" / "codelists.json").read_text(encoding="utf-8")
    assert packaged == make_codelists.transcribe(REFERENCE / "codelists"), "run: python tools/make_codelists.py"


@pytest.mark.parametrize(
    ("number", "code", "name"),
    [
        ("8258", "1", "OK"),
        ("8258", "2", "Avvist"),
        ("8117", "1", "Feil adressat"),
        ("7304", "J", "Ja"),
        ("8116", "FNR", None),
        ("8116", "DNR", None),
        ("8116", "HNR", None),
        ("8116", "FHN", None),
        ("9051", "HER", None),
        ("8221", "T01", None),
        ("8221", "T02", None),
        ("8221", "T10", None),
        ("8279", "DIALOG_FORESPORSEL", None),
        ("8279", "DIALOG_SVAR", None),
        ("8279", "DIALOG_AVVIK", None),
        ("8279", "DIALOG_NOTAT", None),
        ("8279", "DIALOG_HELSEFAGLIG", None),
        ("8279", "APPREC", None),
    ],
)
def test_codes_the_rules_need_are_there(number, code, name):
    assert codelists.is_known(number, code)
    assert codelists.is_known(codelists.OID_PREFIX + number, code)
    if name is not None:
        assert codelists.get(number).display_name(code) == name


@given(st.sampled_from(codelists.numbers()), st.data())
def test_every_listed_code_is_known_and_named(number, data):
    codes = codelists.get(number)
    assert codes.oid == codelists.OID_PREFIX + number
    code = data.draw(st.sampled_from(sorted(codes.codes)))
    assert codelists.is_known(number, code) and codes.display_name(code)


@given(st.text(max_size=12))
def test_unknown_codes_and_lists_are_refused_clearly(code):
    if code not in codelists.get("8258"):
        assert not codelists.is_known("8258", code)
        with pytest.raises(KeyError, match="8258"):
            codelists.get("8258").display_name(code)
    assert not codelists.is_known("no-such-list", code)
    with pytest.raises(KeyError, match="unknown code list"):
        codelists.get("0000")


@given(st.lists(st.integers(min_value=0, max_value=10**12), min_size=2, max_size=12))
def test_numbers_joined_by_dots_are_oids(arcs):
    assert codelists.is_dotted_oid(".".join(map(str, arcs)))


@given(st.text(max_size=40))
def test_an_oid_is_only_digits_and_single_dots(text):
    shaped = bool(text) and all(part.isdigit() and part.isascii() for part in text.split("."))
    if not shaped or text.count(".") == 0:
        assert not codelists.is_dotted_oid(text)


@pytest.mark.parametrize(
    "text", ["8324", "2.16.578.", ".2.16", "2..16", "2.16.578.1.12.4.1.1.08116", "2.16 .578", " 2.16", "2.16\n", "٢.١٦"]
)
def test_malformed_oids_are_refused(text):
    assert not codelists.is_dotted_oid(text)


@given(st.sampled_from(codelists.numbers()))
def test_a_volven_oid_names_its_list(number):
    oid = codelists.OID_PREFIX + number
    assert codelists.list_number(oid) == number
    assert codelists.names_known_list(oid) and codelists.carries(number)


@given(st.from_regex(r"[1-9][0-9]{0,5}", fullmatch=True))
def test_a_list_number_is_read_from_any_volven_oid(number):
    assert codelists.list_number(codelists.OID_PREFIX + number) == number
    assert codelists.names_known_list(codelists.OID_PREFIX + number) == (number in codelists.numbers())


@pytest.mark.parametrize(
    "oid", ["9.9.9.9", "2.16.578.1.12.4.1.1", "2.16.578.1.12.4.1.1.", "2.16.578.1.12.4.1.1.8116.1", "8116", ""]
)
def test_other_oids_name_no_list(oid):
    assert codelists.list_number(oid) is None
    assert not codelists.names_known_list(oid)


def test_unknown_volven_lists_are_not_carried():
    assert codelists.list_number(codelists.OID_PREFIX + "9999") == "9999"
    assert not codelists.names_known_list(codelists.OID_PREFIX + "9999")
    assert not codelists.carries("9999")


@pytest.mark.parametrize(
    ("number", "code", "name"),
    [
        ("8124", "B720007F", "Trekkvedtak finnes fra før (ved NY)"),  # NAV's AppRec errors for INNRAPPORTERING_TREKK
        ("7605", "F01", "Forespør innsyn helseopplysninger"),
        ("7606", "R16", "Informasjon om oppføring"),
        ("1101", "1", "Ja"),
        ("8279", "DIALOG_INNBYGGER_AVTALEAVBESTILLING", None),  # newer than the snapshot: the tool's supplement
        ("8279", "DIALOG_STATUS_HENVISNING", None),
    ],
)
def test_lists_the_field_table_names_are_shipped(number, code, name):
    assert codelists.is_known(number, code)
    if name is not None:
        assert codelists.get(number).display_name(code) == name


def test_the_curated_lists_win_over_the_snapshot():
    assert not codelists.is_known("8221", "Ukjent")  # a curated row noted as no Volven code stays out
    assert codelists.get("7426").display_name("56") == "Almenpraktiker  utland"  # the snapshot writes one space
    assert codelists.get("8279").name == "Meldingens funksjon"


@pytest.mark.skipif(not (REFERENCE / "codelists").is_dir(), reason="../shared/reference is not beside the checkout")
def test_only_the_curated_lists_and_the_lists_the_field_table_names_are_shipped():
    curated = {
        row.split(",")[0].rsplit(".", 1)[1]
        for row in (REFERENCE / "codelists" / "INDEX.csv").read_text(encoding="utf-8").splitlines()[1:]
    }
    assert set(codelists.numbers()) == curated | (
        coded_fields.list_numbers() & set(make_codelists._snapshot(REFERENCE / "codelists"))
    )


@pytest.mark.skipif(not (REFERENCE / "codelists").is_dir(), reason="../shared/reference is not beside the checkout")
def test_a_list_the_table_names_without_a_name_is_refused_clearly(tmp_path):
    table = tmp_path / "fields.json"
    table.write_text('{"fields": [{"lists": ["8121"]}]}', encoding="utf-8")
    with pytest.raises(ValueError, match="list 8121: add its name"):
        make_codelists.transcribe(REFERENCE / "codelists", table)


#: The regular expressions the OID checks replaced (the oracle): the schemas' pattern, and a dotted OID.
_SCHEMA_OID_PATTERN = re.compile(r"\d+(?:\.\d+)*")
_DOTTED_OID_PATTERN = re.compile(r"(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+")
#: Digits of several scripts (Nd), digits that are not decimal (superscript, circled: No), dots and others.
_OID_ALPHABET = "0123456789.\u0663\u06f4\u0967\uff11\U0001d7d7\u00b2\u2460x -\n"


@given(st.text(alphabet=_OID_ALPHABET, max_size=30) | st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,5}", fullmatch=True))
def test_oid_checks_answer_as_the_regular_expressions(text: str) -> None:
    """``is_schema_oid`` and ``is_dotted_oid`` are linear rewrites of two regular expressions: the same answers."""
    assert codelists.is_schema_oid(text) == (_SCHEMA_OID_PATTERN.fullmatch(text) is not None)
    assert codelists.is_dotted_oid(text) == (_DOTTED_OID_PATTERN.fullmatch(text) is not None)


def test_oid_checks_take_a_20_mb_oid() -> None:
    """A 20 MB OID is read by string methods a few times over, not by a backtracking engine: both checks answer, and
    a leading zero at its very end is found."""
    text = ".".join(["12345"] * 3_500_000)
    assert codelists.is_schema_oid(text) and codelists.is_dotted_oid(text)
    assert not codelists.is_dotted_oid(text + ".01")
