"""The interfaces every backend implements, in three parts: the log (`EventLog`), cached states
(`SnapshotStore`) and access (`AccessStore`); a backend is all three (`EventStore`).

A store keeps records (`core.chain.Record`) per world, numbered from 1 without gaps. Appending
names the seq it expects to write next, so that two writers never both get the same seq: the
loser gets `Conflict` and re-decides. Every method is one transaction.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Protocol

from hightable.core.chain import GENESIS, Record, chain_problem, head_problem, link
from hightable.errors import Conflict, Corrupt, StoreError

_PASSWORD_PARAMETER = re.compile(r"(?<![^?&])password=[^&]*")


def safe_url(url: str) -> str:
    """A store URL for messages: each database's (several, for a sharded store) without its
    password, written before the host or as a `password=` parameter."""
    return ",".join(_without_password(one) for one in url.split(","))


def _without_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    address, question, query = rest.partition("?")
    credentials, at, host = address.rpartition("@")
    if at:
        address = f"{credentials.split(':', 1)[0]}@{host}"
    return f"{scheme}://{address}{question}{_PASSWORD_PARAMETER.sub('password=...', query)}"


def driver_message(error: BaseException) -> str:
    """A driver's error on one line (psycopg's span several): a message is one line."""
    return " ".join(str(error).split())


class Closeable(Protocol):
    def close(self) -> None: ...


@dataclass(frozen=True)
class WorldSummary:
    world: str
    start: str
    events: int
    clock: str


@dataclass(frozen=True)
class Snapshot:
    """A cached state of a world after `seq` (never the truth: the log is)."""

    world: str
    seq: int
    at: str
    body: bytes


@dataclass(frozen=True)
class TokenInfo:
    """What the table may know of a token: never the token, nor its whole hash."""

    id: str  # the first characters of its hash: enough to name it, useless to present
    holder: str
    label: str
    issued_at: str
    revoked_at: str | None


TOKEN_ID_LENGTH = 16


class EventLog(ABC):
    """The worlds' logs: append-only, numbered from 1 without gaps."""

    url: str

    @abstractmethod
    def create_world(self, world: str, start: str, records: Iterable[Record]) -> None:
        """Create a world with its log from seq 1, in one transaction; `WorldExists` if the id is
        taken (WORLD-1). The records may come one at a time (a fork of a long log): whatever
        raises while they are read leaves no world behind. Reading the store while they come
        (a fork reads its source) is part of that transaction."""

    @abstractmethod
    def append(
        self, world: str, records: Sequence[Record], snapshot: Snapshot | None = None
    ) -> None:
        """Append records that continue the log's recorded head (`check_append`); and, in the
        same transaction, a snapshot of the state they lead to, when given. `NoSuchWorld` for
        a world the store does not hold; `Archived` for an archived one (WORLD-2), read in the
        same transaction, so that nothing is appended once the archive is committed."""

    def writing(self, world: str) -> AbstractContextManager[object]:
        """One writer of the world at a time across every process on this store: held from
        catching up to the commit, so that writers queue instead of racing to the same seq.
        Only a courtesy: the seq each append names stays what keeps the log whole."""
        return nullcontext()

    def reading(self, world: str) -> AbstractContextManager[object]:
        """Every read of the world made inside sees the store as at one moment, so that an
        append committed meanwhile is seen whole or not at all (what `verify` reads: a head,
        a log and an index read apart could disagree, and look tampered with)."""
        return nullcontext()

    def listen(self, appended: Callable[[str | None], None]) -> Closeable | None:
        """Have `appended(world)` called whenever any process appends to a world of this store
        (`appended(None)`: some may have been missed, look at every world), until closed; None
        where the store cannot tell, and its readers must poll."""
        return None

    @abstractmethod
    def head(self, world: str) -> Record | None:
        """The last record of a world, or None if there is no such world."""

    @abstractmethod
    def recorded_head(self, world: str) -> tuple[int, str] | None:
        """The seq and hash of the world's last record, as written beside the log by each append."""

    @abstractmethod
    def read(
        self, world: str, after: int = 0, until_seq: int | None = None, until_at: str | None = None
    ) -> Iterator[Record]:
        """Records with seq > after, up to a seq and/or an instant, in seq order."""

    @abstractmethod
    def read_seqs(self, world: str, seqs: Sequence[int]) -> list[Record]:
        """The records at these seqs that the log holds, in seq order."""

    @abstractmethod
    def mentioning(self, world: str, names: Sequence[str]) -> list[int]:
        """The seqs of the events that name any of `names`, by the index of mentions that each
        append writes beside its records (core/mentions.py), in order. Only an index: `verify`
        checks it against the log."""

    @abstractmethod
    def mentions(self, world: str) -> Iterator[tuple[int, str]]:
        """Every row of the world's index of mentions, (seq, name), by seq then name."""

    @abstractmethod
    def worlds(self) -> list[WorldSummary]:
        """Every world of the store, by id."""

    @abstractmethod
    def delete_world(self, world: str) -> bool:
        """Remove a world and everything kept for it (log, head, snapshots, tokens, flags), in
        one transaction; False if there was no such world."""

    def problem(self) -> str | None:
        """Why the store cannot serve now (unreachable, or its schema not the latest), or None."""
        return None


