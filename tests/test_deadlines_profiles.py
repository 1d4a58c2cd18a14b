"""Issue 4, reply deadlines, regional profiles and the settings file.

Reply deadlines are checked against dates worked out by hand from the Norwegian calendar, and, as a property, against
an independent computation of the public holidays (Easter by the Gregorian computus).
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import EXAMPLES

import dmtool
from dmtool import config, rules
from dmtool.cli import main
from dmtool.dialog import compose
from dmtool.dialog.model import Organisation
from dmtool.report import Severity
from dmtool.standards import deadlines, profiles
from dmtool.standards.clock import OSLO
from dmtool.standards.profiles import Settings
from dmtool.testing import strategies as dms

FORESPORSEL = (EXAMPLES / "foresporsel-1.0.xml").read_bytes()  # GenDate Friday 2026-11-20 09:15 +01:00
HELSEFAGLIG = (EXAMPLES / "helsefaglig-1.1.xml").read_bytes()
NOTAT = (EXAMPLES / "notat-1.0-latin1.xml").read_bytes()
GEN_DATE = b"<GenDate>2026-11-20T09:15:00+01:00</GenDate>"
PROFILE_RULES = {"TIME-WINDOW", "RECIPIENT-ALLOWED"}
UTC = dt.UTC


def at(data: bytes, gen_date: str) -> bytes:
    assert data.count(GEN_DATE) == 1
    return data.replace(GEN_DATE, f"<GenDate>{gen_date}</GenDate>".encode())


def rule_ids(data: bytes, **settings: Any) -> list[str]:
    return [issue.rule for issue in dmtool.validate(data, settings=Settings(**settings)).issues]


def run(*args: str | Path):
    return CliRunner().invoke(main, [str(arg) for arg in args])


# -- reply deadlines --------------------------------------------------------------------------------------------------


def oslo(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=OSLO)


DEADLINES = [
    # Easter 2026: Skjærtorsdag 2 April, Langfredag 3 April, 2. påskedag 6 April
    ("Monday before Easter", oslo(2026, 3, 30, 10, 0), "national", dt.date(2026, 4, 9)),
    ("Wednesday before Easter", oslo(2026, 4, 1, 10, 0), "national", dt.date(2026, 4, 13)),
    ("pasientdialog across Easter", oslo(2026, 3, 30, 10, 0), "pasientdialog", dt.date(2026, 4, 8)),
    # Christmas 2025 (Thursday 25, Friday 26; 24 and 31 December are working days) and New Year
    ("Christmas", oslo(2025, 12, 22, 9, 0), "national", dt.date(2025, 12, 31)),
    ("New Year", oslo(2025, 12, 30, 9, 0), "national", dt.date(2026, 1, 7)),
    ("Christmas 2026 falls on Friday and Saturday", oslo(2026, 12, 22, 9, 0), "national", dt.date(2026, 12, 30)),
    # Spring 2024: 1 May Wednesday, Ascension 9 May, 17 May Friday, Whit Monday 20 May
    ("1 May", oslo(2024, 4, 29, 12, 0), "national", dt.date(2024, 5, 7)),
    ("Ascension", oslo(2024, 5, 7, 12, 0), "national", dt.date(2024, 5, 15)),
    ("17 May and Whit Monday", oslo(2024, 5, 14, 12, 0), "national", dt.date(2024, 5, 23)),
    ("Ascension 2026", oslo(2026, 5, 11, 12, 0), "national", dt.date(2026, 5, 19)),
    ("Whit Monday 2026", oslo(2026, 5, 20, 12, 0), "national", dt.date(2026, 5, 28)),
    # weekends only
    ("Friday", oslo(2026, 11, 20, 9, 15), "national", dt.date(2026, 11, 27)),
    ("Saturday", oslo(2026, 11, 21, 9, 15), "national", dt.date(2026, 11, 27)),
    ("Sunday", oslo(2026, 11, 22, 23, 59), "national", dt.date(2026, 11, 27)),
    ("Monday", oslo(2026, 11, 23, 0, 0), "national", dt.date(2026, 11, 30)),
    ("pasientdialog Friday", oslo(2026, 11, 20, 9, 15), "pasientdialog", dt.date(2026, 11, 26)),
    # late evening in UTC is the next day in Oslo (summer time from 29 March 2026, winter time in November)
    (
        "UTC Sunday evening is Oslo Monday",
        dt.datetime(2026, 3, 29, 22, 30, tzinfo=UTC),
        "national",
        dt.date(2026, 4, 9),
    ),
    (
        "UTC Thursday night is Oslo Friday",
        dt.datetime(2026, 11, 19, 23, 30, tzinfo=UTC),
        "national",
        dt.date(2026, 11, 27),
    ),
    (
        "UTC Thursday evening is still Thursday",
        dt.datetime(2026, 11, 19, 22, 59, tzinfo=UTC),
        "national",
        dt.date(2026, 11, 26),
    ),
    ("offset-less is Oslo time", dt.datetime(2026, 11, 19, 23, 30), "national", dt.date(2026, 11, 26)),
]


@pytest.mark.parametrize(("case", "sent", "profile", "expected"), DEADLINES, ids=[c[0] for c in DEADLINES])
def test_reply_deadline(case, sent, profile, expected):
    assert deadlines.reply_deadline(sent, profile) == expected
    assert deadlines.reply_deadline(sent, profiles.get(profile)) == expected
    assert deadlines.is_working_day(expected)


def test_reply_deadline_of_a_message_and_in_the_report():
    message = dmtool.parse(FORESPORSEL)
    assert deadlines.reply_deadline(message) == dt.date(2026, 11, 27)
    assert dmtool.validate(FORESPORSEL).reply_by == dt.date(2026, 11, 27)
    late = at(FORESPORSEL, "2026-11-19T23:30:00Z")  # Friday 00:30 in Oslo
    assert dmtool.validate(late).reply_by == dt.date(2026, 11, 27)
    assert dmtool.validate(at(FORESPORSEL, "2026-03-30T10:00:00")).reply_by == dt.date(2026, 4, 9)
    assert dmtool.validate(FORESPORSEL, settings=Settings(profile=profiles.get("pasientdialog"))).reply_by == dt.date(
        2026, 11, 26
    )


def easter(year: int) -> dt.date:
    """Easter Sunday (anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return dt.date(year, month, day + 1)


def norwegian_holidays(year: int) -> set[dt.date]:
    sunday = easter(year)
    movable = {sunday + dt.timedelta(days=d) for d in (-3, -2, 0, 1, 39, 49, 50)}
    fixed = {dt.date(year, m, d) for m, d in ((1, 1), (5, 1), (5, 17), (12, 25), (12, 26))}
    return movable | fixed


def working_days_after(start: dt.date, count: int) -> dt.date:
    day, left = start, count
    while left:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in norwegian_holidays(day.year):
            left -= 1
    return day


def test_easter_computus():
    assert [easter(y) for y in (2024, 2025, 2026, 2027)] == [
        dt.date(2024, 3, 31),
        dt.date(2025, 4, 20),
        dt.date(2026, 4, 5),
        dt.date(2027, 3, 28),
    ]


@settings(max_examples=150)
@given(st.dates(dt.date(1990, 1, 1), dt.date(2090, 12, 31)), st.integers(1, 10))
def test_working_days_agree_with_an_independent_calendar(start, count):
    assert deadlines.add_working_days(start, count) == working_days_after(start, count)
    assert deadlines.is_working_day(start) == (start.weekday() < 5 and start not in norwegian_holidays(start.year))


@settings(max_examples=100)
@given(dms.gen_dates(), st.sampled_from(["national", "pasientdialog"]))
def test_reply_deadline_counts_working_days_from_the_oslo_date(sent, profile):
    due = deadlines.reply_deadline(sent, profile)
    days = profiles.get(profile).reply_days
    assert due == working_days_after(sent.astimezone(OSLO).date(), days)
    assert days == (4 if profile == "pasientdialog" else 5)


def test_validate_text_shows_reply_by_for_a_forespørsel_only():
    result = run("validate", EXAMPLES / "foresporsel-1.0.xml", EXAMPLES / "notat-1.0-latin1.xml")
    assert result.exit_code == 0, result.output
    request, note = result.stdout.splitlines()[:2]
    assert "DIALOG_FORESPORSEL" in request and "reply by 2026-11-27" in request
    assert "DIALOG_NOTAT" in note and "reply by" not in note
    result = run("validate", "--profile", "pasientdialog", EXAMPLES / "foresporsel-1.0.xml")
    assert "reply by 2026-11-26" in result.stdout


def test_validate_json_has_reply_by_for_a_forespørsel_and_null_otherwise():
    result = run("validate", "--format", "json", EXAMPLES)
    assert result.exit_code == 0, result.output
    reports = {json.loads(line)["path"].rsplit("/", 1)[-1]: json.loads(line) for line in result.stdout.splitlines()}
    assert reports["foresporsel-1.0.xml"]["reply_by"] == "2026-11-27"
    assert reports["wrapped-fellesformat.xml"]["reply_by"] == "2026-11-27"
    for name in ("helsefaglig-1.1.xml", "notat-1.0-latin1.xml", "apprec-1.0-ok.xml", "apprec-1.1-avvist.xml"):
        assert "reply_by" in reports[name] and reports[name]["reply_by"] is None, name


# -- profiles ---------------------------------------------------------------------------------------------------------


def profile(name: str, **values: Any) -> dict[str, Any]:
    return {"profile": profiles.get(name), **values}


LAB = FORESPORSEL.replace(
    b"<OrganisationName>Fjordby kommune</OrganisationName>", b"<OrganisationName>Fjordby sykehus HF</OrganisationName>"
).replace(
    b"<OrganisationName>Hjemmesykepleie</OrganisationName>",
    b"<OrganisationName>Laboratorium for medisinsk biokjemi</OrganisationName>",
)
RADIOLOGY = LAB.replace(b"Laboratorium for medisinsk biokjemi", b"Radiologisk avdeling")


@pytest.mark.parametrize(
    ("last_contact", "expected"),
    [
        (dt.date(2026, 10, 19), ["TIME-WINDOW"]),  # dialog allowed until 2026-11-19
        (dt.date(2026, 10, 20), []),  # until 2026-11-20, the GenDate
        (dt.date(2026, 11, 1), []),
        (dt.date(2025, 1, 1), ["TIME-WINDOW"]),
        (None, []),  # not given: not checked
    ],
)
def test_oslo_one_month_after_the_last_contact(last_contact, expected):
    assert rule_ids(FORESPORSEL, **profile("oslo", last_contact=last_contact)) == expected


def test_oslo_month_end():
    jan_31 = profile("oslo", last_contact=dt.date(2026, 1, 31))
    assert rule_ids(at(FORESPORSEL, "2026-02-28T12:00:00+01:00"), **jan_31) == []
    assert rule_ids(at(FORESPORSEL, "2026-03-01T12:00:00+01:00"), **jan_31) == ["TIME-WINDOW"]


@settings(max_examples=60)
@given(
    st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2090, 1, 1), timezones=st.just(OSLO), allow_imaginary=False),
    st.integers(-70, 70),
)
def test_oslo_time_window_property(sent, days_back):
    last_contact = sent.date() - dt.timedelta(days=31 + days_back)
    data = at(FORESPORSEL, sent.isoformat())
    month_later = (last_contact.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    try:
        limit = month_later.replace(day=last_contact.day)
    except ValueError:  # a shorter month: its last day
        limit = (month_later + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
    expected = ["TIME-WINDOW"] if sent.date() > limit else []
    assert rule_ids(data, **profile("oslo", last_contact=last_contact)) == expected


def test_oslo_time_window_uses_the_oslo_date():
    """GenDate 2026-11-19T23:30:00Z is Friday 2026-11-20 00:30 in Oslo, one day after the window closed (deadlines
    count from the Oslo date too). Fails until checks.time_window uses the Oslo date."""
    closed = profile("oslo", last_contact=dt.date(2026, 10, 19))
    assert rule_ids(at(FORESPORSEL, "2026-11-20T00:30:00+01:00"), **closed) == ["TIME-WINDOW"]
    assert rule_ids(at(FORESPORSEL, "2026-11-19T23:30:00Z"), **closed) == ["TIME-WINDOW"]


def test_vestre_viken_twelve_months_and_gps_only():
    assert rule_ids(NOTAT, **profile("vestre-viken", last_contact=dt.date(2025, 11, 18))) == ["TIME-WINDOW"]
    assert rule_ids(NOTAT, **profile("vestre-viken", last_contact=dt.date(2025, 11, 19))) == []
    # the example forespørsel goes to a municipal service (Fjordby kommune, Hjemmesykepleie)
    assert rule_ids(FORESPORSEL, **profile("vestre-viken")) == ["RECIPIENT-ALLOWED"]
    assert rule_ids(NOTAT, **profile("vestre-viken")) == []


@pytest.mark.parametrize("data", [LAB, RADIOLOGY], ids=["laboratory", "radiology"])
def test_bergen_no_laboratory_or_radiology_unless_admitted(data):
    assert rule_ids(data, **profile("bergen")) == ["RECIPIENT-ALLOWED"]
    assert rule_ids(data, **profile("bergen", admitted=False)) == ["RECIPIENT-ALLOWED"]
    assert rule_ids(data, **profile("bergen", admitted=True)) == []
    assert rule_ids(FORESPORSEL, **profile("bergen")) == []


def test_ostfold_only_while_admitted():
    assert rule_ids(FORESPORSEL, **profile("ostfold", admitted=False)) == ["TIME-WINDOW"]
    assert rule_ids(FORESPORSEL, **profile("ostfold", admitted=True)) == []
    assert rule_ids(FORESPORSEL, **profile("ostfold")) == []


@settings(max_examples=40)
@given(
    dms.messages(),
    st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1))),
    st.sampled_from([None, True, False]),
)
def test_national_never_reports_profile_rules(message, last_contact, admitted):
    data = dmtool.to_xml(message)
    for name in ("national", "pasientdialog"):
        found = rule_ids(data, **profile(name, last_contact=last_contact, admitted=admitted))
        assert not PROFILE_RULES & set(found)
    for data in (LAB, FORESPORSEL):
        assert not PROFILE_RULES & set(rule_ids(data, last_contact=last_contact, admitted=admitted))


