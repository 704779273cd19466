"""Instants at the edge (CMD-1, TIME-1): the whole range of years 1..9999, every offset.

The canonical form always has a four-digit year, sorts as text in time order and reads back as
the same moment; an instant outside 0001-01-01T00:00:00Z..9999-12-31T23:59:59Z is refused, at
every door, with the field named and no traceback.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hightable.core import Accepted, Ledger, Refusal, parse_command
from hightable.core.instants import InstantError, parse_instant, to_datetime
from hightable.core.world import create_world

START = "2019-05-17T17:00:00Z"
FIRST = datetime(1, 1, 1, tzinfo=UTC)
LAST = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
OUTSIDE = ["9999-12-31T23:59:59-01:00", "0001-01-01T00:30:00+01:00", "0000-01-01T00:00:00Z"]
MOMENTS = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59))
OFFSETS = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1)  # minutes


def written(moment: datetime) -> str:
    """The canonical form, written out here without the code under test."""
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"
    )


def expected_utc(local: datetime, offset_minutes: int) -> datetime | None:
    """The moment in UTC, or None when it falls outside the years 1..9999."""
    try:
        return (local - timedelta(minutes=offset_minutes)).replace(tzinfo=UTC)
    except OverflowError:
        return None


def offset_text(minutes: int, colon: bool) -> str:
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{':' if colon else ''}{rest:02d}"


@settings(max_examples=400, deadline=None)
@given(
    local=MOMENTS.map(lambda moment: moment.replace(microsecond=0)),
    minutes=OFFSETS,
    colon=st.booleans(),
    separator=st.sampled_from(["T", "t", " "]),
    zulu=st.sampled_from(["Z", "z"]),
)
@example(datetime(999, 1, 1), 0, True, "T", "Z")
@example(datetime(9999, 12, 31, 23, 59, 59), -60, True, "T", "Z")
@example(datetime(1, 1, 1, 0, 30), 60, True, "T", "Z")
@example(datetime(1, 1, 1, 0, 0), -(24 * 60 - 1), False, " ", "z")
def test_every_text_form_of_an_instant_is_normalised_or_refused(
    local: datetime, minutes: int, colon: bool, separator: str, zulu: str
) -> None:
    """With or without a colon, T or space, Z or z: the UTC moment, four-digit year, or CMD-1."""
    date, time = f"{local.year:04d}-{local.month:02d}-{local.day:02d}", local.strftime("%H:%M:%S")
    zone = zulu if minutes == 0 and colon else offset_text(minutes, colon)
    text = f"{date}{separator}{time}{zone}"
    moment = expected_utc(local, minutes)
    parsed = parse_command({"by": "table", "do": "tick", "at": text})
    if moment is None:
        with pytest.raises(InstantError):
            parse_instant(text)
        assert isinstance(parsed, Refusal)
        assert ("CMD-1", True) == (parsed.rule, parsed.message.startswith("at:"))
        return
    assert (written(moment), written(moment)) == (parse_instant(text), getattr(parsed, "at", None))


@settings(max_examples=300, deadline=None)
@given(
    first=MOMENTS.map(lambda moment: moment.replace(microsecond=0)),
    second=MOMENTS.map(lambda moment: moment.replace(microsecond=0)),
    zone=st.one_of(st.timezones(), OFFSETS.map(lambda m: timezone(timedelta(minutes=m)))),
)
@example(datetime(999, 1, 1), datetime(2019, 5, 17), UTC)
def test_a_datetime_in_any_zone_sorts_as_text_and_reads_back(
    first: datetime, second: datetime, zone: Any
) -> None:
    """Canonical instants sort as text in time order and read back as the very moment given."""
    canonical = []
    for local in (first, second):
        aware = local.replace(tzinfo=zone)
        try:
            moment = aware.astimezone(UTC)
        except (OverflowError, ValueError):  # zone's offset pushes it past the years 1..9999
            with pytest.raises(InstantError):
                parse_instant(aware)
            return
        text = parse_instant(aware)
        assert (4, moment) == (text.index("-"), to_datetime(text))
        canonical.append((moment, text))
    (one, one_text), (other, other_text) = canonical
    assert (one < other, one == other) == (one_text < other_text, one_text == other_text)


@pytest.mark.parametrize("text", OUTSIDE)
def test_an_instant_outside_the_years_1_to_9999_is_an_instant_error(text: str) -> None:
    """parse_instant raises only InstantError, naming the range, for an instant out of range."""
    with pytest.raises(InstantError, match="outside|out of range"):
        parse_instant(text)


NOT_INSTANTS = [None, 7, 10**5000, 1.5, [START], "", "2019-05-17T17:00:00+24:00", "\ud800"]


@pytest.mark.parametrize("value", NOT_INSTANTS, ids=range(len(NOT_INSTANTS)))
def test_parse_instant_raises_only_instant_error(value: object) -> None:
    """Given anything that is no instant, parse_instant raises InstantError and nothing else."""
    with pytest.raises(InstantError):
        parse_instant(value)


def a_world() -> Ledger:
    ledger = Ledger.create("w", START)
    assert isinstance(ledger, Ledger)
    for member in ("john", "sofia", "harbinger"):
        raw = {"by": "table", "do": "register", "member": member, "name": member, "at": START}
        assert isinstance(ledger.execute(raw), Accepted)
    ledger.execute(
        {
            "by": "table",
            "do": "appoint",
            "member": "harbinger",
            "office": "adjudicator",
            "at": START,
        }
    )
    return ledger


TERMS = {"do": "offer_terms", "terms": "t", "to": "john", "grants": [], "requires": []}
INSTANT_FIELDS: list[tuple[str, dict[str, Any]]] = [
    ("at", {"by": "table", "do": "tick"}),
    ("deadline", {"by": "harbinger", "at": START, "grant_on": "accept", **TERMS}),
    (
        "hour",
        {
            "by": "harbinger",
            "do": "sanction_duel",
            "duel": "d",
            "place": "p",
            "terms": {},
            "at": START,
        },
    ),
]


@pytest.mark.parametrize("text", OUTSIDE)
@pytest.mark.parametrize(("name", "raw"), INSTANT_FIELDS, ids=[case[0] for case in INSTANT_FIELDS])
def test_every_instant_field_refuses_an_instant_out_of_range_naming_it(
    name: str, raw: dict[str, Any], text: str
) -> None:
    """CMD-1: `at`, a deadline or a duel's hour outside the years 1..9999 is refused by name."""
    refusal = parse_command({**raw, name: text})
    assert isinstance(refusal, Refusal), refusal
    assert ("CMD-1", True) == (refusal.rule, refusal.message.startswith(f"{name}:"))


