"""The books cannot be fooled over HTTP: a command that cannot be stored leaves no trace in the
server's world, is never answered "replayed", locks no clock, and corrupts no other server."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from servers import World, start_server, stop_server

SURROGATE_NAME = b'"name": "\\ud800"'
LAST_SECOND = "9999-12-31T23:59:59Z"


def raw_command(world: World, body: bytes) -> httpx.Response:
    return world.client.post(
        f"/worlds/{world.id}/commands",
        content=body,
        headers={**world.headers(), "content-type": "application/json"},
    )


def poisoned(world: World, cid: str, at: str = "2019-05-17T18:00:00Z") -> httpx.Response:
    """Register a member whose name holds a lone surrogate (valid JSON, no valid text)."""
    body = b'{"do": "register", "by": "table", "member": "ghost", ' + SURROGATE_NAME
    return raw_command(world, body + f', "at": "{at}", "cid": "{cid}"}}'.encode())


def test_a_lone_surrogate_is_refused_and_leaves_nothing_behind(world: World) -> None:
    """CMD-1 (422), no member in the view, no event in the log, and a retry of its cid is
    refused again, never answered "replayed"."""
    before = world.client.get(f"/worlds/{world.id}/events", headers=world.headers()).json()
    first = poisoned(world, "ghost-1")
    assert (422, "CMD-1") == (first.status_code, first.json()["rule"])
    view = world.client.get(f"/worlds/{world.id}/view", headers=world.headers()).json()
    assert "ghost" not in view["members"]
    after = world.client.get(f"/worlds/{world.id}/events", headers=world.headers()).json()
    assert before == after
    retry = poisoned(world, "ghost-1")
    assert 422 == retry.status_code and "replayed" not in retry.text


def test_a_refused_command_at_the_last_second_does_not_lock_the_clock(world: World) -> None:
    """A command dated 9999-12-31T23:59:59Z that is refused leaves the clock where it was."""
    assert 422 == poisoned(world, "late", at=LAST_SECOND).status_code
    later = world.send(by="john", do="transfer", to="winston", amount=1)
    assert 200 == later.status_code, later.text


def test_a_deadline_past_the_year_9999_is_refused_not_a_500(world: World) -> None:
    """An excommunicado whose grace would end after 9999-12-31 is CMD-1, and changes nothing."""
    late = "9999-12-31T23:00:00Z"
    answer = world.send(by="table", do="appoint", member="winston", office="adjudicator", at=late)
    assert 200 == answer.status_code, answer.text
    overflow = world.send(
        by="winston", do="excommunicate", member="john", grace=120, reason="late", at=late
    )
    assert (422, "CMD-1") == (overflow.status_code, overflow.json()["rule"])


def test_one_bad_command_in_a_batch_takes_no_other_with_it(world: World) -> None:
    """In a batch that is not atomic, the poisoned command is refused and the others stored."""
    good = {"do": "transfer", "by": "john", "to": "winston", "amount": 1, "at": LAST_SECOND}
    body = (
        b'{"commands": [' + httpx.Request("POST", "/", json=good).content + b", "
        b'{"do": "register", "by": "table", "member": "ghost", '
        + SURROGATE_NAME
        + f', "at": "{LAST_SECOND}"}}, '.encode()
        + httpx.Request("POST", "/", json=good).content
        + b"]}"
    )
    answer = world.client.post(
        f"/worlds/{world.id}/batch",
        content=body,
        headers={**world.headers(), "content-type": "application/json"},
    )
    assert 200 == answer.status_code, answer.text
    assert [200, 422, 200] == [item["status"] for item in answer.json()["outcomes"]]


@pytest.fixture
def two_servers(durable_url: str) -> Iterator[list[str]]:
    started = [start_server(durable_url) for _ in range(2)]
    yield [base for _, base in started]
    for process, _ in started:
        stop_server(process)


def test_two_servers_stay_sound_after_one_refuses_a_poisoned_command(
    two_servers: list[str],
) -> None:
    """Server A refuses a poisoned command, server B appends, A appends again: the log of the
    world they share verifies."""
    first, second = (httpx.Client(base_url=base, timeout=30) for base in two_servers)
    with first, second:
        world = World(first)
        world.send(by="table", do="register", member="john", name="John")
        assert 422 == poisoned(world, "ghost").status_code
        on_second = World.__new__(World)
        on_second.__dict__.update(world.__dict__, client=second)
        assert (
            200 == on_second.send(by="table", do="register", member="sofia", name="S").status_code
        )
        assert 200 == world.send(by="table", do="register", member="cassian", name="C").status_code
        verdict = first.get(f"/worlds/{world.id}/verify", headers=world.headers()).json()
        assert verdict["ok"], verdict
