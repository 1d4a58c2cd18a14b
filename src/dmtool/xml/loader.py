"""Safe loading: bytes in, the message element out, or a precise reason why not.

Parsing is safe by default (:mod:`dmtool.xml.parsing`): no DTD (a document with a ``DOCTYPE`` is refused), no entity
expansion, no network, no XInclude, no external resource of any kind, bounded memory for names, bounded size
(:data:`MAX_SIZE`), depth (libxml2's limit of 2048 levels) and markup (``<`` and attributes, :data:`MAX_MARKUP`).
Accepted encodings are UTF-8 and ISO-8859-1 (and their subset US-ASCII), declared in the XML declaration or marked by
a UTF-8 byte order mark.

Inputs are recognised by the namespace of their root: MsgHead 1.2 with a Dialogmelding 1.0 or 1.1 body, AppRec 1.0
or 1.1. Any other root is searched for the outermost MsgHead and AppRec elements inside it (a vendor envelope such as
NAV's ``EI_fellesformat`` holds one, a vendor's export several); such a message is what gets validated, and the result
says it was wrapped. :func:`load` takes one message; :func:`load_each` gives every message of a file.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Final, cast

from lxml import etree

from ..errors import DmtoolError
from ..report import Issue, Kind, Severity, Version
from ..standards import namespaces as ns
from ..standards import versions
from . import parsing, tree

#: Largest input accepted, in bytes.
MAX_SIZE: Final = 50 * 1024 * 1024
#: Most markup accepted in one input, counted before it is parsed: every ``<`` (a tag, a comment, ...) and every ``=``
#: before a quote (an attribute, wherever it stands). A Dialogmelding has a few hundred, however long its text. A
#: flood of elements or attributes would take memory far out of proportion to the input: libxml2 keeps about 300
#: bytes for each attribute, and each one the schema does not allow becomes an issue (600,000 attributes in 6.5 MB
#: took 1.2 GB).
MAX_MARKUP: Final = 20_000
_ATTRIBUTE: Final = re.compile(rb"=\s*[\"']")
_ALLOWED_ENCODINGS: Final = frozenset({"utf-8", "iso8859-1", "ascii"})
_XML_DECL: Final = re.compile(rb"^<\?xml\s[^>]*?encoding\s*=\s*[\"']([A-Za-z][A-Za-z0-9._-]*)[\"']")
#: libxml2's words for its safety limits, and what dmtool tells the user instead.
_LIMIT_MESSAGES: Final = {
    "Excessive depth": "elements nested deeper than 2048 levels are refused for safety; no Dialogmelding nests that "
    "deep: check that this is the right file",
    "Text node too long": "a single text node larger than 10 MB is refused for safety",
}
#: What to do about XML that libxml2 cannot read: the damage is in the bytes, so the sender must send them again.
_RESEND: Final = "fix the XML at that line, or ask the sender to send the message again"
_RECODE: Final = "save the message in UTF-8, or declare the encoding it is written in (UTF-8 or ISO-8859-1)"
_CONTROL: Final = "XML allows no such character (a NUL or another control character): remove it, or ask the sender"
_DOCTYPE: Final = "the input has a DOCTYPE: DTDs and entity declarations are refused for safety; remove the DOCTYPE"
_PROLOG_SPACE: Final = re.compile(rb"[ \t\r\n]*")
_UTF8_BOM: Final = b"\xef\xbb\xbf"
_WIDE_BOMS: Final = (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\xfe\xff", b"\xff\xfe")

_MESSAGE_ROOTS: Final[dict[str, tuple[Kind, Version | None, str]]] = {
    f"{{{ns.MSGHEAD}}}MsgHead": ("msghead", None, "msghead"),
    **{
        f"{{{version.namespace}}}AppRec": ("apprec", cast("Version", version.label), version.label)
        for version in versions.of("apprec")
    },
}
_DIALOG_VERSIONS: Final = {
    f"{{{version.namespace}}}Dialogmelding": cast("Version", version.label) for version in versions.of("dialog")
}
_MH: Final = f"{{{ns.MSGHEAD}}}"


class LoadError(DmtoolError):
    """The input cannot be used at all; ``issue`` says why (rule ``NOT-XML`` or ``UNSUPPORTED-MESSAGE``)."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message)
        self.issue = issue


@dataclass(frozen=True)
class Loaded:
    """A parsed input: the message element and what it is.

    ``schema_set`` names the set in :mod:`dmtool.xml.xsd` that validates ``element``; ``None`` when the input is not a
    supported message (``problems`` then says why).
    """

    element: etree._Element
    kind: Kind
    version: Version | None
    schema_set: str | None
    msg_type: str | None
    msg_id: str | None
    wrapped: bool
    problems: tuple[Issue, ...] = ()


