"""The ledger's tables, and the migrations that bring a ledger made by an older dmtool up to date.

The schema is versioned: ``ledger_meta`` holds ``schema_version``, the number of :data:`MIGRATIONS` applied. Opening
a ledger applies the ones it lacks, in order, in one transaction under the schema lock, so that processes starting
together migrate once and a process killed meanwhile leaves the ledger as it was. A ledger from a newer dmtool (a
higher version) is refused rather than misread. A migration is only ever added at the end, never changed.

``ledger_meta`` also holds the ledger's own settings: ``patient_key`` (the key of the patient's keyed hash, made when
the ledger is, see :mod:`dmtool.ledger.entries`) and ``receipt_timeout`` (seconds after which a sent message without
an AppRec is overdue; default an hour).
"""

from __future__ import annotations

import secrets
from typing import Final

from .store import LedgerError, Store

#: One entry per schema version: the statements that make it from the one before (``{serial}`` is the dialect's
#: self-numbering key, :attr:`Store.types`).
MIGRATIONS: Final[list[tuple[str, ...]]] = [
    (
        """CREATE TABLE ledger_messages (
            id {serial},
            msg_id TEXT UNIQUE,
            content_sha256 TEXT NOT NULL UNIQUE,
            direction TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
            kind TEXT NOT NULL,
            msg_type TEXT,
            version TEXT,
            sender_her TEXT NOT NULL,
            receiver_her TEXT NOT NULL,
            conversation TEXT,
            parent TEXT,
            thread TEXT,
            gen_date TEXT,
            gen_utc TEXT,
            gen_day TEXT,
            reply_by TEXT,
            valid INTEGER NOT NULL,
            rules TEXT NOT NULL,
            status TEXT,
            errors TEXT NOT NULL,
            fagomrader TEXT NOT NULL,
            patient_hmac TEXT
        )""",
        "CREATE INDEX ledger_messages_parent ON ledger_messages (parent)",
        "CREATE INDEX ledger_messages_thread ON ledger_messages (thread)",
        "CREATE INDEX ledger_messages_sent ON ledger_messages (direction, kind, gen_utc)",
    ),
]
#: The schema version this dmtool writes.
SCHEMA_VERSION: Final = len(MIGRATIONS)
#: The default of ``receipt_timeout``: an hour.
DEFAULT_RECEIPT_TIMEOUT: Final = 3600


def migrate(store: Store) -> int:
    """Bring the ledger in ``store`` to :data:`SCHEMA_VERSION` (making it when it is empty); the version it had."""
    with store.transaction():
        store.lock_schema()
        store.execute("CREATE TABLE IF NOT EXISTS ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        rows = store.query("SELECT value FROM ledger_meta WHERE key = 'schema_version'")
        found = int(rows[0][0]) if rows else 0
        if found > len(MIGRATIONS):
            raise LedgerError(f"{store.name}: the ledger has schema version {found}, made by a newer dmtool than this "
                              f"one (which knows {len(MIGRATIONS)}); upgrade dmtool")  # fmt: skip
        for statements in MIGRATIONS[found:]:
            for statement in statements:
                store.execute(statement.format(**store.types))
        defaults = {
            "schema_version": str(len(MIGRATIONS)),
            "patient_key": secrets.token_hex(32),
            "receipt_timeout": str(DEFAULT_RECEIPT_TIMEOUT),
        }
        for key, value in defaults.items():
            store.execute("INSERT INTO ledger_meta (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING", (key, value))
        store.execute("UPDATE ledger_meta SET value = ? WHERE key = 'schema_version'", (str(len(MIGRATIONS)),))
    return found
