"""Issue 4, the advice: each warning triggered by a crafted text, reported as a warning that never blocks.

The messages are made with the constructors from the parties of the bundled forespørsel and written with the
builder's rule check on (advice never stops a build); the bundled examples themselves give no warning.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from click.testing import CliRunner
from paths import EXAMPLES

import dmtool
from dmtool import rules
from dmtool.cli import main
from dmtool.dialog import compose
from dmtool.dialog.model import ConversationRef
from dmtool.report import Severity
from dmtool.standards.clock import OSLO
from dmtool.standards.profiles import Settings

REQUEST = dmtool.parse((EXAMPLES / "foresporsel-1.0.xml").read_bytes())
PARTIES: dict[str, Any] = dict(sender=REQUEST.sender, receiver=REQUEST.receiver, patient=REQUEST.patient)
WHEN = dt.datetime(2026, 11, 20, 9, 15, tzinfo=OSLO)
GOOD = (
    "Til hjemmesykepleien. Jeg er lege på lungeavdelingen. Pasienten skrives ut fredag; kan dere bekrefte oppstart "
    "av oksygenbehandling hjemme fra mandag?"
)
THREAD = ConversationRef(REQUEST.msg_id, REQUEST.msg_id)
ADVICE = ("SHORT", "NOT-ACK-ONLY", "NOT-URGENT", "GREETING-AND-IDENTITY", "ONE-PROBLEM-PER-THREAD", "REPLY-DEADLINE")


def foresporsel(text: str, **kwargs: Any) -> bytes:
    return dmtool.to_xml(compose.foresporsel(**PARTIES, text=text, gen_date=WHEN, **kwargs))


def notat(text: str) -> bytes:
    return dmtool.to_xml(compose.notat(**PARTIES, text=text, gen_date=WHEN))


def in_thread(text: str) -> bytes:
    """A helsefaglig reply in a thread: no greeting is expected of it."""
    return dmtool.to_xml(compose.helsefaglig(**PARTIES, text=text, gen_date=WHEN, conversation=THREAD))


def warned(data: bytes, **settings: Any) -> list[str]:
    report = dmtool.validate(data, settings=Settings(**settings))
    assert report.valid and not report.errors, report.issues
    assert all(issue.severity is Severity.WARNING for issue in report.issues)
    return [issue.rule for issue in report.issues]


def test_the_advice_rules_are_warnings():
    for rule_id in ADVICE:
        assert rules.get(rule_id).severity is Severity.WARNING


def test_a_good_text_gives_no_warning():
    assert warned(foresporsel(GOOD)) == []
    assert warned(notat(GOOD)) == []
    assert (
        warned(in_thread("Takk. Vi har hentet oksygenutstyret og starter mandag som avtalt, med kontroll om en uke."))
        == []
    )


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(EXAMPLES.glob("*.xml")) if not p.name.startswith("apprec")],
    ids=lambda p: p.name,
)
def test_bundled_dialog_messages_give_no_warnings(path):
    report = dmtool.validate(path)
    assert report.kind == "msghead" and report.issues == ()


# -- SHORT ------------------------------------------------------------------------------------------------------------


def test_short_warns_above_the_configured_length():
    assert warned(foresporsel(GOOD), short_max_chars=len(GOOD) - 1) == ["SHORT"]
    assert warned(foresporsel(GOOD), short_max_chars=len(GOOD)) == []
    long_text = GOOD + " Blodtrykk 135/85 mmHg, puls 72, SpO2 93 % i hvile." * 50
    assert len(long_text) > 2000
    assert warned(foresporsel(long_text)) == ["SHORT"]


# -- NOT-ACK-ONLY -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["Takk for meldingen, mottatt.", "Ok, det er ordnet.", "Utført.", "Bekrefter mottak. Hilsen Kari"]
)
def test_not_ack_only(text):
    assert "NOT-ACK-ONLY" in warned(in_thread(text))
    assert "NOT-ACK-ONLY" in warned(notat(text))


@pytest.mark.parametrize(
    "text",
    [
        "Mottatt. Kan dere sende epikrisen?",  # a question is more than a receipt
        "Takk for meldingen. " + "Vi har startet behandling med oksygen to liter i minuttet og følger opp. " * 3,
    ],
)
def test_more_than_a_receipt_is_not_ack_only(text):
    assert "NOT-ACK-ONLY" not in warned(in_thread(text))


def test_an_avvik_is_never_ack_only():
    avvik = dmtool.to_xml(compose.avvik(REQUEST, "feil-adressat", "Mottatt, ok.", gen_date=WHEN))
    assert "NOT-ACK-ONLY" not in warned(avvik)


# -- NOT-URGENT -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "addition",
    [" Dette haster!", " Pasienten trenger øyeblikkelig hjelp.", " Akutt forverring i natt.", " Svar snarest."],
)
def test_not_urgent_by_text(addition):
    assert warned(foresporsel(GOOD + addition)) == ["NOT-URGENT"]


def test_not_urgent_by_hastegrad_1():
    assert warned(foresporsel(GOOD, urgency="1")) == ["NOT-URGENT"]
    assert warned(foresporsel(GOOD, urgency="3")) == []
    assert warned(foresporsel(GOOD, urgency="9")) == []


# -- GREETING-AND-IDENTITY --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Kan dere sende blodprøvesvarene?",
        "Hei. Kan dere sende blodprøvesvarene?",  # greets, but says neither who writes nor what it refers to
        "Til hjemmesykepleien. Kan dere sende blodprøvesvarene fra kontrollen?",  # no writer
    ],
)
def test_greeting_and_identity(text):
    assert "GREETING-AND-IDENTITY" in warned(foresporsel(text))
    assert "GREETING-AND-IDENTITY" not in warned(in_thread(text))  # a reply in a thread need not introduce itself


def test_greeting_message_says_what_is_missing():
    report = dmtool.validate(foresporsel("Kan dere sende blodprøvesvarene?"))
    (issue,) = [i for i in report.issues if i.rule == "GREETING-AND-IDENTITY"]
    assert "whom" in issue.message and "who writes" in issue.message and "refers to" in issue.message


# -- ONE-PROBLEM-PER-THREAD -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "addition",
    [
        " Han er også henvist til ortopedisk avdeling, og kardiologisk poliklinikk ønsker EKG.",
        " Spørsmål også om oppfølging ved psykiatrisk poliklinikk og gynekologisk avdeling.",
    ],
)
def test_one_problem_per_thread(addition):
    assert warned(foresporsel(GOOD + addition)) == ["ONE-PROBLEM-PER-THREAD"]


def test_one_fagomrade_is_fine():
    assert warned(foresporsel(GOOD + " Han er også henvist til ortopedisk avdeling.")) == []


# -- on the command line ----------------------------------------------------------------------------------------------

CLI_CASES = [
    ("SHORT", foresporsel(GOOD), ["--short-max-chars", "40"]),
    ("NOT-ACK-ONLY", in_thread("Takk for meldingen, mottatt."), []),
    ("NOT-URGENT", foresporsel(GOOD, urgency="1"), []),
    ("GREETING-AND-IDENTITY", foresporsel("Kan dere sende blodprøvesvarene?"), []),
    ("ONE-PROBLEM-PER-THREAD", foresporsel(GOOD + " Ortopedisk avdeling og kardiologisk poliklinikk."), []),
]


@pytest.mark.parametrize(("rule", "data", "options"), CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_warnings_on_the_command_line_keep_exit_0(tmp_path, rule, data, options):
    target = tmp_path / "m.xml"
    target.write_bytes(data)
    result = CliRunner().invoke(main, ["validate", "--format", "json", *options, str(target)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["valid"] is True
    assert rule in [i["rule"] for i in report["issues"]]
    assert {i["severity"] for i in report["issues"]} == {"warning"}
    text = CliRunner().invoke(main, ["validate", *options, str(target)])
    assert text.exit_code == 0 and f"warning {rule}" in text.stdout and ": valid" in text.stdout
