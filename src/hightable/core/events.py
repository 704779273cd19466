"""Events: the facts of the log, one typed struct per kind, tagged by `type` (§17)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Union

import msgspec


class Event(msgspec.Struct, tag_field="type", kw_only=True, omit_defaults=True, gc=False):
    """Fields every event carries: `{world, seq, at, type, by, cid?, note?}`.

    `digest` travels with `cid`: it fingerprints the command's body, so that IDEM-1 can tell a
    retry from another command under the same cid. `note` is the command's scene, on the first
    event its handler made; left out when absent, so that logs written before it seal alike.
    """

    type: ClassVar[str]  # the event's tag, set when it is registered

    world: str
    seq: int
    at: str
    by: str
    cid: str | None = None
    digest: str | None = None
    note: str | None = None


EVENT_TYPES: dict[str, type[Event]] = {}


def event_type(cls: type[Event]) -> type[Event]:
    """Register an event class so that logs holding it can be decoded."""
    cls.type = str(cls.__struct_config__.tag)
    EVENT_TYPES[cls.type] = cls
    return cls


_encoder = msgspec.json.Encoder(order="sorted")


def canonical_json(event: Event) -> bytes:
    """CHAIN-1: sorted keys, no spaces."""
    return _encoder.encode(event)


def sorted_keys(value: object) -> object:
    """A JSON value with every mapping's keys sorted, as a replay from canonical JSON has them."""
    return msgspec.json.decode(_encoder.encode(value))


def to_dict(event: Event) -> dict[str, Any]:
    """The event as a JSON object, its keys sorted."""
    document: dict[str, Any] = msgspec.json.decode(canonical_json(event))
    return document


def decode_event(data: bytes | str) -> Event:
    """An event from its JSON; an unknown `type` or a bad field is a msgspec.ValidationError."""
    event: Event = event_decoder().decode(data)
    return event


def convert_event(data: Mapping[str, object]) -> Event:
    event: Event = msgspec.convert(data, type=event_decoder().type)
    return event


_decoders: dict[int, msgspec.json.Decoder[Event]] = {}


def event_decoder() -> msgspec.json.Decoder[Event]:
    """A decoder for every event type registered so far (chapters register on import)."""
    count = len(EVENT_TYPES)
    if count not in _decoders:
        _decoders.clear()
        _decoders[count] = msgspec.json.Decoder(Union[tuple(EVENT_TYPES.values())])  # noqa: UP007
    return _decoders[count]
