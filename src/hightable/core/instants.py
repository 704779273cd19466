"""Instants: ISO-8601 UTC, whole seconds, written `2019-05-17T19:10:00Z` everywhere.

Instants in this canonical form sort as strings, so the core compares them without parsing. That
holds because every instant lies within FIRST..LAST and is written with a four-digit year.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from hightable.core.texts import shown
from hightable.limits import instant_text_length_max

FIRST = "0001-01-01T00:00:00Z"
LAST = "9999-12-31T23:59:59Z"

_TEXT = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?"
    r"(?:\.([0-9]+))?(?:([Zz])|([+-])([0-9]{2}):?([0-9]{2}))?"
)
# What a schema says of an instant: the forms `_TEXT` reads that are instants (a time zone, no
# fraction of a second), as a JSON Schema pattern (searched, hence anchored).
_WRITTEN = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2})?(?:\.0+)?"
    r"(?:[Zz]|[+-][0-9]{2}:?[0-9]{2})"
)
INSTANT_PATTERN = rf"^\s*{_WRITTEN}\s*$"
STEP_TIME_PATTERN = rf"^\s*(?:\+[0-9]{{1,9}}[smhd]|{_WRITTEN})\s*$"
_CANONICAL = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_RELATIVE = re.compile(r"\+([0-9]{1,9})(s|m|h|d)")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_LIKE = "an ISO-8601 UTC instant like 2019-05-17T19:10:00Z"


class InstantError(ValueError):
    """A value that is not an instant, or one outside FIRST..LAST."""


def parse_instant(value: object) -> str:
    """The canonical form of an instant given as text or as a datetime; else InstantError.

    Every door (commands, worlds, stories, `?at=`, forks) reads its instants here.
    """
    if isinstance(value, str):
        return value if is_canonical(value) else _from_text(value)
    if isinstance(value, datetime):
        return _from_datetime(value)
    raise InstantError(f"{shown(value)} is not {_LIKE}")


def _from_text(value: str) -> str:
    text = value.strip()
    match = _TEXT.fullmatch(text) if len(text) <= instant_text_length_max else None
    if match is None:
        raise InstantError(f"{shown(value)} is not {_LIKE}")
    *fields, fraction, zulu, sign, offset_hours, offset_minutes = match.groups()
    if zulu is None and sign is None:
        raise InstantError(f"{shown(value)} has no time zone; write it in UTC, ending in Z")
    if fraction and fraction.strip("0"):
        raise InstantError(f"{shown(value)} has a fraction of a second; instants are whole seconds")
    year, month, day, hour, minute, second = (int(field or 0) for field in fields)
    try:
        moment = datetime(year, month, day, hour, minute, second)
    except ValueError as error:
        raise InstantError(f"{shown(value)} is not a valid instant ({error})") from None
    if sign is not None:
        hours, minutes = int(offset_hours), int(offset_minutes)
        if hours > 23 or minutes > 59:
            raise InstantError(f"{shown(value)}: an offset lies within -23:59..+23:59")
        offset = timedelta(hours=hours, minutes=minutes)
        moment = _shifted(moment, -offset if sign == "+" else offset, value)
    return format_instant(moment)


def _from_datetime(value: datetime) -> str:
    try:
        written, offset = value.isoformat(), value.utcoffset()
    except (ValueError, TypeError) as error:
        raise InstantError(f"{shown(value)} has no usable time zone ({error})") from None
    moment = value.replace(tzinfo=None)  # a datetime without a zone is read as UTC
    if offset:
        moment = _shifted(moment, -offset, written)
    if moment.microsecond:
        raise InstantError(f"{written} has a fraction of a second; instants are whole seconds")
    return format_instant(moment)


def _shifted(moment: datetime, delta: timedelta, value: object) -> datetime:
    try:
        return moment + delta
    except OverflowError:
        raise InstantError(f"{shown(value)} lies outside {FIRST}..{LAST}") from None


@lru_cache(maxsize=4096)  # commands arriving together mostly share their instants
def is_canonical(text: str) -> bool:
    """Already in the canonical form, and a real instant (no 30 February, no year 0)."""
    if not _CANONICAL.fullmatch(text):
        return False
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def to_datetime(instant: str) -> datetime:
    """A canonical instant as an aware datetime in UTC."""
    return datetime.fromisoformat(instant[:-1]).replace(tzinfo=UTC)


def format_instant(moment: datetime) -> str:
    """The canonical form: four-digit year, always (strftime's %Y drops a year's leading zeros).

    A datetime without a zone is taken as UTC already.
    """
    if moment.tzinfo is not None:
        offset = moment.utcoffset() or timedelta()
        moment = _shifted(moment.replace(tzinfo=None), -offset, moment.isoformat())
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"
    )


def shift(instant: str, delta: timedelta) -> str:
    """A canonical instant moved by `delta`; InstantError past LAST (or before FIRST)."""
    try:
        moment = to_datetime(instant) + delta
    except OverflowError:
        raise InstantError(f"{instant} moved by {delta} lies outside {FIRST}..{LAST}") from None
    return format_instant(moment)


def add_minutes(instant: str, minutes: int) -> str:
    return shift(instant, timedelta(minutes=minutes))


def parse_step_time(value: object, last: str) -> str:
    """An instant, or `+N(s|m|h|d)` after `last` (a story's step time)."""
    if isinstance(value, str):
        relative = _RELATIVE.fullmatch(value.strip())
        if relative:
            amount, unit = relative.groups()
            try:
                return shift(last, timedelta(**{_UNITS[unit]: int(amount)}))
            except InstantError:
                raise InstantError(f"{value!r} after {last} runs past {LAST}") from None
    return parse_instant(value)
