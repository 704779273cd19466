"""Loading a world: a snapshot the chain vouches for and the log after it, each record checked
as it is read (the checked reader), or a held world caught up with what others appended."""

from __future__ import annotations

from hightable.checked import Progress, apply_checked
from hightable.core import Refusal
from hightable.core.chain import GENESIS, Record, head_problem
from hightable.errors import Corrupt
from hightable.service.held import Held, Loaded
from hightable.service.lookup import no_world
from hightable.snapshots import vouched
from hightable.store import EventStore


class Loader:
    def __init__(self, store: EventStore, progress: Progress | None = None) -> None:
        self.store = store
        self.progress = progress  # told the count as a long log is replayed

    def load(self, world: str, held: Held) -> Loaded | Refusal:
        """The world caught up with the store: as held, or loaded afresh. The caller holds the
        world's lock."""
        cached = held.loaded
        if cached is None:
            return self._load_afresh(world, held)
        # Read from the held head itself: a log whose record there is another (or none) is no
        # longer the world held, which another process deleted (and perhaps made again).
        records = iter(self.store.read(world, after=cached.head.seq - 1))
        first = next(records, None)
        if first is None or (first.seq, first.hash) != (cached.head.seq, cached.head.hash):
            held.loaded = None
            return self._load_afresh(world, held)
        try:
            state, prev = apply_checked(
                world, records, cached.state, bytes.fromhex(cached.head.hash), self.progress
            )
        except Corrupt:
            # Records that do not continue what is held: the world may have been deleted and
            # made again under its id by another process. Loaded afresh, a corrupt log is
            # still found corrupt.
            held.loaded = None
            return self._load_afresh(world, held)
        except BaseException:
            held.loaded = None  # half caught up: load it afresh next time
            raise
        if state is not None and state.seq != cached.head.seq:
            cached.head = Record(state.seq, state.clock, "", b"", prev.hex())
        return cached

    def _load_afresh(self, world: str, held: Held) -> Loaded | Refusal:
        """From a snapshot the chain vouches for (or the first event), up to the recorded head."""
        # The snapshot before the head: read in another statement, a snapshot read after the
        # head could be of an append made in between, past that head.
        base = self.from_snapshot(world)
        recorded = self.store.recorded_head(world)
        if recorded is None:
            return no_world(world)
        if base is not None and base.head.seq > recorded[0]:
            base = None  # of a world deleted since, longer than the one made again
        prev = bytes.fromhex(base.head.hash) if base else GENESIS
        # Up to the head recorded first: records appended since then are read next time.
        records = self.store.read(world, base.head.seq if base else 0, until_seq=recorded[0])
        state, prev = apply_checked(
            world, records, base.state if base else None, prev, self.progress
        )
        if state is None:
            raise Corrupt(f"world {world}: its log holds no event", 1)
        problem = head_problem(state.seq, prev.hex(), *recorded)
        if problem:
            raise Corrupt(f"world {world}: seq {problem[0]}: {problem[1]}; run verify", problem[0])
        held.loaded = Loaded(state, Record(state.seq, state.clock, "", b"", prev.hex()))
        return held.loaded

    def from_snapshot(self, world: str, at_or_before: str | None = None) -> Loaded | None:
        """The latest snapshot (by an instant) that the chain vouches for (CHAIN-2), if any."""
        snapshot = self.store.latest_snapshot(world, at_or_before)
        if snapshot is None:
            return None
        sealed = next(iter(self.store.read(world, snapshot.seq, until_seq=snapshot.seq + 1)), None)
        body = vouched(snapshot, sealed)
        if body is None:
            return None
        return Loaded(body.state, Record(snapshot.seq, snapshot.at, "", b"", body.hash))
