"""A shrunk storm written as a story (§15) that fails where hightable broke its promise: every
command at its absolute instant with the outcome it had, and the failing one expecting what
hightable should have done, or followed by a check of the view the log says is true."""

from __future__ import annotations

from pathlib import Path

import yaml

from hightable.core import view
from hightable.storm.session import Session, Violation
from hightable.storm.shapes import Fields
from hightable.storm.start import Start

Commands = list[Fields]
MAX_CHECKS = 12  # view paths checked after the failing command


def story_steps(start: Start, commands: Commands, violation: Violation) -> list[Fields]:
    """The storm's commands as story steps, replayed once more to learn each one's outcome."""
    session = Session(start.world, start.events)
    steps: list[Fields] = []
    try:
        for index, raw in enumerate(commands):
            seen = session.send(raw)
            step = dict(raw)
            if index < len(commands) - 1 or violation.check != "no bug caught":
                # What it did: what a story plays the same way (the failing command that the
                # engine refused as a bug expects "ok": it should have been accepted).
                if session.last.startswith("refused "):
                    step["expect"] = {"refused": session.last.removeprefix("refused ")}
            steps.append(step)
            if seen is not None:
                break
        checks = differences(view(session.replica), view(session.live()))
    finally:
        session.close()
    if checks:
        steps.append({"check": dict(list(checks.items())[:MAX_CHECKS])})
    return steps


def differences(truth: object, seen: object, path: str = "") -> Fields:
    """The view paths where the world held differs from the truth, with the truth's values."""
    if isinstance(truth, dict) and isinstance(seen, dict):
        found: Fields = {}
        for key in sorted(set(truth) | set(seen)):
            if key in truth:
                found |= differences(truth[key], seen.get(key), f"{path}{key}.")
        return found
    return {} if truth == seen else {path.rstrip("."): truth}


def write_story(
    path: Path, start: Start, commands: Commands, violation: Violation, seed: int
) -> Path:
    """Write the failing story; a storm from a stored world has no steps that rebuild it."""
    steps = [*(start.prefix or []), *story_steps(start, commands, violation)]
    title = f"storm {seed}: {violation.check} ({violation.rule or violation.detail})"[:200]
    lines = [
        f"# Written by `hightable storm --seed {seed}` from {start.name}: the shortest storm found",
        f"# that breaks the promise '{violation.check}' at its last command. It fails while",
        "# hightable breaks that promise; kept as a regression test, it passes once fixed.",
    ]
    if start.prefix is None:
        lines.append(f"# It starts from stored world {start.world}, which no story rebuilds.")
    header = {"story": title, "world": start.world, "start": start.start}
    body = yaml.safe_dump(header, sort_keys=False, allow_unicode=True, width=10_000)
    lines += [body.rstrip(), "steps:"]
    for step in steps:
        flow = yaml.safe_dump(
            step, default_flow_style=True, sort_keys=False, allow_unicode=True, width=10_000
        )
        lines.append(f"  - {flow.strip()}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
