"""The API through a real server: round trips, retries, access, limits, reading, the live feed."""

from __future__ import annotations

import json
import threading
import time

import httpx

from servers import World


def test_a_command_round_trip(world: World) -> None:
    """Accepted: 200 with the events appended; refused under a rule: 409 with the rule."""
    accepted = world.send(by="john", do="transfer", to="winston", amount=4)
    assert 200 == accepted.status_code
    body = accepted.json()
    assert "accepted" == body["outcome"]
    assert ["coins_transferred"] == [event["type"] for event in body["events"]]
    refused = world.send(by="john", do="transfer", to="winston", amount=40)
    assert 409 == refused.status_code
    assert {
        "rule": "COIN-2",
        "title": "No balance may go below zero",
        "message": "john holds 6 coins; the transfer needs 40",
    } == refused.json()


def test_statuses_fit_the_refusal(world: World) -> None:
    """422 for CMD-1 and ID-1, 404 for an unknown world or object, never a 500."""
    assert 422 == world.send(by="john", do="transfer", to="winston", amount="four").status_code
    assert "CMD-1" == world.send(by="john", do="fly").json()["rule"]
    assert 422 == world.send(by="John", do="tick").status_code
    assert 404 == world.send(by="john", do="transfer", to="nobody", amount=1).status_code
    missing = world.client.post(
        "/worlds/nowhere/commands", json={"by": "table", "do": "tick"}, headers=world.headers()
    )
    assert 404 == missing.status_code and "ID-3" == missing.json()["rule"]
    broken = world.client.post(
        f"/worlds/{world.id}/commands",
        content=b"{not json",
        headers={**world.headers(), "content-type": "application/json"},
    )
    assert 422 == broken.status_code and "CMD-1" == broken.json()["rule"]


def test_an_idempotent_retry_returns_the_first_outcome(world: World) -> None:
    """IDEM-1: the same cid and body: the first events, nothing appended; another body: 409."""
    command = {
        "by": "john",
        "do": "transfer",
        "to": "winston",
        "amount": 3,
        "cid": "pay-1",
        "at": world.at(),
    }
    first = world.send(**command)
    retry = world.send(**command)
    assert "replayed" == retry.json()["outcome"]
    assert first.json()["events"] == retry.json()["events"]
    other = world.send(**{**command, "amount": 4})
    assert 409 == other.status_code and "IDEM-1" == other.json()["rule"]
    balance = world.client.get(
        f"/worlds/{world.id}/view", params={"path": "members.john.balance"}, headers=world.headers()
    )
    assert 7 == balance.json()


def test_member_tokens_act_only_as_their_member_in_their_world(
    world: World, client: httpx.Client
) -> None:
    """ACCESS-2: a member token acting as another member, or in another world, is refused (403)."""
    john = world.member_token("john")
    assert (
        200 == world.send(token=john, by="john", do="transfer", to="winston", amount=1).status_code
    )
    as_winston = world.send(token=john, by="winston", do="transfer", to="john", amount=1)
    assert 403 == as_winston.status_code and "ACCESS-2" == as_winston.json()["rule"]
    other = World(client)
    elsewhere = other.send(token=john, by="table", do="tick")
    assert 403 == elsewhere.status_code and "ACCESS-2" == elsewhere.json()["rule"]
    issuing = client.post(
        f"/worlds/{world.id}/tokens", json={"member": "winston"}, headers=world.headers(john)
    )
    assert 403 == issuing.status_code


def test_reading_needs_a_token_of_the_world(world: World, client: httpx.Client) -> None:
    """ACCESS-1: no token, 401; a forged one, 401; a public world is read by anyone."""
    assert 401 == client.get(f"/worlds/{world.id}/view").status_code
    forged = client.get(f"/worlds/{world.id}/view", headers=world.headers(f"{world.id}.forged"))
    assert 401 == forged.status_code and "ACCESS-1" == forged.json()["rule"]
    assert (
        401
        == client.post(
            f"/worlds/{world.id}/commands", json={"by": "table", "do": "tick"}
        ).status_code
    )
    public = World(client, public=True)
    assert 200 == client.get(f"/worlds/{public.id}/view").status_code
    assert (
        401
        == client.post(
            f"/worlds/{public.id}/commands", json={"by": "table", "do": "tick"}
        ).status_code
    )
    assert public.id in [listed["world"] for listed in client.get("/worlds").json()]
    assert world.id not in [listed["world"] for listed in client.get("/worlds").json()]


