"""The API's routes, one router per resource: each translates HTTP to a call of the service and
its outcome to a status and a body, and judges nothing."""

from hightable.api.routes import access, commands, feed, pages, reading, server, storms, worlds

ROUTERS = [
    server.router,
    worlds.router,
    access.router,
    commands.router,
    reading.router,
    pages.router,
    feed.router,
    storms.router,
]

__all__ = ["ROUTERS"]
