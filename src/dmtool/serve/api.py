"""The JSON API of ``dmtool serve``, for integration engines in any language: each route does what a command does.

``POST /api/validate`` answers what ``dmtool validate --format json`` prints, ``POST /api/apprec`` the AppRec
``dmtool apprec`` writes (its status in ``X-AppRec-Status``), ``POST /api/parse`` what ``dmtool parse --format json``
prints, ``POST /api/build/{kind}`` what ``dmtool build`` writes, ``GET /api/rules`` what ``dmtool rules --format json``
prints. A message is sent as the body's bytes, as it is; the document at ``/openapi.json`` describes every route.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Final, cast

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import apprec, build, rules
from ..apprec import make as receipts
from ..dialog import compose, reader, spec
from ..dialog.model import DIALOG_VERSIONS, Message
from ..errors import BuildError, NoReceipt, ParseError, RuleError
from ..report import part_path
from ..standards.ids import her_id_problem
from ..standards.profiles import Settings
from ..validation import examine_each
from ..xml import loader
from .web import (
    FORM_OVERHEAD,
    SETTINGS_PARAMETERS,
    ApiError,
    Context,
    Form,
    bad_request,
    boolean,
    download_name,
    json_response,
    query,
    read_body,
    read_form,
    settings_for,
    whole_number,
)

#: The kinds ``POST /api/build/{kind}`` builds: from a spec, or in answer to a received message.
SPEC_KINDS: Final = tuple(spec.BUILDERS)
REPLY_KINDS: Final = ("svar", "avvik")
BUILD_KINDS: Final = (*SPEC_KINDS, *REPLY_KINDS)
#: The fields of a svar's and an avvik's request (``dmtool build``'s options), and the one that holds the message
#: answered.
REPLY_FIELDS: Final[dict[str, tuple[str, ...]]] = {"svar": ("reply_to", "text"), "avvik": ("about", "reason", "text")}
ANSWERED: Final = {"svar": "reply_to", "avvik": "about"}
#: The most messages a file may hold for ``part`` to choose among: more than any export holds.
MAX_PART: Final = 100_000
#: The most a reply's request holds: the message answered (as base64, a third longer), its text, the rest of the
#: form or JSON.
REPLY_LIMIT: Final = loader.MAX_SIZE * 4 // 3 + 4 + FORM_OVERHEAD


def unreadable(error: ParseError, status: int = 422) -> ApiError:
    """The error of a message that cannot be read: its first rule's id, every issue."""
    return ApiError(status, error.issues[0].rule, f"the message cannot be read: {error}", error.issues)


