"""dmtool: build, parse, validate and acknowledge Norwegian Dialogmelding messages.

Entry points follow xmlschema's shape: :func:`validate` returns a report listing every problem, :func:`is_valid`
answers yes or no, :func:`iter_issues` yields the problems one by one.
"""

from .report import Issue, Report, Severity
from .validation import Source, is_valid, iter_issues, validate

__all__ = ["Issue", "Report", "Severity", "Source", "is_valid", "iter_issues", "validate"]
__version__ = "0.1.0"
