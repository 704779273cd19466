"""The one exception family of hightable: for broken storage and corrupt logs, never for a rule.

Breaking a rule is an expected outcome and is returned as a `Refusal`; these are raised. Every
error a driver or a decoder raises reaches a caller of hightable as one of these, its own
error as the cause.
"""


class HightableError(Exception):
    """Base of every error hightable raises."""


class StoreError(HightableError):
    """The store failed or could not be reached; the driver's own error is its cause."""


class Conflict(StoreError):
    """Another writer appended to the world first: the expected seq is taken (re-decide)."""

    def __init__(self, world: str, expected_seq: int, head_seq: int):
        super().__init__(
            f"world {world}: expected to append seq {expected_seq}, but the head is {head_seq}"
        )
        self.world, self.expected_seq, self.head_seq = world, expected_seq, head_seq


class WorldExists(StoreError):
    """WORLD-1: the world id is taken in this store."""


class Archived(StoreError):
    """WORLD-2: the world is archived, read-only; nothing was appended."""


class NoSuchWorld(StoreError):
    """An append or a read named a world the store does not hold."""


class Corrupt(HightableError):
    """The stored log is no sound chain: a gap, a repeat, bytes that do not match their hash, a
    tail that is not the recorded head, or a replay that breaks the ledger's invariants."""

    def __init__(self, message: str, seq: int | None = None):
        super().__init__(message)
        self.seq = seq  # the first seq found wrong, when one is known


class EngineFault(HightableError):
    """Deciding or sealing a command raised: a fault of hightable itself, not of the command's
    sender. Nothing of that command was stored, and the world was reloaded from the store."""
