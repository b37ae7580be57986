"""The page the server sends for each of the app's addresses: Streamlit's own index.html, told two things its
front end otherwise finds out by trial while a new tab starts (serve.py mounts it):

- where the server is: opened on a page's address (/dien-bien), the front end first asks for
  /dien-bien/_stcore/health, is refused, waits about 0.1 s and asks again at the root;
- which parts of the front end the page draws: Streamlit fetches the code of each kind of element (a select box,
  a Vega-Lite chart, then Vega itself; the deck.gl map) when the first such element arrives, in waves, after
  the page's script has run. Named in the page as module preloads, they are fetched and compiled while the
  script runs.

A warm new tab opened this way was 0.1-0.3 s faster on every page measured (bench.browser, A/B on this machine).
The parts are named by the front end's own chunk names (Streamlit's build, static/js/<Name>.<hash>.js); a chunk
that is not found is only not preloaded, and tests/test_front_page.py says which, so an upgrade of Streamlit
that renames one is caught.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import streamlit
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from ui.navigation import slugs

STATIC = Path(streamlit.__file__).resolve().parent / "static"
# What every page draws: the sidebar (area and district, day, language, the colour-blind palette's toggle)
SIDEBAR = ("Selectbox", "DateInput", "Radio", "Checkbox")
CHART = ("ArrowVegaLiteChart", "loadVegaEmbed")  # Streamlit's chart element, and the loader of Vega it imports
TABLE = ("DataFrame", "DownloadButton")
MAP = ("DeckGlJsonChart", "webgl-device")  # deck.gl, and the WebGL device it loads to draw
# What each page draws besides, by URL path (ui.navigation); measured in a browser: the chunks a new tab loaded
PARTS = {
    "": ("Metric", *CHART, "Html", "PageLink"),
    "ban-do": (*MAP, "Slider", "Button", "Html", *TABLE, "Multiselect", "TextInput"),
    "dien-bien": ("ButtonGroup", "Metric", *CHART, "DownloadButton"),
    "nang-luc": ("Metric", *CHART, *TABLE),
    "chot-kiem-soat": ("ButtonGroup", "Metric", *MAP, *TABLE),
    "truy-vet": ("Metric", *CHART),
    "trinh-chieu": (*CHART, "Button", "ButtonGroup", "Html", "TextArea", "Spinner"),
    "nhap-lieu": (),
}
BACKEND_HERE = ("<script>window.__streamlit = {BACKEND_BASE_URL: "
                "location.origin + location.pathname.replace(/\\/[^\\/]*\\/?$/, '')}</script>")
_CHUNK_REFERENCE = re.compile(r'(?:from|import)\s*"\./([\w.\-]+\.js)"')


def chunk_files(js_dir: Path, roots: tuple[str, ...]) -> dict[str, Path | None]:
    """Each root chunk's file in the build (None when the build has no such chunk)."""
    found = {}
    for root in roots:
        matches = sorted(js_dir.glob(f"{root}.*.js"))
        found[root] = matches[0] if len(matches) == 1 else None
    return found


def chunks_needed(js_dir: Path, roots: tuple[str, ...], loaded: set[str]) -> list[str]:
    """The roots' chunks and every chunk they name (imported, or listed to load beside a later import), but for
    those the entry page already `loaded`, whose own references are not followed (the entry names every chunk)."""
    needed: list[str] = []
    waiting = [path.name for path in chunk_files(js_dir, roots).values() if path is not None]
    while waiting:
        name = waiting.pop(0)
        if name in loaded or name in needed or not (js_dir / name).is_file():
            continue
        needed.append(name)
        waiting.extend(_CHUNK_REFERENCE.findall((js_dir / name).read_text(encoding="utf-8")))
    return needed


def front_page(index_html: str, js_dir: Path, slug: str) -> str:
    """Streamlit's index.html for the page at `slug`: the server's address given (but at the root, where the
    front end's first guess is right) and the page's parts preloaded."""
    loaded = set(re.findall(r'\./static/js/([\w.\-]+\.js)"', index_html))
    preloads = "".join(f'<link rel="modulepreload" crossorigin href="./static/js/{name}">'
                       for name in chunks_needed(js_dir, SIDEBAR + PARTS[slug], loaded))
    if slug:
        index_html = index_html.replace("<head>", f"<head>{BACKEND_HERE}", 1)
    return index_html.replace("</head>", f"{preloads}</head>", 1)


@functools.cache
def _pages(base_path: str) -> dict[str, str]:
    """Each page's address (under the server's base path) and its front page, read and written once."""
    index_html = (STATIC / "index.html").read_text(encoding="utf-8")
    return {f"{base_path}/{slug}": front_page(index_html, STATIC / "static" / "js", slug) for slug in slugs()}


def routes() -> list[Route]:
    """One route for each page's address, answering with its front page (never cached: as Streamlit sends its
    own index.html, so a new version of the app is seen at once)."""
    base = streamlit.get_option("server.baseUrlPath").strip("/")

    def answer_with(html: str):
        async def answer(request: Request) -> HTMLResponse:
            return HTMLResponse(html, headers={"Cache-Control": "no-cache"})
        return answer

    return [Route(path, answer_with(html), methods=["GET"])
            for path, html in _pages(f"/{base}" if base else "").items()]
