"""`decide` and `evolve`: the pure heart of hightable.

`decide(state, command)` judges a command and returns its events or a refusal; it never changes
`state`. `evolve(state, event)` applies one event to `state` and checks nothing. The clock is the
command's `at`: no wall clock, no randomness, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import msgspec

from hightable.core.commands import COMMANDS, C, Command, CommandSpec, digest, parse_command
from hightable.core.events import Event
from hightable.core.rules import Refusal, refuse
from hightable.core.state import TABLE, CidRecord, State
from hightable.core.texts import shown
from hightable.errors import Corrupt

E = TypeVar("E", bound=Event)


class ReplayFailed(Corrupt):
    """A replay stopped at an event that cannot follow the state (a gap in seq, an unknown
    event, an instant before the clock): the log cannot be the log of a world. A `Corrupt`."""


class Accepted(msgspec.Struct, frozen=True):
    events: list[Event]


class Replayed(msgspec.Struct, frozen=True):
    """IDEM-1: the command was accepted before under this cid; these seqs are its outcome."""

    first_seq: int
    last_seq: int


Outcome = Accepted | Replayed | Refusal


class Draft:
    """Builds the events of one command, numbering them after the state's last seq.

    It keeps every event it made, in order, so that `now()` can give the state they lead to: a
    consequence that follows others in the same command (a second fulfilment, a duel's grants
    after its deaths, a second revocation) is judged on `now()`, not on the state before.
    """

    def __init__(self, state: State, cmd: Command | None, at: str, cid_digest: str | None = None):
        self.world = state.world
        self.next_seq = state.seq + 1
        self.at = at
        self.by = cmd.by if cmd else TABLE
        self.cid = cmd.cid if cmd else None
        self.digest = cid_digest
        self.base = state
        self.made: list[Event] = []
        self._now: State | None = None

    def now(self) -> State:
        """The state as changed by every event made so far (a working copy; `base` is untouched)."""
        if self._now is None:
            self._now = self.base.working()
        now = self._now
        evolve_all(now, self.made[now.seq - self.base.seq :])
        return now

    def event(self, cls: type[Event], **fields: Any) -> Event:
        event = cls(
            world=self.world,
            seq=self.next_seq,
            at=self.at,
            by=self.by,
            cid=self.cid,
            digest=self.digest,
            **fields,
        )
        self.next_seq += 1
        self.made.append(event)
        return event

    def deadline_event(self, cls: type[Event], at: str, **fields: Any) -> Event:
        """A consequence of a deadline: stamped at the deadline, by the table, with no cid."""
        event = cls(world=self.world, seq=self.next_seq, at=at, by=TABLE, **fields)
        self.next_seq += 1
        self.made.append(event)
        return event


Applier = Callable[[State, E], None]
DeadlineHandler = Callable[[State, str, str, Draft], list[Event]]

Guard = Callable[[State, C], Refusal | None]
FollowUp = Callable[[State, list[Event], Draft], list[Event]]
Prelude = Callable[[State, Command, Draft], list[Event]]

# Each applier is of its own event's class, and each guard of its own command's: `evolve` and
# `decide` look them up by the class of what they hold.
APPLIERS: dict[type[Event], Applier[Any]] = {}
# A later chapter's rule on another chapter's command (PARLAY-1 on `eliminate`), judged after
# the command's own rules.
GUARDS: dict[type[Command], list[Guard[Any]]] = {}
# Consequences of a command's events that another chapter keeps (terms met by an elimination).
FOLLOWUPS: list[FollowUp] = []
# Consequences of a member acting at all, before the command's own events (a presumed-dead
# member who acts resurfaces, §2).
PRELUDES: list[Prelude] = []
DEADLINE_HANDLERS: dict[str, DeadlineHandler] = {}  # kind of deadline -> its consequences
KINDS: dict[str, Callable[[State], Mapping[str, object]]] = {}  # kind of object -> its table


def applies(cls: type[E]) -> Callable[[Applier[E]], Applier[E]]:
    """Register the function that applies events of class `cls` to a state."""

    def register(applier: Applier[E]) -> Applier[E]:
        APPLIERS[cls] = applier
        return applier

    return register


def guard(cls: type[C]) -> Callable[[Guard[C]], Guard[C]]:
    """Register a later chapter's rule on commands of class `cls`."""

    def register(check: Guard[C]) -> Guard[C]:
        GUARDS.setdefault(cls, []).append(check)
        return check

    return register


