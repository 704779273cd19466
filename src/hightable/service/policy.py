"""When a batch carries a snapshot: the policy, and the `state_sealed` record that vouches for
it (CHAIN-2), appended in the same transaction as the batch."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from hightable.core import Outcome, evolve
from hightable.core.chain import Record, seal
from hightable.core.seals import StateSealed, state_digest
from hightable.core.state import TABLE
from hightable.limits import snapshot_interval_events
from hightable.service.held import Held, Loaded
from hightable.snapshots import FORMAT, encode_snapshot
from hightable.store import Snapshot

log = logging.getLogger("hightable")


@dataclass
class Plan:
    """A batch decided on the world's state: its outcomes and the records to append."""

    outcomes: list[Outcome] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    snapshot: Snapshot | None = None


class SnapshotPolicy:
    """Every `every` events, but a big state only once the events since its last snapshot
    weigh as much as it, so that snapshots never outweigh the log."""

    def __init__(self, every: int = snapshot_interval_events) -> None:
        self.every = every

    def seal_into(self, world: str, held: Held, loaded: Loaded, plan: Plan) -> None:
        """When a snapshot is due, add it and the `state_sealed` record that vouches for it.
        A snapshot is only a cache: if it cannot be made, the batch goes without."""
        if not self._due(held, loaded, plan.records):
            return
        state, head = loaded.state, plan.records[-1]
        try:
            snapshot = encode_snapshot(world, state, head.hash)
            digest = state_digest(state)
            sealed = StateSealed(
                world=world,
                seq=state.seq + 1,
                at=state.clock,
                by=TABLE,
                digest=digest,
                format=FORMAT,
            )
            record = seal([sealed], bytes.fromhex(head.hash))
        except Exception:
            log.exception("world %s: no snapshot at seq %d", world, state.seq)
            return
        evolve(state, sealed)
        plan.records += record
        plan.snapshot = snapshot

    def _due(self, held: Held, loaded: Loaded, records: list[Record]) -> bool:
        head = records[-1]
        crossed = head.seq // self.every > loaded.head.seq // self.every
        return crossed and held.logged_since + weight(records) >= held.snapshot_bytes

    @staticmethod
    def committed(held: Held, plan: Plan) -> None:
        """The batch is committed: count what was logged since the last snapshot (only now, so
        that a batch that lost a race is not counted)."""
        if plan.snapshot is not None:
            held.snapshot_bytes, held.logged_since = len(plan.snapshot.body), 0
        else:
            held.logged_since += weight(plan.records)


def weight(records: list[Record]) -> int:
    return sum(len(record.body) for record in records)
