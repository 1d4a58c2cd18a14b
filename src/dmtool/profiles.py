"""Regional profiles and the settings the rules run with.

The national rules always apply; a profile adds what one region's guideline says beyond them (``rules.md`` §2):
how long dialog is allowed after the last contact, who may be addressed, and how soon a reply is expected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final


@dataclass(frozen=True)
class Profile:
    """What a region's guideline adds to the national rules.

    ``reply_days``: working days within which a reply is expected. ``months_after_contact``: dialog is allowed
    until this many months after the patient's last contact with the hospital. ``admitted_only``: only while the
    patient is admitted. ``gp_only``: the hospital writes only to GPs, not to municipal services. ``no_lab_radiology``:
    no dialog with laboratory or radiology services about patients who are not admitted.
    """

    name: str
    description: str
    reply_days: int = 5
    months_after_contact: int | None = None
    admitted_only: bool = False
    gp_only: bool = False
    no_lab_radiology: bool = False


PROFILES: Final[dict[str, Profile]] = {
    profile.name: profile
    for profile in (
        Profile("national", "the national rules only; a reply within 3-5 working days"),
        Profile("oslo", "OUS and Oslo kommune: until 1 month after the last hospital contact", months_after_contact=1),
        Profile("bergen", "Helse Bergen: no dialog with laboratory or radiology for patients not admitted",
                no_lab_radiology=True),
        Profile("vestre-viken", "Vestre Viken: until 12 months after the last contact; to GPs, not municipal services",
                months_after_contact=12, gp_only=True),
        Profile("ostfold", "Sykehuset Østfold: only while the patient is admitted (discharge planning)",
                admitted_only=True),
        Profile("pasientdialog", "patient-initiated dialog: a reply within 4 working days", reply_days=4),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Settings:
    """What the rules run with: the ``profile``, the advice thresholds, and facts only the user knows.

    ``short_max_chars``: the ``SHORT`` advice warns above this many characters of free text.
    ``ack_only_max_chars``: a text this short that only acknowledges gets ``NOT-ACK-ONLY``.
    ``last_contact``: the patient's last contact with the hospital (for the profiles' time windows).
    ``admitted``: whether the patient is admitted now (``None``: not known, the admission rules are not checked).
    """

    profile: Profile = field(default_factory=lambda: PROFILES["national"])
    short_max_chars: int = 2000
    ack_only_max_chars: int = 160
    last_contact: dt.date | None = None
    admitted: bool | None = None


def get(name: str) -> Profile:
    """The profile called ``name``; :class:`ValueError` naming the choices when there is none."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; choose one of {', '.join(PROFILES)}") from None
