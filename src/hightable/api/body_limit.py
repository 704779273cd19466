"""LIMIT-1 at the door: a request body larger than the limit is refused with 413, unread."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hightable.api.requestlog import note


class BodyLimit:
    """Pure ASGI middleware: counts the bytes of a body as they arrive, whatever it claims."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and (len(declared) > 18 or int(declared) > self.max_bytes):
            await self._too_large(send)
            return
        seen = 0
        over = answered = False

        async def counting_receive() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    over = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            # Past the limit, whatever the app answers (its body reader turns our exception
            # into a 400 of its own) is replaced by the 413.
            nonlocal answered
            if over:
                if not answered:
                    answered = True
                    await self._too_large(send)
                return
            answered = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not over:
                raise
        if over and not answered:
            await self._too_large(send)

    async def _too_large(self, send: Send) -> None:
        note(rule="LIMIT-1")  # the access log names the rule, as for every refusal
        body = json.dumps(
            {
                "rule": "LIMIT-1",
                "title": "Requests are bounded in size, batch length and page size",
                "message": f"the request body is larger than {self.max_bytes} bytes",
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass
