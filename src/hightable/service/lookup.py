"""The one place that answers "no such world" and "no such member" (ID-3), for every door."""

from __future__ import annotations

from hightable.core import Refusal, State
from hightable.core.rules import refuse


def no_world(world: str) -> Refusal:
    """ID-3: the store holds no world of this id."""
    return refuse("ID-3", f"no world {world[:80]!r} in this store")


def no_member(world: str, member: str) -> Refusal:
    """ID-3: the world has no member of this id."""
    return refuse("ID-3", f"no member {member[:80]!r} in {world!r}")


def member_refusal(state: State | Refusal, member: str) -> Refusal | None:
    """The refusal a lookup of a member meets, or None when the world has that member."""
    if isinstance(state, Refusal):
        return state
    return None if member in state.members else no_member(state.world, member)
