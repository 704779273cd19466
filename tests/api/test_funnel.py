"""The funnel that commits commands sent one by one in groups: many at once, with faults of any
type in the store, at deciding and at sealing, and the process still holds what the store
holds, every acknowledged command is stored, and every request gets an answer."""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Callable
from typing import Any

import pytest

from databases import postgres_schema
from hightable.api.errors import Refused
from hightable.api.funnel import Done, Funnel
from hightable.core import Accepted, Refusal, Replayed, State
from hightable.service import WorldService
from hightable.service.clock import DefaultAt
from hightable.service.observer import Observer
from hightable.store import open_store
from hightable.storm.faults import FaultyStore
from writepath import START, frozen, inject_into, random_command, setup_world


def issue_table_token(service: WorldService) -> str:
    return service.issue_token("w")


async def send_all(funnel: Funnel, raws: list[dict[str, Any]], token: str) -> list[Any]:
    """The commands sent at once, as many clients would: each waits for its own answer."""
    return await asyncio.gather(
        *(funnel.send("w", raw, raw["by"], token) for raw in raws), return_exceptions=True
    )


@pytest.mark.parametrize("seed", range(4))
def test_faults_in_a_group_leave_the_process_holding_what_the_store_holds(
    seed: int, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    inner = open_store(f"sqlite:///{tmp_path / 'w.db'}" if seed % 2 else "memory://")
    faulty = FaultyStore(inner, rng, rate=0.0)
    service = WorldService(faulty, snapshot_every=7)  # type: ignore[arg-type]
    setup_world(service)
    token = issue_table_token(service)
    faulty.rate = 0.2
    inject_into(monkeypatch, "seal", rng, faulty)
    inject_into(monkeypatch, "decide", rng, faulty)
    funnel = Funnel(service)
    acknowledged: set[str] = set()
    answered = 0
    for round_ in range(12):
        raws = [random_command(rng, round_ * 100 + n) for n in range(rng.randint(1, 12))]
        answers = asyncio.run(send_all(funnel, raws, token))
        for raw, answer in zip(raws, answers, strict=True):
            assert isinstance(answer, Done | Refused | Exception), answer
            if isinstance(answer, Done) and isinstance(answer.outcome, Accepted | Replayed):
                acknowledged.add(raw["cid"])
                assert answer.events  # an acceptance shows what it appended
            answered += 1
        held = service.state("w")
        fresh = WorldService(inner).state("w")
        assert frozen(fresh) == frozen(held)
        assert isinstance(fresh, State) and acknowledged <= set(fresh.cids)
    assert answered > 12 and faulty.injected > 3
    assert WorldService(inner).verify("w").ok  # type: ignore[union-attr]


def test_one_group_decides_in_order_and_answers_each_as_if_alone() -> None:
    """Three commands in one group: the second spends what the first gave, the third is
    refused (COIN-2: not enough) without holding back the others; a wrong token is refused
    on its own (ACCESS-1)."""
    service = WorldService(open_store("memory://"))
    setup_world(service)
    token = issue_table_token(service)
    at = "2019-05-17T17:00:00Z"
    give = {"by": "john", "do": "transfer", "to": "sofia", "amount": 10, "at": at}
    spend = {"by": "sofia", "do": "transfer", "to": "charon", "amount": 10, "at": at}
    overspend = {"by": "charon", "do": "transfer", "to": "john", "amount": 999, "at": at}
    funnel = Funnel(service)

    async def at_once() -> list[Any]:
        sends = [funnel.send("w", raw, raw["by"], token) for raw in (give, spend, overspend)]
        sends.append(funnel.send("w", give, "john", "w.not-a-token"))
        return await asyncio.gather(*sends)

    first, second, third, stranger = asyncio.run(at_once())
    assert isinstance(first.outcome, Accepted) and isinstance(second.outcome, Accepted)
    assert isinstance(third.outcome, Refusal) and "COIN-2" == third.outcome.rule
    assert isinstance(stranger, Refused) and "ACCESS-1" == stranger.refusal.rule
    state = service.state("w")
    assert isinstance(state, State) and 10 == state.balances["charon"]


def test_a_world_that_does_not_exist_is_id_3_for_every_command_of_the_group() -> None:
    service = WorldService(open_store("memory://"))
    funnel = Funnel(service)
    raw = {"by": "table", "do": "mint", "to": "john", "amount": 1}

    async def at_once() -> list[Any]:
        return await asyncio.gather(*(funnel.send("nowhere", raw, "table", None) for _ in "ab"))

    answers = asyncio.run(at_once())
    assert ["ID-3", "ID-3"] == [a.refusal.rule for a in answers]


def test_a_retry_without_at_in_the_group_of_its_first_is_replayed() -> None:
    """Two sends of one command under one cid, without `at`, a second apart on the door's
    clock, committed in one group: the retry takes the first's instant and is replayed
    (IDEM-1, TIME-4), as it is when the first was committed in a group before it."""
    service = WorldService(open_store("memory://"))
    setup_world(service)
    token = issue_table_token(service)
    funnel = Funnel(service)
    raw = {"by": "john", "do": "transfer", "to": "sofia", "amount": 1, "cid": "once"}
    sent = [DefaultAt(raw, "2026-12-01T18:00:00Z"), DefaultAt(raw, "2026-12-01T18:00:01Z")]

    async def at_once() -> list[Any]:
        return await asyncio.gather(*(funnel.send("w", s, "john", token) for s in sent))

    first, retry = asyncio.run(at_once())
    assert isinstance(first.outcome, Accepted)
    assert isinstance(retry, Done) and isinstance(retry.outcome, Replayed), retry
    assert first.events == retry.events
    state = service.state("w")
    assert isinstance(state, State) and 1 == state.balances["sofia"]


def test_a_world_id_no_store_holds_is_id_3_before_any_token_is_looked_up() -> None:
    """A world's id that is no slug (here a NUL, which PostgreSQL keeps in no text) with a
    token naming it, through the route (`?token=`): refused as no such world (ID-3), as it
    was before commands were gathered in groups, never a failure of the store."""
    with postgres_schema() as url, open_store(url) as store:
        funnel = Funnel(WorldService(store))
        raw = {"by": "table", "do": "mint", "to": "john", "amount": 1}

        async def sent() -> Any:
            return await funnel.send("\x00", raw, "table", "\x00.token")

        answer = asyncio.run(sent())
    assert isinstance(answer, Refused) and "ID-3" == answer.refusal.rule, answer


class Groups(Observer):
    def __init__(self) -> None:
        self.sizes: list[int] = []

    def group_committed(self, seconds: float, commands: int) -> None:
        self.sizes.append(commands)


def test_a_group_refused_whole_by_access_commits_no_group() -> None:
    """Every command of the group refused for its token: each answered ACCESS-1, and no group
    is committed (none counted, of no command), the world not loaded for it."""
    groups = Groups()
    service = WorldService(open_store("memory://"), observer=groups)
    setup_world(service)
    funnel = Funnel(service)
    raw = {"by": "table", "do": "mint", "to": "john", "amount": 1, "at": "2019-05-17T17:00:00Z"}
    before = list(groups.sizes)

    async def at_once() -> list[Any]:
        return await asyncio.gather(*(funnel.send("w", raw, "table", "w.nope") for _ in "abc"))

    answers = asyncio.run(at_once())
    assert ["ACCESS-1"] * 3 == [a.refusal.rule for a in answers]
    assert before == groups.sizes


def test_a_failure_of_one_command_or_of_the_commit_leaves_the_others_their_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each command of a group is answered as if alone: the events of one that cannot be read
    back fail it alone, the others answered with theirs; a commit that fails in an unforeseen
    way fails the commands it held, not those refused before it for their token."""
    service = WorldService(open_store("memory://"))
    setup_world(service)
    token = issue_table_token(service)
    funnel = Funnel(service)
    at = "2019-05-17T17:00:00Z"
    raws = [
        {"by": "john", "do": "transfer", "to": "sofia", "amount": n, "at": at} for n in (1, 2, 3)
    ]
    real_events_of = service.events_of

    def events_of(world: str, outcome: Any) -> Any:
        if outcome.events[0].amount == 2:  # type: ignore[union-attr]
            raise RuntimeError("this command's events could not be read")
        return real_events_of(world, outcome)

    monkeypatch.setattr(service, "events_of", events_of)

    async def at_once(tokens: list[str]) -> list[Any]:
        sends = [funnel.send("w", raw, "john", t) for raw, t in zip(raws, tokens, strict=True)]
        return await asyncio.gather(*sends)

    first, second, third = asyncio.run(at_once([token] * 3))
    assert isinstance(first, Done) and isinstance(first.outcome, Accepted)
    assert isinstance(second, RuntimeError)
    assert isinstance(third, Done) and isinstance(third.outcome, Accepted)

    def failing(world: str, admit: Callable[[], list[object]]) -> list[Any]:
        admit()
        raise RuntimeError("the commit failed unforeseen")

    monkeypatch.setattr(service, "execute_group", failing)
    first, stranger, third = asyncio.run(at_once([token, "w.not-a-token", token]))
    assert isinstance(first, RuntimeError) and isinstance(third, RuntimeError)
    assert isinstance(stranger, Refused) and "ACCESS-1" == stranger.refusal.rule


@pytest.mark.parametrize("when", ["as the group waits for the lock", "once tokens are read"])
def test_a_group_is_never_appended_to_a_world_made_again_since_its_tokens_were_read(
    when: str,
) -> None:
    """Another process deletes the world and makes it again under its id while a group is on
    its way: the group lands in the world its tokens are of (and goes with it), or its tokens
    are refused (ACCESS-1); never is it appended to the new world, which holds nothing its
    own tokens did not send."""
    with postgres_schema() as url, open_store(url) as store, open_store(url) as other_store:
        here, there = WorldService(store), WorldService(other_store)
        setup_world(here)
        token = issue_table_token(here)
        remade: list[threading.Thread] = []

        def remake() -> None:
            assert there.delete("w")
            assert not isinstance(there.create("w", START), Refusal)

        def remaking(real: Callable[..., Any]) -> Callable[..., Any]:
            def first_remade(*args: Any) -> Any:
                if not remade:
                    remade.append(threading.Thread(target=remake))
                    remade[0].start()
                    remade[0].join(timeout=1)  # it waits for the group's lock, if one is held
                return real(*args)

            return first_remade

        if when == "once tokens are read":  # the world is loaded after the tokens are read
            here.writer.loader.load = remaking(here.writer.loader.load)  # type: ignore[method-assign]
        else:
            store.writing = remaking(store.writing)  # type: ignore[method-assign]
        raw = {"by": "table", "do": "register", "member": "marcus", "name": "Marcus", "at": START}
        answer = asyncio.run(Funnel(here).send("w", raw, "table", token))
        remade[0].join()
        made_again = WorldService(other_store).state("w")
    assert isinstance(made_again, State) and "marcus" not in made_again.members
    refused = isinstance(answer, Refused) and "ACCESS-1" == answer.refusal.rule
    assert refused or isinstance(answer, Done) and isinstance(answer.outcome, Accepted), answer
