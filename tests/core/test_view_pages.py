"""A path view is that part of the whole view; pages of the view hold every entry once."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import Step, play_steps
from hightable.core import lookup, view, view_at
from hightable.core.state import State
from hightable.core.view import SECTIONS, header, view_page
from strategies import FAMILY_SETUP, LATER_STEP, STEP

WORLDS = st.one_of(
    st.lists(STEP, min_size=1, max_size=40),
    st.lists(LATER_STEP, min_size=1, max_size=50).map(lambda steps: FAMILY_SETUP + steps),
)
EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def paths_of(document: object, prefix: str = "") -> list[str]:
    """Every dotted path into a JSON document, lists' items by index."""
    if isinstance(document, dict):
        items = list(document.items())
    elif isinstance(document, list):
        items = list(enumerate(document))
    else:
        return []
    found = []
    for key, value in items:
        path = f"{prefix}{key}"
        found += [path, *paths_of(value, f"{path}.")]
    return found


@EXAMPLES
@given(WORLDS)
def test_a_path_view_is_that_part_of_the_whole_view(steps: list[Step]) -> None:
    state = play_steps(steps).state
    whole = view(state)
    for path in paths_of(whole):
        assert lookup(whole, path) == view_at(state, path), path


def pages(state: State, limit: int, names: tuple[str, ...] = ()) -> list[dict[str, object]]:
    found, offset = [], 0
    while True:
        page = view_page(state, offset, limit, names)
        found.append(page)
        if page["next_offset"] is None:
            return found
        assert offset + limit == page["next_offset"]
        offset = offset + limit


@EXAMPLES
@given(WORLDS, st.integers(1, 7))
def test_pages_of_the_view_hold_every_entry_exactly_once(steps: list[Step], limit: int) -> None:
    state = play_steps(steps).state
    whole = view(state)
    read = pages(state, limit)
    for page in read:
        assert header(state) == {key: page[key] for key in header(state)}
        assert {*header(state), *SECTIONS, "next_offset"} == set(page)
    for name in SECTIONS:
        entries = [item for page in read for item in page[name].items()]  # type: ignore[attr-defined]
        assert list(whole[name].items()) == entries  # type: ignore[attr-defined]
    members = [
        item for page in pages(state, limit, ("members",)) for item in page["members"].items()
    ]  # type: ignore[attr-defined]
    assert list(whole["members"].items()) == members  # type: ignore[attr-defined]
    longest = max(len(whole[name]) for name in SECTIONS)  # type: ignore[arg-type]
    assert max(1, -(-longest // limit)) == len(read)
