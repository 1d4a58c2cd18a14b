"""Archive scale: validate many messages and get plain rows, for an engine that spreads the work over machines.

:func:`rows` validates ``(path, bytes)`` pairs and :func:`rows_of_files` files by path, each yielding one
:class:`Row` per message, in order: a file of several messages (a vendor's export) gives one row per message, its path
``FILE#1``, ``FILE#2``, ... as ``dmtool validate`` shows it. A row holds only ``str``, ``int``, ``bool``, ``None``,
lists and dicts, so it pickles, goes over the network to another process and is written to JSON Lines or Parquet
as it is; no lxml object is kept. The work is :func:`dmtool.validate_each`'s, and a row is the JSON line
``dmtool validate --format json`` prints for the message, with two more keys (``part`` and ``outcome``).

The recipe in ``docs/how-to/archive.md`` (``tools/archive_dask.py``) runs these on Dask: ``dask.bag`` from file paths to
JSON Lines, and Parquet with pyarrow (:func:`arrow_schema`, :func:`write_parquet`). Dask and pyarrow are the
``archive`` extra: ``pip install 'dmtool[archive]'``; this module itself needs neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypedDict, cast

from . import batch
from .facts import Original
from .profiles import Settings
from .report import Report

if TYPE_CHECKING:
    import pyarrow


class IssueRow(TypedDict):
    """One issue of a :class:`Row`: the rule id, ``"error"`` or ``"warning"``, the message, the line (if known)."""

    rule: str
    severity: str
    message: str
    line: int | None


class Row(TypedDict):
    """One message's result: the keys of ``dmtool validate --format json``'s line, then ``part`` and ``outcome``.

    ``path``: the path given, ``FILE#k`` for message ``k`` of a file of several. ``valid``: no error (warnings
    allowed). ``kind``: ``msghead``, ``apprec`` or ``unknown``. ``version``: ``dialog-1.0``, ``dialog-1.1``,
    ``apprec-1.0``, ``apprec-1.1`` or ``None``. ``msg_type``, ``msg_id``: from the envelope, or ``None``.
    ``dialog_version``, ``apprec_version``: ``"1.0"``, ``"1.1"`` or ``None``. ``wrapped``: found inside a wrapper.
    ``issues``: every problem (:class:`IssueRow`). ``reply_by``: the last day a reply is expected (``YYYY-MM-DD``),
    for a forespørsel. ``rules``: the rule set that judged it. ``profile``: the profile it was judged under. ``part``:
    the message's place in its file (1, 2, ...) when the file holds several, else ``None``. ``outcome``: ``valid``,
    ``invalid``, ``unreadable`` (``IO-ERROR``: a file that could not be read) or ``crashed`` (``INTERNAL-ERROR``: no
    verdict, a bug in dmtool), what ``dmtool validate``'s summary counts it as.
    """

    path: str
    valid: bool
    kind: str
    version: str | None
    msg_type: str | None
    dialog_version: str | None
    apprec_version: str | None
    msg_id: str | None
    wrapped: bool
    issues: list[IssueRow]
    reply_by: str | None
    rules: str
    profile: str
    part: int | None
    outcome: str


#: The keys of every :class:`Row`, in order: the fixed row schema.
FIELDS: Final[tuple[str, ...]] = tuple(Row.__annotations__)


def rows(
    items: Iterable[tuple[str, bytes]], settings: Settings | None = None, original: Original | None = None
) -> Iterator[Row]:
    """Validate each ``(path, data)`` of ``items`` and yield its rows, in order: one per message of ``data``.

    ``settings`` choose the profile and thresholds (default: national), ``original`` is the message every one of them
    answers, as for :func:`dmtool.validate_each`. Bad content never raises: it becomes issues; a failure of dmtool
    itself on one input gives that input one ``crashed`` row and the others go on.
    """
    for path, data in items:
        yield from _rows(batch.judge(data, path, settings or Settings(), original))


def rows_of_files(
    paths: Iterable[str | PathLike[str]], settings: Settings | None = None, original: Original | None = None
) -> Iterator[Row]:
    """:func:`rows` for the files at ``paths``, each read as ``dmtool validate`` reads a file (at most the size
    limit); a file that cannot be read gives one ``unreadable`` row (``IO-ERROR``) and the others go on."""
    for path in paths:
        shown = str(path)
        yield from _rows(batch.check(batch.Input(shown, shown), settings or Settings(), original))


def _rows(results: Iterable[batch.Result]) -> Iterator[Row]:
    for report, unchecked in results:
        yield row(report, unchecked)


def row(report: Report, unchecked: bool = False) -> Row:
    """The :class:`Row` of ``report``; ``unchecked`` says it is no verdict (``IO-ERROR``, ``INTERNAL-ERROR``)."""
    return cast(Row, {**report.to_dict(), "part": report.part, "outcome": batch.outcome(report, unchecked)})


def arrow_schema() -> pyarrow.Schema:
    """The Arrow schema of :class:`Row`, for Parquet: one column per key, ``issues`` a list of structs. Needs pyarrow
    (the ``archive`` extra)."""
    pa = _pyarrow()
    issue = pa.struct(
        [("rule", pa.string()), ("severity", pa.string()), ("message", pa.string()), ("line", pa.int64())]
    )
    types: dict[str, Any] = {
        **dict.fromkeys(FIELDS, pa.string()),
        "valid": pa.bool_(),
        "wrapped": pa.bool_(),
        "issues": pa.list_(issue),
        "part": pa.int64(),
    }
    return pa.schema([(name, types[name]) for name in FIELDS])


def write_parquet(rows: Iterable[Row], path: str | PathLike[str]) -> int:
    """Write ``rows`` to the Parquet file at ``path`` (:func:`arrow_schema`); how many. Needs pyarrow."""
    import pyarrow.parquet as pq

    table = _pyarrow().Table.from_pylist(list(rows), schema=arrow_schema())
    pq.write_table(table, Path(path))
    return int(table.num_rows)


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError:
        raise ImportError("writing Parquet needs pyarrow: pip install 'dmtool[archive]'") from None
    return pyarrow
