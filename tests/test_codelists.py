"""The code lists in the package: up to date with the reference, and the lookups that later rules rely on."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
from paths import REFERENCE, ROOT

from dmtool import codelists

sys.path.insert(0, str(ROOT / "tools"))
import make_codelists


@pytest.mark.skipif(not (REFERENCE / "codelists").is_dir(), reason="../shared/reference is not beside the checkout")
def test_package_data_is_the_current_transcription():
    packaged = (ROOT / "src" / "dmtool" / "codelists.json").read_text(encoding="utf-8")
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
