"""``dmtool serve``'s JSON API, with httpx against the application: every answer is what the command line prints,
errors are JSON with rule ids, a body larger than validate reads is refused unread, nothing is stored."""

from __future__ import annotations

import asyncio
import base64
import json
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from paths import EXAMPLES, ROOT
from serving import AppClient

from dmtool import apprec, parse, rules, validate
from dmtool.cli import main
from dmtool.serve import create_app
from dmtool.serve import web as serve_web
from dmtool.xml import loader

FAMILIES = ROOT / "fixtures" / "families"
INVALID = FAMILIES / "dialog" / "bad-hnummer.xml"  # NO-HJELPENUMMER at line 46
MULTI = FAMILIES / "multi" / "epj-eksport-fire-meldinger.xml"
FORESPORSEL = EXAMPLES / "foresporsel-1.0.xml"
SECURITY = {name.decode(): value.decode() for name, value in serve_web.SECURITY_HEADERS}


@pytest.fixture(scope="module")
def client() -> Iterator[AppClient]:
    with AppClient(create_app()) as app_client:
        yield app_client


def cli(*args: str, stdin: bytes | None = None) -> str:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.stdout


def inputs() -> list[Path]:
    """Messages of every family, valid and not, one file of several messages among them."""
    return sorted(EXAMPLES.glob("*.xml")) + sorted(FAMILIES.rglob("*.xml"))


def test_validate_answers_exactly_what_validate_format_json_prints(client):
    """The Done-when: what ``curl --data-binary @m.xml .../api/validate`` gets is the line ``dmtool validate --format
    json`` prints: for standard input by default, for the file named by ``path``; byte for byte, for every family."""
    checked = 0
    for file in inputs():
        data = file.read_bytes()
        answer = client.post("/api/validate", content=data)
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
        lines = cli("validate", "--format", "json", "-", stdin=data).splitlines()
        if len(lines) == 1:
            assert answer.text == lines[0] + "\n", file
        else:
            assert answer.json() == [json.loads(line) for line in lines], file
        named = client.post("/api/validate", params={"path": str(file)}, content=data)
        printed = cli("validate", "--format", "json", str(file)).splitlines()
        assert (named.text if len(printed) == 1 else json.dumps(named.json())) == (
            printed[0] + "\n" if len(printed) == 1 else json.dumps([json.loads(line) for line in printed])
        )
        checked += 1
    assert checked > 40


def test_a_file_of_several_messages_gives_one_report_per_message_as_validate_prints_them(client):
    answer = client.post("/api/validate", params={"path": "eksport.xml"}, content=MULTI.read_bytes()).json()
    assert [report["path"] for report in answer] == [f"eksport.xml#{n}" for n in range(1, len(answer) + 1)]
    assert len(answer) == 4


def test_the_profile_and_the_other_options_are_validates(client):
    data = INVALID.read_bytes()
    for params, options in (
        ({"profile": "oslo"}, ["--profile", "oslo"]),
        ({"profile": "standard"}, ["--profile", "standard"]),
        ({"short_max_chars": "10", "synthetic_ids": "true"}, ["--short-max-chars", "10", "--synthetic-ids"]),
        ({"last_contact": "2024-01-02", "admitted": "false", "profile": "ostfold"},
         ["--last-contact", "2024-01-02", "--not-admitted", "--profile", "ostfold"]),
    ):  # fmt: skip
        answer = client.post("/api/validate", params=params, content=data)
        assert answer.text == cli("validate", "--format", "json", *options, "-", stdin=data), params


@pytest.mark.parametrize(
    "params",
    [{"profil": "oslo"}, {"profile": "nowhere"}, {"admitted": "yes"}, {"short_max_chars": "0"},
     {"last_contact": "2024-13-01"}, {"last_contact": "yesterday"}],
)  # fmt: skip
def test_a_wrong_parameter_is_a_json_error_never_ignored(client, params):
    answer = client.post("/api/validate", params=params, content=FORESPORSEL.read_bytes())
    assert answer.status_code == 400
    assert answer.json()["error"] == "BAD-REQUEST" and next(iter(params)) in answer.json()["message"]