def cli_rules(*args: Any) -> tuple[int, list[str]]:
    result = run("validate", "--format", "json", *args)
    (report,) = [json.loads(line) for line in result.stdout.splitlines()]
    return result.exit_code, [issue["rule"] for issue in report["issues"]]


def test_profile_options_on_the_command_line(tmp_path):
    request, lab = tmp_path / "f.xml", tmp_path / "lab.xml"
    request.write_bytes(FORESPORSEL)
    lab.write_bytes(LAB)
    assert cli_rules("--profile", "oslo", "--last-contact", "2026-09-30", request) == (1, ["TIME-WINDOW"])
    assert cli_rules("--profile", "oslo", "--last-contact", "2026-11-01", request) == (0, [])
    assert cli_rules("--profile", "vestre-viken", request) == (1, ["RECIPIENT-ALLOWED"])
    assert cli_rules("--profile", "bergen", lab) == (1, ["RECIPIENT-ALLOWED"])
    assert cli_rules("--profile", "bergen", "--admitted", lab) == (0, [])
    assert cli_rules("--profile", "ostfold", "--not-admitted", request) == (1, ["TIME-WINDOW"])
    assert cli_rules("--profile", "ostfold", "--admitted", request) == (0, [])
    assert cli_rules("--last-contact", "2000-01-01", "--not-admitted", lab) == (0, [])  # national
    assert run("validate", "--profile", "nowhere", request).exit_code == 2
    assert run("validate", "--last-contact", "yesterday", request).exit_code == 2