def _not_xml(message: str, line: int | None = None) -> LoadError:
    return LoadError(Issue("NOT-XML", Severity.ERROR, message, line))


def _unsupported(message: str, line: int | None = None) -> Issue:
    return Issue("UNSUPPORTED-MESSAGE", Severity.ERROR, message, line)


def _check_encoding(data: bytes) -> bytes:
    """Refuse encodings other than UTF-8 / ISO-8859-1; return ``data`` without its UTF-8 byte order mark: what
    libxml2 reads as the document once it has skipped that mark."""
    if not data or data.isspace():  # not data.strip(), which copies the whole input
        raise _not_xml(
            "the input is empty: expected an XML message; check that this is the right file and that it "
            "was written completely"
        )
    if data.startswith(_WIDE_BOMS):
        raise _not_xml("the input is UTF-16 or UTF-32: only UTF-8 and ISO-8859-1 are supported; re-encode it")
    if _looks_like_utf16(data):
        raise _not_xml(
            "the input looks like UTF-16 without a byte order mark: only UTF-8 and ISO-8859-1 are supported; "
            "re-encode it"
        )
    has_bom = data.startswith(_UTF8_BOM)
    body = data[len(_UTF8_BOM) :] if has_bom else data
    if body.startswith(_UTF8_BOM):  # libxml2 skips one; a second would hide what follows from these guards
        raise _not_xml(
            "the input starts with more than one UTF-8 byte order mark: remove all but one (or all of them)", 1
        )
    if body.find(b"\x00", 0, 1024) >= 0 and not body.lstrip().startswith(b"<"):
        raise _not_xml(
            "the input is binary data (it holds NUL bytes and does not start with '<'), not an XML message; check "
            "that this is the right file"
        )
    match = _XML_DECL.match(body)
    if match:
        declared = match.group(1).decode("ascii")
        try:
            encoding = codecs.lookup(declared).name
        except LookupError:
            raise _not_xml(f"unknown encoding {declared!r} in the XML declaration; {_RECODE}", 1) from None
        if encoding not in _ALLOWED_ENCODINGS:
            raise _unsupported_encoding(declared)
        if has_bom and encoding != "utf-8":
            raise _not_xml(
                f"the input starts with a UTF-8 byte order mark but declares encoding {declared!r}; declare UTF-8 or "
                "remove the byte order mark",
                1,
            )
    return body


def _looks_like_utf16(data: bytes) -> bool:
    """True when the start of ``data`` has a NUL in every other byte, as text in UTF-16 does (mostly ASCII at the
    start of an XML document); other bytes with NULs in them are left to the parser, which names the character."""
    head = data[:64]
    return any(len(half) >= 2 and half.count(0) == len(half) for half in (head[0::2], head[1::2]))


def _refuse_doctype(body: bytes) -> None:
    """Refuse a ``DOCTYPE`` before libxml2 reads any of it: DTDs and entity declarations are never processed.

    A ``DOCTYPE`` can only stand in the prolog, so the scan stops at the first element.
    """
    at = 0
    while True:
        at = _PROLOG_SPACE.match(body, at).end()  # type: ignore[union-attr]  # "*" always matches
        closer = b"?>" if body.startswith(b"<?", at) else b"-->" if body.startswith(b"<!--", at) else None
        if closer is not None:
            end = body.find(closer, at + 2)
            if end < 0:
                return
            at = end + len(closer)
        elif body[at : at + 9].upper() == b"<!DOCTYPE":
            raise _not_xml(_DOCTYPE, body.count(b"\n", 0, at) + 1)
        else:
            return


def too_large() -> Issue:
    """What is said of an input larger than :data:`MAX_SIZE` (``NOT-XML``): by validation, and by ``dmtool serve``
    when it refuses such a body before it has read all of it."""
    return Issue(
        "NOT-XML",
        Severity.ERROR,
        f"the input is larger than {MAX_SIZE // (1024 * 1024)} MiB, more than any Dialogmelding needs; check that this "
        "is the right file",
    )


def _readable_encoding(body: bytes) -> str:
    """The encoding the XML declaration of ``body`` names when dmtool accepts it (ISO-8859-1, US-ASCII), else
    UTF-8."""
    declared = _XML_DECL.match(body)
    if declared is None:
        return "utf-8"
    try:
        named = codecs.lookup(declared.group(1).decode("ascii")).name
    except LookupError:
        return "utf-8"
    return named if named in _ALLOWED_ENCODINGS else "utf-8"


