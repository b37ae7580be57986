"""Operations pages and the supplies simulator on the measured database.

capacity_page_s, checkpoints_page_s, response_page_s: best warm AppTest run of each page (country view of a
busy day, the heaviest case); supplies_simulation_s: data.supplies.simulate_supplies over the whole database's
inputs; supplies_rows: rows it makes.
"""
from __future__ import annotations

import time
from pathlib import Path

from bench.overview import time_page
from data import db
from data.supplies import simulate_supplies

QUERY = {"date": "2021-08-15"}
PAGES = {"capacity_page_s": "app_pages/capacity.py", "checkpoints_page_s": "app_pages/checkpoints.py",
         "response_page_s": "app_pages/response.py"}


def time_simulation(db_path: Path) -> tuple[float, int]:
    con = db.connect(db_path)  # read-only, as the pages read it
    try:
        inputs = [db.query(con, sql) for sql in (
            "SELECT district_code, population FROM districts",
            "SELECT date, district_code, new_cases, oxygen, icu FROM cases",
            "SELECT date, district_code, covid_beds_occupied, icu_beds_occupied, oxygen_supply_m3_per_day FROM beds",
            "SELECT date, district_code, centralized_quarantine FROM tracing")]
    finally:
        con.close()
    start = time.perf_counter()
    rows = len(simulate_supplies(*inputs, seed=1))
    return round(time.perf_counter() - start, 2), rows


def measure(db_path: Path) -> dict[str, float]:
    figures = dict(zip(("supplies_simulation_s", "supplies_rows"), time_simulation(db_path)))
    return figures | {name: time_page(db_path, page, QUERY) for name, page in PAGES.items()}
