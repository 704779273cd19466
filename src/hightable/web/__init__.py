"""The web page: a world to look at instead of JSON to read, served beside the API.

Plain HTML, CSS and JavaScript shipped in the package (no CDN, no build): the pages call the
same HTTP API a game client does, with the token from the page's address.
"""

from __future__ import annotations

import html
from importlib import resources

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from hightable.core import RULES

STATIC = resources.files("hightable.web") / "static"


def add_pages(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(str(STATIC / "index.html"))

    @app.get("/w/{world}", include_in_schema=False)
    def world_page(world: str) -> FileResponse:
        return FileResponse(str(STATIC / "world.html"))

    @app.get("/w/{world}/members/{member}", include_in_schema=False)
    def dossier_page(world: str, member: str) -> FileResponse:
        return FileResponse(str(STATIC / "dossier.html"))

    @app.get("/rules", include_in_schema=False)
    def rules_page() -> HTMLResponse:
        rows = "\n".join(
            f'<tr id="{rule}"><th>{rule}</th><td>{html.escape(title)}</td></tr>'
            for rule, title in RULES.items()
        )
        return HTMLResponse(RULES_PAGE.replace("{rows}", rows))


RULES_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>The rules — hightable</title>
<link rel="stylesheet" href="/static/app.css"><link rel="icon" href="data:,"></head>
<body><header><h1><a href="/">hightable</a> · the rules</h1></header>
<main><p>Every refusal and every breach names one of these rules.</p>
<table class="rules">{rows}</table></main></body></html>
"""
