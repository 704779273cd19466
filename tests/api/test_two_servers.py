"""Two server processes on one PostgreSQL world, commands arriving at both at once."""

from __future__ import annotations

import threading

import httpx

from hightable.core import decode_event
from hightable.service import WorldService
from hightable.store import open_store
from servers import OPERATOR_HEADERS, START, start_server, stop_server

PER_THREAD = 40


def test_two_servers_one_world_no_gap_no_duplicate_no_lost_command(postgres_url: str) -> None:
    """Every 2xx command is in the log exactly once; seq runs 1..N; the chain verifies."""
    servers = [start_server(postgres_url) for _ in range(2)]
    try:
        first = servers[0][1]
        token = httpx.post(
            f"{first}/worlds", json={"world": "shard", "start": START}, headers=OPERATOR_HEADERS
        ).json()["table_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for member in ("john", "sofia", "winston"):
            command = {
                "by": "table",
                "do": "register",
                "member": member,
                "name": member,
                "at": START,
            }
            assert (
                200
                == httpx.post(
                    f"{first}/worlds/shard/commands", json=command, headers=headers
                ).status_code
            )
        acknowledged: list[str] = []
        failures: list[str] = []

        def send(base: str, name: str) -> None:
            with httpx.Client(base_url=base, timeout=60) as client:
                for number in range(PER_THREAD):
                    cid = f"{name}-{number}"
                    command = {
                        "by": "sofia",
                        "do": "aid",
                        "member": "john",
                        "help": cid,
                        "at": "2019-05-17T18:00:00Z",
                        "cid": cid,
                    }
                    answer = client.post("/worlds/shard/commands", json=command, headers=headers)
                    if answer.status_code == 200:
                        acknowledged.append(cid)
                    else:
                        failures.append(f"{cid}: {answer.status_code} {answer.text}")

        threads = [
            threading.Thread(target=send, args=(base, f"{index}-{thread}"))
            for index, (_, base) in enumerate(servers)
            for thread in range(3)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [] == failures
        with open_store(postgres_url) as store:
            records = list(store.read("shard"))
            assert list(range(1, len(records) + 1)) == [record.seq for record in records]
            logged = [cid for cid in (decode_event(r.body).cid for r in records) if cid]
            assert len(logged) == len(set(logged))
            assert set(acknowledged) == set(logged) and 6 * PER_THREAD == len(acknowledged)
            assert WorldService(store).verify("shard").ok  # type: ignore[union-attr]
    finally:
        for process, _ in servers:
            stop_server(process)
