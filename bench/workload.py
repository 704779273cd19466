"""Realistic worlds, deterministic from a seed and a size: the commands a busy shard receives.

Members, hotels and families; then a mix of transfers, hotel services, contracts posted, raised
and claimed, eliminations (each death followed by a newcomer, so the world never empties),
markers sworn, invoked and honored, and terms offered and accepted. A small shadow of the world
(balances, the living, open contracts, markers) keeps most commands lawful; the few it gets wrong
are refused, as they would be on a real shard.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

START = datetime(2019, 1, 1, tzinfo=UTC)
WORLD = "bench"
SERVICES = ("room", "doctor", "armory", "sommelier", "tailor", "cleaners")
Command = dict[str, Any]


def instant(minute: int) -> str:
    return (START + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ")


def minutes_between(start: str, clock: str) -> int:
    def parse(text: str) -> datetime:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")

    return int((parse(clock) - parse(start)).total_seconds() // 60)


@dataclass
class Shadow:
    """What the generator believes of the world, to choose commands that are mostly lawful."""

    rng: random.Random
    balances: dict[str, int] = field(default_factory=dict)
    living: list[str] = field(default_factory=list)
    hotels: list[str] = field(default_factory=list)
    contracts: dict[str, list[Any]] = field(default_factory=dict)  # open: client, target, bounty
    markers: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # debtor, holder, state
    born: int = 0

    def someone(self, *besides: str) -> str:
        while True:
            member = self.rng.choice(self.living)
            if member not in besides:
                return member


class Generator:
    def __init__(self, seed: int, members: int):
        self.shadow = Shadow(random.Random(seed))
        self.members = max(members, 10)
        self.minute = 0
        self.serial = 0

    def at(self) -> str:
        self.minute += 1
        return instant(self.minute)

    def command(self, by: str, do: str, **fields: Any) -> Command:
        return {"by": by, "do": do, "at": self.at(), **fields}

    def setup(self) -> list[Command]:
        s = self.shadow
        commands = [self.register() for _ in range(self.members)]
        elder, adjudicator = s.living[0], s.living[1]
        commands += [
            self.command("table", "appoint", member=elder, office="elder"),
            self.command("table", "appoint", member=adjudicator, office="adjudicator"),
            self.command("table", "mint", to="table", amount=1_000_000_000),
        ]
        for number in range(max(2, self.members // 50)):
            hotel = f"hotel-{number}"
            s.hotels.append(hotel)
            manager = s.living[2 + number]
            commands.append(
                self.command("table", "open_hotel", hotel=hotel, name=hotel, manager=manager)
            )
        for number in range(max(1, self.members // 100)):
            head = s.living[-1 - number]
            commands.append(
                self.command(
                    "table",
                    "found_family",
                    family=f"family-{number}",
                    name=f"Family {number}",
                    head=head,
                    high_table=number == 0,
                )
            )
        for member in s.living:
            commands.append(self.command("table", "mint", to=member, amount=1_000))
            s.balances[member] = 1_000
        return commands

    def register(self) -> Command:
        s = self.shadow
        s.born += 1
        member = f"m{s.born:06d}"
        s.living.append(member)
        s.balances[member] = 0
        return self.command("table", "register", member=member, name=f"Member {s.born}")

    def next(self) -> list[Command]:
        """One or a few commands: one step of the shard's life."""
        roll = self.shadow.rng.random()
        if roll < 0.40:
            return self.transfer()
        if roll < 0.55:
            return self.service()
        if roll < 0.66:
            return self.post()
        if roll < 0.74:
            return self.raise_bounty()
        if roll < 0.80:
            return self.hunt()
        if roll < 0.92:
            return self.marker()
        return self.terms()

    def pay(self, by: str, amount: int) -> bool:
        balances = self.shadow.balances
        if balances[by] < amount:
            return False
        balances[by] -= amount
        return True

    def transfer(self) -> list[Command]:
        s = self.shadow
        by = s.someone()
        to = s.someone(by)
        amount = s.rng.randint(1, 10)
        if not self.pay(by, amount):
            return [self.command("table", "mint", to=by, amount=500)]
        s.balances[to] += amount
        return [self.command(by, "transfer", to=to, amount=amount)]

    def service(self) -> list[Command]:
        s = self.shadow
        by, price = s.someone(), s.rng.randint(1, 5)
        if not self.pay(by, price):
            return [self.command("table", "mint", to=by, amount=500)]
        hotel, service = s.rng.choice(s.hotels), s.rng.choice(SERVICES)
        return [self.command(by, "use_service", hotel=hotel, service=service, price=price)]

    def post(self) -> list[Command]:
        s = self.shadow
        client = s.someone()
        target = s.someone(client, s.living[0], s.living[1])
        bounty = s.rng.randint(10, 100)
        if not self.pay(client, bounty):
            return [self.command("table", "mint", to=client, amount=500)]
        self.serial += 1
        contract = f"c{self.serial:07d}"
        s.contracts[contract] = [client, target, bounty]
        return [
            self.command(client, "post_contract", contract=contract, target=target, bounty=bounty)
        ]

    def raise_bounty(self) -> list[Command]:
        s = self.shadow
        if not s.contracts:
            return self.post()
        contract = s.rng.choice(list(s.contracts)[-50:])
        client = s.contracts[contract][0]
        if client not in s.living:
            return self.post()
        amount = s.rng.randint(1, 20)
        if not self.pay(client, amount):
            return [self.command("table", "mint", to=client, amount=500)]
        s.contracts[contract][2] += amount
        return [self.command(client, "raise_bounty", contract=contract, amount=amount)]

    def hunt(self) -> list[Command]:
        """A hunter eliminates a contract's target and claims every contract on them."""
        s = self.shadow
        if not s.contracts:
            return self.post()
        contract = s.rng.choice(list(s.contracts))
        client, target, _ = s.contracts[contract]
        hunter = s.someone(client, target)
        commands = [self.command(hunter, "eliminate", target=target)]
        for other, (_, on, bounty) in list(s.contracts.items()):
            if on == target:
                del s.contracts[other]
                s.balances[hunter] += bounty
                commands.append(self.command(hunter, "claim_contract", contract=other))
        s.living.remove(target)
        for other, (debtor, holder, _) in list(s.markers.items()):
            if target in (debtor, holder):
                del s.markers[other]
        commands.append(self.register())
        newcomer = s.living[-1]
        commands.append(self.command("table", "mint", to=newcomer, amount=1_000))
        s.balances[newcomer] = 1_000
        return commands

    def marker(self) -> list[Command]:
        s = self.shadow
        ready = [m for m, (_, _, state) in s.markers.items() if state != "honored"]
        if ready and s.rng.random() < 0.6:
            marker = s.rng.choice(ready[-20:])
            debtor, holder, state = s.markers[marker]
            if state == "sworn":
                s.markers[marker] = (debtor, holder, "invoked")
                return [self.command(holder, "invoke_marker", marker=marker, favor="a favor")]
            s.markers[marker] = (debtor, holder, "honored")
            return [self.command(holder, "honor_marker", marker=marker)]
        debtor = s.someone()
        holder = s.someone(debtor)
        self.serial += 1
        marker = f"k{self.serial:07d}"
        s.markers[marker] = (debtor, holder, "sworn")
        return [self.command(debtor, "swear_marker", marker=marker, holder=holder)]

    def terms(self) -> list[Command]:
        """The Elder offers a member a bargain: their contracts cancelled, for fealty. Most
        accept and swear, and the contracts on them are cancelled and refunded."""
        s = self.shadow
        elder = s.living[0]
        to = s.someone(elder)
        self.serial += 1
        terms = f"t{self.serial:07d}"
        commands = [
            self.command(
                elder,
                "offer_terms",
                terms=terms,
                to=to,
                grants=[{"cancel_contracts_on": to}],
                requires=["swear_fealty"],
                grant_on="fulfil",
            ),
            self.command(to, "accept_terms", terms=terms),
        ]
        if s.rng.random() < 0.8:
            commands.append(self.command(to, "swear_fealty"))
            for contract, (client, target, bounty) in list(s.contracts.items()):
                if target == to:
                    del s.contracts[contract]
                    s.balances[client] += bounty
        return commands


def world_commands(seed: int, members: int, steps: int) -> list[Command]:
    """The commands of a world: its setup, then `steps` steps of its life."""
    generator = Generator(seed, members)
    commands = generator.setup()
    for _ in range(steps):
        commands += generator.next()
    return commands


def transfers(seed: int, accounts: int, count: int) -> list[tuple[str, str, int]]:
    """Transfer-like work for the peer comparison: (from, to, amount), always affordable."""
    rng = random.Random(seed)
    return [
        (f"m{a:06d}", f"m{b:06d}", rng.randint(1, 10))
        for a, b in (rng.sample(range(1, accounts + 1), 2) for _ in range(count))
    ]