def routes(context: Context) -> list[Route]:
    """The API's routes, working under ``context``."""

    async def validate(request: Request) -> Response:
        given = query(request, ("path", *SETTINGS_PARAMETERS))
        settings = settings_for(context.settings, given)
        data = await read_body(request)
        path = given.get("path", "-")
        found = await context.run(lambda: [report.to_dict() for report, _ in examine_each(data, path, settings)])
        return json_response(found[0] if len(found) == 1 else found)

    async def apprec_route(request: Request) -> Response:
        given = query(request, ("version", "sender_her", "receiver_her", "part", *SETTINGS_PARAMETERS))
        settings = settings_for(context.settings, given)
        version = given.get("version", apprec.DEFAULT_VERSION)
        if version not in apprec.APPREC_VERSIONS:
            raise bad_request(f"version must be {' or '.join(apprec.APPREC_VERSIONS)}, got {version!r}")
        sender, receiver = _party(given, "sender_her"), _party(given, "receiver_her")
        part = whole_number(given, "part", 1, MAX_PART)
        data = await read_body(request)

        def receipt() -> tuple[apprec.AppRec, bytes]:
            made = receipts.apprec_for_each(data, version, sender=sender,
                                            receiver=receiver, settings=settings)  # fmt: skip
            result = _chosen(made, part)
            if isinstance(result, NoReceipt):
                raise ApiError(422, "NO-RECEIPT", str(result))
            if isinstance(result, ValueError):
                raise ApiError(422, "APPREC-NOT-MADE", f"cannot make the AppRec: {result}")
            try:
                return result, apprec.to_xml(result)
            except ValueError as error:
                raise ApiError(422, "APPREC-NOT-MADE", f"cannot make the AppRec: {error}") from None

        made, xml = await context.run(receipt)
        headers = {
            "X-AppRec-Status": made.status,
            "X-AppRec-Errors": ", ".join(error.code for error in made.errors),
            "Content-Disposition": 'attachment; filename="apprec.xml"',
        }
        return Response(xml, headers=headers, media_type="application/xml")

    async def parse(request: Request) -> Response:
        path = query(request, ("path",)).get("path", "-")
        data = await read_body(request)
        found = await context.run(lambda: reader.parse_each(data))
        if len(found) == 1:
            (only,) = found
            if isinstance(only, ParseError):
                raise unreadable(only)
            return json_response(spec.to_data(only))
        return json_response([
            {"path": part_path(path, number), "message": None, "issues": [i.to_dict() for i in result.issues]}
            if isinstance(result, ParseError)
            else {"path": part_path(path, number), "message": spec.to_data(result), "issues": []}
            for number, result in enumerate(found, start=1)
        ])  # fmt: skip

    async def build(request: Request) -> Response:
        kind = request.path_params["kind"]
        if kind not in BUILD_KINDS:
            raise ApiError(404, "NOT-FOUND", f"no such kind {kind!r}; build one of {', '.join(BUILD_KINDS)}")
        if kind in REPLY_KINDS:
            given = query(request, ("part", "synthetic_ids"))
            part = whole_number(given, "part", 1, MAX_PART)
            fields = await _reply_fields(request, kind)
            settings = _build_settings(context.settings, given)
            xml = await context.run(lambda: _reply(kind, fields, part, settings))
        else:
            given = query(request, ("dialog_version", "synthetic_ids"))
            version = given.get("dialog_version")
            if version is not None and version not in DIALOG_VERSIONS:
                raise bad_request(f"dialog_version must be {' or '.join(DIALOG_VERSIONS)}, got {version!r}")
            data = _json_body(await read_body(request), request)
            settings = _build_settings(context.settings, given)
            xml = await context.run(lambda: _from_spec(kind, data, version, settings))
        disposition = f'attachment; filename="{download_name(kind)}.xml"'
        return Response(xml, headers={"Content-Disposition": disposition}, media_type="application/xml")

    async def rule_list(request: Request) -> Response:
        query(request, ())
        return json_response([rule.to_dict() for rule in rules.RULES])

    return [
        Route("/api/validate", validate, methods=["POST"]),
        Route("/api/apprec", apprec_route, methods=["POST"]),
        Route("/api/parse", parse, methods=["POST"]),
        Route("/api/build/{kind}", build, methods=["POST"]),
        Route("/api/rules", rule_list, methods=["GET"]),
    ]


def _party(given: dict[str, str], name: str) -> apprec.Party | None:
    """The party the HER-id parameter ``name`` gives (``--sender-her``, ``--receiver-her``)."""
    her_id = given.get(name)
    if her_id is None:
        return None
    problem = her_id_problem(her_id)
    if problem is not None:
        raise bad_request(f"{name}: {problem}; give the HER-id from the address register")
    return receipts.party_by_her(her_id)


def _chosen(results: list[Any], part: int | None) -> Any:
    """The result for message number ``part`` of a file (its only one when ``part`` is not given)."""
    if part is None:
        if len(results) > 1:
            raise ApiError(422, "SEVERAL-MESSAGES", f"the file holds {len(results)} messages: choose one with "
                           f"part=1 to part={len(results)}")  # fmt: skip
        return results[0]
    if part > len(results):
        raise ApiError(422, "NO-SUCH-PART", f"part {part}: the file holds {len(results)} "
                       f"message{'s' * (len(results) > 1)}")  # fmt: skip
    return results[part - 1]


def _build_settings(base: Settings, given: dict[str, str]) -> Settings:
    """What building checks the hard rules under, as ``dmtool build``: the national rules, ``synthetic_ids`` from
    the parameter or the server's settings."""
    flag = boolean(given, "synthetic_ids")
    return Settings(synthetic_ids=base.synthetic_ids if flag is None else flag)


