"""The page of ``dmtool serve``: a form for one or more messages (files, or pasted), and what dmtool finds in each.

For every message of every file: its verdict; every issue with its rule, severity, the Norwegian text for the
sender and the English text for the developer, and its line; the message as a receiving EPJ would show it
(:mod:`dmtool.dialog.summary`); the AppRec dmtool would send, to download; and forms that build the svar or the avvik
(``POST /api/build/svar|avvik``). Below, the source of the file, the offending lines marked.

The page is a plain form and works without JavaScript; a script (``/static/dmtool.js``, no inline script) only lets a
file be dropped on the form. Everything shown is escaped by the templates (Jinja2, autoescaping on).
"""

from __future__ import annotations

import base64
import dataclasses
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Final

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from .. import __version__, apprec, rules
from ..apprec.make import apprec_for_each
from ..dialog import compose, reader
from ..dialog.model import Foresporsel, Message
from ..dialog.summary import Fact, facts
from ..errors import ParseError
from ..report import Issue, Report, bounded
from ..standards import profiles
from ..standards.profiles import Settings
from ..validation import examine_each
from ..xml import loader
from .web import FORM_OVERHEAD, ApiError, Context, Form, download_name, read_form

#: The most a form to the page holds: files up to :data:`~dmtool.xml.loader.MAX_SIZE` together, and its fields.
PAGE_LIMIT: Final = loader.MAX_SIZE + FORM_OVERHEAD
#: A source of more lines than this is shown around its marked lines only (and from its start).
MAX_SOURCE_LINES: Final = 2_000
#: Lines shown before and after a marked line, in a source shown in part; lines shown from its start.
_CONTEXT: Final = 5
_HEAD: Final = 40
#: The sections of a message's account, in the order the page shows them (an EPJ shows who and about whom first),
#: with their headings.
SECTIONS: Final[dict[str, str]] = {
    "sender": "Sender",
    "receiver": "Receiver",
    "patient": "Patient",
    "body": "Question or note",
    "references": "References",
    "documents": "Further documents",
    "message": "Message",
    "unmodelled": "Not held by dmtool's model",
}


@dataclass(frozen=True)
class IssueView:
    """One issue as the page lists it: the rule's Norwegian text for the sender beside the issue's English text
    (for the developer), and the anchor of its line in the source."""

    rule: str
    severity: str
    sender_text: str
    developer_text: str
    line: int | None
    anchor: str | None


@dataclass(frozen=True)
class Receipt:
    """The AppRec dmtool would send for a message: its status, its errors, its XML as a ``data:`` URL to download
    under ``filename``."""

    status: str
    status_text: str
    errors: tuple[str, ...]
    href: str
    filename: str


@dataclass(frozen=True)
class Reply:
    """What the forms that build a svar or an avvik send: the file (base64), which message of it, whether a svar
    fits (the message is a forespørsel)."""

    message: str
    part: int | None
    svar: bool


@dataclass(frozen=True)
class MessageView:
    """One message of a file: its report, its issues, its account by section (or why it cannot be read), its
    receipt (or why none is sent) and its reply forms."""

    anchor: str
    report: Report
    issues: tuple[IssueView, ...]
    sections: tuple[tuple[str, tuple[Fact, ...]], ...]
    unread: tuple[Issue, ...]
    receipt: Receipt | None
    no_receipt: str | None
    reply: Reply | None

    @property
    def title(self) -> str:
        """The message as reports name it: the file, and ``#N`` for the N-th of several."""
        return self.report.path or ""

    @property
    def description(self) -> str:
        """What the message is: kind, version, type, rule set."""
        parts = (self.report.kind, self.report.version, self.report.msg_type,
                 "wrapped" if self.report.wrapped else None, f"rules: {self.report.rules}")  # fmt: skip
        return ", ".join(part for part in parts if part)


@dataclass(frozen=True)
class SourceLine:
    """A line of the source as shown: its ``number`` (``None``: a gap of ``skipped`` lines not shown), its text, the
    rules whose issues stand on it, and its anchor."""

    number: int | None
    text: str
    rules: tuple[str, ...] = ()
    anchor: str = ""
    skipped: int = 0


@dataclass(frozen=True)
class FileView:
    """One input: its name, its messages, its source."""

    name: str
    anchor: str
    messages: tuple[MessageView, ...]
    source: tuple[SourceLine, ...]
    partial: bool


def _environment() -> jinja2.Environment:
    templates = resources.files(__package__).joinpath("templates")
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: templates.joinpath(name).read_text(encoding="utf-8")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def examine_file(index: int, name: str, data: bytes, settings: Settings) -> FileView:
    """What the page shows of the file ``name`` (the ``index``-th of the form) holding ``data``."""
    anchor = f"f{index}"
    reports = [report for report, _ in examine_each(data, name, settings)]
    receipts = apprec_for_each(data, settings=settings)
    parsed = reader.parse_each(data)
    several = len(reports) > 1
    encoded = base64.b64encode(data).decode("ascii")
    stem = download_name(name[:-4] if name.lower().endswith(".xml") else name)
    messages = tuple(
        _message_view(f"{anchor}-m{number}", report, receipt, message, encoded, number if several else None, stem)
        for number, (report, receipt, message) in enumerate(zip(reports, receipts, parsed, strict=True), start=1)
    )
    marked: dict[int, list[str]] = {}
    for report in reports:
        for issue in report.issues:
            if issue.line is not None:
                marked.setdefault(issue.line, []).append(issue.rule)
    lines = loader.source_text(data).split("\n")
    source = tuple(_source(lines, marked, anchor))
    return FileView(name, anchor, messages, source, len(lines) > MAX_SOURCE_LINES)


