"""CHAIN-2: a snapshot is trusted only when the chain vouches for it.

When a store keeps a snapshot of a world after seq N, the same append writes, as seq N + 1, a
`state_sealed` event holding the digest of that state. A loading process recomputes the digest
of the snapshot it reads and compares it with the sealed one, which the hash chain protects like
any event: a rewritten snapshot no longer matches, and is neither served nor used to decide.
"""

from __future__ import annotations

import hashlib

import msgspec
from msgspec import structs

from hightable.core.engine import applies
from hightable.core.events import Event, event_type
from hightable.core.state import State

# The shape of the State that digests and snapshots are made of: bump it whenever the State's
# fields change. A seal made under another shape vouches for snapshots no longer used, and is
# not checked against a replay of today's shape.
STATE_FORMAT = 4
_encoder = msgspec.json.Encoder()  # in the order of the state's own tables: lists follow it


@event_type
class StateSealed(Event, tag="state_sealed"):
    """The digest of the world's state after the event before this one (CHAIN-2), made under
    the state's shape `format`."""

    digest: str
    format: int


def state_digest(state: State) -> str:
    """sha256 of the state's JSON, its tables in their own order (a replay gives the same order,
    and the view's lists follow it); the world's id is left out, so that a fork or an import,
    which renames the world, keeps the digests its log carries."""
    return hashlib.sha256(_encoder.encode(structs.replace(state, world=""))).hexdigest()


@applies(StateSealed)
def apply_state_sealed(state: State, event: StateSealed) -> None:
    """Nothing changes: the event only vouches for the state before it."""
