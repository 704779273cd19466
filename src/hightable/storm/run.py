"""A storm: `steps` commands from one seed against a starting point, every promise checked
after each; what it reached, and the first violation if one was found."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from hightable.core import RULES
from hightable.storm.dice import Dice
from hightable.storm.generator import Generator
from hightable.storm.session import Session, Violation
from hightable.storm.shapes import Fields
from hightable.storm.start import Start

# Rules no command to a world is refused with: creating a world, the HTTP door, the store,
# the chain; and the two that mean the engine caught a bug (a violation, not a reach).
NOT_BY_COMMANDS = {
    "WORLD-1",
    "WORLD-2",
    "TIME-4",
    "ACCESS-1",
    "ACCESS-3",
    "ACCESS-2",
    "LIMIT-1",
    "STORE-1",
    "INTERNAL-1",
    "CHAIN-1",
    "CHAIN-2",
    "INVARIANT-1",
    "FAULT-1",
}
COMMAND_RULES = [rule for rule in RULES if rule not in NOT_BY_COMMANDS]
Log = Callable[[Fields], object]


@dataclass
class Report:
    seed: int
    start: str
    faults: float
    steps: int = 0
    accepted: int = 0
    replayed: int = 0
    faulted: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    violation: Violation | None = None
    commands: list[Fields] = field(default_factory=list)
    seconds: float = 0.0  # wall time: the one thing two runs of a seed do not share
    story: str | None = None  # the failing story written, if any
    shrunk: int = 0  # the commands of the failing story, after the start
    story_fails: bool = False  # whether that story fails when played, as it should

    @property
    def reached(self) -> list[str]:
        return [rule for rule in COMMAND_RULES if rule in self.refused]

    @property
    def not_reached(self) -> list[str]:
        return [rule for rule in COMMAND_RULES if rule not in self.refused]

    @property
    def rate(self) -> float:
        return self.steps / self.seconds if self.seconds else 0.0

    def as_dict(self) -> Fields:
        """Everything but the timing, which `timing` gives apart: the same seed, the same dict."""
        return {
            "seed": self.seed,
            "start": self.start,
            "faults": self.faults,
            "steps": self.steps,
            "accepted": self.accepted,
            "replayed": self.replayed,
            "faulted": self.faulted,
            "refused": sum(self.refused.values()),
            "refused_by_rule": dict(sorted(self.refused.items())),
            "rules_reached": self.reached,
            "rules_not_reached": self.not_reached,
            "violation": self.violation.as_dict() if self.violation else None,
            "story": self.story,
            "story_commands": self.shrunk,
            "story_fails": self.story_fails,
        }

    def timing(self) -> dict[str, float]:
        return {"seconds": round(self.seconds, 3), "steps_per_second": round(self.rate, 1)}


def storm(
    start: Start,
    seed: int,
    steps: int,
    mix: dict[str, int] | None = None,
    faults: float = 0.0,
    log: Log | None = None,
) -> Report:
    """Run the storm; stop at the first violation (the last command is the one that broke)."""
    began = time.perf_counter()
    report = Report(seed, start.name, faults)
    session = Session(start.world, start.events, faults, seed)
    dice = Dice(random.Random(seed), start.cast)
    generator = Generator(session.live().clock, mix)
    try:
        for _ in range(steps):
            raw = generator.step(dice, session.live())
            report.commands.append(raw)
            report.violation = session.send(raw)
            if log:
                log({"step": session.sent, "command": raw, "outcome": session.last})
            if report.violation:
                break
        else:
            report.violation = session.finish()
    finally:
        session.close()
    report.steps, report.accepted, report.faulted = session.sent, session.accepted, session.faults
    report.replayed = session.sent - session.accepted - session.faults - session.refused.total()
    report.refused = dict(session.refused)
    report.seconds = time.perf_counter() - began
    return report


def log_line(entry: Fields) -> str:
    """One step of the log as a line of JSON, its keys in a fixed order."""
    return json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n"
