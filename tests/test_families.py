"""Example tests on real-looking messages of every family dmtool judges (issue 19): Helsenorge's patient dialog, NAV ⇄
behandler dialog, status på henvisning under the standard layer, hospital ⇄ municipality/GP dialog with the address
shapes real EPJs write, made-up codes, and a vendor export holding several messages.

The messages are ours (``fixtures/families``, see its README); ``fixtures/families/manifest.json`` says, per file and
profile, the rule set that must judge it, its verdict, the exact sets of error and warning rule ids, the further
Documents the parser must list, and which issue-19 item each expectation comes from. Every expectation is checked
through ``dmtool validate --format json`` and through the library (:func:`dmtool.validate`), and no report may say
"strict wildcard" (a body dmtool has no schema for is never the sender's XSD error). The receipt
:func:`dmtool.apprec_for` makes must fit the verdict, and the synchronous HentLedigeTimer query gets none.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import xsdgen
from clirun import run
from lxml import etree
from paths import REFERENCE, ROOT

import dmtool
from dmtool.apprec import Party
from dmtool.rules.facts import original_of
from dmtool.standards import ids, profiles
from dmtool.standards import namespaces as ns
from dmtool.standards.profiles import Settings

FAMILIES = ROOT / "fixtures" / "families"
MANIFEST = json.loads((FAMILIES / "manifest.json").read_text(encoding="utf-8"))
ENTRIES: list[dict[str, Any]] = MANIFEST["entries"]
APPREC_NAMESPACES = (ns.APPREC_10, ns.APPREC_11)
#: The one message that takes no AppRec: a synchronous query (Helsenorge's HentLedigeTimer, 7601 HLT).
SYNCHRONOUS = "helsenorge/hent-ledige-timer.xml"
#: What a receiver knows from the transport when the message does not say it: who sent it.
RECEIPT_PARTIES = {"dialog/bad-uten-avsender.xml": Party(name="Medisinsk avdeling", id="4201030", id_type="HER")}


def key(entry: dict[str, Any]) -> str:
    """How an entry is named in test ids: its file and the options it is validated with."""
    options = "".join(
        f" --{option} {entry[option]}" for option in ("profile", "original") if entry.get(option) is not None
    )
    return str(entry["file"]) + options


def cases(aspect: str, entries: list[dict[str, Any]], *interfaces: str) -> list[Any]:
    """One pytest case per entry (and interface) for ``aspect`` (``rules``, ``errors``, ``warnings``, ``wildcard``,
    ``results``, ``parse`` or ``apprec``)."""
    found = []
    for entry in entries:
        for interface in interfaces or ("",):
            name = f"{interface}:{key(entry)}" if interface else key(entry)
            found.append(pytest.param(entry, interface, id=f"{aspect}:{name}"))
    return found


def _path(name: str) -> Path:
    return FAMILIES / name


def _is_apprec(name: str) -> bool:
    root = etree.parse(str(_path(name)), etree.XMLParser(no_network=True, resolve_entities=False)).getroot()
    return etree.QName(root).namespace in APPREC_NAMESPACES


SINGLE = [entry for entry in ENTRIES if "results" not in entry]
MULTI = [entry for entry in ENTRIES if "results" in entry]
PARSED = [entry for entry in SINGLE if "documents" in entry]
RECEIPTED = [entry for entry in SINGLE if not _is_apprec(entry["file"]) and entry["file"] != SYNCHRONOUS]


# -- running dmtool ---------------------------------------------------------------------------------------------------


def _options(entry: dict[str, Any]) -> list[str]:
    options = []
    if entry.get("profile") is not None:
        options += ["--profile", entry["profile"]]
    if entry.get("original") is not None:
        options += ["--original", str(_path(entry["original"]))]
    return options


def _group(entry: dict[str, Any]) -> tuple[str | None, str | None]:
    return entry.get("profile"), entry.get("original")


@functools.cache
def _cli_run(group: tuple[str | None, str | None]) -> tuple[int, tuple[dict[str, Any], ...]]:
    """Exit status and JSON reports of ``dmtool validate --format json [--profile P] [--original O] FILE...`` on the
    files of every entry validated with the same options (one run for them all, in one process)."""
    entries = [entry for entry in ENTRIES if _group(entry) == group]
    files = [str(_path(entry["file"])) for entry in entries]
    ran = run("validate", "--format", "json", "--jobs", "1", *_options(entries[0]), *files, timeout=120)
    assert not ran.timed_out and b"Traceback" not in ran.stderr, ran.stderr.decode(errors="replace")
    return ran.returncode, tuple(json.loads(line) for line in ran.stdout.splitlines() if line.strip())


def _cli_reports(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """The reports ``dmtool validate`` gives for the entry's file: one, or one per message (``FILE#N``)."""
    status, reports = _cli_run(_group(entry))
    assert status == (0 if all(found["valid"] for found in reports) else 1), status
    path = str(_path(entry["file"]))
    return [found for found in reports if found["path"] == path or found["path"].startswith(path + "#")]


