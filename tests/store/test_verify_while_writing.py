"""`verify` while another process appends: the head, the log and the index are read as of one
moment, so that an append committed in the middle of a verify is never taken for tampering."""

from __future__ import annotations

import threading

from hightable.core import Refusal
from hightable.service import WorldService
from hightable.store import open_store

START = "2019-05-17T17:00:00Z"


def test_a_verify_during_appends_finds_nothing_wrong(durable_url: str) -> None:
    with open_store(durable_url) as store:
        writer = WorldService(store)
        writer.create("w", START)
        for member in ("john", "sofia"):
            writer.execute(
                "w",
                {"by": "table", "do": "register", "member": member, "name": member, "at": START},
            )
    stop = threading.Event()
    appended = threading.Semaphore(0)

    def append_until_stopped() -> None:
        with open_store(durable_url) as store:  # another store, as another process has
            service = WorldService(store)
            while not stop.is_set():
                appended.release()
                service.execute_batch(
                    "w",
                    [{"by": "sofia", "do": "aid", "member": "john", "help": "a coin", "at": START}]
                    * 3,
                )

    appending = threading.Thread(target=append_until_stopped)
    appending.start()
    try:
        with open_store(durable_url) as store:
            verdicts = []
            for _ in range(40):
                assert appended.acquire(timeout=30)  # each verify beside an append
                verdicts.append(WorldService(store).verify("w"))
    finally:
        stop.set()
        appending.join(30)
    assert not any(isinstance(v, Refusal) or not v.ok for v in verdicts), verdicts
    assert len({v.events for v in verdicts if not isinstance(v, Refusal)}) > 1  # it did append
