"""The dice of a storm: every choice from one seeded `random.Random`, every set or table read in
sorted order, so that a seed gives the same storm on any machine; and the small choices every
move makes (an actor, a living member, a fresh or a taken id, an instant soon)."""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Mapping
from typing import TypeVar

from hightable.core import State
from hightable.core.instants import add_minutes, to_datetime
from hightable.storm.cast import Cast
from hightable.storm.shapes import Fields

T = TypeVar("T")

Move = tuple[str, Fields]


class Dice:
    """The choices of a storm, all from one seeded generator, with the cast they choose among."""

    def __init__(self, rng: random.Random, cast: Cast):
        self.rng, self.cast = rng, cast

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def chance(self, percent: int) -> bool:
        return self.rng.randrange(100) < percent

    def pick(self, options: Collection[T]) -> T:
        """One of the options; a set or a table's keys in sorted order, so that a run replays."""
        listed = options if isinstance(options, list) else sorted(options, key=str)
        return listed[self.rng.randrange(len(listed))]

    def some(self, options: list[T], most: int) -> list[T]:
        return [self.pick(options) for _ in range(self.integer(0, most))]

    def weighted(self, weights: dict[str, int]) -> str:
        """A key, as likely as its weight (integers: no float sums that differ by platform)."""
        roll = self.rng.randrange(sum(weights.values()))
        for key, weight in weights.items():
            roll -= weight
            if roll < 0:
                return key
        raise AssertionError("a roll below the total falls on a key")


def actor(dice: Dice, *lawful: str | None) -> str:
    """The lawful actor mostly; anyone (the table included) otherwise."""
    known = [who for who in lawful if who is not None]
    return str(dice.pick(known if known and dice.chance(88) else dice.cast.actors))


def living(dice: Dice, state: State) -> list[str]:
    return [m for m, member in state.members.items() if not member.deceased] or dice.cast.names


def someone(dice: Dice, state: State) -> str:
    """A living member mostly; now and then the dead or a name never registered."""
    return str(dice.pick(living(dice, state) if dice.chance(93) else dice.cast.names))


def new_id(dice: Dice, pool: list[str], taken: Collection[str]) -> str:
    """A fresh id mostly (past the pool once it is used up: a long storm keeps making new
    things), one taken already sometimes."""
    fresh = [i for i in pool if i not in taken] or [beyond(pool, taken)]
    return str(dice.pick(fresh if dice.chance(85) else pool))


def beyond(pool: list[str], taken: Collection[str]) -> str:
    """The first id of the pool's form that is not taken: `c9` after `c1`..`c8`."""
    stem = pool[0].rstrip("0123456789")
    return next(
        f"{stem}{n}"
        for n in range(len(pool) + 1, len(taken) + len(pool) + 2)
        if f"{stem}{n}" not in taken
    )


def one_of(dice: Dice, table: Mapping[str, T], pool: list[str], keep: Callable[[T], bool]) -> str:
    """An object of the table that `keep` likes, else any id of the pool."""
    liked = [i for i, found in table.items() if keep(found)]
    return str(dice.pick(liked if liked and dice.chance(95) else pool))


def minutes_until(state: State, instant: str) -> int:
    delta = to_datetime(instant) - to_datetime(state.clock)
    return max(0, int(delta.total_seconds() // 60))


def soon(dice: Dice, state: State) -> str:
    """An instant ahead: often one a deadline already falls at, so that several fall at once."""
    ahead = [d for d in state.deadlines.values() if d > state.clock]
    if ahead and dice.chance(50):
        return str(dice.pick(ahead))
    return add_minutes(state.clock, dice.pick([15, 30, 60, 120, 240]))


def officers(dice: Dice, state: State, but: str | None = None) -> list[str]:
    """The living holders of the Table's offices (the cast's, when none is left)."""
    holders = [
        m
        for m, member in state.members.items()
        if member.offices and not member.deceased and m != but
    ]
    return holders or dice.cast.officers
