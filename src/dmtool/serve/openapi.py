"""The OpenAPI 3.0 document of ``dmtool serve``'s API (``GET /openapi.json``), made from what the code knows: the
profiles, the kinds, the AppRec versions, the size bound. Clients in any language can be generated from it."""

from __future__ import annotations

import functools
from typing import Any, Final

from .. import __version__, apprec
from ..dialog import compose
from ..dialog.model import DIALOG_VERSIONS
from ..standards import profiles
from ..standards.ids import HER_ID_PATTERN
from ..xml import loader
from .api import BUILD_KINDS, MAX_PART, REPLY_FIELDS

_REF: Final = "#/components/schemas/"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF + name}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


#: The parameters that choose the rules (``dmtool validate``'s options), and the name a report shows.
_SETTINGS: Final = [
    _query("profile", {"type": "string", "enum": list(profiles.PROFILES)},
           "Regional profile added to the national rules (default: the server's)."),
    _query("last_contact", {"type": "string", "format": "date"},
           "The patient's last contact with the hospital, for the profiles' time windows."),
    _query("admitted", {"type": "boolean"}, "Whether the patient is admitted now (ostfold, bergen)."),
    _query("short_max_chars", {"type": "integer", "minimum": 1, "maximum": loader.MAX_SIZE},
           "SHORT warns above this many characters of text."),
    _query("synthetic_ids", {"type": "boolean"},
           "Accept Tenor's synthetic test numbers (test environments only)."),
]  # fmt: skip
_PATH: Final = _query("path", {"type": "string"}, "The name the result shows for the message (default: -, as for "
                      "standard input); a file of several messages shows PATH#1, PATH#2, ...")  # fmt: skip
_PART: Final = _query("part", {"type": "integer", "minimum": 1, "maximum": MAX_PART},
                      "Which message of a file holding several (1, 2, ...); needed for such a file.")  # fmt: skip
_MESSAGE_BODY: Final = {
    "required": False,  # an empty body is an empty message, which gets its report (NOT-XML) as an empty file does
    "description": f"The message's bytes as they are (at most {loader.MAX_SIZE:,} bytes; larger: 413).",
    "content": {media: {"schema": {"type": "string", "format": "binary"}}
                for media in ("application/xml", "text/xml", "application/octet-stream")},
}  # fmt: skip
_HER: Final = {"type": "string", "pattern": f"^{HER_ID_PATTERN}$"}
_XML: Final = {"application/xml": {"schema": {"type": "string"}}}


def _errors(*statuses: int) -> dict[str, Any]:
    said = {
        400: "The request is wrong: a parameter, a field, the JSON.",
        404: "No such kind.",
        413: f"The body is larger than dmtool reads ({loader.MAX_SIZE:,} bytes for a message).",
        415: "The body is not of a type this route takes.",
        422: "The input cannot be used: its error is the rule it breaks (NOT-XML, UNSUPPORTED-MESSAGE, XSD, a hard "
        "rule) or what stops the work (SPEC, NO-RECEIPT, APPREC-NOT-MADE, SEVERAL-MESSAGES, NO-SUCH-PART, "
        "BUILD-ERROR).",
        500: "A bug in dmtool (INTERNAL-ERROR): report it, with the input.",
    }
    return {
        str(status): {"description": said[status], "content": {"application/json": {"schema": _ref("Error")}}}
        for status in statuses
    }


def _schemas() -> dict[str, Any]:
    string, names = {"type": "string"}, {"type": "array", "items": {"type": "string"}}
    issue = {
        "type": "object",
        "required": ["rule", "severity", "message", "line"],
        "additionalProperties": False,
        "properties": {
            "rule": string,
            "severity": {"type": "string", "enum": ["error", "warning"]},
            "message": string,
            "line": _nullable({"type": "integer"}),
        },
    }
    report = {
        "type": "object",
        "description": "One line of dmtool validate --format json.",
        "required": ["path", "valid", "kind", "version", "msg_type", "dialog_version", "apprec_version", "msg_id",
                     "wrapped", "issues", "reply_by", "rules", "profile"],
        "additionalProperties": False,
        "properties": {
            "path": _nullable(string),
            "valid": {"type": "boolean"},
            "kind": {"type": "string", "enum": ["msghead", "apprec", "unknown"]},
            "version": _nullable({"type": "string",
                                  "enum": ["dialog-1.0", "dialog-1.1", "apprec-1.0", "apprec-1.1"]}),
            "msg_type": _nullable(string),
            "dialog_version": _nullable({"type": "string", "enum": ["1.0", "1.1"]}),
            "apprec_version": _nullable({"type": "string", "enum": ["1.0", "1.1"]}),
            "msg_id": _nullable(string),
            "wrapped": {"type": "boolean"},
            "issues": {"type": "array", "items": _ref("Issue")},
            "reply_by": _nullable({"type": "string", "format": "date"}),
            "rules": string,
            "profile": {**string, "description": "The profile the message was judged under."},
        },
    }  # fmt: skip
    error = {
        "type": "object",
        "required": ["error", "message", "issues", "key"],
        "additionalProperties": False,
        "properties": {
            "error": {**string, "description": "A rule id (NOT-XML, XSD, ...) or the id of the request's problem."},
            "message": string,
            "issues": {"type": "array", "items": _ref("Issue")},
            "key": _nullable({**string, "description": "The spec key at fault, for a spec."}),
        },
    }
    rule = {
        "type": "object",
        "required": ["id", "severity", "apprec_code", "sender_text", "developer_text", "seeds", "profiles", "layer",
                     "also"],
        "additionalProperties": False,
        "properties": {"id": string, "severity": {"type": "string", "enum": ["error", "warning"]},
                       "apprec_code": _nullable(string), "sender_text": string, "developer_text": string,
                       "seeds": names, "profiles": names, "layer": string, "also": names},
    }  # fmt: skip
    parsed = {
        "type": "object",
        "required": ["path", "message", "issues"],
        "additionalProperties": False,
        "properties": {"path": string, "message": _nullable(_ref("Message")),
                       "issues": {"type": "array", "items": _ref("Issue")}},
    }  # fmt: skip
    message = {"type": "object", "description": "The model as dmtool parse --format json prints it (the shape "
               "dmtool build --spec reads for its parts)."}  # fmt: skip
    return {"Issue": issue, "Report": report, "Error": error, "Rule": rule, "ParsedPart": parsed, "Message": message}


