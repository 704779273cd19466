"""The short way in (api/door.py) answers a plain command exactly as the route does: the same
status and body whether the command is accepted, replayed, refused by a rule or by access, or
malformed, whatever the body holds. Two twin worlds get the same requests, one world's through
the short way (a bearer header), the other's through the route (the token in the query, which
the short way leaves to the application)."""

from __future__ import annotations

import json
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servers import World

MEMBERS = ("john", "winston", "sofia")
TEXTS = st.text(st.characters(codec="utf-8", exclude_categories=()), max_size=12) | st.sampled_from(
    ["\ud800", "\x00", "\u202e", "john", "", "۱۲"]
)
NUMBERS = st.integers(min_value=-(2**70), max_value=2**70) | st.sampled_from([0, 1, 2**63 - 1])
JSON = st.recursive(
    st.none() | st.booleans() | NUMBERS | TEXTS | st.floats(allow_nan=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXTS, inner, max_size=3),
    max_leaves=8,
)
COMMANDS = st.fixed_dictionaries(
    {
        "by": st.sampled_from(["table", *MEMBERS]) | TEXTS,
        "do": st.sampled_from(["transfer", "mint", "register", "aid", "post_contract"]) | TEXTS,
    },
    optional={
        "to": st.sampled_from(MEMBERS) | TEXTS,
        "member": st.sampled_from(["sofia", "marcus"]) | TEXTS,
        "name": TEXTS,
        "amount": NUMBERS,
        "help": TEXTS,
        "contract": st.sampled_from(["c1", "c2"]),
        "target": st.sampled_from(MEMBERS),
        "bounty": NUMBERS,
        "cid": st.sampled_from(["a", "b"]),
        "note": TEXTS,
        "extra": JSON,
    },
)
BODIES = (
    COMMANDS.map(lambda command: json.dumps(command).encode())
    | JSON.map(lambda value: json.dumps(value).encode())
    | st.binary(max_size=40)
    | st.sampled_from([b"[" * 5000, b'{"a": ' * 3000, b"\xff\xfe{}", b"{}" * 2])
)


def twins(client: httpx.Client) -> tuple[World, World]:
    """Two worlds made alike, step by step."""
    pair = World(client), World(client)
    for world in pair:
        world.minute = 0
        for member in MEMBERS[:2]:
            assert (
                200 == world.send(by="table", do="register", member=member, name=member).status_code
            )
        assert 200 == world.send(by="table", do="mint", to="john", amount=50).status_code
    return pair


def dated(body: bytes, at: str) -> bytes:
    """A JSON object gets an instant unless it has one: both twins' commands then happen at
    the same instant, not at the server's clock a moment apart (TIME-4)."""
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return body
    if isinstance(value, dict) and "at" not in value:
        return json.dumps({**value, "at": at}).encode()
    return body


def short_way(world: World, body: bytes) -> httpx.Response:
    return world.client.post(
        f"/worlds/{world.id}/commands",
        content=body,
        headers={"content-type": "application/json", **world.headers()},
    )


def the_route(world: World, body: bytes) -> httpx.Response:
    return world.client.post(
        f"/worlds/{world.id}/commands",
        params={"token": world.table},
        content=body,
        headers={"content-type": "application/json"},
    )


def seen(answer: httpx.Response, world: World) -> tuple[int, Any]:
    assert answer.status_code < 500, answer.text  # a client's mistake is never a 5xx
    return answer.status_code, json.loads(answer.text.replace(world.id, "WORLD"))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(bodies=st.lists(BODIES, min_size=1, max_size=4))
def test_the_short_way_answers_as_the_route_does(client: httpx.Client, bodies: list[bytes]) -> None:
    door, route = twins(client)
    for index, body in enumerate([*bodies, bodies[0]]):  # the first again: a replay, perhaps
        sent = dated(body, f"2019-05-17T18:{index:02d}:00Z")
        assert seen(short_way(door, sent), door) == seen(the_route(route, sent), route)


def test_access_and_existence_are_answered_alike(client: httpx.Client) -> None:
    """No token, a wrong one, a member's acting as another, a revoked one, a world that does
    not exist: the same refusals by either way in."""
    door, route = twins(client)
    body = json.dumps({"by": "john", "do": "transfer", "to": "winston", "amount": 1}).encode()
    body = dated(body, "2019-05-17T18:00:00Z")
    for world in (door, route):
        world.minted = world.member_token("winston")  # type: ignore[attr-defined]
    cases: list[tuple[dict[str, str], dict[str, str]]] = [
        ({}, {}),
        ({"Authorization": "Bearer x.y"}, {"token": "x.y"}),
        ({"Authorization": f"Bearer {door.id}.nope"}, {"token": f"{route.id}.nope"}),
        ({"Authorization": f"Bearer {door.minted}"}, {"token": route.minted}),  # type: ignore[attr-defined]
    ]
    for door_headers, route_params in cases:
        by_door = client.post(
            f"/worlds/{door.id}/commands",
            content=body,
            headers={"content-type": "application/json", **door_headers},
        )
        by_route = client.post(
            f"/worlds/{route.id}/commands",
            params=route_params or {"x": ""},
            content=body,
            headers={"content-type": "application/json"},
        )
        assert seen(by_door, door) == seen(by_route, route)
        assert by_door.status_code in (401, 403)
    ghost = client.post(
        "/worlds/no-such-world/commands",
        content=body,
        headers={"content-type": "application/json", **door.headers()},
    )
    ghost_route = client.post(
        "/worlds/no-such-world/commands",
        params={"token": route.table},
        content=body,
        headers={"content-type": "application/json"},
    )
    assert (404, "ID-3") == (ghost.status_code, ghost.json()["rule"])
    assert ghost.json() == ghost_route.json()


def test_a_body_nested_past_any_parser_is_answered_alike(client: httpx.Client) -> None:
    """A command whose extra field nests arrays deep: near Python's recursion limit the route's
    parser, deeper in the stack, gave up where the short way's did not, and deeper still the
    short way failed (500, RecursionError). Both answer alike, never a 500."""
    door, route = twins(client)
    for depth in (200, 300, 960, 970, 990, 2_000, 100_000):
        command = '{"by": "table", "do": "mint", "to": "john", "amount": 1, "at": "%s", "x": %s}'
        body = (command % ("2019-05-17T18:00:00Z", "[" * depth + "]" * depth)).encode()
        by_door, by_route = short_way(door, body), the_route(route, body)
        assert seen(by_door, door) == seen(by_route, route), depth
        assert 422 == by_door.status_code, (depth, by_door.text)
