"""No response waits on Nagle's algorithm: TCP_NODELAY on every connection a worker accepts,
whatever the worker count (uvicorn binds the socket of several workers without naming TCP, and
asyncio then leaves Nagle on)."""

from __future__ import annotations

import json
import socket
import statistics
import time
from pathlib import Path
from typing import Any

import httpx

from hightable.api.nodelay import set_nodelay
from servers import start_server, stop_server

FIGURES = Path(__file__).parents[2] / "build" / "serving.json"


class Transport:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.sock if name == "socket" else default


def nodelay(sock: socket.socket) -> int:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_a_connection_accepted_as_uvicorn_binds_gets_tcp_nodelay() -> None:
    with socket.socket(family=socket.AF_INET) as listening:  # as uvicorn binds for workers
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        with socket.create_connection(listening.getsockname()) as _:
            accepted, _ = listening.accept()
            with accepted:
                assert 0 == nodelay(accepted)  # what the workers got before
                set_nodelay(Transport(accepted))  # type: ignore[arg-type]
                assert 0 != nodelay(accepted)


def test_round_trips_to_two_workers_take_milliseconds_not_a_delayed_ack(tmp_path: Path) -> None:
    """Sequential requests over one kept-alive connection to `serve --workers 2`: with Nagle
    on, nearly each waited for the client's delayed ACK (40 ms or more on Linux)."""
    process, base = start_server(f"sqlite:///{tmp_path / 'hightable.db'}", workers=2)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            seconds = []
            for _ in range(40):
                began = time.perf_counter()
                assert 200 == client.get("/health").status_code
                seconds.append(time.perf_counter() - began)
    finally:
        stop_server(process)
    median_ms = 1000 * statistics.median(seconds)
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    FIGURES.write_text(json.dumps({"two_workers_round_trip_median_ms": median_ms}) + "\n")
    assert median_ms < 40, f"median round trip {median_ms:.1f} ms: a delayed ACK?"


def sent_head(base: str, header_bytes: int) -> tuple[int, bytes]:
    """A GET /health whose one header holds `header_bytes`, sent in pieces: how many bytes of
    the head went out before the server closed, and what it answered (b"" for none)."""
    host, port = base.removeprefix("http://").split(":")
    head = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * header_bytes + b"\r\n\r\n"
    sent = 0
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        try:
            for start in range(0, len(head), 16_384):
                sock.sendall(head[start : start + 16_384])
                sent = start + len(head[start : start + 16_384])
            answer = sock.recv(1024)
        except (BrokenPipeError, ConnectionResetError):
            answer = b""
    return sent, answer


def test_a_request_head_is_bounded_as_h11_bounded_it(tmp_path: Path) -> None:
    """httptools keeps a header however long until it ends: a head of many MiB was read whole
    into the worker's memory. One past 16 KiB is refused (431, LIMIT-1) and its connection
    closed."""
    process, base = start_server(f"sqlite:///{tmp_path / 'hightable.db'}")
    try:
        sent, answer = sent_head(base, 8 * 1024)
        assert answer.startswith(b"HTTP/1.1 200"), answer
        sent, answer = sent_head(base, 8 * 1024 * 1024)
        assert sent < 8 * 1024 * 1024 or answer.startswith(b"HTTP/1.1 431"), (sent, answer)
        assert not answer.startswith(b"HTTP/1.1 200")
        assert 200 == httpx.get(f"{base}/health", timeout=30).status_code  # the worker serves on
        refused = httpx.get(f"{base}/health", headers={"X-Big": "a" * 20_000}, timeout=30)
        assert (431, "LIMIT-1") == (refused.status_code, refused.json()["rule"])
    finally:
        stop_server(process)
