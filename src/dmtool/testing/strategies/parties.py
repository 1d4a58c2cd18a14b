"""Strategies for identifiers (fødselsnummer, D-nummer, hjelpenummer, HER-ids, organisation numbers) and the
parties of a message: organisations, health professionals, patients, persons and roles."""

from __future__ import annotations

import datetime as dt
import functools
import string
from collections.abc import Sequence
from typing import Final, Literal

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ...dialog import fields
from ...dialog.model import (
    DIALOG_VERSIONS,
    DialogVersion,
    HealthcareProfessional,
    Ident,
    Organisation,
    Patient,
    Person,
    Role,
)
from ...standards import codelists
from .values import _FAMILY_NAMES, _GIVEN_NAMES, _MIDDLE_NAMES, _name, _optional, coded_simple_values, coded_values

_FNR_WEIGHTS_1: Final = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_FNR_WEIGHTS_2: Final = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_ORG_NUMBER_WEIGHTS: Final = (3, 2, 7, 6, 5, 4, 3, 2)

# -- identifiers ------------------------------------------------------------------------------------------------------


def _mod11(digits: Sequence[int], weights: Sequence[int]) -> int | None:
    """The mod-11 check digit of ``digits``: 11 minus the weighted sum modulo 11; 11 gives 0, 10 has none."""
    check = 11 - sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def fnr_check_digits(first_nine: str) -> str | None:
    """The two check digits of a fødselsnummer or D-nummer whose first nine digits are ``first_nine``; ``None``
    when the nine digits cannot have any (a remainder of 1 for either digit)."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError(f"need nine digits, got {first_nine!r}")
    digits = [int(c) for c in first_nine]
    k1 = _mod11(digits, _FNR_WEIGHTS_1)
    if k1 is None:
        return None
    k2 = _mod11([*digits, k1], _FNR_WEIGHTS_2)
    return None if k2 is None else f"{k1}{k2}"


def organisation_number_check_digit(first_eight: str) -> str | None:
    """The check digit of an organisation number (Enhetsregisteret) starting with ``first_eight``; ``None`` when
    those digits cannot have one."""
    if len(first_eight) != 8 or not first_eight.isdigit():
        raise ValueError(f"need eight digits, got {first_eight!r}")
    check = _mod11([int(c) for c in first_eight], _ORG_NUMBER_WEIGHTS)
    return None if check is None else str(check)


_BIRTH_DATES: Final = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2039, 12, 31))
#: Patients are born before 1950, so before every GenDate of :func:`gen_dates` (a birth after the message is invalid).
_PATIENT_BIRTH_DATES: Final = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1949, 12, 31))
_INDIVIDUAL_NUMBERS: Final = st.integers(0, 499)


def _draw_person_number(draw: st.DrawFn, born: dt.date, d_number: bool, *, h_number: bool = False) -> str:
    """A fødselsnummer (or D-nummer, or H-nummer) of someone born on ``born`` (1900-2039), with valid check digits.

    The individual number (digits 7-9) is 000-499 for births in the 1900s and 500-999 from 2000 (1940-1999 also
    have 900-999, not used here); one that gives no check digits is replaced by the next one that does. A D-nummer
    has 4 added to its first digit, an H-nummer 4 added to its third; the check digits are computed on the result.
    """
    low = 500 if born.year >= 2000 else 0
    start = draw(_INDIVIDUAL_NUMBERS)
    day = born.day + (40 if d_number else 0)
    month = born.month + (40 if h_number else 0)
    for step in range(500):
        individual = low + (start + step) % 500
        first_nine = f"{day:02d}{month:02d}{born.year % 100:02d}{individual:03d}"
        check = fnr_check_digits(first_nine)
        if check is not None:
            return first_nine + check
    raise AssertionError(f"no individual number gives valid check digits for {born}")  # pragma: no cover


@st.composite
def _person_number(draw: st.DrawFn, birth_dates: st.SearchStrategy[dt.date], d_number: bool, h_number: bool) -> str:
    return _draw_person_number(draw, draw(birth_dates), d_number, h_number=h_number)


@functools.cache
def _person_numbers(
    birth_dates: st.SearchStrategy[dt.date], d_number: bool, h_number: bool = False
) -> st.SearchStrategy[str]:
    return _person_number(birth_dates, d_number, h_number)


def fodselsnummer(birth_dates: st.SearchStrategy[dt.date] | None = None) -> st.SearchStrategy[str]:
    """A synthetic fødselsnummer: DDMMYY of a date from ``birth_dates`` (default 1900-2039), an individual number
    of a range for the birth year, and two correct mod-11 check digits."""
    return _person_numbers(_BIRTH_DATES if birth_dates is None else birth_dates, False)


def d_nummer(birth_dates: st.SearchStrategy[dt.date] | None = None) -> st.SearchStrategy[str]:
    """A synthetic D-nummer: a fødselsnummer with 4 added to its first digit (day 41-71), check digits computed on
    the D-number."""
    return _person_numbers(_BIRTH_DATES if birth_dates is None else birth_dates, True)


def h_nummer(birth_dates: st.SearchStrategy[dt.date] | None = None) -> st.SearchStrategy[str]:
    """A synthetic H-nummer (hjelpenummer, 8116 ``HNR``): a fødselsnummer of a date from ``birth_dates`` (default
    1900-2039) with 4 added to its third digit (month 41-52), check digits computed on the H-number. python-stdnum
    takes it for a valid fødselsnummer; the guidelines refuse it (rule ``NO-HJELPENUMMER``)."""
    return _person_numbers(_BIRTH_DATES if birth_dates is None else birth_dates, False, True)


@st.composite
def _fh_number(draw: st.DrawFn) -> str:
    start = draw(st.integers(0, 199_999_999))
    for step in range(100):
        first_nine = str(800_000_000 + (start + step) % 200_000_000)
        check = fnr_check_digits(first_nine)
        if check is not None:
            return first_nine + check
    raise AssertionError("no FH-nummer")  # pragma: no cover


_FH_NUMBERS: Final = _fh_number()


def fh_nummer() -> st.SearchStrategy[str]:
    """A synthetic FH-nummer (felles hjelpenummer, 8116 ``FHN``): 11 digits, the first 8 or 9, no birth date, two
    correct mod-11 check digits. Refused as a patient's number (rule ``NO-HJELPENUMMER``)."""
    return _FH_NUMBERS


