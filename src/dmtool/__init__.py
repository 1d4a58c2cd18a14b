"""dmtool: build, parse, validate and acknowledge Norwegian Dialogmelding messages.

Entry points follow xmlschema's shape: :func:`validate` returns a report listing every problem, :func:`is_valid`
answers yes or no, :func:`iter_issues` yields the problems one by one. :func:`parse` reads a message into the typed
model of :mod:`dmtool.model`, :func:`to_xml` writes one, and the constructors :func:`foresporsel`, :func:`svar`,
:func:`avvik`, :func:`notat` and :func:`helsefaglig` make them. :func:`apprec_for` makes the application receipt for
a received message, :func:`parse_apprec` reads one and :func:`check_apprec` checks it.

A file may hold several messages (a vendor's export: a wrapper around more than one MsgHead or AppRec). The functions
above take one message and say so for such a file (``UNSUPPORTED-MESSAGE``, or an exception); :func:`validate_each`,
:func:`parse_each` and :func:`apprec_for_each` give one result per message, in the order of the file.

Every function here is thread-safe: threads may call them at once and each gets what one thread would.
"""

from .apprec import AppRec, parse_apprec
from .compose import avvik, foresporsel, helsefaglig, notat, svar
from .errors import BuildError, NoReceipt, ParseError, RuleError
from .model import (
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
from .reader import parse, parse_each
from .receipts import ApprecCheck, apprec_for, apprec_for_each, check_apprec
from .report import Issue, Report, Severity
from .source import Source
from .validation import is_valid, iter_issues, validate, validate_each
from .writer import to_xml

__all__ = [
    "CS",
    "CV",
    "AppRec",
    "ApprecCheck",
    "BuildError",
    "ConversationRef",
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
    "ParseError",
    "Patient",
    "Person",
    "Report",
    "Role",
    "RuleError",
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
