"""The world is its log: replay rebuilds the identical view, state and final hash."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from hightable.core import Ledger, ReplayFailed, decode_event, replay, view
from hightable.core.events import canonical_json
from hightable.stories import load_story, play, story_paths

STORIES = story_paths([Path(__file__).parents[2] / "stories"])


@pytest.mark.parametrize("path", STORIES, ids=lambda path: path.stem)
def test_replay_of_every_story_rebuilds_view_and_hash(path: Path) -> None:
    """Decoding the log from its JSON and replaying it gives the same view and head hash."""
    result, ledger = play(load_story(path))
    assert result.passed
    decoded = [decode_event(canonical_json(event)) for event in ledger.events]
    rebuilt = Ledger(decoded)
    assert view(ledger.state) == view(rebuilt.state)
    assert msgspec.json.encode(ledger.state) == msgspec.json.encode(rebuilt.state)
    assert ledger.records[-1].hash == rebuilt.records[-1].hash
    assert rebuilt.verify().ok


def test_replay_refuses_a_log_with_a_gap() -> None:
    """A gap in seq is corruption: replay stops loudly."""
    ledger = Ledger.create("w", "2019-05-17T17:00:00Z")
    assert isinstance(ledger, Ledger)
    for minute in range(1, 4):
        ledger.execute({"by": "table", "do": "tick", "at": f"2019-05-17T17:0{minute}:00Z"})
    events = ledger.events[:2] + ledger.events[3:]
    with pytest.raises(ReplayFailed):
        replay(events)


def test_replay_refuses_a_log_not_starting_with_world_created() -> None:
    """The first event of a world is world_created."""
    ledger = Ledger.create("w", "2019-05-17T17:00:00Z")
    assert isinstance(ledger, Ledger)
    ledger.execute({"by": "table", "do": "tick", "at": "2019-05-17T17:01:00Z"})
    with pytest.raises(ReplayFailed):
        replay(ledger.events[1:])