def _build(kind: str) -> dict[str, Any]:
    """``POST /api/build/KIND``: from a spec, or (svar, avvik) in answer to a received message."""
    synthetic = _query("synthetic_ids", {"type": "boolean"}, "Accept Tenor's synthetic test numbers.")
    responses = {"200": {"description": f"The {kind}.", "content": _XML}, **_errors(400, 413, 415, 422, 500)}
    if kind not in REPLY_FIELDS:
        return {
            "operationId": f"build_{kind}",
            "summary": f"Build a {kind} from a spec: the JSON dmtool build {kind} --spec reads (dmtool build {kind} "
            "--example prints one).",
            "parameters": [
                _query("dialog_version", {"type": "string", "enum": list(DIALOG_VERSIONS)},
                       "The Dialogmelding version (default 1.0; helsefaglig is always 1.1)."),
                synthetic,
            ],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": responses,
        }  # fmt: skip
    fields = REPLY_FIELDS[kind]
    answered = fields[0]

    def properties(message: dict[str, str]) -> dict[str, Any]:
        shapes: dict[str, Any] = {"text": {"type": "string"},
                                  "reason": {"type": "string", "enum": list(compose.AVVIK_REASONS)}}  # fmt: skip
        return {name: message if name == answered else shapes[name] for name in fields}

    def body(message: dict[str, str]) -> dict[str, Any]:
        return {"type": "object", "required": list(fields), "additionalProperties": False,
                "properties": properties(message)}  # fmt: skip

    return {
        "operationId": f"build_{kind}",
        "summary": f"Build the {kind} to a received message ({answered}): in JSON the message is base64 text, in a "
        "form a file (or base64 text); as dmtool build " + kind + " writes it.",
        "parameters": [_PART, synthetic],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": body({"type": "string", "format": "byte"})},
            "multipart/form-data": {"schema": body({"type": "string", "format": "binary"})},
        }},
        "responses": responses,
    }  # fmt: skip


@functools.cache
def document() -> dict[str, Any]:
    """The OpenAPI document of the API."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "dmtool",
            "version": __version__,
            "description": "Validate, parse, acknowledge and build Norwegian Dialogmelding messages. A message is "
            "sent as the body's bytes; results are what the dmtool command line prints with --format json.",
        },
        "paths": {
            "/api/validate": {"post": {
                "operationId": "validate",
                "summary": "Validate a message: what dmtool validate --format json prints for it.",
                "parameters": [_PATH, *_SETTINGS],
                "requestBody": _MESSAGE_BODY,
                "responses": {
                    "200": {"description": "The report: one object, or one per message for a file of several.",
                            "content": {"application/json": {"schema": {"oneOf": [
                                _ref("Report"), {"type": "array", "items": _ref("Report"), "minItems": 2}]}}}},
                    **_errors(400, 413, 500),
                },
            }},
            "/api/apprec": {"post": {
                "operationId": "apprec",
                "summary": "The AppRec dmtool apprec writes for a received message.",
                "parameters": [
                    _query("version", {"type": "string", "enum": list(apprec.APPREC_VERSIONS)},
                           f"The AppRec version (default {apprec.DEFAULT_VERSION})."),
                    _query("sender_her", _HER, "The receipt's sender, when the message cannot be read far "
                           "enough."),
                    _query("receiver_her", _HER, "The receipt's receiver, when the message cannot be read far "
                           "enough."),
                    _PART, *_SETTINGS,
                ],
                "requestBody": _MESSAGE_BODY,
                "responses": {
                    "200": {"description": "The AppRec.", "content": _XML, "headers": {
                        "X-AppRec-Status": {"required": True, "description": "1 OK, 2 Avvist, 3 OK, feil i "
                                            "delmelding (code list 8258).", "schema": {"type": "string"}},
                        "X-AppRec-Errors": {"required": True, "description": "The receipt's error codes (8221), "
                                            "comma-separated; empty for none.", "schema": {"type": "string"}},
                    }},
                    **_errors(400, 413, 422, 500),
                },
            }},
            "/api/parse": {"post": {
                "operationId": "parse",
                "summary": "Read a Dialogmelding: what dmtool parse --format json prints.",
                "parameters": [_PATH],
                "requestBody": _MESSAGE_BODY,
                "responses": {
                    "200": {"description": "The message; for a file of several, one entry per message.",
                            "content": {"application/json": {"schema": {"oneOf": [
                                _ref("Message"), {"type": "array", "items": _ref("ParsedPart"), "minItems": 2}]}}}},
                    **_errors(400, 413, 422, 500),
                },
            }},
            **{f"/api/build/{kind}": {"post": _build(kind)} for kind in BUILD_KINDS},
            "/api/rules": {"get": {
                "operationId": "rules",
                "summary": "The rules: what dmtool rules --format json prints.",
                "responses": {"200": {"description": "Every rule.", "content": {"application/json": {
                    "schema": {"type": "array", "items": _ref("Rule")}}}}},
            }},
        },
        "components": {"schemas": _schemas()},
    }  # fmt: skip
