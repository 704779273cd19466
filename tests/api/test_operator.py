"""The operator's server, through real server processes: who creates worlds (ACCESS-3), tokens
listed and revoked (by every server of the store), worlds archived (WORLD-2) and deleted, a
command without an instant (TIME-4), and the origins a browser may call from."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from hightable.service.clock import wall_clock
from servers import OPERATOR, OPERATOR_HEADERS, START, World, start_server, stop_server


def create(base: str, world: str, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{base}/worlds", json={"world": world, "start": START}, headers=headers)


def test_access_3_creating_a_world_needs_the_operator_s_token(server: str, world: World) -> None:
    for token in (None, "not-the-operator", world.table, OPERATOR + "x"):
        refused = create(server, "spam", token)
        assert (401, "ACCESS-3") == (refused.status_code, refused.json()["rule"]), token
    assert OPERATOR not in refused.text
    assert 201 == create(server, "by-the-operator", OPERATOR).status_code


@pytest.mark.parametrize(
    ("options", "operator", "status"),
    [((), None, 403), (("--open-creation",), None, 201)],
    ids=["closed", "open"],
)
def test_access_3_a_server_without_an_operator_token_is_closed_unless_opened(
    tmp_path_factory: pytest.TempPathFactory,
    options: tuple[str, ...],
    operator: str | None,
    status: int,
) -> None:
    store = tmp_path_factory.mktemp("creation") / "hightable.db"
    process, base = start_server(f"sqlite:///{store}", 1, *options, operator=operator)
    try:
        answer = create(base, "anyone", "some-token")
        assert status == answer.status_code, answer.text
        if status == 403:
            assert "ACCESS-3" == answer.json()["rule"]
    finally:
        stop_server(process)


def test_the_table_lists_its_tokens_without_secrets(world: World) -> None:
    john = world.member_token("john")
    listed = world.client.get(f"/worlds/{world.id}/tokens", headers=world.headers())
    assert 200 == listed.status_code
    assert {"table", "john"} == {t["member"] for t in listed.json()}
    assert all(t["issued_at"] and not t["revoked"] for t in listed.json())
    for secret in (world.table, john, world.table.split(".")[1], john.split(".")[1]):
        assert secret not in listed.text
    member_asks = world.client.get(f"/worlds/{world.id}/tokens", headers=world.headers(john))
    assert (403, "ACCESS-2") == (member_asks.status_code, member_asks.json()["rule"])


@pytest.fixture
def two_servers(postgres_url: str) -> Iterator[list[str]]:
    started = [start_server(postgres_url) for _ in range(2)]
    yield [base for _, base in started]
    for process, _ in started:
        stop_server(process)


def test_a_revoked_token_is_refused_by_every_server_of_the_store(two_servers: list[str]) -> None:
    with (
        httpx.Client(base_url=two_servers[0], timeout=30) as first,
        httpx.Client(base_url=two_servers[1], timeout=30) as second,
    ):
        revoked_everywhere(first, second)


def revoked_everywhere(first: httpx.Client, second: httpx.Client) -> None:
    world = World(first)
    assert 200 == world.send(by="table", do="register", member="john", name="John").status_code
    john = world.member_token("john")
    tick = {"by": "john", "do": "transfer", "to": "table", "amount": 0}
    on_second = World.__new__(World)
    on_second.__dict__.update(world.__dict__, client=second)
    # The token passes; the rule (COIN-1) refuses the command.
    assert 409 == on_second.send(john, **tick).status_code
    listed = first.get(f"/worlds/{world.id}/tokens", headers=world.headers()).json()
    john_id = next(t["id"] for t in listed if t["member"] == "john")
    revoked = first.delete(f"/worlds/{world.id}/tokens/{john_id}", headers=world.headers())
    assert 204 == revoked.status_code
    for sent in (on_second.send(john, **tick), world.send(john, **tick)):
        assert (401, "ACCESS-1") == (sent.status_code, sent.json()["rule"])
        assert "revoked" in sent.json()["message"]
    assert 200 == on_second.send(by="table", do="tick").status_code  # the table's still holds
    again = second.delete(f"/worlds/{world.id}/tokens/{john_id}", headers=world.headers())
    assert (404, "ID-3") == (again.status_code, again.json()["rule"])
    relisted = second.get(f"/worlds/{world.id}/tokens", headers=world.headers()).json()
    assert [True] == [t["revoked"] for t in relisted if t["id"] == john_id]


def test_world_2_an_archived_world_is_read_only_and_unlisted(client: httpx.Client) -> None:
    world = World(client, public=True)
    assert 200 == world.send(by="table", do="register", member="john", name="John").status_code
    john = world.member_token("john")
    path = f"/worlds/{world.id}/archive"
    assert 403 == client.post(path, json={}, headers=world.headers(john)).status_code
    archived = client.post(path, json={}, headers=world.headers())
    assert {"world": world.id, "archived": True, "public": True} == archived.json()
    refused = world.send(by="table", do="tick")
    assert (409, "WORLD-2") == (refused.status_code, refused.json()["rule"])
    batch = client.post(
        f"/worlds/{world.id}/batch",
        json={"commands": [{"by": "table", "do": "tick"}]},
        headers=world.headers(),
    )
    assert ["WORLD-2"] == [o["refusal"]["rule"] for o in batch.json()["outcomes"]]
    assert world.id not in [w["world"] for w in client.get("/worlds").json()]
    assert 200 == client.get(f"/worlds/{world.id}/view").status_code  # public, still readable
    client.post(path, json={"archived": False}, headers=world.headers())
    assert 200 == world.send(by="table", do="tick").status_code
    assert world.id in [w["world"] for w in client.get("/worlds").json()]


def test_a_deleted_world_is_gone_with_its_tokens(client: httpx.Client) -> None:
    world = World(client)
    assert 200 == world.send(by="table", do="register", member="john", name="John").status_code
    john = world.member_token("john")
    path = f"/worlds/{world.id}"
    member = client.request("DELETE", path, json={"confirm": world.id}, headers=world.headers(john))
    assert 403 == member.status_code
    unconfirmed = client.request("DELETE", path, json={"confirm": "w"}, headers=world.headers())
    assert (422, "CMD-1") == (unconfirmed.status_code, unconfirmed.json()["rule"])
    assert "confirm" in unconfirmed.json()["message"]
    assert 422 == client.request("DELETE", path, headers=world.headers()).status_code
    deleted = client.request("DELETE", path, json={"confirm": world.id}, headers=world.headers())
    assert 204 == deleted.status_code
    assert 404 == client.get(f"{path}/view", headers=world.headers()).status_code
    again = create(str(client.base_url), world.id, OPERATOR)
    assert 201 == again.status_code  # its id is free again; the old tokens open nothing
    old = client.get(f"{path}/view", headers=world.headers())
    assert (401, "ACCESS-1") == (old.status_code, old.json()["rule"])


def test_time_4_a_command_without_at_happens_now_or_at_the_world_s_clock(world: World) -> None:
    before = wall_clock()
    sent = world.client.post(
        f"/worlds/{world.id}/commands",
        json={"by": "table", "do": "tick"},
        headers=world.headers(),
    )
    assert 200 == sent.status_code, sent.text
    assert before <= sent.json()["events"][-1]["at"] <= wall_clock()  # the server's clock
    future = world.send(by="table", do="tick", at="2100-01-01T00:00:00Z")
    assert 200 == future.status_code
    now = world.client.post(
        f"/worlds/{world.id}/commands", json={"by": "table", "do": "tick"}, headers=world.headers()
    )
    assert "2100-01-01T00:00:00Z" == now.json()["events"][-1]["at"]
    late = world.send(by="table", do="tick", at="2099-12-31T23:59:59Z")
    assert (409, "TIME-1") == (late.status_code, late.json()["rule"])


def test_cors_origins_are_none_unless_given(
    server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    preflight = {"Origin": "https://table.example", "Access-Control-Request-Method": "POST"}
    closed = httpx.options(f"{server}/worlds", headers=preflight)
    assert "access-control-allow-origin" not in closed.headers
    store = tmp_path_factory.mktemp("cors") / "hightable.db"
    process, base = start_server(
        f"sqlite:///{store}",
        1,
        "--cors-origin",
        "https://table.example",
        "--cors-origin",
        "https://other.example",
    )
    try:
        allowed = httpx.options(f"{base}/worlds", headers=preflight)
        assert "https://table.example" == allowed.headers["access-control-allow-origin"]
        listed = httpx.get(f"{base}/worlds", headers={"Origin": "https://other.example"})
        assert "https://other.example" == listed.headers["access-control-allow-origin"]
        stranger = httpx.get(f"{base}/worlds", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in stranger.headers
    finally:
        stop_server(process)


def test_the_operator_s_token_opens_nothing_else(world: World) -> None:
    answer = world.client.get(f"/worlds/{world.id}/view", headers=OPERATOR_HEADERS)
    assert answer.status_code in (401, 403)


def test_a_nul_in_a_label_or_a_token_id_is_refused_not_a_store_failure(
    postgres_url: str,
) -> None:
    """PostgreSQL keeps no NUL in a text: a label with one is refused naming the field, and a
    token id that is not hex names no token; neither is a 503 of the store."""
    process, base = start_server(postgres_url)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            world = World(client)
            world.send(by="table", do="register", member="john", name="John")
            labelled = client.post(
                f"/worlds/{world.id}/tokens",
                json={"member": "john", "label": "a\u0000b"},
                headers=world.headers(),
            )
            assert (422, "CMD-1") == (labelled.status_code, labelled.json()["rule"])
            assert "label" in labelled.json()["message"]
            for odd in ("%00%00", "%D9%A1%D9%A2", "ABCDEF"):
                revoked = client.delete(f"/worlds/{world.id}/tokens/{odd}", headers=world.headers())
                assert (404, "ID-3") == (revoked.status_code, revoked.json()["rule"])
    finally:
        stop_server(process)
