"""Reading a coded value (``CV``) from an element's attributes: shared by the Dialogmelding and AppRec readers."""

from __future__ import annotations

from lxml import etree

from ..xml import tree
from .model import CV


def coded_value(element: etree._Element) -> CV:
    """The CV in the attributes of ``element`` (``V``, ``S``, ``DN``, ``OT``); a missing ``V`` is ``""``. The code and
    the code list's OID are tokens: the space around them is not part of them."""
    system = element.get("S")
    return CV(tree.code(element), None if system is None else system.strip(), element.get("DN"), element.get("OT"))
