"""Norwegian identifiers: person numbers (code list 8116), HER-ids and organisation numbers (9051).

An 11-digit person number is one of four kinds, told apart by its structure:

``FNR`` fødselsnummer
    DDMMYY, three individual digits, two mod-11 check digits.
``DNR`` D-nummer
    As a fødselsnummer with 4 added to the first digit (day 41-71); the check digits are computed on the D-number.
``HNR`` H-nummer (hjelpenummer)
    4 added to the third digit (month 41-52).
``FHN`` FH-nummer (felles hjelpenummer)
    First digit 8 or 9.

python-stdnum computes the check digits and the birth date; it accepts H-numbers as fødselsnummer, so the
hjelpenummer checks here are explicit. :func:`classify` says which kind a number is and why it is not valid, if so;
:func:`validate` raises, :func:`is_valid` answers, in python-stdnum's manner.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Final, NamedTuple

from ..errors import DmtoolError

FNR: Final = "FNR"
DNR: Final = "DNR"
HNR: Final = "HNR"
FHN: Final = "FHN"
#: What each person-number kind is called in messages to people.
NAMES: Final[dict[str, str]] = {FNR: "fødselsnummer", DNR: "D-nummer", HNR: "H-nummer", FHN: "FH-nummer"}
#: A HER-id: a positive whole number of up to 9 digits, without a leading zero (not \d, which takes every script's
#: digits).
HER_ID_PATTERN: Final = "[1-9][0-9]{0,8}"
_HER_ID: Final = re.compile(HER_ID_PATTERN)


_TENOR: Final = (
    "it is a synthetic test number (Tenor: 8 added to the third digit), not a real person's; in a test environment "
    "allow them (synthetic_ids, --synthetic-ids)"
)


class InvalidIdentifier(DmtoolError, ValueError):
    """An identifier that is not valid; the message says why."""


class PersonNumber(NamedTuple):
    """What an 11-digit person number is: its ``kind`` by structure (``FNR``, ``DNR``, ``HNR``, ``FHN``, or
    ``None`` when it is not 11 digits) and, when it is not a valid number of that kind, the ``reason``."""

    number: str
    kind: str | None
    reason: str | None = None

    @property
    def valid(self) -> bool:
        """True when the number is a valid number of its kind."""
        return self.kind is not None and self.reason is None


def compact(number: str) -> str:
    """``number`` without the spaces, dots and dashes people write in it."""
    return re.sub(r"[\s.\-]", "", number)


def person_id_type(number: str) -> str:
    """The 8116 type an 11-digit person number has by its structure (check digits are not looked at); anything that
    is not 11 digits counts as ``FNR`` so that the checks report it as an invalid fødselsnummer."""
    return classify(number).kind or FNR


def classify(number: str, *, born_by: dt.date | None = None, synthetic: bool = False) -> PersonNumber:
    """Classify ``number`` as fødselsnummer, D-nummer, H-nummer or FH-nummer, and check it.

    ``born_by`` (e.g. the message date) makes a birth date after it invalid. ``synthetic`` accepts the synthetic test
    numbers of Skatteetaten's Tenor (8 added to the third digit: month 81-92) as fødselsnummer and D-nummer, for test
    environments; without it such a number is invalid, with a reason that says what it is.
    """
    if len(number) > _REMEMBERED_CHARS:
        return _classify(number, born_by, synthetic)
    return _remembered(str(number), born_by, synthetic)  # a plain str: a subclass might hold on to an XML tree


def _classify(number: str, born_by: dt.date | None, synthetic: bool) -> PersonNumber:
    """:func:`classify`, worked out."""
    from stdnum.exceptions import ValidationError  # imported when first needed, to keep start-up short
    from stdnum.no import fodselsnummer

    digits = number if len(number) == 11 and number.isdigit() else compact(number)
    if len(digits) != 11 or not (digits.isascii() and digits.isdigit()):  # not "¹", nor fullwidth digits
        return PersonNumber(number, None, "a person number has 11 digits")
    if digits[0] in "89":
        kind = FHN
    elif digits[0] in "4567":
        kind = DNR
    elif digits[2] in "45":
        kind = HNR
    else:
        kind = FNR
    if fodselsnummer.calc_check_digit1(digits) != digits[9] or fodselsnummer.calc_check_digit2(digits) != digits[10]:
        return PersonNumber(number, kind, "the check digits are wrong")
    if kind == FHN:
        return PersonNumber(number, kind)
    tenor = kind in (FNR, DNR) and digits[2] in "89"
    try:  # a Tenor number's birth date is that of the number with 8 taken from its third digit
        born = fodselsnummer.get_birth_date(f"{digits[:2]}{int(digits[2]) - 8}{digits[3:]}" if tenor else digits)
    except ValidationError:
        return PersonNumber(number, kind, "the digits hold no valid birth date")
    if tenor and not synthetic:
        return PersonNumber(number, kind, _TENOR)
    if born_by is not None and born > born_by:
        return PersonNumber(number, kind, f"the birth date {born.isoformat()} is after {born_by.isoformat()}")
    return PersonNumber(number, kind)


#: Person numbers classified lately (short inputs only, so that what is kept stays small): a patient's number comes
#: again in the messages of a conversation and in their receipts, and python-stdnum takes about 25 µs to check one.
_remembered: Final = functools.lru_cache(maxsize=4096)(_classify)
_REMEMBERED_CHARS: Final = 32


def validate(number: str, *, born_by: dt.date | None = None) -> str:
    """``number`` compacted when it is a valid fødselsnummer or D-nummer; :class:`InvalidIdentifier` saying why not
    (an H-nummer or FH-nummer is not, whatever its check digits)."""
    found = classify(number, born_by=born_by)
    if found.kind in (HNR, FHN):
        raise InvalidIdentifier(f"{number} is an {NAMES[found.kind]} (hjelpenummer), not a fødselsnummer or D-nummer")
    if found.reason is not None:
        raise InvalidIdentifier(f"{number} is not a valid {NAMES.get(found.kind or FNR)}: {found.reason}")
    return compact(number)


def is_valid(number: str) -> bool:
    """True when ``number`` is a valid fødselsnummer or D-nummer."""
    try:
        validate(number)
    except InvalidIdentifier:
        return False
    return True


def her_id_problem(value: str) -> str | None:
    """Why ``value`` is not a HER-id (a positive whole number of up to 9 digits), or ``None`` when it is one: what is
    wrong with it (empty, a leading zero, too long, a separator, a digit of another script, letters), then what a
    HER-id is."""
    if _HER_ID.fullmatch(value):
        return None
    fault = _her_id_fault(value)
    return f"{value!r} is not a HER-id: {fault}; a HER-id is a number of 1 to 9 digits (0-9, no leading zero)"


def _her_id_fault(value: str) -> str:
    if not value:
        return "it is empty"
    if value.isascii() and value.isdigit():
        if len(value) > 9:
            return f"it has {len(value)} digits"
        return "it starts with 0"
    odd = next(char for char in value if not ("0" <= char <= "9"))
    if odd.isdigit():
        return f"it holds {odd!r}, a digit of another script (U+{ord(odd):04X})"
    if odd.isalpha():
        return f"it holds the letter {odd!r}"
    return f"it holds {odd!r}, a separator or space"


def org_number_problem(value: str) -> str | None:
    """Why ``value`` is not an organisation number (9 digits, mod-11), or ``None`` when it is one."""
    from stdnum.exceptions import ValidationError
    from stdnum.no import orgnr

    try:
        orgnr.validate(value)
    except ValidationError as error:
        return f"{value!r} is not an organisation number: {error}"
    return None
