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
from collections.abc import Iterable
from typing import Final, cast

from lxml import etree

from ..errors import BuildError
from ..standards import clock, codelists, versions
from ..standards import namespaces as ns
from ..xml import parsing, xsd
from . import fields
from .fields import declared
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
#: The characters XML 1.0 can carry, as ranges of code points; and a pattern for those it cannot, even escaped.
_XML_CHARS: Final = ((0x9, 0xA), (0xD, 0xD), (0x20, 0xD7FF), (0xE000, 0xFFFD), (0x10000, 0x10FFFF))


def _char_class(ranges: tuple[tuple[int, int], ...], without: str = "") -> str:
    """The contents of a character class holding the code points of ``ranges`` but the characters of ``without``."""
    kept: list[tuple[int, int]] = []
    for low, high in ranges:
        for code in sorted(ord(char) for char in without if low <= ord(char) <= high):
            if low < code:
                kept.append((low, code - 1))
            low = code + 1
        if low <= high:
            kept.append((low, high))
    return "".join(re.escape(chr(low)) + (f"-{re.escape(chr(high))}" if high > low else "") for low, high in kept)


_NOT_XML_CHAR: Final = re.compile(f"[^{_char_class(_XML_CHARS)}]")
#: The binding of each model class the writer writes, declared on the model (:mod:`dmtool.dialog.fields`).
_ROLE: Final = declared(Role)
_FORESPORSEL: Final = declared(Foresporsel)
_NOTAT: Final = declared(Notat)
_MESSAGE: Final = declared(Message)
_KIND_LIST: Final = fields.code_list(Message, "kind")
_ACK_LIST: Final = fields.code_list(Message, "ack")
_PATIENT_ID_LIST: Final = fields.code_list(Patient, "id_type")
_PERSON_ID_LIST: Final = fields.code_list(Person, "ids")
_IDS_LISTS: Final = {cls: fields.code_list(cls, "ids") for cls in (Organisation, HealthcareProfessional)}
#: The identifiers of each party class with a field of their own (``her_id``, ...): (field, type, code list), as the
#: model declares them.
_OWN_IDENTIFIERS: Final = {
    cls: tuple(
        (name, info.ident_type, info.code_list)
        for name, info in declared(cls).items()
        if info.ident_type is not None and info.code_list is not None
    )
    for cls in (Organisation, HealthcareProfessional)
}
#: The fields :meth:`_Writer.fields` writes of each class, in the schema's order (its method writes the rest).
_PROFESSIONAL_FIELDS: Final = ("category", "role_to_patient", "family_name", "middle_name", "given_name")
_PATIENT_FIELDS: Final = ("family_name", "middle_name", "given_name", "date_of_birth", "sex")
_FORESPORSEL_HEAD: Final = ("type", "subject", "question", "purpose", "reason", "urgency", "from_date", "to_date")
_FORESPORSEL_TAIL: Final = ("coded_info", "doc_id")
_NOTAT_FIELDS: Final = ("topic", "title", "text", "remark", "doc_id", "date")


def _display(code_list: str, code: str) -> str | None:
    return codelists.get(code_list).codes.get(code)


def _escaper(specials: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """What :class:`_Writer` looks for in a value: a character XML cannot carry or one of ``specials``, which are
    written as references; and those references. One negated class, not an alternation of two: the regular
    expression engine scans for a class in one loop, and tries each branch of an alternation at every position."""
    references = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}
    return re.compile(f"[^{_char_class(_XML_CHARS, specials)}]"), {char: references[char] for char in specials}


#: In text, ``&``, ``<``, ``>`` and a carriage return (which a parser would make a line feed) become references; in
#: an attribute, also ``"`` and the line feed and tab (which a parser would make spaces).
_TEXT_SPECIALS, _TEXT_REFERENCES = _escaper("&<>\r")
_ATTR_SPECIALS, _ATTR_REFERENCES = _escaper('&<>"\r\n\t')


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


#: What :meth:`_Writer.fields` writes of a model class: (field, element, the version that has it when the version being
#: written does not, else ``None``) for each field, in order.
_Plan = tuple[tuple[str, str, str | None], ...]


@functools.cache  # a few classes, lists of fields and versions: read from the binding once, not per field and message
def _plan(cls: type, names: tuple[str, ...], version: DialogVersion) -> _Plan:
    bound = declared(cls)
    return tuple(
        (name, bound[name].element, None if bound[name].in_version(version) else bound[name].since) for name in names
    )


