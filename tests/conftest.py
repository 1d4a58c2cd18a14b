"""Fixtures shared by test modules: the ledgers on SQLite and PostgreSQL (``tests/ledgers.py``)."""

from ledgers import ledger_url, ledgers  # noqa: F401 (fixtures)
