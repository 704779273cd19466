"""The peer: the `eventsourcing` library doing the coin part's work, in memory, SQLite, PostgreSQL.

An account aggregate with a balance; a transfer loads both accounts, refuses an overdraft (as
COIN-2 does), records a debit and a credit, and saves both in one transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event


class Account(Aggregate):
    @event("Opened")
    def __init__(self, member: str, balance: int) -> None:
        self.member = member
        self.balance = balance

    @event("Debited")
    def debit(self, amount: int) -> None:
        self.balance -= amount

    @event("Credited")
    def credit(self, amount: int) -> None:
        self.balance += amount


class Bank(Application[uuid.UUID]):
    is_snapshotting_enabled = False

    def open(self, member: str, balance: int) -> uuid.UUID:
        account = Account(member, balance)
        self.save(account)
        return account.id

    def transfer(self, source: uuid.UUID, target: uuid.UUID, amount: int) -> bool:
        payer: Account = self.repository.get(source)
        payee: Account = self.repository.get(target)
        if payer.balance < amount:
            return False
        payer.debit(amount)
        payee.credit(amount)
        self.save(payer, payee)
        return True


def bank(env: dict[str, Any], accounts: int) -> tuple[Bank, dict[str, uuid.UUID]]:
    """A bank with `accounts` accounts of 1,000 coins each, named like the workload's members."""
    opened = Bank(env=env)
    ids = {f"m{n:06d}": opened.open(f"m{n:06d}", 1_000) for n in range(1, accounts + 1)}
    return opened, ids


def run_transfers(opened: Bank, ids: dict[str, uuid.UUID], work: list[tuple[str, str, int]]) -> int:
    return sum(opened.transfer(ids[source], ids[target], amount) for source, target, amount in work)


# The peer at its fastest: aggregates kept in its cache between commands, trusted without a
# fast-forward or a deep copy, as a single writer may; without it, each transfer replays both
# accounts' histories and the peer is ten times slower still.
CACHED = {
    "AGGREGATE_CACHE_MAXSIZE": "1000000",
    "AGGREGATE_CACHE_FASTFORWARD": "n",
    "DEEPCOPY_FROM_AGGREGATE_CACHE": "n",
}


def memory_env() -> dict[str, Any]:
    return dict(CACHED)


def sqlite_env(path: str) -> dict[str, Any]:
    return {**CACHED, "PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": path}


def postgres_env(schema: str, database: str = "test") -> dict[str, Any]:
    return {
        **CACHED,
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": database,
        "POSTGRES_HOST": "127.0.0.1",
        "POSTGRES_PORT": "5432",
        "POSTGRES_USER": "postgres",
        "POSTGRES_PASSWORD": "",
        "POSTGRES_SCHEMA": schema,
        "CREATE_TABLE": "y",
    }
