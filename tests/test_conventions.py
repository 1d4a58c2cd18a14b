"""Issue 20, item 4: one convention per thing across commands.

* ``dmtool parse X --format json > s.json && dmtool build KIND --spec s.json`` builds X's message again, every kind;
  a spec's ``kind`` and ``version`` are taken when they agree with the command and refused when they do not;
* the JSON of every command gives one name one meaning (``msg_type``, ``dialog_version``, ``apprec_version``,
  ``profile``, ``follow_up``) beside the keys it always had;
* ``dmtool apprec check`` is a subcommand with its own help, and ``dmtool apprec MESSAGE`` works as it did;
* ``dmtool rules ID`` shows one rule; ``dmtool config`` shows the settings in effect and where they come from;
* every command takes ``--color/--no-color`` (and ``NO_COLOR``) and ``-q/--quiet``; those that write take ``-o``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from paths import EXAMPLES, GENERATED, REFERENCE_EXAMPLES, ROOT

import dmtool
from dmtool import build
from dmtool.cli import main
from dmtool.dialog import reader
from dmtool.dialog.model import KIND_NAMES, FurtherDocument, Kind, Message
from dmtool.dialog.spec import SpecError, from_data, to_data
from dmtool.errors import BuildError, ParseError
from dmtool.testing import strategies as dms

ANSI = re.compile(r"\x1b\[[0-9;]*m")
NAMES = {str(kind): name for name, kind in KIND_NAMES.items()}
FORESPORSEL = EXAMPLES / "foresporsel-1.0.xml"
APPREC_OK = EXAMPLES / "apprec-1.0-ok.xml"


def run(*args: str | Path, stdin: bytes | str | None = None, env: Mapping[str, str] | None = None,
        color: bool = False) -> Result:  # fmt: skip
    return CliRunner().invoke(main, [str(arg) for arg in args], input=stdin, env=env, color=color)


def dmtool_process(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """``python -m dmtool ARGS`` in a process of its own: its exit status and output as a user sees them."""
    return subprocess.run(
        [sys.executable, "-m", "dmtool", *map(str, args)], capture_output=True, timeout=120, cwd=cwd, check=False
    )


def dialog_files(*folders: Path) -> list[Path]:
    """The Dialogmelding files of ``folders`` whose kind ``dmtool build`` names (AppRecs and other kinds left out)."""
    found = []
    for path in sorted(file for folder in folders for file in folder.glob("*.xml")):
        try:
            kind = reader.parse(path).kind
        except ParseError:
            continue
        if kind in NAMES:
            found.append(path)
    return found


# -- parse's JSON is a spec -------------------------------------------------------------------------------------------


def rebuilt(data: bytes, *options: str) -> tuple[Result, Result]:
    """``parse - --format json`` of ``data``, and ``build KIND --spec -`` of what it printed."""
    parsed = run("parse", "-", "--format", "json", stdin=data)
    assert parsed.exit_code == 0, parsed.output
    kind = NAMES[json.loads(parsed.stdout)["kind"]]
    return parsed, run("build", kind, "--spec", "-", *options, stdin=parsed.stdout_bytes)


@pytest.mark.parametrize("kind", list(Kind), ids=[NAMES[kind] for kind in Kind])
def test_parse_json_builds_the_same_message_again_for_every_kind(kind: Kind) -> None:
    @settings(max_examples=10)
    @given(dms.messages(kind))
    def check(message: Message) -> None:
        xml = build.to_xml(message)
        _, built = rebuilt(xml)
        assert built.exit_code == 0, built.output
        assert reader.parse(built.stdout_bytes) == message
        assert built.stdout_bytes == xml  # the same bytes: nothing was lost or added on the way

    check()


def test_the_shell_pipeline_of_the_issue_rebuilds_the_examples(tmp_path: Path) -> None:
    """As the user types it: ``dmtool parse X --format json > s.json && dmtool build KIND --spec s.json``."""
    for path in dialog_files(EXAMPLES):
        kind = NAMES[reader.parse(path).kind]
        spec, out = tmp_path / f"{path.stem}.json", tmp_path / f"{path.stem}.rebuilt.xml"
        script = (f'"$0" -m dmtool parse "$1" --format json > "$2" && "$0" -m dmtool build {kind} --spec "$2" '
                  '> "$3"')  # fmt: skip
        ran = subprocess.run(["sh", "-c", script, sys.executable, path, spec, out], capture_output=True, timeout=120,
                             check=False)  # fmt: skip
        assert ran.returncode == 0, ran.stderr.decode()
        assert reader.parse(out) == reader.parse(path), path.name


@pytest.mark.parametrize(
    "path",
    [*dialog_files(GENERATED, GENERATED.parent / "valid", GENERATED.parent / "threads"),
     *dialog_files(*{path.parent for path in REFERENCE_EXAMPLES})],
    ids=lambda path: path.name,
)  # fmt: skip
def test_a_parsed_message_is_built_again_unless_it_breaks_a_hard_rule(path: Path) -> None:
    """A valid message is built again as it was; so is any message whose model breaks no hard rule (what the model
    does not hold, an attachment say, is left out), and one whose model breaks some is refused (exit 1) naming the
    rule, as :func:`dmtool.to_xml` refuses it."""
    message = reader.parse(path)
    _, built = rebuilt(path.read_bytes())
    try:
        expected = build.to_xml(message)
    except BuildError as error:
        assert not dmtool.validate(path).valid
        assert built.exit_code == 1 and built.stdout == ""
        assert built.stderr.startswith("dmtool: standard input: ") and str(error).split(":")[0] in built.stderr
    else:
        assert built.exit_code == 0, built.output
        assert built.stdout_bytes == expected and reader.parse(built.stdout_bytes) == message


def test_a_spec_that_is_another_kind_is_refused_naming_the_command_that_builds_it(tmp_path: Path) -> None:
    spec = tmp_path / "s.json"
    parsed = dmtool_process("parse", FORESPORSEL, "--format", "json", "-o", spec)
    assert parsed.returncode == 0 and parsed.stdout == b"", parsed.stderr
    refused = dmtool_process("build", "notat", "--spec", spec, "-o", tmp_path / "out.xml")
    assert refused.returncode == 1 and refused.stdout == b""
    assert refused.stderr.decode() == (
        f"dmtool: {spec}: kind: build notat builds a DIALOG_NOTAT, and the spec is 'DIALOG_FORESPORSEL'; build "
        "foresporsel builds it\n"
    )
    assert not (tmp_path / "out.xml").exists()
    contradicted = run("build", "foresporsel", "--spec", spec, "--dialog-version", "1.1")
    assert contradicted.exit_code == 1
    assert "version: the spec is Dialogmelding 1.0, and 1.1 is asked for" in contradicted.stderr
    assert run("build", "foresporsel", "--spec", spec, "--dialog-version", "1.0").exit_code == 0


@pytest.mark.parametrize("kind", ["foresporsel", "DIALOG_FORESPORSEL"])
@pytest.mark.parametrize("version", [None, "1.0", "1.1"])
def test_a_constructor_spec_takes_a_kind_and_a_version_that_agree(tmp_path: Path, kind: str,
                                                                  version: str | None) -> None:  # fmt: skip
    spec = json.loads(run("build", "foresporsel", "--example").stdout)
    spec["kind"] = kind
    if version is not None:
        spec["version"] = version
    built = run("build", "foresporsel", "--spec", "-", stdin=json.dumps(spec))
    assert built.exit_code == 0, built.output
    message = reader.parse(built.stdout_bytes)
    assert message.kind == Kind.FORESPORSEL and message.version == (version or "1.0")
    other = run("build", "notat", "--spec", "-", stdin=json.dumps(spec))
    assert other.exit_code == 1 and "kind: build notat builds a DIALOG_NOTAT" in other.stderr
    assert "build foresporsel builds it" in other.stderr


@pytest.mark.parametrize(("change", "words"), [
    ({"kind": 7}, "kind: build helsefaglig builds a DIALOG_HELSEFAGLIG, and the spec is a number"),
    ({"kind": "DIALOG_INNBYGGER_EKONTAKT"}, "the spec is 'DIALOG_INNBYGGER_EKONTAKT'"),
    ({"version": "2.0"}, "version: expected one of 1.0, 1.1, got"),
    ({"version": "1.0"}, "dialog_version: helsefaglig is always Dialogmelding 1.1; got 1.0"),
])  # fmt: skip
def test_a_bad_kind_or_version_in_a_spec_is_named(change: dict[str, object], words: str) -> None:
    spec = {**json.loads(run("build", "helsefaglig", "--example").stdout), **change}
    refused = run("build", "helsefaglig", "--spec", "-", stdin=json.dumps(spec))
    assert refused.exit_code == 1 and refused.stdout == ""
    assert words in refused.stderr


def test_svar_and_avvik_take_a_spec_only_as_a_whole_message() -> None:
    spec = json.loads(run("build", "notat", "--example").stdout)
    refused = run("build", "svar", "--spec", "-", stdin=json.dumps(spec))
    assert refused.exit_code == 1 and "a svar spec is a whole message, as dmtool parse --format json prints" in (
        refused.stderr
    )
    mixed = run("build", "svar", "--spec", "-", "--text", "x", stdin=json.dumps(spec))
    assert mixed.exit_code == 2 and "--text cannot be used with build svar" in mixed.stderr


def test_what_the_model_does_not_hold_is_said_and_not_built_again(tmp_path: Path) -> None:
    text = FORESPORSEL.read_text(encoding="utf-8")
    document = text[text.index("<Document>") : text.index("</Document>") + len("</Document>")]
    doubled = text.replace(document, document + document).encode()
    parsed, built = rebuilt(doubled)
    assert json.loads(parsed.stdout)["unmodelled"]
    assert built.exit_code == 0, built.output
    assert reader.parse(built.stdout_bytes) == reader.parse(FORESPORSEL)
    assert built.stderr == 'dmtool: standard input: not built again, as the model does not hold it: what ' \
        '"unmodelled" lists (1)\n'
    _, quiet = rebuilt(doubled, "--quiet")
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout_bytes == built.stdout_bytes


def test_the_further_documents_parse_lists_are_read_back() -> None:
    """``documents`` (with their line numbers) is part of what ``parse`` prints, so a spec can hold it."""
    described = FurtherDocument(msg_type="XML", root="vcalendar", line=69)
    assert from_data(FurtherDocument, to_data(described)) == described
    with pytest.raises(SpecError, match=r"^line: expected a whole number, got a string"):
        from_data(FurtherDocument, {"line": "69"})
    with pytest.raises(SpecError, match=r"^line: expected a whole number, got a boolean"):
        from_data(FurtherDocument, {"line": True})


def test_parse_writes_to_output_as_to_standard_output(tmp_path: Path) -> None:
    for fmt in ("text", "json"):
        out = tmp_path / f"parsed.{fmt}"
        written = run("parse", FORESPORSEL, "--format", fmt, "-o", out)
        assert written.exit_code == 0 and written.output == ""
        assert out.read_bytes() == run("parse", FORESPORSEL, "--format", fmt).stdout_bytes


# -- one name, one meaning --------------------------------------------------------------------------------------------


def test_validate_gives_the_facts_parse_gives_under_names_of_one_meaning() -> None:
    """``parse``'s ``kind`` and ``version`` are ``validate``'s ``msg_type`` and ``dialog_version``."""
    for path in dialog_files(EXAMPLES):
        (report,) = [json.loads(line) for line in run("validate", "--format", "json", path).stdout.splitlines()]
        parsed = json.loads(run("parse", path, "--format", "json").stdout)
        assert (report["msg_type"], report["dialog_version"]) == (parsed["kind"], parsed["version"])
        assert report["version"] == f"dialog-{parsed['version']}" and report["apprec_version"] is None
        assert report["msg_id"] == parsed["msg_id"]
    (receipt,) = [json.loads(line) for line in run("validate", "--format", "json", APPREC_OK).stdout.splitlines()]
    assert (receipt["msg_type"], receipt["dialog_version"], receipt["apprec_version"]) == ("APPREC", None, "1.0")


def test_the_fixtures_manifest_gives_the_names_validate_gives() -> None:
    for folder in ("messages", "threads", "valid"):
        manifest = json.loads((GENERATED.parent / folder / "manifest.json").read_text(encoding="utf-8"))
        for entry in manifest["files"]:
            report = dmtool.validate(GENERATED.parent / folder / entry["file"]).to_dict()
            assert entry["msg_type"] == report["msg_type"]
            if "TYPE-MATCHES-BODY" not in entry["rules"]:  # made with a type its body does not have, or the other way
                assert entry["msg_type"] == entry["kind"]
            assert (entry["dialog_version"], entry["apprec_version"]) == (
                report["dialog_version"], report["apprec_version"])  # fmt: skip


@pytest.mark.parametrize("profile", [None, "national", "oslo", "pasientdialog"])
def test_every_report_says_its_profile(profile: str | None, tmp_path: Path) -> None:
    options = () if profile is None else ("--profile", profile)
    missing = tmp_path / "missing.xml"
    lines = run("validate", "--format", "json", *options, FORESPORSEL, APPREC_OK, missing).stdout.splitlines()
    assert [json.loads(line)["profile"] for line in lines] == [profile or "national"] * 3
    checked = json.loads(run("apprec", "check", APPREC_OK, "--format", "json", *options).stdout)
    assert checked["profile"] == (profile or "national")
    for text in (run("validate", *options, FORESPORSEL).stdout.splitlines()[0],
                 run("apprec", "check", *options, APPREC_OK).stdout.splitlines()[0]):  # fmt: skip
        assert ("profile" in text) == (profile not in (None, "national"))
        if profile not in (None, "national"):
            assert text.endswith(f" profile {profile}")


def test_the_settings_file_profile_is_the_one_reports_say(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "dmtool.toml").write_text('profile = "bergen"\n')
    monkeypatch.chdir(tmp_path)
    (line,) = run("validate", "--format", "json", FORESPORSEL).stdout.splitlines()
    assert json.loads(line)["profile"] == "bergen"


# -- apprec check, a subcommand ---------------------------------------------------------------------------------------


def test_apprec_check_has_its_own_help_and_apprec_lists_it() -> None:
    checking = run("apprec", "check", "--help")
    assert checking.exit_code == 0
    assert checking.stdout.startswith("Usage: main apprec check [OPTIONS] APPREC")
    assert "--original" in checking.stdout and "--apprec-version" not in checking.stdout
    writing = run("apprec", "--help")
    assert writing.exit_code == 0 and writing.stdout.startswith("Usage: main apprec [OPTIONS] MESSAGE")
    assert "--apprec-version" in writing.stdout and re.search(r"Commands:\n  check ", writing.stdout)
    assert "--original" not in writing.stdout  # checking's: refused by writing, with a word on where it belongs
    assert isinstance(main.get_command(click.Context(main), "apprec"), click.Group)


def test_apprec_check_is_found_wherever_the_options_stand(tmp_path: Path) -> None:
    before = run("apprec", "--format", "json", "--profile", "nav", "check", APPREC_OK)
    after = run("apprec", "check", APPREC_OK, "--profile", "nav", "--format", "json")
    assert before.exit_code == after.exit_code == 0
    assert before.stdout == after.stdout and json.loads(before.stdout)["consistent"]


def test_a_message_file_named_check_is_given_as_a_path(tmp_path: Path) -> None:
    shutil.copy(FORESPORSEL, tmp_path / "check")
    as_path = dmtool_process("apprec", "./check", "-o", "receipt.xml", cwd=tmp_path)
    assert as_path.returncode == 0, as_path.stderr
    assert dmtool.parse_apprec(tmp_path / "receipt.xml").status == "1"
    as_word = dmtool_process("apprec", "check", cwd=tmp_path)
    assert as_word.returncode == 2 and b"the APPREC file to check is missing" in as_word.stderr
    (tmp_path / "receipts").mkdir()
    (tmp_path / "check").unlink()
    (tmp_path / "check").mkdir()  # an option's value is never the subcommand
    into = dmtool_process("apprec", "--out-dir", "check", FORESPORSEL, cwd=tmp_path)
    assert into.returncode == 0, into.stderr
    assert (tmp_path / "check" / "foresporsel-1.0.apprec.xml").is_file()


# -- rules ID ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("given", ["NO-HJELPENUMMER", "no-hjelpenummer", " No-Hjelpenummer "])
def test_rules_shows_one_rule(given: str) -> None:
    shown = run("rules", given)
    assert shown.exit_code == 0
    assert shown.stdout.startswith("NO-HJELPENUMMER ") and len(shown.stdout.splitlines()) == 3
    table = run("rules").stdout.splitlines()
    at = next(index for index, line in enumerate(table) if line.startswith("NO-HJELPENUMMER "))
    assert shown.stdout.splitlines() == table[at : at + 3]
    as_json = json.loads(run("rules", given, "--format", "json").stdout)
    assert as_json == dmtool.rules.get("NO-HJELPENUMMER").to_dict()


@pytest.mark.parametrize(("given", "named"), [("NO-HJELPNUMMER", "NO-HJELPENUMMER"), ("code-valu", "CODE-VALUE"),
                                              ("xyz", None)])  # fmt: skip
def test_an_unknown_rule_id_exits_2_naming_close_ids(given: str, named: str | None) -> None:
    refused = dmtool_process("rules", given)
    assert refused.returncode == 2 and refused.stdout == b""
    said = refused.stderr.decode()
    assert f"no rule has the id '{given}'" in said
    assert (f"did you mean {named}" in said) if named else "dmtool rules lists them" in said


# -- config -----------------------------------------------------------------------------------------------------------


def test_config_without_a_settings_file_shows_the_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    shown = run("config")
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("settings file: none found")
    assert [line.split()[0] for line in lines[1:]] == list(dmtool.config.KEYS)
    assert all(line.endswith(" default") for line in lines[1:])
    data = json.loads(run("config", "--format", "json").stdout)
    assert data["file"] is None
    assert data["settings"]["profile"] == {"value": "national", "source": "default"}
    assert data["settings"]["ledger"] == {"value": "dmtool-ledger.sqlite", "source": "default"}


def test_config_says_where_each_setting_comes_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings_file = tmp_path / "dmtool.toml"
    settings_file.write_text('profile = "oslo"\nsynthetic_ids = true\nledger = "l.sqlite"\n')
    (tmp_path / "below").mkdir()
    monkeypatch.chdir(tmp_path / "below")
    data = json.loads(run("config", "--format", "json", "--short-max-chars", "50", "--no-synthetic-ids").stdout)
    assert data["file"] == str(settings_file)
    assert data["settings"] == {
        "profile": {"value": "oslo", "source": str(settings_file)},
        "short_max_chars": {"value": 50, "source": "command line"},
        "ack_only_max_chars": {"value": 160, "source": "default"},
        "synthetic_ids": {"value": False, "source": "command line"},
        "ledger": {"value": str(tmp_path / "l.sqlite"), "source": str(settings_file)},
    }
    text = run("config").stdout.splitlines()
    assert text[0] == f"settings file: {settings_file}"
    assert text[1].split() == ["profile", '"oslo"', str(settings_file)]
    settings_file.write_text('profil = "oslo"\n')
    bad = dmtool_process("config", cwd=tmp_path)
    assert bad.returncode == 2 and b"unknown key 'profil'" in bad.stderr and bad.stdout == b""


# -- colour, quiet, output --------------------------------------------------------------------------------------------


def leaf_commands(group: click.Group, path: str = "dmtool") -> Iterator[tuple[str, click.Command]]:
    """Every command that runs, by its path: a group's subcommands, and a group that runs itself (apprec)."""
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            if command.callback is not None and command.invoke_without_command:
                yield f"{path} {name}", command
            yield from leaf_commands(command, f"{path} {name}")
        else:
            yield f"{path} {name}", command


