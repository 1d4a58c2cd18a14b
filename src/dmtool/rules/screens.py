"""Could a rule fire? An exact, cheap test for each rule where one pays, so that the check runs only when it may
find something (:func:`dmtool.rules.evaluate`).

A screen reads what :class:`~dmtool.rules.facts.Facts` has already read (the children by local name, the chains) and
answers ``False`` only when the rule's check would find nothing: it may say ``True`` when the check then finds
nothing, never ``False`` when it would find something. ``evaluate(facts, screened=False)`` runs every check (the
plain path); ``tests/test_screens.py`` compares the two on more than 10,000 messages, every issue and line.

Rules with no screen here are those whose check costs no more than a test of it would: it returns at its first
test, or every message needs the check's own reading (``CODE-VALUE`` judges each coded value, ``NO-HJELPENUMMER``
each person number, ``SERVICE-ADDRESSING`` each HER-id, ``PLAIN-TEXT`` each free text; a screen for the last two
made no difference on the fixtures and cost more on long texts), and the advice, whose text searches are their own
test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from ..dialog.model import Kind
from ..xml import tree
from ..xml.tree import first
from . import families
from .facts import Facts
from .standard import bodies_taken

#: A screen: ``False`` only when the rule's check finds nothing in the facts.
Screen = Callable[[Facts], bool]

#: The MIME types of the Dialogmelding's own Document that ``NO-ATTACHMENTS`` takes.
_XML_TYPES: Final = ("text/xml", "application/xml")


def unsupported(facts: Facts) -> bool:
    """``UNSUPPORTED-MESSAGE``: a type or version dmtool does not judge, or a GenDate it cannot read."""
    if facts.gen_date is None and "GenDate" in facts.info_parts:
        return True
    return facts.info is not None and families.unsupported(facts.kind, facts.version) is not None


def no_attachments(facts: Facts) -> bool:
    """``NO-ATTACHMENTS``: a PatientReport, a further Document, a further element in Content, a body Document that
    does not say XML or points elsewhere, or a base64 container anywhere."""
    if "PatientReport" in facts.parts or len(facts.documents) > 1 or len(facts.in_content) > 1:
        return True
    for ref_doc, parts in facts.ref_docs:  # at most one: the Dialogmelding's own
        if ref_doc is None:
            continue
        if "FileReference" in parts:
            return True
        msg_type = first(parts, "MsgType")
        if msg_type is not None and tree.code(msg_type) != "XML":
            return True
        mime = first(parts, "MimeType")
        if mime is not None and (tree.text(mime) or "").strip().lower() not in _XML_TYPES:
            return True
    return next(tree.descendants(facts.msghead, "Base64Container"), None) is not None


def one_recipient(facts: Facts) -> bool:
    """``ONE-RECIPIENT``: a second Receiver, an OtherReceiver, or a PatientReport."""
    info = facts.info_parts
    return len(info.get("Receiver", ())) > 1 or "OtherReceiver" in info or "PatientReport" in facts.parts


def type_matches_body(facts: Facts) -> bool:
    """``TYPE-MATCHES-BODY``: a Dialogmelding with no body or more than one, a body the type does not take, or
    helsefaglig in 1.0."""
    if facts.dialog is None:
        return False
    bodies = facts.bodies
    if len(bodies) != 1 or tree.name(bodies[0]) not in bodies_taken(facts.kind):
        return True
    return facts.kind == Kind.HELSEFAGLIG and facts.version == "1.0"


def svar_references_foresporsel(facts: Facts) -> bool:
    """``SVAR-REFERENCES-FORESPORSEL``: only a svar is checked."""
    return facts.kind == Kind.SVAR


def avvik_references_message(facts: Facts) -> bool:
    """``AVVIK-REFERENCES-MESSAGE``: only an avvik is checked."""
    return facts.kind == Kind.AVVIK


def ack_requested(facts: Facts) -> bool:
    """``ACK-REQUESTED``: an Ack other than J."""
    ack = first(facts.info_parts, "Ack")
    return ack is not None and tree.code(ack) != "J"


def empty_organisation(facts: Facts) -> bool:
    """``EMPTY-ORGANISATION``: an empty Organisation in a chain."""
    return bool(facts.empty_organisations)


#: The screens, by rule id.
SCREENS: Final[dict[str, Screen]] = {
    "UNSUPPORTED-MESSAGE": unsupported,
    "NO-ATTACHMENTS": no_attachments,
    "ONE-RECIPIENT": one_recipient,
    "TYPE-MATCHES-BODY": type_matches_body,
    "SVAR-REFERENCES-FORESPORSEL": svar_references_foresporsel,
    "AVVIK-REFERENCES-MESSAGE": avvik_references_message,
    "ACK-REQUESTED": ack_requested,
    "EMPTY-ORGANISATION": empty_organisation,
}
