"""dmtool: build, parse, validate and acknowledge Norwegian Dialogmelding messages.

Entry points follow xmlschema's shape: :func:`validate` returns a report listing every problem, :func:`is_valid`
answers yes or no, :func:`iter_issues` yields the problems one by one. :func:`parse` reads a message into the typed
model of :mod:`dmtool.dialog.model`, :func:`to_xml` writes one, and the constructors :func:`foresporsel`, :func:`svar`,
:func:`avvik`, :func:`notat` and :func:`helsefaglig` make them. :func:`apprec_for` makes the application receipt for
a received message, :func:`parse_apprec` reads one and :func:`check_apprec` checks it.

A file may hold several messages (a vendor's export: a wrapper around more than one MsgHead or AppRec). The functions
above take one message and say so for such a file (``UNSUPPORTED-MESSAGE``, or an exception); :func:`validate_each`,
:func:`parse_each` and :func:`apprec_for_each` give one result per message, in the order of the file.

Every function here is thread-safe: threads may call them at once and each gets what one thread would.

The modules sit in subpackages by concern (:mod:`dmtool.xml`, :mod:`dmtool.standards`, :mod:`dmtool.dialog`,
:mod:`dmtool.apprec`, :mod:`dmtool.rules`, :mod:`dmtool.testing`); their old flat names (``dmtool.model``,
``dmtool.receipts``, ...) still import, as the same module objects (the table is :data:`dmtool._moved.MOVED`).
"""

from types import ModuleType

from . import _moved
from .apprec.make import ApprecCheck, apprec_for, apprec_for_each, check_apprec
from .apprec.model import AppRec, Party
from .apprec.reader import parse_apprec
from .build import to_xml
from .dialog.compose import avvik, foresporsel, helsefaglig, notat, svar
from .dialog.model import (
    CS,
    CV,
    ConversationRef,
    Foresporsel,
    FurtherDocument,
    HealthcareProfessional,
    Ident,
    Kind,
    Message,
    Notat,
    Organisation,
    Patient,
    Person,
    Role,
)
from .dialog.reader import parse, parse_each
from .errors import BuildError, DmtoolError, NoReceipt, ParseError, RuleError
from .report import Issue, Report, Severity
from .rules.facts import Original
from .standards.profiles import Settings
from .validation import is_valid, iter_issues, validate, validate_each
from .xml.source import Source

_moved.install()

__all__ = [
    "CS",
    "CV",
    "AppRec",
    "ApprecCheck",
    "BuildError",
    "ConversationRef",
    "DmtoolError",
    "Foresporsel",
    "FurtherDocument",
    "HealthcareProfessional",
    "Ident",
    "Issue",
    "Kind",
    "Message",
    "NoReceipt",
    "Notat",
    "Organisation",
    "Original",
    "ParseError",
    "Party",
    "Patient",
    "Person",
    "Report",
    "Role",
    "RuleError",
    "Settings",
    "Severity",
    "Source",
    "apprec_for",
    "apprec_for_each",
    "avvik",
    "check_apprec",
    "foresporsel",
    "helsefaglig",
    "is_valid",
    "iter_issues",
    "notat",
    "parse",
    "parse_apprec",
    "parse_each",
    "svar",
    "to_xml",
    "validate",
    "validate_each",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> ModuleType:
    """``dmtool.model`` and the other old flat module names, as attributes of the package too."""
    module = _moved.old_module(name)
    if module is None:
        raise AttributeError(f"module 'dmtool' has no attribute {name!r}")
    return module
