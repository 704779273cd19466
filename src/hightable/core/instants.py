"""Instants: ISO-8601 UTC, whole seconds, written `2019-05-17T19:10:00Z` everywhere.

Instants in this canonical form sort as strings, so the core compares them without parsing.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache

_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")
_CANONICAL = re.compile(r"^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_RELATIVE = re.compile(r"^\+(\d{1,9})(s|m|h|d)$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class InstantError(ValueError):
    """A text that is not an ISO-8601 UTC instant."""


def parse_instant(value: object) -> str:
    """Return the canonical form of an instant given as text or as a datetime."""
    if isinstance(value, str) and is_canonical(value):
        return value
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and _SHAPE.match(value.strip()):
        text = value.strip()
        try:
            moment = datetime.fromisoformat(text.replace("z", "Z"))
        except ValueError as error:
            raise InstantError(f"{value!r} is not a valid instant ({error})") from None
        if moment.tzinfo is None:
            raise InstantError(f"{value!r} has no time zone; write it in UTC, ending in Z")
    else:
        raise InstantError(f"{value!r} is not an ISO-8601 UTC instant like 2019-05-17T19:10:00Z")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment.microsecond:
        raise InstantError(f"{value!s} has a fraction of a second; instants are whole seconds")
    return format_instant(moment)


@lru_cache(maxsize=4096)  # commands arriving together mostly share their instants
def is_canonical(text: str) -> bool:
    """Already in the canonical form, and a real instant (no 30 February)."""
    if not _CANONICAL.match(text):
        return False
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def to_datetime(instant: str) -> datetime:
    return datetime.strptime(instant, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def format_instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_minutes(instant: str, minutes: int) -> str:
    return format_instant(to_datetime(instant) + timedelta(minutes=minutes))


def parse_step_time(value: object, last: str) -> str:
    """An instant, or `+N(s|m|h|d)` after `last` (a story's step time)."""
    if isinstance(value, str):
        relative = _RELATIVE.match(value.strip())
        if relative:
            amount, unit = relative.groups()
            try:
                moment = to_datetime(last) + timedelta(**{_UNITS[unit]: int(amount)})
            except OverflowError:
                raise InstantError(f"{value!r} runs past the year 9999") from None
            return format_instant(moment)
    return parse_instant(value)
