"""Shrinking a failing storm by delta debugging: drop chunks of commands, then single ones,
re-running from the start each time, keeping a shorter storm only if it breaks the same
promise the same way (the same check, the same rule)."""

from __future__ import annotations

from collections.abc import Callable

from hightable.storm.session import Session, Violation
from hightable.storm.shapes import Fields
from hightable.storm.start import Start

Commands = list[Fields]
MAX_RUNS = 2_000  # re-runs at most: a long storm shrinks partly rather than for hours


def replay_storm(start: Start, commands: Commands, faults: float, seed: int) -> Violation | None:
    """The first violation of these commands from the start, if any (verify at the end)."""
    session = Session(start.world, start.events, faults, seed)
    try:
        for raw in commands:
            violation = session.send(raw)
            if violation:
                return violation
        return session.finish()
    finally:
        session.close()


def shrink(
    start: Start, commands: Commands, violation: Violation, faults: float = 0.0, seed: int = 0
) -> tuple[Commands, Violation]:
    """The shortest storm found that still breaks `violation`'s promise, and how it breaks."""
    runs = 0
    found = violation

    def breaks(candidate: Commands) -> bool:
        nonlocal runs, found
        runs += 1
        seen = replay_storm(start, candidate, faults, seed)
        if seen is not None and seen.key == violation.key:
            found = seen
            return True
        return False

    kept = commands[: violation.step + 1]
    kept = drop_chunks(kept, breaks, lambda: runs < MAX_RUNS)
    # The failing command ends the storm: what follows it is never needed.
    return kept[: found.step + 1], found


def drop_chunks(
    commands: Commands, breaks: Callable[[Commands], bool], budget: Callable[[], bool]
) -> Commands:
    """ddmin's complement steps: split into n chunks and drop any whose absence still breaks;
    halve the chunks when none can go, down to single commands."""
    chunks = 2
    while len(commands) >= 2 and budget():
        size = -(-len(commands) // chunks)  # ceiling
        dropped = False
        start = 0
        while start < len(commands) and budget():
            candidate = commands[:start] + commands[start + size :]
            if candidate and breaks(candidate):
                commands, dropped = candidate, True
            else:
                start += size
        if size == 1 and not dropped:
            break
        chunks = max(chunks - 1, 2) if dropped else min(chunks * 2, len(commands))
    return commands
