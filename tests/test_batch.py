"""dmtool validate DIR --jobs N: the same results in the same order on any number of workers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from paths import EXAMPLES, ROOT

from dmtool import batch
from dmtool.cli import main
from dmtool.profiles import Settings

GENERATED = ROOT / "fixtures" / "generated" / "messages"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_one_and_two_workers_print_the_same_lines_in_the_same_order(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(GENERATED, folder)
    shutil.copytree(EXAMPLES, folder / "examples")
    (folder / "broken.xml").write_bytes(b"<not xml")
    one = run("validate", "--format", "json", "--jobs", "1", str(folder))
    two = run("validate", "--format", "json", "--jobs", "2", str(folder))
    assert one == two
    code, output = one
    assert code == 1
    lines = [json.loads(line) for line in output.splitlines()]
    assert len(lines) == len(list(folder.rglob("*.xml"))) >= batch.MIN_PARALLEL
    assert [line["path"] for line in lines] == sorted(str(p) for p in folder.rglob("*.xml"))


def test_parallel_results_equal_sequential_ones(tmp_path: Path) -> None:
    items = [batch.Input(str(path), path) for path in sorted(GENERATED.glob("*.xml"))]
    items.append(batch.Input("missing.xml", tmp_path / "missing.xml"))
    sequential = list(batch.check_all(items, Settings(), None, jobs=1))
    parallel = list(batch.check_all(items, Settings(), None, jobs=2))
    assert parallel == sequential
    report, unreadable = parallel[-1]
    assert unreadable and report.issues[0].rule == "IO-ERROR"
