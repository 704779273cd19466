"""The store's schema, versioned: each migration runs once, in order, recorded in the store itself.

A new version is appended to MIGRATIONS; a released one is never edited. A statement may be
`BACKFILL_MENTIONS`: the store then fills the index of mentions from the events it holds.
"""

from __future__ import annotations

BACKFILL_MENTIONS = "-- backfill mentions"

# (version, statements). `{blob}` and `{int}` are filled in per dialect.
MIGRATIONS: list[tuple[int, list[str]]] = [
    (
        1,
        [
            "CREATE TABLE worlds (world TEXT PRIMARY KEY, start TEXT NOT NULL)",
            # The primary key leads with the world: a store shards by world (docs/scaling.md).
            "CREATE TABLE events (world TEXT NOT NULL, seq {int} NOT NULL, at TEXT NOT NULL,"
            " type TEXT NOT NULL, body {blob} NOT NULL, hash TEXT NOT NULL,"
            " PRIMARY KEY (world, seq))",
            "CREATE INDEX events_by_instant ON events (world, at, seq)",
            "CREATE TABLE snapshots (world TEXT NOT NULL, seq {int} NOT NULL, at TEXT NOT NULL,"
            " body {blob} NOT NULL, PRIMARY KEY (world, seq))",
        ],
    ),
    (
        2,
        [
            # Access to a world over HTTP: tokens are kept as sha256 hashes, never in clear.
            "CREATE TABLE tokens (world TEXT NOT NULL, hash TEXT NOT NULL, holder TEXT NOT NULL,"
            " PRIMARY KEY (world, hash))",
            "ALTER TABLE worlds ADD COLUMN public INTEGER NOT NULL DEFAULT 0",
        ],
    ),
    (
        3,
        [
            # The head of each world's chain, written with every append: a log cut short at its
            # end still verifies as a chain, but no longer reaches its recorded head.
            "ALTER TABLE worlds ADD COLUMN head_seq {int} NOT NULL DEFAULT 0",
            "ALTER TABLE worlds ADD COLUMN head_hash TEXT NOT NULL DEFAULT ''",
            "UPDATE worlds SET head_seq = COALESCE("
            "(SELECT max(seq) FROM events WHERE events.world = worlds.world), 0)",
            "UPDATE worlds SET head_hash = COALESCE((SELECT hash FROM events"
            " WHERE events.world = worlds.world AND events.seq = worlds.head_seq), '')",
        ],
    ),
    (
        4,
        [
            # Tokens listed and revoked by the table: when and with what label each was issued,
            # and when it was revoked (a revoked token stays listed, and is refused).
            "ALTER TABLE tokens ADD COLUMN label TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE tokens ADD COLUMN issued_at TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE tokens ADD COLUMN revoked_at TEXT",
            # An archived world is read-only and left out of the public listing (WORLD-2).
            "ALTER TABLE worlds ADD COLUMN archived INTEGER NOT NULL DEFAULT 0",
        ],
    ),
    (
        5,
        [
            # Which events name which ids (core/mentions.py), written with the events in the
            # same transaction: a dossier reads its member's events, not the whole log.
            "CREATE TABLE mentions (world TEXT NOT NULL, name TEXT NOT NULL, seq {int} NOT NULL,"
            " PRIMARY KEY (world, name, seq))",
            # verify reads the index in the log's order, beside the log.
            "CREATE INDEX mentions_by_seq ON mentions (world, seq)",
            BACKFILL_MENTIONS,
        ],
    ),
]

SCHEMA_TABLE = "CREATE TABLE IF NOT EXISTS hightable_schema (version INTEGER NOT NULL)"
LATEST = MIGRATIONS[-1][0]