@functools.cache
def _library_report(entry_key: str) -> dict[str, Any]:
    """:func:`dmtool.validate` on the entry, with its profile and original, as the JSON shape of its report."""
    entry = next(entry for entry in ENTRIES if key(entry) == entry_key)
    settings = Settings(profile=profiles.get(entry.get("profile") or "national"))
    original = None if entry.get("original") is None else original_of(dmtool.parse(_path(entry["original"])))
    return dmtool.validate(_path(entry["file"]), settings=settings, original=original).to_dict()


def report(entry: dict[str, Any], interface: str) -> dict[str, Any]:
    """The one report of an entry's file, through the ``cli`` or the ``library``."""
    if interface == "library":
        return _library_report(key(entry))
    reports = _cli_reports(entry)
    assert len(reports) == 1, reports
    return reports[0]


def rule_ids(found: dict[str, Any], severity: str) -> list[str]:
    return sorted({issue["rule"] for issue in found["issues"] if issue["severity"] == severity})


def shown(found: dict[str, Any]) -> str:
    return "\n".join(f"  {i['severity']} {i['rule']}: {i['message']}" for i in found["issues"]) or "  (no issues)"


# -- the manifest and the files agree ---------------------------------------------------------------------------------


def test_every_fixture_has_an_expectation_and_every_expectation_a_fixture() -> None:
    files = {path.relative_to(FAMILIES).as_posix() for path in FAMILIES.rglob("*.xml")}
    named = {entry["file"] for entry in ENTRIES} | {e["original"] for e in ENTRIES if e.get("original")}
    assert files == named
    assert len({key(entry) for entry in ENTRIES}) == len(ENTRIES), "an entry is listed twice"
    families = {entry["family"] for entry in ENTRIES}
    assert families == {"helsenorge", "nav", "standard", "dialog", "coded", "multi"}
    for entry in ENTRIES:
        assert entry["file"].startswith(entry["family"] + "/")
        assert entry["profile"] in (None, "nav", "pasientdialog", "standard")
        assert entry["valid"] == (not entry["errors"]) or "results" in entry, key(entry)
        assert all(1 <= item <= 10 for item in entry["items"]) and entry["from"], key(entry)


def test_the_persons_are_synthetic_with_valid_check_digits() -> None:
    """Every fødselsnummer and D-nummer in the messages is made up and passes its check digits, but where the
    expectation is that it does not (the known-bad ones)."""
    wrong = {entry["file"] for entry in ENTRIES if "NO-HJELPENUMMER" in entry["errors"]}
    seen = 0
    for path in sorted(FAMILIES.rglob("*.xml")):
        root = etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False)).getroot()
        for ident in root.iter("{*}Ident"):
            type_id = next((child for child in ident if etree.QName(child).localname == "TypeId"), None)
            number = next((child.text for child in ident if etree.QName(child).localname == "Id"), None)
            if type_id is None or type_id.get("V") not in (ids.FNR, ids.DNR) or number is None:
                continue
            seen += 1
            if path.relative_to(FAMILIES).as_posix() not in wrong:
                assert ids.is_valid(number), (path.name, number)
    assert seen >= 20