def _json_body(body: bytes, request: Request) -> Any:
    """The JSON a request sends (a spec, or a reply's fields)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise ApiError(415, "UNSUPPORTED-MEDIA-TYPE", "send the spec as application/json")
    try:
        return json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise bad_request("the JSON is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise bad_request(f"not valid JSON: line {error.lineno} column {error.colno}: {error.msg}") from None
    except RecursionError:
        raise bad_request("the JSON is nested too deeply") from None


def _from_spec(kind: str, data: object, version: str | None, settings: Settings) -> bytes:
    """The message a spec describes, as ``dmtool build KIND --spec`` writes it."""
    try:
        return spec.xml_from_spec(kind, data, version, settings)
    except spec.SpecError as error:
        raise ApiError(422, error.issues[0].rule if error.issues else "SPEC", str(error), error.issues,
                       error.key) from None  # fmt: skip
    except RecursionError:
        raise bad_request("the spec is nested too deeply") from None


async def _reply_fields(request: Request, kind: str) -> dict[str, str | bytes]:
    """The fields of a svar's or an avvik's request: JSON, or a form (the message answered as a file, or as base64
    in a text field); each of :data:`REPLY_FIELDS`, once."""
    names = REPLY_FIELDS[kind]
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fields: dict[str, str | bytes]
    if media == "application/json":
        data = _json_body(await read_body(request, REPLY_LIMIT), request)
        if not isinstance(data, dict) or not all(isinstance(value, str) for value in data.values()):
            raise bad_request(f"send a JSON object of strings: {', '.join(names)}")
        fields = dict(data)
    else:
        fields = _form_fields(await read_form(request, REPLY_LIMIT))
    unknown = sorted(set(fields) - set(names))
    if unknown:
        raise bad_request(f"unknown field {unknown[0]!r}; build {kind} takes {', '.join(names)}")
    missing = [name for name in names if name not in fields]
    if missing:
        raise bad_request(f"build {kind} needs {', '.join(missing)}")
    answered = fields[ANSWERED[kind]]
    if isinstance(answered, str):
        try:
            fields[ANSWERED[kind]] = base64.b64decode(answered, validate=True)
        except (binascii.Error, ValueError):
            raise bad_request(f"{ANSWERED[kind]}: give the message as a file, or as base64 text") from None
    return fields


def _form_fields(form: Form) -> dict[str, str | bytes]:
    fields: dict[str, str | bytes] = {}
    for name, values in form.fields.items():
        if len(values) > 1:
            raise bad_request(f"the field {name!r} is given more than once")
        fields[name] = values[0]
    for name, _, data in form.files:
        if name in fields:
            raise bad_request(f"the field {name!r} is given more than once")
        fields[name] = data
    return fields


def _reply(kind: str, fields: dict[str, str | bytes], part: int | None, settings: Settings) -> bytes:
    """The svar or avvik the fields ask for, as ``dmtool build svar|avvik`` writes it."""
    data = fields[ANSWERED[kind]]
    text = fields["text"]
    if not isinstance(data, bytes) or not isinstance(text, str):
        raise bad_request("text must be text, and the message a file or base64 text")
    received = _chosen(reader.parse_each(data), part)
    if isinstance(received, ParseError):
        raise unreadable(received)
    message: Message
    try:
        if kind == "svar":
            message = compose.svar(received, text)
        else:
            reason = fields["reason"]
            if reason not in compose.AVVIK_REASONS:
                raise bad_request(f"reason must be one of {', '.join(compose.AVVIK_REASONS)}, got {reason!r}")
            message = compose.avvik(received, cast(compose.AvvikReason, reason), text)
        return build.to_xml(message, settings=settings)
    except RuleError as error:
        raise ApiError(422, error.rule, f"cannot build the {kind}: {error}", error.issues, error.field) from None
    except BuildError as error:
        raise ApiError(422, "BUILD-ERROR", f"cannot build the {kind}: {error}", (), error.field) from None
    except ValueError as error:
        raise ApiError(422, "BUILD-ERROR", f"cannot build the {kind}: {error}") from None

