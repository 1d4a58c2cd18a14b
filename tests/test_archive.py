"""Archive scale (issue 22, item 5): :mod:`dmtool.archive` rows, and the Dask recipe on a local cluster.

* A row is the JSON line ``dmtool validate --format json`` prints for the message, plus ``part`` and ``outcome``,
  for every file of the project's fixtures (a file of several messages: one row each, ``FILE#k``), from paths and
  from bytes alike.
* Rows hold plain values only, in the fixed order of :data:`dmtool.archive.FIELDS`, and pickle; bad input, an
  unreadable file and a failure of dmtool give rows, never exceptions, and the rest goes on; rows come lazily.
* Parquet (:func:`dmtool.archive.write_parquet`) reads back as the rows it was given.
* ``tools/archive_dask.py`` on a ``dask.distributed`` local cluster of worker processes writes, as JSON Lines and as
  Parquet, the rows of every file in order, as :func:`dmtool.archive.rows_of_files` gives them in this process; so
  does the recipe printed in ``docs/how-to/archive.md``, run as a script.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import clirun
import pyarrow.parquet as pq
import pytest
from dask.distributed import Client, LocalCluster
from paths import ROOT

import dmtool
from dmtool import archive, batch
from dmtool.standards import profiles
from dmtool.standards.profiles import Settings

sys.path.insert(0, str(ROOT / "tools"))
import archive_dask

FIXTURES = sorted(str(path) for path in (ROOT / "fixtures").rglob("*.xml"))
MULTI = ROOT / "fixtures" / "families" / "multi" / "epj-eksport-fire-meldinger.xml"


def plain(value: Any) -> bool:
    """Only what JSON holds: dicts with str keys, lists, str, int, bool, None."""
    if isinstance(value, dict):
        return all(isinstance(key, str) and plain(item) for key, item in value.items())
    if isinstance(value, list):
        return all(plain(item) for item in value)
    return value is None or type(value) in (str, int, bool)


def without_extra(row: archive.Row) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in ("part", "outcome")}


def test_a_row_is_the_cli_json_line_for_every_fixture_with_part_and_outcome():
    ran = clirun.run("validate", "--format", "json", *FIXTURES, timeout=120)
    assert ran.returncode == 1, ran.stderr  # the fixtures hold invalid messages
    lines = [json.loads(line) for line in ran.stdout.decode().splitlines()]
    from_files = list(archive.rows_of_files(FIXTURES))
    from_bytes = list(archive.rows((path, Path(path).read_bytes()) for path in FIXTURES))
    assert from_files == from_bytes
    assert [without_extra(row) for row in from_files] == lines
    assert len(lines) > len(FIXTURES)  # the multi-message file gives several
    for row in from_files:
        assert row["outcome"] == ("valid" if row["valid"] else "invalid")
        assert (row["part"] is not None) == row["path"].startswith(f"{MULTI}#")


def test_a_file_of_several_messages_gives_one_row_each_as_the_cli_shows_them():
    rows = list(archive.rows([("export.xml", MULTI.read_bytes())]))
    assert [row["path"] for row in rows] == [f"export.xml#{part}" for part in range(1, 5)]
    assert [row["part"] for row in rows] == [1, 2, 3, 4]
    assert [row["valid"] for row in rows].count(False) == 1  # one has an H-nummer


def test_rows_are_plain_picklable_and_in_the_fixed_schema():
    rows = list(archive.rows_of_files(FIXTURES))
    assert archive.FIELDS == (
        "path", "valid", "kind", "version", "msg_type", "dialog_version", "apprec_version", "msg_id", "wrapped",
        "issues", "reply_by", "rules", "profile", "part", "outcome",
    )  # fmt: skip
    assert any(row["issues"] for row in rows) and any(row["reply_by"] for row in rows)
    for row in rows:
        assert tuple(row) == archive.FIELDS
        assert plain(row)
        assert all(tuple(issue) == ("rule", "severity", "message", "line") for issue in row["issues"])
    assert pickle.loads(pickle.dumps(rows)) == rows


def test_bad_input_an_unreadable_file_and_a_failure_of_dmtool_give_rows_and_the_rest_goes_on(tmp_path, monkeypatch):
    good = (FIXTURES[0], Path(FIXTURES[0]).read_bytes())
    rows = list(archive.rows([("junk.xml", b"not xml <"), good]))
    assert [row["outcome"] for row in rows] == ["invalid", "valid"]
    assert rows[0]["issues"][0]["rule"] == "NOT-XML"

    missing = tmp_path / "missing.xml"
    rows = list(archive.rows_of_files([missing, FIXTURES[0]]))
    assert [row["outcome"] for row in rows] == ["unreadable", "valid"]
    assert rows[0]["path"] == str(missing) and rows[0]["issues"][0]["rule"] == batch.IO_ERROR

    validate_each = dmtool.validate_each

    def failing(source: Any, **options: Any) -> Any:
        if options["path"] == "bug.xml":
            raise RuntimeError("a bug")
        return validate_each(source, **options)

    monkeypatch.setattr(batch, "validate_each", failing)
    rows = list(archive.rows([("bug.xml", good[1]), good]))
    assert [row["outcome"] for row in rows] == ["crashed", "valid"]
    assert rows[0]["issues"][0]["rule"] == batch.INTERNAL_ERROR


def test_rows_come_one_input_at_a_time():
    def items() -> Iterator[tuple[str, bytes]]:
        yield FIXTURES[0], Path(FIXTURES[0]).read_bytes()
        raise AssertionError("read before the first row was taken")

    assert next(archive.rows(items()))["path"] == FIXTURES[0]


def test_settings_choose_the_rule_set():
    data = (ROOT / "fixtures" / "examples" / "foresporsel-1.0.xml").read_bytes()
    oslo = Settings(profile=profiles.get("oslo"))
    assert next(archive.rows([("f.xml", data)]))["rules"] == "dialog"
    assert next(archive.rows([("f.xml", data)], oslo))["rules"] == "dialog+oslo"


def test_parquet_reads_back_as_the_rows(tmp_path):
    rows = list(archive.rows_of_files(FIXTURES))
    assert archive.write_parquet(iter(rows), tmp_path / "rows.parquet") == len(rows)
    table = pq.read_table(tmp_path / "rows.parquet")
    assert table.schema.equals(archive.arrow_schema())
    assert table.to_pylist() == rows


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """A local Dask cluster of two worker processes, one thread each, no dashboard."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_the_dask_recipe_on_a_local_cluster_writes_every_row_in_order(cluster, tmp_path, fmt):
    expected = list(archive.rows_of_files(FIXTURES))
    with Client(cluster) as client:
        count = archive_dask.validate_archive(FIXTURES, tmp_path, client, fmt, partition_size=16)
        workers = client.run(os.getpid)
    assert len(set(workers.values())) == 2  # two processes besides this one
    assert count == len(expected)
    parts = sorted(tmp_path.glob(f"part-*.{fmt}"))
    assert len(parts) == -(-len(FIXTURES) // 16)
    if fmt == "jsonl":
        written = [json.loads(line) for part in parts for line in part.read_text(encoding="utf-8").splitlines()]
    else:
        written = [row for part in parts for row in pq.read_table(part).to_pylist()]
    assert written == expected


def test_the_recipe_script_runs_on_a_running_cluster(cluster, tmp_path, capsys):
    archive_folder = ROOT / "fixtures" / "families"
    out = tmp_path / "out"
    assert archive_dask.main([str(archive_folder), str(out), "--scheduler", cluster.scheduler_address]) == 0
    files = sorted(str(path) for path in archive_folder.rglob("*.xml"))
    rows = [json.loads(line) for part in sorted(out.glob("*.jsonl")) for line in part.read_text().splitlines()]
    assert rows == list(archive.rows_of_files(files))
    assert f"{len(files):,} files, {len(rows):,} rows written to {out} as jsonl" in capsys.readouterr().out



def test_the_recipe_in_the_docs_runs_as_written(tmp_path, monkeypatch):
    page = (ROOT / "docs" / "how-to" / "archive.md").read_text(encoding="utf-8")
    (recipe,) = [block for block in re.findall(r"```python\n(.*?)```", page, re.S) if "LocalCluster" in block]
    (tmp_path / "recipe.py").write_text(recipe.replace("n_workers=4", "n_workers=2"), encoding="utf-8")
    (tmp_path / "archive").symlink_to(ROOT / "fixtures" / "families")
    monkeypatch.chdir(tmp_path)
    source = os.pathsep.join(filter(None, (str(ROOT / "src"), os.environ.get("PYTHONPATH"))))
    ran = subprocess.run(
        [sys.executable, "recipe.py"], env={**os.environ, "PYTHONPATH": source}, capture_output=True, timeout=300
    )
    assert ran.returncode == 0, ran.stderr.decode()[-2000:]
    expected = list(archive.rows_of_files(sorted(str(path) for path in Path("archive").rglob("*.xml"))))
    parts = sorted(Path("out").iterdir())
    jsonl = [json.loads(line) for part in parts if part.suffix == ".jsonl" for line in part.read_text().splitlines()]
    parquet = [row for part in parts if part.suffix == ".parquet" for row in pq.read_table(part).to_pylist()]
    assert jsonl == parquet == expected
