"""XML to model: :func:`parse` reads a MsgHead with a Dialogmelding 1.0 or 1.1 body into a :class:`Message`.

Parsing is lenient where real files are odd and precise about it. Elements are found by name whatever their
namespace prefix or order, ``xsi:type`` and other extra attributes are ignored, ISO-8859-1 and vendor envelopes are
handled by the safe loader, and markup inside a text field is flattened to its text. Anything the model does not hold
is listed in :attr:`Message.unmodelled` with its line. What the model cannot do without (MsgId, GenDate, sender,
receiver, a body, its code) raises :class:`~dmtool.errors.ParseError` listing every such problem at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from typing import Any, Final, cast, get_origin, get_type_hints

from lxml import etree

from ..errors import ParseError
from ..report import Issue, Severity
from ..standards import clock, versions
from ..xml import tree, xsd
from ..xml.loader import Loaded, LoadError, load_each
from ..xml.source import Source, load_source, read_source
from .coded import coded_value
from .fields import FieldInfo, declared
from .model import (
    CS,
    CV,
    ConversationRef,
    DialogVersion,
    Foresporsel,
    FurtherDocument,
    HealthcareProfessional,
    Ident,
    Message,
    Notat,
    Organisation,
    Patient,
    Person,
    Received,
    Role,
)

_DATE: Final = re.compile(r"(-?\d{4,}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?")
_VERSIONS: Final = cast("dict[str, DialogVersion]", {found.label: found.number for found in versions.of("dialog")})
#: Envelope elements that only say what the model already implies; they are regenerated, not reported.
_IMPLIED: Final = frozenset({"MIGversion", "IssueDate", "MsgType", "ContentDescription"})
#: Deepest organisation chain read (organisation, department, service, ... ); deeper is refused, not recursed into.
MAX_ORGANISATION_LEVELS: Final = 16

#: The binding of each model class the reader reads, declared on the model (:mod:`dmtool.dialog.fields`), as the
#: writer writes it: the reader takes the element names of the fields from it.
_ORGANISATION: Final = declared(Organisation)
_PROFESSIONAL: Final = declared(HealthcareProfessional)
_PATIENT: Final = declared(Patient)
_PERSON: Final = declared(Person)
_ROLE: Final = declared(Role)
_CONVERSATION: Final = declared(ConversationRef)
_FORESPORSEL: Final = declared(Foresporsel)
_NOTAT: Final = declared(Notat)
_MESSAGE: Final = declared(Message)
_IDENT: Final = declared(Ident)
#: The fields of a person's names, in the order they are read.
_NAMES: Final = ("family_name", "given_name", "middle_name")


def _handled(bound: Mapping[str, FieldInfo]) -> frozenset[str]:
    """The child elements the fields of ``bound`` are read from (``Ident`` for a field bound to ``Ident/Id``)."""
    return frozenset(item.element.split("/")[0] for item in bound.values() if not item.attribute)


def _own_ids(bound: Mapping[str, FieldInfo]) -> dict[str, str]:
    """The identifier type codes of ``bound`` with a field of their own (``HER`` -> ``her_id``, ...)."""
    return {item.ident_type: name for name, item in bound.items() if item.ident_type is not None}


def _repeated(*classes: type[Any]) -> frozenset[str]:
    """The elements of the fields of ``classes`` that hold any number of values (a tuple)."""
    return frozenset(
        item.element
        for cls in classes
        for name, hint in get_type_hints(cls).items()
        if get_origin(hint) is tuple and (item := declared(cls).get(name)) is not None
    )


#: The children of each model element that the model holds; the others are listed as unmodelled.
_HANDLED_ORGANISATION: Final = _handled(_ORGANISATION)
_HANDLED_PROFESSIONAL: Final = _handled(_PROFESSIONAL)
_HANDLED_PATIENT: Final = _handled(_PATIENT)
_HANDLED_PERSON: Final = _handled(_PERSON)
_HANDLED_ROLE: Final = _handled(_ROLE)
_HANDLED_FORESPORSEL: Final = _handled(_FORESPORSEL)
_HANDLED_NOTAT: Final = _handled(_NOTAT)
_HANDLED_CONVERSATION: Final = _handled(_CONVERSATION)
#: MsgInfo holds the fields of the message but its body, which is carried in a Document.
_HANDLED_INFO: Final = _handled(_MESSAGE) - {_MESSAGE["body"].element}
#: The identifier types with a field of their own in an organisation and in a health professional.
_ORGANISATION_IDS: Final = _own_ids(_ORGANISATION)
_PROFESSIONAL_IDS: Final = _own_ids(_PROFESSIONAL)
#: Elements the model holds any number of: those of its tuple fields, and the envelope's Documents.
_REPEATED: Final = _repeated(Organisation, HealthcareProfessional, Patient, Person, Foresporsel, Notat) | {"Document"}


_name = tree.name
_child = tree.child


def _cv(element: etree._Element | None) -> CV | None:
    return None if element is None else coded_value(element)


def _cs(element: etree._Element | None) -> CS | None:
    return None if element is None else CS(tree.code(element), element.get("DN"))


class _Reader:
    """Reads one MsgHead; collects problems in ``issues`` and what the model leaves out in ``unmodelled``."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []
        self.unmodelled: list[str] = []
        #: The child elements of each element looked into, read once (:meth:`read`): by local name, each list in
        #: document order, and all of them in document order with their local names.
        self._named: dict[etree._Element, dict[str, list[etree._Element]]] = {}
        self._ordered: dict[etree._Element, list[tuple[str, etree._Element]]] = {}

    def read(self, element: etree._Element) -> dict[str, list[etree._Element]]:
        """The child elements of ``element`` by local name, each list in document order: read in one pass the first
        time, for every later question about them (a search of the children for each name in turn made about 90
        passes over children per message)."""
        named = self._named.get(element)
        if named is None:
            named = self._named[element] = {}
            ordered = self._ordered[element] = []
            for item in element:
                local = tree.local_name(item.tag)  # "" for a comment or a processing instruction
                if local:
                    ordered.append((local, item))
                    same = named.get(local)
                    if same is None:
                        named[local] = [item]
                    else:
                        same.append(item)
        return named

    def child(self, element: etree._Element, name: str) -> etree._Element | None:
        """The first child element of ``element`` named ``name``, or ``None``."""
        named = self._named.get(element)
        found = (self.read(element) if named is None else named).get(name)
        return found[0] if found else None

    def children(self, element: etree._Element, name: str) -> list[etree._Element]:
        """The child elements of ``element`` named ``name``, in document order."""
        named = self._named.get(element)
        return (self.read(element) if named is None else named).get(name, [])

    def problem(self, element: etree._Element, message: str) -> None:
        self.issues.append(Issue("XSD", Severity.ERROR, message, element.sourceline))

    def note(self, element: etree._Element, what: str) -> None:
        self.unmodelled.append(f"line {element.sourceline}: {what} is not part of the model")

    def rest(self, element: etree._Element, handled: Collection[str], path: str) -> None:
        """Note every child of ``element`` that the model does not hold (beyond ``handled``)."""
        counts: dict[str, int] = {}
        self.read(element)
        for name, child in self._ordered[element]:
            counts[name] = counts.get(name, 0) + 1
            if name in _IMPLIED:
                continue
            if name not in handled:
                self.note(child, f"{path}/{name}")
            elif counts[name] > 1 and name not in _REPEATED:
                self.unmodelled.append(
                    f"line {child.sourceline}: {path}/{name} (a further one) is not part of the model"
                )

    def required(self, element: etree._Element, name: str, path: str) -> etree._Element | None:
        found = self.child(element, name)
        if found is None:
            self.problem(element, f"{path} has no {name}")
        return found

    def text(self, element: etree._Element | None, path: str) -> str | None:
        if element is None:
            return None
        if tree.has_markup(element):
            self.unmodelled.append(f"line {element.sourceline}: markup in {path} was flattened to plain text")
        return tree.text(element)

    def date(self, element: etree._Element | None, path: str) -> dt.date | None:
        if element is None:
            return None
        text = tree.text(element) or ""
        value = text.strip()
        match = _DATE.fullmatch(value)
        try:
            if match is None:
                raise ValueError
            return dt.date.fromisoformat(match.group(1))
        except ValueError:
            if xsd.is_of_type("date", text):  # the schema takes it (a year past 9999): no model can
                self.unmodelled.append(
                    f"line {element.sourceline}: {path} {value!r} is an xs:date outside the years 1 to 9999, which "
                    "dmtool cannot hold; it was left out"
                )
            else:
                self.problem(element, f"{path} {value!r} is not a date (YYYY-MM-DD)")
            return None

    def timestamp(self, element: etree._Element, path: str) -> dt.datetime | None:
        text = tree.text(element) or ""
        parsed = clock.parse_timestamp(text)
        if parsed is None:
            self.issues.append(xsd.timestamp_issue(path, text, element.sourceline))
        return parsed

    # -- identifiers and parties ----------------------------------------------------------------------------------

    def idents(self, element: etree._Element, own: dict[str, str], path: str) -> tuple[dict[str, str], list[Ident]]:
        """Identifiers of ``element``: the first of each type in ``own`` (type code -> field) and the others."""
        fields: dict[str, str] = {}
        others: list[Ident] = []
        id_name, type_name = _IDENT["id"].element, _IDENT["type"].element
        for ident in self.children(element, "Ident"):  # no field of its own: a class, as in the writer
            number = self.text(self.child(ident, id_name), f"{path}/Ident/{id_name}") or ""
            type_id = self.child(ident, type_name)
            code = tree.code(type_id)
            field = own.get(code)
            if field is not None and field not in fields:
                fields[field] = number
            else:
                others.append(Ident(number, code))
        return fields, others

    def organisation(self, element: etree._Element, path: str, depth: int = 1) -> Organisation:
        bound = _ORGANISATION
        fields, others = self.idents(element, _ORGANISATION_IDS, path)
        unit = self.child(element, bound["unit"].element)
        if unit is not None and not tree.has_markup(unit):
            unit = None  # an empty Organisation names no one: left out of the chain, as EMPTY-ORGANISATION says
        if unit is not None and depth >= MAX_ORGANISATION_LEVELS:
            self.problem(unit, f"organisations nested deeper than {MAX_ORGANISATION_LEVELS} levels are not read")
            unit = None
        professional = self.child(element, bound["professional"].element)
        self.rest(element, _HANDLED_ORGANISATION, path)
        return Organisation(
            name=self.field_text(element, bound, "name", path) or "",
            ids=tuple(others),
            unit=None if unit is None else self.organisation(unit, f"{path}/{bound['unit'].element}", depth + 1),
            professional=None
            if professional is None
            else self.professional(professional, f"{path}/{bound['professional'].element}"),
            **fields,
        )

    def names(self, element: etree._Element, bound: Mapping[str, FieldInfo], path: str) -> dict[str, str | None]:
        """The names of the person ``element`` (whose class's binding is ``bound``), by field."""
        return {field: self.field_text(element, bound, field, path) for field in _NAMES}

    def telecom(self, element: etree._Element, bound: Mapping[str, FieldInfo]) -> tuple[str, ...]:
        telecoms = self.children(element, bound["telecom"].element)
        addresses = (self.child(telecom, "TeleAddress") for telecom in telecoms)
        return tuple(address.get("V", "") for address in addresses if address is not None)

    def professional(self, element: etree._Element, path: str) -> HealthcareProfessional:
        bound = _PROFESSIONAL
        fields, others = self.idents(element, _PROFESSIONAL_IDS, path)
        self.rest(element, _HANDLED_PROFESSIONAL, path)
        return HealthcareProfessional(
            **self.names(element, bound, path),
            ids=tuple(others),
            category=_cs(self.child(element, bound["category"].element)),
            role_to_patient=_cv(self.child(element, bound["role_to_patient"].element)),
            telecom=self.telecom(element, bound),
            **fields,
        )

    def patient(self, element: etree._Element, path: str) -> Patient:
        bound = _PATIENT
        _, others = self.idents(element, {}, path)
        self.rest(element, _HANDLED_PATIENT, path)
        first = others[0] if others else None
        for ident in others[1:]:
            self.unmodelled.append(f"{path}/Ident {ident.type} {ident.id}: only the first identifier is modelled")
        return Patient(
            **self.names(element, bound, path),
            id=None if first is None else first.id,
            id_type=None if first is None else first.type,
            date_of_birth=self.field_date(element, bound, "date_of_birth", path),
            sex=_cs(self.child(element, bound["sex"].element)),
            telecom=self.telecom(element, bound),
        )

    def person(self, element: etree._Element, path: str) -> Person:
        _, others = self.idents(element, {}, path)
        self.rest(element, _HANDLED_PERSON, path)
        return Person(**self.names(element, _PERSON, path), ids=tuple(others))

    # -- body -----------------------------------------------------------------------------------------------------

    def roles(self, element: etree._Element, roles_name: str, path: str) -> tuple[Role, ...]:
        """The roles of ``element``, read from its children ``roles_name``."""
        bound = _ROLE
        professional_name, person_name = bound["professional"].element, bound["person"].element
        roles = []
        for role in self.children(element, roles_name):
            at = f"{path}/{roles_name}"
            professional = self.child(role, professional_name)
            person = self.child(role, person_name)
            self.rest(role, _HANDLED_ROLE, at)
            roles.append(
                Role(
                    role=_cv(self.child(role, bound["role"].element)),
                    role_to_patient=_cv(self.child(role, bound["role_to_patient"].element)),
                    professional=None
                    if professional is None
                    else self.professional(professional, f"{at}/{professional_name}"),
                    person=None if person is None else self.person(person, f"{at}/{person_name}"),
                )
            )
        return tuple(roles)

    def coded(self, element: etree._Element, name: str, path: str) -> CV:
        found = self.required(element, name, path)
        return CV("") if found is None else coded_value(found)

    def field_text(self, element: etree._Element, bound: Mapping[str, FieldInfo], field: str, path: str) -> str | None:
        """The text of the child of ``element`` that holds ``field`` (``bound`` is its class's binding), if any."""
        name = bound[field].element
        return self.text(self.child(element, name), f"{path}/{name}")

    def field_date(
        self, element: etree._Element, bound: Mapping[str, FieldInfo], field: str, path: str
    ) -> dt.date | None:
        """The date in the child of ``element`` that holds ``field`` (``bound`` is its class's binding), if any."""
        name = bound[field].element
        return self.date(self.child(element, name), f"{path}/{name}")

    def foresporsel(self, element: etree._Element, path: str) -> Foresporsel:
        bound = _FORESPORSEL
        self.rest(element, _HANDLED_FORESPORSEL, path)
        return Foresporsel(
            type=self.coded(element, bound["type"].element, path),
            question=self.field_text(element, bound, "question", path),
            subject=self.field_text(element, bound, "subject", path),
            purpose=_cv(self.child(element, bound["purpose"].element)),
            reason=self.field_text(element, bound, "reason", path),
            urgency=_cs(self.child(element, bound["urgency"].element)),
            from_date=self.field_date(element, bound, "from_date", path),
            to_date=self.field_date(element, bound, "to_date", path),
            journal_info=tuple(coded_value(info) for info in self.children(element, bound["journal_info"].element)),
            coded_info=_cv(self.child(element, bound["coded_info"].element)),
            doc_id=self.field_text(element, bound, "doc_id", path),
            roles=self.roles(element, bound["roles"].element, path),
        )

    def notat(self, element: etree._Element, path: str) -> Notat:
        bound = _NOTAT
        quoted_name = bound["quoted"].element
        quoted = self.child(element, quoted_name)
        self.rest(element, _HANDLED_NOTAT, path)
        return Notat(
            topic=self.coded(element, bound["topic"].element, path),
            title=self.field_text(element, bound, "title", path),
            text=self.field_text(element, bound, "text", path),
            remark=self.field_text(element, bound, "remark", path),
            doc_id=self.field_text(element, bound, "doc_id", path),
            date=self.field_date(element, bound, "date", path),
            quoted=None if quoted is None else self.foresporsel(quoted, f"{path}/{quoted_name}"),
            roles=self.roles(element, bound["roles"].element, path),
        )

    def body(self, dialog: etree._Element) -> Foresporsel | Notat | None:
        body = _MESSAGE["body"].element
        self.rest(dialog, {"Foresporsel", "Notat"}, body)
        self.read(dialog)
        first = next((child for name, child in self._ordered[dialog] if name in {"Foresporsel", "Notat"}), None)
        if first is None:
            self.problem(dialog, "the Dialogmelding holds no Foresporsel or Notat")
            return None
        path = f"{body}/{_name(first)}"
        return self.foresporsel(first, path) if _name(first) == "Foresporsel" else self.notat(first, path)

    # -- envelope -------------------------------------------------------------------------------------------------

    def party(self, info: etree._Element, role: str) -> Organisation | None:
        element = self.required(info, role, "MsgInfo")
        if element is None:
            return None
        self.rest(element, {"Organisation"}, f"MsgInfo/{role}")
        organisation = self.required(element, "Organisation", f"MsgInfo/{role}")
        return None if organisation is None else self.organisation(organisation, f"MsgInfo/{role}/Organisation")

    def message(self, msghead: etree._Element, version: DialogVersion) -> Message:
        info = self.child(msghead, "MsgInfo")
        if info is None:
            self.problem(msghead, "the MsgHead has no MsgInfo")
            raise ParseError(tuple(self.issues))
        bound = _MESSAGE
        self.rest(msghead, {"MsgInfo", "Document"}, "MsgHead")
        self.rest(info, _HANDLED_INFO, "MsgInfo")
        type_el = self.required(info, bound["kind"].element, "MsgInfo")
        gen_el = self.required(info, bound["gen_date"].element, "MsgInfo")
        id_name = bound["msg_id"].element
        msg_id = self.text(self.required(info, id_name, "MsgInfo"), f"MsgInfo/{id_name}")
        ack = self.child(info, bound["ack"].element)
        ref = self.child(info, bound["conversation"].element)
        patient_name = bound["patient"].element
        patient = self.child(info, patient_name)
        sender = self.party(info, bound["sender"].element)
        receiver = self.party(info, bound["receiver"].element)
        documents = self.children(msghead, "Document")
        at = tree.body_document(documents)
        further = []
        for index, extra in enumerate(documents):
            if index != at:
                self.unmodelled.append(
                    f"line {extra.sourceline}: MsgHead/Document (a further document) is not part of the model"
                )
                further.append(_described(extra))
        ref_doc, dialog = _carried(documents, at)
        if documents:
            self.rest(documents[at], {"RefDoc"}, "Document")
        if ref_doc is not None:
            self.rest(ref_doc, {"Content"}, "Document/RefDoc")
        body = None if dialog is None else self.body(dialog)
        gen_date = None if gen_el is None else self.timestamp(gen_el, f"MsgInfo/{bound['gen_date'].element}")
        if (
            self.issues
            or type_el is None
            or msg_id is None
            or gen_date is None
            or sender is None
            or receiver is None
            or body is None
        ):
            raise ParseError(tuple(self.issues))
        return Message(
            kind=tree.code(type_el),
            version=version,
            msg_id=msg_id,
            gen_date=gen_date,
            sender=sender,
            receiver=receiver,
            body=body,
            patient=None if patient is None else self.patient(patient, f"MsgInfo/{patient_name}"),
            ack=None if ack is None else tree.code(ack),
            conversation=None if ref is None else self.conversation(ref),
            unmodelled=tuple(self.unmodelled),
            documents=tuple(further),
        )

    def conversation(self, element: etree._Element) -> ConversationRef:
        bound = _CONVERSATION
        self.rest(element, _HANDLED_CONVERSATION, f"MsgInfo/{_MESSAGE['conversation'].element}")
        parent, conversation = bound["parent"].element, bound["conversation"].element
        return ConversationRef(
            parent=self.text(self.child(element, parent), parent) or "",
            conversation=self.text(self.child(element, conversation), conversation) or "",
        )

    def received(self, msghead: etree._Element, version: DialogVersion | None) -> Received:
        """What a reply needs of ``msghead`` (whose Dialogmelding is ``version``, ``None`` for another body), read
        part by part: a part that is missing or faulty is ``None`` or read as far as it goes. Only a missing MsgId
        raises :class:`ParseError`: without it there is nothing a reply can refer to."""
        bound = _MESSAGE
        info = self.child(msghead, "MsgInfo")
        id_name = bound["msg_id"].element
        msg_id = None if info is None else self.text(self.child(info, id_name), f"MsgInfo/{id_name}")
        if info is None or not (msg_id or "").strip():
            where = msghead if info is None else info
            self.problem(where, "the message has no MsgId (MsgInfo/MsgId), so no reply can refer to it")
            raise ParseError(tuple(self.issues))
        assert msg_id is not None  # not empty, as just checked
        parties: dict[str, Organisation | None] = {}
        for field in ("sender", "receiver"):
            role = bound[field].element
            organisation = tree.path(info, role, "Organisation")
            path = f"MsgInfo/{role}/Organisation"
            parties[field] = None if organisation is None else self.organisation(organisation, path)
        patient_name = bound["patient"].element
        patient = self.child(info, patient_name)
        ref = self.child(info, bound["conversation"].element)
        body = None
        if version is not None:
            documents = self.children(msghead, "Document")
            dialog = _carried(documents, tree.body_document(documents))[1]
            body = None if dialog is None else self.body(dialog)
        return Received(
            msg_id=msg_id.strip(),
            kind=tree.code(self.child(info, bound["kind"].element)),
            version=version,
            conversation=None if ref is None else self.conversation(ref),
            sender=parties["sender"],
            receiver=parties["receiver"],
            patient=None if patient is None else self.patient(patient, f"MsgInfo/{patient_name}"),
            patient_ids=() if patient is None else tuple(self.idents(patient, {}, f"MsgInfo/{patient_name}")[1]),
            body=body,
        )