# -- the settings file ------------------------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder with the example forespørsel as f.xml, as the working folder."""
    (tmp_path / "f.xml").write_bytes(FORESPORSEL)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_pyproject_chooses_the_profile_and_the_command_line_wins(project):
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.dmtool]\nprofile = "oslo"\n')
    assert config.load().profile.name == "oslo"
    assert cli_rules("--last-contact", "2026-09-30", "f.xml") == (1, ["TIME-WINDOW"])
    assert cli_rules("--profile", "national", "--last-contact", "2026-09-30", "f.xml") == (0, [])


def test_dmtool_toml_is_read_first_and_found_from_a_subfolder(project, monkeypatch):
    (project / "pyproject.toml").write_text('[tool.dmtool]\nprofile = "oslo"\n')
    (project / "dmtool.toml").write_text('profile = "ostfold"\n')
    assert cli_rules("--not-admitted", "f.xml") == (1, ["TIME-WINDOW"])
    assert cli_rules("--last-contact", "2026-09-30", "f.xml") == (0, [])  # ostfold, not oslo
    (project / "sub").mkdir()
    monkeypatch.chdir(project / "sub")
    assert config.load().profile.name == "ostfold"
    assert cli_rules("--not-admitted", "../f.xml") == (1, ["TIME-WINDOW"])


