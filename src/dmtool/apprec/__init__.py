"""Application receipts (AppRec 1.0 and 1.1), in the shape of :mod:`dmtool.dialog`: the model
(:mod:`~dmtool.apprec.model`), :func:`to_xml` (:mod:`~dmtool.apprec.writer`) and :func:`parse_apprec`
(:mod:`~dmtool.apprec.reader`), which this package gives by their old names (``from dmtool.apprec import AppRec``);
making the receipt for a message is :mod:`dmtool.apprec.make`, checking one :mod:`dmtool.apprec.check`.
"""

from .model import APPREC_VERSIONS, DEFAULT_VERSION, MIG_VERSIONS, NAMESPACES, AppRec, AppRecVersion, Party, Unit
from .reader import from_element, parse_apprec
from .writer import to_element, to_xml

__all__ = [
    "APPREC_VERSIONS",
    "DEFAULT_VERSION",
    "MIG_VERSIONS",
    "NAMESPACES",
    "AppRec",
    "AppRecVersion",
    "Party",
    "Unit",
    "from_element",
    "parse_apprec",
    "to_element",
    "to_xml",
]