def test_every_command_takes_the_colour_and_quiet_options() -> None:
    commands = dict(leaf_commands(main))
    assert {"dmtool validate", "dmtool apprec", "dmtool apprec check", "dmtool ledger overdue", "dmtool config"} <= set(
        commands
    )
    for path, command in commands.items():
        names = {name for param in command.params for name in (*param.opts, *param.secondary_opts)}
        assert {"--color", "--no-color", "-q", "--quiet"} <= names, path


def test_the_commands_that_write_a_file_take_dash_o() -> None:
    for path in ("build", "parse", "apprec", "fixtures"):
        command = main.commands[path]
        assert any({"-o", "--output"} <= set(param.opts) for param in command.params), path
    assert "--out" in next(param.opts for param in main.commands["fixtures"].params if param.name == "out")


@pytest.mark.parametrize("args", [("validate", str(EXAMPLES / "apprec-1.1-avvist.xml")), ("rules", "XSD"),
                                  ("apprec", "check", str(EXAMPLES / "apprec-1.1-avvist.xml"))])  # fmt: skip
def test_no_color_and_the_color_options(args: tuple[str, ...]) -> None:
    assert ANSI.search(run(*args, color=True).stdout)  # a terminal's colours
    assert not ANSI.search(run(*args, color=True, env={"NO_COLOR": "1"}).stdout)
    assert ANSI.search(run(*args, color=True, env={"NO_COLOR": ""}).stdout)  # set but empty: not set
    assert not ANSI.search(run(*args, "--no-color", color=True).stdout)
    assert ANSI.search(run(*args, "--color", color=True, env={"NO_COLOR": "1"}).stdout)  # the command line wins


