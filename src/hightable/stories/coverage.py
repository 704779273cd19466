"""Which rules the stories reach: refusals, commands accepted past a rule, breaches recorded.

Every story is played as `hightable play` plays it, stopping at its first failure; each
command's outcome is counted. A refusal counts for the rule it names; an accepted command counts
for every rule its type can be refused with (`reach.rules_of`): it passed each of them. A breach
recorded counts for its rule. A rule is reached when any count is above zero, and covered when a
story shows both sides of it: refused and accepted past (a breach-only rule: recorded).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hightable.core import COMMANDS, RULES, Accepted, Event, Ledger, Outcome, Refusal
from hightable.core.breaches import BreachRecorded
from hightable.stories.loader import StoryError, load_story
from hightable.stories.reach import DOOR, KEPT, breach_rules, reachable_rules, rules_of
from hightable.stories.runner import Failure, StoryResult, play_step

FORMAT = 1  # the version of the --json shape (docs in README, "Which rules the stories reach")


class CountingLedger(Ledger):
    """A ledger that remembers the outcome of every command it judged."""

    def __init__(self, events: Sequence[Event]):
        super().__init__(events)
        self.outcomes: list[tuple[object, object]] = []

    def execute(self, raw: object) -> Outcome:
        outcome = super().execute(raw)
        self.outcomes.append((raw, outcome))
        return outcome


@dataclass
class Reach:
    """What the stories played: counts per rule and per command type."""

    results: list[StoryResult] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)
    passed: Counter[str] = field(default_factory=Counter)
    recorded: Counter[str] = field(default_factory=Counter)
    accepted_commands: Counter[str] = field(default_factory=Counter)
    refused_commands: Counter[str] = field(default_factory=Counter)

    def count(self, raw: object, outcome: object) -> None:
        do = raw.get("do") if isinstance(raw, dict) else None
        known = do if isinstance(do, str) and do in COMMANDS else None
        if isinstance(outcome, Refusal):
            self.refused[outcome.rule] += 1
            if known:
                self.refused_commands[known] += 1
        elif isinstance(outcome, Accepted) and known:  # a replay (IDEM-1) passes nothing anew
            self.accepted_commands[known] += 1
            self.passed.update(rules_of(known))
            self.recorded.update(
                event.rule for event in outcome.events if isinstance(event, BreachRecorded)
            )

    @property
    def failed(self) -> list[StoryResult]:
        return [result for result in self.results if not result.passed]


def measure(paths: Iterable[Path]) -> Reach:
    """Play every story file and count what its commands reached."""
    reach = Reach()
    for path in paths:
        reach.results.append(play_counting(path, reach))
    return reach


def play_counting(path: Path, reach: Reach) -> StoryResult:
    try:
        story = load_story(path)
    except StoryError as error:
        failure = Failure(error.line, "a well-formed story", error.message)
        return StoryResult(str(path), "(unreadable)", 0, failure)
    except OSError as error:
        return StoryResult(str(path), "(unreadable)", 0, Failure(1, "a story file", str(error)))
    ledger = CountingLedger.create(story.world, story.start)
    if not isinstance(ledger, CountingLedger):  # the loader checked the world id and the start
        raise ValueError(f"{story.path}: {ledger}")
    result = StoryResult(story.path, story.title, len(story.steps))
    for number, step in enumerate(story.steps, start=1):
        failed = play_step(ledger, step)
        if failed is not None:
            result = StoryResult(story.path, story.title, number, failed)
            break
    for raw, outcome in ledger.outcomes:
        reach.count(raw, outcome)
    return result


@dataclass(frozen=True)
class Report:
    """The reach of the stories against the rules, ready to print or to serialise."""

    reach: Reach
    branches: dict[str, Any] | None = None  # from `branches.measure_branches`

    @property
    def reachable(self) -> list[str]:
        reachable = reachable_rules()
        return [rule for rule in RULES if rule in reachable]

    def reached(self, rule: str) -> bool:
        reach = self.reach
        return bool(reach.refused[rule] or reach.passed[rule] or reach.recorded[rule])

    def gaps(self) -> dict[str, list[str]]:
        """What no story shows: rules not reached at all, or shown from one side only."""
        refusable = set().union(*(rules_of(do) for do in COMMANDS))
        breach_only = breach_rules() - refusable
        reach = self.reach
        return {
            "rules": [rule for rule in self.reachable if not self.reached(rule)],
            "never_refused": [r for r in self.reachable if r in refusable and not reach.refused[r]],
            "never_passed": [r for r in self.reachable if r in refusable and not reach.passed[r]],
            "never_recorded": [
                r for r in self.reachable if r in breach_only and not reach.recorded[r]
            ],
            "commands": [
                do
                for do in COMMANDS
                if not (reach.accepted_commands[do] or reach.refused_commands[do])
            ],
        }

    @property
    def rule_share(self) -> float:
        reachable = self.reachable
        return 100.0 * sum(map(self.reached, reachable)) / len(reachable)

    @property
    def branch_share(self) -> float | None:
        return None if self.branches is None else float(self.branches["percent"])

    def as_dict(self) -> dict[str, Any]:
        reach = self.reach
        return {
            "format": FORMAT,
            "stories": {
                "played": len(reach.results),
                "failed": [result.as_dict() for result in reach.failed],
            },
            "rules": {
                rule: {
                    "refused": reach.refused[rule],
                    "passed": reach.passed[rule],
                    "recorded": reach.recorded[rule],
                }
                for rule in self.reachable
            },
            "commands": {
                do: {"accepted": reach.accepted_commands[do], "refused": reach.refused_commands[do]}
                for do in COMMANDS
            },
            "unreached": self.gaps(),
            "apart": {"door": dict(DOOR), "kept": dict(KEPT)},
            "share": {"rules": round(self.rule_share, 1), "branches": self.branch_share},
            "branches": self.branches,
        }
