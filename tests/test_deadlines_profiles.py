"""Issue 4, reply deadlines, regional profiles and the settings file.

Reply deadlines are checked against dates worked out by hand from the Norwegian calendar, and, as a property, against
an independent computation of the public holidays (Easter by the Gregorian computus).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paths import EXAMPLES

import dmtool
from dmtool import config, deadlines, profiles
from dmtool import strategies as dms
from dmtool.cli import main
from dmtool.clock import OSLO
from dmtool.profiles import Settings

SETTINGS: dict[str, Any] = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
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


def run(*args: str):
    return CliRunner().invoke(main, [str(arg) for arg in args])


# -- reply deadlines --------------------------------------------------------------------------------------------------


def oslo(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=OSLO)  # type: ignore[misc]


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


@settings(max_examples=150, **SETTINGS)
@given(st.dates(dt.date(1990, 1, 1), dt.date(2090, 12, 31)), st.integers(1, 10))
def test_working_days_agree_with_an_independent_calendar(start, count):
    assert deadlines.add_working_days(start, count) == working_days_after(start, count)
    assert deadlines.is_working_day(start) == (start.weekday() < 5 and start not in norwegian_holidays(start.year))


@settings(max_examples=100, **SETTINGS)
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


@settings(max_examples=60, **SETTINGS)
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


@settings(max_examples=40, **SETTINGS)
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
    ],
)
@pytest.mark.parametrize("file_name", ["dmtool.toml", "pyproject.toml"])
def test_bad_settings_file_exits_2_naming_the_file(project, file_name, text, words):
    (project / file_name).write_text(("[tool.dmtool]\n" if file_name == "pyproject.toml" else "") + text)
    result = run("validate", "f.xml")
    assert result.exit_code == 2
    assert str(project / file_name) in result.stderr and words in result.stderr
    assert "Traceback" not in result.output


def test_the_holiday_table_is_what_the_holidays_package_says() -> None:
    """src/dmtool/holidays_no.json is up to date (python tools/make_holidays.py writes it)."""
    from importlib import resources

    from dmtool import deadlines

    stored = resources.files("dmtool").joinpath("holidays_no.json").read_text()
    assert stored == deadlines.holiday_table_json(), "run python tools/make_holidays.py"
    assert deadlines.package_holidays(2300) == deadlines._norwegian_holidays(2300)


def test_an_unknown_profile_name_is_a_value_error_naming_the_choices() -> None:
    with pytest.raises(ValueError, match="unknown profile 'nope'; choose one of national"):
        deadlines.reply_deadline(dt.datetime(2026, 11, 24, 10, tzinfo=OSLO), "nope")
