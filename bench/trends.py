"""Trends page speed: server time of one run of the page, warm, for every view and kind of area.

`trends_page_s` is the slowest warm run (median of three) over the views and areas (the issue asks
≤ 0.5 s for any chart of any unit); `trends_page_<view>_s` the slowest per view; the `…_cpu_s`
figures are the same runs in CPU seconds of the process, which other work on a shared machine does
not inflate; `trends_page_cold_s` the first opening of the app on the page (Hà Nội, default view)
with empty caches.
"""
from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIEWS = ("curve", "compare", "rt", "load", "vaccination")
AREAS = ("VN", "01", "79", "103")  # the country, Hà Nội (30 districts), Hồ Chí Minh City, Nậm Pồ
DATE, START = "2021-12-31", "2021-06-01"
REPEATS = 3  # the median of three warm runs: the machine is shared, one run can catch another's work


def _page(query: dict):
    """The app opened on the Trends page with `query` in the URL (its first run not timed)."""
    from tests.apptest import open_page

    return open_page("app_pages/trends.py", query=query, timeout=300)


def _timed_run(at) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one run of the page."""
    wall, cpu = time.perf_counter(), time.process_time()
    at.run()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(db_path: Path) -> dict[str, float]:
    import streamlit as st

    previous_db = os.environ.get("SITUATION_DB")
    os.environ["SITUATION_DB"] = str(db_path)
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        return _figures()
    finally:
        st.cache_resource.clear()  # closes nothing else's connection: the next module opens its own
        if previous_db is None:
            del os.environ["SITUATION_DB"]
        else:
            os.environ["SITUATION_DB"] = previous_db


def _figures() -> dict[str, float]:
    figures: dict[str, float] = {}
    started = time.perf_counter()
    _page({"area": "01", "date": DATE, "from": START})
    figures["trends_page_cold_s"] = round(time.perf_counter() - started, 2)

    for view in VIEWS:
        wall = cpu = 0.0
        for area in AREAS:
            at = _page({"area": area, "date": DATE, "from": START, "view": view})  # fills the caches
            runs = [_timed_run(at) for _ in range(REPEATS)]
            if at.exception:
                raise RuntimeError(f"trends page, view {view}, area {area}: {at.exception[0].message}")
            wall = max(wall, statistics.median(run[0] for run in runs))
            cpu = max(cpu, statistics.median(run[1] for run in runs))
        figures[f"trends_page_{view}_s"] = round(wall, 3)
        figures[f"trends_page_{view}_cpu_s"] = round(cpu, 3)
    figures["trends_page_s"] = max(figures[f"trends_page_{view}_s"] for view in VIEWS)
    figures["trends_page_cpu_s"] = max(figures[f"trends_page_{view}_cpu_s"] for view in VIEWS)
    return figures
