"""Play stories: every step against the engine, every check against the view (§15)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from hightable.core import Accepted, Ledger, PathError, Refusal, Replayed, lookup, view
from hightable.stories.loader import Step, Story, StoryError, load_story

MISSING = object()


@dataclass(frozen=True)
class Failure:
    line: int
    expected: str
    seen: str


@dataclass(frozen=True)
class StoryResult:
    path: str
    title: str
    steps: int  # steps played before it ended
    failure: Failure | None = None

    @property
    def passed(self) -> bool:
        return self.failure is None

    def as_dict(self) -> dict[str, Any]:
        report = {
            "path": self.path,
            "title": self.title,
            "passed": self.passed,
            "steps": self.steps,
        }
        report["failure"] = asdict(self.failure) if self.failure else None
        return report

    def line(self) -> str:
        if self.failure is None:
            return f"PASS {self.path}  {self.title}"
        where = f"{self.path}:{self.failure.line}"
        return (
            f"FAIL {where}  {self.title}\n"
            f"     expected {self.failure.expected}\n"
            f"     saw      {self.failure.seen}"
        )


def story_paths(paths: Iterable[str | Path]) -> list[Path]:
    """The story files named, folders searched for *.yaml and *.yml, in a stable order."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()
            )
        else:
            found.append(path)
    return found


def play_path(path: Path | str) -> StoryResult:
    try:
        story = load_story(path)
    except StoryError as error:
        return StoryResult(
            str(path), "(unreadable)", 0, Failure(error.line, "a well-formed story", error.message)
        )
    except OSError as error:
        return StoryResult(str(path), "(unreadable)", 0, Failure(1, "a story file", str(error)))
    return play(story)[0]


def play(story: Story, keep_going: bool = False) -> tuple[StoryResult, Ledger]:
    """Play every step; stop at the first that fails unless `keep_going` (for looking inside)."""
    ledger = Ledger.create(story.world, story.start)
    if isinstance(ledger, Refusal):  # the loader checked the world id and the start
        raise ValueError(f"{story.path}: {ledger}")
    first_failure: Failure | None = None
    for count, step in enumerate(story.steps, start=1):
        failure = play_step(ledger, step)
        if failure and first_failure is None:
            first_failure = failure
            if not keep_going:
                return StoryResult(story.path, story.title, count, failure), ledger
    return StoryResult(story.path, story.title, len(story.steps), first_failure), ledger


def play_step(ledger: Ledger, step: Step) -> Failure | None:
    if step.command is None:
        return check_view(ledger, step)
    outcome = ledger.execute(step.command)
    expected = f"refused with {step.expect}" if step.expect else "accepted"
    if isinstance(outcome, Refusal):
        if outcome.rule == step.expect:
            return None
        return Failure(step.line, expected, f"refused: {outcome}{undated_retry(step, outcome)}")
    if step.expect is None:
        return None
    events = ledger.events_of(outcome) if isinstance(outcome, (Accepted, Replayed)) else []
    kinds = ", ".join(event.type for event in events)
    return Failure(step.line, expected, f"accepted ({kinds})")


def undated_retry(step: Step, refusal: Refusal) -> str:
    """A retry step written without `at` is dated a minute after the step before: say so."""
    if refusal.rule != "IDEM-1" or step.dated or " at is " not in refusal.message:
        return ""
    return (
        " (this step has no at, so it is dated a minute after the step before: a retry gives"
        " the at of the step it repeats)"
    )


def check_view(ledger: Ledger, step: Step) -> Failure | None:
    document = view(ledger.state)
    for path, expected in step.check.items():
        try:
            seen = lookup(document, path)
        except PathError as error:
            return Failure(step.line, f"{path} = {expected!r}", str(error))
        if seen != expected:
            return Failure(step.line, f"{path} = {expected!r}", f"{path} = {seen!r}")
    return None
