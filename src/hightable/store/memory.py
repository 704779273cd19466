"""The in-memory store: for tests and stories; it forgets everything when the process ends."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence

from hightable.core.chain import Record
from hightable.core.mentions import mention_rows
from hightable.errors import Archived, NoSuchWorld, WorldExists
from hightable.store.base import (
    TOKEN_ID_LENGTH,
    EventStore,
    Snapshot,
    TokenInfo,
    WorldSummary,
    check_next,
    check_tail,
)


class MemoryStore(EventStore):
    def __init__(self, url: str = "memory://") -> None:
        self.url = url
        self._lock = threading.Lock()
        self._starts: dict[str, str] = {}
        self._logs: dict[str, list[Record]] = {}
        self._snapshots: dict[str, dict[int, Snapshot]] = {}
        self._tokens: dict[tuple[str, str], TokenInfo] = {}
        self._public: set[str] = set()
        self._archived: set[str] = set()
        # world -> name -> the seqs of its events that name it, ascending (the index of mentions)
        self._mentions: dict[str, dict[str, list[int]]] = {}

    def create_world(self, world: str, start: str, records: Iterable[Record]) -> None:
        records = list(records)  # a memory store holds every record anyway
        with self._lock:
            if world in self._logs:
                raise WorldExists(f"a world {world!r} exists already")
            check_next(world, records, (0, ""))
            self._starts[world], self._logs[world] = start, list(records)
            self._mentions[world] = {}
            self._index(world, records)

    def append(
        self, world: str, records: Sequence[Record], snapshot: Snapshot | None = None
    ) -> None:
        with self._lock:
            log = self._logs.get(world)
            if log is None:
                raise NoSuchWorld(f"no world {world!r} in {self.url}")
            if world in self._archived:
                raise Archived(f"world {world} is archived")
            head = (log[-1].seq, log[-1].hash) if log else (0, "")
            check_tail(world, head, log[-2:][::-1])
            check_next(world, records, head)
            log.extend(records)
            self._index(world, records)
            if snapshot is not None:
                self._keep_snapshot(snapshot)

    def head(self, world: str) -> Record | None:
        log = self._logs.get(world)
        return log[-1] if log else None

    def recorded_head(self, world: str) -> tuple[int, str] | None:
        head = self.head(world)
        return (head.seq, head.hash) if head else None

    def read(
        self, world: str, after: int = 0, until_seq: int | None = None, until_at: str | None = None
    ) -> Iterator[Record]:
        for record in list(self._logs.get(world, ()))[after:until_seq]:
            if until_at is not None and record.at > until_at:
                return
            yield record

    def _index(self, world: str, records: Sequence[Record]) -> None:
        index = self._mentions[world]
        for record in records:
            for seq, name in mention_rows(record.seq, record.body):
                index.setdefault(name, []).append(seq)

    def read_seqs(self, world: str, seqs: Sequence[int]) -> list[Record]:
        log = self._logs.get(world, [])
        return [log[seq - 1] for seq in sorted(set(seqs)) if 0 < seq <= len(log)]

    def mentioning(self, world: str, names: Sequence[str]) -> list[int]:
        index = self._mentions.get(world, {})
        return sorted({seq for name in set(names) for seq in index.get(name, ())})

    def mentions(self, world: str) -> Iterator[tuple[int, str]]:
        index = self._mentions.get(world, {})
        yield from sorted((seq, name) for name, seqs in index.items() for seq in seqs)

    def worlds(self) -> list[WorldSummary]:
        return [
            WorldSummary(world, self._starts[world], len(log), log[-1].at)
            for world, log in sorted(self._logs.items())
        ]

    def delete_world(self, world: str) -> bool:
        with self._lock:
            if self._logs.pop(world, None) is None:
                return False
            self._starts.pop(world, None)
            self._snapshots.pop(world, None)
            self._public.discard(world)
            self._archived.discard(world)
            self._mentions.pop(world, None)
            for key in [key for key in self._tokens if key[0] == world]:
                del self._tokens[key]
            return True

    def save_snapshot(self, snapshot: Snapshot) -> None:
        with self._lock:
            self._keep_snapshot(snapshot)

    def _keep_snapshot(self, snapshot: Snapshot) -> None:
        self._snapshots.setdefault(snapshot.world, {})[snapshot.seq] = snapshot

    def latest_snapshot(self, world: str, at_or_before: str | None = None) -> Snapshot | None:
        candidates = [
            snapshot
            for snapshot in self._snapshots.get(world, {}).values()
            if at_or_before is None or snapshot.at <= at_or_before
        ]
        return max(candidates, key=lambda snapshot: snapshot.seq, default=None)

    def snapshots(self, world: str) -> Iterator[Snapshot]:
        kept = self._snapshots.get(world, {})
        yield from (kept[seq] for seq in sorted(kept))

    def drop_snapshots(self, world: str | None = None) -> None:
        with self._lock:
            if world is None:
                self._snapshots.clear()
            else:
                self._snapshots.pop(world, None)

    def save_token(
        self, world: str, token_hash: str, holder: str, issued_at: str = "", label: str = ""
    ) -> None:
        with self._lock:
            info = TokenInfo(token_hash[:TOKEN_ID_LENGTH], holder, label, issued_at, None)
            self._tokens[(world, token_hash)] = info

    def token_holder(self, world: str, token_hash: str) -> str | None:
        info = self._tokens.get((world, token_hash))
        return info.holder if info and info.revoked_at is None else None

    def tokens(self, world: str) -> list[TokenInfo]:
        kept = [info for (w, _), info in self._tokens.items() if w == world]
        return sorted(kept, key=lambda info: (info.issued_at, info.id))

    def revoke_token(self, world: str, token_id: str, at: str) -> bool:
        with self._lock:
            for key, info in self._tokens.items():
                if key[0] == world and info.id == token_id and info.revoked_at is None:
                    self._tokens[key] = TokenInfo(
                        info.id, info.holder, info.label, info.issued_at, at
                    )
                    return True
            return False

    def set_public(self, world: str, public: bool) -> None:
        with self._lock:
            (self._public.add if public else self._public.discard)(world)

    def is_public(self, world: str) -> bool:
        return world in self._public

    def set_archived(self, world: str, archived: bool) -> None:
        with self._lock:
            (self._archived.add if archived else self._archived.discard)(world)

    def is_archived(self, world: str) -> bool:
        return world in self._archived