def test_limits(world: World) -> None:
    """LIMIT-1: a body over 1 MiB is 413; a batch over 1,000 or a page over 1,000 is 422."""
    huge = world.client.post(
        f"/worlds/{world.id}/commands",
        content=b'{"x": "' + b"a" * 2_000_000 + b'"}',
        headers={**world.headers(), "content-type": "application/json"},
    )
    assert 413 == huge.status_code and "LIMIT-1" == huge.json()["rule"]
    batch = world.client.post(
        f"/worlds/{world.id}/batch",
        json={"commands": [{"by": "table", "do": "tick"}] * 1001},
        headers=world.headers(),
    )
    assert 422 == batch.status_code
    page = world.client.get(
        f"/worlds/{world.id}/events", params={"limit": 1001}, headers=world.headers()
    )
    assert 422 == page.status_code and "CMD-1" == page.json()["rule"]


def test_batches_each_on_its_own_or_atomic(world: World) -> None:
    """A batch is one transaction: each command on its own, or all-or-nothing."""
    pay = {"by": "john", "do": "transfer", "to": "winston", "at": "2019-05-17T18:00:00Z"}
    mixed = world.client.post(
        f"/worlds/{world.id}/batch",
        json={"commands": [{**pay, "amount": 4}, {**pay, "amount": 40}]},
        headers=world.headers(),
    )
    assert 200 == mixed.status_code
    assert [200, 409] == [item["status"] for item in mixed.json()["outcomes"]]
    atomic = world.client.post(
        f"/worlds/{world.id}/batch",
        json={"atomic": True, "commands": [{**pay, "amount": 1}, {**pay, "amount": 40}]},
        headers=world.headers(),
    )
    assert 409 == atomic.status_code and not atomic.json()["applied"]
    assert ("COIN-2", "commands[1]: ") == (atomic.json()["rule"], atomic.json()["message"][:13])
    # The lawful command of the refused batch is reported as not applied, with no events.
    assert {"status": 409, "outcome": "not_applied", "events": [], "refusal": None} == (
        atomic.json()["outcomes"][0]
    )
    assert (
        6
        == world.client.get(
            f"/worlds/{world.id}/view",
            params={"path": "members.john.balance"},
            headers=world.headers(),
        ).json()
    )


def test_reading_a_world(world: World) -> None:
    """The view as of an instant, a dossier, the log in pages, verify, and a fork."""
    world.send(
        by="table", do="register", member="elder", name="The Elder", at="2019-05-17T18:00:00Z"
    )
    world.send(by="table", do="appoint", member="elder", office="elder", at="2019-05-17T18:00:00Z")
    world.send(
        by="elder",
        do="excommunicate",
        member="john",
        grace=60,
        reason="Santino",
        at="2019-05-17T18:00:00Z",
    )
    world.send(by="table", do="tick", at="2019-05-17T20:00:00Z")

    def get(endpoint: str, **params: object) -> httpx.Response:
        return world.client.get(
            f"/worlds/{world.id}{endpoint}", params=params, headers=world.headers()
        )

    assert "active" == get("/view", at="2019-05-17T18:59:00Z", path="members.john.status").json()
    assert "excommunicado" == get("/view", path="members.john.status").json()
    assert 409 == get("/view", at="2018-01-01T00:00:00Z").status_code
    assert 404 == get("/view", path="members.nobody").status_code
    dossier = get("/members/john/dossier").json()
    assert "excommunicado" == dossier["status"] and dossier["timeline"]
    assert 404 == get("/members/nobody/dossier").status_code
    first = get("/events", limit=3).json()
    assert [1, 2, 3] == [event["seq"] for event in first["events"]] and 3 == first["next_after"]
    rest = get("/events", after=first["next_after"], limit=1000).json()
    assert rest["next_after"] is None and 4 == rest["events"][0]["seq"]
    assert get("/verify").json()["ok"]
    fork = world.client.post(
        f"/worlds/{world.id}/fork",
        json={"world": world.id + "-what-if", "at": "2019-05-17T18:30:00Z"},
        headers=world.headers(),
    )
    assert 201 == fork.status_code
    forked = world.client.get(
        f"/worlds/{world.id}-what-if/view",
        params={"path": "members.john.status"},
        headers={"Authorization": "Bearer " + fork.json()["table_token"]},
    )
    assert "active" == forked.json()


