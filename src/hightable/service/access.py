"""Who may read and write a world: tokens, kept by their hash alone (ACCESS-1, ACCESS-2), listed
and revoked by the table; worlds open to every reader (public), or archived (WORLD-2).

A token's validity is read from the store at every use, never kept here: a revocation holds at
once for every process sharing the store. A cache of it would have to be short-lived and be
emptied by `revoke` here, and would still leave other processes their own few seconds."""

from __future__ import annotations

import hashlib
import secrets

from hightable.service.clock import wall_clock
from hightable.store import EventStore, WorldSummary
from hightable.store.base import TokenInfo

TABLE_HOLDER = "table"  # the holder of a world's table token; a member token names its member


def new_token(world: str) -> tuple[str, str]:
    """A token (the world's id, a dot, 256 random bits) and its hash, which alone is stored."""
    token = f"{world}.{secrets.token_urlsafe(32)}"
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Access:
    def __init__(self, store: EventStore) -> None:
        self.store = store

    def exists(self, world: str) -> bool:
        return self.store.head(world) is not None

    def head_seq(self, world: str) -> int | None:
        """The seq of the world's last record (None: no such world), e.g. for a progress bar."""
        head = self.store.head(world)
        return head.seq if head else None

    def worlds(self) -> list[WorldSummary]:
        return self.store.worlds()

    def public_worlds(self) -> list[WorldSummary]:
        """The public worlds, archived ones left out."""
        return [
            w
            for w in self.store.worlds()
            if self.store.is_public(w.world) and not self.store.is_archived(w.world)
        ]

    def issue_token(self, world: str, holder: str = TABLE_HOLDER, label: str = "") -> str:
        """A new token acting as `holder` in `world`: shown once, only its hash is kept."""
        token, digest = new_token(world)
        self.store.save_token(world, digest, holder, wall_clock(), label)
        return token

    def tokens(self, world: str) -> list[TokenInfo]:
        return self.store.tokens(world)

    def revoke(self, world: str, token_id: str) -> bool:
        """Revoke a token by its id; refused at its next use by every process."""
        return self.store.revoke_token(world, token_id, wall_clock())

    def set_archived(self, world: str, archived: bool) -> None:
        self.store.set_archived(world, archived)

    def is_archived(self, world: str) -> bool:
        return self.store.is_archived(world)

    def holder(self, world: str, token: str) -> str | None:
        """Who the token acts as in this world (`table` or a member), or None."""
        return self.store.token_holder(world, token_hash(token))

    def set_public(self, world: str, public: bool) -> None:
        self.store.set_public(world, public)

    def is_public(self, world: str) -> bool:
        return self.store.is_public(world)
