"""The HTTP protocol `hightable serve` runs: uvicorn's, with TCP_NODELAY on every connection.

With more than one worker, uvicorn binds the listening socket itself without naming TCP, and
asyncio then leaves Nagle's algorithm on for the connections it accepts: a response written in
two parts waits for the client's delayed ACK (about 40 ms on Linux) before its second part
leaves. Setting TCP_NODELAY as each connection is made holds whatever the worker count.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    """TCP_NODELAY on the transport's socket, when it is a TCP socket."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        set_nodelay(transport)
        super().connection_made(transport)