def test_color_colours_a_pipe_too() -> None:
    plain = dmtool_process("validate", EXAMPLES / "apprec-1.1-avvist.xml")
    coloured = dmtool_process("validate", "--color", EXAMPLES / "apprec-1.1-avvist.xml")
    assert plain.returncode == coloured.returncode == 0
    assert not ANSI.search(plain.stdout.decode()) and ANSI.search(coloured.stdout.decode())
    assert ANSI.sub("", coloured.stdout.decode()) == plain.stdout.decode()


def test_quiet_leaves_out_summaries_and_status_lines_not_results(tmp_path: Path) -> None:
    loud, quiet = run("validate", FORESPORSEL), run("validate", "-q", FORESPORSEL)
    assert loud.stdout.splitlines()[1:] == ["1 checked: 1 valid, 0 invalid, 0 unreadable"]
    assert quiet.exit_code == 0 and quiet.stdout.splitlines() == loud.stdout.splitlines()[:1]
    written = run("apprec", FORESPORSEL, "--quiet")
    assert written.exit_code == 0 and written.stderr == "" and written.stdout.startswith("<?xml")
    assert run("apprec", FORESPORSEL).stderr == "dmtool: AppRec status 1 OK\n"
    made = run("fixtures", "-o", tmp_path / "f", "--count", "1", "--quiet")
    assert made.exit_code == 0 and made.output == "" and (tmp_path / "f" / "manifest.json").is_file()
    refused = run("validate", "--quiet", tmp_path / "missing.xml")
    assert refused.exit_code == 2 and "IO-ERROR" in refused.stdout  # results, errors included, are never left out