def _schema_checked(root: etree._Element) -> Iterator[etree._Element]:
    """Each message in ``root`` (itself or those a wrapper holds) with the Content of further Documents whose
    namespace the reference schemas do not carry emptied: what the reference XSDs can judge."""
    known = {xsdgen.MH, xsdgen.B64, xsdgen.D10, xsdgen.D11}
    messages = [root] if etree.QName(root).localname in ("MsgHead", "AppRec") else list(root.iter("{*}MsgHead"))
    for message in messages:
        message = etree.fromstring(etree.tostring(message))
        for content in message.iter(f"{{{xsdgen.MH}}}Content"):
            for child in list(content):
                if etree.QName(child).namespace not in known:
                    content.remove(child)
        yield message


@pytest.mark.skipif(not (REFERENCE / "xsd").is_dir(), reason=f"reference schemas not found at {REFERENCE}")
@pytest.mark.parametrize("name", sorted({entry["file"] for entry in ENTRIES}))
def test_the_messages_are_schema_valid_where_real_ones_are(name: str) -> None:
    """Envelope and Dialogmelding (or AppRec) pass the official XSDs, but where a message is known-bad by its
    schema (``XSD`` expected); the further Documents are of schemas the reference set does not hold."""
    expected_xsd = any("XSD" in entry["errors"] for entry in ENTRIES if entry["file"] == name)
    root = etree.parse(str(_path(name)), etree.XMLParser(no_network=True, resolve_entities=False)).getroot()
    verdicts = []
    for message in _schema_checked(root):
        namespace = etree.QName(message).namespace
        set_name = {ns.APPREC_10: "apprec-1.0", ns.APPREC_11: "apprec-1.1"}.get(namespace or "", "msghead")
        verdicts.append(xsdgen.validate(xsdgen.reference_lxml(set_name), etree.tostring(message)))
    assert verdicts
    assert all(ok for ok, _ in verdicts) != expected_xsd, verdicts


# -- verdicts ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("entry", "interface"), cases("rules", SINGLE, "cli", "library"))
def test_the_rule_set_that_judges_it(entry: dict[str, Any], interface: str) -> None:
    assert report(entry, interface)["rules"] == entry["rules"]


@pytest.mark.parametrize(("entry", "interface"), cases("errors", SINGLE, "cli", "library"))
def test_its_verdict_and_errors(entry: dict[str, Any], interface: str) -> None:
    found = report(entry, interface)
    assert (found["valid"], rule_ids(found, "error")) == (entry["valid"], entry["errors"]), shown(found)
    for rule, words in entry.get("says", {}).items():
        said = [issue["message"] for issue in found["issues"] if issue["rule"] == rule]
        assert any(words in message for message in said), (rule, words, said)


@pytest.mark.parametrize(("entry", "interface"), cases("warnings", SINGLE, "cli", "library"))
def test_its_warnings(entry: dict[str, Any], interface: str) -> None:
    found = report(entry, interface)
    assert rule_ids(found, "warning") == entry["warnings"], shown(found)


@pytest.mark.parametrize(("entry", "interface"), cases("wildcard", SINGLE, "cli", "library"))
def test_no_report_blames_a_body_without_a_schema_on_the_sender(entry: dict[str, Any], interface: str) -> None:
    found = report(entry, interface)
    assert not [issue for issue in found["issues"] if "strict wildcard" in issue["message"]], shown(found)


