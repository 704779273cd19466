"""The HTTP protocol `hightable serve` runs: uvicorn's, with TCP_NODELAY on every connection
and a bound on a request's head.

With more than one worker, uvicorn binds the listening socket itself without naming TCP, and
asyncio then leaves Nagle's algorithm on for the connections it accepts: a response written in
two parts waits for the client's delayed ACK (about 40 ms on Linux) before its second part
leaves. Setting TCP_NODELAY as each connection is made holds whatever the worker count.

httptools keeps a request line or a header however long until it ends, where h11 refused one
past 16 KiB: without a bound of our own, one client could fill the worker's memory.
"""

from __future__ import annotations

import asyncio
import socket

import msgspec
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from hightable.core.rules import refuse
from hightable.limits import head_bytes_max


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    """TCP_NODELAY on the transport's socket, when it is a TCP socket."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayProtocol(HttpToolsProtocol):
    in_head = False  # between a request's first byte and the end of its headers
    heads = 0  # the requests begun on this connection
    head_bytes = 0  # of the head under way, counted in the pieces read wholly inside it
    refused = False  # a head past the bound was answered: nothing more is read or run

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        set_nodelay(transport)
        super().connection_made(transport)

    def data_received(self, data: bytes) -> None:
        under_way = self.heads
        super().data_received(data)
        if self.in_head and self.heads == under_way and not self.refused:
            # The piece went wholly into one head: count it (a piece where a request began is
            # not counted, so that no other request's bytes are), lest a head never ending be
            # kept whole in memory.
            self.head_bytes += len(data)
            if self.head_bytes > head_bytes_max:
                self.head_too_large()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.in_head, self.head_bytes, self.heads = True, 0, self.heads + 1

    def on_headers_complete(self) -> None:
        self.in_head = False
        # A whole head read in one piece is measured here: the request line and the headers.
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > head_bytes_max:
            self.head_too_large()
        if not self.refused:
            super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self.refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self.refused:
            super().on_message_complete()

    def head_too_large(self) -> None:
        """431 naming LIMIT-1, and the connection closed: the rest of the head is never read."""
        if self.refused:
            return
        self.refused, self.in_head = True, False
        message = f"the request's line and headers are larger than {head_bytes_max} bytes"
        body = msgspec.json.encode(refuse("LIMIT-1", message))
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"content-type: application/json\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(body), body)
        )
        self.transport.close()