class SnapshotStore(ABC):
    """Cached states of worlds: never the truth (the log is), only a shortcut to it."""

    @abstractmethod
    def save_snapshot(self, snapshot: Snapshot) -> None:
        """Keep a cached state (replacing one at the same seq)."""

    @abstractmethod
    def latest_snapshot(self, world: str, at_or_before: str | None = None) -> Snapshot | None:
        """The newest snapshot of a world, optionally no later than an instant."""

    @abstractmethod
    def snapshots(self, world: str) -> Iterator[Snapshot]:
        """Every snapshot of a world, in seq order (for `verify`)."""

    @abstractmethod
    def drop_snapshots(self, world: str | None = None) -> None:
        """Forget cached states (of one world or of all): no answer may change."""


class AccessStore(ABC):
    """Who may read and write a world: token hashes and public worlds."""

    @abstractmethod
    def save_token(
        self, world: str, token_hash: str, holder: str, issued_at: str = "", label: str = ""
    ) -> None:
        """Keep an access token's hash; `holder` is `table` or a member id."""

    @abstractmethod
    def token_holder(self, world: str, token_hash: str) -> str | None:
        """Who holds the token with this hash in this world, if anyone and not revoked: read
        from the store every time, so that a revocation holds for every process at once."""

    @abstractmethod
    def tokens(self, world: str) -> list[TokenInfo]:
        """The world's tokens, revoked ones too, by the instant of issue."""

    @abstractmethod
    def revoke_token(self, world: str, token_id: str, at: str) -> bool:
        """Revoke the world's token with this id; False if there is none (or it was revoked)."""

    @abstractmethod
    def set_archived(self, world: str, archived: bool) -> None:
        """Mark a world read-only and unlisted (WORLD-2), or not."""

    @abstractmethod
    def is_archived(self, world: str) -> bool:
        """Whether a world is archived."""

    @abstractmethod
    def set_public(self, world: str, public: bool) -> None:
        """Mark a world readable without a token, or not."""

    @abstractmethod
    def is_public(self, world: str) -> bool:
        """Whether a world is readable without a token."""


class EventStore(EventLog, SnapshotStore, AccessStore):
    """Where worlds live between commands: a backend, every method one transaction."""

    def close(self) -> None:  # noqa: B027  (a store without connections has nothing to release)
        """Release connections."""

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_tail(world: str, recorded: tuple[int, str], tail: Sequence[Record]) -> None:
    """Tamper evidence that survives writes: before anything is appended, the log's last record
    must be its recorded head and must link to the record before it (CHAIN-1). A missing or
    changed tail is corruption, never written over."""
    seq, digest = recorded
    last = tail[0] if tail else None
    problem = head_problem(last.seq, last.hash, seq, digest) if last else (1, "no event at all")
    if problem or last is None:
        bad, text = problem or (1, "")
        raise Corrupt(f"world {world}: seq {bad}: {text}, before this append; run verify", bad)
    before = tail[1] if len(tail) > 1 else None
    try:
        prev = bytes.fromhex(before.hash) if before else GENESIS
    except ValueError:
        prev = b""
    # The link and the columns stored beside the body (seq, instant, type), as verify checks.
    problem = chain_problem(last, (before.seq if before else 0) + 1, prev)
    if problem:
        raise Corrupt(f"world {world}: {problem[1]}, before this append; run verify", problem[0])


def check_next(world: str, records: Sequence[Record], head: tuple[int, str]) -> None:
    """Raise `Conflict` unless the records continue the log right after its head: the next seq,
    chained to the head's hash (a writer that holds another head must catch up)."""
    if not records:
        return
    head_seq, head_hash = head
    if records[0].seq != head_seq + 1:
        raise Conflict(world, records[0].seq, head_seq)
    prev = bytes.fromhex(head_hash) if head_seq else GENESIS
    if link(prev, records[0].body).hex() != records[0].hash:
        raise Conflict(world, records[0].seq, head_seq)
    for before, after in zip(records, records[1:], strict=False):
        if after.seq != before.seq + 1 or link(bytes.fromhex(before.hash), after.body).hex() != (
            after.hash
        ):
            raise StoreError(f"world {world}: records to append are not chained at seq {after.seq}")
