"""The ``dmtool serve`` application: the page, the API, the OpenAPI document and the page's static files, with the
rules every answer follows (security headers, JSON errors without a stack trace, bounded work at once), and
:func:`run`, which serves it with uvicorn."""

from __future__ import annotations

import ipaddress
import socket
import sys
from collections.abc import Callable
from typing import Final

import anyio
import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import batch
from ..standards.profiles import Settings
from . import api, openapi, page
from .web import Admission, ApiError, Context, Internal, SecurityHeaders, error_response, json_response

_HTTP_ERRORS: Final = {404: "NOT-FOUND", 405: "METHOD-NOT-ALLOWED"}


def create_app(settings: Settings | None = None, *, workers: int | None = None, slots: int | None = None) -> Starlette:
    """The application, checking under ``settings`` (default: national) unless a request chooses otherwise.

    ``workers``: threads that validate at once (default: the cores this process may use); ``slots``: requests that
    send a body read and worked on at once (default: twice the workers, at least 4), the others wait unread.
    """
    threads = workers or batch.default_jobs()
    context = Context(settings or Settings(), anyio.CapacityLimiter(threads))

    async def document(request: Request) -> Response:
        return json_response(openapi.document())

    async def no_icon(request: Request) -> Response:
        return Response(status_code=204)

    static = StaticFiles(packages=[(__package__, "static")])
    return Starlette(
        routes=[
            *page.routes(context),
            *api.routes(context),
            Route("/openapi.json", document, methods=["GET"]),
            Route("/favicon.ico", no_icon, methods=["GET"]),
            Mount("/static", static, name="static"),
        ],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(Internal),
            Middleware(Admission, slots=slots or max(4, 2 * threads)),
        ],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error},
    )


async def _api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return error_response(error)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    code = _HTTP_ERRORS.get(error.status_code, "BAD-REQUEST")
    response = error_response(ApiError(error.status_code, code, f"{request.method} {request.url.path}: "
                                       f"{error.detail}; see /openapi.json for the API"))  # fmt: skip
    response.headers.update(error.headers or {})
    return response


def is_loopback(host: str) -> bool:
    """True when only this machine reaches ``host`` (``localhost``, ``127.0.0.0/8``, ``::1``): the server is then
    for the programs of this machine alone."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(host: str, port: int, settings: Settings, announce: Callable[[str], None]) -> None:
    """Serve the application on ``host``:``port`` (``0``: a free port) until ``SIGINT`` or ``SIGTERM``; once it
    listens, ``announce`` is given its address (``http://127.0.0.1:8000/``). Raises :class:`OSError` when the
    address cannot be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(socket.SOMAXCONN)  # before it is announced: a client may connect at once
        bound = listener.getsockname()[1]
        shown = f"[{host}]" if family == socket.AF_INET6 else host
        config = uvicorn.Config(create_app(settings), log_level="warning", access_log=False,
                                server_header=False, date_header=False)  # fmt: skip
        server = uvicorn.Server(config)
        announce(f"http://{shown}:{bound}/")
        sys.stdout.flush()
        server.run(sockets=[listener])
    finally:
        listener.close()