def test_pyproject_without_a_dmtool_table_is_passed_over(project):
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')
    found = config.find(project)
    assert found is None or found[0].parent != project
    assert cli_rules("--last-contact", "2000-01-01", "f.xml") == (0, [])


def test_thresholds_from_the_file_and_the_command_line(project):
    (project / "dmtool.toml").write_text("short_max_chars = 50\nack_only_max_chars = 10\n")
    loaded = config.load()
    assert (loaded.short_max_chars, loaded.ack_only_max_chars, loaded.profile.name) == (50, 10, "national")
    assert cli_rules("f.xml") == (0, ["SHORT"])
    assert cli_rules("--short-max-chars", "5000", "f.xml") == (0, [])


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("colour = 1\n", "unknown key 'colour'"),
        ('short_max_chars = "many"\n', "short_max_chars"),
        ("short_max_chars = true\n", "short_max_chars"),
        ("profile = 3\n", "profile"),
        ('profile = "nowhere"\n', "unknown profile 'nowhere'"),
        ("short_max_chars = 0\n", "at least 1"),
        ("ack_only_max_chars = -5\n", "at least 1"),
        ("profile = [\n", "cannot read"),
        # written as in the file, never as Python shows it
        ('short_max_chars = "many"\n', 'got "many"'),
        ("synthetic_ids = 1979-05-27T07:32:00Z\n", "got 1979-05-27T07:32:00+00:00"),
        ("profile = 07:32:00\n", "got 07:32:00"),
        ("short_max_chars = 1979-05-27\n", "got 1979-05-27"),
        ('profile = ["oslo", 2, true, 1.5]\n', 'got ["oslo", 2, true, 1.5]'),
        ('profile = { name = "oslo", on = false }\n', 'got {name = "oslo", on = false}'),
        ("synthetic_ids = 1\n", "got 1"),
    ],
)
@pytest.mark.parametrize("file_name", ["dmtool.toml", "pyproject.toml"])
def test_bad_settings_file_exits_2_naming_the_file(project, file_name, text, words):
    (project / file_name).write_text(("[tool.dmtool]\n" if file_name == "pyproject.toml" else "") + text)
    result = run("validate", "f.xml")
    assert result.exit_code == 2
    assert str(project / file_name) in result.stderr and words in result.stderr
    assert "Traceback" not in result.output and "datetime" not in result.stderr and "{'" not in result.stderr


