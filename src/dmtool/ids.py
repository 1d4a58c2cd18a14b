"""Person identifiers by their structure (code list 8116): fødselsnummer, D-nummer, H-nummer, FH-nummer."""

from __future__ import annotations

from typing import Final

FNR: Final = "FNR"
DNR: Final = "DNR"
HNR: Final = "HNR"
FHN: Final = "FHN"


def person_id_type(number: str) -> str:
    """The 8116 type an 11-digit person number has by its structure; check digits are not looked at.

    First digit 8 or 9: FH-nummer; first digit 4-7: D-nummer (day + 40); third digit 4 or 5: H-nummer (month + 40);
    otherwise fødselsnummer.
    """
    digits = number.strip()
    if len(digits) != 11 or not digits.isdigit():
        return FNR
    if digits[0] in "89":
        return FHN
    if digits[0] in "4567":
        return DNR
    if digits[2] in "45":
        return HNR
    return FNR
