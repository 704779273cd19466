"""Who may read and write a world: tokens, kept by their hash alone (ACCESS-1, ACCESS-2), and
worlds open to every reader (public)."""

from __future__ import annotations

import hashlib
import secrets

from hightable.service.remembered import Remembered
from hightable.store import EventStore, WorldSummary

TABLE_HOLDER = "table"  # the holder of a world's table token; a member token names its member


def new_token(world: str) -> tuple[str, str]:
    """A token (the world's id, a dot, 256 random bits) and its hash, which alone is stored."""
    token = f"{world}.{secrets.token_urlsafe(32)}"
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Access:
    """Tokens and public worlds; the answers of the access checks kept a few seconds
    (remembered.py): a world that exists (a world is never deleted), a token's holder (a
    token unknown is asked again each time, so that a token issued elsewhere works at once),
    whether a world is public."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self._exists: Remembered[str, bool] = Remembered(seconds=float("inf"))
        self._holders: Remembered[tuple[str, str], str | None] = Remembered()
        self._public: Remembered[str, bool] = Remembered()

    def exists(self, world: str) -> bool:
        return self._exists.get(world, lambda: self.store.recorded_head(world) is not None)

    def forget(self, world: str, token: str | None = None) -> None:
        """Forget what this process keeps of a world's access (of one token, when given): for
        a token revoked, a world made public or private, by whatever door."""
        digest = token_hash(token) if token is not None else None
        self._holders.forget(lambda key: key[0] == world and digest in (None, key[1]))
        if token is None:
            self._public.forget(lambda key: key == world)

    def head_seq(self, world: str) -> int | None:
        """The seq of the world's last record (None: no such world), e.g. for a progress bar."""
        head = self.store.head(world)
        return head.seq if head else None

    def worlds(self) -> list[WorldSummary]:
        return self.store.worlds()

    def public_worlds(self) -> list[WorldSummary]:
        return [w for w in self.store.worlds() if self.store.is_public(w.world)]

    def issue_token(self, world: str, holder: str = TABLE_HOLDER) -> str:
        """A new token acting as `holder` in `world`: shown once, only its hash is kept."""
        token, digest = new_token(world)
        self.store.save_token(world, digest, holder)
        return token

    def holder(self, world: str, token: str) -> str | None:
        """Who the token acts as in this world (`table` or a member), or None."""
        digest = token_hash(token)
        return self._holders.get(
            (world, digest), lambda: self.store.token_holder(world, digest), keep=_known
        )

    def set_public(self, world: str, public: bool) -> None:
        self.store.set_public(world, public)
        self._public.forget(lambda key: key == world)

    def is_public(self, world: str) -> bool:
        return self._public.get(world, lambda: self.store.is_public(world), keep=_always)


def _known(holder: str | None) -> bool:
    return holder is not None


def _always(_: object) -> bool:
    return True
