"""A member's dossier: who they are in a world, with the instant of each fact, read from the log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple, TypeVar

from hightable.core.events import Event, to_dict
from hightable.core.mentions import names_in
from hightable.core.state import Duel, State
from hightable.core.view import Document, members_entry

ENVELOPE = ("world", "seq", "at", "type", "by", "cid", "digest")
OBJECT_FIELDS = ("marker", "terms", "duel", "contract", "alliance", "parlay", "family", "hotel")


Held = dict[str, list[tuple[str, str, Document]]]  # section -> (kind, object id, facts)
Candidates = dict[str, set[str]]  # kind -> object ids
KINDS = ("marker", "contract", "terms", "duel", "alliance")  # of the objects a dossier lists
T = TypeVar("T")


class Standing(NamedTuple):
    """What a dossier takes from the state: the member's entry, the objects it is party to, and
    where the state stands in the log (the events it knows)."""

    entry: Document
    held: Held
    seq: int
    clock: str
    by_first: bool = False  # held from candidates: to be put in the order the objects came


def standing(state: State, member_id: str, candidates: Candidates | None = None) -> Standing:
    """The member's standing; its objects looked for among `candidates` when given (the cost
    of the member's own events, not of the whole state)."""
    entry = members_entry(state, member_id, state.members[member_id])
    held = holdings(state, member_id, candidates)
    return Standing(entry, held, state.seq, state.clock, candidates is not None)


def dossier(events: Sequence[Event], state: State, member_id: str) -> Document:
    """Everything the ledger holds on a member as of `state`, whose log is `events`."""
    return dossier_from(events, member_id, standing(state, member_id))


def dossier_from(events: Iterable[Event], member_id: str, stand: Standing) -> Document:
    """The dossier from its member's standing and events of the log that hold every event up
    to the state that names the member or an object it is party to (`names_for`): the whole
    log, or those its index of mentions finds."""
    known = [event for event in events if event.seq <= stand.seq and event.at <= stand.clock]
    since, first, changed, timeline, breaches = walk(known, member_id)

    def dated(kind: str, object_id: str, facts: Document) -> Document:
        key = f"{kind}:{object_id}"
        return {kind: object_id, **facts, "since": since.get(key), "changed": changed.get(key)}

    def made(entry: tuple[str, str, Document]) -> int:
        return first.get(f"{entry[0]}:{entry[1]}", 0)

    # A table keeps its objects in the order they were made, which is that of the first event
    # naming each (the one that made it): objects found among candidates are put back in it.
    held = {
        name: sorted(entries, key=made) if stand.by_first else entries
        for name, entries in stand.held.items()
    }
    listed = {name: [dated(*entry) for entry in entries] for name, entries in held.items()}
    return {
        "member": member_id,
        "clock": stand.clock,  # the instant the dossier is of: a grace counts down to it
        **stand.entry,
        "breaches": breaches,
        **listed,
        "timeline": timeline,
    }


def names_for(member_id: str, held: Held) -> list[str]:
    """The ids whose events a dossier reads: the member's and those of the objects it holds."""
    return [member_id, *(object_id for entries in held.values() for _, object_id, _ in entries)]


def candidates_in(events: Iterable[Event], member_id: str) -> Candidates:
    """The objects named beside the member in its own events, by kind. Every tie a dossier
    shows (a marker's holder or debtor, a contract's client or target, terms' parties, a duel's
    sides, seconds and stand-ins, an alliance's parties) is made by an event that names both the
    member and the object, so the objects it is party to are among these."""
    found: Candidates = {kind: set() for kind in KINDS}
    for event in events:
        fields = to_dict(event)
        if member_id not in names_in(fields):
            continue
        for kind in KINDS:
            if isinstance(object_id := fields.get(kind), str):
                found[kind].add(object_id)
    return found


def holdings(state: State, member_id: str, candidates: Candidates | None = None) -> Held:
    """The objects of the state the member is party to, by section of the dossier: looked for
    among `candidates` (`candidates_in` the member's events), or in the whole state."""

    def each(kind: str, table: Mapping[str, T]) -> Iterable[tuple[str, T]]:
        if candidates is None:
            return table.items()
        return ((oid, table[oid]) for oid in sorted(candidates[kind]) if oid in table)

    def duel_sides(d: Duel) -> tuple[str, ...]:
        return (d.challenger, d.challenged, *d.second.values(), *d.stand_in.values())

    return {
        "markers_held": [
            ("marker", mid, {"debtor": m.debtor, "state": m.state, "hotel": m.hotel})
            for mid, m in each("marker", state.markers)
            if m.holder == member_id
        ],
        "markers_owed": [
            ("marker", mid, {"holder": m.holder, "state": m.state, "hotel": m.hotel})
            for mid, m in each("marker", state.markers)
            if m.debtor == member_id
        ],
        "contracts_on": [
            ("contract", cid, {"client": c.client, "bounty": c.bounty, "state": c.state})
            for cid, c in each("contract", state.contracts)
            if c.target == member_id
        ],
        "contracts_posted": [
            ("contract", cid, {"target": c.target, "bounty": c.bounty, "state": c.state})
            for cid, c in each("contract", state.contracts)
            if c.client == member_id
        ],
        "terms": [
            (
                "terms",
                tid,
                {"offerer": t.offerer, "to": t.to, "state": t.state, "deadline": t.deadline},
            )
            for tid, t in each("terms", state.terms)
            if member_id in (t.to, t.offerer)
        ],
        "duels": [
            (
                "duel",
                did,
                {
                    "challenger": d.challenger,
                    "challenged": d.challenged,
                    "state": d.state,
                    "hour": d.hour,
                    "winner": d.winner,
                },
            )
            for did, d in each("duel", state.duels)
            if member_id in duel_sides(d)
        ],
        "alliances": [
            ("alliance", aid, {"proposer": a.proposer, "partner": a.partner, "state": a.state})
            for aid, a in each("alliance", state.alliances)
            if member_id in (a.proposer, a.partner)
        ],
    }


class Walked(NamedTuple):
    since: dict[str, str]  # "kind:id" -> the instant it entered the log
    first: dict[str, int]  # "kind:id" -> the seq of the event that made it
    changed: dict[str, str]  # "kind:id" -> the instant it last changed
    timeline: list[Document]
    breaches: list[Document]


def walk(events: Sequence[Event], member_id: str) -> Walked:
    """From the log: when each object entered it and last changed, the events that name the
    member (its timeline), and its breaches."""
    since: dict[str, str] = {}
    first: dict[str, int] = {}
    changed: dict[str, str] = {}
    timeline: list[Document] = []
    breaches: list[Document] = []
    for event in events:
        fields = to_dict(event)
        for name in OBJECT_FIELDS:
            if isinstance(fields.get(name), str):
                since.setdefault(f"{name}:{fields[name]}", event.at)
                first.setdefault(f"{name}:{fields[name]}", event.seq)
                changed[f"{name}:{fields[name]}"] = event.at
        if event.type == "breach_recorded" and fields["member"] == member_id:
            breaches.append({"rule": fields["rule"], "place": fields.get("place"), "at": event.at})
        if member_id in names_in(fields):  # its author, or named in one of its fields
            details = {k: v for k, v in fields.items() if k not in ENVELOPE}
            timeline.append({"at": event.at, "event": event.type, "by": event.by, **details})
    return Walked(since, first, changed, timeline, breaches)