_HER_IDS: Final = st.integers(100_000, 99_999_999).map(str)
_HPR_NUMBERS: Final = st.integers(1_000_000, 999_999_999).map(str)


def her_ids() -> st.SearchStrategy[str]:
    """A HER-id: 6 to 8 digits, no leading zero."""
    return _HER_IDS


def hpr_numbers() -> st.SearchStrategy[str]:
    """An HPR number (health-personnel register): 7 to 9 digits, no leading zero."""
    return _HPR_NUMBERS


@st.composite
def _organisation_number(draw: st.DrawFn) -> str:
    start = draw(st.integers(0, 19_999_999))
    for step in range(20):
        first_eight = str(80_000_000 + (start + step) % 20_000_000)
        check = organisation_number_check_digit(first_eight)
        if check is not None:
            return first_eight + check
    raise AssertionError("no organisation number")  # pragma: no cover


_ORGANISATION_NUMBERS: Final = _organisation_number()


def organisation_numbers() -> st.SearchStrategy[str]:
    """An organisation number (ENH): 9 digits starting with 8 or 9, the last a mod-11 check digit (weights
    3,2,7,6,5,4,3,2)."""
    return _ORGANISATION_NUMBERS


_LOCAL_IDS: Final = st.one_of(
    st.integers(1, 99_999_999).map(str), st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=10)
)


@st.composite
def _person_ident(draw: st.DrawFn, types: tuple[str, ...]) -> Ident:
    kind = draw(st.sampled_from(types))
    if kind in ("FNR", "DNR"):
        return Ident(_draw_person_number(draw, draw(_BIRTH_DATES), kind == "DNR"), kind)
    return Ident(draw(_LOCAL_IDS), kind)


#: Identifier types of ``Organisation.ids``: 9051 without HER and ENH (they are ``her_id`` and ``org_number``).
_ORG_ID_TYPES: Final = tuple(sorted(set(codelists.get(fields.code_list(Organisation, "ids")).codes) - {"HER", "ENH"}))
#: Identifier types of ``HealthcareProfessional.ids``: 8116 without HPR and HER (``hpr`` and ``her_id``).
_PROFESSIONAL_ID_TYPES: Final = tuple(
    sorted(set(codelists.get(fields.code_list(HealthcareProfessional, "ids")).codes) - {"HPR", "HER"})
)
_PERSON_ID_TYPES: Final = tuple(sorted(codelists.get(fields.code_list(Person, "ids")).codes))

