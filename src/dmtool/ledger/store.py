"""Where a ledger keeps its rows: one small interface over SQLite (:class:`SqliteStore`, the standard library's
``sqlite3``) and PostgreSQL (:class:`~dmtool.ledger.postgres.PostgresStore`, psycopg 3, an optional extra).

SQL is written once, with ``?`` for parameters; each store says how its database spells the few things that differ
(:attr:`Store.types`). Every change is made inside :meth:`Store.transaction`, which holds the ledger's write lock
until it ends: SQLite's ``BEGIN IMMEDIATE`` (one writer at a time in the file, others wait up to
:data:`BUSY_SECONDS`), or a PostgreSQL transaction, where unique indexes settle races between writers.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

from ..errors import DmtoolError

#: How long a writer waits for another to finish its transaction before giving up.
BUSY_SECONDS: Final = 60.0
#: URL schemes of a PostgreSQL ledger, and the prefix of an SQLite one (``sqlite:///relative.sqlite``,
#: ``sqlite:////absolute.sqlite``).
POSTGRES_SCHEMES: Final = ("postgresql", "postgres")
SQLITE_PREFIX: Final = "sqlite:///"

Row = tuple[Any, ...]


class LedgerError(DmtoolError):
    """A ledger that cannot be opened or used: the message says which, why, and what to do."""


class Store(ABC):
    """A database holding a ledger. :attr:`dialect` names it; :attr:`types` fills the places where the schema's SQL
    differs between databases (``{serial}``: an integer key that numbers rows by itself)."""

    dialect: str
    types: dict[str, str]
    #: How the ledger is named in messages (a PostgreSQL URL without its password).
    name: str
    #: What the database's driver raises when a statement fails.
    errors: tuple[type[Exception], ...]

    @abstractmethod
    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """A transaction holding the ledger's write lock: committed when the block ends, rolled back when it raises."""

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; the number of rows it changed."""

    @abstractmethod
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run one query; its rows."""

    def lock_schema(self) -> None:  # noqa: B027 (SQLite's write transaction is the lock already)
        """Inside :meth:`transaction`: keep other processes from changing the schema until it ends."""

    @abstractmethod
    def close(self) -> None:
        """Close the connection."""


class SqliteStore(Store):
    """A ledger in one SQLite file, in WAL mode: readers never wait for the writer, and a transaction that a killed
    process left unfinished is rolled back when the file is next opened. Commits are flushed to disk
    (``synchronous=FULL``)."""

    dialect = "sqlite"
    types: dict[str, str] = {"serial": "INTEGER PRIMARY KEY"}  # noqa: RUF012 (read only)
    errors = (sqlite3.Error,)

    def __init__(self, path: str, *, create: bool = True) -> None:
        self.name = path
        if not create and path != ":memory:" and not os.path.exists(path):
            raise LedgerError(f"{path}: no ledger there; record a message into it first (dmtool ledger record)")
        try:
            self._connection = sqlite3.connect(
                path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise LedgerError(f"{path}: cannot open the ledger: {error}") from None
        try:
            mode = self._connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            self._connection.execute("PRAGMA synchronous=FULL")
        except sqlite3.Error as error:
            self._connection.close()
            raise LedgerError(f"{path}: cannot open the ledger: {error} (is it an SQLite file?)") from None
        if str(mode).lower() not in ("wal", "memory"):
            self._connection.close()
            raise LedgerError(f"{path}: the file system does not allow SQLite's WAL mode; put the ledger elsewhere")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        self._connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self._connection.execute("COMMIT")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._connection.execute(sql, tuple(params)).rowcount

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self._connection.execute(sql, tuple(params)).fetchall()

    def close(self) -> None:
        self._connection.close()


def shown(url: str) -> str:
    """``url`` without the password it may hold, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def open_store(url: str, *, create: bool = True) -> Store:
    """The store ``url`` names: ``postgresql://…`` (or ``postgres://``), ``sqlite:///PATH``, or a plain file path.
    With ``create`` false an SQLite file that does not exist is refused rather than made."""
    scheme = url.split(":", 1)[0].lower() if "://" in url else ""
    if scheme in POSTGRES_SCHEMES:
        from .postgres import PostgresStore

        return PostgresStore(url)
    if url.startswith(SQLITE_PREFIX):
        return SqliteStore(url[len(SQLITE_PREFIX) :], create=create)
    if scheme:
        raise LedgerError(f"{shown(url)}: not a ledger URL; use a file path, sqlite:///PATH or postgresql://…")
    return SqliteStore(url, create=create)
