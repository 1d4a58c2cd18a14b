"""Ledgers for the tests, on SQLite and on PostgreSQL alike: the ``ledger_url`` fixture gives each test a new, empty
ledger on each backend.

PostgreSQL runs when ``DMTOOL_TEST_POSTGRES`` names a database the tests may make schemas in
(``postgresql://user:password@host/database``); each ledger is a schema of its own, dropped afterwards. Without it the
PostgreSQL cases are skipped, unless ``DMTOOL_TEST_POSTGRES_REQUIRED`` is set (CI sets both: ``.ci/run``), when they
fail: CI must not pass by skipping them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

POSTGRES_ENV = "DMTOOL_TEST_POSTGRES"
REQUIRED_ENV = "DMTOOL_TEST_POSTGRES_REQUIRED"
BACKENDS = ("sqlite", "postgresql")


def postgres_server() -> str:
    """The PostgreSQL URL the tests use; skips the calling test (fails it where PostgreSQL is required) without one."""
    url = os.environ.get(POSTGRES_ENV, "")
    required = bool(os.environ.get(REQUIRED_ENV))
    if not url:
        if required:
            pytest.fail(f"{REQUIRED_ENV} is set but {POSTGRES_ENV} is not: the PostgreSQL tests must run")
        pytest.skip(f"no PostgreSQL: set {POSTGRES_ENV}=postgresql://user:password@host/database to run these")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        if required:
            pytest.fail("psycopg is not installed but the PostgreSQL tests must run: pip install 'dmtool[postgres]'")
        pytest.skip("psycopg is not installed: pip install 'dmtool[postgres]'")
    return url


def postgres_schema(url: str) -> tuple[str, str]:
    """A new schema in the database ``url`` names, and the URL of a ledger in it."""
    import psycopg

    schema = f"dmtool_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    joiner = "&" if "?" in url else "?"
    return schema, f"{url}{joiner}options={quote(f'-csearch_path={schema}')}"


def drop_schema(url: str, schema: str) -> None:
    """Remove ``schema`` (:func:`postgres_schema`) and everything in it."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=BACKENDS)
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty ledger on each backend: an SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield str(tmp_path / "ledger.sqlite")
        return
    server = postgres_server()
    schema, url = postgres_schema(server)
    try:
        yield url
    finally:
        drop_schema(server, schema)


class Ledgers:
    """New, empty ledgers on one backend, any number, for a property test whose every example needs its own."""

    def __init__(self, backend: str, folder: Path) -> None:
        self.backend = backend
        self.folder = folder
        self.server = postgres_server() if backend == "postgresql" else ""
        self.schemas: list[str] = []

    def new(self) -> str:
        """The URL of a new, empty ledger."""
        if self.backend == "sqlite":
            return str(self.folder / f"{uuid.uuid4().hex}.sqlite")
        schema, url = postgres_schema(self.server)
        self.schemas.append(schema)
        return url

    def drop(self) -> None:
        """Remove every PostgreSQL schema made."""
        for schema in self.schemas:
            drop_schema(self.server, schema)


@pytest.fixture(params=BACKENDS)
def ledgers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Ledgers]:
    """A maker of new, empty ledgers on each backend (:class:`Ledgers`)."""
    made = Ledgers(request.param, tmp_path)
    try:
        yield made
    finally:
        made.drop()