def test_the_holiday_table_is_what_the_holidays_package_says() -> None:
    """src/dmtool/standards/holidays_no.json is up to date (python tools/make_holidays.py writes it)."""
    from importlib import resources

    from dmtool.standards import deadlines

    stored = resources.files("dmtool.standards").joinpath("holidays_no.json").read_text()
    assert stored == deadlines.holiday_table_json(), "run python tools/make_holidays.py"
    assert deadlines.package_holidays(2300) == deadlines._norwegian_holidays(2300)


def test_an_unknown_profile_name_is_a_value_error_naming_the_choices() -> None:
    with pytest.raises(ValueError, match="unknown profile 'nope'; choose one of national"):
        deadlines.reply_deadline(dt.datetime(2026, 11, 24, 10, tzinfo=OSLO), "nope")


# -- the regions' lists: RECIPIENT-LISTED, ostfold's parties in RECIPIENT-ALLOWED, STANDARD-REPLY ---------------------

#: The profile rules added for the regions' lists, and every rule that applies only under some profiles.
LIST_RULES = {"RECIPIENT-LISTED", "STANDARD-REPLY"}
ALL_PROFILE_RULES = {rule.id for rule in rules.RULES if rule.profiles}
SENDER_NAMES = (
    b"<OrganisationName>Fjordby sykehus HF</OrganisationName>",
    b"<OrganisationName>Lungesykdommer</OrganisationName>",
)
RECEIVER_NAMES = (
    b"<OrganisationName>Fjordby kommune</OrganisationName>",
    b"<OrganisationName>Hjemmesykepleie</OrganisationName>",
)


def between(sender: tuple[str, str], receiver: tuple[str, str], data: bytes = FORESPORSEL) -> bytes:
    """The example forespørsel with the sender's and the receiver's two levels renamed (outer, inner)."""
    olds = SENDER_NAMES + RECEIVER_NAMES
    for number, old in enumerate(olds):  # placeholders first: a new name may be an old one
        assert data.count(old) == 1
        data = data.replace(old, f"<OrganisationName>{{{number}}}</OrganisationName>".encode())
    for number, new in enumerate(sender + receiver):
        data = data.replace(f"{{{number}}}".encode(), new.encode())
    return data


@st.composite
def spelled(draw: st.DrawFn, name: str) -> str:
    """``name`` as a real message may write it: any case, runs of spaces, spaces around it."""
    letters = [char.upper() if draw(st.booleans()) else char.lower() for char in name]
    text = "".join(letters)
    text = text.replace(" ", " " * draw(st.integers(1, 3)))
    return " " * draw(st.integers(0, 2)) + text + " " * draw(st.integers(0, 2))


def listed_rules(data: bytes, name: str, **values: Any) -> list[str]:
    return [rule for rule in rule_ids(data, **profile(name, **values)) if rule in ALL_PROFILE_RULES]


OUS = ("Oslo universitetssykehus HF", "OUS")
OUS_NOT_LISTED = ["Akuttmottak", "Sengepost 5 øst", "Kardiologisk avdeling", "Oslo universitetssykehus HF"]


@settings(max_examples=40)
@given(st.sampled_from(profiles.OUS_SERVICES), st.sampled_from(OUS), st.data())
def test_oslo_messages_to_ous_go_to_a_listed_service(service, ous, data):
    """Seed 000, appendix: every OUS service a message can be addressed to; any case and spacing."""
    to_service = between(
        ("Oslo kommune", "Sykepleietjeneste"), (data.draw(spelled(ous)), data.draw(spelled(service.name)))
    )
    assert listed_rules(to_service, "oslo") == []
    elsewhere = between(("Oslo kommune", "Sykepleietjeneste"), (ous, data.draw(st.sampled_from(OUS_NOT_LISTED))))
    assert listed_rules(elsewhere, "oslo") == ["RECIPIENT-LISTED"]
    for name in ("national", "bergen", "vestre-viken", "ostfold", "pasientdialog"):
        assert "RECIPIENT-LISTED" not in listed_rules(elsewhere, name)


