"""The validation API: ``validate`` returns a report, ``is_valid`` answers yes or no, ``iter_issues`` yields the issues,
``validate_each`` gives a report for every message of a file that holds several.

A report lists every problem found, not only the first: ``NOT-XML`` (not well-formed, unsafe or undecodable
input), ``UNSUPPORTED-MESSAGE`` (not a supported root, version, body or kind), ``XSD`` (schema errors in the
envelope or the body, checked against dmtool's own schemas in one pass), the guideline rules of :mod:`dmtool.rules`
under the chosen profile, and ``APPREC-CONSISTENT`` for receipts (:mod:`dmtool.apprec.check`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from lxml import etree

from . import apprec, rules
from .apprec import check as apprec_check
from .apprec.model import AppRecVersion
from .errors import ParseError
from .report import Issue, Report, Severity, part_path
from .rules import codes, families
from .rules.facts import Facts, Original
from .standards import deadlines
from .standards.profiles import Settings
from .xml import xsd
from .xml.loader import Loaded, LoadError, load, load_each
from .xml.source import Source, read_source

#: What to do about a schema error, after libxml2's words for it (which say what was expected).
_XSD_ADVICE: Final = "; fix it where the message is made, to follow the schema of its version"


def _xsd_issues(schema_set: str, element: etree._Element) -> list[Issue]:
    return [
        Issue("XSD", Severity.ERROR, message.rstrip(". ") + _XSD_ADVICE, line)
        for message, line in xsd.problems(schema_set, element)
    ]


def _apprec_issues(
    element: etree._Element,
    version: AppRecVersion,
    original: Original | None,
    profile: str,
    *,
    screened: bool = True,
) -> list[Issue]:
    """``APPREC-CONSISTENT``, against ``original`` when it is given, and the receipt's other codes (``CODE-VALUE``,
    ``CODE-FORM``). An AppRec too broken to read is left to the schema's report, but for a timestamp the schema
    takes and dmtool cannot read (``UNSUPPORTED-MESSAGE``).

    Without ``original``, the receipt is read only when :func:`dmtool.apprec.check.consistent` says the consistency
    check could find something (most receipts are read only for their coded values); ``screened=False`` always reads
    it (the plain path: the same issues).
    """
    layers = families.added_layers("APPREC", profile)
    if screened and original is None and apprec_check.consistent(element, version, layers):
        issues: list[Issue] = []
    else:
        try:
            receipt = apprec.from_element(element, version)
        except ParseError as exc:
            return [issue for issue in exc.issues if issue.rule == "UNSUPPORTED-MESSAGE"]
        issues = [finding.issue(receipt) for finding in apprec_check.consistency(receipt, original, layers)]
    for judged, at in codes.apprec_judged(element, version, layers):
        rule = rules.get("CODE-VALUE" if judged.error else "CODE-FORM")
        issues.append(Issue(rule.id, rule.severity, judged.message, at.sourceline))
    return issues


def validate(
    source: Source, *, path: str | None = None, settings: Settings | None = None, original: Original | None = None
) -> Report:
    """Validate one message and return a :class:`~dmtool.report.Report` with every problem found.

    ``source`` is a path, the message bytes or a binary file object; ``path`` overrides the path shown in the
    report. ``settings`` choose the profile and thresholds (default: national); ``original`` is the message a svar,
    an avvik or an AppRec answers, when known (:func:`original_of`), for the checks that compare with it. Bad content
    never raises: it becomes issues. Only an unreadable path raises :class:`OSError`.

    A file holding several messages (a wrapper around more than one MsgHead or AppRec) is ``UNSUPPORTED-MESSAGE``,
    saying how many: :func:`validate_each` judges each of them.
    """
    data, source_path = read_source(source)
    return examine(data, path if path is not None else source_path, settings, original)[0]


def validate_each(
    source: Source, *, path: str | None = None, settings: Settings | None = None, original: Original | None = None
) -> list[Report]:
    """Validate every message in ``source``: one :class:`~dmtool.report.Report` per message, in the order of the file.

    A file of one message (or one that is not XML, or holds none) gives one report, the one :func:`validate` gives.
    A wrapper holding several MsgHead or AppRec elements (a vendor's export) gives one report per outermost one, each
    judged on its own element: its ``path`` is ``FILE#1``, ``FILE#2``, ... (``None`` without a path) and its
    ``part`` 1, 2, ...; line numbers are those of the file. The arguments are :func:`validate`'s, ``original`` the
    same for every message.
    """
    data, source_path = read_source(source)
    return [report for report, _ in examine_each(data, path if path is not None else source_path, settings, original)]


def examine(
    data: bytes, path: str | None = None, settings: Settings | None = None, original: Original | None = None
) -> tuple[Report, Facts | None]:
    """:func:`validate` on bytes, and the :class:`~dmtool.rules.facts.Facts` of the MsgHead when the input is one (even
    an unsupported one), for callers that go on to read the message without parsing it again."""
    try:
        loaded = load(data)
    except LoadError as exc:
        return _not_loaded(exc, path, settings), None
    return _judge(loaded, path, settings, original)


def examine_each(
    data: bytes, path: str | None = None, settings: Settings | None = None, original: Original | None = None
) -> list[tuple[Report, Facts | None]]:
    """:func:`validate_each` on bytes, with each message's :class:`~dmtool.rules.facts.Facts` as :func:`examine` gives
    them."""
    try:
        found = load_each(data)
    except LoadError as exc:
        return [(_not_loaded(exc, path, settings), None)]
    if len(found) == 1:
        return [_judge(found[0], path, settings, original)]
    return [
        _judge(loaded, None if path is None else part_path(path, part), settings, original, part)
        for part, loaded in enumerate(found, start=1)
    ]


def _not_loaded(error: LoadError, path: str | None, settings: Settings | None) -> Report:
    """The report of an input that could not be loaded at all."""
    profile = (settings or Settings()).profile.name
    return Report(path=path, issues=(error.issue,), rules=rules.rule_set("", profile).label, profile=profile)


def _judge(
    loaded: Loaded,
    path: str | None,
    settings: Settings | None,
    original: Original | None,
    part: int | None = None,
) -> tuple[Report, Facts | None]:
    """The report on the one message ``loaded`` (number ``part`` of its file), and its facts when it is a MsgHead."""
    profile = (settings or Settings()).profile.name
    issues = list(loaded.problems)
    if loaded.schema_set is not None:
        issues += _xsd_issues(loaded.schema_set, loaded.element)
    reply_by = None
    if loaded.kind == "apprec" and loaded.version is not None and not loaded.problems:
        version: AppRecVersion = "1.0" if loaded.version == "apprec-1.0" else "1.1"
        issues += _apprec_issues(loaded.element, version, original, profile)
    facts = Facts(loaded.element, settings, original) if loaded.kind == "msghead" else None
    if facts is not None and not loaded.problems:
        issues += rules.evaluate(facts)
        if facts.is_request and facts.gen_date is not None:
            reply_by = deadlines.reply_deadline(facts.gen_date, facts.deadline_profile)
    report = Report(
        path=path,
        kind=loaded.kind,
        version=loaded.version,
        msg_type=loaded.msg_type,
        msg_id=loaded.msg_id,
        wrapped=loaded.wrapped,
        issues=tuple(issues),
        reply_by=reply_by,
        rules=rules.rule_set(loaded.msg_type or "", profile).label,
        part=part,
        profile=profile,
    )
    return report, facts


def is_valid(source: Source, *, settings: Settings | None = None) -> bool:
    """True when ``source`` is a supported message with no errors (warnings allowed)."""
    return validate(source, settings=settings).valid


def iter_issues(source: Source, *, settings: Settings | None = None) -> Iterator[Issue]:
    """Yield every issue found in ``source``, errors and warnings alike."""
    yield from validate(source, settings=settings).issues
