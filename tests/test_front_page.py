"""The page the server sends for each page's address (ui.front_page): Streamlit's own, told where the server is."""
from __future__ import annotations

import asyncio

import pytest
from streamlit import config
from starlette.requests import Request

from ui import front_page
from ui.navigation import slugs

INDEX = front_page.INDEX.read_text(encoding="utf-8")


def test_the_front_end_is_told_before_its_own_scripts_run_and_nothing_else_changes():
    page = front_page.front_page(INDEX)
    assert page.index(front_page.BACKEND_HERE) < page.index('<script type="module"')
    assert page.replace(front_page.BACKEND_HERE, "", 1) == INDEX


@pytest.mark.parametrize("base", ["", "situation"])
def test_every_page_but_the_root_is_answered_under_the_base_path_uncached(base):
    before = config.get_option("server.baseUrlPath")
    config.set_option("server.baseUrlPath", base)
    try:
        routes = {route.path: route for route in front_page.routes()}
    finally:
        config.set_option("server.baseUrlPath", before)
    prefix = f"/{base}" if base else ""
    assert set(routes) == {f"{prefix}/{slug}" for slug in slugs() if slug}, "the root keeps Streamlit's own page"
    request = Request({"type": "http", "method": "GET", "path": f"{prefix}/dien-bien", "headers": [],
                       "query_string": b""})
    response = asyncio.run(routes[f"{prefix}/dien-bien"].endpoint(request))
    assert response.status_code == 200 and response.headers["cache-control"] == "no-cache"
    assert front_page.BACKEND_HERE.encode() in response.body