def follow_up(consequence: FollowUp) -> FollowUp:
    FOLLOWUPS.append(consequence)
    return consequence


def on_acting(prelude: Prelude) -> Prelude:
    PRELUDES.append(prelude)
    return prelude


def on_deadline(kind: str) -> Callable[[DeadlineHandler], DeadlineHandler]:
    def register(handler: DeadlineHandler) -> DeadlineHandler:
        DEADLINE_HANDLERS[kind] = handler
        return handler

    return register


def evolve(state: State, event: Event) -> State:
    """Apply one event; the state is updated in place and returned."""
    seq = event.seq
    if seq != state.seq + 1:
        raise ReplayFailed(f"event seq {seq} follows seq {state.seq}: a gap or a repeat")
    applier = APPLIERS.get(type(event))
    if applier is None:
        raise ReplayFailed(f"event seq {seq}: no rule applies {event.type!r}")
    state.seq = seq
    if event.at > state.clock:
        state.clock = event.at
    elif event.at < state.clock:  # instants never go back in a log: stores rely on it
        raise ReplayFailed(f"event seq {seq} at {event.at} is before the clock, {state.clock}")
    cid = event.cid
    if cid is not None and event.digest is not None:
        known = state.cids.get(cid)
        state.cids[cid] = CidRecord(event.digest, known.first_seq if known else seq, seq)
    applier(state, event)
    return state


def evolve_all(state: State, events: Iterable[Event]) -> State:
    for event in events:
        evolve(state, event)
    return state


def fall_deadlines(state: State, until: str, draft: Draft) -> tuple[State, list[Event]]:
    """TIME-2: the consequences of every deadline up to `until`, in deadline order.

    Returns the state they lead to (a fork: `state` itself is untouched) and their events.
    """
    work, events = state, []
    while work.first_deadline is not None and work.first_deadline <= until:
        key, instant = min(work.deadlines.items(), key=lambda item: (item[1], item[0]))
        if work is state:
            work = state.fork()
        kind, _, object_id = key.partition(":")
        consequences = DEADLINE_HANDLERS[kind](work, object_id, instant, draft)
        evolve_all(work, consequences)
        if work.deadlines.get(key) == instant:
            raise ReplayFailed(f"deadline {key} at {instant} did not clear itself")
        events += consequences
    return work, events


# The event of a seq, from the log the state was built from: for words, never for a decision.
Recall = Callable[[int], Event | None]


def decide(state: State, cmd: Command, recall: Recall | None = None) -> Outcome:
    """Judge a typed command against the world as of its `at`; `state` is left as it was.

    The order of refusals is §13's: (CMD-1, ID-1 at parsing), TIME-1, IDEM-1, ID-3, ID-2,
    LIFE-1, authority, then the chapter's own rules in the handler. `recall`, when given, lets
    an IDEM-1 refusal say how the command differs from the one its cid was first used for.
    """
    spec = COMMANDS[cmd.do]
    cid_digest = known = None
    if cmd.cid is not None:
        cid_digest, known = digest(cmd), state.cids.get(cmd.cid)
        if known is not None and known.digest == cid_digest:
            # A retry: the first outcome, whatever the clock says now (docs/rules.md, IDEM-1).
            return Replayed(known.first_seq, known.last_seq)
    if cmd.at < state.clock:
        return refuse("TIME-1", f"{cmd.at} is before the world's clock, {state.clock}")
    if known is not None:
        first = recall(known.first_seq) if recall else None
        return refuse("IDEM-1", cid_reused(cmd, known.first_seq, first))
    if cmd.world is not None and cmd.world != state.world:  # ID-3, after IDEM-1 (§13)
        return refuse("ID-3", f"this is world {state.world!r}, not {cmd.world!r}")
    draft = Draft(state, cmd, cmd.at, cid_digest)
    work, events = fall_deadlines(state, cmd.at, draft)
    refusal = check_names(work, cmd, spec) or check_life(work, cmd, spec)
    refusal = refusal or spec.authority(work, cmd)
    if refusal:
        return refusal
    for prelude in PRELUDES:
        events += prelude(work, cmd, draft)
    outcome = spec.handler(work, cmd, draft)
    if isinstance(outcome, Refusal):
        return outcome
    if cmd.note is not None and outcome:
        outcome[0] = msgspec.structs.replace(outcome[0], note=cmd.note)
    for guard in GUARDS.get(type(cmd), ()):
        refusal = guard(work, cmd)
        if refusal:
            return refusal
    for follow in FOLLOWUPS:
        outcome += follow(work, outcome, draft)
    if events:
        outcome = events + outcome
    return Accepted(outcome)


