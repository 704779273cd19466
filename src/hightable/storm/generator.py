"""The one generator of storms: each step a command stamped with the storm's clock, drawn by
reading the live world mostly (a move), blind now and then, or after the clock jumps to a
deadline or over hours. The stateful test and `hightable storm` both draw from it."""

from __future__ import annotations

from hightable.core import State
from hightable.core.instants import add_minutes
from hightable.storm.blind import blind_command
from hightable.storm.dice import Dice
from hightable.storm.moves import MOVE_WEIGHTS, MOVES
from hightable.storm.shapes import Fields

# What a step does: a move read off the live world mostly; a blind command; the clock jumping.
KIND_WEIGHTS = {"move": 13, "blind": 1, "blind_member": 1, "deadlines": 1, "hours": 1}
CHAPTERS = [*KIND_WEIGHTS, *MOVE_WEIGHTS]


class MixError(ValueError):
    """A --mix that names no chapter, or weighs one with no whole number."""


def parse_mix(text: str) -> dict[str, int]:
    """`chapter=weight,...` as a table; the chapters are the step kinds and the moves."""
    mix: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, weight = part.partition("=")
        if name not in CHAPTERS:
            raise MixError(f"{name!r} is no chapter (one of {', '.join(CHAPTERS)})")
        if not weight.isdigit():
            raise MixError(f"{part!r}: the weight is a whole number, e.g. {name}=3")
        mix[name] = int(weight)
    return mix


class Generator:
    """Commands one after another, each at the storm's clock, which the generator keeps."""

    def __init__(self, clock: str, mix: dict[str, int] | None = None) -> None:
        self.clock = clock
        self.jumps = 0  # jumps of the clock to a deadline, for the figures
        mix = mix or {}
        self.kinds = {k: mix.get(k, w) for k, w in KIND_WEIGHTS.items()}
        self.moves = {k: mix.get(k, w) for k, w in MOVE_WEIGHTS.items()}
        if not any(self.moves.values()):
            self.kinds["move"] = 0
        if not any(self.kinds.values()):
            raise MixError("every weight is zero: nothing would happen")

    def step(self, dice: Dice, state: State) -> Fields:
        """The next command, with `by` and `at` (and now and then a `cid`)."""
        kind = dice.weighted(self.kinds)
        cid = None
        if kind == "move":
            self.advance(dice.pick([0, 0, 1, 5, 10, 20, 45, -5]))
            by, fields = self.move(dice, state)
        elif kind == "blind":
            self.advance(dice.integer(-5, 45))
            cid = dice.pick([None, "a", "b"])
            by, fields = dice.pick(dice.cast.actors), blind_command(dice, self.clock)
        elif kind == "blind_member":
            self.advance(dice.integer(0, 40))
            by = dice.pick(dice.cast.members)
            fields = blind_command(dice, self.clock, later_only=True)
        else:
            by, fields = self.time_passes(dice, state, kind)
        raw = {"by": by, "at": self.clock, **fields}
        return raw | ({"cid": cid} if cid else {})

    def move(self, dice: Dice, state: State) -> tuple[str, Fields]:
        if not any(self.moves.values()):
            return dice.pick(dice.cast.actors), blind_command(dice, self.clock)
        return MOVES[dice.weighted(self.moves)](dice, state)

    def advance(self, minutes: int) -> None:
        self.clock = add_minutes(self.clock, minutes)

    def time_passes(self, dice: Dice, state: State, kind: str) -> tuple[str, Fields]:
        """The clock jumps to a deadline, or over several, or over hours; what falls before the
        next command falls with it, a tick or a move."""
        hours = [d.hour for d in state.duels.values() if d.state == "sanctioned" and d.hour]
        ahead = sorted({*state.deadlines.values(), *hours})
        if kind == "deadlines" and ahead:
            self.clock = max(self.clock, dice.pick(ahead))
            self.jumps += 1
        else:
            self.advance(60 * dice.integer(1, 72))
        if dice.chance(50):
            return "table", {"do": "tick"}
        return self.move(dice, state)
