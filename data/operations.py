"""SQL of the operations pages: beds per unit, checkpoints, tracing and testing, supplies.

Pure (no streamlit); every query goes through data.db.query with `?` parameters and the shared area filter,
so a page asks for the whole country, a province or a district the same way.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from data import metrics
from data.db import AREA_FILTER, Area, area_params, query

_BED_COLUMNS = ["covid_beds_total", "covid_beds_occupied", "icu_beds_staffed", "icu_beds_occupied",
                "ventilators", "ventilators_in_use"]


def district_occupancy(con, area: Area, days: list[dt.date]) -> pd.DataFrame:
    """COVID and ICU beds (total and occupied) of every district in the area on the given days (long frame)."""
    return query(
        con,
        f"""SELECT b.date, b.district_code, b.covid_beds_total, b.covid_beds_occupied,
                   b.icu_beds_staffed, b.icu_beds_occupied
            FROM beds b JOIN districts d USING (district_code)
            WHERE b.date IN (SELECT UNNEST(?::DATE[])) AND ({AREA_FILTER})
            ORDER BY b.date, b.district_code""",
        [list(days), *area_params(area)],
    )


def supplies(con, area: Area, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """Stock, received and used of every item per day, summed over the area's districts."""
    return query(
        con,
        f"""SELECT s.date, s.item, ANY_VALUE(s.unit) AS unit, SUM(s.stock) AS stock, SUM(s.received) AS received,
                   SUM(s.used) AS used, MIN(s.source) AS source
            FROM supplies s JOIN districts d USING (district_code)
            WHERE ({AREA_FILTER})
              AND (?::DATE IS NULL OR s.date >= ?::DATE) AND (?::DATE IS NULL OR s.date <= ?::DATE)
            GROUP BY s.date, s.item ORDER BY s.date, s.item""",
        [*area_params(area), start, start, end, end],
    )


def checkpoint_sites(con, area: Area) -> pd.DataFrame:
    """Border gates and control posts in the area, with their district and province names."""
    return query(
        con,
        f"""SELECT d.checkpoint_id, d.name, d.kind, d.province_code, d.district_code, u.district_name,
                   u.province_name, d.lon, d.lat, d.source
            FROM checkpoints d JOIN districts u USING (district_code)
            WHERE {AREA_FILTER} ORDER BY d.kind, d.checkpoint_id""",
        area_params(area),
    )


def checkpoint_counts(con, area: Area, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """Daily counts of the area's checkpoints (rows exist only for the days a checkpoint reported)."""
    return query(
        con,
        f"""SELECT c.date, c.checkpoint_id, c.people_in, c.people_out, c.vehicles, c.from_outbreak_areas,
                   c.declared, c.tested, c.positive, c.quarantined, c.source
            FROM checkpoint_counts c JOIN checkpoints d USING (checkpoint_id)
            WHERE ({AREA_FILTER})
              AND (?::DATE IS NULL OR c.date >= ?::DATE) AND (?::DATE IS NULL OR c.date <= ?::DATE)
            ORDER BY c.date, c.checkpoint_id""",
        [*area_params(area), start, start, end, end],
    )


def response_daily(con, area: Area, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """Per day over the area, from the metrics frame (data.metrics): F0 (new cases), F1, F2, quarantine and
    isolation, tests and PCR capacity.

    observed_cases says how many of the F0 are observed (the rest are estimated); tracing_source and
    tests_source say where those columns come from (NULL on days without a figure).
    """
    frame = metrics.of_area(con, area, start, end)
    columns = ["date", "new_cases", "observed_cases", "f1_identified", "f2_identified", "centralized_quarantine",
               "home_isolation", "samples", "pooled_samples", "positives", "pcr_capacity"]
    return frame[columns].assign(tracing_source=frame["tracing_origin"].astype("object"),
                                 tests_source=frame["tests_origin"].astype("object"))
