"""A writer process for the concurrency tests: appends N commands to a world, printing each ack."""

from __future__ import annotations

import sys

from hightable.core import Accepted
from hightable.service import WorldService
from hightable.store import open_store


def main(url: str, world: str, name: str, count: int, at: str) -> None:
    with open_store(url) as store:
        service = WorldService(store)
        for number in range(count):
            cid = f"{name}-{number}"
            command = {"by": name, "do": "aid", "member": "john", "help": cid, "at": at, "cid": cid}
            if isinstance(service.execute(world, command), Accepted):
                print(cid, flush=True)  # acknowledged: the transaction has committed


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