def _coded(tag: str, value: CV, where: str) -> str:
    """The empty element ``tag`` with the attributes of ``value``; :class:`BuildError` at ``where`` for a system that
    is no OID or a character XML cannot carry."""
    code, system, display, original = value.code, value.system, value.display, value.original_text
    if system is not None and not codelists.is_schema_oid(system):
        raise BuildError(f"{where}.system", f"{system!r} is not an OID (digits separated by dots)")
    if _ATTR_SPECIALS.search("".join((code or "", system or "", display or "", original or ""))) is None:
        out = f"<{tag}"  # nothing to escape in any of them: one search, not one per attribute
        if code is not None:
            out += f' V="{code}"'
        if system is not None:
            out += f' S="{system}"'
        if display is not None:
            out += f' DN="{display}"'
        if original is not None:
            out += f' OT="{original}"'
        return out + "/>"
    attributes = (
        _attribute("V", code, where, "code")
        + _attribute("S", system, where, "system")
        + _attribute("DN", display, where, "display")
        + _attribute("OT", original, where, "original_text")
    )
    return f"<{tag}{attributes}/>"


@functools.lru_cache(maxsize=256)  # a message has a few identifier types, again and again
def _type_id(tag: str, code_list: str, code: str) -> str | None:
    """The ``TypeId`` element ``tag`` of an identifier of type ``code`` from ``code_list``; ``None`` when its code or
    display holds a character to escape or one XML cannot carry, which :func:`_coded` writes or reports where it is."""
    value = _Writer.type_id(code_list, code)
    if (value.system is not None and not codelists.is_schema_oid(value.system)) or _ATTR_SPECIALS.search(
        f"{code or ''}{value.display or ''}"
    ) is not None:
        return None
    return _coded(tag, value, "")  # which can raise no error, and so name no place