def source_text(data: bytes) -> str:
    """``data`` as text to show it to people: decoded as its XML declaration says when that names ISO-8859-1 or
    US-ASCII, else as UTF-8 (without its byte order mark), a byte that does not decode shown as U+FFFD."""
    body = data.removeprefix(_UTF8_BOM)
    return body.decode(_readable_encoding(body), errors="replace")


def text_bytes(text: str) -> bytes:
    """A message given as text (pasted on a page) as the bytes of its file: encoded as its XML declaration says when
    that names ISO-8859-1 or US-ASCII and every character fits, else as UTF-8."""
    head = text[:200].encode("utf-8", errors="replace")
    try:
        return text.encode(_readable_encoding(head))
    except UnicodeEncodeError:
        return text.encode("utf-8")


def parse_bytes(data: bytes) -> etree._Element:
    """Parse ``data`` safely and return its root element; raise :class:`LoadError` (``NOT-XML``) when unusable."""
    if len(data) > MAX_SIZE:
        raise LoadError(too_large())
    body = _check_encoding(data)
    _refuse_doctype(body)
    if _too_much_markup(body):
        raise _not_xml(
            f"the input has more than {MAX_MARKUP:,} tags and attributes, far more than any Dialogmelding has; it is "
            "refused for safety before it is read: check that this is the right file"
        )
    try:
        root = parsing.fromstring(data)  # the bytes as they came: libxml2 skips the one mark itself
    except etree.XMLSyntaxError as exc:
        raise _not_xml(f"not well-formed XML: {_syntax_message(exc.msg or str(exc))}", exc.lineno or None) from None
    _check_read(root)
    return root


def _check_read(root: etree._Element) -> None:
    """Refuse a document in which libxml2 read a DTD or an encoding dmtool does not accept, whatever got it past the
    checks before parsing: they read the bytes as libxml2 does, and this makes sure of it."""
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.doctype:
        raise _not_xml(_DOCTYPE)
    declared = info.encoding or "UTF-8"
    try:
        encoding = codecs.lookup(declared).name
    except LookupError:
        encoding = declared
    if encoding not in _ALLOWED_ENCODINGS:
        raise _unsupported_encoding(declared)


def _unsupported_encoding(declared: str) -> LoadError:
    return _not_xml(f"encoding {declared!r} is not supported: use UTF-8 or ISO-8859-1", 1)


def _too_much_markup(body: bytes) -> bool:
    """True when ``body`` holds more markup than :data:`MAX_MARKUP` (an input no longer than that cannot).

    The count is an upper bound, in linear time: it does not tell a ``<`` or ``="`` in a CDATA section or a comment
    from markup, so that a quoted ``>`` or a CDATA section cannot hide attributes from it.
    """
    if len(body) <= MAX_MARKUP:
        return False
    count = body.count(b"<")
    for _ in _ATTRIBUTE.finditer(body):
        if count > MAX_MARKUP:
            break
        count += 1
    return count > MAX_MARKUP


def _syntax_message(theirs: str) -> str:
    """libxml2's message on one line, and what to do about it; dmtool's own words for its safety limits."""
    ours = next((ours for words, ours in _LIMIT_MESSAGES.items() if words in theirs), None)
    if ours is not None:
        return ours
    advice = _RECODE if "encoding" in theirs else _CONTROL if "Char" in theirs else _RESEND
    return f"{' '.join(theirs.split()).replace(' ,', ',')}; {advice}"


def _outermost_messages(root: etree._Element) -> list[etree._Element]:
    """The MsgHead and AppRec elements below ``root`` that no other one holds, in document order. What a message holds
    is not walked: each element is visited at most once, however deep messages nest."""
    found: list[etree._Element] = []
    waiting = list(reversed(list(root.iterchildren(etree.Element))))
    while waiting:
        element = waiting.pop()
        if element.tag in _MESSAGE_ROOTS:
            found.append(element)
        else:
            waiting.extend(reversed(list(element.iterchildren(etree.Element))))
    return found


def _describe(element: etree._Element) -> str:
    return ns.shorten(str(element.tag))


def _first(element: etree._Element | None, *tags: str) -> etree._Element | None:
    """The element reached from ``element`` by the first child of each (namespaced) tag in turn, or ``None``."""
    for tag in tags:
        if element is None:
            return None
        element = next(element.iterchildren(tag), None)
    return element


