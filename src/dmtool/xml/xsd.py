"""Our XML Schemas (in ``schemas/``), compiled once per process.

Three schema sets cover every supported message:

``msghead``
    MsgHead 1.2 together with the base64 container, xmldsig, and Dialogmelding 1.0 and 1.1, so that an envelope and
    the body in its strict ``RefDoc/Content`` wildcard validate in one pass.
``apprec-1.0`` / ``apprec-1.1``
    The application receipt of that version.

It also asks libxml2 whether a single value is an ``xs:date``, ``xs:dateTime`` or ``xs:anyURI``
(:func:`is_of_type`): for the dates the schema passes but dmtool cannot read, and for what a reply may copy.

A compiled schema is not shared between threads: libxml2 validates without Python's lock, and each validation
writes the schema's error log, so two threads validating with one schema read each other's errors (and an invalid
message could pass). :func:`borrowed` lends a compiled schema to one thread at a time and compiles another when all
are in use, so there are never more of a set than threads validating with it at once.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Final, Literal

from lxml import etree

from ..errors import BuildError
from ..report import Issue, Severity, bounded
from ..standards import clock
from ..standards import namespaces as ns

#: Entry file of each schema set, relative to the schema folder.
SCHEMA_SETS: Final[dict[str, str]] = {
    "msghead": "msghead-dialog.xsd",
    "apprec-1.0": "apprec-1.0.xsd",
    "apprec-1.1": "apprec-1.1.xsd",
}


#: The namespaces whose elements the ``msghead`` set declares. An element of another namespace in the strict wildcard of
#: ``RefDoc/Content`` (an iCalendar, an e-resept, a Pasientrelasjon Document) is a body dmtool has no schema for: not
#: a schema error of the sender's, but a body it does not check (rule ``BODY-NOT-CHECKED``).
SCHEMA_NAMESPACES: Final = frozenset({ns.MSGHEAD, ns.BASE64, ns.XMLDSIG, ns.DIALOG_10, ns.DIALOG_11, ns.FK1, ns.KITH})
#: libxml2's words for an element the strict wildcard finds no declaration for, with the element's namespace.
_UNDECLARED: Final = re.compile(
    r"Element '(?:\{([^}]*)\})?[^']*': No matching global element declaration available, but demanded by the "
    r"strict wildcard"
)


def has_schema(namespace: str | None) -> bool:
    """True when dmtool has a schema for elements of ``namespace`` (``None``: no namespace)."""
    return namespace in SCHEMA_NAMESPACES


def schema_dir() -> Path:
    """Folder holding the schemas: inside the installed wheel, or ``schemas/`` of a source checkout."""
    package = Path(__file__).resolve().parents[1]  # dmtool/, this module being dmtool/xml/xsd.py
    for candidate in (package / "schemas", package.parents[1] / "schemas"):
        if (candidate / SCHEMA_SETS["msghead"]).is_file():
            return candidate
    raise FileNotFoundError("dmtool's schemas are missing: reinstall dmtool")


#: A schema holding one element of each built-in type whose values dmtool reads itself, to ask libxml2 what that
#: type admits: the set ``BUILT_IN``, lent as the sets of :data:`SCHEMA_SETS` are.
BUILT_IN: Final = "built-in"
_BUILT_IN_XSD: Final = (
    b'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
    b'<xs:element name="date" type="xs:date"/><xs:element name="dateTime" type="xs:dateTime"/>'
    b'<xs:element name="anyURI" type="xs:anyURI"/></xs:schema>'
)
#: The compiled schemas of each set that no thread is using.
_IDLE: Final[dict[str, list[etree.XMLSchema]]] = {name: [] for name in (*SCHEMA_SETS, BUILT_IN)}
_IDLE_LOCK: Final = threading.Lock()


def compile_set(name: str) -> etree.XMLSchema:
    """A newly compiled schema of set ``name`` (one of :data:`SCHEMA_SETS`, or :data:`BUILT_IN`), for the caller
    alone: an lxml schema must not validate in two threads at once (see :func:`borrowed`)."""
    parser = etree.XMLParser(no_network=True, load_dtd=False, resolve_entities=False)
    if name == BUILT_IN:
        return etree.XMLSchema(etree.fromstring(_BUILT_IN_XSD, parser))
    return etree.XMLSchema(etree.parse(str(schema_dir() / SCHEMA_SETS[name]), parser))


@contextlib.contextmanager
def borrowed(name: str) -> Iterator[etree.XMLSchema]:
    """A compiled schema of set ``name``, for the calling thread alone until the ``with`` block ends: an idle one,
    or one compiled now when every one is in use. Read its ``error_log`` inside the block."""
    with _IDLE_LOCK:
        idle = _IDLE[name]
        schema = idle.pop() if idle else None
    if schema is None:
        schema = compile_set(name)
    try:
        yield schema
    finally:
        with _IDLE_LOCK:
            idle.append(schema)


def is_of_type(type_name: Literal["date", "dateTime", "anyURI"], text: str) -> bool:
    """True when ``text`` is a value of the built-in type ``xs:<type_name>``, as libxml2 judges an element's text when
    it validates a message: years past 9999 and before year 1 are values, and surrounding space makes no value."""
    element = etree.Element(type_name)
    element.text = text
    with borrowed(BUILT_IN) as schema:
        return schema.validate(element)


def timestamp_issue(where: str, text: str, line: int | None) -> Issue:
    """The issue for the timestamp at ``where``, whose element's ``text`` :func:`dmtool.standards.clock.parse_timestamp`
    cannot read.

    ``UNSUPPORTED-MESSAGE`` when the schema takes it all the same (a year past 9999, say): the message is valid, but
    not one dmtool can work with; ``XSD`` when it is not an xs:dateTime at all, as the schema also reports.
    """
    value = text.strip()
    if is_of_type("dateTime", text):
        message = f"{where} {value!r} is an xs:dateTime, but not one dmtool can read ({clock.READABLE})"
        return Issue("UNSUPPORTED-MESSAGE", Severity.ERROR, message, line)
    message = f"{where} {value!r} is not a date and time dmtool can read ({clock.READABLE})"
    return Issue("XSD", Severity.ERROR, message, line)


def problems(name: str, element: etree._Element) -> list[tuple[str, int | None]]:
    """What schema set ``name`` finds wrong with ``element``, as (message, line) pairs; empty when it is valid.

    Namespaces are written as their prefixes (:func:`dmtool.standards.namespaces.shorten`), and a long value libxml2
    quotes is cut (:func:`dmtool.report.bounded`). A body in a namespace dmtool has no schema for (:func:`has_schema`)
    is not judged, so it is no problem here.
    """
    with borrowed(name) as schema:
        if schema.validate(element):
            return []
        errors = [(error.message, error.line) for error in schema.error_log]
    return [(bounded(ns.shorten(message)), line or None) for message, line in errors if not _unjudged(message)]


def _unjudged(message: str) -> bool:
    found = _UNDECLARED.match(message)
    return found is not None and not has_schema(found.group(1))


def require_valid(name: str, element: etree._Element, what: str) -> None:
    """Raise :class:`~dmtool.errors.BuildError` with every problem when ``element`` (a ``what`` just built) is not
    valid against schema set ``name``."""
    found = problems(name, element)
    if found:
        raise BuildError(None, f"the {what} is not valid against the schema: {'; '.join(m for m, _ in found)}")
