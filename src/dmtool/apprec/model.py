"""Application receipts (AppRec 1.0 and 1.1): the model.

Writing one is :mod:`dmtool.apprec.writer`, reading one :mod:`dmtool.apprec.reader`, making the receipt for a message
:mod:`dmtool.apprec.make` and checking one :mod:`dmtool.apprec.check`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final, Literal, cast

from ..dialog.model import CV
from ..standards import clock, codelists, versions

AppRecVersion = Literal["1.0", "1.1"]
APPREC_VERSIONS: Final = cast("tuple[AppRecVersion, ...]", versions.numbers("apprec"))
#: The version dmtool writes unless asked for another: since February 2024 the directorate keeps AppRec 1.0 for the
#: cases in chapter 8 of HIS 1168 (Veiledning til riktig bruk av applikasjonskvittering), and Helsefaglig dialog
#: (HIS 1077) asks for 1.1 unless otherwise agreed.
DEFAULT_VERSION: Final[AppRecVersion] = "1.1"
NAMESPACES: Final = cast("dict[AppRecVersion, str]", versions.namespaces("apprec"))
MIG_VERSIONS: Final = cast("dict[AppRecVersion, str]", versions.mig_versions("apprec"))


def version_of(label: str | None) -> AppRecVersion:
    """The version number of the AppRec version ``label`` (``apprec-1.0`` → ``1.0``), as the loader names it."""
    found = versions.by_label(label)
    if found is None or found.standard != "apprec":
        raise ValueError(f"not an AppRec version: {label!r}")
    return cast("AppRecVersion", found.number)


#: Roles of AppRec 1.1 (code list 8112, and AVS for the original's sender).
ROLES: Final = {"PRIM": "Primærmottaker", "COP": "Kopimottaker", "AVS": "Avsender"}


@dataclass(frozen=True)
class Unit:
    """A department (``Dept``) or a person (``HCPerson``) of an institution: name and identifier with its type."""

    name: str | None = None
    id: str | None = None
    id_type: str | None = None


@dataclass(frozen=True)
class Party:
    """The ``HCP`` of an AppRec sender or receiver: an institution (``Inst``: name, id, id type, ``departments``,
    ``persons``), or a health professional alone (``HCProf``, ``professional=True``); ``role`` is ``Role/@V``."""

    name: str | None = None
    id: str | None = None
    id_type: str | None = None
    departments: tuple[Unit, ...] = ()
    persons: tuple[Unit, ...] = ()
    professional: bool = False
    role: str | None = None

    @property
    def her_ids(self) -> tuple[str, ...]:
        """Every HER-id of the party, the institution's first."""
        units: tuple[Party | Unit, ...] = (self, *self.departments, *self.persons)
        return tuple(unit.id for unit in units if unit.id and unit.id_type == "HER")


@dataclass(frozen=True)
class AppRec:
    """An application receipt.

    ``status`` is a code from 8258, ``errors`` the ``Error`` values (CV, normally from 8221; ``original_text`` is
    free text), ``original_type``/``original_id``/``original_date`` the ``OriginalMsgId`` (type from 8279, MsgId,
    GenDate of the original). ``mig_version`` and ``msg_type`` (the root ``MsgType/@V``, ``""`` when it is missing)
    are what a parsed file said (not part of equality; the writer writes the version's own and ``APPREC``), and
    ``lines`` where its parts stand in that file (empty for a receipt made in memory).
    """

    version: AppRecVersion
    id: str
    gen_date: dt.datetime
    sender: Party
    receiver: Party
    status: str
    original_type: str
    original_id: str
    original_date: dt.datetime
    errors: tuple[CV, ...] = ()
    mig_version: str | None = field(default=None, compare=False)
    msg_type: str | None = field(default=None, compare=False)
    lines: dict[str, int] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "gen_date", clock.fixed_offset(self.gen_date))
        object.__setattr__(self, "original_date", clock.fixed_offset(self.original_date))

    @property
    def status_text(self) -> str:
        """The 8258 display name of the status, or the code when it is not in the list."""
        return codelists.get("8258").codes.get(self.status, self.status)
