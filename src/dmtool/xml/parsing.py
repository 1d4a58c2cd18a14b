"""Parsing XML bytes safely, with memory that stays bounded in a process that runs for months.

libxml2 keeps every element and attribute name it reads (and short or blank text) in a dictionary that lxml keeps
per thread and never empties: a process that read messages full of new names grew without end (20 messages of
15,000 new 500-character names took it from 21 to 197 MB). So each thread parses with a parser of its own, and once
it has read :data:`THREAD_BYTES` with it, lxml is made to forget the thread's dictionary and the next parser starts
a new one; the old one is freed as soon as the trees parsed with it are gone. What names can take is thus bounded
by what one thread reads in :data:`THREAD_BYTES` (and one message more), whatever the names, however long the
process runs. A thread that ends takes its dictionary with it, as lxml always did.

The parser is safe: no DTD is loaded, no entity expanded, nothing fetched, no external resource opened (a resolver
refuses every one); text nodes may be as large as the input (:data:`dmtool.xml.loader.MAX_SIZE` bounds it).
"""

from __future__ import annotations

import ctypes
import threading
from typing import Final

from lxml import etree

#: Bytes a thread parses with one dictionary of names before it starts a new one: hundreds of ordinary messages,
#: whose names are always the same few hundred, so starting anew costs nothing that shows.
THREAD_BYTES: Final = 4 * 1024 * 1024


class _RefuseResolver(etree.Resolver):
    """Refuses every external resource libxml2 might ask for (entities, DTDs): nothing is ever opened."""

    def resolve(self, system_url: str | None, public_id: str | None, context: object) -> None:
        raise etree.XMLSyntaxError(f"external resource refused: {system_url or public_id}", 0, 0, 0)


def _new_parser() -> etree.XMLParser:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,  # text nodes over 10 MB are fine: MAX_SIZE bounds the input, no entity expands
        collect_ids=False,
    )
    parser.resolvers.add(_RefuseResolver())
    return parser


#: This thread's parser and how many more bytes it may read with the names it has learnt (see :func:`fromstring`).
_THREAD: Final = threading.local()
#: Where lxml keeps a thread's dictionary of names: in the thread's state, under this key.
_LXML_CONTEXT: Final = "_ParserDictionaryContext"
_thread_state_dict = ctypes.pythonapi.PyThreadState_GetDict
_thread_state_dict.restype = ctypes.c_void_p  # a borrowed reference: cast below, which takes one of its own
_thread_state_dict.argtypes = ()


def fromstring(data: bytes) -> etree._Element:
    """Parse ``data`` with this thread's safe parser and return its root element.

    Raises :class:`lxml.etree.XMLSyntaxError` when ``data`` is not well-formed XML.
    """
    parser: etree.XMLParser | None = getattr(_THREAD, "parser", None)
    if parser is None or _THREAD.left <= 0:
        parser = _THREAD.parser = _fresh_parser(renew=parser is not None)
        _THREAD.left = THREAD_BYTES
    _THREAD.left -= len(data)
    return etree.fromstring(data, parser)


def _fresh_parser(*, renew: bool) -> etree.XMLParser:
    """A new safe parser for this thread; with ``renew``, lxml is made to forget the thread's dictionary of names
    first, so that the new parser's own (empty) dictionary becomes the thread's. The old one is freed once the
    trees that use it are gone. The thread's default parser (``etree.set_default_parser``) is kept."""
    if renew:
        default = etree.get_default_parser()
        address = _thread_state_dict()
        state = ctypes.cast(address, ctypes.py_object).value if address else None
        if isinstance(state, dict):
            state.pop(_LXML_CONTEXT, None)
        etree.set_default_parser(default)
    return _new_parser()