def test_the_live_feed_receives_events_sent_by_another_client(world: World, server: str) -> None:
    """SSE: a subscriber sees a command another client sends; it resumes with Last-Event-ID."""
    received: list[dict[str, object]] = []
    ready = threading.Event()

    def listen() -> None:
        with httpx.Client(base_url=server, timeout=30) as listener:
            with listener.stream(
                "GET", f"/worlds/{world.id}/feed", params={"seconds": 20}, headers=world.headers()
            ) as response:
                assert "text/event-stream" in response.headers["content-type"]
                ready.set()
                for line in response.iter_lines():
                    if line.startswith("data: "):
                        received.append(json.loads(line[6:]))
                    if any(event["type"] == "coins_transferred" for event in received):
                        return

    thread = threading.Thread(target=listen)
    thread.start()
    ready.wait(10)
    time.sleep(0.3)
    with httpx.Client(base_url=server, timeout=30) as other:
        command = {
            "by": "john",
            "do": "transfer",
            "to": "winston",
            "amount": 2,
            "at": "2019-05-17T18:00:00Z",
        }
        assert (
            200
            == other.post(
                f"/worlds/{world.id}/commands", json=command, headers=world.headers()
            ).status_code
        )
    thread.join(20)
    assert "coins_transferred" == received[-1]["type"]
    assert list(range(1, len(received) + 1)) == [event["seq"] for event in received]
    with httpx.Client(base_url=server, timeout=30) as resumer:
        headers = {**world.headers(), "Last-Event-ID": str(received[-2]["seq"])}
        with resumer.stream(
            "GET", f"/worlds/{world.id}/feed", params={"seconds": 2}, headers=headers
        ) as response:
            ids = [int(line[4:]) for line in response.iter_lines() if line.startswith("id: ")]
    assert [received[-1]["seq"]] == ids


def test_the_openapi_document_is_published(client: httpx.Client) -> None:
    """/openapi.json describes the endpoints, their errors and their limits."""
    document = client.get("/openapi.json").json()
    assert {
        "/worlds",
        "/worlds/{world}/commands",
        "/worlds/{world}/batch",
        "/worlds/{world}/feed",
    } <= set(document["paths"])
    assert "LIMIT-1" in json.dumps(document) or "1 MiB" in document["info"]["description"]
    assert "409" in document["paths"]["/worlds/{world}/commands"]["post"]["responses"]


def test_a_storm_on_a_fork_leaves_the_world_as_it_was(world: World) -> None:
    """POST /storm storms a fork in memory: the same seed gives the same counts, the world
    keeps its log, and a storm longer than the limit is refused (CMD-1)."""
    events = world.client.get(f"/worlds/{world.id}/events", headers=world.headers()).json()
    url = f"/worlds/{world.id}/storm"
    first = world.client.post(url, json={"seed": 7, "steps": 200}, headers=world.headers())
    again = world.client.post(url, json={"seed": 7, "steps": 200}, headers=world.headers())
    assert 200 == first.status_code, first.text
    counted = ("steps", "accepted", "refused_by_rule", "violation")
    assert [first.json()[k] for k in counted] == [again.json()[k] for k in counted]
    assert (200, None) == (first.json()["steps"], first.json()["violation"])
    assert events == world.client.get(f"/worlds/{world.id}/events", headers=world.headers()).json()
    too_long = world.client.post(url, json={"steps": 10**6}, headers=world.headers())
    assert (422, "CMD-1") == (too_long.status_code, too_long.json()["rule"])
    assert 401 == world.client.post(url, json={"steps": 5}).status_code


def test_one_storm_at_a_time(world: World) -> None:
    """LIMIT-1: while a storm runs, another is refused with 429 and runs later as asked."""
    url = f"/worlds/{world.id}/storm"
    answers: list[int] = []

    def storm() -> None:
        answer = world.client.post(url, json={"steps": 2000}, headers=world.headers())
        answers.append(answer.status_code)

    threads = [threading.Thread(target=storm) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 200 in answers and 429 in answers and set(answers) <= {200, 429}
    assert 200 == world.client.post(url, json={"steps": 5}, headers=world.headers()).status_code
