"""What the regional profiles add to the dialog layer (seeds 000-004): time windows, whom a region lets be addressed,
the services it lists, and the standard replies of patient dialog.

A check here runs only under the profiles its rule names (:mod:`dmtool.rules`).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator

from ..dialog.model import Kind
from ..standards import clock
from ..standards.profiles import HospitalDialog
from .advice import SCAN_CHARS
from .base import Finding
from .facts import Facts
from .names import (
    DIALOG_MUNICIPAL,
    LAB_RADIOLOGY,
    MUNICIPAL,
    PHYSICIAN,
    PLO,
    RECEPTION,
    hospital_roles,
    listed,
    named,
    words,
)


def time_window(facts: Facts) -> Iterator[Finding]:
    """The profile's time window: months after the last contact, or only while admitted."""
    profile, settings = facts.settings.profile, facts.settings
    sent = facts.gen_date
    if profile.months_after_contact is not None and settings.last_contact is not None and sent is not None:
        limit = _add_months(settings.last_contact, profile.months_after_contact)
        if sent.astimezone(clock.OSLO).date() > limit:
            months = profile.months_after_contact
            yield f"profile {profile.name}: dialog is allowed until {limit.isoformat()} ({months} month(s) after " \
                  f"the last contact {settings.last_contact.isoformat()})", facts.info  # fmt: skip
    if profile.admitted_only and settings.admitted is False:
        yield f"profile {profile.name}: dialog is only for patients who are admitted", facts.info


def recipient_allowed(facts: Facts) -> Iterator[Finding]:
    """The profile's restrictions on who may be addressed, and between whom dialog is allowed."""
    profile = facts.settings.profile
    if profile.hospital_dialog is not None and facts.kind != Kind.AVVIK:
        yield from _hospital_dialog(facts, profile.name, profile.hospital_dialog)
    chain = facts.organisation_chain("Receiver")
    if not chain:
        return
    names = " / ".join(level.name for level in chain)
    if profile.gp_only and MUNICIPAL.found(names):
        yield f"profile {profile.name}: write to the GP, not to a municipal service ({names})", chain[-1].element
    if profile.no_lab_radiology and facts.settings.admitted is not True and LAB_RADIOLOGY.found(names):
        yield f"profile {profile.name}: no dialog with laboratory or radiology ({names}) for a patient who is not " \
              "admitted", chain[-1].element  # fmt: skip


def _hospital_dialog(facts: Facts, profile: str, dialog: HospitalDialog) -> Iterator[Finding]:
    """The hospital takes part in dialog only through its receptions: its side's level names hold the words ``PLO``
    and ``…mottak``. Only a message with the hospital as sender or receiver is checked, and an avvik is not (the
    caller leaves it out): it goes back to the sender of the message it reports, and saying that a message reached
    the wrong unit is what it is for. Whether the other side is one of the municipal services the guideline names
    is advice (``RECIPIENT-LISTED``): an office's name does not always say what it does."""
    for role in sorted(hospital_roles(facts, dialog)):
        chain = facts.organisation_chain(role)
        names = " / ".join(level.name for level in chain)
        if not (PLO.found(names) and RECEPTION.found(names)):
            yield f"profile {profile}: {dialog.hospital[0]} takes part in dialog only through its PLO receptions " \
                  f"({', '.join(dialog.receptions)}), not the {role.lower()} ({names}); use one of them", \
                  chain[-1].element  # fmt: skip


def recipient_listed(facts: Facts) -> Iterator[Finding]:
    """A message to an organisation whose guideline lists the services to address goes to one of them.

    The profile's first :class:`~dmtool.standards.profiles.ServiceList` whose organisations name a level of the
    receiver (and of the sender, when it names senders) applies; the receiver's innermost level is the addressed
    service.
    """
    profile = facts.settings.profile
    if facts.kind in (Kind.SVAR, Kind.AVVIK):  # a reply goes back to whoever wrote (SVAR-REFERENCES-FORESPORSEL)
        return
    if profile.hospital_dialog is not None:
        yield from _dialog_partner(facts, profile.name, profile.hospital_dialog)
    receiver = facts.organisation_chain("Receiver")
    if not profile.service_lists or not receiver:
        return
    sender = facts.organisation_chain("Sender")
    for services in profile.service_lists:
        if not any(named(level.name, services.to) for level in receiver):
            continue
        if services.sender and not any(named(level.name, services.sender) for level in sender):
            continue
        names = " / ".join(level.name for level in receiver)
        if listed(receiver[-1].name, (service.name for service in services.services)) or (
            services.physicians_too and PHYSICIAN.found(names)
        ):
            return
        choices = f": {'; '.join(map(str, services.services))}" if len(services.services) <= 12 else ""
        yield f"profile {profile.name}: the receiver ({names}) is not one of the {services.what}; use one of " \
              f"them{choices}", receiver[-1].element  # fmt: skip
        return


def _dialog_partner(facts: Facts, profile: str, dialog: HospitalDialog) -> Iterator[Finding]:
    """The other side of a dialog with the hospital is one of the municipal services the guideline names."""
    roles = hospital_roles(facts, dialog)
    if not roles:
        return
    for role in {"Sender", "Receiver"} - roles:
        chain = facts.organisation_chain(role)
        names = " / ".join(level.name for level in chain)
        if chain and not DIALOG_MUNICIPAL.found(names):
            yield f"profile {profile}: dialog with {dialog.hospital[0]} is for the municipality's " \
                  f"{', '.join(dialog.municipal[:-1])} or {dialog.municipal[-1]}; the {role.lower()} ({names}) is " \
                  "none of them by its name", chain[-1].element  # fmt: skip


def standard_reply(facts: Facts) -> Iterator[Finding]:
    """Under a profile with standard reply texts, a svar (or a patient-dialog reply) uses one of them (whatever its
    case, spacing and punctuation; a greeting or signature around it is fine)."""
    replies = facts.settings.profile.standard_replies
    if not replies or not facts.is_reply:
        return
    text = words(facts.own_text[:SCAN_CHARS])
    if not any(words(reply) in text for _, reply in replies):
        what = ", ".join(name for name, _ in replies)
        yield f"profile {facts.settings.profile.name}: the svar uses none of the standard texts ({what}); use the " \
              "one that fits", facts.body  # fmt: skip


def _add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` months on; the last day of the month when that month is shorter; the calendar's last
    day (9999-12-31) when that is later."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    if year > dt.MAXYEAR:
        return dt.date.max
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))
