"""One writer of a world at a time across processes: another process waits for the world's
lock while it is held, and gets it as soon as it is let go; another world never waits."""

from __future__ import annotations

import subprocess
import sys
import time

from hightable.store import open_store

TAKER = """
import sys
from hightable.store import open_store
with open_store(sys.argv[1]) as store:
    print("ready", flush=True)
    with store.writing(sys.argv[2]):
        print("got", flush=True)
"""


def taker(url: str, world: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", TAKER, url, world], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and "ready" == process.stdout.readline().strip()
    return process


def test_another_process_waits_for_the_worlds_lock_and_no_other_world_does(
    durable_url: str,
) -> None:
    with open_store(durable_url) as store, store.writing("w"):
        other_world = taker(durable_url, "v")
        assert other_world.stdout is not None
        assert "got" == other_world.stdout.readline().strip()  # another world: at once
        other_world.wait(30)
        other_world.stdout.close()
        same_world = taker(durable_url, "w")
        time.sleep(1.0)
        assert same_world.poll() is None  # still waiting while the lock is held
    assert same_world.stdout is not None
    assert "got" == same_world.stdout.readline().strip()
    assert 0 == same_world.wait(30)
    same_world.stdout.close()
