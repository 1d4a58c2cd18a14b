"""The documentation (README.md and docs/): the generated reference pages are what tools/make_docs.py writes, the site
builds with ``mkdocs build --strict``, the README stays short, and every code block runs as ``tests/docblocks.py``
says."""

from __future__ import annotations

import doctest
import functools
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from docblocks import RUN, Block, blocks, commands, expected_output, pages
from paths import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import make_docs

#: Set by .ci/run: the site must be built, never skipped for want of mkdocs.
DOCS_REQUIRED = bool(os.environ.get("DMTOOL_TEST_DOCS_REQUIRED"))
README_LIMIT = 8_000


@functools.cache
def _generated() -> dict[Path, str]:
    return make_docs.pages()


@pytest.mark.parametrize("path", sorted(_generated()), ids=str)
def test_generated_page_is_up_to_date(path: Path) -> None:
    page = ROOT / path
    assert page.is_file(), "run python tools/make_docs.py"
    assert page.read_text(encoding="utf-8") == _generated()[path], "run python tools/make_docs.py"


def test_site_builds_strict(tmp_path: Path) -> None:
    """Every page is in the navigation, every link and anchor resolves, every API name is found."""
    if importlib.util.find_spec("mkdocs") is None:
        if DOCS_REQUIRED:
            pytest.fail("mkdocs is not installed, and DMTOOL_TEST_DOCS_REQUIRED is set: pip install '.[test]'")
        pytest.skip("mkdocs is not installed (pip install '.[test]')")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "reference" / "api" / "index.html").is_file()


def test_readme_is_short_and_starts_with_the_set_up_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme) <= README_LIMIT, f"README.md has {len(readme):,} characters; at most {README_LIMIT:,}"
    first_blocks = [block for block in blocks(ROOT / "README.md") if block.language == "sh"][:2]
    assert "dmtool validate fixtures/examples" in first_blocks[0].text
    assert "pytest" in first_blocks[1].text
    links = re.findall(r"\]\((docs/[^)#]+)", readme)
    assert links and all((ROOT / link).is_file() for link in links), links


def test_every_page_is_in_the_navigation() -> None:
    """mkdocs only says so in its log; the navigation names every page of docs/ once."""
    nav = re.findall(r":\s*(\S+\.md)\s*$", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    on_disk = sorted(str(page.relative_to(ROOT / "docs")) for page in (ROOT / "docs").rglob("*.md"))
    assert sorted(nav) == on_disk


def test_tables_and_lists_start_after_a_blank_line() -> None:
    """mkdocs (Python-Markdown) reads a table or a list right after a paragraph's line as part of the paragraph,
    where GitHub shows it as a table or a list: each must start after a blank line to be one on both."""
    for page in pages():
        previous, fenced = "", False
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
            if line.lstrip().startswith("```"):
                fenced = not fenced
            table = line.lstrip().startswith("|") and not previous.lstrip().startswith("|")
            listed = re.match(r"([-*] |\d+\. )", line) and not re.match(r"([-*] |\d+\. |\s)", previous)
            starts = table or listed
            assert fenced or not (starts and previous.strip()), f"{page.relative_to(ROOT)}:{number}: a blank line first"
            previous = line


def test_the_block_runner_compares_output() -> None:
    """``…`` stands for any text in a line, a line of ``…`` for any lines, nothing else for anything else."""
    pattern = expected_output("a … b\n…\nend\n")
    assert pattern.fullmatch("a x y b\nmore\nlines\nend\n")
    assert pattern.fullmatch("a  b\nend\n")
    assert not pattern.fullmatch("a x\nend\n")
    assert not pattern.fullmatch("a b\nend\nextra\n")


def _runnable(page: Path) -> bool:
    return any(block.language in RUN or block.marker is not None for block in blocks(page))


def _bin(folder: Path) -> Path:
    """A folder holding a ``dmtool`` command that runs this Python's dmtool."""
    folder.mkdir()
    script = folder / "dmtool"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m dmtool "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    return folder


def shell(command: str, cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run ``command`` with bash (a comment may end it); its exit status and what it printed on standard output and
    standard error."""
    ran = subprocess.run(
        ["bash", "-c", f"set -o pipefail\n{{ {command}\n}} 2>&1"],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        timeout=120,
        check=False,
    )
    return ran.returncode, ran.stdout.decode("utf-8", "backslashreplace")


def _run_shell(block: Block, cwd: Path, env: dict[str, str]) -> None:
    for command in commands(block):
        if block.language == "sh":
            assert command.text.lstrip().startswith("dmtool "), (
                f"{block.where}: an sh block runs dmtool commands only; mark others <!-- not-run: why -->"
            )
        status, printed = shell(command.text, cwd, env)
        assert status == command.status, f"{block.where}: $ {command.text}\nexit {status}:\n{printed}"
        if command.output is not None:
            assert expected_output(command.output).fullmatch(printed), (
                f"{block.where}: $ {command.text}\nprinted:\n{printed}\nthe page shows:\n{command.output}"
            )


def _run_python(block: Block, scope: dict[str, object]) -> None:
    code = compile(block.text, block.where, "exec")
    exec(code, scope)


def _run_doctest(block: Block, scope: dict[str, object]) -> None:
    test = doctest.DocTestParser().get_doctest(block.text, scope, block.where, str(block.page), block.line)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    runner.run(test, out=report.append, clear_globs=False)
    assert runner.failures == 0, "".join(report)


@pytest.mark.parametrize("page", [page for page in pages() if _runnable(page)], ids=lambda p: str(p.relative_to(ROOT)))
def test_code_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "fixtures").symlink_to(ROOT / "fixtures")
    monkeypatch.setenv("PATH", f"{_bin(tmp_path / 'bin')}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.chdir(work)
    env = dict(os.environ)
    scope: dict[str, object] = {"__name__": "__docs__"}
    for block in blocks(page):
        kind, argument = block.marker or ("", "")
        if kind == "not-run":
            assert argument.strip(), f"{block.where}: say why the block is not run"
            continue
        if kind == "file":
            (work / argument).write_text(block.text, encoding="utf-8")
            continue
        if block.language in ("setup", "python"):
            _run_python(block, scope)
        elif block.language == "pycon":
            _run_doctest(block, scope)
        elif block.language in ("console", "sh"):
            _run_shell(block, work, env)