@pytest.mark.parametrize("text", OUTSIDE)
def test_a_world_cannot_start_outside_the_years_1_to_9999(text: str) -> None:
    """CMD-1: a world's start out of range is refused naming `start`, not an overflow."""
    refusal = create_world("w", text)
    assert isinstance(refusal, Refusal)
    assert ("CMD-1", True) == (refusal.rule, refusal.message.startswith("start:"))


def test_a_year_before_1000_keeps_four_digits_and_is_before_the_clock() -> None:
    """TIME-1: 0999 is written 0999 and is earlier than 2019; the clock does not move to it."""
    ledger = a_world()
    refusal = ledger.execute({"by": "table", "do": "tick", "at": "0999-01-01T00:00:00+00:00"})
    assert isinstance(refusal, Refusal)
    assert ("TIME-1", START) == (refusal.rule, ledger.state.clock)
    early = Ledger.create("w", "0999-01-01T00:00:00Z")
    assert isinstance(early, Ledger)
    assert "0999-01-01T00:00:00Z" == early.state.clock
    assert isinstance(early.execute({"by": "table", "do": "tick", "at": START}), Accepted)


@pytest.mark.parametrize(("at", "grace"), [("9999-12-31T23:00:00Z", 61), (START, 52_560_001)])
def test_a_grace_running_past_the_last_instant_is_cmd_1(at: str, grace: int) -> None:
    """CMD-1: an hour of grace ending after 9999-12-31T23:59:59Z (or too long) names `grace`."""
    ledger = a_world()
    before = len(ledger.records)
    raw = {"by": "harbinger", "do": "excommunicate", "member": "john", "reason": "r"}
    refusal = ledger.execute({**raw, "grace": grace, "at": at})
    assert isinstance(refusal, Refusal), refusal
    assert ("CMD-1", True, before) == (
        refusal.rule,
        refusal.message.startswith("grace"),
        len(ledger.records),
    )


def test_a_grace_ending_on_the_last_instant_is_accepted() -> None:
    """TIME-2: a grace may end exactly at 9999-12-31T23:59:59Z."""
    ledger = a_world()
    raw = {"by": "harbinger", "do": "excommunicate", "member": "john", "reason": "r", "grace": 1}
    outcome = ledger.execute({**raw, "at": "9999-12-31T23:58:59Z"})
    assert isinstance(outcome, Accepted), outcome
    assert "9999-12-31T23:59:59Z" == outcome.events[0].effective_at  # type: ignore[attr-defined]
