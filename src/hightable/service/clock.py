"""The shell's clock: the wall clock of the machine, as a canonical instant. The core never reads
it; the shell hands it an instant (TIME-4, a token's instant of issue)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from hightable.core import Command, Event, Refusal, State, parse_command
from hightable.core.commands import digest


def wall_clock() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class DefaultAt:
    """A command sent without `at`: it happens at the sender's clock, `now`, or at the world's
    clock if that is later (TIME-4), as decided in its turn, after the commands before it."""

    raw: dict[str, object]
    now: str

    def parse(
        self, state: State, recall: Callable[[int], Event | None] | None = None
    ) -> Command | Refusal:
        """The command at its instant; a retry of one accepted under its cid (IDEM-1) takes the
        instant the first one took (its first event's, by `recall`), so that it is replayed,
        not refused as another body for having come a second later."""
        cid = self.raw.get("cid")
        known = state.cids.get(cid) if isinstance(cid, str) else None
        first = recall(known.first_seq) if known is not None and recall is not None else None
        if known is not None and first is not None:
            retried = parse_command({**self.raw, "at": first.at})
            if not isinstance(retried, Refusal) and digest(retried) == known.digest:
                return retried
        return parse_command({**self.raw, "at": max(self.now, state.clock)})


def defaulting_at(raw: object, now: str | None) -> object:
    """The command as sent, or a `DefaultAt` when it has no `at` and the door gave a clock."""
    if now is not None and isinstance(raw, dict) and "at" not in raw:
        return DefaultAt(raw, now)
    return raw
