"""Situation map figures: what one rerun sends to the browser, and how long changing the week takes.

- `map_payload_bytes`: the whole country's map (705 districts, tooltips in Vietnamese) as
  st.pydeck_chart sends it, for the busiest week of the period (longest tooltips).
- `map_levels_s`: computing every district's weekly levels (inputs + one rule set, the whole period), cold;
  another rule set then only reclassifies the cached inputs (tens of milliseconds).
- `map_rerender_s`: server time of a rerun after the week slider moved, warm (levels cached), the
  median of several moves, measured on the page itself in AppTest (a full rerun, so an upper bound of
  the fragment rerun the browser triggers).
"""
from __future__ import annotations

import datetime as dt
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
        start = time.perf_counter()
        weekly = levels.weekly_levels(con, RULESET)
        levels_s = time.perf_counter() - start
        units = db.districts(con).rename(columns={"district_code": "code", "district_name": "name"})
    finally:
        con.close()
    units["approximate"] = units["boundary_source"].str.startswith("approximate")

    busiest = weekly.groupby("week")["level"].mean().idxmax()
    classified = weekly[weekly["week"] == busiest].set_index("district_code")
    country = view.area_view("country", None, set(units["code"]), 800, 680)
    styles = view.unit_styles(units[["code", "name", "province_name", "approximate"]], classified,
                              load_ruleset(RULESET), "vi")
    payload = view.map_deck(country, styles, caption="Tuần 00/00/0000 – 00/00/0000").to_json()
    weeks = sorted(weekly["week"].dt.date.unique())
    return {
        "map_payload_bytes": len(payload.encode("utf-8")),
        "map_levels_s": round(levels_s, 2),
        "map_rerender_s": round(_rerender_s(db_path, weeks), 3),
    }


def _rerender_s(db_path: Path, weeks: list[dt.date]) -> float:
    """Median server time of moving the week slider on the whole-country map, caches warm."""
    from streamlit.testing.v1 import AppTest

    from tests.apptest import ROOT

    previous = os.environ.get("SITUATION_DB")
    os.environ["SITUATION_DB"] = str(db_path)
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.query_params.update({"area": "VN", "week": weeks[len(weeks) // 2].isoformat()})
        at.run()
        at.switch_page("app_pages/map.py").run()  # computes and caches the levels
        timings = []
        for week in weeks[-WEEK_MOVES - 2:-1]:
            slider = at.select_slider(key="map_week").set_value(week)
            start = time.perf_counter()
            slider.run()
            timings.append(time.perf_counter() - start)
            if at.exception:
                raise RuntimeError(at.exception[0].message)
        return statistics.median(timings[1:])  # the first move warms what the first run did not
    finally:
        if previous is None:
            os.environ.pop("SITUATION_DB", None)
        else:
            os.environ["SITUATION_DB"] = previous