@pytest.mark.parametrize(("entry", "interface"), cases("results", MULTI, "cli"))
def test_several_messages_in_one_file_give_one_result_each(entry: dict[str, Any], interface: str) -> None:
    reports = _cli_reports(entry)
    path = str(_path(entry["file"]))
    assert [found["path"] for found in reports] == [f"{path}#{n}" for n in range(1, len(entry["results"]) + 1)]
    for found, expected in zip(reports, entry["results"], strict=True):
        verdict = {
            "rules": found["rules"],
            "valid": found["valid"],
            "errors": rule_ids(found, "error"),
            "warnings": rule_ids(found, "warning"),
        }
        assert verdict == expected, shown(found)
        assert not [issue for issue in found["issues"] if "strict wildcard" in issue["message"]]


# -- parsing ----------------------------------------------------------------------------------------------------------


def _plain(value: object) -> object:
    """A parsed model as plain data (dicts, lists, strings), whatever its classes."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value if value is None or isinstance(value, bool | int | float) else str(value)


def _listings(data: object, namespace: str) -> Iterator[object]:
    """Each place in parsed ``data`` that lists a Document of ``namespace``: an object with the namespace as one of
    its values, or a text that names it."""
    if isinstance(data, dict):
        if namespace in data.values():
            yield data
        for value in data.values():
            yield from _listings(value, namespace)
    elif isinstance(data, list):
        for item in data:
            yield from _listings(item, namespace)
    elif isinstance(data, str) and namespace in data:
        yield data


def assert_lists_documents(data: object, documents: list[dict[str, str]]) -> None:
    """``data`` (a parsed message) lists each further Document: its namespace, as often as it comes, and its MIME
    type where the message gives one."""
    for namespace in {document["namespace"] for document in documents}:
        expected = [document for document in documents if document["namespace"] == namespace]
        found = list(_listings(data, namespace))
        assert len(found) >= len(expected), (namespace, found)
        for mime in {document["mime"] for document in expected if "mime" in document}:
            assert any(mime in (place.values() if isinstance(place, dict) else str(place)) for place in found), (
                namespace,
                mime,
                found,
            )


@pytest.mark.parametrize(("entry", "interface"), cases("parse", PARSED, "cli", "library"))
def test_a_valid_message_parses_and_its_further_documents_are_listed(entry: dict[str, Any], interface: str) -> None:
    if interface == "cli":
        ran = run("parse", "--format", "json", str(_path(entry["file"])), timeout=60)
        assert ran.returncode == 0, ran.stdout.decode(errors="replace") + ran.stderr.decode(errors="replace")
        data: object = json.loads(ran.stdout)
    else:
        data = _plain(dmtool.parse(_path(entry["file"])))
    assert_lists_documents(data, entry["documents"])


# -- receipts ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("entry", "interface"), cases("apprec", RECEIPTED))
def test_the_receipt_fits_the_verdict(entry: dict[str, Any], interface: str) -> None:
    """:func:`dmtool.apprec_for` says OK for a valid message, OK-feil-i-delmelding when only attachments were
    refused, Avvist otherwise; never T02 but for a schema error the message has."""
    settings = Settings(profile=profiles.get(entry.get("profile") or "national"))
    receipt = dmtool.apprec_for(_path(entry["file"]), settings=settings, receiver=RECEIPT_PARTIES.get(entry["file"]))
    errors = [error.code for error in receipt.errors]
    expected = "1" if entry["valid"] else "3" if set(entry["errors"]) == {"NO-ATTACHMENTS"} else "2"
    assert receipt.status == expected, errors
    assert ("T02" in errors) == ("XSD" in entry["errors"]), errors


def test_a_synchronous_query_gets_no_receipt() -> None:
    """HentLedigeTimer is answered at once (SvarLedigeTimer) and takes no AppRec: ``dmtool apprec`` says so and
    writes none."""
    ran = run("apprec", str(_path(SYNCHRONOUS)), timeout=60)
    assert b"Traceback" not in ran.stderr
    assert not ran.stdout.lstrip().startswith(b"<"), "no receipt is written"
    assert ran.returncode == 1 and b"no receipt is sent" in ran.stderr and b"synchronous" in ran.stderr
