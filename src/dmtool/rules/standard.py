"""The standard layer: what the standards themselves say, for every message whatever its family.

``UNSUPPORTED-MESSAGE`` for a type or timestamp dmtool cannot work with, ``TYPE-MATCHES-BODY``, and the references
that tie a svar or an avvik to the message it answers. (``NOT-XML``, ``XSD`` and ``APPREC-CONSISTENT`` are decided
where the work is done: the loader, the schema and :mod:`dmtool.apprec.check`.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from lxml import etree

from ..dialog.model import Kind
from ..standards import codelists
from ..xml import tree, xsd
from ..xml.tree import first
from . import families
from .base import Finding
from .facts import Facts

_AVVIK_OID: Final = codelists.get("8117").oid
_AVVIK_CODES: Final = codelists.get("8117").codes


def unsupported(facts: Facts) -> Iterator[Finding]:
    """``MsgInfo/Type`` is a type dmtool supports in the Dialogmelding version of the body
    (:func:`dmtool.rules.families.unsupported`), and GenDate, when the schema takes it, is one dmtool reads."""
    if facts.info is not None and (why := families.unsupported(facts.kind, facts.version)) is not None:
        yield why, facts.type_element
    gen_date = first(facts.info_parts, "GenDate")
    if gen_date is not None and facts.gen_date is None:  # not read: left to the schema unless it is an xs:dateTime
        found = xsd.timestamp_issue("MsgInfo/GenDate", tree.text(gen_date) or "", None)
        if found.rule == "UNSUPPORTED-MESSAGE":
            yield found.message, gen_date


def body_not_checked(facts: Facts) -> Iterator[Finding]:
    """Every Document whose content is in a namespace dmtool has no schema for is named: it is neither valid nor
    invalid to dmtool. Under the dialog guidelines a further Document is an attachment (``NO-ATTACHMENTS``) instead."""
    if "dialog" in facts.rule_layers:
        return
    for number, (_, parts) in enumerate(facts.ref_docs, 1):
        content = first(parts, "Content")
        for body in () if content is None else content.iterchildren(etree.Element):
            namespace = etree.QName(body).namespace
            if not xsd.has_schema(namespace):
                where = f"namespace {namespace}" if namespace else "no namespace"
                yield f"Document {number} carries {tree.name(body)} in {where}, which dmtool has no schema for: " \
                      "its content is not checked", body  # fmt: skip


def empty_organisation(facts: Facts) -> Iterator[Finding]:
    """An empty ``Organisation`` in the sender's or receiver's chain is skipped: said, since it names no one."""
    for empty in facts.empty_organisations:
        role = next((tree.name(up) for up in empty.iterancestors() if tree.name(up) in ("Sender", "Receiver")), "")
        yield f"{role}: an empty Organisation is left out of the {role.lower()}'s chain; leave it out of the " \
              "message", empty  # fmt: skip


def bodies_taken(kind: str) -> tuple[str, ...]:
    """The bodies a message of type ``kind`` may carry: a forespørsel a Foresporsel, Helsenorge's patient dialog
    either (a question or an answer), every other type a Notat."""
    if kind == Kind.FORESPORSEL:
        return ("Foresporsel",)
    return ("Foresporsel", "Notat") if kind.startswith(families.HELSENORGE_PREFIX) else ("Notat",)


def type_matches_body(facts: Facts) -> Iterator[Finding]:
    """``MsgInfo/Type`` agrees with the body; one body per message."""
    if facts.dialog is None or families.unsupported(facts.kind, facts.version) is not None:
        return
    bodies = facts.bodies
    type_element = facts.type_element
    for extra in bodies[1:]:
        yield f"a further {tree.name(extra)}: one request or note per message", extra
    if not bodies:
        yield f"{facts.kind} needs a body: the Dialogmelding holds no Foresporsel or Notat", facts.dialog
        return
    body = bodies[0]
    expected = bodies_taken(facts.kind)
    if tree.name(body) not in expected:
        yield f"{facts.kind} carries a {tree.name(body)}; it must carry a {' or a '.join(expected)}", type_element
    if facts.kind == Kind.HELSEFAGLIG and facts.version == "1.0":
        yield "DIALOG_HELSEFAGLIG is Dialogmelding 1.1; this body is 1.0", type_element


def _references(facts: Facts, what: str) -> Iterator[Finding]:
    """The message carries ConversationRef with RefToParent and RefToConversation, matching the original if known."""
    ref = facts.conversation
    if ref is None or not ref[0]:
        yield f"{what} needs ConversationRef/RefToParent with the MsgId of the message it answers", facts.info
        return
    if not ref[1]:
        yield f"{what} needs ConversationRef/RefToConversation with the id of the thread", facts.info
    original = facts.original
    if original is None:
        return
    element = facts.conversation_element
    if ref[0] != original.msg_id:
        yield f"RefToParent is {ref[0]!r}, but the answered message's MsgId is {original.msg_id!r}", element
    if ref[1] and ref[1] != original.conversation:
        yield f"RefToConversation is {ref[1]!r}, but the thread is {original.conversation!r}", element
    receivers = facts.her_ids("Receiver")
    if original.sender_her_ids and receivers and receivers[-1] not in original.sender_her_ids:
        yield f"the receiver (HER {receivers[-1]}) is not the answered message's sender " \
              f"(HER {', '.join(original.sender_her_ids)})", first(facts.info_parts, "Receiver")  # fmt: skip


def svar_references_foresporsel(facts: Facts) -> Iterator[Finding]:
    """A svar is tied to its forespørsel and goes back to its sender."""
    if facts.kind != Kind.SVAR:
        return
    yield from _references(facts, "a svar")
    if facts.original is not None and facts.original.kind not in ("", Kind.FORESPORSEL):
        yield f"a svar answers a forespørsel; the answered message is {facts.original.kind}", facts.info


def avvik_references_message(facts: Facts) -> Iterator[Finding]:
    """An avvik is tied to one received message, with reason 1 (feil adressat) or 2 (technical error, said what)."""
    if facts.kind != Kind.AVVIK:
        return
    yield from _references(facts, "an avvik")
    body = facts.body
    if body is None or tree.name(body) != "Notat":
        return
    tema = first(facts.body_parts, "TemaKodet")
    if tema is None:
        yield "an avvik needs its reason as TemaKodet from code list 8117 (1 feil adressat, 2 teknisk feil)", body
        return
    code, system = tree.code(tema), tema.get("S", "").strip()
    if not code or not system:
        yield "an avvik needs its reason as TemaKodet from code list 8117 (1 feil adressat, 2 teknisk feil)", tema
        return
    if system != _AVVIK_OID or code not in _AVVIK_CODES:
        return  # another list, or no code of 8117: CODE-VALUE says so
    if code == "9":
        yield "8117 code 9 Annet is not an allowed reason: use 1 (feil adressat) or 2 (teknisk feil)", tema
    elif code == "2" and not (tree.text(first(facts.body_parts, "TekstNotatInnhold")) or "").strip():
        yield "a technical-error avvik (8117 code 2) must say in TekstNotatInnhold what is missing", body
