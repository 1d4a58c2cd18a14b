"""Our XML Schemas (in ``schemas/``), compiled once per process.

Three schema sets cover every supported message:

``msghead``
    MsgHead 1.2 together with the base64 container, xmldsig, and Dialogmelding 1.0 and 1.1, so that an envelope and
    the body in its strict ``RefDoc/Content`` wildcard validate in one pass.
``apprec-1.0`` / ``apprec-1.1``
    The application receipt of that version.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Final

from lxml import etree

#: Entry file of each schema set, relative to the schema folder.
SCHEMA_SETS: Final[dict[str, str]] = {
    "msghead": "msghead-dialog.xsd",
    "apprec-1.0": "apprec-1.0.xsd",
    "apprec-1.1": "apprec-1.1.xsd",
}


def schema_dir() -> Path:
    """Folder holding the schemas: inside the installed wheel, or ``schemas/`` of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "schemas", here.parents[1] / "schemas"):
        if (candidate / SCHEMA_SETS["msghead"]).is_file():
            return candidate
    raise FileNotFoundError("dmtool's schemas are missing: reinstall dmtool")


@functools.cache
def compiled(name: str) -> etree.XMLSchema:
    """The compiled schema set ``name`` (one of :data:`SCHEMA_SETS`); compiled on first use, then cached."""
    path = schema_dir() / SCHEMA_SETS[name]
    parser = etree.XMLParser(no_network=True, load_dtd=False, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(path), parser))
