"""Hypothesis strategies for dmtool's model: generated messages for property-based tests.

Needs Hypothesis, which is a test dependency: ``pip install dmtool[test]``.

Every strategy builds values of :mod:`dmtool.dialog.model` that :func:`dmtool.dialog.writer.to_xml` accepts, so a drawn
:class:`~dmtool.dialog.model.Message` builds in the version it declares::

    from hypothesis import given
    from dmtool import strategies as dms
    from dmtool.dialog.writer import to_xml

    @given(dms.messages())
    def test_builds(message):
        to_xml(message)

What the strategies respect:

* codes come from the real code lists (:mod:`dmtool.standards.codelists`): a :class:`~dmtool.dialog.model.CV`
  carries the list's OID as ``system`` and the code's display name, sometimes an ``original_text``;
* identifiers are well formed: fødselsnummer and D-nummer with correct mod-11 check digits, organisation numbers
  with their mod-11 check digit, HER-ids of 6 to 8 digits;
* fields only Dialogmelding 1.1 has (``Foresporsel.subject``, ``coded_info``, more than one ``journal_info``, a
  role without a professional or person, the kind ``DIALOG_HELSEFAGLIG``) appear only in 1.1 messages;
* every organisation level has a HER-id (service addressing), every professional in the envelope an identifier,
  and ``ids`` never repeat the identifiers that have their own field (``HER``/``ENH`` for organisations,
  ``HPR``/``HER`` for professionals);
* the hard guideline rules hold: a named patient with a fødselsnummer or D-nummer, ``Ack`` absent or ``J``, a svar
  quoting a forespørsel and an avvik with reason 1 or 2 (code list 8117), both with a ``ConversationRef``;
* GenDate is timezone-aware (Europe/Oslo, never in the spring gap, or a fixed whole-minute offset, years
  1950-2100);
* free text holds only characters XML can carry: Norwegian letters, tabs, newlines, carriage returns, leading and
  trailing spaces, markup characters (escaped when written), and sometimes nothing at all.

Values are kept small so that examples are fast.

Two kinds of strategy deliberately make what the guidelines refuse, for tests of the rules: :func:`h_nummer` and
:func:`fh_nummer` (hjelpenummer, which python-stdnum partly accepts as fødselsnummer), and :func:`breaking`, the XML
bytes of a schema-valid message that breaks exactly one hard rule of :data:`HARD_RULES`::

    @given(dms.breaking("NO-HJELPENUMMER"))
    def test_refused(xml):
        assert {issue.rule for issue in dmtool.validate(xml).errors} == {"NO-HJELPENUMMER"}
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import functools
import string
from collections.abc import Callable, Iterable, Sequence
from typing import Final, Literal, TypeVar

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from lxml import etree

from ..apprec import make as receipts
from ..apprec.model import AppRec
from ..dialog import compose, writer
from ..dialog.model import (
    CS,
    CV,
    DIALOG_VERSIONS,
    ConversationRef,
    DialogVersion,
    Foresporsel,
    HealthcareProfessional,
    Ident,
    Kind,
    Message,
    Notat,
    Organisation,
    Patient,
    Person,
    Role,
)
from ..rules import facts, plaintext
from ..standards import codelists, deadlines
from ..standards import namespaces as ns
from ..standards.clock import OSLO
from ..xml import tree

__all__ = [
    "FIXED_OFFSETS",
    "HARD_RULES",
    "KIND_TOPIC_LISTS",
    "OSLO",
    "THREAD_SHAPES",
    "Delivery",
    "ShapedThread",
    "Thread",
    "breaking",
    "coded_simple_values",
    "coded_values",
    "conversation_refs",
    "d_nummer",
    "fh_nummer",
    "fnr_check_digits",
    "fodselsnummer",
    "foresporsel_bodies",
    "gen_dates",
    "h_nummer",
    "health_professionals",
    "her_ids",
    "hpr_numbers",
    "kind_versions",
    "messages",
    "msg_ids",
    "notat_bodies",
    "organisation_number_check_digit",
    "organisation_numbers",
    "organisations",
    "patients",
    "persons",
    "roles",
    "shaped_threads",
    "threads",
    "xml_text",
]

_T = TypeVar("_T")

#: Fixed UTC offsets GenDate is drawn with besides Europe/Oslo (all whole minutes, within xs:dateTime's +-14:00).
FIXED_OFFSETS: Final[tuple[dt.timezone, ...]] = (
    dt.UTC,
    dt.timezone(dt.timedelta(hours=1)),
    dt.timezone(dt.timedelta(hours=2)),
    dt.timezone(dt.timedelta(hours=-3, minutes=-30)),
    dt.timezone(dt.timedelta(hours=5, minutes=45)),
    dt.timezone(dt.timedelta(hours=14)),
    dt.timezone(dt.timedelta(hours=-12)),
)
#: The code list of ``Notat.topic`` (``TemaKodet``) for each kind with a Notat body.
KIND_TOPIC_LISTS: Final[dict[Kind, str]] = {
    Kind.SVAR: "9069",
    Kind.AVVIK: "8117",
    Kind.NOTAT: "7321",
    Kind.HELSEFAGLIG: "7322",
}
#: The reasons an avvik may give (code list 8117): 1 Feil adressat, 2 Mangelfulle opplysninger; never 9 Annet.
_AVVIK_CODES: Final = ("1", "2")

_FNR_WEIGHTS_1: Final = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_FNR_WEIGHTS_2: Final = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_ORG_NUMBER_WEIGHTS: Final = (3, 2, 7, 6, 5, 4, 3, 2)

# Strategies are built once and cached: Hypothesis validates every new strategy object when it is first drawn from,
# which would dominate the cost of drawing a message if composites built their parts afresh for every example.

# -- text -------------------------------------------------------------------------------------------------------------

#: Characters XML 1.0 can carry, with tab, newline and carriage return (the only control characters it allows).
_XML_CHARACTERS: Final = st.characters(
    codec="utf-8", exclude_categories=["Cc", "Cs"], exclude_characters="\ufffe\uffff", include_characters="\t\n\r"
)
_NORWEGIAN: Final = string.ascii_letters + string.digits + "æøåÆØÅéü .,;:-?!()/%'\"&<>\t\n\r"
_FIXED_TEXTS: Final = (
    "",
    " ",
    "Hei! Pasienten ønsker time hos fastlege.",
    "ÆØÅ æøå",
    "Linje 1\nLinje 2\n",
    "Windows\r\nlinjeskift\r\n",
    "\tInnrykk med tabulator",
    "  mellomrom foran og bak  ",
    "1 < 2 > 0 & 'apostrof' \"sitat\" ]]>",
    "Blodtrykk 135/85 mmHg; SpO2 93 %",
)


@functools.cache
def _xml_text(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    fixed = [text for text in _FIXED_TEXTS if min_size <= len(text) <= max_size]
    norwegian = st.text(_NORWEGIAN, min_size=min_size, max_size=max_size)
    anything = st.text(_XML_CHARACTERS, min_size=min_size, max_size=max_size)
    half = max(max_size // 2, min_size)
    mixed = st.tuples(
        st.text(_NORWEGIAN, min_size=min_size, max_size=half), st.text(_XML_CHARACTERS, max_size=max_size - half)
    ).map("".join)
    texts = st.one_of(st.sampled_from(fixed), norwegian, anything, mixed) if fixed else st.one_of(norwegian, mixed)
    return texts.filter(_is_plain)


def _is_plain(text: str) -> bool:
    """True when the PLAIN-TEXT rule has nothing against ``text`` (e.g. ``<b>`` drawn by chance)."""
    return next(plaintext.text_problems(text), None) is None


def xml_text(*, min_size: int = 0, max_size: int = 30) -> st.SearchStrategy[str]:
    """Free text XML can carry: Norwegian letters, any character XML 1.0 allows, ``\\t``, ``\\n``, ``\\r``, leading
    and trailing spaces, characters that need escaping (``<&>"'``); sometimes empty when ``min_size`` is 0."""
    if not 0 <= min_size <= max_size:
        raise InvalidArgument(f"need 0 <= min_size <= max_size, got {min_size}, {max_size}")
    return _xml_text(min_size, max_size)


@functools.cache
def _optional(strategy: st.SearchStrategy[_T]) -> st.SearchStrategy[_T | None]:
    return st.none() | strategy


# fmt: off
_GIVEN_NAMES: Final = ("Kari", "Ola", "Åse", "Øystein", "Bjørn", "Pål", "Ingrid", "Sigrid", "Håkon", "Jørgen",
                       "Mari", "Kåre", "Line", "Rita", "Søren", "Nora")
_MIDDLE_NAMES: Final = ("Marie", "Andreas", "Sofie", "Østby", "Løkken")
_FAMILY_NAMES: Final = ("Nordmann", "Hansen", "Johansen", "Ødegård", "Løvås", "Bråten", "Sæther", "Æsøy",
                        "Sørensen", "Dæhlie", "Haugen", "Berg", "Lien", "Aasen")
# fmt: on


@functools.cache
def _name(pool: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Mostly a realistic name from ``pool``, sometimes arbitrary text."""
    realistic = st.sampled_from(pool)
    return st.one_of(realistic, realistic, xml_text(max_size=15))


# -- codes ------------------------------------------------------------------------------------------------------------


def _codes(code_list: str, codes: Iterable[str] | None) -> tuple[codelists.CodeList, tuple[str, ...]]:
    listed = codelists.get(code_list)
    chosen = tuple(listed.codes) if codes is None else tuple(codes)
    for code in chosen:
        listed.display_name(code)
    if not chosen:
        raise InvalidArgument(f"no codes to draw from code list {code_list}")
    return listed, chosen


@functools.cache
def _coded_values(code_list: str, codes: tuple[str, ...], original_text: bool) -> st.SearchStrategy[CV]:
    listed = codelists.get(code_list)
    texts: st.SearchStrategy[str | None] = _optional(xml_text(max_size=20)) if original_text else st.none()
    return st.builds(lambda code, text: CV(code, listed.oid, listed.codes[code], text), st.sampled_from(codes), texts)


def coded_values(
    code_list: str, codes: Iterable[str] | None = None, *, original_text: bool = True
) -> st.SearchStrategy[CV]:
    """A :class:`CV` from the code list ``code_list`` (number or OID): one of ``codes`` (default every code of the
    list), with the list's OID as ``system`` and the code's display name; with ``original_text`` sometimes an
    ``OT`` text too. Raises :class:`KeyError` for an unknown list or code."""
    listed, chosen = _codes(code_list, codes)
    return _coded_values(listed.number, chosen, original_text)


@functools.cache
def _coded_simple_values(code_list: str, codes: tuple[str, ...]) -> st.SearchStrategy[CS]:
    listed = codelists.get(code_list)
    return st.sampled_from(codes).map(lambda code: CS(code, listed.codes[code]))


def coded_simple_values(code_list: str, codes: Iterable[str] | None = None) -> st.SearchStrategy[CS]:
    """A :class:`CS` from the code list ``code_list``: one of ``codes`` (default all) with its display name."""
    listed, chosen = _codes(code_list, codes)
    return _coded_simple_values(listed.number, chosen)


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
_ORG_ID_TYPES: Final = tuple(sorted(set(codelists.get("9051").codes) - {"HER", "ENH"}))
#: Identifier types of ``HealthcareProfessional.ids``: 8116 without HPR and HER (``hpr`` and ``her_id``).
_PROFESSIONAL_ID_TYPES: Final = tuple(sorted(set(codelists.get("8116").codes) - {"HPR", "HER"}))
_PERSON_ID_TYPES: Final = tuple(sorted(codelists.get("8116").codes))

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
        category=draw(_optional(coded_simple_values("9060"))),
        role_to_patient=draw(_optional(coded_values("9034"))),
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
        sex=draw(_optional(coded_simple_values("3101"))),
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
        role=draw(_optional(coded_values("9057"))),
        role_to_patient=draw(_optional(_ROLES_TO_PATIENT)),
        professional=draw(health_professionals()) if who == "professional" else None,
        person=draw(persons()) if who == "person" else None,
    )


_ROLE_HOLDERS: Final[dict[DialogVersion, tuple[str, ...]]] = {
    "1.0": ("professional", "person"),
    "1.1": ("professional", "person", "neither"),
}
_ROLES_TO_PATIENT: Final = st.one_of(coded_values("9034"), coded_values("8422"))


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


# -- bodies -----------------------------------------------------------------------------------------------------------

_BODY_DATES: Final = st.dates(dt.date(1950, 1, 1), dt.date(2100, 12, 31))
_DOC_IDS: Final = _optional(st.uuids().map(str))


@st.composite
def _foresporsel(draw: st.DrawFn, version: DialogVersion) -> Foresporsel:
    v11 = version == "1.1"
    period = draw(st.sampled_from(["none", "from", "to", "both"]))
    first, second = sorted([draw(_BODY_DATES), draw(_BODY_DATES)]) if period != "none" else (None, None)
    return Foresporsel(
        type=draw(_FORESPORSEL_TYPES),
        question=draw(_optional(xml_text(max_size=60))),
        subject=draw(_optional(xml_text())) if v11 else None,
        purpose=draw(_optional(coded_values("9068"))),
        reason=draw(_optional(xml_text())),
        urgency=draw(_optional(coded_simple_values("9067"))),
        from_date=first if period in ("from", "both") else None,
        to_date=second if period in ("to", "both") else None,
        journal_info=tuple(draw(_JOURNAL_INFO[version])),
        coded_info=draw(_optional(coded_values("8324"))) if v11 else None,
        doc_id=draw(_DOC_IDS),
        roles=draw(_role_tuples(version)),
    )


_FORESPORSEL_TYPES: Final = st.one_of(coded_values("9152"), coded_values("9065"))
_JOURNAL_INFO: Final[dict[DialogVersion, st.SearchStrategy[list[CV]]]] = {
    "1.0": st.lists(coded_values("9066"), max_size=1),
    "1.1": st.lists(coded_values("9066"), max_size=3),
}


@functools.cache
def _foresporsel_bodies(version: DialogVersion) -> st.SearchStrategy[Foresporsel]:
    return _foresporsel(version)


def foresporsel_bodies(version: DialogVersion = "1.1") -> st.SearchStrategy[Foresporsel]:
    """A :class:`Foresporsel` for Dialogmelding ``version``: type (9152 or 9065), question, purpose (9068), reason,
    urgency (9067), period, journal categories (9066), document id and roles; in 1.1 also a subject, coded
    information (8324) and more than one journal category."""
    return _foresporsel_bodies(_check_version(version))


@st.composite
def _notat(
    draw: st.DrawFn,
    version: DialogVersion,
    topics: st.SearchStrategy[CV],
    quoted: st.SearchStrategy[Foresporsel | None],
) -> Notat:
    return Notat(
        topic=draw(topics),
        title=draw(_optional(xml_text())),
        text=draw(_optional(xml_text(max_size=80))),
        remark=draw(_optional(xml_text())),
        doc_id=draw(_DOC_IDS),
        date=draw(_optional(_BODY_DATES)),
        quoted=draw(quoted),
        roles=draw(_role_tuples(version)),
    )


@functools.cache
def _notat_bodies(
    version: DialogVersion, topics: st.SearchStrategy[CV], quoted: st.SearchStrategy[Foresporsel | None]
) -> st.SearchStrategy[Notat]:
    return _notat(version, topics, quoted)


def notat_bodies(
    version: DialogVersion = "1.1",
    *,
    topics: st.SearchStrategy[CV] | None = None,
    quoted: st.SearchStrategy[Foresporsel | None] | None = None,
) -> st.SearchStrategy[Notat]:
    """A :class:`Notat` for Dialogmelding ``version``: topic from ``topics`` (default code list 7321), title, text,
    remark, document id, date and roles, each sometimes absent; ``quoted`` draws the quoted request (default none)."""
    return _notat_bodies(
        _check_version(version),
        coded_values("7321") if topics is None else topics,
        st.none() if quoted is None else quoted,
    )


# -- envelope ---------------------------------------------------------------------------------------------------------


@st.composite
def _gen_date(draw: st.DrawFn) -> dt.datetime:
    value = draw(_DATETIMES)
    return value if draw(st.booleans()) else value.replace(microsecond=0)


_DATETIMES: Final = st.datetimes(
    min_value=dt.datetime(1950, 1, 1),
    max_value=dt.datetime(2100, 12, 31, 23, 59, 59),
    timezones=st.sampled_from([OSLO, *FIXED_OFFSETS]),
    allow_imaginary=False,
)
_GEN_DATES: Final = _gen_date()


def gen_dates() -> st.SearchStrategy[dt.datetime]:
    """A timezone-aware GenDate in 1950-2100: Europe/Oslo time (never in the spring gap) or one
    of :data:`FIXED_OFFSETS`; sometimes with microseconds."""
    return _GEN_DATES


_MSG_IDS: Final = st.uuids().map(str)


def msg_ids() -> st.SearchStrategy[str]:
    """A MsgId: a UUID string."""
    return _MSG_IDS


@st.composite
def _conversation_ref(draw: st.DrawFn) -> ConversationRef:
    parent = draw(msg_ids())
    return ConversationRef(parent, parent if draw(st.booleans()) else draw(msg_ids()))


_CONVERSATION_REFS: Final = _conversation_ref()


def conversation_refs() -> st.SearchStrategy[ConversationRef]:
    """A :class:`ConversationRef`: the parent message and the thread (sometimes the parent itself)."""
    return _CONVERSATION_REFS


def kind_versions(kind: Kind | str) -> tuple[DialogVersion, ...]:
    """The Dialogmelding versions a message of ``kind`` exists in: DIALOG_HELSEFAGLIG only in 1.1."""
    return ("1.1",) if Kind(kind) == Kind.HELSEFAGLIG else DIALOG_VERSIONS


@functools.cache
def _bodies(kind: Kind, version: DialogVersion) -> st.SearchStrategy[Foresporsel | Notat]:
    """The body of a message of ``kind``; the avvik's text is never empty (it says what is wrong)."""
    if kind == Kind.FORESPORSEL:
        return foresporsel_bodies(version)
    if kind == Kind.SVAR:
        return notat_bodies(version, topics=coded_values("9069"), quoted=foresporsel_bodies(version))
    if kind == Kind.AVVIK:
        avvik = notat_bodies(version, topics=coded_values("8117", _AVVIK_CODES))
        texts = xml_text(min_size=1, max_size=60).filter(str.strip)
        return st.tuples(avvik, texts).map(
            lambda pair: pair[0] if (pair[0].text or "").strip() else dataclasses.replace(pair[0], text=pair[1])
        )
    return notat_bodies(version, topics=coded_values(KIND_TOPIC_LISTS[kind]))


@st.composite
def _message(draw: st.DrawFn, kind: Kind | None, version: DialogVersion | None) -> Message:
    chosen = kind if kind is not None else draw(st.sampled_from(_KINDS[version]))
    v = version if version is not None else draw(st.sampled_from(kind_versions(chosen)))
    replying = chosen in (Kind.SVAR, Kind.AVVIK)
    return Message(
        kind=chosen,
        version=v,
        msg_id=draw(msg_ids()),
        gen_date=draw(gen_dates()),
        sender=draw(organisations()),
        receiver=draw(organisations()),
        body=draw(_bodies(chosen, v)),
        patient=draw(patients()),
        ack=draw(st.sampled_from([None, "J"])),
        conversation=draw(conversation_refs() if replying else _optional(conversation_refs())),
    )


_KINDS: Final[dict[DialogVersion | None, list[Kind]]] = {
    None: list(Kind),
    "1.0": [kind for kind in Kind if "1.0" in kind_versions(kind)],
    "1.1": list(Kind),
}


@functools.cache
def _messages(kind: Kind | None, version: DialogVersion | None) -> st.SearchStrategy[Message]:
    return _message(kind, version)


def messages(kind: Kind | str | None = None, version: DialogVersion | None = None) -> st.SearchStrategy[Message]:
    """A :class:`Message` of ``kind`` (default any :class:`~dmtool.dialog.model.Kind`) in Dialogmelding ``version``
    (default any the kind exists in) that :func:`dmtool.dialog.writer.to_xml` builds:

    * DIALOG_FORESPORSEL: a :class:`Foresporsel` body, sometimes in a thread (``ConversationRef``);
    * DIALOG_SVAR: a :class:`Notat` with a 9069 topic quoting a :class:`Foresporsel`, with a ``ConversationRef``;
    * DIALOG_AVVIK: a :class:`Notat` with 8117 topic 1 or 2 and a text, with a ``ConversationRef``;
    * DIALOG_NOTAT: a :class:`Notat` with a 7321 topic; DIALOG_HELSEFAGLIG (1.1 only): a 7322 topic; either
      sometimes in a thread.

    Raises :class:`~hypothesis.errors.InvalidArgument` for DIALOG_HELSEFAGLIG with version ``"1.0"``.
    """
    checked_kind = None if kind is None else Kind(kind)
    checked_version = None if version is None else _check_version(version)
    if checked_kind is not None and checked_version is not None and checked_version not in kind_versions(checked_kind):
        raise InvalidArgument(f"{checked_kind} does not exist in Dialogmelding {checked_version}")
    return _messages(checked_kind, checked_version)


# -- rule-breaking messages -------------------------------------------------------------------------------------------

#: The hard guideline rules :func:`breaking` can break, in the order of :mod:`dmtool.rules`. The other hard rules are
#: decided before the guideline checks run (``NOT-XML``, ``UNSUPPORTED-MESSAGE``, ``XSD``) or concern receipts
#: (``APPREC-CONSISTENT``).
HARD_RULES: Final[tuple[str, ...]] = (
    "NO-ATTACHMENTS",
    "PLAIN-TEXT",
    "NO-HJELPENUMMER",
    "PATIENT-REQUIRED",
    "ONE-RECIPIENT",
    "SERVICE-ADDRESSING",
    "TYPE-MATCHES-BODY",
    "SVAR-REFERENCES-FORESPORSEL",
    "AVVIK-REFERENCES-MESSAGE",
    "ACK-REQUESTED",
    "CODE-VALUE",
)
#: The kinds a rule applies to (default: every kind).
_RULE_KINDS: Final[dict[str, tuple[Kind, ...]]] = {
    "SVAR-REFERENCES-FORESPORSEL": (Kind.SVAR,),
    "AVVIK-REFERENCES-MESSAGE": (Kind.AVVIK,),
}
_XHTML: Final = "http://www.w3.org/1999/xhtml"
#: "%PDF-1.4 ..." in base64: the start of a PDF file, as a Base64Container would carry it.
_PDF_BASE64: Final = "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2cvUGFnZXMgMiAwIFI+PgplbmRvYmoK"
_PNG_DATA_URI: Final = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
_Mutation = Callable[[st.DrawFn, etree._Element, Message], None]


def _mh(local: str) -> str:
    return f"{{{ns.MSGHEAD}}}{local}"


def _insert_after(parent: etree._Element, element: etree._Element, after: tuple[str, ...]) -> etree._Element:
    """Insert ``element`` into ``parent`` after its last child named in ``after`` (or first): the schema's order."""
    index = 0
    for position, item in enumerate(parent):
        if isinstance(item.tag, str) and tree.name(item) in after:
            index = position + 1
    parent.insert(index, element)
    return element


def _ensure(parent: etree._Element, local: str, after: tuple[str, ...]) -> etree._Element:
    """The child ``local`` of ``parent`` (in ``parent``'s namespace), inserted in schema order when missing."""
    found = tree.child(parent, local)
    if found is not None:
        return found
    namespace = etree.QName(parent).namespace
    return _insert_after(parent, etree.Element(f"{{{namespace}}}{local}"), after)


def _set_code(element: etree._Element, code_list: str, code: str) -> None:
    """Set ``V`` and ``DN`` (and ``S`` when ``element`` has one) of a coded element to ``code`` of ``code_list``."""
    listed = codelists.get(code_list)
    element.set("V", code)
    element.set("DN", listed.codes[code])
    if element.get("S") is not None:
        element.set("S", listed.oid)


def _info(root: etree._Element) -> etree._Element:
    info = tree.child(root, "MsgInfo")
    assert info is not None
    return info


def _dialog(root: etree._Element) -> etree._Element:
    content = tree.path(root, "Document", "RefDoc", "Content")
    assert content is not None
    return content[0]


def _body(root: etree._Element) -> etree._Element:
    return _dialog(root)[0]


def _main_text(body: etree._Element) -> etree._Element:
    """The element holding the sender's text: ``Sporsmal`` of a Foresporsel, ``TekstNotatInnhold`` of a Notat."""
    if tree.name(body) == "Foresporsel":
        return _ensure(body, "Sporsmal", ("TypeForesp", "EmneSporsmal"))
    return _ensure(body, "TekstNotatInnhold", ("TemaKodet", "Tema"))


def _break_no_attachments(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    variant = draw(st.sampled_from(["base64", "file-reference", "second-xml", "mime-type", "msg-type"]))
    first = tree.child(root, "Document")
    assert first is not None
    ref_doc = tree.child(first, "RefDoc")
    assert ref_doc is not None
    if variant == "second-xml":
        root.append(copy.deepcopy(first))
    elif variant in ("base64", "file-reference"):
        ref = etree.SubElement(etree.SubElement(root, _mh("Document")), _mh("RefDoc"))
        etree.SubElement(ref, _mh("MsgType"), V="A", DN="Vedlegg")
        mime = draw(st.sampled_from([None, "application/pdf", "image/png"]))
        if mime is not None:
            etree.SubElement(ref, _mh("MimeType")).text = mime
        if variant == "base64":
            container = etree.SubElement(etree.SubElement(ref, _mh("Content")), f"{{{ns.BASE64}}}Base64Container")
            container.text = _PDF_BASE64
        else:
            reference = draw(st.sampled_from(["file:///C:/Dokumenter/epikrise.pdf", "https://example.org/v/1.pdf"]))
            etree.SubElement(ref, _mh("FileReference")).text = reference
    elif variant == "mime-type":
        mime_type = etree.Element(_mh("MimeType"))
        mime_type.text = draw(st.sampled_from(["application/pdf", "text/html", "image/jpeg", "text/plain"]))
        _insert_after(ref_doc, mime_type, ("IssueDate", "MsgType", "Id"))
    else:
        msg_type = tree.child(ref_doc, "MsgType")
        assert msg_type is not None
        _set_code(msg_type, "8114", draw(st.sampled_from(["A", "REF"])))


def _xhtml(draw: st.DrawFn, parent: etree._Element) -> None:
    """Append formatted text (an xhtml element) to ``parent``."""
    shape = draw(st.sampled_from(["p", "b", "img"]))
    if shape == "img":
        etree.SubElement(parent, f"{{{_XHTML}}}img", src="data:image/png;base64,iVBORw0KGgo=", alt="bilde")
        return
    paragraph = etree.SubElement(parent, f"{{{_XHTML}}}p")
    paragraph.text = "Pasienten "
    if shape == "b":
        bold = etree.SubElement(paragraph, f"{{{_XHTML}}}b")
        bold.text = "må"
        bold.tail = " ringes."


def _break_plain_text(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    body = _body(root)
    variants = ["data-uri", "html-as-text", "base64-run"]
    requests = [body] if tree.name(body) == "Foresporsel" else list(tree.children(body, "Foresporsel"))
    if message.version == "1.1" and requests:
        variants.append("xhtml-sporsmal")
    if tree.name(body) == "Notat":
        variants.append("xhtml-notat")
    variant = draw(st.sampled_from(variants))
    if variant == "xhtml-sporsmal":
        _xhtml(draw, _main_text(draw(st.sampled_from(requests))))
        return
    if variant == "xhtml-notat":
        _xhtml(draw, _main_text(body))
        return
    if tree.name(body) == "Foresporsel":
        targets = [_main_text(body), _ensure(body, "Begrunnelse", ("TypeForesp", "EmneSporsmal", "Sporsmal", "Formål"))]
    else:
        targets = [_main_text(body), _ensure(body, "Merknad", ("TemaKodet", "Tema", "TekstNotatInnhold"))]
    target = draw(st.sampled_from(targets))
    addition = {
        "data-uri": f" Se bildet: {_PNG_DATA_URI}",
        "html-as-text": draw(st.sampled_from([" <b>Viktig</b>", "<p>Hei</p>", " <br/>", '<img src="x.png">'])),
        "base64-run": " " + _PDF_BASE64 * 6,
    }[variant]
    target.text = (target.text or "") + addition


def _set_ident(ident: etree._Element, number: str | None = None, type_code: str | None = None) -> None:
    if number is not None:
        id_element = tree.child(ident, "Id")
        assert id_element is not None
        id_element.text = number
    if type_code is not None:
        type_id = tree.child(ident, "TypeId")
        assert type_id is not None
        _set_code(type_id, "8116", type_code)


def _patient_ident(root: etree._Element) -> tuple[etree._Element, str, str]:
    patient = tree.child(_info(root), "Patient")
    assert patient is not None
    ident = tree.child(patient, "Ident")
    assert ident is not None
    type_id = tree.child(ident, "TypeId")
    return ident, tree.text(tree.child(ident, "Id")) or "", "" if type_id is None else type_id.get("V", "")


def _break_no_hjelpenummer(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    ident, number, type_code = _patient_ident(root)
    variant = draw(
        st.sampled_from(
            ["h-nummer", "fh-nummer", "type-hnr", "type-fhn", "check-digits", "type-disagrees", "no-birth-date", "form"]
        )
    )
    if variant == "h-nummer":
        _set_ident(ident, draw(h_nummer(_PATIENT_BIRTH_DATES)), draw(st.sampled_from(["HNR", "FNR", "DNR"])))
    elif variant == "fh-nummer":
        _set_ident(ident, draw(fh_nummer()), draw(st.sampled_from(["FHN", "FNR", "DNR"])))
    elif variant == "type-hnr":
        _set_ident(ident, type_code="HNR")
    elif variant == "type-fhn":
        _set_ident(ident, type_code="FHN")
    elif variant == "check-digits":
        # one digit of the individual number or of the check digits changed: mod 11 finds every single-digit change
        position = draw(st.integers(6, 10))
        digit = str((int(number[position]) + draw(st.integers(1, 9))) % 10)
        _set_ident(ident, number[:position] + digit + number[position + 1 :])
    elif variant == "type-disagrees":
        _set_ident(ident, type_code="DNR" if type_code == "FNR" else "FNR")
    elif variant == "no-birth-date":
        # day 32-39 of the month: structurally a fødselsnummer, with right check digits, but no date
        start = draw(st.integers(0, 9_999_999))
        for step in range(1000):
            first_nine = f"3{2 + (start + step) % 8}{(start + step) // 8 % 10_000_000:07d}"
            check = fnr_check_digits(first_nine)
            if check is not None:
                _set_ident(ident, first_nine + check, "FNR")
                break
    else:
        _set_ident(ident, draw(st.sampled_from([number[:-1], number + "0", number[:4] + "X" + number[5:], "ukjent"])))


def _break_patient_required(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    info = _info(root)
    patient = tree.child(info, "Patient")
    assert patient is not None
    variant = draw(st.sampled_from(["no-patient", "no-family-name", "no-given-name", "blank-name", "no-ident"]))
    if variant == "no-patient":
        info.remove(patient)
    elif variant == "blank-name":
        name = tree.child(patient, draw(st.sampled_from(["FamilyName", "GivenName"])))
        assert name is not None
        name.text = draw(st.sampled_from(["", " ", "\n\t"]))
    else:
        local = {"no-family-name": "FamilyName", "no-given-name": "GivenName", "no-ident": "Ident"}[variant]
        for item in tree.children(patient, local):
            patient.remove(item)


def _break_one_recipient(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    info = _info(root)
    for _ in range(draw(st.integers(1, 2))):
        other = etree.Element(_mh("OtherReceiver"))
        role = etree.SubElement(other, _mh("RoleReceiver"))
        _set_code(role, "8112", draw(st.sampled_from(["COP", "PRIM", "OR"])))
        party = draw(st.sampled_from(["Sender", "Receiver", "professional"]))
        if party == "professional":
            person = etree.SubElement(other, _mh("HealthcareProfessional"))
            etree.SubElement(person, _mh("FamilyName")).text = draw(st.sampled_from(_FAMILY_NAMES))
            etree.SubElement(person, _mh("GivenName")).text = draw(st.sampled_from(_GIVEN_NAMES))
            ident = etree.SubElement(person, _mh("Ident"))
            etree.SubElement(ident, _mh("Id")).text = draw(hpr_numbers())
            etree.SubElement(ident, _mh("TypeId"), S=codelists.get("8116").oid, V="HPR", DN="HPR-nummer")
        else:
            organisation = tree.path(info, party, "Organisation")
            assert organisation is not None
            other.append(copy.deepcopy(organisation))
        _insert_after(info, other, ("Receiver", "OtherReceiver"))


def _break_service_addressing(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    level = tree.path(_info(root), draw(st.sampled_from(["Sender", "Receiver"])), "Organisation")
    while level is not None and tree.child(level, "Organisation") is not None:
        level = tree.child(level, "Organisation")
    assert level is not None
    her = next(ident for ident, _, code in facts.iter_idents(level) if code == "HER")
    type_id, id_element = tree.child(her, "TypeId"), tree.child(her, "Id")
    assert type_id is not None and id_element is not None
    variant = draw(st.sampled_from(["org-number", "other-type", "not-a-her-id"]))
    person = tree.child(level, "HealthcareProfessional")
    if variant != "not-a-her-id" and person is not None:
        level.remove(person)  # a fastlege's personal HER-id would address the level (SERVICE-ADDRESSING)
    if variant == "org-number":
        _set_code(type_id, "9051", "ENH")
        id_element.text = draw(organisation_numbers())
    elif variant == "other-type":
        _set_code(type_id, "9051", draw(st.sampled_from(_ORG_ID_TYPES)))
    else:
        her_id = id_element.text or ""
        id_element.text = draw(
            st.sampled_from(
                ["", "HER" + her_id, "0" + her_id, her_id + "00000", her_id[:3] + " " + her_id[3:], "ukjent"]
            )
        )


def _break_type_matches_body(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    dialog, body = _dialog(root), _body(root)
    variants = ["second-body", "no-body", "wrong-type"]
    if message.version == "1.0" and tree.name(body) == "Notat":
        variants.append("helsefaglig-in-1.0")
    variant = draw(st.sampled_from(variants))
    type_element = tree.child(_info(root), "Type")
    assert type_element is not None
    if variant == "second-body":
        body.addnext(copy.deepcopy(body))
    elif variant == "no-body":
        for item in list(dialog):
            dialog.remove(item)
    elif variant == "wrong-type":
        if tree.name(body) == "Foresporsel":
            _set_code(type_element, "8279", draw(st.sampled_from([Kind.NOTAT, Kind.HELSEFAGLIG])))
        else:
            _set_code(type_element, "8279", Kind.FORESPORSEL)
    else:
        _set_code(type_element, "8279", Kind.HELSEFAGLIG)


def _break_references(draw: st.DrawFn, root: etree._Element, variant: str) -> None:
    info = _info(root)
    ref = tree.child(info, "ConversationRef")
    assert ref is not None
    if variant == "no-ref":
        info.remove(ref)
    else:
        part = tree.child(ref, "RefToParent" if variant == "empty-parent" else "RefToConversation")
        assert part is not None
        part.text = draw(st.sampled_from(["", " "]))


def _break_svar_references(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    _break_references(draw, root, draw(st.sampled_from(["no-ref", "empty-parent", "empty-conversation"])))


def _break_avvik_references(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    variant = draw(
        st.sampled_from(
            ["no-ref", "empty-parent", "empty-conversation", "annet", "no-system", "technical-no-text"]
        )
    )
    body = _body(root)
    topic = tree.child(body, "TemaKodet")
    assert topic is not None
    if variant in ("no-ref", "empty-parent", "empty-conversation"):
        _break_references(draw, root, variant)
    elif variant == "annet":
        _set_code(topic, "8117", "9")
    elif variant == "no-system":
        del topic.attrib["S"]
    else:
        _set_code(topic, "8117", "2")
        text = tree.child(body, "TekstNotatInnhold")
        if text is not None:
            body.remove(text)


def _break_ack_requested(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    ack = _ensure(
        _info(root), "Ack", ("Type", "MIGversion", "GenDate", "MsgId", "ProcessingStatus", "RequestedPriority")
    )
    _set_code(ack, "7304", draw(st.sampled_from(["N", "F"])))


def _break_code_value(draw: st.DrawFn, root: etree._Element, message: Message) -> None:
    """The body's topic (``TypeForesp`` or ``TemaKodet``) gets a made-up code, a list it does not take, an OID that
    names no list, or a bare list number for its ``S``."""
    body = _body(root)
    topic = tree.child(body, "TypeForesp" if tree.name(body) == "Foresporsel" else "TemaKodet")
    assert topic is not None
    variant = draw(st.sampled_from(["made-up code", "other list", "unknown list", "bare number"]))
    if variant == "made-up code":
        topic.set("V", draw(st.sampled_from(["ZZZ", "0", "99999", "x"])))
    elif variant == "other list":
        _set_code(topic, "8116", "FNR")
        topic.set("S", codelists.get("8116").oid)
    else:
        topic.set("S", "2.16.578.1.12.4.1.1.9999" if variant == "unknown list" else "8324")


_MUTATIONS: Final[dict[str, _Mutation]] = {
    "NO-ATTACHMENTS": _break_no_attachments,
    "PLAIN-TEXT": _break_plain_text,
    "NO-HJELPENUMMER": _break_no_hjelpenummer,
    "PATIENT-REQUIRED": _break_patient_required,
    "ONE-RECIPIENT": _break_one_recipient,
    "SERVICE-ADDRESSING": _break_service_addressing,
    "TYPE-MATCHES-BODY": _break_type_matches_body,
    "SVAR-REFERENCES-FORESPORSEL": _break_svar_references,
    "AVVIK-REFERENCES-MESSAGE": _break_avvik_references,
    "ACK-REQUESTED": _break_ack_requested,
    "CODE-VALUE": _break_code_value,
}


@st.composite
def _broken(draw: st.DrawFn, rule_id: str, base: st.SearchStrategy[Message]) -> bytes:
    message = draw(base)
    root = writer.to_element(message, strict=False)
    _MUTATIONS[rule_id](draw, root, message)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@dataclasses.dataclass(frozen=True)
class Thread:
    """A whole exchange: the ``first`` message (a forespørsel, or a notat), its receipt, the ``reply`` (the svar, or
    an avvik about the notat) and its receipt. Receipts answer their message: parties swapped, OriginalMsgId right."""

    first: Message
    first_receipt: AppRec
    reply: Message
    reply_receipt: AppRec


@st.composite
def _thread(draw: st.DrawFn, version: DialogVersion | None, avvik: bool | None) -> Thread:
    chosen_version = version if version is not None else draw(st.sampled_from(DIALOG_VERSIONS))
    about_notat = draw(st.booleans()) if avvik is None else avvik
    first = dataclasses.replace(
        draw(messages(Kind.NOTAT if about_notat else Kind.FORESPORSEL, chosen_version)), conversation=None
    )
    text = draw(xml_text(min_size=1, max_size=60).filter(str.strip))
    later = first.gen_date + dt.timedelta(minutes=draw(st.integers(60, 72 * 60)))
    reply_id = draw(msg_ids())
    if about_notat:
        reply = compose.avvik(first, draw(st.sampled_from(["feil-adressat", "teknisk-feil"])), text,
                              msg_id=reply_id, gen_date=later)  # fmt: skip
    else:
        reply = compose.svar(first, text, msg_id=reply_id, gen_date=later)
    receipt_version: Literal["1.0", "1.1"] = "1.1" if chosen_version == "1.1" else "1.0"

    def receipt(message: Message) -> AppRec:
        return receipts.apprec_for(
            writer.to_xml(message),
            version=receipt_version,
            gen_date=message.gen_date + dt.timedelta(minutes=draw(st.integers(1, 30))),
            apprec_id=draw(msg_ids()),
        )

    return Thread(first, receipt(first), reply, receipt(reply))


@functools.cache
def _threads(version: DialogVersion | None, avvik: bool | None) -> st.SearchStrategy[Thread]:
    return _thread(version, avvik)


def threads(version: DialogVersion | None = None, *, avvik: bool | None = None) -> st.SearchStrategy[Thread]:
    """A :class:`Thread` in Dialogmelding ``version`` (default either): forespørsel → AppRec → svar → AppRec, or with
    ``avvik`` notat → AppRec → avvik about it (feil adressat or teknisk feil) → AppRec (default either). Receipts are
    AppRec 1.1 for Dialogmelding 1.1, else 1.0."""
    return _threads(None if version is None else _check_version(version), avvik)


@functools.cache
def _breaking(rule_id: str, kind: Kind | None, version: DialogVersion | None) -> st.SearchStrategy[bytes]:
    kinds = (kind,) if kind is not None else _RULE_KINDS.get(rule_id, tuple(Kind))
    bases = [messages(k, version) for k in kinds if version is None or version in kind_versions(k)]
    return _broken(rule_id, st.one_of(*bases))


def breaking(
    rule_id: str, kind: Kind | str | None = None, version: DialogVersion | None = None
) -> st.SearchStrategy[bytes]:
    """The XML bytes of a message that breaks the hard rule ``rule_id`` (one of :data:`HARD_RULES`) and no other
    rule, and is still valid against the schemas.

    A message of ``kind`` (default: any kind the rule applies to; ``SVAR-REFERENCES-FORESPORSEL`` only to
    DIALOG_SVAR, ``AVVIK-REFERENCES-MESSAGE`` only to DIALOG_AVVIK) in Dialogmelding ``version`` (default any) is
    drawn from :func:`messages`, written without the rule checks, and changed in one of the ways the rule forbids:

    * ``NO-ATTACHMENTS``: a further Document with a base64 container (``Base64Container`` of
      ``http://www.kith.no/xmlstds/base64container``) or a ``FileReference``, a copy of the Document, a MIME type
      other than XML, or a ``RefDoc/MsgType`` other than ``XML``;
    * ``PLAIN-TEXT``: xhtml in a 1.1 ``Sporsmal`` or in ``TekstNotatInnhold``, HTML tags written as text, a data
      URI, or a long base64 run in a free-text field;
    * ``NO-HJELPENUMMER``: an H-nummer or FH-nummer (typed as such or as FNR/DNR), TypeId HNR or FHN on the
      patient's number, wrong check digits, a TypeId that disagrees with the number, a number without a birth date,
      or one that is not 11 digits;
    * ``PATIENT-REQUIRED``: no Patient, no or a blank family or given name, or no identifier;
    * ``ONE-RECIPIENT``: one or two ``OtherReceiver`` (copy recipients);
    * ``SERVICE-ADDRESSING``: the innermost level of Sender or Receiver identified by organisation number or
      another 9051 type instead of its HER-id, or a HER-id that is not a number of 1 to 9 digits;
    * ``TYPE-MATCHES-BODY``: a second body, no body, a Type that disagrees with the body, a svar that does not quote
      the request, or DIALOG_HELSEFAGLIG on a 1.0 body;
    * ``SVAR-REFERENCES-FORESPORSEL``: no ``ConversationRef``, or an empty ``RefToParent`` or ``RefToConversation``;
    * ``AVVIK-REFERENCES-MESSAGE``: as for a svar, or the reason 8117 code 9 (Annet), a TemaKodet without its code
      list, or code 2 (technical error) without a text saying what is missing (a TemaKodet from another list is
      ``CODE-VALUE``'s);
    * ``ACK-REQUESTED``: ``Ack`` N or F;
    * ``CODE-VALUE``: the body's topic (``TypeForesp`` or ``TemaKodet``) with a made-up code, a list it does not
      take, an OID that names no list, or a bare list number for its ``S``.

    Validating the bytes reports errors of ``rule_id`` only (national profile, no original). Raises
    :class:`~hypothesis.errors.InvalidArgument` for another rule, a kind the rule does not apply to, or a kind that
    does not exist in ``version``.
    """
    if rule_id not in HARD_RULES:
        raise InvalidArgument(f"rule_id must be one of {', '.join(HARD_RULES)}; got {rule_id!r}")
    checked_kind = None if kind is None else Kind(kind)
    checked_version = None if version is None else _check_version(version)
    allowed = _RULE_KINDS.get(rule_id, tuple(Kind))
    if checked_kind is not None and checked_kind not in allowed:
        raise InvalidArgument(f"{rule_id} applies to {', '.join(allowed)}, not to {checked_kind}")
    if checked_kind is not None and checked_version is not None and checked_version not in kind_versions(checked_kind):
        raise InvalidArgument(f"{checked_kind} does not exist in Dialogmelding {checked_version}")
    return _breaking(rule_id, checked_kind, checked_version)


#: The shapes a thread takes for following messages up (:mod:`dmtool.ledger`), beside the plain exchange: a svar after
#: the reply date, a receipt that never came, a receipt that rejects (status 2) or partly rejects (3) the first
#: message, and a file delivered twice.
THREAD_SHAPES: Final = ("late-reply", "missing-receipt", "rejection", "duplicate")
#: The AppRec errors (8221) a rejection draws from: reasons a receiver has beyond the rules dmtool checks.
_REJECTION_CODES: Final = ("E20", "E21", "E35", "E40", "E54", "X99")


@dataclasses.dataclass(frozen=True)
class Delivery:
    """One message or receipt of a thread as it was delivered: ``direction`` as the party that starts the thread sees
    it (its first message and the reply's receipt ``sent``, the others ``received``); ``again`` when it is a second
    delivery of the same file."""

    item: Message | AppRec
    direction: Literal["sent", "received"]
    again: bool = False


@dataclasses.dataclass(frozen=True)
class ShapedThread:
    """A :class:`Thread` in one of :data:`THREAD_SHAPES` (``shape`` ``None``: the plain exchange): the ``deliveries``
    in the order they happened, and what a ledger of the party that started it must answer once every deadline has
    passed, as (overdue kind, MsgId): ``("late-reply", forespørsel)``, ``("missing-receipt", first message)``,
    ``("rejection", first message)``; none for a plain thread or a duplicate."""

    shape: str | None
    deliveries: tuple[Delivery, ...]
    expected: frozenset[tuple[str, str]]


@st.composite
def _shaped_thread(
    draw: st.DrawFn, shape: str | None, version: DialogVersion | None, avvik: bool | None
) -> ShapedThread:
    base = draw(threads(version, avvik=False if shape == "late-reply" else avvik))
    first_receipt: AppRec | None = base.first_receipt
    reply: Message | None = base.reply
    reply_receipt: AppRec | None = base.reply_receipt
    expected: set[tuple[str, str]] = set()
    if shape == "late-reply":
        due = deadlines.reply_deadline(base.first)
        late = dt.datetime.combine(due + dt.timedelta(days=draw(st.integers(1, 20))), dt.time(10), OSLO)
        reply = dataclasses.replace(base.reply, gen_date=late)
        reply_receipt = dataclasses.replace(
            base.reply_receipt, gen_date=late + dt.timedelta(minutes=draw(st.integers(1, 30))), original_date=late
        )
        expected.add(("late-reply", base.first.msg_id))
    elif shape == "missing-receipt":
        first_receipt = None
        expected.add(("missing-receipt", base.first.msg_id))
    elif shape == "rejection":
        status = draw(st.sampled_from(["2", "3"]))
        reason = draw(xml_text(min_size=1, max_size=40).filter(str.strip))
        error = dataclasses.replace(CV.of("8221", draw(st.sampled_from(_REJECTION_CODES))), original_text=reason)
        first_receipt = dataclasses.replace(base.first_receipt, status=status, errors=(error,))
        if status == "2":  # not taken in: no reply comes
            reply = reply_receipt = None
        expected.add(("rejection", base.first.msg_id))
    steps: list[tuple[Message | AppRec | None, Literal["sent", "received"]]] = [
        (base.first, "sent"), (first_receipt, "received"), (reply, "received"), (reply_receipt, "sent")
    ]  # fmt: skip
    deliveries = [Delivery(item, direction) for item, direction in steps if item is not None]
    if shape == "duplicate":
        again = draw(st.sampled_from(deliveries))
        deliveries.insert(draw(st.integers(deliveries.index(again) + 1, len(deliveries))),
                          dataclasses.replace(again, again=True))  # fmt: skip
    return ShapedThread(shape, tuple(deliveries), frozenset(expected))


@functools.cache
def _shaped_threads(
    shape: str | None, version: DialogVersion | None, avvik: bool | None
) -> st.SearchStrategy[ShapedThread]:
    return _shaped_thread(shape, version, avvik)


def shaped_threads(
    shape: str | None = None, version: DialogVersion | None = None, *, avvik: bool | None = None
) -> st.SearchStrategy[ShapedThread]:
    """A :class:`ShapedThread`: a thread of :func:`threads` (``version``, ``avvik``) in ``shape``, one of
    :data:`THREAD_SHAPES` (default ``None``, the plain exchange):

    * ``late-reply``: a forespørsel whose svar is dated 1 to 20 days after its reply date (national profile), its
      receipt after it;
    * ``missing-receipt``: the first message's receipt is never delivered;
    * ``rejection``: the first message's receipt has status 2 (and then no reply follows) or 3, with an 8221 error;
    * ``duplicate``: one file of the thread is delivered a second time, later.

    Raises :class:`~hypothesis.errors.InvalidArgument` for another shape, and for ``late-reply`` with ``avvik``
    (only a forespørsel has a reply date).
    """
    if shape is not None and shape not in THREAD_SHAPES:
        raise InvalidArgument(f"shape must be one of {', '.join(THREAD_SHAPES)} or None; got {shape!r}")
    if shape == "late-reply" and avvik:
        raise InvalidArgument("a late reply is a svar to a forespørsel: late-reply cannot be an avvik thread")
    return _shaped_threads(shape, None if version is None else _check_version(version), avvik)