def _carried(documents: list[etree._Element], at: int) -> tuple[etree._Element | None, etree._Element | None]:
    """The ``RefDoc`` of ``documents[at]`` and the first element in its ``Content`` (``None`` for what is missing)."""
    ref_doc = _child(documents[at], "RefDoc") if documents else None
    content = None if ref_doc is None else _child(ref_doc, "Content")
    return ref_doc, None if content is None else next(content.iterchildren(etree.Element), None)


def _described(document: etree._Element) -> FurtherDocument:
    """What a further ``Document`` is: its RefDoc's MsgType and MimeType, and the element in its Content."""
    ref_doc, inside = _carried([document], 0)
    mime = None if ref_doc is None else tree.text(_child(ref_doc, "MimeType"))
    return FurtherDocument(
        msg_type=None if ref_doc is None else (tree.code(_child(ref_doc, "MsgType")) or None),
        mime_type=None if mime is None else mime.strip(),
        namespace=None if inside is None else etree.QName(inside).namespace,
        root=None if inside is None else tree.local_name(inside.tag),
        line=document.sourceline,
    )


def parse(source: Source) -> Message:
    """Read the Dialogmelding in ``source`` (a path, the bytes, or a binary file) into a :class:`Message`.

    Raises :class:`~dmtool.errors.ParseError` when the source is not well-formed, not a MsgHead with a Dialogmelding
    1.0 or 1.1 body (a file holding several messages is not one: :func:`parse_each` reads each), or lacks what the
    model needs; :class:`OSError` when a path cannot be read.
    """
    loaded = load_source(source)
    return _message(loaded)


