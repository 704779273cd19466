"""The web page: a world to look at instead of JSON to read, served beside the API.

Plain HTML, CSS and JavaScript shipped in the package (no CDN, no build): the pages call the
same HTTP API a game client does, with the token from the page's address. /docs is Swagger UI
(swagger-ui-dist's bundle and stylesheet, vendored in static/ beside their licence).
"""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from hightable.web.rules_page import rule_rows

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

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        """The API's reference, read offline: Swagger UI from the package, not from a CDN."""
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} — the API",
            swagger_js_url="/static/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger-ui.css",
            swagger_favicon_url="data:,",
        )

    @app.get("/rules", include_in_schema=False)
    def rules_page() -> HTMLResponse:
        return HTMLResponse(RULES_PAGE.replace("{rows}", rule_rows()))


RULES_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>The rules — hightable</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/app.css"><link rel="icon" href="data:,"></head>
<body><header><h1><a href="/">hightable</a> · the rules</h1></header>
<main><p>Every refusal and every breach names one of these rules.</p>
<table class="rules">{rows}</table></main></body></html>
"""
