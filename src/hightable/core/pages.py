"""The view a page at a time, for a world of any size: each section's first entries (the live
ones first), one section searched and paged, and the neighbourhood of one member."""

from __future__ import annotations

from collections.abc import Iterator

import msgspec

from hightable.core.state import State
from hightable.core.view import SECTIONS, Document, header

# The states of objects still in play: a board shows these before the closed ones.
LIVE_STATES = frozenset(
    {"open", "sworn", "invoked", "offered", "accepted", "challenged", "sanctioned", "requested"}
    | {"granted", "proposed", "active"}
)
HUBS = ("families", "hotels")


def ordered_ids(state: State, name: str) -> list[str]:
    """A section's ids, those in play first, each group in the order the log made them."""
    table = SECTIONS[name].table(state)
    return sorted(table, key=lambda i: getattr(table[i], "state", "active") not in LIVE_STATES)


def entries(state: State, name: str, ids: list[str]) -> Document:
    entry = SECTIONS[name].entry
    return {object_id: entry(state, object_id) for object_id in ids}


def view_cut(state: State, limit: int) -> Document:
    """The view with each section cut to its first `limit` entries; `totals` counts them all."""
    document = header(state)
    totals: dict[str, int] = {}
    for name in SECTIONS:
        ids = ordered_ids(state, name)
        totals[name] = len(ids)
        document[name] = entries(state, name, ids[:limit])
    document["totals"] = totals
    return document


def section_page(state: State, name: str, query: str, offset: int, limit: int) -> Document:
    """One section, its ids or names holding `query` (any case), `limit` entries from `offset`."""
    ids = ordered_ids(state, name)
    if query:
        needle, table = query.casefold(), SECTIONS[name].table(state)
        ids = [
            i
            for i in ids
            if needle in i.casefold() or needle in str(getattr(table[i], "name", "")).casefold()
        ]
    document = header(state)
    document.update(total=len(ids), offset=offset, section=name)
    document[name] = entries(state, name, ids[offset : offset + limit])
    return document


def names_in(value: object) -> Iterator[str]:
    """Every text a value holds, at any depth: the ids an object names."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, msgspec.Struct):
        for field in value.__struct_fields__:
            yield from names_in(getattr(value, field))
    elif isinstance(value, dict):
        for inner in value.values():
            yield from names_in(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from names_in(inner)


def neighbourhood(state: State, member: str, limit: int) -> Document:
    """The member, the objects that name them (at most `limit` of each kind, those in play
    first), the members those objects name, and the families and hotels of all of them."""
    document = header(state)
    near = {member}
    for name in SECTIONS:
        if name in ("members", *HUBS):
            continue
        table = SECTIONS[name].table(state)
        ids = [i for i in ordered_ids(state, name) if member in names_in(table[i])][:limit]
        document[name] = entries(state, name, ids)
        near.update(m for i in ids for m in names_in(table[i]) if m in state.members)
    shown = [m for m in state.members if m in near]
    document["members"] = entries(state, "members", shown)
    families = {state.members[m].family or state.members[m].recruit_of for m in shown}
    document["families"] = entries(state, "families", [f for f in state.families if f in families])
    managed = [h for h, hotel in state.hotels.items() if hotel.manager in near]
    document["hotels"] = entries(state, "hotels", managed)
    return document
