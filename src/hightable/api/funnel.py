"""Commands sent one by one over HTTP, committed in groups.

While a world's group is being committed (in a thread, off the event loop), the commands that
arrive for that world wait in the loop, and go together in the next group: a thread, one read
of each token and one transaction a group, not a command. Each is decided after the one before
it, answered as if alone, and only once its group is durable.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from hightable.api.access import existing, holder, may_send
from hightable.api.errors import Refused
from hightable.api.requestlog import note
from hightable.core import Outcome, Refusal, to_dict
from hightable.core.commands import is_slug
from hightable.errors import StoreError
from hightable.service import WorldService
from hightable.service.lookup import no_world


@dataclass(frozen=True)
class Done:
    """A command's answer: its outcome, with its events as the API shows them when accepted."""

    outcome: Outcome
    events: list[dict[str, object]] = field(default_factory=list)


Answer = Done | Refused | Exception  # a failure: the store's (STORE-1), or unforeseen


@dataclass
class Sent:
    raw: object  # the body, or a `DefaultAt` holding it with the door's clock (TIME-4)
    by: object
    token: str | None
    answer: asyncio.Future[Answer]
    # Who acted, for the access log: the sender once its token may send as it, else who the
    # token acts as (if any); never a `by` the token was refused for.
    actor: str | None = None


class Funnel:
    """Each world's commands, gathered while its group before is committed."""

    def __init__(self, service: WorldService) -> None:
        self.service = service
        self._waiting: dict[str, list[Sent]] = {}
        self._draining: dict[str, asyncio.Task[None]] = {}

    async def send(self, world: str, raw: object, by: object, token: str | None) -> Answer:
        loop = asyncio.get_running_loop()
        sent = Sent(raw, by, token, loop.create_future())
        self._waiting.setdefault(world, []).append(sent)
        if world not in self._draining:
            self._draining[world] = loop.create_task(self._drain(world))
        answer = await sent.answer
        if sent.actor is not None:  # noted here, in the request's context, not the thread's
            note(actor=sent.actor)
        return answer

    async def _drain(self, world: str) -> None:
        """Commit the world's groups one after the other until none is waiting."""
        loop = asyncio.get_running_loop()
        group: list[Sent] = []
        try:
            while group := self._waiting.pop(world, []):
                try:
                    answers = await loop.run_in_executor(None, settle, self.service, world, group)
                except asyncio.CancelledError:
                    raise  # the server is stopping: `finally` answers those waiting
                except BaseException as error:  # noqa: B036  (each request fails with it)
                    answers = [as_failure(error, world)] * len(group)
                for sent, answer in zip(group, answers, strict=True):
                    if not sent.answer.done():  # its client may have gone
                        sent.answer.set_result(answer)
                group = []
        finally:
            del self._draining[world]
            for sent in group:  # stopped mid-commit (the server shutting down)
                if not sent.answer.done():
                    sent.answer.set_result(StoreError(f"world {world}: the server stopped"))


def as_failure(error: BaseException, world: str) -> Exception:
    """An exception to answer with: itself, or a store failure for one that would stop the
    server's loop (KeyboardInterrupt, SystemExit) though raised in the funnel's thread. The
    writer has dropped the world it held, whatever the failure: what the process holds is the
    store's, and a retry under the same cid tells whether it was stored (IDEM-1)."""
    if isinstance(error, Exception):
        return error
    return StoreError(f"world {world}: the commit failed ({type(error).__name__})")


def settle(service: WorldService, world: str, group: list[Sent]) -> list[Answer]:
    """Check each command's token (each token read once), then decide and append those that
    may be sent, in one group commit."""
    if not is_slug(world):  # no world has that id; it never reaches the store (ID-3)
        return [Refused(no_world(world))] * len(group)
    answers: list[Answer | None] = [None] * len(group)
    allowed: list[int] = []

    def admit() -> list[object]:
        # Under the world's write lock, which deleting a world takes too: the tokens are read
        # of the very world the group is appended to, never of one deleted since.
        allowed.extend(admitted(service, world, group, answers))
        return [group[index].raw for index in allowed]

    try:
        outcomes = service.execute_group(world, admit)
    except Exception as error:  # the store's, or unforeseen: the commands refused keep theirs
        return [error if answer is None else answer for answer in answers]
    for index, outcome in zip(allowed, outcomes, strict=True):
        answers[index] = answer_of(service, world, outcome)
    assert all(answer is not None for answer in answers)  # each refused or settled
    return answers  # type: ignore[return-value]


def admitted(
    service: WorldService, world: str, group: list[Sent], answers: list[Answer | None]
) -> list[int]:
    """The indexes of the commands whose token may send them; each other one's refusal is put
    in `answers`."""
    holders = {
        token: holder_or_refusal(service, world, token) for token in {s.token for s in group}
    }
    if not all(isinstance(who, str) for who in holders.values()):
        # A token found is one of the world's, which exists then: its tokens go with it.
        try:
            existing(service, world)  # ID-3 comes before any refusal of the token
        except Refused as refusal:
            answers[:] = [refusal] * len(group)
            return []
    allowed: list[int] = []
    for index, sent in enumerate(group):
        who = holders[sent.token]
        try:
            if isinstance(who, Refused):
                raise who
            sent.actor = who
            may_send(who, world, [sent.by])
        except Refused as refusal:
            answers[index] = refusal
            continue
        if isinstance(sent.by, str):
            sent.actor = sent.by[:80]
        allowed.append(index)
    return allowed


def holder_or_refusal(service: WorldService, world: str, token: str | None) -> str | None | Refused:
    try:
        return holder(service, world, token)
    except Refused as refusal:
        return refusal


def answer_of(service: WorldService, world: str, outcome: Outcome) -> Answer:
    if isinstance(outcome, Refusal):
        return Done(outcome)
    try:  # a retry's events are read from the log (IDEM-1)
        events = service.events_of(world, outcome)
    except Exception as error:  # this command's answer alone: the others' stand
        return error
    return Done(outcome, [to_dict(event) for event in events])
