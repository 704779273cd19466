"""A PostgreSQL server of a test's own, on a free loopback port, that the test may stop and
start again (the shared one on 5432 is never touched). PostgreSQL refuses to run as root: as
root, it runs as the `postgres` OS user; as anyone else, as that user."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from servers import free_port

BIN = Path(os.environ.get("HIGHTABLE_POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))


def available() -> bool:
    binaries = (BIN / "initdb").exists() and (BIN / "pg_ctl").exists()
    return binaries and (os.geteuid() != 0 or bool(shutil.which("runuser")))


class ThrowawayPostgres:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="hightable-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._as_postgres(BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *command: object) -> None:
        as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*as_user, *map(str, command)], check=True, capture_output=True)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        log = self.folder / "postgres.log"
        self._as_postgres(BIN / "pg_ctl", "-D", self.data, "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self._as_postgres(BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # stopped already
        shutil.rmtree(self.folder, ignore_errors=True)