@settings(max_examples=40)
@given(st.sampled_from(profiles.OSLO_KOMMUNE_SERVICES), st.data())
def test_oslo_messages_from_ous_to_oslo_kommune_go_to_a_listed_service(service, data):
    """Seed 000, appendix: the services OUS addresses in Oslo kommune (with their TJE codes in the warning);
    physicians (fastleger, kommunale leger) are also in the guideline."""
    sender = ("Oslo universitetssykehus HF", "Lungesykdommer")
    assert listed_rules(between(sender, ("Oslo kommune", data.draw(spelled(service.name)))), "oslo") == []
    assert listed_rules(between(sender, ("OSLO  KOMMUNE", "Sykehjemsetaten legetjeneste")), "oslo") == []
    nursing_home = between(sender, ("Oslo kommune", "Hjemmesykepleie"))
    report = dmtool.validate(nursing_home, settings=Settings(**profile("oslo")))
    (issue,) = report.issues
    assert issue.rule == "RECIPIENT-LISTED" and "Sykepleietjeneste (TJE102287)" in issue.message
    assert issue.line is not None
    assert listed_rules(nursing_home, "national") == []
    # the list is OUS's: not for another sender, nor for another municipality
    assert (
        listed_rules(between(("Fjordby sykehus HF", "Lungesykdommer"), ("Oslo kommune", "Hjemmesykepleie")), "oslo")
        == []
    )
    assert listed_rules(between(sender, ("Bærum kommune", "Hjemmesykepleie")), "oslo") == []


@settings(max_examples=40)
@given(
    st.sampled_from(profiles.BERGEN_MUNICIPAL_SERVICES),
    st.sampled_from(["Helse Bergen HF", "Haukeland universitetssjukehus"]),
    st.data(),
)
def test_bergen_messages_to_the_municipality_go_to_a_listed_service(service, hospital, data):
    """Seed 001 §7: the service addresses out to the municipalities, either spelling of the nursing service."""
    sender = (data.draw(spelled(hospital)), "Lungesykdommer")
    assert listed_rules(between(sender, ("Bergen kommune", data.draw(spelled(service.name)))), "bergen") == []
    assert listed_rules(between(sender, ("Askøy kommune", "Sykepleietjeneste")), "bergen") == []
    assert listed_rules(between(sender, ("Askøy kommune", "Sykepleie tjeneste")), "bergen") == []
    assert listed_rules(between(sender, ("Bergen kommune", "Fjordby legekontor")), "bergen") == []  # a GP
    wrong = between(
        sender,
        ("Bergen kommune", data.draw(st.sampled_from(["Hjemmesykepleie", "Tildelingskontoret", "Bergen kommune"]))),
    )
    assert listed_rules(wrong, "bergen") == ["RECIPIENT-LISTED"]
    assert listed_rules(wrong, "bergen", admitted=True) == ["RECIPIENT-LISTED"]
    assert listed_rules(wrong, "national") == []
    # the example's sender is no Helse Bergen hospital: not checked (as before)
    assert listed_rules(FORESPORSEL, "bergen") == []


VESTRE_VIKEN = [
    (hospital, service) for hospital, services in profiles.VESTRE_VIKEN_FAGOMRADER.items() for service in services
]


@settings(max_examples=40)
@given(st.sampled_from(VESTRE_VIKEN), st.data())
def test_vestre_viken_messages_go_to_a_listed_fagområde_of_the_hospital(pair, data):
    """Seed 002: the fagområder of each hospital that currently receive dialog messages."""
    hospital, service = pair
    gp = ("Kattskinnet legesenter", "Fastlege Ola Hansen")
    assert (
        listed_rules(between(gp, (data.draw(spelled(hospital)), data.draw(spelled(service.name)))), "vestre-viken")
        == []
    )
    assert listed_rules(between(gp, ("Vestre Viken HF", service.name)), "vestre-viken") == []
    assert listed_rules(between(gp, (hospital, "Akuttmottak")), "vestre-viken") == ["RECIPIENT-LISTED"]
    assert listed_rules(between(gp, (hospital, "Akuttmottak")), "national") == []


def test_vestre_viken_fagområder_are_per_hospital():
    gp = ("Kattskinnet legesenter", "Fastlege Ola Hansen")
    assert listed_rules(between(gp, ("Ringerike sykehus", "Ortopedisk kirurgi")), "vestre-viken") == []
    assert listed_rules(between(gp, ("Bærum sykehus", "Ortopedisk kirurgi")), "vestre-viken") == ["RECIPIENT-LISTED"]
    assert listed_rules(between(gp, ("Sykehuset i Drammen", "Indremedisinsk poliklinikk")), "vestre-viken") == []
    assert listed_rules(between(gp, ("Vestre Viken HF", "Kirurgi")), "vestre-viken") == []  # listed at Ringerike
    assert listed_rules(between(gp, ("Vestre Viken HF", "Urologi")), "vestre-viken") == ["RECIPIENT-LISTED"]
    # Bærum kommune is not Bærum sykehus
    assert listed_rules(between(gp, ("Bærum kommune", "Akuttmottak")), "vestre-viken") == ["RECIPIENT-ALLOWED"]


