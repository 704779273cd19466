"""Events: the facts of the log, one typed struct per kind, tagged by `type` (§17)."""

from __future__ import annotations

from typing import Any, Union

import msgspec


class Event(msgspec.Struct, tag_field="type", kw_only=True, omit_defaults=True, frozen=True):
    """Fields every event carries: `{world, seq, at, type, by, cid?}`.

    `digest` travels with `cid`: it fingerprints the command's body, so that IDEM-1 can tell a
    retry from another command under the same cid.
    """

    world: str
    seq: int
    at: str
    by: str
    cid: str | None = None
    digest: str | None = None

    @property
    def type(self) -> str:
        return str(self.__struct_config__.tag)


class BreachRecorded(Event, tag="breach_recorded"):
    """A rule broken but not prevented: the rule, the member, the place (§12)."""

    member: str
    rule: str
    place: str | None = None


class Resurfaced(Event, tag="resurfaced"):
    """A presumed-dead member acted, and so lives again (§2)."""

    member: str


EVENT_TYPES: dict[str, type[Event]] = {}


def event_type(cls: type[Event]) -> type[Event]:
    """Register an event class so that logs holding it can be decoded."""
    EVENT_TYPES[str(cls.__struct_config__.tag)] = cls
    return cls


event_type(BreachRecorded)
event_type(Resurfaced)

_encoder = msgspec.json.Encoder(order="sorted")


def canonical_json(event: Event) -> bytes:
    """CHAIN-1: sorted keys, no spaces."""
    return _encoder.encode(event)


def to_dict(event: Event) -> dict[str, Any]:
    return msgspec.json.decode(canonical_json(event))


def decode_event(data: bytes | str) -> Event:
    return msgspec.json.decode(data, type=_event_union())


def convert_event(data: dict[str, Any]) -> Event:
    return msgspec.convert(data, type=_event_union())


_union_cache: dict[int, Any] = {}


def _event_union() -> Any:
    key = len(EVENT_TYPES)
    if key not in _union_cache:
        _union_cache.clear()
        _union_cache[key] = Union[tuple(EVENT_TYPES.values())]  # noqa: UP007
    return _union_cache[key]