def handle(state: State, raw: object, recall: Recall | None = None) -> Outcome:
    """Parse a JSON-like command (CMD-1, ID-1) and decide it."""
    cmd = parse_command(raw)
    return cmd if isinstance(cmd, Refusal) else decide(state, cmd, recall)


def cid_reused(cmd: Command, first_seq: int, first: Event | None) -> str:
    """IDEM-1: which fields differ between this command and the first event of its cid's."""
    said = f"cid {cmd.cid!r} was used by another command (seq {first_seq})"
    if first is None:
        return f"{said}; a retry repeats that command exactly, a new command takes a new cid"
    fields = ("by", "at", *(name for name in cmd.__struct_fields__ if name not in ("cid", "at")))
    differ = [
        f"{name} is {shown(getattr(cmd, name))}, not {shown(getattr(first, name))} as first sent"
        for name in fields
        if name in first.__struct_fields__ and getattr(cmd, name) != getattr(first, name)
    ]
    if not differ:
        return f"{said}, {first.type}: a retry repeats that command exactly"
    return f"{said}: {'; '.join(differ)}; a retry repeats the command exactly"


def exists(state: State, kind: str, object_id: str) -> bool:
    if kind == "account":  # members, hotels and the treasury share one namespace
        return object_id == TABLE or object_id in state.members or object_id in state.hotels
    return object_id in KINDS[kind](state)


def check_names(state: State, cmd: C, spec: CommandSpec[C]) -> Refusal | None:
    """ID-3 for the actor and every object named, then ID-2 for the object created."""
    if cmd.by != TABLE and cmd.by not in state.members:
        return refuse("ID-3", f"by: no member {cmd.by!r} in this world")
    for name, kind in spec.refs.items():
        value = getattr(cmd, name)
        if value is not None and not exists(state, kind, value):
            return refuse("ID-3", f"{name.rstrip('_')}: no {kind} {value!r} in this world")
    for path, kind, value in spec.nested(cmd) if spec.nested else ():
        if not exists(state, kind, value):
            return refuse("ID-3", f"{path}: no {kind} {value!r} in this world")
    if spec.creates:
        name, kind = spec.creates
        value = getattr(cmd, name)
        if exists(state, kind, value):
            return refuse("ID-2", f"{name}: {value!r} is taken")
    return None


def check_life(state: State, cmd: C, spec: CommandSpec[C]) -> Refusal | None:
    """LIFE-1: the deceased neither act nor are named as new parties."""
    members = state.members
    actor = members.get(cmd.by)
    if actor is not None and actor.life == "deceased":
        return refuse("LIFE-1", f"{cmd.by} is deceased and cannot act")
    for name in spec.parties:
        value = getattr(cmd, name)
        member = members.get(value) if value is not None else None
        if member is not None and member.life == "deceased":
            return refuse("LIFE-1", f"{name.rstrip('_')}: {value} is deceased")
    return None
