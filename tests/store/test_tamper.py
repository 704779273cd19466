"""CHAIN-1 on stored worlds: a changed byte or a missing event is named by verify."""

from __future__ import annotations

from typing import Any

from hightable.service import WorldService
from hightable.store import EventStore, open_store
from hightable.store.sharded import ShardedStore

START = "2019-05-17T17:00:00Z"


def stored_world(store: EventStore) -> WorldService:
    service = WorldService(store)
    service.create("w", START)
    for minute, member in enumerate(("john", "winston", "sofia", "charon"), start=1):
        service.execute(
            "w",
            {
                "by": "table",
                "do": "register",
                "member": member,
                "name": member,
                "at": f"2019-05-17T17:0{minute}:00Z",
            },
        )
    service.execute(
        "w", {"by": "table", "do": "mint", "to": "john", "amount": 10, "at": "2019-05-17T17:06:00Z"}
    )
    return service


def sql(store: EventStore, statement: str, *arguments: Any, world: str = "w") -> Any:
    """A statement run as is, on the database that holds `world` (a sharded store's shard)."""
    target = store.shard(world) if isinstance(store, ShardedStore) else store

    def work(cursor: Any) -> Any:
        cursor.execute(target._sql(statement), arguments)  # type: ignore[attr-defined]
        return cursor.fetchall() if cursor.description else None

    return target._run(work)  # type: ignore[attr-defined]


def test_chain_1_verify_names_the_event_whose_byte_was_flipped(durable_url: str) -> None:
    """One byte of seq 6 changed in the database: verify names seq 6."""
    with open_store(durable_url) as store:
        service = stored_world(store)
        assert service.verify("w").ok  # type: ignore[union-attr]
        body = bytearray(sql(store, "SELECT body FROM events WHERE world = 'w' AND seq = 6")[0][0])
        body[body.index(b"10")] = ord("9")  # ten coins minted become ninety
        sql(store, "UPDATE events SET body = ? WHERE world = 'w' AND seq = 6", bytes(body))
        verdict = WorldService(store).verify("w")
        assert not verdict.ok and 6 == verdict.bad_seq  # type: ignore[union-attr]
        assert "bytes do not match" in verdict.problem  # type: ignore[union-attr, operator]


def test_chain_1_verify_names_the_gap_of_a_deleted_event(durable_url: str) -> None:
    """Seq 3 deleted from the database: verify names the gap at seq 3."""
    with open_store(durable_url) as store:
        service = stored_world(store)
        sql(store, "DELETE FROM events WHERE world = 'w' AND seq = 3")
        verdict = service.verify("w")
        assert not verdict.ok and 3 == verdict.bad_seq  # type: ignore[union-attr]
        assert "gap" in verdict.problem  # type: ignore[union-attr, operator]
