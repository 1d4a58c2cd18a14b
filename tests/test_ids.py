"""Issue 4, identifiers: every class of person number, HER-ids and organisation numbers, as properties.

Numbers come from :mod:`dmtool.testing.strategies` (fødselsnummer, D-nummer, H-nummer, FH-nummer, organisation numbers,
HER-ids); the expected check digits are recomputed here with the weights of rules.md §1, independently of
python-stdnum, which :mod:`dmtool.standards.ids` uses.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum.no import fodselsnummer as stdnum_fnr

from dmtool.standards import ids
from dmtool.testing import strategies as dms

WEIGHTS_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
WEIGHTS_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
#: Birth dates python-stdnum accepts (it refuses a birth after today).
PAST = st.dates(dt.date(1900, 1, 1), dt.date(2024, 12, 31))
CHECK_DIGITS_WRONG = "the check digits are wrong"
NOT_11_DIGITS = "a person number has 11 digits"


def check_digit(digits: str, weights: tuple[int, ...]) -> int | None:
    """The mod-11 check digit as rules.md §1 defines it: a remainder of 1 makes the number invalid; 11 gives 0."""
    check = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return None if check == 10 else check % 11


def has_right_check_digits(number: str) -> bool:
    k1 = check_digit(number[:9], WEIGHTS_1)
    return k1 is not None and str(k1) == number[9] and str(check_digit(number[:10], WEIGHTS_2)) == number[10]


# -- the strategies make what they say --------------------------------------------------------------------------------


@settings(max_examples=60)
@given(dms.fodselsnummer(), dms.d_nummer(), dms.h_nummer(), dms.fh_nummer())
def test_generated_numbers_have_their_structure_and_check_digits(fnr, dnr, hnr, fhn):
    for number in (fnr, dnr, hnr, fhn):
        assert len(number) == 11 and number.isdigit() and has_right_check_digits(number)
    assert fnr[0] in "0123" and fnr[2] in "01"
    assert dnr[0] in "4567" and 41 <= int(dnr[:2]) <= 71
    assert hnr[0] in "0123" and 41 <= int(hnr[2:4]) <= 52
    assert fhn[0] in "89"


# -- classify, validate, is_valid -------------------------------------------------------------------------------------


@settings(max_examples=60)
@given(dms.fodselsnummer())
def test_fodselsnummer_is_fnr_and_valid(number):
    found = ids.classify(number)
    assert (found.kind, found.reason, found.valid) == (ids.FNR, None, True)
    assert ids.validate(number) == number and ids.is_valid(number)
    assert ids.person_id_type(number) == ids.FNR
    spaced = f"{number[:6]} {number[6:]}"
    assert ids.validate(spaced) == number and ids.classify(spaced).kind == ids.FNR


@settings(max_examples=60)
@given(dms.d_nummer())
def test_d_nummer_is_dnr_and_valid(number):
    found = ids.classify(number)
    assert (found.kind, found.reason) == (ids.DNR, None)
    assert ids.validate(number) == number and ids.is_valid(number)
    assert ids.person_id_type(number) == ids.DNR


@settings(max_examples=60)
@given(dms.fodselsnummer(PAST))
def test_d_nummer_without_recomputed_check_digits_is_invalid(fnr):
    stale = str(int(fnr[0]) + 4) + fnr[1:]  # 4 added to the first digit, the fødselsnummer's check digits kept
    found = ids.classify(stale)
    assert (found.kind, found.reason) == (ids.DNR, CHECK_DIGITS_WRONG)
    assert not ids.is_valid(stale)


@settings(max_examples=60)
@given(dms.h_nummer(PAST))
def test_h_nummer_is_hnr_refused_by_dmtool_but_accepted_by_stdnum(number):
    assert stdnum_fnr.is_valid(number), "python-stdnum takes an H-nummer for a fødselsnummer (rules.md §3)"
    found = ids.classify(number)
    assert (found.kind, found.reason) == (ids.HNR, None)
    assert ids.person_id_type(number) == ids.HNR
    assert not ids.is_valid(number)
    with pytest.raises(ids.InvalidIdentifier, match="H-nummer"):
        ids.validate(number)


@settings(max_examples=60)
@given(dms.fh_nummer())
def test_fh_nummer_is_fhn_and_refused(number):
    found = ids.classify(number)
    assert (found.kind, found.reason) == (ids.FHN, None)
    assert ids.person_id_type(number) == ids.FHN
    assert not ids.is_valid(number)
    with pytest.raises(ids.InvalidIdentifier, match="FH-nummer"):
        ids.validate(number)


PERSON_NUMBERS = st.one_of(dms.fodselsnummer(), dms.d_nummer(), dms.h_nummer(), dms.fh_nummer())


@settings(max_examples=60)
@given(PERSON_NUMBERS, st.integers(0, 10), st.integers(1, 9))
def test_any_one_digit_changed_makes_the_check_digits_wrong(number, position, delta):
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    assert not has_right_check_digits(changed)  # mod 11 with weights 1-9 finds every one-digit change
    found = ids.classify(changed)
    assert found.reason == CHECK_DIGITS_WRONG and not found.valid
    assert not ids.is_valid(changed)
    # validate names a hjelpenummer as such, whatever its check digits; other numbers by their check digits
    hjelpenummer = found.kind in (ids.HNR, ids.FHN)
    with pytest.raises(ids.InvalidIdentifier, match="hjelpenummer" if hjelpenummer else "check digits"):
        ids.validate(changed)


@settings(max_examples=60)
@given(st.text("0123456789", max_size=20).filter(lambda s: len(s) != 11))
def test_wrong_length_is_no_kind(number):
    found = ids.classify(number)
    assert (found.kind, found.reason) == (None, NOT_11_DIGITS)
    assert not ids.is_valid(number)
    assert ids.person_id_type(number) == ids.FNR  # reported as an invalid fødselsnummer


@settings(max_examples=60)
@given(dms.fodselsnummer(), st.integers(0, 10), st.sampled_from("aOlX+/_*"))
def test_non_digits_are_no_kind(number, position, char):
    changed = number[:position] + char + number[position + 1 :]
    assert ids.classify(changed).reason == NOT_11_DIGITS
    with pytest.raises(ids.InvalidIdentifier, match="11 digits"):
        ids.validate(changed)


@settings(max_examples=60)
@given(st.one_of(dms.fodselsnummer(), dms.d_nummer()))
def test_a_birth_after_the_message_date_is_invalid(number):
    born = stdnum_fnr.get_birth_date(number)
    assert ids.classify(number, born_by=born).valid
    found = ids.classify(number, born_by=born - dt.timedelta(days=1))
    assert found.reason is not None and born.isoformat() in found.reason
    with pytest.raises(ids.InvalidIdentifier):
        ids.validate(number, born_by=born - dt.timedelta(days=1))


@settings(max_examples=60)
@given(st.integers(32, 39), st.integers(1, 12), st.integers(0, 99), st.integers(0, 499))
def test_right_check_digits_but_no_birth_date_is_invalid(day, month, year, individual):
    first_nine = f"{day:02d}{month:02d}{year:02d}{individual:03d}"
    check = dms.fnr_check_digits(first_nine)
    assume(check is not None)
    assert check is not None
    found = ids.classify(first_nine + check)
    assert found.kind == ids.FNR and found.reason == "the digits hold no valid birth date"


def test_known_numbers():
    assert ids.classify("14037549100").kind == ids.FNR  # the bundled examples' patient
    assert ids.classify("14437549193").kind == ids.HNR and stdnum_fnr.is_valid("14437549193")
    assert ids.classify("81234567802").kind == ids.FHN
    assert ids.classify("140375-491.00").valid
    assert not ids.is_valid("")


# -- HER-ids and organisation numbers ---------------------------------------------------------------------------------


@settings(max_examples=60)
@given(st.one_of(dms.her_ids(), st.integers(1, 999_999_999).map(str)))
def test_her_ids_are_1_to_9_digits(her_id):
    assert ids.her_id_problem(her_id) is None


@settings(max_examples=60)
@given(
    st.one_of(
        st.just(""),
        dms.her_ids().map(lambda h: "0" + h),
        st.integers(1_000_000_000, 10**12).map(str),
        st.tuples(dms.her_ids(), st.sampled_from(["A", " ", "-", ".", "x"])).map(lambda t: t[0][:3] + t[1] + t[0][3:]),
    )
)
def test_not_her_ids(value):
    problem = ids.her_id_problem(value)
    assert problem is not None and repr(value) in problem


@pytest.mark.parametrize(
    ("value", "fault"),
    [
        ("", "it is empty"),
        ("0123", "it starts with 0"),
        ("1234567890", "it has 10 digits"),
        ("800 0101", "it holds ' ', a separator or space"),
        (" 8000101", "it holds ' ', a separator or space"),
        ("8000-101", "it holds '-', a separator or space"),
        ("8000\u066101", "it holds '\u0661', a digit of another script (U+0661)"),
        ("HER8000101", "it holds the letter 'H'"),
    ],
)
def test_a_her_id_problem_says_what_is_wrong(value, fault):
    assert ids.her_id_problem(value) == (
        f"{value!r} is not a HER-id: {fault}; a HER-id is a number of 1 to 9 digits (0-9, no leading zero)"
    )


@settings(max_examples=60)
@given(dms.organisation_numbers())
def test_organisation_numbers(number):
    assert ids.org_number_problem(number) is None


@settings(max_examples=60)
@given(dms.organisation_numbers(), st.integers(0, 8), st.integers(1, 9))
def test_organisation_numbers_with_a_digit_changed(number, position, delta):
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    problem = ids.org_number_problem(changed)
    assert problem is not None and changed in problem


@pytest.mark.parametrize("value", ["", "12345678", "9747033000", "97470330A", "ENH974703300"])
def test_not_organisation_numbers(value):
    assert ids.org_number_problem(value) is not None


def test_a_known_organisation_number():
    assert ids.org_number_problem("974703300") is None
    assert dms.organisation_number_check_digit("97470330") == "0"


def tenor(number: str) -> str | None:
    """``number`` as Skatteetaten's Tenor writes a synthetic one: 8 added to the third digit, check digits again
    (``None`` when no check digit fits)."""
    first_nine = f"{number[:2]}{int(number[2]) + 8}{number[3:9]}"
    check = dms.fnr_check_digits(first_nine)
    return None if check is None else first_nine + check


@settings(max_examples=60)
@given(st.one_of(dms.fodselsnummer(), dms.d_nummer()))
def test_tenor_numbers_are_valid_only_when_synthetic_numbers_are_allowed(number: str) -> None:
    synthetic = tenor(number)
    assume(synthetic is not None)
    assert synthetic is not None
    kind = ids.classify(number).kind
    refused = ids.classify(synthetic)
    assert (refused.kind, refused.valid) == (kind, False)
    assert refused.reason is not None and "synthetic test number (Tenor" in refused.reason
    assert not ids.is_valid(synthetic)
    allowed = ids.classify(synthetic, synthetic=True)
    assert (allowed.kind, allowed.reason) == (kind, None)
    assert ids.classify(synthetic[:9] + str((int(synthetic[9]) + 1) % 10) + synthetic[10], synthetic=True).reason


@settings(max_examples=60)
@given(dms.h_nummer())
def test_allowing_synthetic_numbers_allows_no_hjelpenummer(number: str) -> None:
    assert ids.classify(number, synthetic=True).kind == ids.HNR


@given(
    st.one_of(dms.fodselsnummer(), st.text(alphabet="0123456789 .-", max_size=40)),
    st.one_of(st.none(), st.dates()),
    st.booleans(),
)
def test_classify_remembers_what_it_works_out(number: str, born_by: dt.date | None, synthetic: bool) -> None:
    """A remembered answer is the answer worked out, whatever was asked before (``born_by`` and ``synthetic`` are part
    of what is remembered), and a long input is worked out every time rather than kept."""
    worked_out = ids._classify(number, born_by, synthetic)
    assert ids.classify(number, born_by=born_by, synthetic=synthetic) == worked_out
    other = ids._classify(number, born_by, not synthetic)
    assert ids.classify(number, born_by=born_by, synthetic=not synthetic) == other
    assert ids.classify(number, born_by=born_by, synthetic=synthetic) == worked_out
    before = ids._remembered.cache_info().currsize
    ids.classify("1" * 40, born_by=born_by)
    assert ids._remembered.cache_info().currsize == before
