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
from typing import Final, cast

from lxml import etree

from ..errors import ParseError
from ..report import Issue, Severity
from ..standards import clock, versions
from ..xml import tree, xsd
from ..xml.loader import Loaded, LoadError, load_each
from ..xml.source import Source, load_source, read_source
from .coded import coded_value
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
_PERSON_NAMES: Final = ("FamilyName", "GivenName", "MiddleName")
#: Deepest organisation chain read (organisation, department, service, ... ); deeper is refused, not recursed into.
MAX_ORGANISATION_LEVELS: Final = 16
#: Elements the model holds any number of.
_REPEATED: Final = frozenset({"Ident", "TeleCom", "RollerRelatertNotat", "TypeJournalinfo", "Document"})


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

    def rest(self, element: etree._Element, handled: set[str], path: str) -> None:
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
        for ident in self.children(element, "Ident"):
            number = self.text(self.child(ident, "Id"), f"{path}/Ident/Id") or ""
            type_id = self.child(ident, "TypeId")
            code = tree.code(type_id)
            field = own.get(code)
            if field is not None and field not in fields:
                fields[field] = number
            else:
                others.append(Ident(number, code))
        return fields, others

    def organisation(self, element: etree._Element, path: str, depth: int = 1) -> Organisation:
        fields, others = self.idents(element, {"HER": "her_id", "ENH": "org_number"}, path)
        unit = self.child(element, "Organisation")
        if unit is not None and next(unit.iterchildren(etree.Element), None) is None:
            unit = None  # an empty Organisation names no one: left out of the chain, as EMPTY-ORGANISATION says
        if unit is not None and depth >= MAX_ORGANISATION_LEVELS:
            self.problem(unit, f"organisations nested deeper than {MAX_ORGANISATION_LEVELS} levels are not read")
            unit = None
        professional = self.child(element, "HealthcareProfessional")
        self.rest(element, {"OrganisationName", "Ident", "Organisation", "HealthcareProfessional"}, path)
        return Organisation(
            name=self.text(self.child(element, "OrganisationName"), f"{path}/OrganisationName") or "",
            ids=tuple(others),
            unit=None if unit is None else self.organisation(unit, f"{path}/Organisation", depth + 1),
            professional=None
            if professional is None
            else self.professional(professional, f"{path}/HealthcareProfessional"),
            **fields,
        )

    def names(self, element: etree._Element, path: str) -> dict[str, str | None]:
        return {
            "family_name": self.text(self.child(element, "FamilyName"), f"{path}/FamilyName"),
            "given_name": self.text(self.child(element, "GivenName"), f"{path}/GivenName"),
            "middle_name": self.text(self.child(element, "MiddleName"), f"{path}/MiddleName"),
        }

    def telecom(self, element: etree._Element) -> tuple[str, ...]:
        addresses = (self.child(telecom, "TeleAddress") for telecom in self.children(element, "TeleCom"))
        return tuple(address.get("V", "") for address in addresses if address is not None)

    def professional(self, element: etree._Element, path: str) -> HealthcareProfessional:
        fields, others = self.idents(element, {"HPR": "hpr", "HER": "her_id"}, path)
        self.rest(element, {"TypeHealthcareProfessional", "RoleToPatient", *_PERSON_NAMES, "Ident", "TeleCom"}, path)
        return HealthcareProfessional(
            **self.names(element, path),
            ids=tuple(others),
            category=_cs(self.child(element, "TypeHealthcareProfessional")),
            role_to_patient=_cv(self.child(element, "RoleToPatient")),
            telecom=self.telecom(element),
            **fields,
        )

    def patient(self, element: etree._Element, path: str) -> Patient:
        _, others = self.idents(element, {}, path)
        self.rest(element, {*_PERSON_NAMES, "DateOfBirth", "Sex", "Ident", "TeleCom"}, path)
        first = others[0] if others else None
        for ident in others[1:]:
            self.unmodelled.append(f"{path}/Ident {ident.type} {ident.id}: only the first identifier is modelled")
        return Patient(
            **self.names(element, path),
            id=None if first is None else first.id,
            id_type=None if first is None else first.type,
            date_of_birth=self.date(self.child(element, "DateOfBirth"), f"{path}/DateOfBirth"),
            sex=_cs(self.child(element, "Sex")),
            telecom=self.telecom(element),
        )

    def person(self, element: etree._Element, path: str) -> Person:
        _, others = self.idents(element, {}, path)
        self.rest(element, {*_PERSON_NAMES, "Ident"}, path)
        return Person(**self.names(element, path), ids=tuple(others))

    # -- body -----------------------------------------------------------------------------------------------------

    def roles(self, element: etree._Element, path: str) -> tuple[Role, ...]:
        roles = []
        for role in self.children(element, "RollerRelatertNotat"):
            at = f"{path}/RollerRelatertNotat"
            professional = self.child(role, "HealthcareProfessional")
            person = self.child(role, "Person")
            self.rest(role, {"RolleNotat", "RoleToPatient", "HealthcareProfessional", "Person"}, at)
            roles.append(
                Role(
                    role=_cv(self.child(role, "RolleNotat")),
                    role_to_patient=_cv(self.child(role, "RoleToPatient")),
                    professional=None
                    if professional is None
                    else self.professional(professional, f"{at}/HealthcareProfessional"),
                    person=None if person is None else self.person(person, f"{at}/Person"),
                )
            )
        return tuple(roles)

    def coded(self, element: etree._Element, name: str, path: str) -> CV:
        found = self.required(element, name, path)
        return CV("") if found is None else coded_value(found)

    def foresporsel(self, element: etree._Element, path: str) -> Foresporsel:
        self.rest(
            element,
            {
                "TypeForesp", "EmneSporsmal", "Sporsmal", "Formål", "Begrunnelse", "Hastegrad", "FraDato", "TilDato",
                "TypeJournalinfo", "KodetOpplysning", "DokIdForesp", "RollerRelatertNotat",
            },
            path,
        )  # fmt: skip
        return Foresporsel(
            type=self.coded(element, "TypeForesp", path),
            question=self.text(self.child(element, "Sporsmal"), f"{path}/Sporsmal"),
            subject=self.text(self.child(element, "EmneSporsmal"), f"{path}/EmneSporsmal"),
            purpose=_cv(self.child(element, "Formål")),
            reason=self.text(self.child(element, "Begrunnelse"), f"{path}/Begrunnelse"),
            urgency=_cs(self.child(element, "Hastegrad")),
            from_date=self.date(self.child(element, "FraDato"), f"{path}/FraDato"),
            to_date=self.date(self.child(element, "TilDato"), f"{path}/TilDato"),
            journal_info=tuple(coded_value(info) for info in self.children(element, "TypeJournalinfo")),
            coded_info=_cv(self.child(element, "KodetOpplysning")),
            doc_id=self.text(self.child(element, "DokIdForesp"), f"{path}/DokIdForesp"),
            roles=self.roles(element, path),
        )

    def notat(self, element: etree._Element, path: str) -> Notat:
        quoted = self.child(element, "Foresporsel")
        self.rest(
            element,
            {"TemaKodet", "Tema", "TekstNotatInnhold", "Merknad", "DokIdNotat", "DatoNotat", "Foresporsel",
             "RollerRelatertNotat"},
            path,
        )  # fmt: skip
        return Notat(
            topic=self.coded(element, "TemaKodet", path),
            title=self.text(self.child(element, "Tema"), f"{path}/Tema"),
            text=self.text(self.child(element, "TekstNotatInnhold"), f"{path}/TekstNotatInnhold"),
            remark=self.text(self.child(element, "Merknad"), f"{path}/Merknad"),
            doc_id=self.text(self.child(element, "DokIdNotat"), f"{path}/DokIdNotat"),
            date=self.date(self.child(element, "DatoNotat"), f"{path}/DatoNotat"),
            quoted=None if quoted is None else self.foresporsel(quoted, f"{path}/Foresporsel"),
            roles=self.roles(element, path),
        )

    def body(self, dialog: etree._Element) -> Foresporsel | Notat | None:
        self.rest(dialog, {"Foresporsel", "Notat"}, "Dialogmelding")
        self.read(dialog)
        first = next((child for name, child in self._ordered[dialog] if name in {"Foresporsel", "Notat"}), None)
        if first is None:
            self.problem(dialog, "the Dialogmelding holds no Foresporsel or Notat")
            return None
        path = f"Dialogmelding/{_name(first)}"
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
        self.rest(msghead, {"MsgInfo", "Document"}, "MsgHead")
        self.rest(
            info,
            {"Type", "GenDate", "MsgId", "Ack", "ConversationRef", "Sender", "Receiver", "Patient"},
            "MsgInfo",
        )
        type_el = self.required(info, "Type", "MsgInfo")
        gen_el = self.required(info, "GenDate", "MsgInfo")
        msg_id = self.text(self.required(info, "MsgId", "MsgInfo"), "MsgInfo/MsgId")
        ack = self.child(info, "Ack")
        ref = self.child(info, "ConversationRef")
        patient = self.child(info, "Patient")
        sender = self.party(info, "Sender")
        receiver = self.party(info, "Receiver")
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
        gen_date = None if gen_el is None else self.timestamp(gen_el, "MsgInfo/GenDate")
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
            patient=None if patient is None else self.patient(patient, "MsgInfo/Patient"),
            ack=None if ack is None else tree.code(ack),
            conversation=None if ref is None else self.conversation(ref),
            unmodelled=tuple(self.unmodelled),
            documents=tuple(further),
        )

    def conversation(self, element: etree._Element) -> ConversationRef:
        self.rest(element, {"RefToParent", "RefToConversation"}, "MsgInfo/ConversationRef")
        return ConversationRef(
            parent=self.text(self.child(element, "RefToParent"), "RefToParent") or "",
            conversation=self.text(self.child(element, "RefToConversation"), "RefToConversation") or "",
        )

    def received(self, msghead: etree._Element, version: DialogVersion | None) -> Received:
        """What a reply needs of ``msghead`` (whose Dialogmelding is ``version``, ``None`` for another body), read
        part by part: a part that is missing or faulty is ``None`` or read as far as it goes. Only a missing MsgId
        raises :class:`ParseError`: without it there is nothing a reply can refer to."""
        info = self.child(msghead, "MsgInfo")
        msg_id = None if info is None else self.text(self.child(info, "MsgId"), "MsgInfo/MsgId")
        if info is None or not (msg_id or "").strip():
            where = msghead if info is None else info
            self.problem(where, "the message has no MsgId (MsgInfo/MsgId), so no reply can refer to it")
            raise ParseError(tuple(self.issues))
        assert msg_id is not None  # not empty, as just checked
        parties = {}
        for role in ("Sender", "Receiver"):
            organisation = tree.path(info, role, "Organisation")
            path = f"MsgInfo/{role}/Organisation"
            parties[role] = None if organisation is None else self.organisation(organisation, path)
        patient = self.child(info, "Patient")
        ref = self.child(info, "ConversationRef")
        body = None
        if version is not None:
            documents = self.children(msghead, "Document")
            dialog = _carried(documents, tree.body_document(documents))[1]
            body = None if dialog is None else self.body(dialog)
        return Received(
            msg_id=msg_id.strip(),
            kind=tree.code(self.child(info, "Type")),
            version=version,
            conversation=None if ref is None else self.conversation(ref),
            sender=parties["Sender"],
            receiver=parties["Receiver"],
            patient=None if patient is None else self.patient(patient, "MsgInfo/Patient"),
            patient_ids=() if patient is None else tuple(self.idents(patient, {}, "MsgInfo/Patient")[1]),
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
