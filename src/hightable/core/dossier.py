"""A member's dossier: who they are in a world, with the instant of each fact, read from the log."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hightable.core.events import Event, to_dict
from hightable.core.state import State
from hightable.core.view import Document, members_entry

ENVELOPE = ("world", "seq", "at", "type", "by", "cid", "digest")
OBJECT_FIELDS = ("marker", "terms", "duel", "contract", "alliance", "parlay", "family", "hotel")


def mentions(fields: Mapping[str, object], member_id: str) -> bool:
    return any(
        value == member_id or (isinstance(value, list) and member_id in value)
        for value in fields.values()
    )


def dossier(events: Sequence[Event], state: State, member_id: str) -> Document:
    """Everything the ledger holds on a member as of `state`, whose log is `events`."""
    since, changed, timeline, breaches = walk(events, member_id)

    def dated(kind: str, object_id: str, **facts: object) -> Document:
        key = f"{kind}:{object_id}"
        return {kind: object_id, **facts, "since": since.get(key), "changed": changed.get(key)}

    return {
        "member": member_id,
        "clock": state.clock,  # the instant the dossier is of: a grace counts down to it
        **members_entry(state, member_id, state.members[member_id]),
        "breaches": breaches,
        "markers_held": [
            dated("marker", mid, debtor=m.debtor, state=m.state, hotel=m.hotel)
            for mid, m in state.markers.items()
            if m.holder == member_id
        ],
        "markers_owed": [
            dated("marker", mid, holder=m.holder, state=m.state, hotel=m.hotel)
            for mid, m in state.markers.items()
            if m.debtor == member_id
        ],
        "contracts_on": [
            dated("contract", cid, client=c.client, bounty=c.bounty, state=c.state)
            for cid, c in state.contracts.items()
            if c.target == member_id
        ],
        "contracts_posted": [
            dated("contract", cid, target=c.target, bounty=c.bounty, state=c.state)
            for cid, c in state.contracts.items()
            if c.client == member_id
        ],
        "terms": [
            dated("terms", tid, offerer=t.offerer, to=t.to, state=t.state, deadline=t.deadline)
            for tid, t in state.terms.items()
            if member_id in (t.to, t.offerer)
        ],
        "duels": [
            dated(
                "duel",
                did,
                challenger=d.challenger,
                challenged=d.challenged,
                state=d.state,
                hour=d.hour,
                winner=d.winner,
            )
            for did, d in state.duels.items()
            if member_id in (d.challenger, d.challenged, *d.second.values(), *d.stand_in.values())
        ],
        "alliances": [
            dated("alliance", aid, proposer=a.proposer, partner=a.partner, state=a.state)
            for aid, a in state.alliances.items()
            if member_id in (a.proposer, a.partner)
        ],
        "timeline": timeline,
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
        if event.by == member_id or mentions(fields, member_id):
            details = {k: v for k, v in fields.items() if k not in ENVELOPE}
            timeline.append({"at": event.at, "event": event.type, "by": event.by, **details})
    return since, changed, timeline, breaches