SO = "Sykehuset Østfold HF"
OSTFOLD_RECEPTIONS = ["Somatikk PLO meldingsmottak", "Psykiatri PLO-meldingsmottak", "PLO mottak somatikk"]
OSTFOLD_MUNICIPAL = ["Saksbehandling", "Sykepleietjeneste", "Legetjeneste", "Hjemmesykepleie", "Tildelingskontoret",
                     "Fjordby legekontor", "Tjenestekontoret", "Forvaltningskontoret", "Hjemmebaserte tjenester",
                     "Kommuneoverlegen"]  # fmt: skip


@settings(max_examples=40)
@given(
    st.sampled_from(OSTFOLD_RECEPTIONS),
    st.sampled_from(OSTFOLD_MUNICIPAL),
    st.sampled_from(["Lungesykdommer", "Akuttmottak", "Sengepost 5 øst"]),
    st.sampled_from(["Fysioterapitjenesten", "Helsestasjon for ungdom", "Korttidsavdeling"]),
    st.booleans(),
    st.data(),
)
def test_ostfold_dialog_only_between_plo_receptions_and_municipal_services(
    reception, municipal, ward, other, to_so, data
):
    """Seed 003: "skal kun benyttes mellom kommunehelsetjenesten (saksbehandling / sykepleietjeneste / legetjeneste)
    og sykehuset (Somatikk plo meldingsmottak / Psykiatri plo meldingsmottak)", either way round. The hospital's side
    is an error (its receptions are named so); the municipal side is advice, since an office's name does not always
    say what it does (review found Tjenestekontoret, Forvaltningskontoret and Kommuneoverlegen refused as errors)."""

    def message(so_unit: str, municipal_unit: str) -> bytes:
        so_side = (data.draw(spelled(SO)), so_unit)
        municipal_side = ("Fjordby kommune", municipal_unit)
        return between(municipal_side, so_side) if to_so else between(so_side, municipal_side)

    assert listed_rules(message(data.draw(spelled(reception)), municipal), "ostfold", admitted=True) == []
    wrong_unit = message(ward, municipal)
    assert listed_rules(wrong_unit, "ostfold", admitted=True) == ["RECIPIENT-ALLOWED"]
    assert listed_rules(wrong_unit, "ostfold", admitted=False) == ["TIME-WINDOW", "RECIPIENT-ALLOWED"]
    assert listed_rules(message(reception, other), "ostfold", admitted=True) == ["RECIPIENT-LISTED"]
    assert listed_rules(message(ward, other), "ostfold", admitted=True) == ["RECIPIENT-ALLOWED", "RECIPIENT-LISTED"]
    for name in ("national", "oslo", "bergen", "pasientdialog"):
        assert listed_rules(wrong_unit, name) == []


def test_ostfold_parties_only_for_messages_with_sykehuset_østfold_and_not_for_avvik():
    # the example is between Fjordby sykehus HF and Fjordby kommune: the hospital is not Sykehuset Østfold
    assert listed_rules(FORESPORSEL, "ostfold", admitted=True) == []
    wrong = between((SO, "Lungesykdommer"), ("Fjordby kommune", "Hjemmesykepleie"))
    report = dmtool.validate(wrong, settings=Settings(**profile("ostfold", admitted=True)))
    (issue,) = report.errors
    assert issue.rule == "RECIPIENT-ALLOWED" and "Somatikk PLO meldingsmottak" in issue.message
    assert "(Sykehuset Østfold HF / Lungesykdommer)" in issue.message and not report.valid
    # an avvik from the wrong unit back to the sender says the message reached it by mistake
    avvik = dmtool.to_xml(
        compose.avvik(
            dmtool.parse(wrong), "feil-adressat", "Feil mottaker.", msg_id="7d2e1f00-3b4c-4d5e-8f90-a1b2c3d4e5f6"
        )
    )
    assert "RECIPIENT-ALLOWED" not in listed_rules(avvik, "ostfold", admitted=True)
    forward = dmtool.to_xml(
        compose.foresporsel(
            sender=dmtool.parse(wrong).receiver,
            receiver=Organisation(SO, her_id="8000001", unit=Organisation("Lungesykdommer", her_id="8000002")),
            patient=dmtool.parse(wrong).patient,  # type: ignore[arg-type]
            text="Til lungeavdelingen. Hilsen Kari, sykepleier. Gjelder epikrise.",
        )
    )
    assert listed_rules(forward, "ostfold", admitted=True) == ["RECIPIENT-ALLOWED"]