def _dialog_version(msghead: etree._Element) -> tuple[Version | None, tuple[Issue, ...]]:
    documents = list(msghead.iterchildren(_MH + "Document"))
    document = documents[tree.body_document(documents)] if documents else None
    content = _first(document, _MH + "RefDoc", _MH + "Content")
    body = None if content is None else next(content.iterchildren(etree.Element), None)
    if body is None:
        return None, (
            _unsupported(
                "the MsgHead carries no Dialogmelding in a Document/RefDoc/Content; put the Dialogmelding in the "
                "first Document",
                msghead.sourceline,
            ),
        )
    version = _DIALOG_VERSIONS.get(str(body.tag))
    if version is None:
        return None, (
            _unsupported(
                f"the MsgHead carries {_describe(body)}: only Dialogmelding 1.0 "
                f"({ns.DIALOG_10}) and 1.1 ({ns.DIALOG_11}) are supported",
                body.sourceline,
            ),
        )
    return version, ()


def identify(root: etree._Element) -> Loaded:
    """Find the message in ``root`` (itself, or the one MsgHead/AppRec inside a wrapper) and say what it is.

    A wrapper holding several messages is ``UNSUPPORTED-MESSAGE`` here, saying how many: :func:`identify_each` gives
    each of them.
    """
    found = identify_each(root)
    if len(found) == 1:
        return found[0]
    reason = (
        f"the wrapper {_describe(root)} holds {len(found)} messages, and one was expected here: dmtool validate, "
        "parse and apprec give one result per message (FILE#1, FILE#2, ...), as dmtool.validate_each, parse_each and "
        "apprec_for_each do"
    )
    return _not_a_message(root, reason)


def identify_each(root: etree._Element) -> list[Loaded]:
    """Every message in ``root``, in document order: ``root`` itself when it is a MsgHead or AppRec, else every
    outermost MsgHead and AppRec inside it (a vendor export holding several), each judged on its own element (a
    message inside another's content is part of that one). A wrapper holding none gives one ``unknown`` result whose
    ``problems`` say so."""
    if root.tag in _MESSAGE_ROOTS:
        return [_identified(root, wrapped=False)]
    messages = _outermost_messages(root)
    if not messages:
        reason = (
            f"{_describe(root)} is not a MsgHead or AppRec, and holds none; send a MsgHead with a Dialogmelding, an "
            "AppRec, or a wrapper holding one of them"
        )
        return [_not_a_message(root, reason)]
    return [_identified(element, wrapped=True) for element in messages]


def _not_a_message(root: etree._Element, reason: str) -> Loaded:
    issue = _unsupported(reason + _namespace_hint(root), root.sourceline)
    return Loaded(root, "unknown", None, None, None, None, False, (issue,))


def _identified(element: etree._Element, *, wrapped: bool) -> Loaded:
    """What the MsgHead or AppRec ``element`` is."""
    kind, version, schema_set = _MESSAGE_ROOTS[str(element.tag)]
    problems: tuple[Issue, ...] = ()
    if kind == "msghead":
        version, problems = _dialog_version(element)
        info = _first(element, _MH + "MsgInfo")
        type_el, id_el = _first(info, _MH + "Type"), _first(info, _MH + "MsgId")
    else:
        namespace = etree.QName(element).namespace  # the root's: one of the AppRec versions of _MESSAGE_ROOTS
        type_el, id_el = _first(element, f"{{{namespace}}}MsgType"), _first(element, f"{{{namespace}}}Id")
    code = None if type_el is None else type_el.get("V")
    msg_type = None if code is None else code.strip()  # an xs:token: the space around it is not part of it
    msg_id = None if id_el is None else tree.text(id_el) or ""
    return Loaded(element, kind, version, schema_set, msg_type, msg_id, wrapped, problems)


def _namespace_hint(root: etree._Element) -> str:
    local = etree.QName(root).localname
    if local in {"MsgHead", "AppRec", "Dialogmelding"}:
        return (
            f" ({local} is in namespace {etree.QName(root).namespace or 'none'!r}; a Dialogmelding must be sent in "
            f"a MsgHead ({ns.MSGHEAD}); AppRec uses {ns.APPREC_10} or {ns.APPREC_11})"
        )
    return ""


def load(data: bytes) -> Loaded:
    """Parse ``data`` safely and identify the message in it (see :func:`parse_bytes` and :func:`identify`)."""
    return identify(parse_bytes(data))


def load_each(data: bytes) -> list[Loaded]:
    """Parse ``data`` safely and identify every message in it (see :func:`parse_bytes` and :func:`identify_each`):
    the bounds on size and markup are the file's, and each message is an element of the one tree parsed."""
    return identify_each(parse_bytes(data))
