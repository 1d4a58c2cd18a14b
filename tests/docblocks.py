"""The code blocks of the README and of ``docs/``, and how each is run (``tests/test_docs.py``).

A page's blocks run in order, in one temporary folder that holds a link to the project's ``fixtures``, sharing one
Python namespace, so that a block may use what an earlier one made:

* ```` ```python ````: executed.
* ```` ```pycon ````: run as a doctest (``...`` and ``…`` stand for any text).
* ```` ```console ````: each ``$ COMMAND`` line is run by bash, with ``dmtool`` the worktree's; the lines after it,
  up to the next ``$``, are what it prints (standard output and standard error together), where ``…`` stands for
  any text in a line and a line of ``…`` alone for any lines. A command's exit status must be 0, or what a comment
  ``# exit N`` on its line says.
* ```` ```sh ````: each line is a command run as in a console block, its output not compared; a line must start with
  ``dmtool``.

Markers, in an HTML comment on the line before the block:

* ``<!-- not-run: REASON -->``: the block is not run (starting a server, installing, a run of many minutes).
* ``<!-- file: NAME -->``: the block (of any language) is written to ``NAME`` in the folder before the next block runs.

A comment ``<!-- setup: ... -->`` of several lines holds Python run at that point, unseen by readers (to make an
input the page describes in words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from paths import ROOT

#: The languages whose blocks are run; any other block is shown only (output, a synopsis, XML, JSON).
RUN: Final = frozenset({"python", "pycon", "console", "sh"})
_FENCE: Final = re.compile(r"^( *)```(\S*)\s*$")
_MARKER: Final = re.compile(r"^\s*<!-- (not-run|file): (.+?) -->\s*$")
_SETUP: Final = re.compile(r"^\s*<!-- setup:\s*$")


@dataclass(frozen=True)
class Block:
    """One code block: where it starts (its fence's line, from 1), its language, its text without the fence and the
    indent, and its marker (``not-run`` or ``file``, with its argument); ``language`` ``setup`` for a setup comment."""

    page: Path
    line: int
    language: str
    text: str
    marker: tuple[str, str] | None = None

    @property
    def where(self) -> str:
        """``PAGE:LINE``, from the project root."""
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def pages() -> list[Path]:
    """The README and every page of the documentation."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def blocks(page: Path) -> list[Block]:
    """The code blocks and setup comments of ``page``, in order."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    previous = ""
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        if _SETUP.match(line):
            end = next(i for i in range(index + 1, len(lines)) if lines[i].strip() == "-->")
            found.append(Block(page, index + 1, "setup", "\n".join(lines[index + 1 : end]) + "\n"))
            index, previous = end + 1, ""
            continue
        if fence is None:
            if line.strip():
                previous = line
            index += 1
            continue
        indent, language = len(fence.group(1)), fence.group(2)
        end = next(i for i in range(index + 1, len(lines)) if lines[i].strip() == "```")
        body = "".join(text[indent:] + "\n" for text in lines[index + 1 : end])
        marked = _MARKER.match(previous)
        found.append(Block(page, index + 1, language, body, (marked.group(1), marked.group(2)) if marked else None))
        index, previous = end + 1, ""
    return found


def expected_output(shown: str) -> re.Pattern[str]:
    """A pattern for the output a console block shows: ``…`` is any text in a line, a line of ``…`` any lines."""
    parts = []
    for line in shown.splitlines():
        if line.strip() == "…":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(re.escape(piece) for piece in line.rstrip().split("…")) + r"[ \t]*\n")
    return re.compile("".join(parts), re.S)


@dataclass(frozen=True)
class Command:
    """One command of a console or sh block: its text, the exit status it must have, and what it prints (``None``:
    not compared)."""

    text: str
    status: int
    output: str | None


_EXIT: Final = re.compile(r"#\s*exit (\d+)")


def commands(block: Block) -> list[Command]:
    """The commands of a console or sh block."""
    found: list[Command] = []
    if block.language == "sh":
        for line in block.text.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                status = _EXIT.search(line)
                found.append(Command(line, int(status.group(1)) if status else 0, None))
        return found
    current: list[str] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            if current:
                _close(found, current)
            current = [line[2:]]
        elif current:
            current.append(line)
        else:
            raise ValueError(f"{block.where}: a console block starts with '$ COMMAND'")
    _close(found, current)
    return found


def _close(found: list[Command], current: list[str]) -> None:
    command, *output = current
    status = _EXIT.search(command)
    found.append(Command(command, int(status.group(1)) if status else 0, "".join(f"{line}\n" for line in output)))