class _Writer:
    """Writes one message as XML text in ``parts``; ``body_ns`` is the namespace of the Dialogmelding version being
    written.

    Text is cheaper to write than a tree is to build element by element: :func:`to_element` parses it in one call.
    Elements are written with the prefix their namespace has in the output: none for MsgHead and the Dialogmelding
    (each is the default namespace where it stands), ``fk1:`` for the shared components; a method takes the prefix
    (``""`` or ``"fk1:"``) of the elements it writes, or a tag with its prefix. Fields are written from a
    :data:`_Plan` of their class, read from the binding once per version.
    """

    __slots__ = ("body_ns", "empty_text", "parts", "version")

    def __init__(self, version: DialogVersion) -> None:
        self.version = version
        self.body_ns = DIALOG_NAMESPACES[version]
        self.parts: list[str] = []
        #: Whether an element was written with empty text, marked by an empty comment (see :meth:`content`).
        self.empty_text = False

    # -- leaves ---------------------------------------------------------------------------------------------------

    def content(self, value: str, where: str) -> str:
        """``value`` as the content of an element: escaped, or for an empty value an empty comment, which marks it for
        :func:`to_element` to give it the empty text a parser does not make of ``<X></X>``."""
        if not value:
            self.empty_text = True
            return "<!---->"
        if _TEXT_SPECIALS.search(value) is not None:
            return _escaped(value, where, _TEXT_REFERENCES)
        return value

    def text(self, tag: str, value: str | None, where: str) -> None:
        if value is not None:
            self.parts.append(f"<{tag}>{self.content(value, where)}</{tag}>")

    def cs(self, tag: str, value: CS, where: str) -> None:
        attributes = _attribute("V", value.code, where, "code") + _attribute("DN", value.display, where, "display")
        self.parts.append(f"<{tag}{attributes}/>")

    def fields(self, plan: _Plan, owner: object, where: str) -> None:
        """Write the fields of ``plan`` of ``owner`` that are set (a text, a date or a coded value), each as the
        element the model declares for it; :class:`BuildError` at ``where.field`` for one the version being written
        does not have."""
        for name, tag, since in plan:
            value = getattr(owner, name)
            if value is None:
                continue
            at = f"{where}.{name}"
            if since is not None:
                raise BuildError(
                    at,
                    f"only Dialogmelding {since} has this field: build version {since} "
                    f"(dialog_version='{since}', --dialog-version {since})",
                )
            if isinstance(value, CV):
                self.parts.append(_coded(tag, value, at))
            elif isinstance(value, CS):
                self.cs(tag, value, at)
            elif isinstance(value, dt.date):
                self.parts.append(f"<{tag}>{self.content(value.isoformat(), tag)}</{tag}>")
            else:
                self.parts.append(f"<{tag}>{self.content(value, at)}</{tag}>")

    def idents(self, parent: str, prefix: str, idents: Iterable[tuple[str, str, str, str]], where: str) -> None:
        """Write ``Ident`` elements (with the prefix ``parent``, their parent's) from (id, type code, code list,
        field) tuples; their children with ``prefix``."""
        for number, type_code, code_list, field in idents:
            at = f"{where}.{field}"
            shown = "" if number is None else f"<{prefix}Id>{self.content(number, at)}</{prefix}Id>"
            tag = f"{prefix}TypeId"
            type_id = _type_id(tag, code_list, type_code) or _coded(tag, self.type_id(code_list, type_code), at)
            self.parts.append(f"<{parent}Ident>{shown}{type_id}</{parent}Ident>")

    @staticmethod
    @functools.lru_cache(maxsize=256)
    def type_id(code_list: str, code: str) -> CV:
        listed = codelists.get(code_list)
        return CV(code, listed.oid, listed.codes.get(code))

    def telecom(self, parent: str, prefix: str, urls: tuple[str, ...], where: str) -> None:
        for index, url in enumerate(urls):
            address = _attribute("V", url, where, f"telecom[{index}]")
            self.parts.append(f"<{parent}TeleCom><{prefix}TeleAddress{address}/></{parent}TeleCom>")

    # -- parties --------------------------------------------------------------------------------------------------

    @staticmethod
    def _identifiers(
        owner: Organisation | HealthcareProfessional, cls: type[Organisation | HealthcareProfessional]
    ) -> list[tuple[str, str, str, str]]:
        """The identifiers of ``owner`` (a ``cls``) as :meth:`idents` takes them: the ones with a field of their own
        (``her_id``, ...: their type and list declared on the model), then ``ids``."""
        own = [
            (number, ident_type, code_list, name)
            for name, ident_type, code_list in _OWN_IDENTIFIERS[cls]
            if (number := getattr(owner, name)) is not None
        ]
        return own + _Writer._other_ids(owner.ids, _IDS_LISTS[cls])

    @staticmethod
    def _other_ids(ids: tuple[Ident, ...], code_list: str) -> list[tuple[str, str, str, str]]:
        return [(ident.id, ident.type, code_list, f"ids[{index}]") for index, ident in enumerate(ids)]

    def organisation(self, org: Organisation, where: str) -> None:
        self.parts.append("<Organisation>")
        self.fields(_plan(Organisation, ("name",), self.version), org, where)
        listed = self._identifiers(org, Organisation)
        if not listed:
            raise BuildError(where, "an organisation needs an identifier: her_id, org_number or ids")
        self.idents("", "", listed, where)
        if org.unit is not None:
            self.organisation(org.unit, f"{where}.unit")
        if org.professional is not None:
            self.professional("", org.professional, f"{where}.professional", True)
        self.parts.append("</Organisation>")

    def professional(self, prefix: str, person: HealthcareProfessional, where: str, ident_required: bool) -> None:
        """``HealthcareProfessional`` in the default namespace where it stands; its Ident/TeleCom children with
        ``prefix`` (fk1 in a body)."""
        self.parts.append("<HealthcareProfessional>")
        self.fields(_plan(HealthcareProfessional, _PROFESSIONAL_FIELDS, self.version), person, where)
        listed = self._identifiers(person, HealthcareProfessional)
        if ident_required and not listed:
            raise BuildError(where, "a health professional in the envelope needs an identifier: hpr, her_id or ids")
        self.idents("", prefix, listed, where)
        self.telecom("", prefix, person.telecom, where)
        self.parts.append("</HealthcareProfessional>")

    def patient(self, patient: Patient) -> None:
        where = "patient"
        tag = _MESSAGE["patient"].element
        self.parts.append(f"<{tag}>")
        self.fields(_plan(Patient, _PATIENT_FIELDS, self.version), patient, where)
        if patient.id is not None:
            if patient.id_type is None:
                raise BuildError(f"{where}.id_type", "the patient's id needs its type (FNR or DNR, code list 8116)")
            self.idents("", "", [(patient.id, patient.id_type, _PATIENT_ID_LIST, "id")], where)
        elif patient.id_type is not None:
            raise BuildError(f"{where}.id", f"id_type is {patient.id_type!r} but there is no id")
        self.telecom("", "", patient.telecom, where)
        self.parts.append(f"</{tag}>")

    # -- body -----------------------------------------------------------------------------------------------------

    def foresporsel(self, body: Foresporsel, where: str) -> None:
        self.parts.append("<Foresporsel>")
        self.fields(_plan(Foresporsel, _FORESPORSEL_HEAD, self.version), body, where)
        if len(body.journal_info) > 1 and self.version == "1.0":
            raise BuildError(f"{where}.journal_info", "Dialogmelding 1.0 allows one TypeJournalinfo; 1.1 allows more")
        tag = _FORESPORSEL["journal_info"].element
        for index, info in enumerate(body.journal_info):
            if info is not None:
                self.parts.append(_coded(tag, info, f"{where}.journal_info[{index}]"))
        self.fields(_plan(Foresporsel, _FORESPORSEL_TAIL, self.version), body, where)
        self.roles(body.roles, where)
        self.parts.append("</Foresporsel>")

    def notat(self, body: Notat, where: str) -> None:
        self.parts.append("<Notat>")
        self.fields(_plan(Notat, _NOTAT_FIELDS, self.version), body, where)
        if body.quoted is not None:
            self.foresporsel(body.quoted, f"{where}.quoted")
        self.roles(body.roles, where)
        self.parts.append("</Notat>")

    def roles(self, roles: tuple[Role, ...], where: str) -> None:
        tag = _NOTAT["roles"].element
        plan = _plan(Role, ("role", "role_to_patient"), self.version)
        for index, role in enumerate(roles):
            at = f"{where}.roles[{index}]"
            self.parts.append(f"<{tag}>")
            self.fields(plan, role, at)
            if role.professional is not None and role.person is not None:
                raise BuildError(at, "a role holds a professional or a person, not both")
            if role.professional is not None:
                self.professional("fk1:", role.professional, f"{at}.professional", False)
            elif role.person is not None:
                self.person(role.person, f"{at}.person")
            elif self.version == "1.0":
                raise BuildError(at, "in Dialogmelding 1.0 a role needs a professional or a person")
            self.parts.append(f"</{tag}>")

    def person(self, person: Person, where: str) -> None:
        tag = _ROLE["person"].element
        self.parts.append(f"<{tag}>")
        self.fields(_plan(Person, ("given_name", "middle_name", "family_name"), self.version), person, where)
        self.idents("", "fk1:", self._other_ids(person.ids, _PERSON_ID_LIST), where)
        self.parts.append(f"</{tag}>")

    # -- whole message --------------------------------------------------------------------------------------------

    def message(self, message: Message) -> bytes:
        """``message`` as XML text (UTF-8, no declaration, no indentation)."""
        if message.kind == Kind.HELSEFAGLIG and self.version != "1.1":
            raise BuildError(
                "version",
                "DIALOG_HELSEFAGLIG is Dialogmelding 1.1 only: "
                "build version 1.1 (dialog_version='1.1', --dialog-version 1.1)",
            )
        parts = self.parts
        parts.append(f'<MsgHead xmlns="{ns.MSGHEAD}"><MsgInfo>')
        self.cs(_MESSAGE["kind"].element, CS(message.kind, _display(_KIND_LIST, message.kind)), "kind")
        self.text("MIGversion", MIG_VERSION, "version")
        self.text(_MESSAGE["gen_date"].element, clock.format_timestamp(message.gen_date, "gen_date"), "gen_date")
        self.text(_MESSAGE["msg_id"].element, message.msg_id, "msg_id")
        if message.ack is not None:
            self.cs(_MESSAGE["ack"].element, CS(message.ack, _display(_ACK_LIST, message.ack)), "ack")
        if message.conversation is not None:
            tag = _MESSAGE["conversation"].element
            parts.append(f"<{tag}>")
            self.fields(_plan(ConversationRef, ("parent", "conversation"), self.version), message.conversation,
                        "conversation")  # fmt: skip
            parts.append(f"</{tag}>")
        for role in ("sender", "receiver"):
            tag = _MESSAGE[role].element
            parts.append(f"<{tag}>")
            self.organisation(getattr(message, role), role)
            parts.append(f"</{tag}>")
        if message.patient is not None:
            self.patient(message.patient)
        parts.append("</MsgInfo><Document><RefDoc>")
        self.cs("MsgType", CS("XML", _display("8114", "XML")), "document")
        parts.append(f'<Content><Dialogmelding xmlns="{self.body_ns}" xmlns:fk1="{ns.FK1}">')
        if isinstance(message.body, Foresporsel):
            self.foresporsel(message.body, "body")
        else:
            self.notat(message.body, "body")
        parts.append("</Dialogmelding></Content></RefDoc></Document></MsgHead>")
        return "".join(parts).encode()


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
