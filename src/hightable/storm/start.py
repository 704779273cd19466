"""Where a storm starts: a story's end state, a stored world (a fork in memory), or an empty
world with a generated cast. Each gives the log to start from and, when it can be told as a
story, the steps that rebuild it (what a failing story written later begins with)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hightable.core import Event, Ledger, Refusal, State
from hightable.core.world import replay
from hightable.service import WorldService
from hightable.store import open_store
from hightable.stories import load_story, play
from hightable.storm.cast import FILMS, Cast, generated, of_world
from hightable.storm.shapes import Fields

START = "2019-05-17T17:00:00Z"
WORLD = "storm"


class StartError(ValueError):
    """A starting point the storm cannot start from: its reason, in one line."""


@dataclass(frozen=True)
class Start:
    name: str  # what the report calls it
    world: str
    start: str  # the world's first instant
    events: list[Event]
    prefix: list[Fields] | None  # story steps that rebuild it; None: none can
    cast: Cast

    @property
    def state(self) -> State:
        return replay(self.events)


def from_cast(actors: int | None) -> Start:
    """An empty world, set up for the films' cast or a generated one of `actors` members."""
    cast = generated(actors) if actors else FILMS
    ledger = Ledger.create(WORLD, START)
    assert isinstance(ledger, Ledger)
    prefix = []
    for by, fields in cast.setup():
        raw = {"by": by, "at": START, **fields}
        outcome = ledger.execute(raw)
        if isinstance(outcome, Refusal):
            raise StartError(f"the cast's setup was refused: {outcome}")
        prefix.append(raw)
    name = f"a cast of {len(cast.members)}" if actors else "the films' cast"
    return Start(name, WORLD, START, ledger.events, prefix, cast)


def from_story(path: Path) -> Start:
    """A story's end state: it is played, and must pass."""
    story = load_story(path)
    result, ledger = play(story)
    if not result.passed:
        raise StartError(f"the story fails, so the storm cannot start at its end: {result.line()}")
    prefix: list[Fields] = []
    for step in story.steps:
        if step.command is None:
            prefix.append({"check": step.check})
        else:
            prefix.append(
                step.command | ({"expect": {"refused": step.expect}} if step.expect else {})
            )
    return Start(str(path), story.world, story.start, ledger.events, prefix, of_world(ledger.state))


def from_store(world: str, url: str | None) -> Start:
    """A world kept in a store: its log is read (never written) and stormed as a fork in
    memory. No story can rebuild a stored log, so a failing storm is written from its fork."""
    with open_store(url) as store:
        return from_service(WorldService(store), world)


def from_service(service: WorldService, world: str) -> Start:
    """A world a service holds, read through it (never written): the start of a what-if."""
    state = service.state(world)
    if isinstance(state, Refusal):
        raise StartError(str(state))
    events = list(service.log(world))
    return Start(f"world {world}", world, state.start, events, None, of_world(state))
