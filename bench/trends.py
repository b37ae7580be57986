"""Trends page speed: server time of one run of the page, warm, for every view and kind of area.

`trends_page_s` is the slowest warm run over the views and areas (the issue asks ≤ 0.5 s for any
chart of any unit); `trends_page_<view>_s` the slowest per view; `trends_levels_cold_s` the one-off
cost of the weekly levels of every unit, paid by the first visitor after a start.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIEWS = ("curve", "compare", "rt", "load", "vaccination")
AREAS = ("VN", "01", "79", "103")  # the country, Hà Nội (30 districts), Hồ Chí Minh City, Nậm Pồ
DATE, START = "2021-12-31", "2021-06-01"


def _page(query: dict):
    """The app opened on the Trends page with `query` in the URL (its first run not timed)."""
    from tests.apptest import open_page

    return open_page("pages/trends.py", query=query, timeout=300)


def measure(db_path: Path) -> dict[str, float]:
    import streamlit as st

    os.environ["SITUATION_DB"] = str(db_path)
    st.cache_data.clear()
    st.cache_resource.clear()
    figures: dict[str, float] = {}

    started = time.perf_counter()
    _page({"area": "01", "date": DATE, "from": START})
    figures["trends_levels_cold_s"] = round(time.perf_counter() - started, 2)

    for view in VIEWS:
        slowest = 0.0
        for area in AREAS:
            at = _page({"area": area, "date": DATE, "from": START, "view": view})  # fills the caches
            started = time.perf_counter()
            at.run()
            slowest = max(slowest, time.perf_counter() - started)
            if at.exception:
                raise RuntimeError(f"trends page, view {view}, area {area}: {at.exception[0].message}")
        figures[f"trends_page_{view}_s"] = round(slowest, 3)
    figures["trends_page_s"] = max(figures[f"trends_page_{view}_s"] for view in VIEWS)
    return figures