def test_quiet_leaves_out_the_overdue_count(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    assert run("ledger", "--db", db, "record", "--sent", FORESPORSEL).exit_code == 0
    loud = run("ledger", "--db", db, "overdue", "--now", "2027-01-01T09:00")
    quiet = run("ledger", "--db", db, "overdue", "--now", "2027-01-01T09:00", "-q")
    assert loud.exit_code == quiet.exit_code == 1
    assert quiet.stdout.splitlines() == loud.stdout.splitlines()[:-1] and quiet.stdout
    rows = [json.loads(line) for line in run("ledger", "--db", db, "overdue", "--now", "2027-01-01T09:00",
                                             "--format", "json").stdout.splitlines()]  # fmt: skip
    assert rows and all(row["follow_up"] == row["kind"] for row in rows)
    thread = [json.loads(line) for line in run("ledger", "--db", db, "thread", dmtool.parse(FORESPORSEL).msg_id,
                                               "--format", "json").stdout.splitlines()]  # fmt: skip
    assert [(row["version"], row["dialog_version"], row["apprec_version"]) for row in thread] == [
        ("dialog-1.0", "1.0", None)]  # fmt: skip


def test_no_color_reaches_the_subprocess_as_the_environment_gives_it(tmp_path: Path) -> None:
    """``NO_COLOR`` in the environment of a real run, with ``--color`` winning over it."""
    env = {**os.environ, "NO_COLOR": "1"}
    command = [sys.executable, "-m", "dmtool", "validate", str(EXAMPLES / "apprec-1.1-avvist.xml")]
    forced = subprocess.run([*command, "--color"], capture_output=True, timeout=60, env=env, check=False, cwd=ROOT)
    assert forced.returncode == 0 and ANSI.search(forced.stdout.decode())
