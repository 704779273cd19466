"""A writer to be killed: appends commands to a world, one per transaction and in groups,
printing each command's cid once it is acknowledged (its transaction committed)."""

from __future__ import annotations

import sys

from hightable.core import Accepted
from hightable.service import WorldService
from hightable.store import open_store

AT = "2019-05-17T18:00:00Z"


def command(cid: str) -> dict[str, str]:
    return {"by": "sofia", "do": "aid", "member": "john", "help": cid, "at": AT, "cid": cid}


def main(url: str, world: str, prefix: str) -> None:
    with open_store(url) as store:
        service = WorldService(store, snapshot_every=40)  # snapshots written often, killed too
        for number in range(1_000_000):
            if number % 2:
                cid = f"{prefix}-{number}"
                if isinstance(service.execute(world, command(cid)), Accepted):
                    print(cid, flush=True)
            else:
                cids = [f"{prefix}-{number}-{part}" for part in range(10)]
                batch = service.execute_batch(world, [command(cid) for cid in cids])
                accepted = [
                    c for c, o in zip(cids, batch.outcomes, strict=True) if isinstance(o, Accepted)
                ]
                if accepted:
                    print("\n".join(accepted), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
