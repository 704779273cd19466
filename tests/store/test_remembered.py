"""Access checks remembered by a process: for a few seconds at most, forgotten at once when a
revocation (or any change through this process) says so."""

from __future__ import annotations

from hightable.core import Refusal
from hightable.service import WorldService
from hightable.service.access import token_hash
from hightable.service.remembered import Remembered
from hightable.store import MemoryStore

START = "2019-05-17T17:00:00Z"


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_answer_is_kept_for_its_seconds_then_asked_again() -> None:
    clock, asked = Clock(), []
    kept: Remembered[str, str] = Remembered(seconds=5, entries=10, clock=clock)

    def ask() -> str:
        asked.append(1)
        return f"answer {len(asked)}"

    assert "answer 1" == kept.get("k", ask)
    clock.now = 4.9
    assert "answer 1" == kept.get("k", ask)
    clock.now = 5.1
    assert "answer 2" == kept.get("k", ask)
    kept.forget(lambda key: key == "k")
    assert "answer 3" == kept.get("k", ask)


def test_the_least_recently_used_answers_go_first_past_the_bound() -> None:
    kept: Remembered[int, int] = Remembered(seconds=60, entries=2)
    for key in (1, 2, 3):
        kept.get(key, lambda key=key: key * 10)
    assert 20 == kept.get(2, lambda: -1) and -1 == kept.get(1, lambda: -1)


def test_a_revoked_token_stops_working_at_once_when_its_revocation_forgets_it() -> None:
    store = MemoryStore()
    service = WorldService(store)
    assert not isinstance(service.create("w", START), Refusal)
    token = service.issue_token("w")
    other = service.issue_token("w")
    assert "table" == service.token_holder("w", token) == service.token_holder("w", other)
    store._tokens.clear()  # revoked in the store, as another process would revoke them
    assert "table" == service.token_holder("w", token)  # remembered, for seconds at most
    service.forget_access("w", token)
    assert service.token_holder("w", token) is None
    assert "table" == service.token_holder("w", other)  # only that token was forgotten
    service.forget_access("w")
    assert service.token_holder("w", other) is None


def test_a_token_not_found_is_asked_again_so_a_token_issued_elsewhere_works_at_once() -> None:
    store = MemoryStore()
    service, elsewhere = WorldService(store), WorldService(store)
    assert not isinstance(service.create("w", START), Refusal)
    token = elsewhere.issue_token("w")
    store._tokens.clear()
    assert service.token_holder("w", token) is None
    store.save_token("w", token_hash(token), "table")
    assert "table" == service.token_holder("w", token)