def _message_view(
    anchor: str,
    report: Report,
    receipt: apprec.AppRec | ValueError,
    message: Message | ParseError,
    encoded: str,
    part: int | None,
    stem: str,
) -> MessageView:
    file_anchor = anchor.split("-")[0]
    issues = tuple(
        IssueView(
            issue.rule,
            str(issue.severity),
            rules.BY_ID[issue.rule].sender_text if issue.rule in rules.BY_ID else "",
            issue.message,
            issue.line,
            None if issue.line is None else f"{file_anchor}-L{issue.line}",
        )
        for issue in report.issues
    )
    made: Receipt | None = None
    no_receipt: str | None = None
    if isinstance(receipt, ValueError):
        no_receipt = str(receipt)
    else:
        try:
            xml = apprec.to_xml(receipt)
        except ValueError as error:
            no_receipt = f"cannot make the AppRec: {error}"
        else:
            filename = f"{stem}.apprec.xml" if part is None else f"{stem}-{part}.apprec.xml"
            href = "data:application/xml;base64," + base64.b64encode(xml).decode("ascii")
            made = Receipt(receipt.status, receipt.status_text, tuple(e.code for e in receipt.errors), href, filename)
    if isinstance(message, ParseError):
        return MessageView(anchor, report, issues, (), message.issues, made, no_receipt, None)
    grouped: dict[str, list[Fact]] = {section: [] for section in SECTIONS}
    for fact in facts(message):
        grouped[fact.section].append(fact)
    sections = tuple((SECTIONS[name], tuple(found)) for name, found in grouped.items() if found)
    reply = Reply(encoded, part, isinstance(message.body, Foresporsel))
    return MessageView(anchor, report, issues, sections, (), made, no_receipt, reply)


def _source(lines: list[str], marked: dict[int, list[str]], anchor: str) -> Iterator[SourceLine]:
    """The lines of the source to show: all of them, or, for a long source, its start and the lines around each
    marked line, with the gaps between them said; every line's text :func:`~dmtool.report.bounded`."""
    count = len(lines)
    if count <= MAX_SOURCE_LINES:
        shown = range(1, count + 1)
    else:
        wanted = set(range(1, _HEAD + 1))
        for line in marked:
            wanted.update(range(max(1, line - _CONTEXT), min(count, line + _CONTEXT) + 1))
        shown = sorted(line for line in wanted if line <= count)  # type: ignore[assignment]
    last = 0
    for number in shown:
        if number > last + 1:
            yield SourceLine(None, "", skipped=number - last - 1)
        yield SourceLine(number, bounded(lines[number - 1].rstrip("\r")), tuple(marked.get(number, ())),
                         f"{anchor}-L{number}")  # fmt: skip
        last = number
    if last < count:
        yield SourceLine(None, "", skipped=count - last)


def routes(context: Context) -> list[Route]:
    """The page's routes: ``GET /`` the form, ``POST /`` the form and what was found."""
    environment = _environment()
    template = environment.get_template("page.html")
    default = context.settings.profile.name

    def render(status: int = 200, **values: object) -> HTMLResponse:
        shown = {"version": __version__, "profiles": profiles.PROFILES, "chosen": default, "files": (),
                 "reasons": tuple(compose.AVVIK_REASONS), "error": None, "pasted": "", **values}  # fmt: skip
        return HTMLResponse(template.render(shown), status)

    async def form(request: Request) -> Response:
        return render()

    async def check(request: Request) -> Response:
        try:
            sent = await read_form(request, PAGE_LIMIT)
            chosen = _one(sent, "profile", default)
            if chosen not in profiles.PROFILES:
                raise ApiError(400, "BAD-REQUEST", f"unknown profile {chosen!r}")
        except ApiError as error:
            return render(error.status, error=error)
        pasted = _one(sent, "pasted", "")
        inputs = [(name or f"file {number}", data) for number, (field, name, data) in enumerate(sent.files, 1)
                  if field == "files" and (name or data)]  # fmt: skip
        if pasted.strip():
            inputs.append(("pasted.xml", loader.text_bytes(pasted)))
        if not inputs:
            return render(400, chosen=chosen, error=ApiError(400, "BAD-REQUEST", "choose a file, or paste a message"))
        settings = dataclasses.replace(context.settings, profile=profiles.PROFILES[chosen])
        files = [await context.run(functools.partial(examine_file, index, name, data, settings))
                 for index, (name, data) in enumerate(inputs, start=1)]  # fmt: skip
        return render(chosen=chosen, files=files, pasted=pasted)

    return [Route("/", form, methods=["GET"]), Route("/", check, methods=["POST"])]


def _one(form: Form, name: str, default: str) -> str:
    values = form.fields.get(name, [])
    if len(values) > 1:
        raise ApiError(400, "BAD-REQUEST", f"the field {name!r} is given more than once")
    return values[0] if values else default