def test_a_parameter_given_twice_is_refused(client):
    answer = client.post("/api/validate?profile=oslo&profile=bergen", content=FORESPORSEL.read_bytes())
    assert answer.status_code == 400 and "more than once" in answer.json()["message"]


def test_an_empty_or_broken_body_is_a_report_as_validate_gives_it(client):
    for data in (b"", b"<a>", b"\x00\x01binary"):
        answer = client.post("/api/validate", content=data)
        assert answer.status_code == 200
        assert answer.text == cli("validate", "--format", "json", "-", stdin=data)
        assert answer.json()["issues"][0]["rule"] == "NOT-XML"


class Counted:
    """A body sent in chunks of 1 MiB, counting how many the server has taken."""

    def __init__(self, size: int) -> None:
        self.size, self.taken = size, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunk = b"<" + b"x" * (1024 * 1024 - 1)
        for _ in range(self.size // len(chunk)):
            self.taken += 1
            yield chunk


def post_streamed(path: str, body: Counted, headers: dict[str, str] | None = None) -> httpx.Response:
    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            return await client.post(path, content=body, headers=headers)

    return asyncio.run(send())


@pytest.mark.parametrize("path", ["/api/validate", "/api/apprec", "/api/parse"])
def test_a_body_larger_than_validate_reads_is_refused_with_413_before_the_rest_is_read(path):
    body = Counted(4 * loader.MAX_SIZE)
    answer = post_streamed(path, body)
    assert answer.status_code == 413
    error = answer.json()
    assert error["error"] == "TOO-LARGE" and error["issues"][0]["rule"] == "NOT-XML"
    assert error["issues"][0]["message"] == validate(b"x" * (loader.MAX_SIZE + 1)).issues[0].message
    mib = loader.MAX_SIZE // (1024 * 1024)
    assert mib < body.taken <= mib + 2  # refused as soon as the bound was passed: not the 200 MiB sent


def test_a_body_announced_larger_is_refused_before_any_of_it_is_read():
    body = Counted(2 * loader.MAX_SIZE)
    answer = post_streamed("/api/validate", body, {"content-length": str(2 * loader.MAX_SIZE)})
    assert answer.status_code == 413 and body.taken == 0


def test_a_body_of_the_largest_size_is_read(client):
    data = b" " * (loader.MAX_SIZE - 20) + b"<a/>"
    answer = client.post("/api/validate", content=data)
    assert answer.status_code == 200
    assert answer.json()["issues"][0]["rule"] == "UNSUPPORTED-MESSAGE"


def test_apprec_writes_the_receipt_apprec_writes_with_its_status_in_a_header(client, tmp_path):
    answer = client.post("/api/apprec", content=INVALID.read_bytes())
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/xml"
    receipt = apprec.parse_apprec(answer.content)
    assert answer.headers["x-apprec-status"] == receipt.status == "2"
    assert answer.headers["x-apprec-errors"] == ", ".join(error.code for error in receipt.errors) != ""
    written = tmp_path / "r.xml"
    CliRunner().invoke(main, ["apprec", str(INVALID), "-o", str(written)])
    theirs = apprec.parse_apprec(written.read_bytes())
    assert (receipt.errors, receipt.original_id, receipt.sender, receipt.receiver) == (
        theirs.errors, theirs.original_id, theirs.sender, theirs.receiver)  # fmt: skip
    ok = client.post("/api/apprec", params={"version": "1.0"}, content=FORESPORSEL.read_bytes())
    assert ok.headers["x-apprec-status"] == "1" and ok.headers["x-apprec-errors"] == ""
    assert apprec.parse_apprec(ok.content).version == "1.0"


def test_apprec_of_a_file_of_several_messages_answers_the_part_asked_for(client):
    data = MULTI.read_bytes()
    several = client.post("/api/apprec", content=data)
    assert several.status_code == 422 and several.json()["error"] == "SEVERAL-MESSAGES"
    second = client.post("/api/apprec", params={"part": "2"}, content=data)
    assert second.status_code == 200 and apprec.parse_apprec(second.content).original_id
    beyond = client.post("/api/apprec", params={"part": "9"}, content=data)
    assert beyond.status_code == 422 and beyond.json()["error"] == "NO-SUCH-PART"
    assert "holds 4 messages" in beyond.json()["message"]


def test_apprec_says_why_no_receipt_is_made(client):
    receipt = client.post("/api/apprec", content=(EXAMPLES / "apprec-1.0-ok.xml").read_bytes())
    assert receipt.status_code == 422 and receipt.json()["error"] == "APPREC-NOT-MADE"
    assert "no receipt is sent for a receipt" in receipt.json()["message"]
    broken = client.post("/api/apprec", content=b"<a>")
    assert broken.status_code == 422 and "NOT-XML" in broken.json()["message"]
    given = client.post("/api/apprec", params={"sender_her": "8000001", "receiver_her": "8000002"}, content=b"<a>")
    assert given.status_code == 200 and given.headers["x-apprec-status"] == "2"
    wrong = client.post("/api/apprec", params={"sender_her": "12a"}, content=b"<a>")
    assert wrong.status_code == 400 and "sender_her" in wrong.json()["message"]


def test_parse_answers_what_parse_format_json_prints(client):
    for file in (FORESPORSEL, EXAMPLES / "notat-1.0-latin1.xml", FAMILIES / "helsenorge" / "ekontakt-sporsmal.xml"):
        answer = client.post("/api/parse", content=file.read_bytes())
        assert answer.status_code == 200
        assert answer.json() == json.loads(cli("parse", "--format", "json", str(file)))
    several = client.post("/api/parse", params={"path": str(MULTI)}, content=MULTI.read_bytes())
    assert several.json() == [json.loads(line) for line in cli("parse", "--format", "json", str(MULTI)).splitlines()]


def test_parse_of_what_is_no_dialogmelding_is_422_with_the_rule_id(client):
    for data, rule in ((b"<a>", "NOT-XML"), ((EXAMPLES / "apprec-1.0-ok.xml").read_bytes(), "UNSUPPORTED-MESSAGE")):
        answer = client.post("/api/parse", content=data)
        assert answer.status_code == 422
        assert answer.json()["error"] == rule == answer.json()["issues"][0]["rule"]


def example_spec() -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(cli("build", "foresporsel", "--example"))
    return spec


def test_build_from_a_spec_writes_the_message_build_writes(client):
    answer = client.post("/api/build/foresporsel", json=example_spec(), params={"dialog_version": "1.1"})
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/xml"
    assert validate(answer.content).valid and parse(answer.content).version == "1.1"
    assert 'filename="foresporsel.xml"' in answer.headers["content-disposition"]


def test_a_bad_spec_names_its_key_and_a_refused_message_its_rules(client):
    spec = example_spec()
    spec["patient"]["id"] = 12
    wrong = client.post("/api/build/foresporsel", json=spec)
    assert wrong.status_code == 422 and wrong.json()["error"] == "SPEC" and wrong.json()["key"] == "patient.id"
    spec = example_spec()
    spec["text"] = "Pasienten har hjelpenummer 15439213105."
    spec["patient"] = {**spec["patient"], "id": "15439213105", "id_type": "HNR"}
    refused = client.post("/api/build/foresporsel", json=spec)
    assert refused.status_code == 422
    assert refused.json()["error"] in rules.BY_ID and refused.json()["issues"]
    assert client.post("/api/build/foresporsel", content=b"{", headers={"content-type": "application/json"}
                       ).json()["error"] == "BAD-REQUEST"  # fmt: skip
    assert client.post("/api/build/foresporsel", content=b"x=1").status_code == 415
    unknown = client.post("/api/build/brev", json={})
    assert unknown.status_code == 404 and unknown.json()["error"] == "NOT-FOUND"


def test_svar_and_avvik_are_built_from_the_message_as_json_base64_or_a_form_file(client):
    data = FORESPORSEL.read_bytes()
    encoded = base64.b64encode(data).decode()
    svar = client.post("/api/build/svar", json={"reply_to": encoded, "text": "Ja, det går fint."})
    assert svar.status_code == 200
    built = parse(svar.content)
    assert built.kind == "DIALOG_SVAR" and built.conversation is not None
    assert built.conversation.parent == parse(data).msg_id
    avvik = client.post("/api/build/avvik", files={"about": ("m.xml", data)},
                        data={"reason": "feil-adressat", "text": "Feil mottaker."})  # fmt: skip
    assert avvik.status_code == 200 and parse(avvik.content).kind == "DIALOG_AVVIK"
    as_field = client.post("/api/build/avvik", data={"about": encoded, "reason": "teknisk-feil", "text": "Mangler."})
    assert as_field.status_code == 200


def test_a_svar_to_what_is_no_foresporsel_and_bad_fields_are_json_errors(client):
    notat = base64.b64encode((EXAMPLES / "notat-1.0-latin1.xml").read_bytes()).decode()
    answer = client.post("/api/build/svar", json={"reply_to": notat, "text": "Svar."})
    assert answer.status_code == 422 and answer.json()["error"] == "BUILD-ERROR"
    assert "answers a forespørsel" in answer.json()["message"]
    for fields, said in (
        ({"reply_to": "not base64!", "text": "x"}, "base64"),
        ({"reply_to": notat}, "needs text"),
        ({"reply_to": notat, "text": "x", "reason": "feil-adressat"}, "unknown field 'reason'"),
    ):
        wrong = client.post("/api/build/svar", json=fields)
        assert wrong.status_code == 400 and said in wrong.json()["message"], fields
    bad_reason = client.post("/api/build/avvik", json={"about": notat, "reason": "lei", "text": "x"})
    assert bad_reason.status_code == 400 and "reason" in bad_reason.json()["message"]
    unread = client.post("/api/build/avvik", json={"about": base64.b64encode(b"<a>").decode(), "reason":
                         "feil-adressat", "text": "x"})  # fmt: skip
    assert unread.status_code == 422 and unread.json()["error"] == "NOT-XML"


def test_rules_are_what_rules_format_json_prints(client):
    answer = client.get("/api/rules")
    assert answer.json() == json.loads(cli("rules", "--format", "json")) == [r.to_dict() for r in rules.RULES]


def test_unknown_routes_and_methods_are_json_errors(client):
    missing = client.get("/api/nothing")
    assert missing.status_code == 404 and missing.json()["error"] == "NOT-FOUND"
    wrong = client.get("/api/validate")
    assert wrong.status_code == 405 and wrong.json()["error"] == "METHOD-NOT-ALLOWED"
    assert "POST" in wrong.headers["allow"]


def test_a_bug_is_a_json_internal_error_without_a_stack_trace(monkeypatch):
    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("a secret detail of the bug")

    monkeypatch.setattr("dmtool.serve.api.examine_each", broken)
    with AppClient(create_app(), raise_app_exceptions=False) as client:
        answer = client.post("/api/validate", content=FORESPORSEL.read_bytes())
    assert answer.status_code == 500 and answer.json()["error"] == "INTERNAL-ERROR"
    assert "Traceback" not in answer.text and "secret detail" not in answer.text
    assert SECURITY.items() <= answer.headers.items()


def test_every_answer_carries_the_security_headers(client):
    for answer in (
        client.get("/"),
        client.get("/openapi.json"),
        client.get("/static/dmtool.css"),
        client.get("/api/rules"),
        client.post("/api/validate", content=b"<a>"),
        client.get("/nothing"),
        client.post("/api/validate", params={"x": "1"}, content=b""),
    ):
        assert SECURITY.items() <= answer.headers.items(), answer.url
        assert "server" not in answer.headers


def test_nothing_sent_is_written_to_disk(monkeypatch, tmp_path):
    """A form of several MiB (which a form parser would spool to a temporary file) and messages of every route leave
    the temporary folder and the working folder as they were."""
    spool, work = tmp_path / "tmp", tmp_path / "work"
    spool.mkdir()
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    monkeypatch.setenv("TMPDIR", str(spool))
    monkeypatch.chdir(work)
    big = FORESPORSEL.read_bytes().replace(b"</MsgHead>", b"<!--" + b"x" * (5 * 1024 * 1024) + b"--></MsgHead>")
    with AppClient(create_app()) as client:
        assert client.post("/", files={"files": ("big.xml", big)}).status_code == 200
        assert client.post("/api/validate", content=big).status_code == 200
        assert client.post("/api/apprec", content=big).status_code == 200
        assert client.post("/api/build/avvik", files={"about": ("big.xml", big)},
                           data={"reason": "feil-adressat", "text": "x"}).status_code == 200  # fmt: skip
    assert list(spool.iterdir()) == [] and list(work.iterdir()) == []
