"""Two processes append to one world at once: no gap, no duplicate, no acknowledged command lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hightable.core import decode_event
from hightable.service import WorldService
from hightable.store import open_store

WRITER = Path(__file__).parent / "writer.py"
START = "2019-05-17T17:00:00Z"
AT = "2019-05-17T18:00:00Z"
COUNT = 150


def test_two_processes_racing_on_one_world(durable_url: str) -> None:
    """Each store: both writers' acknowledged commands are in the log, seq 1..N, chain sound."""
    with open_store(durable_url) as store:
        service = WorldService(store)
        service.create("race", START)
        for member in ("john", "sofia", "winston"):
            service.execute(
                "race",
                {"by": "table", "do": "register", "member": member, "name": member, "at": START},
            )
    writers = [
        subprocess.Popen(
            [sys.executable, str(WRITER), durable_url, "race", name, str(COUNT), AT],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("sofia", "winston")
    ]
    acknowledged: set[str] = set()
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert 0 == writer.returncode, err
        acknowledged |= set(out.split())
    assert 2 * COUNT == len(acknowledged)
    with open_store(durable_url) as store:
        records = list(store.read("race"))
        assert list(range(1, len(records) + 1)) == [record.seq for record in records]
        cids = [decode_event(record.body).cid for record in records]
        logged = [cid for cid in cids if cid is not None]
        assert len(logged) == len(set(logged))  # no command twice
        assert acknowledged == set(logged)  # none lost, none invented
        assert WorldService(store).verify("race").ok  # type: ignore[union-attr]
