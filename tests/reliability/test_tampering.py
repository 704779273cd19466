"""Tampering with a stored world, every way and at every event: `verify` names the first bad seq.

The world is the canon (`stories/canon/john-wick.yaml`), kept in SQLite and in PostgreSQL; each
tamper is made with plain SQL on the events table, checked, then undone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from figures import FIGURES
from hightable.core import Refusal
from hightable.core.chain import Verdict, link
from hightable.service import WorldService
from hightable.store import EventStore, open_store
from hightable.stories import load_story, play

CANON = Path(__file__).parents[2] / "stories" / "canon" / "john-wick.yaml"
Row = tuple[Any, ...]


@pytest.fixture
def kept(durable_url: str) -> Iterator[EventStore]:
    _, ledger = play(load_story(CANON))
    with open_store(durable_url) as store:
        assert not isinstance(WorldService(store).adopt("canon", ledger.events), Refusal)
        yield store


def sql(store: EventStore, statement: str, *arguments: Any) -> list[Row]:
    def work(cursor: Any) -> list[Row]:
        cursor.execute(store._sql(statement), arguments)  # type: ignore[attr-defined]
        return list(cursor.fetchall()) if cursor.description else []

    return store._run(work)  # type: ignore[attr-defined, no-any-return]


def rows(store: EventStore) -> list[Row]:
    return sql(
        store, "SELECT seq, at, type, body, hash FROM events WHERE world = 'canon' ORDER BY seq"
    )


def put_back(store: EventStore, original: list[Row]) -> None:
    sql(store, "DELETE FROM events WHERE world = 'canon'")
    for row in original:
        sql(
            store,
            "INSERT INTO events (world, seq, at, type, body, hash) VALUES ('canon', ?, ?, ?, ?, ?)",
            *row,
        )


def verdict(store: EventStore) -> Verdict:
    found = WorldService(store).verify("canon")
    assert isinstance(found, Verdict)
    return found


def set_body(store: EventStore, seq: int, body: bytes) -> None:
    sql(store, "UPDATE events SET body = ? WHERE world = 'canon' AND seq = ?", body, seq)


def flip_a_byte(store: EventStore, row: Row) -> None:
    body = bytearray(bytes(row[3]))
    body[-2] = ord("1") if body[-2] != ord("1") else ord("2")  # inside the last value
    set_body(store, row[0], bytes(body))


def change_the_instant(store: EventStore, row: Row) -> None:
    sql(
        store,
        "UPDATE events SET at = ? WHERE world = 'canon' AND seq = ?",
        "2000-01-01T00:00:00Z",
        row[0],
    )


def forge_the_hash(store: EventStore, row: Row) -> None:
    sql(store, "UPDATE events SET hash = ? WHERE world = 'canon' AND seq = ?", "0" * 64, row[0])


def delete(store: EventStore, row: Row) -> None:
    sql(store, "DELETE FROM events WHERE world = 'canon' AND seq = ?", row[0])


def swap_with_the_next(store: EventStore, row: Row) -> None:
    """Two events change places (bodies and hashes moved, seqs kept)."""
    after = sql(
        store, "SELECT body, hash FROM events WHERE world = 'canon' AND seq = ?", row[0] + 1
    )[0]
    sql(
        store,
        "UPDATE events SET body = ?, hash = ? WHERE world = 'canon' AND seq = ?",
        *after,
        row[0],
    )
    sql(
        store,
        "UPDATE events SET body = ?, hash = ? WHERE world = 'canon' AND seq = ?",
        row[3],
        row[4],
        row[0] + 1,
    )


def insert_before(store: EventStore, row: Row) -> None:
    """A forged event slipped in at this seq, every later event moved one on."""
    later = sql(
        store, "SELECT seq FROM events WHERE world = 'canon' AND seq >= ? ORDER BY seq DESC", row[0]
    )
    for (seq,) in later:
        sql(store, "UPDATE events SET seq = ? WHERE world = 'canon' AND seq = ?", seq + 1, seq)
    forged = bytes(row[3]).replace(b'"type"', b'"forged":true,"type"', 1)
    sql(
        store,
        "INSERT INTO events (world, seq, at, type, body, hash) VALUES ('canon', ?, ?, ?, ?, ?)",
        row[0],
        row[1],
        row[2],
        forged,
        row[4],
    )


TAMPERS: dict[str, Callable[[EventStore, Row], None]] = {
    "a byte of the event altered": flip_a_byte,
    "its stored instant altered": change_the_instant,
    "its hash forged": forge_the_hash,
    "deleted": delete,
    "swapped with the next": swap_with_the_next,
    "a forged event inserted before it": insert_before,
}


def test_every_tamper_at_every_event_is_caught_naming_the_first_bad_seq(kept: EventStore) -> None:
    original = rows(kept)
    assert verdict(kept).ok and len(original) > 90
    last = original[-1][0]
    for name, tamper in TAMPERS.items():
        for row in original:
            if row[0] == last and name == "swapped with the next":
                continue  # the last event has no next
            tamper(kept, row)
            found = verdict(kept)
            assert (False, row[0]) == (found.ok, found.bad_seq), (name, row[0], found)
            FIGURES.count("tampers caught")
            put_back(kept, original)
    assert verdict(kept).ok


def test_a_log_cut_short_or_rechained_misses_its_recorded_head(kept: EventStore) -> None:
    """A forger who rewrites the hashes so that the chain is sound again is caught all the same:
    the chain no longer ends at the head recorded beside it."""
    original = rows(kept)
    for cut in (1, 5):
        sql(kept, "DELETE FROM events WHERE world = 'canon' AND seq > ?", len(original) - cut)
        found = verdict(kept)
        assert (False, len(original) - cut + 1) == (found.ok, found.bad_seq), found
        assert "missing" in (found.problem or "")
        FIGURES.count("tampers caught")
        put_back(kept, original)
    # Rewrite the last event and re-chain it: its hash is sound, but not the recorded one.
    last = original[-1]
    forged = bytes(last[3]).replace(b'"by":"', b'"by":"x', 1)
    digest = link(bytes.fromhex(original[-2][4]), forged).hex()
    sql(
        kept,
        "UPDATE events SET body = ?, hash = ? WHERE world = 'canon' AND seq = ?",
        forged,
        digest,
        last[0],
    )
    found = verdict(kept)
    assert (False, last[0]) == (found.ok, found.bad_seq), found
    FIGURES.count("tampers caught")
