"""SQL of the briefing and the daily situation report (reports/), beyond what data.db and data.operations serve.

Every figure comes back with the origin of its rows, combined so that a total with any simulated part reads
'simulated' and one with any estimated part 'estimated': the report marks such figures, and a sum that is
only partly real must never pass for real.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from data.db import AREA_FILTER, Area, area_params, query
from data.metrics import origin_sql

# Columns a day's totals may read, per table: (figures of the day, figures summed up to the day, origin column).
DAY_TOTALS = {
    "cases": (["new_cases", "new_deaths", "observed_cases", "community_cases", "quarantine_cases", "imported_cases",
               "in_treatment", "oxygen", "icu"], ["new_cases", "new_deaths"]),
    "tracing": (["f1_identified", "f2_identified", "centralized_quarantine", "home_isolation"],
                ["f1_identified", "f2_identified"]),
    "tests": (["samples", "pooled_samples", "positives", "pcr_capacity"], ["samples", "positives"]),
    "beds": (["covid_beds_total", "covid_beds_occupied", "icu_beds_staffed", "icu_beds_occupied", "ventilators",
              "ventilators_in_use", "oxygen_supply_m3_per_day"], []),
}
# The origin columns of each table (cases carries one per column group).
ORIGIN_COLUMNS = {"cases": ["source", "deaths_source", "split_source", "load_source"], "tracing": ["source"],
                  "tests": ["source"], "beds": ["source"]}


def day_totals(con, table: str, area: Area, day: dt.date) -> pd.Series:
    """One table's figures of `day` summed over the area, its running totals up to `day` (`cumulative_…`),
    the origin of each origin column on the day (`…` as named in the table) and over the running total
    (`cumulative_…`), and `first_date`, where the running totals start. NaN figures when nothing was reported.
    """
    if table not in DAY_TOTALS:
        raise ValueError(f"unknown table {table!r}; expected one of {sorted(DAY_TOTALS)}")
    current, cumulative = DAY_TOTALS[table]
    today = "t.date = p.day"
    columns = [f"SUM(CASE WHEN {today} THEN t.{c} END) AS {c}" for c in current]
    columns += [f"SUM(t.{c}) AS cumulative_{c}" for c in cumulative]
    columns += [f"{origin_sql(f't.{c}', today)} AS {c}" for c in ORIGIN_COLUMNS[table]]
    columns += [f"{origin_sql(f't.{c}')} AS cumulative_{c}" for c in ORIGIN_COLUMNS[table]]
    frame = query(
        con,
        f"""SELECT {', '.join(columns)}, MIN(t.date) AS first_date
            FROM {table} t JOIN districts d USING (district_code), (SELECT ?::DATE AS day) p
            WHERE t.date <= p.day AND ({AREA_FILTER})""",
        [day, *area_params(area)],
    )
    return frame.iloc[0]


def data_cutoff(con, area: Area, province_code: str | None, day: dt.date) -> pd.Series:
    """Where the report's figures stop: `date`, the last day at or before `day` with published case figures
    (the province's, or any province's for the country), and `entered_at`, the latest time the area's case rows
    of that day were entered through data entry (NaT when none was: built-in rows carry the day only, with
    the nominal time 18:00 the build gives every row)."""
    return query(
        con,
        f"""WITH last AS (SELECT MAX(date) AS date FROM province_cases
                          WHERE date <= ?::DATE AND (?::TEXT IS NULL OR province_code = ?))
            SELECT last.date,
                   (SELECT MAX(c.reported_at) FROM cases c JOIN districts d USING (district_code)
                    WHERE c.date = last.date AND c.reported_at <> c.date + INTERVAL 18 HOUR
                          AND ({AREA_FILTER})) AS entered_at
            FROM last""",
        [day, province_code, province_code, *area_params(area)],
    ).iloc[0]
