"""The shell's clock: the wall clock of the machine, as a canonical instant. The core never reads
it; the shell hands it an instant (TIME-4, a token's instant of issue)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from hightable.core import Command, Refusal, parse_command


def wall_clock() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class DefaultAt:
    """A command sent without `at`: it happens at the sender's clock, `now`, or at the world's
    clock if that is later (TIME-4), as decided in its turn, after the commands before it."""

    raw: dict[str, object]
    now: str

    def parse(self, clock: str) -> Command | Refusal:
        return parse_command({**self.raw, "at": max(self.now, clock)})


def defaulting_at(raw: object, now: str | None) -> object:
    """The command as sent, or a `DefaultAt` when it has no `at` and the door gave a clock."""
    if now is not None and isinstance(raw, dict) and "at" not in raw:
        return DefaultAt(raw, now)
    return raw
