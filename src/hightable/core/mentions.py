"""Who and what an event names: the keys of the stores' index of mentions.

An event names every id among its own fields (a top-level text, or a text in a top-level list,
that is a slug, as every id is: ID-1), and its author (`by`); its envelope otherwise (world,
seq, instant, cid, digest) names nothing, and neither does a free text (a name, a reason).
A dossier finds its member's events, and those of the objects the member is party to, through
this index instead of reading the whole log; `verify` recomputes it from the log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import msgspec

from hightable.core.commands import SLUG

ENVELOPE = ("world", "seq", "at", "type", "cid", "digest")  # `by` names the event's author


def names_in(fields: Mapping[str, object]) -> tuple[str, ...]:
    """The ids an event's fields name, each once, sorted (the index's rows for it)."""
    found: set[str] = set()
    for key, value in fields.items():
        if key in ENVELOPE:
            continue
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, list):
            found.update(item for item in value if isinstance(item, str))
    return tuple(sorted(name for name in found if SLUG.fullmatch(name)))


def names_in_body(body: bytes) -> tuple[str, ...]:
    """The ids an event's canonical JSON names; a body that is no JSON object names nothing
    (the store keeps what it is given; the checked reader judges the body)."""
    try:
        fields = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return ()
    return names_in(fields) if isinstance(fields, dict) else ()


def mention_rows(seq: int, body: bytes) -> Iterable[tuple[int, str]]:
    """The index's rows for one stored record."""
    return ((seq, name) for name in names_in_body(body))
