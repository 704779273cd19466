"""What an operator watches, through real server processes: the access log (never a token),
/health and /ready (failing while the store is down, recovering after), and the metrics."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from servers import OPERATOR, World, server_log, start_server, stop_server
from throwaway_postgres import ThrowawayPostgres, available


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    store = tmp_path_factory.mktemp("logged") / "hightable.db"
    process, base = start_server(f"sqlite:///{store}", 1, "--log-format", "json")
    yield base, process
    stop_server(process)


def test_one_json_line_per_request_and_never_a_token(logged: tuple[str, object]) -> None:
    base, process = logged
    with httpx.Client(base_url=base, timeout=30) as client:
        world = World(client)
        assert 200 == world.send(by="table", do="register", member="john", name="J").status_code
        john = world.member_token("john")
        refused = world.send(john, by="john", do="transfer", to="table", amount=5)
        assert 409 == refused.status_code
        assert 200 == client.get(f"/worlds/{world.id}/view?token={john}").status_code
        assert 401 == client.get(f"/worlds/{world.id}/view?token={john}x").status_code
    time.sleep(0.2)  # the last line is written as the answer leaves
    log = server_log(process)  # type: ignore[arg-type]
    for secret in (OPERATOR, world.table, john):
        assert secret not in log and secret.split(".")[-1] not in log
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert 6 <= len(lines)
    mine = [line for line in lines if line["world"] == world.id]
    by_command = {line["command"]: line for line in mine if line["command"]}
    assert {
        "world": world.id,
        "actor": "operator",
        "outcome": "ok",
        "status": 201,
        "rule": None,
    }.items() <= by_command["create_world"].items()
    transfer = by_command["transfer"]
    assert ("john", "refused", "COIN-2", 409) == (
        transfer["actor"],
        transfer["outcome"],
        transfer["rule"],
        transfer["status"],
    )
    assert "accepted" == by_command["register"]["outcome"]
    assert all(line["latency_ms"] >= 0 and "?" not in line["path"] for line in lines)
    assert ["ACCESS-1"] == [line["rule"] for line in mine if line["status"] == 401]


def test_a_command_refused_for_its_token_logs_who_the_token_is_never_the_by_it_claimed(
    logged: tuple[str, object],
) -> None:
    """The log's actor is who acted: for a command its token may not send, who the token acts
    as (john's token claiming winston), or no one (no token), never the `by` it claimed."""
    base, process = logged
    with httpx.Client(base_url=base, timeout=30) as client:
        world = World(client)
        for member in ("john", "winston"):
            assert (
                200 == world.send(by="table", do="register", member=member, name=member).status_code
            )
        john = world.member_token("john")
        posing = {"do": "transfer", "by": "winston", "to": "john", "amount": 1}
        assert 403 == world.send(john, **posing).status_code
        anonymous = client.post(f"/worlds/{world.id}/commands", json=posing)
        assert 401 == anonymous.status_code
    time.sleep(0.2)  # the last line is written as the answer leaves
    lines = [json.loads(line) for line in server_log(process).splitlines() if line[:1] == "{"]  # type: ignore[arg-type]
    refused = [
        (line["rule"], line["actor"])
        for line in lines
        if line["world"] == world.id and line["command"] == "transfer"
    ]
    assert [("ACCESS-2", "john"), ("ACCESS-1", None)] == refused


def test_a_body_past_the_limit_is_logged_with_its_rule(logged: tuple[str, object]) -> None:
    """A 413 names LIMIT-1 in the access log, as its answer does, streamed or declared."""
    base, process = logged
    path = f"/worlds/w-limit-{time.monotonic_ns()}/commands"
    with httpx.Client(base_url=base, timeout=30) as client:
        declared = client.post(path, content=b"{" + b" " * 2_000_000 + b"}")
        streamed = client.post(path, content=iter([b"{", b" " * 2_000_000, b"}"]))
    assert [413, 413] == [declared.status_code, streamed.status_code]
    time.sleep(0.2)  # the last line is written as the answer leaves
    lines = [json.loads(line) for line in server_log(process).splitlines() if line[:1] == "{"]  # type: ignore[arg-type]
    assert ["LIMIT-1", "LIMIT-1"] == [line["rule"] for line in lines if line["path"] == path]


def test_health_asks_nothing_of_the_store_and_ready_checks_the_schema(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    import sqlite3

    store = tmp_path_factory.mktemp("ready") / "hightable.db"
    process, base = start_server(f"sqlite:///{store}")
    try:
        assert {"ready": True} == httpx.get(f"{base}/ready").json()
        with sqlite3.connect(store) as connection:
            connection.execute("DELETE FROM hightable_schema WHERE version = 5")
        behind = httpx.get(f"{base}/ready")
        assert (503, "STORE-1") == (behind.status_code, behind.json()["rule"])
        assert "schema version 4" in behind.json()["message"]
        assert 200 == httpx.get(f"{base}/health").status_code
    finally:
        stop_server(process)


@pytest.fixture
def postgres() -> Iterator[ThrowawayPostgres]:
    # Never skipped: scripts/ensure-postgres.sh installs the binaries wherever the suite runs.
    assert available(), "no PostgreSQL binaries to start a server of this test's own"
    server = ThrowawayPostgres()
    try:
        server.start()
        yield server
    finally:
        server.remove()


def ready_status(base: str) -> int:
    return httpx.get(f"{base}/ready", timeout=30).status_code


def test_ready_fails_while_postgresql_is_down_and_recovers(postgres: ThrowawayPostgres) -> None:
    process, base = start_server(postgres.url)
    try:
        assert 200 == ready_status(base)
        postgres.stop()
        down = httpx.get(f"{base}/ready", timeout=30)
        assert (503, "STORE-1") == (down.status_code, down.json()["rule"])
        assert {"ok": True} == httpx.get(f"{base}/health").json()
        postgres.start()
        deadline = time.monotonic() + 30
        while ready_status(base) != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert 200 == ready_status(base)
        with httpx.Client(base_url=base, timeout=30) as client:  # and it serves again
            world = World(client)
            assert 200 == world.send(by="table", do="tick").status_code
    finally:
        stop_server(process)


def samples(base: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = httpx.get(f"{base}/metrics").text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.mark.parametrize("workers", [1, 2])
def test_metrics_are_scraped_and_parsed(
    tmp_path_factory: pytest.TempPathFactory, workers: int
) -> None:
    store = tmp_path_factory.mktemp("metrics") / "hightable.db"
    process, base = start_server(f"sqlite:///{store}", workers)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            world = World(client)
            for member in ("john", "winston", "sofia"):
                assert (
                    200
                    == world.send(by="table", do="register", member=member, name="M").status_code
                )
            for _ in range(2):
                assert 409 == world.send(by="john", do="transfer", to="table", amount=5).status_code
            feed = f"/worlds/{world.id}/feed?seconds=30"
            with client.stream("GET", feed, headers=world.headers()) as stream:
                chunks = stream.iter_text()  # held: a dropped iterator closes the stream
                next(chunks)  # the feed is open
                assert 1 == samples(base)[("hightable_feed_subscribers", ())]
        got = samples(base)
        assert 3 == got[("hightable_commands_total", (("outcome", "accepted"), ("rule", "")))]
        assert 2 == got[("hightable_commands_total", (("outcome", "refused"), ("rule", "COIN-2")))]
        assert 3 <= got[("hightable_append_seconds_count", ())]
        assert 3 <= got[("hightable_group_commit_seconds_count", ())]
        assert 1 <= got[("hightable_held_worlds", ())]
        assert 0 == got[("hightable_feed_subscribers", ())]
        assert ("hightable_timelines", ()) in got
    finally:
        stop_server(process)


def test_a_text_line_holds_the_same_fields_and_settings_never_show_the_token() -> None:
    from hightable.api.requestlog import line
    from hightable.api.settings import ServerSettings

    entry: dict[str, object] = {
        "time": "2026-12-01T18:00:00.000Z",
        "method": "POST",
        "path": "/worlds/w/commands",
        "status": 409,
        "latency_ms": 1.5,
        "world": "w",
        "actor": "john",
        "command": "transfer",
        "outcome": "refused",
        "rule": "COIN-2",
    }
    assert (
        "2026-12-01T18:00:00.000Z POST /worlds/w/commands 409 1.5ms"
        " world=w actor=john command=transfer outcome=refused rule=COIN-2"
    ) == line(entry, "text")
    assert entry == json.loads(line(entry, "json"))
    settings = ServerSettings(operator_token="sekrit-token", log_format="json")
    assert "sekrit" not in repr(settings) and "sekrit" not in str(settings)


def test_a_text_line_cannot_be_forged_by_a_path_or_an_actor() -> None:
    """A path or a `by` sent with a line break, a space or a control is escaped: one request,
    one line, its fields its own."""
    from hightable.api.requestlog import line

    entry: dict[str, object] = {
        "time": "2026-12-01T18:00:00.000Z",
        "method": "GET",
        "path": "/worlds/w\n2026-12-01T18:00:01.000Z GET /ok 200",
        "status": 404,
        "latency_ms": 1.5,
        "actor": "john rule=none\u2028\x1b[2J\x85",
    }
    text = line(entry, "text")
    assert 1 == len(text.splitlines())
    assert text.count(" ") == 5  # time, method, path, status, latency, actor: six fields
    assert "\\x0a" in text and "\\x1b" in text and "\\u2028" in text and "\\x85" in text
