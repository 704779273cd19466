"""`hightable migrate`: bring a store's schema up to date, and partition its events."""

from __future__ import annotations

from typing import Annotated

import typer

from hightable.cli.app import REFUSED, StoreOption, app, fail, out, service_for
from hightable.errors import StoreError
from hightable.limits import event_partitions_max


@app.command("migrate")
def migrate_command(
    partition_events: Annotated[
        int | None,
        typer.Option(
            "--partition-events",
            min=2,
            max=event_partitions_max,
            metavar="N",
            help="Hash-partition a PostgreSQL store's events by world into N tables"
            " (each shard's, for a sharded store); see docs/scaling.md.",
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Create or migrate a store's schema (opening a store does it too), and optionally
    partition its events: in one transaction per database, while writers wait."""
    with service_for(store) as service:
        if partition_events is None:
            out.print(f"the store is at the latest schema: {service.store_name()}")
            return
        try:
            done = service.partition_events(partition_events)
        except StoreError as error:
            fail(f"--partition-events: {error}", REFUSED)
    for database in done:
        moved = f"{database.events_moved} events moved" if database.events_moved else "unchanged"
        out.print(f"{database.database}: events in {database.partitions} partitions ({moved})")
