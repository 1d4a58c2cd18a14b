"""Writing an application receipt: :func:`to_xml`, deterministic and valid against the AppRec schema of its version."""

from __future__ import annotations

from lxml import etree

from ..dialog.model import CS
from ..errors import BuildError
from ..standards import clock, codelists
from ..xml import xsd
from .model import APPREC_VERSIONS, MIG_VERSIONS, NAMESPACES, ROLES, AppRec, Party, Unit

# -- to XML -----------------------------------------------------------------------------------------------------------


def _text(parent: etree._Element, namespace: str, local: str, value: str | None) -> None:
    if value is not None:
        etree.SubElement(parent, f"{{{namespace}}}{local}").text = value


def _cs(parent: etree._Element, namespace: str, local: str, value: CS | None) -> None:
    if value is not None:
        element = etree.SubElement(parent, f"{{{namespace}}}{local}", V=value.code)
        if value.display is not None:
            element.set("DN", value.display)


def _id_type(code: str | None, persons: bool) -> CS | None:
    if code is None:
        return None
    listed = codelists.get("8116" if persons and code != "HER" else "9051")
    return CS(code, listed.codes.get(code))


def _unit(parent: etree._Element, namespace: str, local: str, unit: Unit, persons: bool) -> etree._Element:
    element = etree.SubElement(parent, f"{{{namespace}}}{local}")
    _text(element, namespace, "Name", unit.name)
    _text(element, namespace, "Id", unit.id)
    _cs(element, namespace, "TypeId", _id_type(unit.id_type, persons))
    return element


def _party(parent: etree._Element, namespace: str, local: str, party: Party) -> None:
    element = etree.SubElement(parent, f"{{{namespace}}}{local}")
    if party.role is not None:
        _cs(element, namespace, "Role", CS(party.role, ROLES.get(party.role)))
    hcp = etree.SubElement(element, f"{{{namespace}}}HCP")
    top = Unit(party.name, party.id, party.id_type)
    inst = _unit(hcp, namespace, "HCProf" if party.professional else "Inst", top, party.professional)
    if party.professional:
        return
    for department in party.departments:
        _unit(inst, namespace, "Dept", department, False)
    for person in party.persons:
        _unit(inst, namespace, "HCPerson", person, True)


def to_element(apprec: AppRec) -> etree._Element:
    """``apprec`` as an element tree valid against dmtool's AppRec schema of its version; see :func:`to_xml`."""
    if apprec.version not in APPREC_VERSIONS:
        raise BuildError("version", f"the AppRec version must be 1.0 or 1.1; got {apprec.version!r}")
    namespace = NAMESPACES[apprec.version]
    root = etree.Element(f"{{{namespace}}}AppRec", nsmap={None: namespace})
    _cs(root, namespace, "MsgType", CS("APPREC", "Applikasjonskvittering"))
    _text(root, namespace, "MIGversion", MIG_VERSIONS[apprec.version])
    _text(root, namespace, "GenDate", clock.format_timestamp(apprec.gen_date, "gen_date"))
    _text(root, namespace, "Id", apprec.id)
    _party(root, namespace, "Sender", apprec.sender)
    _party(root, namespace, "Receiver", apprec.receiver)
    _cs(root, namespace, "Status", CS(apprec.status, codelists.get("8258").codes.get(apprec.status)))
    for error in apprec.errors:
        element = etree.SubElement(root, f"{{{namespace}}}Error", V=error.code)
        for attr, value in (("S", error.system), ("DN", error.display), ("OT", error.original_text)):
            if value is not None:
                element.set(attr, value)
    original = etree.SubElement(root, f"{{{namespace}}}OriginalMsgId")
    _cs(original, namespace, "MsgType", CS(apprec.original_type, codelists.get("8279").codes.get(apprec.original_type)))
    _text(original, namespace, "IssueDate", clock.format_timestamp(apprec.original_date, "original_date"))
    _text(original, namespace, "Id", apprec.original_id)
    xsd.require_valid(f"apprec-{apprec.version}", root, "AppRec")
    return root


def to_xml(apprec: AppRec) -> bytes:
    """``apprec`` as UTF-8 XML bytes, deterministic and valid against the AppRec schema of its version."""
    return etree.tostring(to_element(apprec), xml_declaration=True, encoding="UTF-8", pretty_print=True)
