"""Validate an archive of messages on Dask: ``dask.bag`` from file paths to JSON Lines or Parquet (issue 22).

The recipe of ``docs/how-to/archive.md``, runnable. Every ``*.xml`` below ``ARCHIVE`` (sorted, as ``dmtool validate
DIR`` takes them) goes into a bag of paths; each partition is validated where it runs by
:func:`dmtool.archive.rows_of_files` and written as one file of ``OUT``: ``part-00000.jsonl``, ... (one row a line)
or ``part-00000.parquet``, ... (:func:`dmtool.archive.write_parquet`). Rows come in the order of the paths, partition
after partition. Install the ``archive`` extra (Dask, distributed and pyarrow) and run from the project root::

    .venv/bin/pip install -e '.[archive]'
    .venv/bin/python tools/archive_dask.py ARCHIVE OUT [--format parquet] [--workers 4 | --scheduler tcp://HOST:8786]

Without ``--scheduler`` it starts a local cluster of ``--workers`` processes (one thread each: validation holds the
GIL) on this machine; with it, it uses a running cluster whose workers can read ``ARCHIVE`` at the same path and
write ``OUT`` (a shared file system) and have dmtool installed. Prints how many files and rows, and where they went.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from dmtool import archive, config
from dmtool.standards import profiles
from dmtool.standards.profiles import Settings

#: Files per partition (per task): large enough that Dask's cost per task (about a millisecond) is small beside
#: validating them (a millisecond or so each), small enough to spread a few thousand files over the workers.
PARTITION_SIZE: Final = 500


def validate_archive(
    paths: Sequence[str], out: Path, scheduler: Any, fmt: str = "jsonl", partition_size: int = PARTITION_SIZE,
    settings: Settings | None = None,
) -> int:  # fmt: skip
    """Validate the files ``paths`` into the folder ``out``, in ``fmt`` (``jsonl`` or ``parquet``), on ``scheduler``
    (a ``dask.distributed.Client``, or a name of Dask's own schedulers such as ``"processes"``); how many rows were
    written."""
    import dask
    import dask.bag as db

    out.mkdir(parents=True, exist_ok=True)
    bag = db.from_sequence(paths, partition_size=partition_size).map_partitions(archive.rows_of_files, settings)
    if fmt == "parquet":
        writes = [
            dask.delayed(archive.write_parquet)(part, out / f"part-{at:05}.parquet")
            for at, part in enumerate(bag.to_delayed())
        ]
        return sum(dask.compute(*writes, scheduler=scheduler))
    lines = bag.map(json.dumps, ensure_ascii=False)  # one JSON line per row, UTF-8 as dmtool validate writes
    counts = lines.count().to_delayed()  # counted in the same pass as the writing, not by reading the rows again
    written = lines.to_textfiles(str(out / "part-*.jsonl"), name_function=lambda at: f"{at:05}", last_endline=True,
                                 compute=False)  # fmt: skip
    count, _ = dask.compute(counts, written, scheduler=scheduler)
    return int(count)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("archive", type=Path, help="folder of messages: every *.xml below it")
    parser.add_argument("out", type=Path, help="folder for the part files (created)")
    parser.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl", dest="fmt")
    parser.add_argument("--workers", type=int, default=2, help="processes of the local cluster [default: 2]")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="a running cluster's scheduler instead")
    parser.add_argument("--partition-size", type=int, default=PARTITION_SIZE, help="files per task")
    parser.add_argument("--profile", choices=list(profiles.PROFILES), help="[default: national, or the config file]")
    args = parser.parse_args(argv)
    if not args.archive.is_dir():
        parser.error(f"{args.archive} is not a folder")
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        parser.error("this needs Dask with distributed: pip install 'dmtool[archive]'")
    paths = sorted(str(path) for path in args.archive.rglob("*.xml"))
    try:
        settings = config.load(profile=args.profile)
    except config.ConfigError as error:
        parser.error(str(error))
    if args.scheduler:
        with Client(args.scheduler) as client:
            count = validate_archive(paths, args.out, client, args.fmt, args.partition_size, settings)
    else:
        with (
            LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None) as local,
            Client(local) as client,
        ):
            count = validate_archive(paths, args.out, client, args.fmt, args.partition_size, settings)
    print(f"{len(paths):,} files, {count:,} rows written to {args.out} as {args.fmt}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
