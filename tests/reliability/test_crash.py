"""Crash safety: a writer killed with SIGKILL at random moments, again and again, on SQLite and
on PostgreSQL. Every acknowledged command is in the log, nothing half-written is, the chain
verifies, and the world loads and takes commands again."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from figures import FIGURES
from hightable.checked import replay_checked
from hightable.core import Refusal, decode_event
from hightable.service import WorldService
from hightable.store import open_store

WRITER = Path(__file__).parent / "crash_writer.py"
START = "2019-05-17T17:00:00Z"
KILLS = 26  # per store: 52 in all


def kill_a_writer(url: str, prefix: str, rng: random.Random) -> set[str]:
    """Start a writer, let it write for a random while, SIGKILL it; what it acknowledged."""
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), url, "crash", prefix],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    first = writer.stdout.readline()  # it is writing: now pick the moment
    assert first, writer.stderr.read() if writer.stderr else ""
    time.sleep(rng.uniform(0.0, 0.3))
    writer.send_signal(signal.SIGKILL)
    rest, _ = writer.communicate(timeout=60)
    assert writer.returncode == -signal.SIGKILL
    return {first.strip(), *rest.split()}


def test_a_writer_killed_at_random_moments_loses_nothing_acknowledged(durable_url: str) -> None:
    rng = random.Random(KILLS)
    with open_store(durable_url) as store:
        service = WorldService(store)
        service.create("crash", START)
        for member in ("john", "sofia"):
            service.execute(
                "crash",
                {"by": "table", "do": "register", "member": member, "name": member, "at": START},
            )
    acknowledged: set[str] = set()
    for kill in range(KILLS):
        acknowledged |= kill_a_writer(durable_url, f"k{kill}", rng) - {""}
        FIGURES.count("writers killed with SIGKILL")
        with open_store(durable_url) as store:
            records = list(store.read("crash"))
            assert [r.seq for r in records] == list(
                range(1, len(records) + 1)
            )  # no gap, no torn row
            cids = [decode_event(r.body).cid for r in records]  # every row a whole event
            logged = {cid for cid in cids if cid}
            assert len(logged) == sum(1 for cid in cids if cid)  # no command twice
            assert acknowledged <= logged  # nothing acknowledged is lost
            verdict = WorldService(store).verify("crash")
            assert not isinstance(verdict, Refusal) and verdict.ok, verdict
            replay_checked("crash", records)
    FIGURES.count("acknowledged commands checked after crashes", len(acknowledged))
    with open_store(durable_url) as store:  # after it all, the world loads and takes commands
        service = WorldService(store)
        state = service.state("crash")
        assert not isinstance(state, Refusal) and state.seq == store.head("crash").seq  # type: ignore[union-attr]
        outcome = service.execute(
            "crash", {"by": "table", "do": "mint", "to": "john", "amount": 1, "at": state.clock}
        )
        assert not isinstance(outcome, Refusal), outcome