def pasientdialog_svar(text: str) -> bytes:
    return dmtool.to_xml(
        compose.svar(
            dmtool.parse(FORESPORSEL),
            text,
            msg_id="2b0c3c8e-5a1d-4f7e-9d44-0a1b2c3d4e5f",
            gen_date=dt.datetime(2026, 11, 23, 10, 0, tzinfo=OSLO),
        )
    )


@settings(max_examples=40)
@given(
    st.sampled_from(profiles.PASIENTDIALOG_REPLIES),
    st.sampled_from(["", "Hei Kari! ", "Til Kari Nordmann\n"]),
    st.data(),
)
def test_pasientdialog_svar_uses_a_standard_text(reply, greeting, data):
    """Seed 004: the message is answered with a standard text copied from Word; any case, spacing and line breaks."""
    _, text = reply
    wrapped = textwrap.fill(text, 70) if data.draw(st.booleans()) else text  # line breaks as in the Word file
    written = greeting + data.draw(spelled(wrapped)) + " Hilsen poliklinikken"
    assert listed_rules(pasientdialog_svar(written), "pasientdialog") == []
    own = pasientdialog_svar(greeting + "Vi har flyttet timen din til tirsdag. Hilsen poliklinikken")
    assert listed_rules(own, "pasientdialog") == ["STANDARD-REPLY"]
    assert listed_rules(own, "national") == []
    half = pasientdialog_svar(text[: len(text) // 2])
    assert listed_rules(half, "pasientdialog") == ["STANDARD-REPLY"]


def test_pasientdialog_standard_texts_only_for_a_svar():
    assert listed_rules(FORESPORSEL, "pasientdialog") == []
    assert listed_rules(NOTAT, "pasientdialog") == []
    assert rules.get("STANDARD-REPLY").severity is Severity.WARNING


@settings(max_examples=60)
@given(dms.messages(), st.sampled_from([None, True, False]))
def test_a_profile_rule_applies_only_under_its_profiles(message, admitted):
    """Generated messages (their organisations include OUS, Oslo kommune, Helse Bergen, Vestre Viken and Sykehuset
    Østfold): under national no profile rule is reported, under a profile only the rules that name it."""
    data = dmtool.to_xml(message)
    for name in profiles.PROFILES:
        found = set(rule_ids(data, **profile(name, last_contact=dt.date(2000, 1, 1), admitted=admitted)))
        allowed = {rule.id for rule in rules.RULES if rule.profiles and name in rule.profiles}
        assert not (found & ALL_PROFILE_RULES) - allowed, name
    assert not LIST_RULES & set(rule_ids(data))


def test_the_new_profile_rules_are_in_the_table():
    assert rules.get("RECIPIENT-LISTED").profiles == ("oslo", "bergen", "vestre-viken", "ostfold")
    assert rules.get("STANDARD-REPLY").profiles == ("pasientdialog",)
    assert rules.get("RECIPIENT-ALLOWED").profiles == ("bergen", "vestre-viken", "ostfold")
    for rule_id in LIST_RULES:
        rule = rules.get(rule_id)
        assert rule.severity is Severity.WARNING and rule.apprec_code is None and rule.check is not None


@pytest.mark.parametrize(
    ("name", "hospital", "municipal"),
    [
        ("bergen", ("Helse Bergen HF", "Haukeland universitetssjukehus"), ("Bergen kommune", "Hjemmesykepleien")),
        ("oslo", ("Oslo universitetssykehus HF", "Hjerteavdelingen"), ("Oslo kommune", "Hjemmesykepleie")),
    ],
)
def test_a_reply_going_back_to_its_sender_is_not_told_to_use_a_listed_service(name, hospital, municipal):
    """Found by review: RECIPIENT-LISTED advised a svar to go elsewhere than back to the forespørsel's sender, which
    SVAR-REFERENCES-FORESPORSEL requires. The same parties in a forespørsel from the hospital do get the advice."""
    asked = dmtool.parse(between(municipal, hospital))
    answer = dmtool.to_xml(
        compose.svar(asked, "Svar: blodtrykket er målt.", msg_id="7d2e1f00-3b4c-4d5e-8f90-a1b2c3d4e5f7")
    )
    assert "RECIPIENT-LISTED" not in listed_rules(answer, name)
    assert "RECIPIENT-LISTED" in listed_rules(between(hospital, municipal), name)


def test_the_case_handling_offices_are_municipal_under_vestre_viken_as_under_ostfold():
    """Found by review: two word lists of the same offices had drifted; one list now serves both rules."""
    to_office = between(("Vestre Viken HF", "Drammen sykehus"), ("Tjeneste- og vedtakskontoret", "Vedtakskontoret"))
    assert "RECIPIENT-ALLOWED" in listed_rules(to_office, "vestre-viken")
