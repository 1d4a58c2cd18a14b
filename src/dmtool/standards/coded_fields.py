"""Which code list each coded element takes: the field table in ``coded_fields.json``, and its lookup.

Every coded element of MsgHead 1.2, Dialogmelding 1.0/1.1 and AppRec 1.0/1.1 (a ``CS`` with ``V``/``DN``, or a ``CV``
with ``V``/``S``/``DN``/``OT``) whose list the standards name has an entry: the parts (schemas) it is read in, its path,
whether it is a CS (the list is implied) or a CV (``S`` names the list), the lists, and when the list depends on the
message, the ``MsgInfo/Type`` values or the rule layer it is for. :func:`field` finds the entry for one element and
:meth:`Field.judge` says what is wrong with its value::

    >>> from dmtool import coded_fields
    >>> entry = coded_fields.field("dialog-1.0", ("Dialogmelding", "Notat", "TemaKodet"), "DIALOG_AVVIK")
    >>> entry.lists
    ('8117',)
    >>> entry.judge("1", "2.16.578.1.12.4.1.1.8117", "Feil adressat")
    ()
    >>> entry.judge("1", "2.16.578.1.12.4.1.1.9069", None)[0].error
    True
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any, Final, Literal, get_args

from . import codelists

#: The parts of a message whose elements the table names, as ``dmtool.xml.loader`` names them: the MsgHead envelope,
#: a Dialogmelding body of either version, and a receipt of either version.
Schema = Literal["msghead", "dialog-1.0", "dialog-1.1", "apprec-1.0", "apprec-1.1"]
SCHEMAS: Final[tuple[Schema, ...]] = get_args(Schema)
Kind = Literal["CS", "CV"]
#: The rule layers that add entries of their own (every other entry belongs to the standard layer).
LAYERS: Final = frozenset({"nav"})
_WHITESPACE: Final = re.compile(r"\s+")
#: Dashes a DN may write for the hyphen of a code's name, or the other way round (8279 names use an en dash).
_DASHES: Final = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"})


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a coded value: an ``error`` breaks the rule, else it is a warning."""

    error: bool
    message: str


@dataclass(frozen=True)
class Field:
    """One entry of the table: which lists an element takes, in which parts and for which messages.

    ``path`` holds local names and matches the end of an element's path from its part's root element. ``types``
    holds ``MsgInfo/Type`` values (a trailing ``*`` matches a prefix); empty means every type. ``layer`` is the rule
    layer that adds the entry, ``None`` for the standard layer. A field that is not ``closed`` names its lists as
    examples: another list is no error there. ``codes`` narrows a list to the codes given.
    """

    schemas: frozenset[Schema]
    path: tuple[str, ...]
    kind: Kind
    lists: tuple[str, ...]
    types: tuple[str, ...]
    layer: str | None
    closed: bool
    codes: Mapping[str, frozenset[str]]
    source: str

    @property
    def name(self) -> str:
        """The path as people read it, e.g. ``Notat/TemaKodet``."""
        return "/".join(self.path)

    def matches(self, schema: str, path: Sequence[str], message_type: str | None, layers: frozenset[str]) -> bool:
        """True when this entry is for an element at ``path`` in ``schema``, in a message of ``message_type``."""
        return (
            schema in self.schemas
            and tuple(path[-len(self.path) :]) == self.path
            and (self.layer is None or self.layer in layers)
            and (not self.types or any(_type_matches(t, message_type) for t in self.types))
        )

    def allows(self, number: str, code: str) -> bool:
        """True when ``code`` of list ``number`` is a value this element takes (lists dmtool does not carry pass)."""
        if number not in self.lists:
            return False
        if code in self.codes.get(number, frozenset({code})):
            return not codelists.carries(number) or codelists.is_known(number, code)
        return False

    def judge(self, value: str | None, system: str | None, display: str | None) -> tuple[Finding, ...]:
        """What is wrong with the coded value ``V=value S=system DN=display`` of this element.

        A CS has no ``S``: its code must be in one of the lists (``system`` is not looked at). A CV's ``S`` must be a
        dotted OID naming one of the lists (any list when the field is not ``closed``), and its code must be in that
        list. A CV without ``S`` is a warning when the code is in one of the lists, else an error. Only the lists
        dmtool carries are looked into. A ``DN`` unlike the code's name (beyond case, white space and dashes) is a
        warning. Without ``V`` there is nothing to judge.
        """
        if not value:
            return ()
        carried = [number for number in self.lists if codelists.carries(number)]
        if self.kind == "CS":
            return self._judge_code(value, carried, display)
        if not system:
            if not carried or any(self.allows(number, value) for number in carried):
                return (Finding(False, f"{self.name} has no S naming its list ({_names(self.lists)})"),)
            return (Finding(True, f"{self.name} has no S, and {value!r} is in none of {_names(self.lists)}"),)
        if not codelists.is_dotted_oid(system):
            return (Finding(True, f"S={system!r} is not an OID (numbers joined by dots, as 2.16.578.1)"),)
        number = codelists.list_number(system)
        if number in self.lists or not self.closed:
            return self._judge_code(value, [number] if number and codelists.carries(number) else [], display)
        return (Finding(True, f"S names {_list_named(system)}; here {self.name} takes {_names(self.lists)}"),)

    def _judge_code(self, value: str, numbers: Sequence[str], display: str | None) -> tuple[Finding, ...]:
        """Findings for ``value`` judged against the carried lists ``numbers`` (none: nothing can be judged)."""
        if not numbers:
            return ()
        taking = [number for number in numbers if self.allows(number, value)]
        if taking:
            return _display_findings(taking, value, display)
        if all(codelists.is_known(number, value) for number in numbers):
            only = ", ".join(sorted(code for number in numbers for code in self.codes.get(number, ())))
            return (Finding(True, f"{self.name} {value!r} is in {_names(numbers)} but not taken here (only {only})"),)
        return (Finding(True, f"{self.name} {value!r} is not a code of {_names(numbers)}"),)


