"""A log gives the same state in every process: nothing the state keeps follows the order of a
set, which changes with the process's string hashes (PYTHONHASHSEED). A seal (CHAIN-2) written
by a server must hold when `verify` replays the log in another process."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
from hightable.core import Ledger
from hightable.core.seals import state_digest
ledger = Ledger.create("w", "2019-05-17T17:00:00Z")
minute = 0
def do(by, **fields):
    global minute
    minute += 1
    outcome = ledger.execute({"by": by, "at": f"2019-05-17T18:{minute:02d}:00Z", **fields})
    assert type(outcome).__name__ == "Accepted", outcome
for number in range(12):
    do("table", do="register", member=f"member-{number}", name="M")
for number in range(11):
    do(f"member-{number}", do="swear_marker", marker=f"m{number}", holder=f"member-{number + 1}")
do("member-3", do="invoke_marker", marker="m2", favor="f")
do("member-3", do="honor_marker", marker="m2")
print(list(ledger.state.live_markers), state_digest(ledger.state))
"""


def test_the_markers_index_is_the_same_whatever_the_string_hashes() -> None:
    found = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        found.add(done.stdout)
    assert 1 == len(found), found
