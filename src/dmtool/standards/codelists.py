"""Volven code lists (kodeverk) used by MsgHead, Dialogmelding and AppRec, as data in the package.

The lists are transcribed from the reference code lists by ``tools/make_codelists.py`` into ``codelists.json``. A
list is named by its number (``"8117"``) or its OID (``"2.16.578.1.12.4.1.1.8117"``)::

    >>> from dmtool import codelists
    >>> codelists.get("8258").display_name("2")
    'Avvist'
    >>> codelists.is_known("7304", "N")
    True
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Final

#: Prefix of every Volven OID; the list number follows it.
OID_PREFIX: Final = "2.16.578.1.12.4.1.1."


@dataclass(frozen=True)
class CodeList:
    """One code list: its number, OID, name, and codes with their display names."""

    number: str
    oid: str
    name: str
    codes: Mapping[str, str]

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def display_name(self, code: str) -> str:
        """The display name of ``code``; :class:`KeyError` naming the list when the code is not in it."""
        try:
            return self.codes[code]
        except KeyError:
            raise KeyError(f"code {code!r} is not in code list {self.number} {self.name}") from None


@functools.cache
def _all() -> Mapping[str, CodeList]:
    raw = json.loads(resources.files(__package__).joinpath("codelists.json").read_text(encoding="utf-8"))
    return MappingProxyType(
        {
            number: CodeList(number, entry["oid"], entry["name"], MappingProxyType(entry["codes"]))
            for number, entry in raw.items()
        }
    )


def numbers() -> tuple[str, ...]:
    """The numbers of every list dmtool carries, sorted."""
    return tuple(_all())


def get(list_id: str) -> CodeList:
    """The code list with number or OID ``list_id``; :class:`KeyError` when dmtool does not carry it."""
    number = list_id.removeprefix(OID_PREFIX)
    try:
        return _all()[number]
    except KeyError:
        raise KeyError(f"unknown code list {list_id!r}") from None


def is_known(list_id: str, code: str) -> bool:
    """True when ``code`` is in the list ``list_id`` (number or OID); False for unknown lists too."""
    try:
        return code in get(list_id)
    except KeyError:
        return False


#: A part of an OID after the first that has a leading zero.
_LEADING_ZERO: Final = re.compile(r"\.0[0-9]")


def is_schema_oid(text: str) -> bool:
    """True when ``text`` matches the schemas' pattern for an OID, ``\\d+(\\.\\d+)*``: numbers of decimal digits (of any
    script, as XSD's ``\\d``) joined by single dots; what the schema refuses is left to ``XSD``.

    Worked out with string methods rather than that regular expression, which took 0.3 s on a 20 MB attribute.
    """
    return bool(text) and text[0] != "." and text[-1] != "." and ".." not in text and text.replace(".", "").isdecimal()


def is_dotted_oid(text: str) -> bool:
    """True when ``text`` is an OID: two or more numbers without leading zeros, joined by dots (``2.16.578``).

    A bare list number such as ``"8324"`` is not an OID; neither is anything with spaces or other characters. Linear in
    the text, with string methods and a search for a literal start.
    """
    return (
        "." in text
        and text.isascii()
        and is_schema_oid(text)
        and not (text[0] == "0" and text[1] != ".")
        and _LEADING_ZERO.search(text) is None
    )


def list_number(oid: str) -> str | None:
    """The Volven list number an OID names (``"8116"`` for ``2.16.578.1.12.4.1.1.8116``), else ``None``."""
    number = oid.removeprefix(OID_PREFIX)
    return number if number != oid and number.isdigit() and number.isascii() and number[0] != "0" else None


def carries(number: str) -> bool:
    """True when dmtool carries the codes of list ``number``."""
    return number in _all()


def names_known_list(oid: str) -> bool:
    """True when ``oid`` is the OID of a Volven list dmtool carries."""
    number = list_number(oid)
    return number is not None and carries(number)
