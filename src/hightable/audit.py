"""`verify`: a world's stored log and snapshots checked end to end, in one pass.

The chain (CHAIN-1) record by record; a replay of every event with the ledger's invariants after
each (INVARIANT-1); each `state_sealed` digest against the replayed state, and each stored
snapshot against the state the log gives at its seq (CHAIN-2); the kept totals recounted at the
end; the index of mentions against the events it indexes (core/mentions.py: a row removed
would hide an event from a dossier, a row added would show one that names no one there); and
the log's last record against the head recorded beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from hightable.checked import (
    Progress,
    against_recorded_head,
    check_record,
    check_seal,
    counted,
    evolve_checked,
    initial_from,
)
from hightable.core import State, Verdict
from hightable.core.chain import GENESIS, Record, seq_problem
from hightable.core.events import event_decoder
from hightable.core.invariants import recount
from hightable.core.mentions import names_in_body
from hightable.core.seals import state_digest
from hightable.errors import Corrupt
from hightable.snapshots import decode_snapshot, filed_right
from hightable.store import Snapshot


def audit(
    world: str,
    records: Iterable[Record],
    snapshots: Iterable[Snapshot],
    recorded_head: tuple[int, str],
    progress: Progress | None = None,
    mentions: Iterable[tuple[int, str]] = (),
) -> Verdict:
    """The first thing wrong with a stored world, or a sound verdict."""
    replay = _Replay(world, iter(snapshots), _Index(world, mentions))
    try:
        for record in counted(records, progress):
            # The record's link, columns and body are checked as it is applied (check_record).
            problem = seq_problem(record, replay.count + 1)
            if problem:
                return replay.failed(*problem)
            replay.apply(record)
        replay.finish()
    except Corrupt as error:
        return replay.failed(error.seq or replay.count + 1, str(error))
    verdict = against_recorded_head(Verdict(True, replay.count, replay.prev.hex()), *recorded_head)
    past = replay.index.past()
    if verdict.ok and past is not None:  # a log cut short is named by its recorded head first
        return replay.failed(past, replay.index.text(past, "names an event past the log"))
    return verdict


class _Replay:
    """The state of the audit: the replayed world, the last hash, the next stored snapshot."""

    def __init__(self, world: str, snapshots: Iterator[Snapshot], index: _Index) -> None:
        self.world, self.snapshots, self.index = world, snapshots, index
        self.state: State | None = None
        self.prev, self.count = GENESIS, 0
        self.decode = event_decoder().decode
        self.pending = next(snapshots, None)

    def apply(self, record: Record) -> None:
        event, self.prev = check_record(self.world, record, self.prev, self.decode)
        if self.state is None:
            self.state = initial_from(event)
        else:
            check_seal(self.world, self.state, event)
        evolve_checked(self.world, self.state, event)
        self.index.check(record)
        self.count += 1
        while self.pending is not None and self.pending.seq <= record.seq:
            if self.pending.seq == record.seq:
                self._compare(self.pending, record)
            self.pending = next(self.snapshots, None)

    def _compare(self, snapshot: Snapshot, record: Record) -> None:
        """CHAIN-2: a snapshot hightable would use must be the state the log gives."""
        body = decode_snapshot(snapshot)
        if body is None:
            return  # unreadable or of an older format: never used, so no harm
        assert self.state is not None
        if (
            not filed_right(snapshot, body)
            or body.hash != record.hash
            or state_digest(body.state) != state_digest(self.state)
        ):
            raise Corrupt(
                f"world {self.world}: seq {snapshot.seq}: CHAIN-2: the stored snapshot differs "
                "from the state its log gives",
                snapshot.seq,
            )

    def finish(self) -> None:
        if self.pending is not None:
            seq = self.pending.seq
            raise Corrupt(f"world {self.world}: seq {seq}: CHAIN-2: a snapshot past the log", seq)
        problem = recount(self.state) if self.state is not None else None
        if problem:
            raise Corrupt(f"world {self.world}: INVARIANT-1: {problem}", self.count)

    def failed(self, seq: int, problem: str) -> Verdict:
        return Verdict(False, self.count, self.prev.hex(), seq, problem)


class _Index:
    """The index of mentions read beside the log, both in seq order: each record's rows must be
    exactly the names its body holds."""

    def __init__(self, world: str, rows: Iterable[tuple[int, str]]) -> None:
        self.world, self.rows = world, iter(rows)
        self.next = next(self.rows, None)

    def check(self, record: Record) -> None:
        found = []
        while self.next is not None and self.next[0] <= record.seq:
            found.append(self.next)
            self.next = next(self.rows, None)
        stray = [seq for seq, _ in found if seq != record.seq]
        if stray:
            self._wrong(stray[0], "names an event that is not in the log")
        names = sorted(name for _, name in found)
        expected = list(names_in_body(record.body))
        if names != expected:
            missing = sorted(set(expected) - set(names))
            extra = sorted(set(names) - set(expected))
            self._wrong(record.seq, f"differs from the event (missing {missing}, extra {extra})")

    def past(self) -> int | None:
        """The seq of a row left once the log is read: a row past its end."""
        return self.next[0] if self.next is not None else None

    def text(self, seq: int, what: str) -> str:
        return f"world {self.world}: seq {seq}: the index of mentions {what}"

    def _wrong(self, seq: int, what: str) -> None:
        raise Corrupt(self.text(seq, what), seq)
