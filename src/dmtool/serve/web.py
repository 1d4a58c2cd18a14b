"""What every route of ``dmtool serve`` shares: bounded reading of a request, its errors, its JSON, its headers.

A body is read in the chunks the server hands over, and refused (:class:`ApiError` 413) as soon as it is larger than
its bound, without reading the rest: a client announcing a larger ``Content-Length`` is refused before any of it is
read. A form (``multipart/form-data`` or ``application/x-www-form-urlencoded``) is parsed as it arrives, in memory:
nothing a request holds is written to disk, or kept once its answer is sent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar
from urllib.parse import parse_qsl

import anyio
import anyio.to_thread
from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header
from starlette.requests import Request
from starlette.responses import Response

from ..batch import INTERNAL_ERROR
from ..errors import DmtoolError
from ..jsontext import dumps
from ..report import Issue
from ..standards import profiles
from ..standards.profiles import Settings
from ..xml import loader

T = TypeVar("T")

#: The most parts a form may have (files and fields together): far more than anyone drops on a page at once.
MAX_PARTS: Final = 500
#: What a form may hold besides its files' bytes: its fields, the headers of its parts, the boundaries.
FORM_OVERHEAD: Final = 1024 * 1024
#: The headers every answer carries: nothing is loaded from elsewhere, nothing framed, sniffed, cached or referred.
SECURITY_HEADERS: Final = (
    (
        b"content-security-policy",
        b"default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
#: A file name as a ``Content-Disposition`` header may carry it: what else a name holds becomes ``_``.
_UNSAFE_NAME: Final = re.compile(r"[^A-Za-z0-9._-]")


class ApiError(DmtoolError):
    """A request that gets no result: its HTTP ``status``, the id of the ``error`` (a rule id such as ``NOT-XML``
    when the input breaks one, else the id of the request's problem), what to do about it in ``message``, the
    ``issues`` of the input behind it (rule, severity, message, line) and, for a spec, the ``key`` at fault."""

    def __init__(
        self, status: int, error: str, message: str, issues: tuple[Issue, ...] = (), key: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.issues = issues
        self.key = key

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of an error: ``{"error", "message", "issues", "key"}``."""
        return {"error": self.error, "message": self.message, "issues": [i.to_dict() for i in self.issues],
                "key": self.key}  # fmt: skip


def too_large(limit: int, what: str = "the message") -> ApiError:
    """413 for a body larger than ``limit`` bytes, with the issue validation gives an input larger than
    :data:`~dmtool.xml.loader.MAX_SIZE`."""
    mib = limit // (1024 * 1024)
    return ApiError(413, "TOO-LARGE", f"{what} is larger than {mib} MiB, the most dmtool reads; send less at a time",
                    (loader.too_large(),))  # fmt: skip


def bad_request(message: str) -> ApiError:
    """400: the request itself is wrong (a parameter, a field, the shape of a spec)."""
    return ApiError(400, "BAD-REQUEST", message)


def json_response(value: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """``value`` as one line of JSON, written as ``dmtool ... --format json`` writes it."""
    return Response(dumps(value) + "\n", status, headers, media_type="application/json")


def error_response(error: ApiError) -> Response:
    """The JSON answer of ``error``."""
    return json_response(error.to_dict(), error.status)


async def read_body(request: Request, limit: int = loader.MAX_SIZE) -> bytes:
    """The body of ``request``, at most ``limit`` bytes; :class:`ApiError` 413 as soon as it is longer (or says it
    will be), without reading the rest."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass
class Form:
    """A form as it was sent: its text ``fields`` (each name with its values, in order) and its ``files`` (field
    name, file name, bytes), in order."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    files: list[tuple[str, str, bytes]] = field(default_factory=list)


@dataclass
class _Part:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    header: bytes = b""
    value: bytes = b""
    data: list[bytes] = field(default_factory=list)


async def read_form(request: Request, limit: int) -> Form:
    """The form ``request`` sends, its body at most ``limit`` bytes (:class:`ApiError` 413 beyond, 400 for a form
    that cannot be read, 415 for a body that is no form)."""
    media, options = parse_options_header(request.headers.get("content-type", ""))
    if media == b"application/x-www-form-urlencoded":
        return _urlencoded(await read_body(request, limit))
    if media != b"multipart/form-data":
        raise ApiError(415, "UNSUPPORTED-MEDIA-TYPE", "send a form: multipart/form-data or "
                       "application/x-www-form-urlencoded")  # fmt: skip
    boundary = options.get(b"boundary")
    if not boundary:
        raise bad_request("the form's Content-Type names no boundary")
    parts: list[_Part] = []

    def begin() -> None:
        if len(parts) >= MAX_PARTS:
            raise bad_request(f"the form has more than {MAX_PARTS} parts; send fewer files at a time")
        parts.append(_Part())

    def header_end() -> None:
        parts[-1].headers[parts[-1].header.lower()] = parts[-1].value
        parts[-1].header = parts[-1].value = b""

    def add_to(name: str) -> Callable[[bytes, int, int], None]:
        def add(data: bytes, start: int, end: int) -> None:
            part = parts[-1]
            if name == "data":
                part.data.append(data[start:end])
            else:
                setattr(part, name, getattr(part, name) + data[start:end])

        return add

    parser = MultipartParser(boundary, {
        "on_part_begin": begin, "on_part_data": add_to("data"), "on_header_field": add_to("header"),
        "on_header_value": add_to("value"), "on_header_end": header_end,
    })  # fmt: skip
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit, "the form")
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_large(limit, "the form")
            parser.write(chunk)
        parser.finalize()
    except FormParserError as error:
        raise bad_request(f"the form cannot be read: {error}") from None
    return _form(parts)


def _form(parts: list[_Part]) -> Form:
    form = Form()
    for part in parts:
        _, disposition = parse_options_header(part.headers.get(b"content-disposition", b"").decode("latin-1"))
        name = disposition.get(b"name")
        if name is None:
            raise bad_request("a part of the form has no name (Content-Disposition: form-data; name=...)")
        data = b"".join(part.data)
        filename = disposition.get(b"filename")
        if filename is None:
            form.fields.setdefault(_text(name), []).append(_text(data))
        else:
            form.files.append((_text(name), _text(filename), data))
    return form


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise bad_request("a field of the form is not UTF-8 text") from None


def _urlencoded(body: bytes) -> Form:
    form = Form()
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_PARTS,
                          errors="strict")  # fmt: skip
    except (UnicodeDecodeError, ValueError):
        raise bad_request(f"the form cannot be read: UTF-8 text of at most {MAX_PARTS} fields, please") from None
    for name, value in pairs:
        form.fields.setdefault(name, []).append(value)
    return form


