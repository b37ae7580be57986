"""The page the server sends for each address (ui.front_page): the server's address given, the page's parts
preloaded, nothing else changed."""
from __future__ import annotations

import asyncio
import re

import pytest
from streamlit import config
from starlette.requests import Request

from ui import front_page
from ui.navigation import slugs

JS = front_page.STATIC / "static" / "js"
INDEX = (front_page.STATIC / "index.html").read_text(encoding="utf-8")


def preloaded(html: str) -> set[str]:
    return set(re.findall(r'rel="modulepreload" crossorigin href="\./static/js/([^"]+)"', html))


def test_every_page_names_its_parts_and_every_part_is_in_this_streamlit():
    """An upgrade of Streamlit that renames a chunk fails here instead of silently losing its preload."""
    assert set(front_page.PARTS) == set(slugs())
    named = {part for parts in front_page.PARTS.values() for part in parts} | set(front_page.SIDEBAR)
    missing = [part for part, path in front_page.chunk_files(JS, tuple(sorted(named))).items() if path is None]
    assert not missing, f"no single chunk static/js/<name>.*.js in Streamlit's build for {missing}"


def test_a_page_is_told_where_the_server_is_and_preloads_what_it_draws():
    trends = front_page.front_page(INDEX, JS, "dien-bien")
    assert trends.index(front_page.BACKEND_HERE) < trends.index('<script type="module"'), "read before the app starts"
    names = {name.split(".")[0] for name in preloaded(trends) - preloaded(INDEX)}
    assert {"Selectbox", "DateInput", "ArrowVegaLiteChart", "embed", "vega-interpreter"} <= names
    assert "DeckGlJsonChart" not in names, "a chart page does not load the map's 3 MB"
    assert "DeckGlJsonChart" in {name.split(".")[0] for name in preloaded(front_page.front_page(INDEX, JS, "ban-do"))}
    links = re.compile(r'<link rel="modulepreload" crossorigin href="\./static/js/[^"]+">')
    assert links.sub("", trends.replace(front_page.BACKEND_HERE, "")) == links.sub("", INDEX), "nothing else changes"


def test_the_root_keeps_the_front_ends_own_guess_and_nothing_is_preloaded_twice():
    overview = front_page.front_page(INDEX, JS, "")
    assert front_page.BACKEND_HERE not in overview
    links = re.findall(r'rel="modulepreload" crossorigin href="\./static/js/([^"]+)"', overview)
    entry = re.search(r'<script type="module" crossorigin src="\./static/js/([^"]+)"', overview)[1]
    assert len(links) == len(set(links)) and entry not in links


@pytest.mark.parametrize("base, expected", [("", "/dien-bien"), ("situation", "/situation/dien-bien")])
def test_routes_answer_each_page_under_the_base_path_uncached(base, expected):
    before = config.get_option("server.baseUrlPath")
    config.set_option("server.baseUrlPath", base)
    try:
        routes = {route.path: route for route in front_page.routes()}
    finally:
        config.set_option("server.baseUrlPath", before)
    assert set(routes) == {f"{'/' + base if base else ''}/{slug}" for slug in slugs()}
    request = Request({"type": "http", "method": "GET", "path": expected, "headers": [], "query_string": b""})
    response = asyncio.run(routes[expected].endpoint(request))
    assert response.status_code == 200 and response.headers["cache-control"] == "no-cache"
    assert front_page.BACKEND_HERE.encode() in response.body
