"""The XML namespaces dmtool knows, and the short prefixes it uses for them in messages to people."""

from __future__ import annotations

from typing import Final

MSGHEAD: Final = "http://www.kith.no/xmlstds/msghead/2006-05-24"
DIALOG_10: Final = "http://www.kith.no/xmlstds/dialog/2006-10-11"
DIALOG_11: Final = "http://www.kith.no/xmlstds/dialog/2013-01-23"
APPREC_10: Final = "http://www.kith.no/xmlstds/apprec/2004-11-21"
APPREC_11: Final = "http://www.kith.no/xmlstds/apprec/2012-02-15"
KITH: Final = "http://www.kith.no/xmlstds"
FK1: Final = "http://www.kith.no/xmlstds/felleskomponent1"
BASE64: Final = "http://www.kith.no/xmlstds/base64container"
XMLDSIG: Final = "http://www.w3.org/2000/09/xmldsig#"

#: Prefix used when a namespace is shown to people (``{uri}Name`` becomes ``prefix:Name``).
PREFIXES: Final[dict[str, str]] = {
    MSGHEAD: "mh",
    DIALOG_10: "dia10",
    DIALOG_11: "dia11",
    APPREC_10: "ar10",
    APPREC_11: "ar11",
    KITH: "kith",
    FK1: "fk1",
    BASE64: "b64",
    XMLDSIG: "ds",
}


def shorten(text: str) -> str:
    """Replace every ``{namespace-uri}`` in ``text`` by its short prefix and a colon."""
    for uri, prefix in PREFIXES.items():
        text = text.replace("{" + uri + "}", prefix + ":")
    return text
