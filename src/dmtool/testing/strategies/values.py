"""Strategies for free text, names and coded values (``CV``, ``CS``) from the real code lists."""

from __future__ import annotations

import functools
import string
from collections.abc import Iterable
from typing import Final, TypeVar

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ...dialog.model import (
    CS,
    CV,
)
from ...rules import plaintext
from ...standards import codelists

_T = TypeVar("_T")

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
