"""Real `hightable serve` processes on 127.0.0.1 for the API tests, and worlds on them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

START = "2019-05-17T17:00:00Z"
# The operator's token of every test server (ACCESS-3), passed as its variable, never a flag.
OPERATOR = "operator-" + uuid.uuid4().hex
OPERATOR_HEADERS = {"Authorization": f"Bearer {OPERATOR}"}
# Each server's standard error (its access log), by process id.
LOGS: dict[int, Path] = {}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(
    store_url: str, workers: int = 1, *options: str, operator: str | None = OPERATOR
) -> tuple[subprocess.Popen[bytes], str]:
    """A server on a free port; its standard error goes to a file (`server_log`), so that a
    long access log never fills a pipe no one reads."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "HIGHTABLE_OPERATOR_TOKEN"}
    if operator is not None:
        env["HIGHTABLE_OPERATOR_TOKEN"] = operator
    log = Path(tempfile.mkstemp(prefix="hightable-server-", suffix=".log")[1])
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hightable",
                "serve",
                "--store",
                store_url,
                "--port",
                str(port),
                "--workers",
                str(workers),
                *options,
            ],
            stdout=subprocess.DEVNULL,
            stderr=sink,
            env=env,
        )
    LOGS[process.pid] = log
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped: {server_log(process)}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    stop_server(process)
    raise RuntimeError("the server did not answer within 30 seconds")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log = LOGS.pop(process.pid, None)
    if log is not None and not os.environ.get("HIGHTABLE_KEEP_SERVER_LOGS"):
        log.unlink(missing_ok=True)


def server_log(process: subprocess.Popen[bytes]) -> str:
    """What the server wrote to standard error so far."""
    return LOGS[process.pid].read_text(errors="replace")


class World:
    """A fresh world on the server, with its table token and a way to send commands."""

    def __init__(self, client: httpx.Client, public: bool = False):
        self.client = client
        self.id = f"w-{uuid.uuid4().hex[:10]}"
        created = client.post(
            "/worlds",
            json={"world": self.id, "start": START, "public": public},
            headers=OPERATOR_HEADERS,
        )
        assert 201 == created.status_code, created.text
        self.table = created.json()["table_token"]
        self.minute = 0

    def headers(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.table}"}

    def at(self) -> str:
        self.minute += 1
        return f"2019-05-17T{17 + self.minute // 60:02d}:{self.minute % 60:02d}:00Z"

    def send(self, token: str | None = None, **command: Any) -> httpx.Response:
        command.setdefault("at", self.at())
        return self.client.post(
            f"/worlds/{self.id}/commands", json=command, headers=self.headers(token)
        )

    def member_token(self, member: str) -> str:
        issued = self.client.post(
            f"/worlds/{self.id}/tokens", json={"member": member}, headers=self.headers()
        )
        assert 201 == issued.status_code, issued.text
        token: str = issued.json()["token"]
        return token


# Where the page tests leave their screenshots.
SCREENSHOTS = Path(os.environ.get("HIGHTABLE_SCREENSHOTS", Path(__file__).parents[1] / "build"))


@dataclass(frozen=True)
class Canon:
    base: str  # the server's address
    store: str  # its store's URL
    printed: str  # what `hightable demo` printed


def hightable(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "hightable", *args], capture_output=True, text=True, check=False
    )
    assert 0 == done.returncode, done.stderr
    return done.stdout
