"""Model to XML: :func:`to_xml` writes a :class:`~dmtool.dialog.model.Message` as a MsgHead 1.2 with its Dialogmelding.

A pure serializer: the output is UTF-8, deterministic (the same message gives the same bytes) and valid against
dmtool's schemas: the tree is validated before it is returned. What the schema cannot tell precisely (a field only
allowed in 1.1, an organisation without an identifier, text with characters XML cannot hold) is checked first and
reported as a :class:`~dmtool.errors.BuildError` naming the field. The guideline rules are not its concern: the
strict gate over it, :func:`dmtool.to_xml`, is :mod:`dmtool.build`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from typing import Final, cast

from lxml import etree

from ..errors import BuildError
from ..standards import clock, codelists, versions
from ..standards import namespaces as ns
from ..xml import parsing, xsd
from . import fields
from .fields import FieldInfo, declared
from .model import (
    CS,
    CV,
    DIALOG_VERSIONS,
    ConversationRef,
    DialogVersion,
    Foresporsel,
    HealthcareProfessional,
    Ident,
    Kind,
    Message,
    Notat,
    Organisation,
    Patient,
    Person,
    Role,
)

MIG_VERSION: Final = versions.mig_versions("msghead")["1.2"]
DIALOG_NAMESPACES: Final = cast("dict[DialogVersion, str]", versions.namespaces("dialog"))
#: The characters XML 1.0 can carry (a character class's contents), and those it cannot, even escaped.
_XML_CHARS: Final = "\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff"
_NOT_XML_CHAR: Final = re.compile(f"[^{_XML_CHARS}]")
_OID: Final = re.compile(r"\d+(?:\.\d+)*")  # the schemas' oid pattern
#: The binding of each model class the writer writes, declared on the model (:mod:`dmtool.dialog.fields`).
_ORGANISATION: Final = declared(Organisation)
_PROFESSIONAL: Final = declared(HealthcareProfessional)
_PATIENT: Final = declared(Patient)
_PERSON: Final = declared(Person)
_ROLE: Final = declared(Role)
_CONVERSATION: Final = declared(ConversationRef)
_FORESPORSEL: Final = declared(Foresporsel)
_NOTAT: Final = declared(Notat)
_MESSAGE: Final = declared(Message)
_KIND_LIST: Final = fields.code_list(Message, "kind")
_ACK_LIST: Final = fields.code_list(Message, "ack")


def _display(code_list: str, code: str) -> str | None:
    return codelists.get(code_list).codes.get(code)


def _escaper(specials: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """What :class:`_Writer` looks for in a value: a character XML cannot carry or one of ``specials``, which are
    written as references; and those references."""
    references = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}
    return re.compile(f"[^{_XML_CHARS}]|[{re.escape(specials)}]"), {char: references[char] for char in specials}


#: In text, ``&``, ``<``, ``>`` and a carriage return (which a parser would make a line feed) become references; in
#: an attribute, also ``"`` and the line feed and tab (which a parser would make spaces).
_TEXT_SPECIALS, _TEXT_REFERENCES = _escaper("&<>\r")
_ATTR_SPECIALS, _ATTR_REFERENCES = _escaper('&<>"\r\n\t')


@functools.lru_cache(maxsize=256)  # a message names a few code lists, again and again
def _is_oid(system: str) -> bool:
    return _OID.fullmatch(system) is not None


def _escaped(value: str, where: str, references: dict[str, str]) -> str:
    """``value`` with the characters of ``references`` written as their references; :class:`BuildError` naming
    ``where`` for a character XML cannot carry."""
    bad = _NOT_XML_CHAR.search(value)
    if bad:
        raise BuildError(where, f"character U+{ord(bad.group()):04X} cannot be carried in XML")
    for char, reference in references.items():  # "&" first: one pass of str.replace each, not a call per character
        value = value.replace(char, reference)
    return value


def _attribute(name: str, value: str | None, where: str, field: str) -> str:
    """`` name="value"``, escaped, or ``""`` for ``None``; an error names ``where.field``."""
    if value is None:
        return ""
    if _ATTR_SPECIALS.search(value) is not None:
        value = _escaped(value, f"{where}.{field}", _ATTR_REFERENCES)
    return f' {name}="{value}"'


class _Writer:
    """Writes one message as XML text in ``parts``; ``body_ns`` is the namespace of the Dialogmelding version being
    written.

    Text is cheaper to write than a tree is to build element by element: :func:`to_element` parses it in one call.
    Elements are written with the prefix their namespace has in the output: none for MsgHead and the Dialogmelding
    (each is the default namespace where it stands), ``fk1:`` for the shared components.
    """

    def __init__(self, version: DialogVersion) -> None:
        self.version = version
        self.body_ns = DIALOG_NAMESPACES[version]
        self.parts: list[str] = []
        #: Whether an element was written with empty text, marked by an empty comment (see :meth:`text`).
        self.empty_text = False

    # -- leaves ---------------------------------------------------------------------------------------------------

    def open(self, namespace: str, local: str) -> str:
        """Write the start tag of a container element; return the end tag for :meth:`close`."""
        tag = f"fk1:{local}" if namespace == ns.FK1 else local
        self.parts.append(f"<{tag}>")
        return f"</{tag}>"

    def close(self, end: str) -> None:
        self.parts.append(end)

    def leaf(self, namespace: str, local: str, attributes: str) -> None:
        self.parts.append(f"<fk1:{local}{attributes}/>" if namespace == ns.FK1 else f"<{local}{attributes}/>")

    def text(self, namespace: str, local: str, value: str | None, where: str) -> None:
        if value is None:
            return
        tag = f"fk1:{local}" if namespace == ns.FK1 else local
        if not value:  # marked, for to_element to give it the empty text a parser does not make of <X></X>
            self.parts.append(f"<{tag}><!----></{tag}>")
            self.empty_text = True
            return
        if _TEXT_SPECIALS.search(value) is not None:
            value = _escaped(value, where, _TEXT_REFERENCES)
        self.parts.append(f"<{tag}>{value}</{tag}>")

    def date(self, namespace: str, local: str, value: dt.date | None) -> None:
        if value is not None:
            self.text(namespace, local, value.isoformat(), local)

    def cs(self, namespace: str, local: str, value: CS | None, where: str) -> None:
        if value is not None:
            attributes = _attribute("V", value.code, where, "code") + _attribute("DN", value.display, where, "display")
            self.leaf(namespace, local, attributes)

    def cv(self, namespace: str, local: str, value: CV | None, where: str) -> None:
        if value is None:
            return
        if value.system is not None and not _is_oid(value.system):
            raise BuildError(f"{where}.system", f"{value.system!r} is not an OID (digits separated by dots)")
        attributes = (
            _attribute("V", value.code, where, "code")
            + _attribute("S", value.system, where, "system")
            + _attribute("DN", value.display, where, "display")
            + _attribute("OT", value.original_text, where, "original_text")
        )
        self.leaf(namespace, local, attributes)

    def idents(self, parent_ns: str, namespace: str, idents: Iterable[tuple[str, str, str, str]], where: str) -> None:
        """Write ``Ident`` elements (in ``parent_ns``, their parent's namespace) from (id, type code, code list,
        field) tuples; their children go in ``namespace``."""
        for number, type_code, code_list, field in idents:
            end = self.open(parent_ns, "Ident")
            self.text(namespace, "Id", number, f"{where}.{field}")
            self.cv(namespace, "TypeId", self.type_id(code_list, type_code), f"{where}.{field}")
            self.close(end)

    @staticmethod
    @functools.lru_cache(maxsize=256)
    def type_id(code_list: str, code: str) -> CV:
        listed = codelists.get(code_list)
        return CV(code, listed.oid, listed.codes.get(code))

    def telecom(self, parent_ns: str, namespace: str, urls: tuple[str, ...], where: str) -> None:
        for index, url in enumerate(urls):
            end = self.open(parent_ns, "TeleCom")
            self.leaf(namespace, "TeleAddress", _attribute("V", url, where, f"telecom[{index}]"))
            self.close(end)

    # -- parties --------------------------------------------------------------------------------------------------

    @staticmethod
    def _identifiers(owner: Organisation | HealthcareProfessional) -> list[tuple[str, str, str, str]]:
        """The identifiers of ``owner`` as :meth:`idents` takes them: the ones with a field of their own (``her_id``,
        ...: their type and list declared on the model), then ``ids``."""
        bound = declared(type(owner))
        own = [
            (number, info.ident_type, info.code_list, name)
            for name, info in bound.items()
            if info.ident_type is not None and info.code_list is not None and (number := getattr(owner, name))
            is not None
        ]
        return own + _Writer._other_ids(owner.ids, fields.code_list(type(owner), "ids"))

    @staticmethod
    def _other_ids(ids: tuple[Ident, ...], code_list: str) -> list[tuple[str, str, str, str]]:
        return [(ident.id, ident.type, code_list, f"ids[{index}]") for index, ident in enumerate(ids)]

    def organisation(self, org: Organisation, where: str) -> None:
        end = self.open(ns.MSGHEAD, "Organisation")
        self.put(ns.MSGHEAD, _ORGANISATION, org, "name", where)
        listed = self._identifiers(org)
        if not listed:
            raise BuildError(where, "an organisation needs an identifier: her_id, org_number or ids")
        self.idents(ns.MSGHEAD, ns.MSGHEAD, listed, where)
        if org.unit is not None:
            self.organisation(org.unit, f"{where}.unit")
        if org.professional is not None:
            self.professional(ns.MSGHEAD, ns.MSGHEAD, org.professional, f"{where}.professional", True)
        self.close(end)

    def professional(
        self, namespace: str, child_ns: str, person: HealthcareProfessional, where: str, ident_required: bool
    ) -> None:
        """``HealthcareProfessional`` in ``namespace``; its Ident/TeleCom children in ``child_ns`` (fk1 in a body)."""
        end = self.open(namespace, "HealthcareProfessional")
        for name in ("category", "role_to_patient", "family_name", "middle_name", "given_name"):
            self.put(namespace, _PROFESSIONAL, person, name, where)
        listed = self._identifiers(person)
        if ident_required and not listed:
            raise BuildError(where, "a health professional in the envelope needs an identifier: hpr, her_id or ids")
        self.idents(namespace, child_ns, listed, where)
        self.telecom(namespace, child_ns, person.telecom, where)
        self.close(end)

    def patient(self, patient: Patient) -> None:
        where = "patient"
        end = self.open(ns.MSGHEAD, _MESSAGE["patient"].element)
        for name in ("family_name", "middle_name", "given_name", "date_of_birth", "sex"):
            self.put(ns.MSGHEAD, _PATIENT, patient, name, where)
        if patient.id is not None:
            if patient.id_type is None:
                raise BuildError(f"{where}.id_type", "the patient's id needs its type (FNR or DNR, code list 8116)")
            id_list = fields.code_list(Patient, "id_type")
            self.idents(ns.MSGHEAD, ns.MSGHEAD, [(patient.id, patient.id_type, id_list, "id")], where)
        elif patient.id_type is not None:
            raise BuildError(f"{where}.id", f"id_type is {patient.id_type!r} but there is no id")
        self.telecom(ns.MSGHEAD, ns.MSGHEAD, patient.telecom, where)
        self.close(end)

    # -- body -----------------------------------------------------------------------------------------------------

    def put(self, namespace: str, bound: Mapping[str, FieldInfo], owner: object, name: str, where: str) -> None:
        """Write the field ``name`` of ``owner`` (a text, a date or a coded value; ``bound`` is its class's binding)
        as the element the model declares for it; :class:`BuildError` at ``where.name`` when it is set and the
        version being written does not have it."""
        field = bound[name]
        value = getattr(owner, name)
        at = f"{where}.{name}"
        if value is None:
            return
        if not field.in_version(self.version):
            raise BuildError(
                at,
                f"only Dialogmelding {field.since} has this field: build version {field.since} "
                f"(dialog_version='{field.since}', --dialog-version {field.since})",
            )
        if isinstance(value, CV):
            self.cv(namespace, field.element, value, at)
        elif isinstance(value, CS):
            self.cs(namespace, field.element, value, at)
        elif isinstance(value, dt.date):
            self.date(namespace, field.element, value)
        else:
            self.text(namespace, field.element, value, at)

    def foresporsel(self, body: Foresporsel, where: str) -> None:
        d, f = self.body_ns, _FORESPORSEL
        end = self.open(d, "Foresporsel")
        for name in ("type", "subject", "question", "purpose", "reason", "urgency", "from_date", "to_date"):
            self.put(d, f, body, name, where)
        if len(body.journal_info) > 1 and self.version == "1.0":
            raise BuildError(f"{where}.journal_info", "Dialogmelding 1.0 allows one TypeJournalinfo; 1.1 allows more")
        for index, info in enumerate(body.journal_info):
            self.cv(d, f["journal_info"].element, info, f"{where}.journal_info[{index}]")
        for name in ("coded_info", "doc_id"):
            self.put(d, f, body, name, where)
        self.roles(body.roles, where)
        self.close(end)

    def notat(self, body: Notat, where: str) -> None:
        d, f = self.body_ns, _NOTAT
        end = self.open(d, "Notat")
        for name in ("topic", "title", "text", "remark", "doc_id", "date"):
            self.put(d, f, body, name, where)
        if body.quoted is not None:
            self.foresporsel(body.quoted, f"{where}.quoted")
        self.roles(body.roles, where)
        self.close(end)

    def roles(self, roles: tuple[Role, ...], where: str) -> None:
        d = self.body_ns
        for index, role in enumerate(roles):
            at = f"{where}.roles[{index}]"
            end = self.open(d, _NOTAT["roles"].element)
            self.put(d, _ROLE, role, "role", at)
            self.put(d, _ROLE, role, "role_to_patient", at)
            if role.professional is not None and role.person is not None:
                raise BuildError(at, "a role holds a professional or a person, not both")
            if role.professional is not None:
                self.professional(d, ns.FK1, role.professional, f"{at}.professional", False)
            elif role.person is not None:
                self.person(role.person, f"{at}.person")
            elif self.version == "1.0":
                raise BuildError(at, "in Dialogmelding 1.0 a role needs a professional or a person")
            self.close(end)

    def person(self, person: Person, where: str) -> None:
        d = self.body_ns
        end = self.open(d, _ROLE["person"].element)
        for name in ("given_name", "middle_name", "family_name"):
            self.put(d, _PERSON, person, name, where)
        self.idents(d, ns.FK1, self._other_ids(person.ids, fields.code_list(Person, "ids")), where)
        self.close(end)

    # -- whole message --------------------------------------------------------------------------------------------

    def message(self, message: Message) -> bytes:
        """``message`` as XML text (UTF-8, no declaration, no indentation)."""
        if message.kind == Kind.HELSEFAGLIG and self.version != "1.1":
            raise BuildError(
                "version",
                "DIALOG_HELSEFAGLIG is Dialogmelding 1.1 only: "
                "build version 1.1 (dialog_version='1.1', --dialog-version 1.1)",
            )
        m = ns.MSGHEAD
        self.parts.append(f'<MsgHead xmlns="{m}">')
        info = self.open(m, "MsgInfo")
        self.cs(m, _MESSAGE["kind"].element, CS(message.kind, _display(_KIND_LIST, message.kind)), "kind")
        self.text(m, "MIGversion", MIG_VERSION, "version")
        self.text(m, _MESSAGE["gen_date"].element, clock.format_timestamp(message.gen_date, "gen_date"), "gen_date")
        self.text(m, _MESSAGE["msg_id"].element, message.msg_id, "msg_id")
        if message.ack is not None:
            self.cs(m, _MESSAGE["ack"].element, CS(message.ack, _display(_ACK_LIST, message.ack)), "ack")
        if message.conversation is not None:
            ref = self.open(m, _MESSAGE["conversation"].element)
            for name in ("parent", "conversation"):
                self.put(m, _CONVERSATION, message.conversation, name, "conversation")
            self.close(ref)
        for role in ("sender", "receiver"):
            end = self.open(m, _MESSAGE[role].element)
            self.organisation(getattr(message, role), role)
            self.close(end)
        if message.patient is not None:
            self.patient(message.patient)
        self.close(info)
        self.parts.append("<Document><RefDoc>")
        self.cs(m, "MsgType", CS("XML", _display("8114", "XML")), "document")
        self.parts.append(f'<Content><Dialogmelding xmlns="{self.body_ns}" xmlns:fk1="{ns.FK1}">')
        if isinstance(message.body, Foresporsel):
            self.foresporsel(message.body, "body")
        else:
            self.notat(message.body, "body")
        self.parts.append("</Dialogmelding></Content></RefDoc></Document></MsgHead>")
        return "".join(self.parts).encode()


def to_element(message: Message, dialog_version: DialogVersion | None = None) -> etree._Element:
    """``message`` as a MsgHead element tree, validated against dmtool's schemas; see :func:`to_xml`."""
    version = dialog_version or message.version
    if version not in DIALOG_VERSIONS:
        raise BuildError(
            "version", f"Dialogmelding version must be one of {', '.join(DIALOG_VERSIONS)}; got {version!r}"
        )
    writer = _Writer(version)
    root = parsing.fromstring(writer.message(message))
    if writer.empty_text:  # an element written with empty text: as <X></X>, which a parser makes <X/>
        for mark in list(root.iter(etree.Comment)):
            element = mark.getparent()
            if element is not None:  # always: the mark is written inside its element
                element.remove(mark)
                element.text = ""
    xsd.require_valid("msghead", root, "message")
    return root


def serialize(root: etree._Element) -> bytes:
    """The bytes of a tree :func:`to_element` made: UTF-8 with an XML declaration, indented."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def to_xml(message: Message, dialog_version: DialogVersion | None = None) -> bytes:
    """``message`` as a MsgHead 1.2 document with its Dialogmelding body: UTF-8 bytes, deterministic, schema-valid.

    ``dialog_version`` (``"1.0"`` or ``"1.1"``) overrides ``message.version``. Raises
    :class:`~dmtool.errors.BuildError` naming the field when the message cannot be valid. The guideline rules are
    not checked here (this is ``dmtool.to_xml(message, strict=False)``): :func:`dmtool.build.to_xml` checks them.
    """
    return serialize(to_element(message, dialog_version))