def _type_matches(pattern: str, message_type: str | None) -> bool:
    """True when ``message_type`` is ``pattern``, or starts with it less its trailing ``*``."""
    if message_type is None:
        return False
    return message_type.startswith(pattern[:-1]) if pattern.endswith("*") else message_type == pattern


def _names(numbers: Sequence[str]) -> str:
    """``8116 ID-type for personer or 9051 ...`` for the lists dmtool carries, the bare number for the others."""
    return " or ".join(f"{n} {codelists.get(n).name}" if codelists.carries(n) else n for n in numbers)


def _list_named(system: str) -> str:
    number = codelists.list_number(system)
    if number is None:
        return f"{system!r}, no Volven list"
    if codelists.carries(number):
        return f"list {number} {codelists.get(number).name}"
    return f"list {number}, a list dmtool does not know"


def _display_findings(numbers: Sequence[str], value: str, display: str | None) -> tuple[Finding, ...]:
    """A warning when ``display`` is the name ``value`` has in none of the lists ``numbers``."""
    names = [codelists.get(number).display_name(value) for number in numbers]
    if display is None or _folded(display) in map(_folded, names):
        return ()
    return (Finding(False, f"DN {display!r} differs from the name of {value!r} in list {numbers[0]}: {names[0]!r}"),)


def _folded(text: str) -> str:
    """``text`` compared loosely: case, runs of white space and the kind of dash do not matter."""
    return _WHITESPACE.sub(" ", text.translate(_DASHES)).strip().casefold()


def _field(raw: Mapping[str, Any]) -> Field:
    """One validated table entry; :class:`ValueError` naming the entry when it is malformed."""
    try:
        schemas = frozenset(raw["schemas"])
        kind = raw["kind"]
        lists = tuple(raw["lists"])
        layer = raw.get("layer")
        codes = {number: frozenset(codes) for number, codes in raw.get("codes", {}).items()}
        if not schemas <= set(SCHEMAS) or kind not in get_args(Kind) or not lists or not raw["path"]:
            raise ValueError("unknown schema or kind, or no list or path")
        if (layer is not None and layer not in LAYERS) or not set(codes) <= set(lists):
            raise ValueError("unknown layer, or codes for a list the entry does not name")
        return Field(
            schemas=schemas,
            path=tuple(raw["path"].split("/")),
            kind=kind,
            lists=lists,
            types=tuple(raw.get("types", ())),
            layer=layer,
            closed=bool(raw.get("closed", True)),
            codes=MappingProxyType(codes),
            source=str(raw["source"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"coded_fields.json: malformed entry {raw!r}: {error}") from None


@functools.cache
def fields() -> tuple[Field, ...]:
    """Every entry of the table, in the file's order."""
    raw = json.loads(resources.files(__package__).joinpath("coded_fields.json").read_text(encoding="utf-8"))
    return tuple(_field(entry) for entry in raw["fields"])


def field(
    schema: str, path: Sequence[str], message_type: str | None = None, layers: frozenset[str] = frozenset()
) -> Field | None:
    """The entry for the element at ``path`` (local names from its part's root) in ``schema``, or ``None``.

    ``message_type`` is the message's ``MsgInfo/Type`` value and ``layers`` the rule layers in use besides the
    standard one. The most specific entry wins: a layer's entry over the standard one, then the longer path, then an
    entry for the message's type over one for every type.
    """
    candidates = [
        entry for entry in _by_name().get((schema, path[-1]) if path else ("", ""), ())
        if entry.matches(schema, path, message_type, layers)
    ]  # fmt: skip
    if not candidates:
        return None
    return max(candidates, key=lambda entry: (entry.layer is not None, len(entry.path), bool(entry.types)))


@functools.cache
def _by_name() -> Mapping[tuple[str, str], tuple[Field, ...]]:
    """The entries by schema and the local name of the element they are for: a message's coded element is looked up
    among a few entries, not all of them."""
    found: dict[tuple[str, str], list[Field]] = {}
    for entry in fields():
        for schema in entry.schemas:
            found.setdefault((schema, entry.path[-1]), []).append(entry)
    return MappingProxyType({key: tuple(entries) for key, entries in found.items()})


def list_numbers() -> frozenset[str]:
    """Every list number the table names, carried by dmtool or not."""
    return frozenset(number for entry in fields() for number in entry.lists)