_ORG_IDENTS: Final = st.builds(Ident, _LOCAL_IDS, st.sampled_from(_ORG_ID_TYPES))
_PROFESSIONAL_IDENTS: Final = st.lists(_person_ident(_PROFESSIONAL_ID_TYPES), max_size=2).map(tuple)
_PERSON_IDENTS: Final = st.lists(_person_ident(_PERSON_ID_TYPES), max_size=2).map(tuple)
_TELECOMS: Final = st.lists(
    st.one_of(
        st.integers(20_000_000, 99_999_999).map(lambda n: f"tel:{n}"),
        st.integers(40_000_000, 99_999_999).map(lambda n: f"mob:{n}"),
        st.sampled_from(["mailto:post@fjordby.kommune.no", "https://www.helsenorge.no/", "fax:22334455"]),
    ),
    max_size=2,
).map(tuple)


# -- parties ----------------------------------------------------------------------------------------------------------


@st.composite
def _health_professional(draw: st.DrawFn, identified: bool) -> HealthcareProfessional:
    hpr = draw(_optional(hpr_numbers()))
    her_id = draw(_optional(her_ids()))
    ids = draw(_PROFESSIONAL_IDENTS)
    if identified and hpr is None and her_id is None and not ids:
        hpr = draw(hpr_numbers())
    return HealthcareProfessional(
        family_name=draw(_optional(_name(_FAMILY_NAMES))),
        given_name=draw(_optional(_name(_GIVEN_NAMES))),
        middle_name=draw(_optional(_name(_MIDDLE_NAMES))),
        hpr=hpr,
        her_id=her_id,
        ids=ids,
        category=draw(_optional(coded_simple_values(fields.code_list(HealthcareProfessional, "category")))),
        role_to_patient=draw(_optional(coded_values(fields.code_list(HealthcareProfessional, "role_to_patient")))),
        telecom=draw(_TELECOMS),
    )


@functools.cache
def _health_professionals(identified: bool) -> st.SearchStrategy[HealthcareProfessional]:
    return _health_professional(identified)


def health_professionals(*, identified: bool = False) -> st.SearchStrategy[HealthcareProfessional]:
    """A :class:`HealthcareProfessional`: names, HPR number, HER-id, other ids (8116 types other than HPR and HER),
    category (9060), role to the patient (9034), telecom URLs, each sometimes absent. With ``identified`` (needed
    in the envelope) at least one of ``hpr``, ``her_id`` or ``ids`` is present."""
    return _health_professionals(identified)


_ORGANISATION_NAMES: Final[tuple[tuple[str, ...], ...]] = (
    (
        "Oslo universitetssykehus HF",
        "Helse Bergen HF",
        "Vestre Viken HF",
        "Sykehuset Østfold HF",
        "St. Olavs hospital HF",
        "Fjordby sykehus HF",
        "Oslo kommune",
        "Bærum kommune",
        "Ålesund kommune",
        "Tromsø kommune",
        "Åsen legekontor",
        "Kattskinnet legesenter",
    ),
    (
        "Medisinsk klinikk",
        "Kirurgisk klinikk",
        "Hjerte-, lunge- og karklinikken",
        "Bydel Grünerløkka",
        "Helse og omsorg",
        "Psykisk helsevern",
        "Ortopedisk avdeling",
        "Lungesykdommer",
    ),
    (
        "Lungepoliklinikk",
        "Sengepost 5 øst",
        "Hjemmesykepleie sone nord",
        "Tildelingskontoret",
        "Saksbehandling",
        "PLO-mottak",
        "Fysioterapitjenesten",
        "Korttidsavdeling",
    ),
)


@st.composite
def _organisation(draw: st.DrawFn, levels: int, depth: int) -> Organisation:
    names = _ORGANISATION_NAMES[min(depth, len(_ORGANISATION_NAMES) - 1)]
    innermost = depth + 1 >= levels
    return Organisation(
        name=draw(_name(names)),
        her_id=draw(her_ids()),
        org_number=draw(_optional(organisation_numbers())) if depth == 0 else None,
        ids=tuple(draw(_ORG_IDS_OUTER if depth == 0 else _ORG_IDS_INNER)),
        unit=None if innermost else draw(_organisations_at(levels, depth + 1)),
        professional=draw(_optional(health_professionals(identified=True))) if innermost or depth == 0 else None,
    )


_ORG_IDS_OUTER: Final = st.lists(_ORG_IDENTS, max_size=2)
_ORG_IDS_INNER: Final = st.lists(_ORG_IDENTS, max_size=1)


@functools.cache
def _organisations_at(levels: int, depth: int) -> st.SearchStrategy[Organisation]:
    return _organisation(levels, depth)


@functools.cache
def _organisations(min_levels: int, max_levels: int) -> st.SearchStrategy[Organisation]:
    return st.one_of(*(_organisations_at(levels, 0) for levels in range(min_levels, max_levels + 1)))


