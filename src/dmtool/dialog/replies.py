"""What a svar or an avvik copies of the message it answers, field by field, when that message has faults.

A reply goes back to the original's sender, from its receiver, about its patient, in its thread (:func:`parts`), and a
svar quotes the request it answers (:func:`quote`). Real messages are faulty in ways that must not stop the answer:
an empty ``Organisation`` level, an address whose innermost level has no HER-id (NAV's local office by ``LIN``), a
HER-id only on the GP (``HealthcareProfessional``), codes from no list. Each part is copied when the reply stays valid
under dmtool's rules with it, and left out when not; when what is left cannot make a valid reply,
:class:`~dmtool.errors.ReplyError` says in words what is wrong with the original. The documentation's how-to "Reply
about a faulty message" (``docs/how-to/faulty-replies.md``) says it field by field:

* parties: every level with an identifier a reply can write (a valid HER-id or organisation number, another 9051
  identifier) is kept, down to the innermost one addressed by a valid HER-id (its own or its health professional's);
  levels below it, and levels with no such identifier (an empty ``<Organisation/>``), are left out;
* a health professional: kept with the identifiers, codes and addresses that are valid, left out when none of its
  identifiers is;
* the patient: named by the first identifier that is a valid fødselsnummer or D-nummer, its type written as the
  number's structure says; the names, date of birth and the sex and addresses that are valid are copied. A patient
  with no such number (an H-nummer, a number with wrong check digits, none at all) cannot be named in a Dialogmelding:
  no reply is built;
* the thread: RefToParent is the original's MsgId, RefToConversation its thread, or its MsgId when it has none; the
  Dialogmelding version is the original's, or 1.1 when its body is no Dialogmelding.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final, TypeVar

from ..errors import ReplyError
from ..rules import codes
from ..rules.plaintext import text_problems
from ..standards import clock, codelists, ids
from ..standards.profiles import Settings
from ..xml import xsd
from .model import (
    CS,
    CV,
    ConversationRef,
    DialogVersion,
    Foresporsel,
    HealthcareProfessional,
    Ident,
    Organisation,
    Patient,
    Person,
    Received,
    Role,
)

_T = TypeVar("_T")
_C = TypeVar("_C", CV, CS)
#: The Dialogmelding version of a reply to a message whose body is not a Dialogmelding: the current one.
DEFAULT_VERSION: Final[DialogVersion] = "1.1"
_ORG_IDS: Final = "9051"
_PERSON_IDS: Final = "8116"
#: Where a reply writes what it copies, as the code table names it (:mod:`dmtool.standards.coded_fields`): local names,
#: from the envelope's and the body's roots.
_ENVELOPE: Final = "msghead"
_ORG_IDENT: Final = ("Organisation", "Ident", "TypeId")
_PATIENT: Final = ("MsgInfo", "Patient")
_QUOTED: Final = ("Dialogmelding", "Notat", "Foresporsel")
_ROLE: Final = (*_QUOTED, "RollerRelatertNotat")
#: The person numbers that name a patient in a Dialogmelding.
_NAMING: Final = (ids.FNR, ids.DNR)


@dataclass(frozen=True)
class ReplyParts:
    """What a reply copies of the message it answers: its ``sender`` (the original's receiver), its ``receiver``
    (the original's sender), the ``patient``, the ``conversation`` and the Dialogmelding ``version``."""

    sender: Organisation
    receiver: Organisation
    patient: Patient
    conversation: ConversationRef
    version: DialogVersion


def parts(original: Received, kind: str, when: dt.datetime, settings: Settings | None = None) -> ReplyParts:
    """The parts of a reply of type ``kind`` (``MsgInfo/Type``) made at ``when`` to ``original``, each as far as it
    can be copied validly (see the module); ``settings`` says whether Tenor's synthetic numbers are accepted.

    Raises :class:`~dmtool.errors.ReplyError` saying what of the original stops it: a party with no HER-id at any
    level, or a patient who cannot be named.
    """
    what = _reply_name(kind)
    copying = _Copying(kind)
    receiver = copying.party(original.sender, "sender", f"{what} cannot be addressed to it")
    sender = copying.party(original.receiver, "receiver", f"{what} cannot say who sends it")
    patient = copying.patient(original, what, when, (settings or Settings()).synthetic_ids)
    thread = original.conversation.conversation.strip() if original.conversation is not None else ""
    return ReplyParts(
        sender=sender,
        receiver=receiver,
        patient=patient,
        conversation=ConversationRef(parent=original.msg_id, conversation=thread or original.msg_id),
        version=original.version or DEFAULT_VERSION,
    )


def quote(request: Foresporsel, kind: str, version: DialogVersion) -> Foresporsel | None:
    """``request`` as a reply of type ``kind`` in Dialogmelding ``version`` can quote it: the texts that are plain
    text, the codes its lists take, the dates, the roles that keep what makes them valid; ``None`` when its
    ``TypeForesp`` is a code the reply cannot carry (a quote must have one)."""
    copying = _Copying(kind, f"dialog-{version}")
    if not copying.takes((*_QUOTED, "TypeForesp"), request.type):
        return None
    one_one = version == "1.1"
    journal_info = tuple(info for info in request.journal_info if copying.takes((*_QUOTED, "TypeJournalinfo"), info))
    return Foresporsel(
        type=request.type,
        question=_plain(request.question),
        subject=_plain(request.subject) if one_one else None,
        purpose=copying.coded((*_QUOTED, "Formål"), request.purpose),
        reason=_plain(request.reason),
        urgency=copying.coded((*_QUOTED, "Hastegrad"), request.urgency),
        from_date=request.from_date,
        to_date=request.to_date,
        journal_info=journal_info if one_one else journal_info[:1],
        coded_info=copying.coded((*_QUOTED, "KodetOpplysning"), request.coded_info) if one_one else None,
        doc_id=request.doc_id,
        roles=tuple(kept for role in request.roles if (kept := copying.role(role, one_one)) is not None),
    )


def _reply_name(kind: str) -> str:
    return {"DIALOG_AVVIK": "an avvik", "DIALOG_SVAR": "a svar"}.get(kind, f"a reply ({kind})")


def _plain(text: str | None) -> str | None:
    """``text`` when the guidelines take it as free text (``PLAIN-TEXT``), else ``None``."""
    return text if text is None or next(text_problems(text), None) is None else None


def _kept(values: Iterable[_T], keep: Callable[[_T], bool]) -> tuple[_T, ...]:
    return tuple(value for value in values if keep(value))


class _Copying:
    """Copies parts of a received message into a reply of type ``kind``; ``part`` is the schema the copied codes are
    judged in (``msghead`` for the envelope, ``dialog-1.0``/``dialog-1.1`` for a quoted request)."""

    def __init__(self, kind: str, part: str = _ENVELOPE) -> None:
        self.kind = kind
        self.part = part

    def takes(self, path: tuple[str, ...], value: CV | CS) -> bool:
        """True when the element at ``path`` takes the coded ``value`` (``CODE-VALUE`` and the schema)."""
        system = value.system if isinstance(value, CV) else None
        return codes.is_taken(self.part, path, self.kind, value.code, system)

    def coded(self, path: tuple[str, ...], value: _C | None) -> _C | None:
        """``value`` when the element at ``path`` takes it, else ``None``."""
        return value if value is not None and self.takes(path, value) else None

    def typed(self, path: tuple[str, ...], type_code: str, code_list: str) -> bool:
        """True when an identifier of ``type_code``, which the writer types with ``code_list``, may be written at
        ``path`` (its ``TypeId``)."""
        return self.takes(path, CV(type_code, _oid(code_list)))

    # -- parties ------------------------------------------------------------------------------------------------------

    def party(self, top: Organisation | None, role: str, then: str) -> Organisation:
        """The organisation chain ``top`` (the original's ``role``) as a reply can address it; ``then`` says what
        follows when it cannot be (for the error)."""
        if top is None:
            raise ReplyError(f"the message has no {role} (MsgInfo/{role.capitalize()}/Organisation), so {then}")
        kept: list[Organisation] = []
        addressed = 0
        for level in top.chain:
            copied = self.level(level)
            if copied is not None:
                kept.append(copied)
                if copied.her_id is not None or (copied.professional and copied.professional.her_id is not None):
                    addressed = len(kept)
        if not addressed:
            raise ReplyError(f"the message's {role} {_no_her_id(top)}, so {then}")
        chain: Organisation | None = None
        for level in reversed(kept[:addressed]):
            chain = dataclasses.replace(level, unit=chain)
        assert chain is not None  # at least the addressed level
        return chain

    def level(self, level: Organisation) -> Organisation | None:
        """One level of a chain, without its unit: its valid identifiers and professional; ``None`` when it has no
        identifier a reply can write."""
        her_id = _first(_numbers(level.her_id, level.ids, "HER"), lambda her: ids.her_id_problem(her) is None)
        org_number = _first(
            _numbers(level.org_number, level.ids, "ENH"), lambda enh: ids.org_number_problem(enh) is None
        )
        others = _kept(
            level.ids,
            lambda ident: (
                ident.type not in ("HER", "ENH")
                and bool(ident.id.strip())
                and self.typed(_ORG_IDENT, ident.type, _ORG_IDS)
            ),
        )
        if her_id is None and org_number is None and not others:
            return None
        professional = None if level.professional is None else self.professional(level.professional, "Organisation")
        return Organisation(level.name, her_id, org_number, others, None, professional)

    def professional(self, person: HealthcareProfessional, parent: str) -> HealthcareProfessional | None:
        """``person`` with what is valid of it, under the element ``parent``: its valid HER-id, its HPR-number and the
        identifiers of a type 8116 has, the codes their lists take, the addresses that are URLs. In the envelope
        (``parent`` ``Organisation``) it needs an identifier: ``None`` when none is left."""
        at = (parent, "HealthcareProfessional")
        her_id = _first(_numbers(person.her_id, (), "HER"), lambda her: ids.her_id_problem(her) is None)
        hpr = person.hpr if person.hpr is not None and person.hpr.strip() else None
        others = _kept(
            person.ids,
            lambda ident: bool(ident.id.strip()) and self.typed((*at, "Ident", "TypeId"), ident.type, _PERSON_IDS),
        )
        if parent == "Organisation" and her_id is None and hpr is None and not others:
            return None
        return dataclasses.replace(
            person,
            hpr=hpr,
            her_id=her_id,
            ids=others,
            category=self.coded((*at, "TypeHealthcareProfessional"), person.category),
            role_to_patient=self.coded((*at, "RoleToPatient"), person.role_to_patient),
            telecom=_urls(person.telecom),
        )

    # -- the patient --------------------------------------------------------------------------------------------------

    def patient(self, original: Received, what: str, when: dt.datetime, synthetic: bool) -> Patient:
        """The patient of ``original``, named by a valid fødselsnummer or D-nummer; :class:`ReplyError` when there is
        none to name (a Dialogmelding is about a named patient with one: rules ``PATIENT-REQUIRED`` and
        ``NO-HJELPENUMMER``)."""
        patient = original.patient

        def refused(fault: str, rule: str, instead: str = "reject the message with an AppRec") -> ReplyError:
            return ReplyError(f"{fault}, so {what} about it cannot name the patient as a Dialogmelding must ({rule}); "
                              f"{instead}")  # fmt: skip

        if patient is None:
            raise refused("the message names no patient (MsgInfo/Patient)", "PATIENT-REQUIRED")
        for local, name in (("FamilyName", patient.family_name), ("GivenName", patient.given_name)):
            if not (name or "").strip():
                raise refused(f"the message's patient has no {local}", "PATIENT-REQUIRED")
        born_by = when.astimezone(clock.OSLO).date()
        found = [
            (ident, ids.classify(ident.id.strip(), born_by=born_by, synthetic=synthetic))
            for ident in original.patient_ids
        ]
        named = next(((ident, number) for ident, number in found if number.valid and number.kind in _NAMING), None)
        if named is None:
            raise refused(*_unnamed(found))
        ident, number = named
        return Patient(
            family_name=patient.family_name,
            given_name=patient.given_name,
            id=ident.id.strip(),
            id_type=number.kind,
            middle_name=patient.middle_name,
            date_of_birth=patient.date_of_birth,
            sex=self.coded((*_PATIENT, "Sex"), patient.sex),
            telecom=_urls(patient.telecom),
        )

    # -- a quoted request ---------------------------------------------------------------------------------------------

    def role(self, role: Role, one_one: bool) -> Role | None:
        """``role`` of a quoted request with what is valid of it; ``None`` when Dialogmelding 1.0 needs a professional
        or a person and neither is left."""
        professional = (
            None if role.professional is None else self.professional(role.professional, "RollerRelatertNotat")
        )
        person = None if role.person is None else self.person(role.person)
        if professional is not None and person is not None:
            person = None  # a role holds one of them
        if not one_one and professional is None and person is None:
            return None
        return Role(
            role=self.coded((*_ROLE, "RolleNotat"), role.role),
            role_to_patient=self.coded((*_ROLE, "RoleToPatient"), role.role_to_patient),
            professional=professional,
            person=person,
        )

    def person(self, person: Person) -> Person:
        at = (*_ROLE, "Person", "Ident", "TypeId")
        return dataclasses.replace(
            person,
            ids=_kept(person.ids, lambda ident: bool(ident.id.strip()) and self.typed(at, ident.type, _PERSON_IDS)),
        )


def _oid(code_list: str) -> str:
    return codelists.get(code_list).oid


def _numbers(own: str | None, others: Iterable[Ident], type_code: str) -> list[str]:
    """The identifiers of ``type_code`` of a party: its own field ``own``, then those among ``others``, stripped."""
    found = [] if own is None else [own]
    found += (ident.id for ident in others if ident.type == type_code)
    return [number.strip() for number in found]


def _first(values: Iterable[str], valid: Callable[[str], bool]) -> str | None:
    return next((value for value in values if valid(value)), None)


def _urls(addresses: tuple[str, ...]) -> tuple[str, ...]:
    """The addresses a ``TeleAddress/@V`` can hold (an xs:anyURI)."""
    return _kept(addresses, lambda address: xsd.is_of_type("anyURI", address))


def _no_her_id(top: Organisation) -> str:
    """What is wrong with the HER-ids of the chain ``top``, level by level: none at any level, or only ones that are
    not HER-ids."""
    shown, problems = [], []
    for level in top.chain:
        idents = [(her, "HER") for her in _numbers(level.her_id, level.ids, "HER")]
        idents += [(enh, "ENH") for enh in _numbers(level.org_number, (), "ENH")]
        idents += [(ident.id.strip(), ident.type) for ident in level.ids if ident.type not in ("HER", "ENH")]
        if level.professional is not None:
            idents += [(her, "HER") for her in _numbers(level.professional.her_id, (), "HER")]
        problems += [problem for number, code in idents if code == "HER" and (problem := ids.her_id_problem(number))]
        listed = ", ".join(f"{code or 'untyped'} {number}" for number, code in idents) or "no identifier"
        shown.append(f"«{level.name.strip()}»: {listed}")
    chain = " > ".join(shown)
    if not problems:
        return f"has no HER-id at any level ({chain})"
    return f"has no valid HER-id at any level ({chain}; {'; '.join(problems)})"


def _unnamed(found: list[tuple[Ident, ids.PersonNumber]]) -> tuple[str, str, str]:
    """Why none of the patient's identifiers ``found`` (with what each number is) names the patient, the rule that
    says so, and what to do instead."""
    if not found:
        return "the message's patient has no identifier", "PATIENT-REQUIRED", "reject the message with an AppRec"
    for ident, number in found:
        kind = ident.type if ident.type in (ids.HNR, ids.FHN) else number.kind
        if kind in (ids.HNR, ids.FHN):
            fault = f"the message's patient has an {ids.NAMES[kind]} (hjelpenummer) {ident.id.strip()}, not a " \
                    "fødselsnummer or D-nummer"  # fmt: skip
            instead = "dialog is not used for a patient who only has a hjelpenummer (seeds 000, 003): phone the " \
                      "sender, or reject the message with an AppRec"  # fmt: skip
            return fault, "NO-HJELPENUMMER", instead
    for ident, number in found:
        if number.kind is not None and number.reason is not None:
            fault = f"the message's patient number {ident.id.strip()} is not a valid {ids.NAMES[number.kind]}: " \
                    f"{number.reason}"  # fmt: skip
            return fault, "NO-HJELPENUMMER", "reject the message with an AppRec"
    types = ", ".join(sorted({ident.type or "untyped" for ident, _ in found}))
    fault = f"the message's patient has no fødselsnummer or D-nummer, only {types}"
    return fault, "PATIENT-REQUIRED", "reject the message with an AppRec"
