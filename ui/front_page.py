"""The page the server sends for each of the app's addresses but the root: Streamlit's own index.html, told where
the server is (serve.py mounts it).

Opened on a page's address (/dien-bien), Streamlit's front end does not know whether the page is part of the
server's path: it first asks for /dien-bien/_stcore/health, is refused, waits about 0.1 s and asks again at the
root. Told, it asks once. At the root its first guess is right, and Streamlit's own page is sent.

Measured (bench.browser's warm new tab, several servers at once, loads alternated, 6 each): the map 2.90 → 2.47 s,
Capacity 2.21 → 1.99, data entry 0.80 → 0.76. Preloading each page's element code as well (Vega, deck.gl) gained
nothing more: compiled before the app started, it delayed the start as much as it saved later.
"""
from __future__ import annotations

import functools
from pathlib import Path

import streamlit
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from ui.navigation import slugs

INDEX = Path(streamlit.__file__).resolve().parent / "static" / "index.html"
# The server's address is the page's address without its last part (a proxy's path prefix is kept); read by the
# front end as it starts (Streamlit's window.__streamlit.BACKEND_BASE_URL)
BACKEND_HERE = ("<script>window.__streamlit = {BACKEND_BASE_URL: "
                "location.origin + location.pathname.replace(/\\/[^\\/]*\\/?$/, '')}</script>")


def front_page(index_html: str) -> str:
    """Streamlit's index.html, telling the front end where the server is before its own scripts run."""
    return index_html.replace("<head>", f"<head>{BACKEND_HERE}", 1)


@functools.cache
def _page() -> str:
    return front_page(INDEX.read_text(encoding="utf-8"))


def routes() -> list[Route]:
    """One route for each page's address (under the server's base path) but the root, answering with the front
    page, never cached (as Streamlit sends its own index.html, so a new version of the app is seen at once)."""
    base = streamlit.get_option("server.baseUrlPath").strip("/")
    prefix = f"/{base}" if base else ""

    async def answer(request: Request) -> HTMLResponse:
        return HTMLResponse(_page(), headers={"Cache-Control": "no-cache"})

    return [Route(f"{prefix}/{slug}", answer, methods=["GET"]) for slug in slugs() if slug]
