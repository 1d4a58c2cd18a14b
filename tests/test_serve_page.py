"""``dmtool serve``'s page, with httpx against the application: a plain form; for each message its verdict, its
issues (rule, severity, Norwegian and English text, line), the source with those lines marked, the message as an EPJ
shows it, the AppRec to download, the forms that build a svar or an avvik; everything escaped, nothing external."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from paths import EXAMPLES, ROOT
from serving import AppClient

from dmtool import apprec, parse, rules, validate
from dmtool.serve import create_app
from dmtool.serve.page import MAX_SOURCE_LINES, PAGE_LIMIT
from dmtool.xml import loader

FAMILIES = ROOT / "fixtures" / "families"
INVALID = FAMILIES / "dialog" / "bad-hnummer.xml"  # NO-HJELPENUMMER at line 46
MULTI = FAMILIES / "multi" / "epj-eksport-fire-meldinger.xml"
FORESPORSEL = EXAMPLES / "foresporsel-1.0.xml"


@pytest.fixture(scope="module")
def client() -> Iterator[AppClient]:
    with AppClient(create_app()) as app_client:
        yield app_client


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the text of each ``script`` and ``style`` element."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline: list[str] = []
        self._in: str | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in ("script", "style") else None

    def handle_data(self, data: str) -> None:
        if self._in and data.strip():
            self.inline.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def check(client: AppClient, *files: tuple[str, bytes], **fields: str):
    return client.post("/", files=[("files", (name, data, "application/xml")) for name, data in files], data=fields)


def test_the_form_works_without_script_and_loads_nothing_from_elsewhere(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    elements = Elements(page.text)
    (form,) = [attrs for attrs in elements.all("form") if attrs.get("id") == "check-form"]
    assert form["method"] == "post" and form["action"] == "/" and form["enctype"] == "multipart/form-data"
    (files,) = elements.all("input")
    assert files["type"] == "file" and "multiple" in files and files["name"] == "files"
    assert [option["value"] for option in elements.all("option")] == list(__import__("dmtool").profiles.PROFILES)
    labelled = {attrs["for"] for attrs in elements.all("label")}
    assert {"files", "pasted", "profile"} <= labelled  # every control has its label
    assert elements.inline == []  # no inline script or style: the CSP allows none
    assert not any("style" in attrs or any(name.startswith("on") for name in attrs) for _, attrs in elements.tags)
    for _, attrs in elements.tags:
        for name in ("src", "href", "action"):
            value = attrs.get(name) or ""
            assert not re.match(r"(?i)\s*(https?:)?//", value), value  # nothing from another origin
    for asset in ("/static/dmtool.css", "/static/dmtool.js"):
        answer = client.get(asset)
        assert answer.status_code == 200 and "http" not in answer.text and "@import" not in answer.text


def test_an_invalid_message_shows_its_issues_with_lines_and_the_marked_source(client):
    page = check(client, ("bad-hnummer.xml", INVALID.read_bytes()))
    assert page.status_code == 200
    text = page.text
    report = validate(INVALID)
    (issue,) = report.issues
    assert "INVALID" in text and issue.rule == "NO-HJELPENUMMER" and issue.line == 46
    rule = rules.get(issue.rule)
    elements = Elements(text)
    row = re.search(r'<tr class="error">(.*?)</tr>', text, re.S)
    assert row is not None
    for shown in (f'href="#f1-L{issue.line}"', issue.rule, "error", rule.sender_text, issue.message):
        assert shown in row.group(1), shown
    assert '<td lang="nb">' in row.group(1)  # the Norwegian text says it is Norwegian
    marked = [attrs for attrs in elements.all("li") if attrs.get("class") == "marked"]
    assert [attrs["id"] for attrs in marked] == [f"f1-L{issue.line}"]
    line = re.search(r'<li id="f1-L46" value="46" class="marked">(.*?)</li>', text, re.S)
    assert line is not None and "NO-HJELPENUMMER" in line.group(1) and "<mark>" in line.group(1)
    source_lines = loader.source_text(INVALID.read_bytes()).split("\n")
    numbered = [attrs for attrs in elements.all("li") if (attrs.get("id") or "").startswith("f1-L")]
    assert len(numbered) == len(source_lines)


def test_the_message_is_shown_as_an_epj_shows_it(client):
    page = check(client, ("f.xml", FORESPORSEL.read_bytes())).text
    message = parse(FORESPORSEL)
    for heading in ("Sender", "Receiver", "Patient", "Question or note", "Message"):
        assert f"<h6>{heading}</h6>" in page
    assert message.sender.name in page and message.receiver.chain[-1].name in page
    assert message.patient is not None and message.patient.family_name in page
    assert message.body.question in page  # type: ignore[union-attr]
    assert "valid" in page and "No issues." in page and "reply by 2026-11-27" in page


def test_the_apprec_to_download_is_the_receipt_dmtool_would_send(client):
    page = check(client, ("bad-hnummer.xml", INVALID.read_bytes())).text
    link = [attrs for attrs in Elements(page).all("a") if "download" in attrs]
    (download,) = link
    assert download["download"] == "bad-hnummer.apprec.xml"
    prefix, href = "data:application/xml;base64,", download["href"]
    assert href is not None and href.startswith(prefix)
    receipt = apprec.parse_apprec(base64.b64decode(href[len(prefix):]))
    assert receipt.status == "2" and receipt.original_id == parse(INVALID).msg_id
    assert "status 2 Avvist" in page


def test_the_reply_forms_post_the_message_to_the_build_routes(client):
    page = check(client, ("f.xml", FORESPORSEL.read_bytes())).text
    forms = [attrs for attrs in Elements(page).all("form") if attrs.get("class") == "reply"]
    assert [form["action"] for form in forms] == ["/api/build/svar", "/api/build/avvik"]
    hidden = {attrs["name"]: attrs["value"] for attrs in Elements(page).all("input") if attrs.get("type") == "hidden"}
    assert hidden["reply_to"] is not None and hidden["about"] is not None
    assert base64.b64decode(hidden["reply_to"]) == FORESPORSEL.read_bytes() == base64.b64decode(hidden["about"])
    svar = client.post("/api/build/svar", data={"reply_to": hidden["reply_to"], "text": "Ja."})  # as a browser sends
    assert svar.status_code == 200 and parse(svar.content).kind == "DIALOG_SVAR"
    notat = check(client, ("n.xml", (EXAMPLES / "notat-1.0-latin1.xml").read_bytes())).text
    actions = [attrs["action"] for attrs in Elements(notat).all("form") if attrs.get("class") == "reply"]
    assert actions == ["/api/build/avvik"]  # a svar answers a forespørsel only


def test_several_files_and_a_file_of_several_messages(client):
    page = check(client, ("a.xml", INVALID.read_bytes()), ("eksport.xml", MULTI.read_bytes())).text
    assert re.findall(r'<article class="file" id="(f\d)"', page) == ["f1", "f2"]
    assert [f"eksport.xml#{n}" in page for n in range(1, 5)] == [True] * 4
    actions = re.findall(r'action="(/api/build/avvik[^"]*)"', page)
    assert "/api/build/avvik?part=2" in actions and 'download="eksport-2.apprec.xml"' in page


def test_a_pasted_message_is_checked_in_the_encoding_it_declares(client):
    latin1 = (EXAMPLES / "notat-1.0-latin1.xml").read_bytes()
    pasted = latin1.decode("iso-8859-1")
    page = client.post("/", data={"pasted": pasted, "profile": "national"}).text
    assert "pasted.xml" in page and "INVALID" not in page
    assert loader.text_bytes(pasted) == latin1 and loader.source_text(latin1) == pasted
    assert loader.text_bytes("<a>ø</a>") == "<a>ø</a>".encode()


def test_the_profile_chosen_on_the_page_is_the_one_checked_under(client):
    national = check(client, ("m.xml", INVALID.read_bytes()), profile="national").text
    standard = check(client, ("m.xml", INVALID.read_bytes()), profile="standard").text
    assert "rules: dialog" in national and "rules: standard" in standard
    assert re.search(r'<option value="standard" selected>', standard)
    wrong = check(client, ("m.xml", INVALID.read_bytes()), profile="<b>nowhere</b>")
    assert wrong.status_code == 400 and "&lt;b&gt;nowhere&lt;/b&gt;" in wrong.text and "<b>nowhere" not in wrong.text


def test_everything_the_input_holds_is_escaped(client):
    hostile = FORESPORSEL.read_bytes().replace(
        b"kan dere bekrefte", b"&lt;script&gt;alert(1)&lt;/script&gt; <![CDATA[<img src=x onerror=alert(2)>]]> kan"
    ).replace(b"<MsgId>", b"<MsgId>\"'&gt;&lt;svg onload=alert(3)&gt;")
    assert b"CDATA" in hostile and b"svg" in hostile
    name = '<img src=x onerror=alert(4)>".xml'
    page = check(client, (name, hostile)).text
    for raw in ("<script>alert(1)", "<img src=x", "<svg onload", "onerror=alert(4)>\""):
        assert raw not in page, raw
    assert "&lt;script&gt;alert(1)" in page and "&lt;svg onload=alert(3)&gt;" in page  # as the EPJ shows them
    assert "&amp;lt;script&amp;gt;" in page and "&lt;![CDATA[&lt;img" in page  # as the source holds them
    assert [tag for tag, _ in Elements(page).tags if tag in ("img", "svg")] == []
    assert len(Elements(page).all("script")) == 1


def test_a_long_source_is_shown_around_its_marked_lines(client):
    data = INVALID.read_bytes().replace(b"<MsgInfo>", b"\n" * (MAX_SOURCE_LINES + 500) + b"<MsgInfo>", 1)
    (issue,) = validate(data).issues
    page = check(client, ("long.xml", data)).text
    assert f'id="f1-L{issue.line}"' in page and "lines not shown" in page
    assert 'id="f1-L100"' not in page and 'id="f1-L1"' in page
    assert "(the lines around each issue)" in page


def test_nothing_to_check_and_a_form_too_large_are_said_on_the_page(client):
    empty = client.post("/", data={"pasted": "  ", "profile": "national"})
    assert empty.status_code == 400 and "choose a file, or paste a message" in empty.text
    too_large = client.post("/", files={"files": ("big.xml", b"x" * (PAGE_LIMIT + 1))})
    assert too_large.status_code == 413 and "TOO-LARGE" in too_large.text and "<form" in too_large.text
    assert client.post("/", content=b"x", headers={"content-type": "text/plain"}).status_code == 415
