"""The nav layer (``--profile nav``): what NAV ⇄ behandler dialog allows beyond the dialog guidelines.

NAV's dialog carries its content as a Vedlegg (a further Document) of a type NAV's receivers read, and addresses NAV
(HER-id 79768) with a nested local NAV office identified by ``LIN``. The code combinations NAV accepts per dialog kind
(8125-8129, 9069 code 5) are entries of the field table :mod:`dmtool.standards.coded_fields` for this layer, judged by
``CODE-VALUE``; NAV's AppRec error list 8124 likewise.
"""

from __future__ import annotations

from typing import Final

from lxml import etree

from ..xml import xsd
from ..xml.tree import Parts, first, text
from .facts import Facts

#: MIME types of a Vedlegg NAV accepts (a PDF, or a scanned page as TIFF, PNG or JPEG).
ATTACHMENT_TYPES: Final = frozenset({"application/pdf", "image/tiff", "image/png", "image/jpeg"})


def accepted_attachment(facts: Facts, parts: Parts) -> bool:
    """True when the judged message is under the nav layer and the RefDoc with children ``parts`` is a further
    Document NAV takes: a Vedlegg of a MIME type of :data:`ATTACHMENT_TYPES` with its content in the message (no
    ``FileReference``), or XML dmtool has no schema for (``BODY-NOT-CHECKED`` names it)."""
    if "nav" not in facts.rule_layers or first(parts, "FileReference") is not None:
        return False
    if (text(first(parts, "MimeType")) or "").strip().lower() in ATTACHMENT_TYPES:
        return True
    content = first(parts, "Content")
    found = [] if content is None else list(content.iterchildren(etree.Element))
    return bool(found) and not any(xsd.has_schema(etree.QName(body).namespace) for body in found)
