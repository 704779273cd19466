"""Chapter 1: the world and its clock (WORLD-1, TIME-1, TIME-2, `tick`)."""

from __future__ import annotations

from collections.abc import Iterable

from hightable.core.authority import the_table
from hightable.core.commands import Command, command, is_slug
from hightable.core.engine import Draft, ReplayFailed, applies, evolve, evolve_all
from hightable.core.events import Event, event_type
from hightable.core.instants import InstantError, parse_instant
from hightable.core.rules import Refusal, refuse
from hightable.core.state import TABLE, State, initial_state
from hightable.core.texts import shown


@event_type
class WorldCreated(Event, tag="world_created"):
    start: str


@event_type
class ClockTicked(Event, tag="clock_ticked"):
    pass


class Tick(Command, tag="tick"):
    pass


@command(Tick, authority=the_table)
def decide_tick(state: State, cmd: Tick, draft: Draft) -> list[Event]:
    return [draft.event(ClockTicked)]


@applies(WorldCreated)
def apply_world_created(state: State, event: WorldCreated) -> None:
    pass  # the initial state already holds the world and its start


@applies(ClockTicked)
def apply_clock_ticked(state: State, event: ClockTicked) -> None:
    pass  # evolve moves the clock for every event


def create_world(world_id: object, start: object) -> tuple[State, Event] | Refusal:
    """WORLD-1: a world begins with its id and its first instant; the log's first event."""
    if not isinstance(world_id, str) or not is_slug(world_id):
        return refuse("ID-1", f"world: {shown(world_id)} is not a slug ([a-z0-9][a-z0-9-]{{0,63}})")
    try:
        instant = parse_instant(start)
    except InstantError as error:
        return refuse("CMD-1", f"start: {error}")
    state = initial_state(world_id, instant)
    event = WorldCreated(world=world_id, seq=1, at=instant, by=TABLE, start=instant)
    return evolve(state, event), event


def replay(events: Iterable[Event]) -> State:
    """The world a log builds, from its first event (CHAIN-1's companion: the world is its log)."""
    iterator = iter(events)
    first = next(iterator, None)
    if not isinstance(first, WorldCreated) or first.seq != 1:
        raise ReplayFailed("a world's log begins with world_created at seq 1")
    state = evolve(initial_state(first.world, first.start), first)
    return evolve_all(state, iterator)
