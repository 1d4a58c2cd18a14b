"""Read which element takes which code list out of the official display stylesheets (visningsfiler).

Each ``<xsl:call-template name="k-NNNN"/>`` in ``../shared/reference/visningsfil/*.xsl`` renders the coded value of the
element it sits under with Volven list NNNN. This tool walks up from every such call and names that element by the
``xsl:for-each`` selects and the ``xsl:template`` around it, e.g. ``Foresporsel/TypeForesp -> 9065``. When a
``xsl:when test="contains(@S,'NNNN')"`` picks the template, the list is chosen by the value's ``S`` (a CV); otherwise
the stylesheet takes the list for granted (a CS, or a CV whose list it assumes).

``tests/test_coded_fields.py`` uses it to check that ``src/dmtool/standards/coded_fields.json`` names every list the
stylesheets render. Run from the project root to see the mapping::

    python tools/visningsfil_codes.py
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "reference" / "visningsfil"
_XSL: Final = "{http://www.w3.org/1999/XSL/Transform}"
_LIST_TEMPLATE: Final = re.compile(r"k-(\d+)")
#: ``contains(@S,'9065')`` in an ``xsl:when``: the template is chosen by the value's list.
_BY_SYSTEM: Final = re.compile(r"contains\(@S,\s*'(\d+)'\)")
#: One step of a select: ``dia:Foresporsel``, ``child::*[local-name()='Type']``, ``.//dia:RoleToPatient``.
_STEP: Final = re.compile(r"local-name\(\)\s*=\s*['\"](\w+)|(?:[\w-]+:)?(\w+)(?:\[|$)")


@dataclass(frozen=True, order=True)
class Rendering:
    """One ``k-NNNN`` call: the stylesheet, the element path it renders and the list number."""

    stylesheet: str
    path: str
    number: str
    by_system: bool


def _steps(select: str) -> list[str]:
    """The element names of an XPath ``select`` as the stylesheets write them, outermost first."""
    names: list[str] = []
    for part in re.split(r"/+", select.strip()):
        match = _STEP.search(part)
        if match and part not in (".", ""):
            names.append(match.group(1) or match.group(2))
    return names


def _context(call: etree._Element) -> tuple[list[str], bool]:
    """The element path around ``call`` and whether an ``xsl:when`` picks the list by ``@S``."""
    path: list[str] = []
    by_system = False
    for ancestor in call.iterancestors():
        if ancestor.tag == f"{_XSL}when" and _BY_SYSTEM.search(ancestor.get("test", "")):
            by_system = True
        elif ancestor.tag == f"{_XSL}for-each":
            select = ancestor.get("select", "")
            path[:0] = _steps(select)
            if select.startswith("/"):  # an absolute select does not depend on the template around it
                break
        elif ancestor.tag == f"{_XSL}template":
            path[:0] = _steps(ancestor.get("match") or ancestor.get("name") or "")
            break
    return path, by_system


def renderings(source: Path = SOURCE) -> list[Rendering]:
    """Every ``k-NNNN`` call in the stylesheets under ``source``, sorted."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    found: set[Rendering] = set()
    for sheet in sorted(source.glob("*.xsl")):
        for call in etree.parse(str(sheet), parser).iter(f"{_XSL}call-template"):
            match = _LIST_TEMPLATE.fullmatch(call.get("name", ""))
            if match:
                path, by_system = _context(call)
                found.add(Rendering(sheet.name, "/".join(path), match.group(1), by_system))
    return sorted(found)


def main() -> int:
    if not SOURCE.is_dir():
        print(f"display stylesheets not found at {SOURCE}", file=sys.stderr)
        return 2
    for rendering in renderings():
        chosen = "by S" if rendering.by_system else "implied"
        print(f"{rendering.stylesheet:24} {rendering.path:40} {rendering.number}  ({chosen})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
