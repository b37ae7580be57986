"""Situation map figures: what one rerun sends to the browser, and how long changing the week takes.

- `map_payload_bytes`: the whole country's map (705 districts, tooltips in Vietnamese) as
  st.pydeck_chart sends it (the deck and its tooltip), for the busiest week of the period; the outlines are
  not in it: the browser fetched the static map files once.
- `map_levels_s`: what the map's first load after a server start reads: the stored classified view of one
  week and the week before, and the week's origins (data.levels), on a fresh connection; nothing is classified.
- `map_first_load_s`: server time of the map page's first run with empty caches (AppTest), levels included.
- `map_rerender_s`: server time of a rerun after the week slider moved, warm (levels cached), the
  median of several moves, measured on the page itself in AppTest (a full rerun, so an upper bound of
  the fragment rerun the browser triggers).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import time
from pathlib import Path

from data import db, levels
from geo import view
from indicators.rulesets import load_ruleset

RULESET = "vn-2021-qd4800"
WEEK_MOVES = 5


def measure(db_path: Path) -> dict[str, float]:
    con = db.connect(db_path, read_only=True)
    try:
        weeks = levels.complete_weeks(*db.date_range(con))
        week = weeks[len(weeks) // 2]
        start = time.perf_counter()
        classified = levels.week_levels(con, RULESET, week)
        levels.week_levels(con, RULESET, week - dt.timedelta(weeks=1))
        levels.week_origins(con, week)
        levels_s = time.perf_counter() - start
        means = db.query(con, "SELECT week, AVG(level) AS mean FROM levels WHERE ruleset_id = ? AND unit_level = "
                              "'district' GROUP BY week ORDER BY mean DESC LIMIT 1", [RULESET])
        classified = levels.week_levels(con, RULESET, means["week"].iloc[0].date())  # the busiest week
        units = db.districts(con).rename(columns={"district_code": "code", "district_name": "name"})
    finally:
        con.close()
    units["approximate"] = units["boundary_source"].str.startswith("approximate")

    country = view.area_view("country", None, set(units["code"]), 800, 680)
    styles = view.unit_styles(units[["code", "name", "province_name", "approximate"]], classified,
                              load_ruleset(RULESET), "vi")
    deck = view.map_deck(country, styles, caption="Tuần 00/00/0000 – 00/00/0000")
    payload = deck.to_json() + json.dumps(deck._tooltip, ensure_ascii=False)
    first_load_s, rerender_s = _page_s(db_path, weeks)
    return {
        "map_payload_bytes": len(payload.encode("utf-8")),
        "map_levels_s": round(levels_s, 3),
        "map_first_load_s": round(first_load_s, 2),
        "map_rerender_s": round(rerender_s, 3),
    }


def _page_s(db_path: Path, weeks: list[dt.date]) -> tuple[float, float]:
    """Server time of the whole-country map's first run with empty caches, and the median time of moving
    the week slider, caches warm."""
    import streamlit as st

    from streamlit.testing.v1 import AppTest

    from tests.apptest import ROOT

    previous = os.environ.get("SITUATION_DB")
    os.environ["SITUATION_DB"] = str(db_path)
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.query_params.update({"area": "VN", "week": weeks[len(weeks) // 2].isoformat()})
        st.cache_data.clear()
        st.cache_resource.clear()
        at.run()
        start = time.perf_counter()
        at.switch_page("app_pages/map.py").run()  # reads the stored levels
        first_load = time.perf_counter() - start
        timings = []
        for week in weeks[-WEEK_MOVES - 2:-1]:
            slider = at.select_slider(key="map_week").set_value(week)
            start = time.perf_counter()
            slider.run()
            timings.append(time.perf_counter() - start)
            if at.exception:
                raise RuntimeError(at.exception[0].message)
        return first_load, statistics.median(timings[1:])  # the first move warms what the first run did not
    finally:
        if previous is None:
            os.environ.pop("SITUATION_DB", None)
        else:
            os.environ["SITUATION_DB"] = previous
