"""Lenient navigation of a parsed message: children found by local name, whatever their namespace prefix."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from lxml import etree

#: Local names by tag, learnt as tags are met: lxml makes a new ``{namespace}local`` string for each ``.tag``, and a
#: dictionary lookup of it is cheaper than cutting it. Comments and processing instructions (whose tag is a function)
#: have the local name ``""``. At most :data:`_KNOWN_TAGS` are kept, each no longer than :data:`_KNOWN_TAG_CHARS`
#: (far longer than any namespace and name of the standards), so that a flood of names cannot grow it.
_LOCAL_NAMES: dict[object, str] = {}
_KNOWN_TAGS = 4096
_KNOWN_TAG_CHARS = 200


def local_name(tag: object) -> str:
    """The local name of an element's ``tag`` (``Ident`` for ``{...}Ident``); ``""`` for a comment or a processing
    instruction."""
    local = _LOCAL_NAMES.get(tag)
    if local is None:
        local = tag[tag.find("}") + 1 :] if isinstance(tag, str) else ""
        if len(_LOCAL_NAMES) < _KNOWN_TAGS and not (isinstance(tag, str) and len(tag) > _KNOWN_TAG_CHARS):
            _LOCAL_NAMES[tag] = local
    return local


def name(element: etree._Element) -> str:
    """The local name of ``element`` (``Ident`` for ``{...}Ident``)."""
    return local_name(element.tag)


Parts = dict[str, list[etree._Element]]


#: Which children :func:`index` reads: local names, made by :func:`named`.
Wanted = frozenset[str]


def named(*locals_: str) -> Wanted:
    """The children named one of ``locals_``, in any namespace, for :func:`index`."""
    return frozenset(locals_)


def index(element: etree._Element | None, wanted: Wanted) -> Parts:
    """The ``wanted`` child elements of ``element`` (see :func:`named`) by local name, each list in document order;
    empty for ``None``.

    One pass over the children: cheaper than looking for each name in turn when several are wanted, and cheaper than
    lxml's own filter by name, which costs more to set up than a message's few children cost to look at.
    """
    found: Parts = {}
    if element is not None:
        known = _LOCAL_NAMES
        for item in element:  # the hottest loop of the rules: local_name's lookup is done here, its call only to learn
            tag = item.tag
            local = known.get(tag) or local_name(tag)
            if local in wanted:
                items = found.get(local)
                if items is None:
                    found[local] = [item]
                else:
                    items.append(item)
    return found


def first(parts: Parts, local: str) -> etree._Element | None:
    """The first element named ``local`` in ``parts`` (see :func:`index`), or ``None``."""
    items = parts.get(local)
    return items[0] if items else None


def children(element: etree._Element, local: str) -> list[etree._Element]:
    """The child elements of ``element`` named ``local``, in document order."""
    return list(element.iterchildren("{*}" + local))


def child(element: etree._Element | None, local: str) -> etree._Element | None:
    """The first child element of ``element`` named ``local``, or ``None``."""
    if element is not None:
        for item in element:
            if local_name(item.tag) == local:
                return item
    return None


def path(element: etree._Element | None, *locals_: str) -> etree._Element | None:
    """The element reached from ``element`` by the first child of each name in turn, or ``None``."""
    for local in locals_:
        element = child(element, local)
    return element


def descendants(element: etree._Element, *locals_: str) -> Iterator[etree._Element]:
    """Every element below ``element`` named one of ``locals_``, in document order (one pass over the tree)."""
    return element.iterdescendants(*("{*}" + local for local in locals_))


def code(element: etree._Element | None) -> str:
    """The code in ``V`` of ``element`` as the schema reads an xs:token: without the space around it; ``""`` when there
    is no element or no ``V``."""
    return "" if element is None else element.get("V", "").strip()


def text(element: etree._Element | None) -> str | None:
    """The whole text of ``element`` and the elements in it, without comments and processing instructions, or
    ``None`` when there is no element."""
    if element is None:
        return None
    if not len(element):  # a leaf: its text is all there is (the common case, and 20 times faster)
        return element.text or ""
    return "".join(element.itertext())


def has_markup(element: etree._Element) -> bool:
    """True when ``element`` holds child elements (markup), not only text."""
    return bool(len(element)) and any(isinstance(item.tag, str) for item in element)


def body_document(documents: Sequence[etree._Element]) -> int:
    """Which of a MsgHead's ``Document`` elements carries the message: the first whose ``RefDoc/Content`` starts with
    a ``Dialogmelding``, or else the first (0). Any other Document is an attachment, whatever its place: some
    systems put the attachment first."""
    if len(documents) < 2:  # the usual case: nothing to choose
        return 0
    for at, document in enumerate(documents):
        content = path(document, "RefDoc", "Content")
        body = None if content is None else next(content.iterchildren(etree.Element), None)
        if body is not None and name(body) == "Dialogmelding":
            return at
    return 0
