"""``dmtool serve``: a local web validator for people, and an HTTP API for integration engines in any language.

``GET /`` is a page to check messages on (files or pasted text; see :mod:`.page`); ``/api/...`` is a JSON API whose
answers are what the command line prints (:mod:`.api`), described at ``/openapi.json`` (:mod:`.openapi`). It listens
on loopback unless told otherwise, loads nothing from elsewhere, keeps nothing it is given, reads at most
:data:`~dmtool.xml.loader.MAX_SIZE` bytes of a message, and answers errors in JSON with rule ids, never a stack trace.

Needs the ``serve`` extra: ``pip install 'dmtool[serve]'`` (Starlette, uvicorn, Jinja2, python-multipart).
"""

from .app import create_app, is_loopback, run

__all__ = ["create_app", "is_loopback", "run"]
