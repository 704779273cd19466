"""What the service tells whoever watches it (the API's metrics): commands by outcome and rule,
and how long appends and group commits take. Nothing by default: the service imports no
metrics library, and a one-off command of the command line pays nothing."""

from __future__ import annotations

from hightable.core import Outcome, Refusal, Replayed


class Observer:
    """Does nothing; the API's metrics subclass it."""

    def command(self, outcome: str, rule: str) -> None:
        """One command was answered: `accepted`, `replayed`, `refused` (with its rule), or
        `failed` (the store failed: STORE-1)."""

    def appended(self, seconds: float, records: int) -> None:
        """One append to the store succeeded."""

    def group_committed(self, seconds: float, commands: int) -> None:
        """A group of commands queued on one world was decided and committed."""


def observe_outcomes(observer: Observer, outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        if isinstance(outcome, Refusal):
            observer.command("refused", outcome.rule)
        else:
            observer.command("replayed" if isinstance(outcome, Replayed) else "accepted", "")