def parse_each(source: Source) -> list[Message | ParseError]:
    """Read every message in ``source``, in the order of the file: for each, its :class:`Message`, or the
    :class:`~dmtool.errors.ParseError` :func:`parse` would raise for it alone. One entry per report of
    :func:`dmtool.validate_each` on the same source (a file that is not XML: one ``ParseError``); nothing is raised
    but :class:`OSError` when a path cannot be read."""
    data, _ = read_source(source)
    try:
        found = load_each(data)
    except LoadError as exc:
        return [ParseError((exc.issue,))]
    results: list[Message | ParseError] = []
    for loaded in found:
        try:
            results.append(_message(loaded))
        except ParseError as error:
            results.append(error)
    return results


def _message(loaded: Loaded) -> Message:
    """The :class:`Message` of the one message ``loaded``; :class:`~dmtool.errors.ParseError` when it is none."""
    if loaded.problems:
        raise ParseError(loaded.problems)
    if loaded.kind != "msghead" or loaded.version not in _VERSIONS:
        raise ParseError(
            (
                Issue(
                    "UNSUPPORTED-MESSAGE",
                    Severity.ERROR,
                    f"the input is {'an AppRec' if loaded.kind == 'apprec' else 'not a MsgHead'}: "
                    "dmtool.parse reads a Dialogmelding in a MsgHead",
                    None,
                ),
            )
        )
    return _Reader().message(loaded.element, _VERSIONS[loaded.version])


def received(source: Source) -> Received:
    """What a reply needs of the MsgHead in ``source`` (a path, the bytes, or a binary file): its MsgId, type,
    thread, parties, patient and, when its body is a Dialogmelding, the request or note in it.

    Read leniently, for answering messages with faults (:func:`dmtool.dialog.compose.avvik`,
    :func:`dmtool.dialog.compose.svar`):
    any ``MsgInfo/Type``, any body or none, in a wrapper or not; what is missing or faulty is left ``None`` or read
    as far as it goes. Raises :class:`~dmtool.errors.ParseError` when the source is not well-formed, holds no MsgHead
    (an AppRec is never answered) or its MsgHead has no MsgId; :class:`OSError` when a path cannot be read.
    """
    loaded = load_source(source)
    if loaded.kind == "apprec":
        message = "the input is an AppRec: a receipt is answered by nothing, neither a svar nor an avvik nor an AppRec"
        raise ParseError((Issue("UNSUPPORTED-MESSAGE", Severity.ERROR, message, None),))
    if loaded.kind != "msghead":
        raise ParseError(loaded.problems)
    version = None if loaded.version is None else _VERSIONS.get(loaded.version)
    return _Reader().received(loaded.element, version)