def download_name(name: str) -> str:
    """``name`` as a ``Content-Disposition`` file name: letters, digits, ``.``, ``_`` and ``-`` only."""
    return _UNSAFE_NAME.sub("_", name) or "message"


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


class SecurityHeaders:
    """ASGI middleware: every HTTP answer gets :data:`SECURITY_HEADERS` (those a route sets itself are kept)."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in SECURITY_HEADERS if name not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class Internal:
    """ASGI middleware: a request that fails on a bug in dmtool is answered 500, ``INTERNAL-ERROR`` in JSON, without
    a stack trace (which goes to the server's log, for the bug report)."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as error:
            if scope["type"] != "http" or started:
                raise
            logging.getLogger(__name__).exception("%s %s failed", scope["method"], scope["path"])
            failed = ApiError(500, INTERNAL_ERROR, f"dmtool failed on this request, so it was not answered; this "
                              f"is a bug in dmtool: report it, with the input ({type(error).__name__})")  # fmt: skip
            await error_response(failed)(scope, receive, send)


class Admission:
    """ASGI middleware: at most ``slots`` requests that send a body (``POST``) are read and worked on at once; the
    others wait their turn unread, so that memory is bounded by ``slots`` bodies of the largest size whatever the
    number of clients."""

    def __init__(self, app: App, slots: int) -> None:
        self.app = app
        self.slots = anyio.Semaphore(slots)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        async with self.slots:
            await self.app(scope, receive, send)


@dataclass(frozen=True)
class Context:
    """What the routes share: the server's ``settings`` (its profile, the config file's keys) and the ``workers``
    that do the work (validation holds the CPU: it runs in threads, as many as the limiter allows)."""

    settings: Settings
    workers: anyio.CapacityLimiter

    async def run(self, work: Callable[[], T]) -> T:
        """``work()`` on a worker thread; what it returns."""
        return await anyio.to_thread.run_sync(work, limiter=self.workers)


#: The query parameters that choose the rules, as ``dmtool validate``'s options do.
SETTINGS_PARAMETERS: Final = ("profile", "last_contact", "admitted", "short_max_chars", "synthetic_ids")
_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")


def query(request: Request, allowed: tuple[str, ...]) -> dict[str, str]:
    """The query parameters of ``request``, each at most once and each one of ``allowed``: a misspelt parameter is
    an error (400), never silently left out."""
    given: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name not in allowed:
            raise bad_request(f"unknown parameter {name!r}; {request.url.path} takes {', '.join(allowed)}")
        if name in given:
            raise bad_request(f"the parameter {name!r} is given more than once")
        given[name] = value
    return given


def boolean(given: dict[str, str], name: str) -> bool | None:
    """The parameter ``name`` as ``true`` or ``false``; ``None`` when it is not given."""
    value = given.get(name)
    if value is None:
        return None
    if value not in ("true", "false"):
        raise bad_request(f"{name} must be true or false, got {value!r}")
    return value == "true"


def whole_number(given: dict[str, str], name: str, low: int, high: int) -> int | None:
    """The parameter ``name`` as a whole number from ``low`` to ``high``; ``None`` when it is not given."""
    value = given.get(name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 12 and low <= int(value) <= high):
        raise bad_request(f"{name} must be a whole number from {low} to {high}, got {value!r}")
    return int(value)


def settings_for(base: Settings, given: dict[str, str]) -> Settings:
    """``base`` with the parameters of :data:`SETTINGS_PARAMETERS` that ``given`` holds on top."""
    changes: dict[str, Any] = {}
    if "profile" in given:
        try:
            changes["profile"] = profiles.get(given["profile"])
        except ValueError as error:
            raise bad_request(str(error)) from None
    if "last_contact" in given:
        try:
            if not _DATE.fullmatch(given["last_contact"]):
                raise ValueError
            changes["last_contact"] = dt.date.fromisoformat(given["last_contact"])
        except ValueError:
            raise bad_request(f"last_contact must be a date, YYYY-MM-DD, got {given['last_contact']!r}") from None
    for name in ("admitted", "synthetic_ids"):
        if (flag := boolean(given, name)) is not None:
            changes[name] = flag
    if (chars := whole_number(given, "short_max_chars", 1, loader.MAX_SIZE)) is not None:
        changes["short_max_chars"] = chars
    return dataclasses.replace(base, **changes)
