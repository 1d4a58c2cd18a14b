"""Parties by their names: matching an organisation's name against the names a guideline gives, whatever the case,
spacing and punctuation, and the kinds of service a name says (municipal, physician, laboratory, PLO reception)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from ..standards.profiles import HospitalDialog
from . import textscan
from .facts import Facts

#: The municipality's case-handling office by its usual names: saksbehandling, bestillerenhet, søknadskontor,
#: vedtakskontor, tjeneste- og koordineringskontor (seeds 000, 001), tjenestekontor, forvaltningskontor, tildeling.
_CASE_HANDLING: Final = (
    "saksbehandl", "bestiller", "søknadskontor", "vedtakskontor", "koordineringskontor", "tjenestekontor",
    "forvaltning", "tildeling",
)  # fmt: skip
MUNICIPAL: Final = textscan.Search(
    "kommune", "hjemmesykepleie", "hjemmetjeneste", "sykehjem", "omsorg", "helsehus", "korttidsavdeling",
    "rehabilitering i kommunen", *_CASE_HANDLING,
)  # fmt: skip
LAB_RADIOLOGY: Final = textscan.Search("laborator", "radiolog", "røntgen", "bildediagnost", "mikrobiolog", "patolog")
#: A hospital's PLO message reception (``Somatikk PLO meldingsmottak``): both words in its party's level names.
PLO: Final = textscan.Search(textscan.word("plo", r"\b"))
RECEPTION: Final = textscan.Search("mottak")
#: A physician or a physicians' service: fastlege, kommunelege, kommuneoverlege, legekontor, legetjeneste, ...
_PHYSICIAN: Final = (textscan.word("lege"), "fastlege", "kommunelege", "overlege", "tilsynslege", "sykehjemslege")
PHYSICIAN: Final = textscan.Search(*_PHYSICIAN)
#: The municipal services seed 003 allows dialog with (saksbehandling, sykepleietjeneste, legetjeneste): the
#: case-handling office by its usual names, nurses (also in the home services) and physicians.
DIALOG_MUNICIPAL: Final = textscan.Search(
    *_CASE_HANDLING, "sykeplei", "hjemmetjeneste", "hjemmebaserte? tjeneste", *_PHYSICIAN
)
_NOT_WORD: Final = re.compile(r"[\W_]+")
#: How much of an organisation's name :func:`named` and :func:`listed` read: far more than any real name, and a name
#: of megabytes is not read dozens of times.
NAME_CHARS: Final = 1000


def words(text: str) -> str:
    """``text`` for matching names whatever their case, spacing and punctuation: casefolded, each run of characters
    other than letters and digits one space, a space before and after. The two spellings of the nursing service
    (``Sykepleietjeneste`` in seed 000, ``Sykepleiertjeneste`` in seed 001) are made one."""
    return " " + _NOT_WORD.sub(" ", text.casefold()).strip().replace("sykepleier", "sykepleie") + " "


def named(name: str, names: Iterable[str]) -> bool:
    """True when ``name`` is one of ``names``: every word of that name begins a word of ``name``, whatever the case,
    spacing, punctuation and order (so ``Indremedisin`` names "Indremedisinsk poliklinikk", and ``Drammen sykehus``
    names "Sykehuset i Drammen")."""
    found = words(name[:NAME_CHARS])
    return any(all(f" {word}" in found for word in words(other).split()) for other in names)


def listed(name: str, services: Iterable[str]) -> bool:
    """True when ``name`` is one of ``services``: as :func:`named` does, or with every space left out (so that
    "Sykepleie tjeneste" is ``Sykepleietjeneste``)."""
    services = tuple(services)
    compact = words(name[:NAME_CHARS]).replace(" ", "")
    return named(name, services) or any(words(service).replace(" ", "") in compact for service in services)


def hospital_roles(facts: Facts, dialog: HospitalDialog) -> set[str]:
    """Which of ``Sender`` and ``Receiver`` are the profile's hospital (a level named by ``dialog.hospital``)."""
    return {
        role
        for role in ("Sender", "Receiver")
        if any(named(level.name, dialog.hospital) for level in facts.organisation_chain(role))
    }
