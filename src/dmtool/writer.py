"""Model to XML: :func:`to_xml` writes a :class:`~dmtool.model.Message` as a MsgHead 1.2 with its Dialogmelding.

The output is UTF-8, deterministic (the same message gives the same bytes) and valid against dmtool's schemas: the
tree is validated before it is returned. What the schema cannot tell precisely (a field only allowed in 1.1, an
organisation without an identifier, text with characters XML cannot hold) is checked first and reported as a
:class:`~dmtool.errors.BuildError` naming the field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Final

from lxml import etree

from . import clock, codelists, rules, xsd
from . import namespaces as ns
from .errors import BuildError, RuleError
from .facts import Facts
from .model import (
    CS,
    CV,
    DIALOG_VERSIONS,
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
from .profiles import Settings

MIG_VERSION: Final = "v1.2 2006-05-24"
DIALOG_NAMESPACES: Final[dict[DialogVersion, str]] = {"1.0": ns.DIALOG_10, "1.1": ns.DIALOG_11}
#: Characters XML 1.0 cannot carry, even escaped.
_NOT_XML_CHAR: Final = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_OID: Final = re.compile(r"\d+(?:\.\d+)*")  # the schema's (\d+\.?)*\d+, without its exponential backtracking
_ORG_ID_LIST: Final = "9051"
_PERSON_ID_LIST: Final = "8116"


def _display(code_list: str, code: str) -> str | None:
    return codelists.get(code_list).codes.get(code)


class _Writer:
    """Writes one message; ``body_ns`` is the namespace of the Dialogmelding version being written."""

    def __init__(self, version: DialogVersion) -> None:
        self.version = version
        self.body_ns = DIALOG_NAMESPACES[version]

    # -- leaves ---------------------------------------------------------------------------------------------------

    @staticmethod
    def check_text(value: str, where: str) -> str:
        bad = _NOT_XML_CHAR.search(value)
        if bad:
            raise BuildError(where, f"character U+{ord(bad.group()):04X} cannot be carried in XML")
        return value

    def el(self, parent: etree._Element, namespace: str, tag: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{namespace}}}{tag}")

    def text(self, parent: etree._Element, namespace: str, tag: str, value: str | None, where: str) -> None:
        if value is not None:
            self.el(parent, namespace, tag).text = self.check_text(value, where)

    def date(self, parent: etree._Element, namespace: str, tag: str, value: dt.date | None) -> None:
        if value is not None:
            self.el(parent, namespace, tag).text = value.isoformat()

    def attrs(self, element: etree._Element, where: str, **values: str | None) -> None:
        for name, value in values.items():
            if value is not None:
                element.set(name, self.check_text(value, f"{where}.{name}"))

    def cs(self, parent: etree._Element, namespace: str, tag: str, value: CS | None, where: str) -> None:
        if value is not None:
            element = self.el(parent, namespace, tag)
            element.set("V", self.check_text(value.code, f"{where}.code"))
            if value.display is not None:
                element.set("DN", self.check_text(value.display, f"{where}.display"))

    def cv(self, parent: etree._Element, namespace: str, tag: str, value: CV | None, where: str) -> None:
        if value is None:
            return
        if value.system is not None and not _OID.fullmatch(value.system):
            raise BuildError(f"{where}.system", f"{value.system!r} is not an OID (digits separated by dots)")
        element = self.el(parent, namespace, tag)
        element.set("V", self.check_text(value.code, f"{where}.code"))
        for name, attr in (("system", "S"), ("display", "DN"), ("original_text", "OT")):
            attr_value = getattr(value, name)
            if attr_value is not None:
                element.set(attr, self.check_text(attr_value, f"{where}.{name}"))

    def idents(
        self, parent: etree._Element, namespace: str, idents: Iterable[tuple[str, str, str, str]], where: str
    ) -> None:
        """Write ``Ident`` elements from (id, type code, code list, field) tuples; children go in ``namespace``."""
        for number, type_code, code_list, field in idents:
            ident = self.el(parent, self.ident_ns(parent), "Ident")
            self.text(ident, namespace, "Id", number, f"{where}.{field}")
            self.cv(ident, namespace, "TypeId", self.type_id(code_list, type_code), f"{where}.{field}")

    @staticmethod
    def ident_ns(parent: etree._Element) -> str:
        return etree.QName(parent).namespace or ""

    @staticmethod
    def type_id(code_list: str, code: str) -> CV:
        listed = codelists.get(code_list)
        return CV(code, listed.oid, listed.codes.get(code))

    def telecom(self, parent: etree._Element, namespace: str, urls: tuple[str, ...], where: str) -> None:
        for index, url in enumerate(urls):
            telecom = self.el(parent, self.ident_ns(parent), "TeleCom")
            address = self.el(telecom, namespace, "TeleAddress")
            address.set("V", self.check_text(url, f"{where}.telecom[{index}]"))

    # -- parties --------------------------------------------------------------------------------------------------

    @staticmethod
    def _other_ids(ids: tuple[Ident, ...], code_list: str) -> list[tuple[str, str, str, str]]:
        return [(ident.id, ident.type, code_list, f"ids[{index}]") for index, ident in enumerate(ids)]

    def organisation(self, parent: etree._Element, org: Organisation, where: str) -> None:
        element = self.el(parent, ns.MSGHEAD, "Organisation")
        self.text(element, ns.MSGHEAD, "OrganisationName", org.name, f"{where}.name")
        idents = [(org.her_id, "HER", _ORG_ID_LIST, "her_id"), (org.org_number, "ENH", _ORG_ID_LIST, "org_number")]
        listed = [(n, t, c, f) for n, t, c, f in idents if n is not None] + self._other_ids(org.ids, _ORG_ID_LIST)
        if not listed:
            raise BuildError(where, "an organisation needs an identifier: her_id, org_number or ids")
        self.idents(element, ns.MSGHEAD, listed, where)
        if org.unit is not None:
            self.organisation(element, org.unit, f"{where}.unit")
        if org.professional is not None:
            self.professional(element, ns.MSGHEAD, ns.MSGHEAD, org.professional, f"{where}.professional", True)

    def professional(
        self,
        parent: etree._Element,
        namespace: str,
        child_ns: str,
        person: HealthcareProfessional,
        where: str,
        ident_required: bool,
    ) -> None:
        """``HealthcareProfessional`` in ``namespace``; its Ident/TeleCom children in ``child_ns`` (fk1 in a body)."""
        element = self.el(parent, namespace, "HealthcareProfessional")
        self.cs(element, namespace, "TypeHealthcareProfessional", person.category, f"{where}.category")
        self.cv(element, namespace, "RoleToPatient", person.role_to_patient, f"{where}.role_to_patient")
        self.names(element, namespace, person.family_name, person.middle_name, person.given_name, where)
        idents = [(person.hpr, "HPR", _PERSON_ID_LIST, "hpr"), (person.her_id, "HER", _ORG_ID_LIST, "her_id")]
        listed = [(n, t, c, f) for n, t, c, f in idents if n is not None] + self._other_ids(person.ids, _PERSON_ID_LIST)
        if ident_required and not listed:
            raise BuildError(where, "a health professional in the envelope needs an identifier: hpr, her_id or ids")
        self.idents(element, child_ns, listed, where)
        self.telecom(element, child_ns, person.telecom, where)

    def names(
        self,
        element: etree._Element,
        namespace: str,
        family: str | None,
        middle: str | None,
        given: str | None,
        where: str,
    ) -> None:
        self.text(element, namespace, "FamilyName", family, f"{where}.family_name")
        self.text(element, namespace, "MiddleName", middle, f"{where}.middle_name")
        self.text(element, namespace, "GivenName", given, f"{where}.given_name")

    def patient(self, parent: etree._Element, patient: Patient) -> None:
        where = "patient"
        element = self.el(parent, ns.MSGHEAD, "Patient")
        self.names(element, ns.MSGHEAD, patient.family_name, patient.middle_name, patient.given_name, where)
        self.date(element, ns.MSGHEAD, "DateOfBirth", patient.date_of_birth)
        self.cs(element, ns.MSGHEAD, "Sex", patient.sex, f"{where}.sex")
        if patient.id is not None:
            if patient.id_type is None:
                raise BuildError(f"{where}.id_type", "the patient's id needs its type (FNR or DNR, code list 8116)")
            self.idents(element, ns.MSGHEAD, [(patient.id, patient.id_type, _PERSON_ID_LIST, "id")], where)
        elif patient.id_type is not None:
            raise BuildError(f"{where}.id", f"id_type is {patient.id_type!r} but there is no id")
        self.telecom(element, ns.MSGHEAD, patient.telecom, where)

    # -- body -----------------------------------------------------------------------------------------------------

    def only_in_11(self, present: bool, where: str) -> None:
        if present and self.version != "1.1":
            raise BuildError(
                where,
                "only Dialogmelding 1.1 has this field: build version 1.1 (dialog_version='1.1', --dialog-version 1.1)",
            )

    def foresporsel(self, parent: etree._Element, body: Foresporsel, where: str) -> None:
        d = self.body_ns
        element = self.el(parent, d, "Foresporsel")
        self.cv(element, d, "TypeForesp", body.type, f"{where}.type")
        self.only_in_11(body.subject is not None, f"{where}.subject")
        self.text(element, d, "EmneSporsmal", body.subject, f"{where}.subject")
        self.text(element, d, "Sporsmal", body.question, f"{where}.question")
        self.cv(element, d, "Formål", body.purpose, f"{where}.purpose")
        self.text(element, d, "Begrunnelse", body.reason, f"{where}.reason")
        self.cs(element, d, "Hastegrad", body.urgency, f"{where}.urgency")
        self.date(element, d, "FraDato", body.from_date)
        self.date(element, d, "TilDato", body.to_date)
        if len(body.journal_info) > 1 and self.version == "1.0":
            raise BuildError(f"{where}.journal_info", "Dialogmelding 1.0 allows one TypeJournalinfo; 1.1 allows more")
        for index, info in enumerate(body.journal_info):
            self.cv(element, d, "TypeJournalinfo", info, f"{where}.journal_info[{index}]")
        self.only_in_11(body.coded_info is not None, f"{where}.coded_info")
        self.cv(element, d, "KodetOpplysning", body.coded_info, f"{where}.coded_info")
        self.text(element, d, "DokIdForesp", body.doc_id, f"{where}.doc_id")
        self.roles(element, body.roles, where)

    def notat(self, parent: etree._Element, body: Notat, where: str) -> None:
        d = self.body_ns
        element = self.el(parent, d, "Notat")
        self.cv(element, d, "TemaKodet", body.topic, f"{where}.topic")
        self.text(element, d, "Tema", body.title, f"{where}.title")
        self.text(element, d, "TekstNotatInnhold", body.text, f"{where}.text")
        self.text(element, d, "Merknad", body.remark, f"{where}.remark")
        self.text(element, d, "DokIdNotat", body.doc_id, f"{where}.doc_id")
        self.date(element, d, "DatoNotat", body.date)
        if body.quoted is not None:
            self.foresporsel(element, body.quoted, f"{where}.quoted")
        self.roles(element, body.roles, where)

    def roles(self, parent: etree._Element, roles: tuple[Role, ...], where: str) -> None:
        d = self.body_ns
        for index, role in enumerate(roles):
            at = f"{where}.roles[{index}]"
            element = self.el(parent, d, "RollerRelatertNotat")
            self.cv(element, d, "RolleNotat", role.role, f"{at}.role")
            self.cv(element, d, "RoleToPatient", role.role_to_patient, f"{at}.role_to_patient")
            if role.professional is not None and role.person is not None:
                raise BuildError(at, "a role holds a professional or a person, not both")
            if role.professional is not None:
                self.professional(element, d, ns.FK1, role.professional, f"{at}.professional", False)
            elif role.person is not None:
                self.person(element, role.person, f"{at}.person")
            elif self.version == "1.0":
                raise BuildError(at, "in Dialogmelding 1.0 a role needs a professional or a person")

    def person(self, parent: etree._Element, person: Person, where: str) -> None:
        d = self.body_ns
        element = self.el(parent, d, "Person")
        self.text(element, d, "GivenName", person.given_name, f"{where}.given_name")
        self.text(element, d, "MiddleName", person.middle_name, f"{where}.middle_name")
        self.text(element, d, "FamilyName", person.family_name, f"{where}.family_name")
        self.idents(element, ns.FK1, self._other_ids(person.ids, _PERSON_ID_LIST), where)

    # -- whole message --------------------------------------------------------------------------------------------

    def message(self, message: Message) -> etree._Element:
        if message.kind == Kind.HELSEFAGLIG and self.version != "1.1":
            raise BuildError(
                "version",
                "DIALOG_HELSEFAGLIG is Dialogmelding 1.1 only: "
                "build version 1.1 (dialog_version='1.1', --dialog-version 1.1)",
            )
        root = etree.Element(f"{{{ns.MSGHEAD}}}MsgHead", nsmap={None: ns.MSGHEAD})
        info = self.el(root, ns.MSGHEAD, "MsgInfo")
        self.cs(info, ns.MSGHEAD, "Type", CS(message.kind, _display("8279", message.kind)), "kind")
        self.el(info, ns.MSGHEAD, "MIGversion").text = MIG_VERSION
        self.el(info, ns.MSGHEAD, "GenDate").text = clock.format_timestamp(message.gen_date, "gen_date")
        self.text(info, ns.MSGHEAD, "MsgId", message.msg_id, "msg_id")
        if message.ack is not None:
            self.cs(info, ns.MSGHEAD, "Ack", CS(message.ack, _display("7304", message.ack)), "ack")
        if message.conversation is not None:
            ref = self.el(info, ns.MSGHEAD, "ConversationRef")
            self.text(ref, ns.MSGHEAD, "RefToParent", message.conversation.parent, "conversation.parent")
            self.text(
                ref, ns.MSGHEAD, "RefToConversation", message.conversation.conversation, "conversation.conversation"
            )
        for role, party in (("Sender", message.sender), ("Receiver", message.receiver)):
            self.organisation(self.el(info, ns.MSGHEAD, role), party, role.lower())
        if message.patient is not None:
            self.patient(info, message.patient)
        ref_doc = self.el(self.el(root, ns.MSGHEAD, "Document"), ns.MSGHEAD, "RefDoc")
        self.cs(ref_doc, ns.MSGHEAD, "MsgType", CS("XML", _display("8114", "XML")), "document")
        content = self.el(ref_doc, ns.MSGHEAD, "Content")
        dialog = etree.SubElement(
            content, f"{{{self.body_ns}}}Dialogmelding", nsmap={None: self.body_ns, "fk1": ns.FK1}
        )
        if isinstance(message.body, Foresporsel):
            self.foresporsel(dialog, message.body, "body")
        else:
            self.notat(dialog, message.body, "body")
        return root


def to_element(
    message: Message,
    dialog_version: DialogVersion | None = None,
    *,
    strict: bool = True,
    settings: Settings | None = None,
) -> etree._Element:
    """``message`` as a MsgHead element tree, validated against dmtool's schemas; see :func:`to_xml`."""
    version = dialog_version or message.version
    if version not in DIALOG_VERSIONS:
        raise BuildError(
            "version", f"Dialogmelding version must be one of {', '.join(DIALOG_VERSIONS)}; got {version!r}"
        )
    root = _Writer(version).message(message)
    schema = xsd.compiled("msghead")
    if not schema.validate(root):
        problems = "; ".join(ns.shorten(error.message) for error in schema.error_log)
        raise BuildError(None, f"the message is not valid against the schema: {problems}")
    if strict:
        broken = rules.evaluate(Facts(root, settings), errors_only=True)
        if broken:
            raise RuleError(tuple(broken))
    return root


def to_xml(
    message: Message,
    dialog_version: DialogVersion | None = None,
    *,
    strict: bool = True,
    settings: Settings | None = None,
) -> bytes:
    """``message`` as a MsgHead 1.2 document with its Dialogmelding body: UTF-8 bytes, deterministic, schema-valid.

    ``dialog_version`` (``"1.0"`` or ``"1.1"``) overrides ``message.version``. Raises
    :class:`~dmtool.errors.BuildError` naming the field when the message cannot be valid, and its subclass
    :class:`~dmtool.errors.RuleError` naming the rule when it breaks a hard guideline rule (under ``settings``:
    default the national profile; ``Settings(synthetic_ids=True)`` accepts Tenor's test numbers for the patient).
    ``strict=False`` skips the guideline rules (not the schema): for test material that breaks a rule on purpose,
    or for rewriting a received message as it is.
    """
    root = to_element(message, dialog_version, strict=strict, settings=settings)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
