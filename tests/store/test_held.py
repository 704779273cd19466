"""The worlds a service holds are a bounded LRU, and letting one go never changes an answer."""

from __future__ import annotations

import threading

from hightable.core import Accepted
from hightable.service import WorldService
from hightable.service.held import HeldWorlds
from hightable.store import open_store

START = "2019-05-17T17:00:00Z"


def test_the_least_recently_used_world_is_let_go_past_the_bound() -> None:
    """Three worlds used in turn with a bound of two: the first is let go, and, loaded again
    from the store, it answers as before."""
    service = WorldService(open_store("memory://"), worlds_max=2)
    for world in ("a", "b", "c"):
        service.create(world, START)
        tick = {"by": "table", "do": "tick", "at": "2019-05-17T17:05:00Z"}
        assert isinstance(service.execute(world, tick), Accepted)
    assert 2 == len(service.held)
    state = service.state("a")
    assert ("2019-05-17T17:05:00Z", 2) == (state.clock, state.seq)  # type: ignore[union-attr]


def test_a_world_in_use_is_never_let_go() -> None:
    """A world whose lock a thread holds stays held past the bound, so that no second lock of
    it is ever made; it is let go once free."""
    held = HeldWorlds(worlds_max=1)
    inside, release = threading.Event(), threading.Event()

    def use() -> None:
        with held.using("a"):
            inside.set()
            release.wait(5)

    user = threading.Thread(target=use)
    user.start()
    inside.wait(5)
    with held.using("b"):
        assert 2 == len(held)  # "a" is in use: kept beyond the bound
    release.set()
    user.join(5)
    with held.using("c"):
        assert 1 == len(held)