def organisations(*, min_levels: int = 1, max_levels: int = 3) -> st.SearchStrategy[Organisation]:
    """An :class:`Organisation` chain of ``min_levels`` to ``max_levels`` levels (organisation, department,
    service) with realistic Norwegian names (sometimes arbitrary text). Every level has a HER-id; the outermost
    sometimes an organisation number; any level other ids (9051 types other than HER and ENH); the outermost or
    innermost level sometimes a named professional with an identifier."""
    if not 1 <= min_levels <= max_levels:
        raise InvalidArgument(f"need 1 <= min_levels <= max_levels, got {min_levels}, {max_levels}")
    return _organisations(min_levels, max_levels)


@st.composite
def _patient(draw: st.DrawFn, id_type: Literal["FNR", "DNR"] | None, typed: bool | None) -> Patient:
    born = draw(_PATIENT_BIRTH_DATES)
    kind = id_type or draw(st.sampled_from(["FNR", "DNR"]))
    with_type = draw(st.booleans()) if typed is None else typed
    return Patient(
        family_name=draw(st.sampled_from(_FAMILY_NAMES)),
        given_name=draw(st.sampled_from(_GIVEN_NAMES)),
        id=_draw_person_number(draw, born, kind == "DNR"),
        id_type=kind if with_type else None,
        middle_name=draw(_optional(_name(_MIDDLE_NAMES))),
        date_of_birth=born if draw(st.booleans()) else None,
        sex=draw(_optional(coded_simple_values(fields.code_list(Patient, "sex")))),
        telecom=draw(_TELECOMS),
    )


@functools.cache
def _patients(id_type: Literal["FNR", "DNR"] | None, typed: bool | None) -> st.SearchStrategy[Patient]:
    return _patient(id_type, typed)


def patients(*, id_type: Literal["FNR", "DNR"] | None = None, typed: bool | None = True) -> st.SearchStrategy[Patient]:
    """A named :class:`Patient` born 1900-1949 with a synthetic fødselsnummer or D-nummer (``id_type``, default
    either), sometimes
    the matching date of birth, a sex (3101), middle name and telecom URLs.

    ``typed=True`` (default) sets ``id_type``; ``False`` leaves it ``None`` (for the constructors in
    :mod:`dmtool.dialog.compose`, which fill it from the number); ``None`` draws either.
    """
    if id_type not in (None, "FNR", "DNR"):
        raise InvalidArgument(f"id_type must be FNR, DNR or None; got {id_type!r}")
    return _patients(id_type, typed)


_PERSONS: Final = st.builds(
    Person,
    family_name=_optional(_name(_FAMILY_NAMES)),
    given_name=_optional(_name(_GIVEN_NAMES)),
    middle_name=_optional(_name(_MIDDLE_NAMES)),
    ids=_PERSON_IDENTS,
)


def persons() -> st.SearchStrategy[Person]:
    """A :class:`Person` (not a health professional, e.g. a relative) with names and 8116 identifiers."""
    return _PERSONS


def _check_version(version: str) -> DialogVersion:
    if version == "1.0":
        return "1.0"
    if version == "1.1":
        return "1.1"
    raise InvalidArgument(f"version must be one of {', '.join(DIALOG_VERSIONS)}; got {version!r}")


@st.composite
def _role(draw: st.DrawFn, version: DialogVersion) -> Role:
    who = draw(st.sampled_from(_ROLE_HOLDERS[version]))
    return Role(
        role=draw(_optional(coded_values(fields.code_list(Role, "role")))),
        role_to_patient=draw(_optional(_ROLES_TO_PATIENT)),
        professional=draw(health_professionals()) if who == "professional" else None,
        person=draw(persons()) if who == "person" else None,
    )


_ROLE_HOLDERS: Final[dict[DialogVersion, tuple[str, ...]]] = {
    "1.0": ("professional", "person"),
    "1.1": ("professional", "person", "neither"),
}
#: A role's relation to the patient: from its declared list (9034), or from 8422, another list it takes.
_ROLES_TO_PATIENT: Final = st.one_of(coded_values(fields.code_list(Role, "role_to_patient")), coded_values("8422"))


@functools.cache
def _roles(version: DialogVersion) -> st.SearchStrategy[Role]:
    return _role(version)


@functools.cache
def _role_tuples(version: DialogVersion) -> st.SearchStrategy[tuple[Role, ...]]:
    return st.lists(_roles(version), max_size=2).map(tuple)


def roles(version: DialogVersion = "1.1") -> st.SearchStrategy[Role]:
    """A :class:`Role` (``RollerRelatertNotat``): role (9057), role to the patient (9034 or 8422), and a
    professional or a person; in 1.1 sometimes neither."""
    return _roles(_check_version(version))
