"""Who may issue a command (§13): the authority checks that commands declare."""

from __future__ import annotations

from hightable.core.commands import Authority, Command
from hightable.core.rules import Refusal, refuse
from hightable.core.state import TABLE, State

OFFICE_HOLDERS = {"adjudicator": "the adjudicator", "elder": "the elder", "seat": "a seat holder"}


def holds_office(state: State, actor: str, *offices: str) -> bool:
    member = state.members.get(actor)
    return member is not None and any(office in member.offices for office in offices)


def the_table(state: State, cmd: Command) -> Refusal | None:
    """The table alone (ROLE-1).

    Commands of the High Table itself (§13's first row; for `mint` it is also how COIN-3's
    "only table mints" is kept, refused with ROLE-1 as §13 says).

    Not the HTTP API's check of a table token, which is ACCESS-2's.
    """
    if cmd.by != TABLE:
        return refuse("ROLE-1", f"only the table may {cmd.do}; {cmd.by} is not the table")
    return None


def any_member(state: State, cmd: Command) -> Refusal | None:
    """Any living member, acting for themselves; the table is no member (ROLE-1)."""
    if cmd.by == TABLE:
        return refuse("ROLE-1", f"{cmd.do} is a member's act; the table cannot {cmd.do}")
    return None


def offices(*allowed: str, rule: str, table: bool = False) -> Authority[Command]:
    """Only holders of one of `allowed` offices (and the table, if `table`) may issue it."""
    who = ", ".join(("the table",) * table + allowed)

    def authorize(state: State, cmd: Command) -> Refusal | None:
        if (table and cmd.by == TABLE) or holds_office(state, cmd.by, *allowed):
            return None
        return refuse(rule, f"only {who} may {cmd.do}; {cmd.by} holds no such office")

    named = ["the table"] * table + [OFFICE_HOLDERS[office] for office in allowed]
    spoken = ", ".join(named[:-1]) + " or " + named[-1] if len(named) > 1 else named[0]
    authorize.__doc__ = f"Only {spoken} ({rule})."  # the catalogue's words of who may issue it
    return authorize
