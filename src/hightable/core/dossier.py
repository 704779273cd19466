"""A member's dossier: who they are in a world, with the instant of each fact, read from the log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from hightable.core.events import Event, to_dict
from hightable.core.mentions import names_in
from hightable.core.state import State
from hightable.core.view import Document, members_entry

ENVELOPE = ("world", "seq", "at", "type", "by", "cid", "digest")
OBJECT_FIELDS = ("marker", "terms", "duel", "contract", "alliance", "parlay", "family", "hotel")


Held = dict[str, list[tuple[str, str, Document]]]  # section -> (kind, object id, facts)


class Standing(NamedTuple):
    """What a dossier takes from the state: the member's entry, the objects it is party to, and
    where the state stands in the log (the events it knows)."""

    entry: Document
    held: Held
    seq: int
    clock: str


def standing(state: State, member_id: str) -> Standing:
    entry = members_entry(state, member_id, state.members[member_id])
    return Standing(entry, holdings(state, member_id), state.seq, state.clock)


def dossier(events: Sequence[Event], state: State, member_id: str) -> Document:
    """Everything the ledger holds on a member as of `state`, whose log is `events`."""
    return dossier_from(events, member_id, standing(state, member_id))


def dossier_from(events: Iterable[Event], member_id: str, stand: Standing) -> Document:
    """The dossier from its member's standing and events of the log that hold every event up
    to the state that names the member or an object it is party to (`names_for`): the whole
    log, or those its index of mentions finds."""
    known = [event for event in events if event.seq <= stand.seq and event.at <= stand.clock]
    since, changed, timeline, breaches = walk(known, member_id)

    def dated(kind: str, object_id: str, facts: Document) -> Document:
        key = f"{kind}:{object_id}"
        return {kind: object_id, **facts, "since": since.get(key), "changed": changed.get(key)}

    listed = {name: [dated(*entry) for entry in entries] for name, entries in stand.held.items()}
    return {
        "member": member_id,
        **stand.entry,
        "breaches": breaches,
        **listed,
        "timeline": timeline,
    }


def names_for(member_id: str, held: Held) -> list[str]:
    """The ids whose events a dossier reads: the member's and those of the objects it holds."""
    return [member_id, *(object_id for entries in held.values() for _, object_id, _ in entries)]


def holdings(state: State, member_id: str) -> Held:
    """The objects of the state the member is party to, by section of the dossier."""
    return {
        "markers_held": [
            ("marker", mid, {"debtor": m.debtor, "state": m.state, "hotel": m.hotel})
            for mid, m in state.markers.items()
            if m.holder == member_id
        ],
        "markers_owed": [
            ("marker", mid, {"holder": m.holder, "state": m.state, "hotel": m.hotel})
            for mid, m in state.markers.items()
            if m.debtor == member_id
        ],
        "contracts_on": [
            ("contract", cid, {"client": c.client, "bounty": c.bounty, "state": c.state})
            for cid, c in state.contracts.items()
            if c.target == member_id
        ],
        "contracts_posted": [
            ("contract", cid, {"target": c.target, "bounty": c.bounty, "state": c.state})
            for cid, c in state.contracts.items()
            if c.client == member_id
        ],
        "terms": [
            (
                "terms",
                tid,
                {"offerer": t.offerer, "to": t.to, "state": t.state, "deadline": t.deadline},
            )
            for tid, t in state.terms.items()
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
            for did, d in state.duels.items()
            if member_id in (d.challenger, d.challenged, *d.second.values(), *d.stand_in.values())
        ],
        "alliances": [
            ("alliance", aid, {"proposer": a.proposer, "partner": a.partner, "state": a.state})
            for aid, a in state.alliances.items()
            if member_id in (a.proposer, a.partner)
        ],
    }


def walk(
    events: Sequence[Event], member_id: str
) -> tuple[dict[str, str], dict[str, str], list[Document], list[Document]]:
    """From the log: when each object entered it and last changed, the events that name the
    member (its timeline), and its breaches."""
    since: dict[str, str] = {}  # object id -> the instant it entered the log
    changed: dict[str, str] = {}  # object id -> the instant it last changed
    timeline: list[Document] = []
    breaches: list[Document] = []
    for event in events:
        fields = to_dict(event)
        for name in OBJECT_FIELDS:
            if isinstance(fields.get(name), str):
                since.setdefault(f"{name}:{fields[name]}", event.at)
                changed[f"{name}:{fields[name]}"] = event.at
        if event.type == "breach_recorded" and fields["member"] == member_id:
            breaches.append({"rule": fields["rule"], "place": fields.get("place"), "at": event.at})
        if member_id in names_in(fields):  # its author, or named in one of its fields
            details = {k: v for k, v in fields.items() if k not in ENVELOPE}
            timeline.append({"at": event.at, "event": event.type, "by": event.by, **details})
    return since, changed, timeline, breaches
