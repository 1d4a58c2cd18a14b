"""A readable account of a parsed Dialogmelding: what ``dmtool parse`` prints, and what ``dmtool serve``'s page shows
as a receiving EPJ would (sender, receiver, patient, references, the question or note).

:func:`facts` gives the account as data, one :class:`Fact` per line of it; :func:`lines` writes it as text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, Literal

from ..standards import codelists
from .model import CS, CV, HealthcareProfessional, Ident, Message, Organisation, Patient

#: The parts of the account, in the order :func:`facts` gives them.
Section = Literal["message", "sender", "receiver", "patient", "references", "body", "documents", "unmodelled"]
#: The width of a label in :func:`lines`.
_LABEL: Final = 14


@dataclass(frozen=True)
class Fact:
    """One line of the account: its ``section``, its ``label`` (``""``: it goes on with the fact above) and its
    ``text`` (a body's field may hold several lines). ``detail``: a part of the fact above it, listed under it (a
    field of the body, one thing the model does not hold)."""

    section: Section
    label: str
    text: str
    detail: bool = False


def coded(value: CV | CS) -> str:
    """``code display`` and, for a CV, its code list (the list number for a Volven OID) and original text."""
    text = " ".join(part for part in (value.code, value.display) if part)
    if isinstance(value, CV) and value.system:
        text += f" [{value.system.removeprefix(codelists.OID_PREFIX)}]"
    if isinstance(value, CV) and value.original_text:
        text += f" ({value.original_text})"
    return text


def _full_name(person: HealthcareProfessional | Patient) -> str:
    return " ".join(part for part in (person.given_name, person.middle_name, person.family_name) if part)


def _idents(pairs: list[tuple[str, str | None]], ids: tuple[Ident, ...]) -> str:
    listed = [f"{label} {value}" for label, value in pairs if value] + [f"{ident.type} {ident.id}" for ident in ids]
    return ", ".join(listed)


def _level(org: Organisation) -> str:
    idents = _idents([("HER", org.her_id), ("org.nr", org.org_number)], org.ids)
    return f"{org.name} ({idents})" if idents else org.name


def _party(section: Literal["sender", "receiver"], org: Organisation) -> list[Fact]:
    facts = [Fact(section, section, " > ".join(_level(level) for level in org.chain))]
    for level in org.chain:
        person = level.professional
        if person is not None:
            idents = _idents([("HPR", person.hpr), ("HER", person.her_id)], person.ids)
            category = f", {coded(person.category)}" if person.category else ""
            facts.append(Fact(section, "", f"professional at {level.name}: {_full_name(person)} ({idents}{category})"))
    return facts


def _patient(patient: Patient) -> str:
    parts = [_full_name(patient) or "(no name)"]
    if patient.id:
        parts.append(f"{patient.id_type or 'id'} {patient.id}")
    if patient.date_of_birth:
        parts.append(f"born {patient.date_of_birth.isoformat()}")
    if patient.sex:
        parts.append(f"sex {coded(patient.sex)}")
    parts.extend(patient.telecom)
    return ", ".join(parts)


def _fields(value: object, prefix: str) -> Iterator[tuple[str, str]]:
    """(key path, shown value) for every non-empty field of a body, nested fields with dotted keys."""
    if isinstance(value, CV | CS):
        yield prefix, coded(value)
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _fields(item, f"{prefix}[{index}]")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            inner = getattr(value, item.name)
            if inner is not None and inner != ():
                yield from _fields(inner, f"{prefix}.{item.name}" if prefix else item.name)
    elif isinstance(value, dt.date):
        yield prefix, value.isoformat()
    else:
        yield prefix, str(value)


def facts(message: Message) -> list[Fact]:
    """The account of ``message``, one :class:`Fact` per line, section by section in :data:`Section`'s order."""
    kind = codelists.get("8279").codes.get(message.kind)
    found = [
        Fact("message", "kind", message.kind + (f" ({kind})" if kind else "")),
        Fact("message", "version", f"Dialogmelding {message.version}"),
        Fact("message", "MsgId", message.msg_id),
        Fact("message", "GenDate", message.gen_date.isoformat()),
    ]
    if message.ack is not None:
        found.append(Fact("message", "Ack", coded(CS(message.ack, codelists.get("7304").codes.get(message.ack)))))
    found += _party("sender", message.sender)
    found += _party("receiver", message.receiver)
    found.append(Fact("receiver", "service", _level(message.receiver.service)))
    if message.patient is not None:
        found.append(Fact("patient", "patient", _patient(message.patient)))
    if message.conversation is not None:
        found.append(Fact("references", "RefToParent", message.conversation.parent))
        found.append(Fact("references", "RefToConv.", message.conversation.conversation))
    found.append(Fact("body", "body", type(message.body).__name__))
    found += [Fact("body", key, shown, detail=True) for key, shown in _fields(message.body, "")]
    for document in message.documents:
        what = ", ".join(part for part in (
            f"MsgType {document.msg_type}" if document.msg_type else "",
            document.mime_type or "",
            f"{document.root} in {document.namespace or 'no namespace'}" if document.root else "",
        ) if part)  # fmt: skip
        found.append(Fact("documents", "document", f"line {document.line}: {what or 'empty'}"))
    if message.unmodelled:
        found.append(Fact("unmodelled", "unmodelled", ""))
        found += [Fact("unmodelled", "", item, detail=True) for item in message.unmodelled]
    return found


def lines(message: Message) -> list[str]:
    """The account of ``message`` as text, one line per fact (what ``dmtool parse`` prints): a label and its text, a
    detail indented under the fact it belongs to (``key: value``, a body field's further lines below its first)."""
    written: list[str] = []
    for fact in facts(message):
        if not fact.detail:
            written.append(f"{fact.label:<{_LABEL}}{fact.text}" if fact.text else fact.label)
            continue
        if not fact.label:
            written.append(f"  {fact.text}")
            continue
        first, *rest = fact.text.splitlines() or [""]
        written.append(f"  {fact.label}: {first}")
        written += [f"  {'':<{len(fact.label)}}  {line}" for line in rest]
    return written
