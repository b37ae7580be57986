"""SQL of the briefing and the daily situation report (reports/), beyond what data.db and data.operations serve.

Every figure comes back with the origin of its rows, combined so that a total with any simulated part reads
'simulated' and one with any estimated part 'estimated': the report marks such figures, and a sum that is
only partly real must never pass for real.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from data.db import AREA_FILTER, COUNTRY, DISTRICT, Area, area_params, query

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
LEVEL_LOOKBACK_DAYS = 21  # 7-day sums of this week and the previous one, plus one day of admissions


def origin(column: str, rows: str = "TRUE") -> str:
    """SQL for the combined origin of `column` over the rows where `rows` holds: NULL when there are none."""
    return f"""CASE WHEN BOOL_OR({rows} AND {column} = 'simulated') THEN 'simulated'
                    WHEN BOOL_OR({rows} AND {column} = 'estimated') THEN 'estimated'
                    WHEN BOOL_OR({rows} AND {column} IS NOT NULL) THEN 'observed' END"""


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
    columns += [f"{origin(f't.{c}', today)} AS {c}" for c in ORIGIN_COLUMNS[table]]
    columns += [f"{origin(f't.{c}')} AS cumulative_{c}" for c in ORIGIN_COLUMNS[table]]
    frame = query(
        con,
        f"""SELECT {', '.join(columns)}, MIN(t.date) AS first_date
            FROM {table} t JOIN districts d USING (district_code), (SELECT ?::DATE AS day) p
            WHERE t.date <= p.day AND ({AREA_FILTER})""",
        [day, *area_params(area)],
    )
    return frame.iloc[0]


def official_totals(con, province_code: str | None, day: dt.date) -> pd.Series:
    """The Ministry's own figures of a province (or of every province in the database when None): cases and
    deaths on `day`, running totals from `first_date`, and their origin."""
    return query(
        con,
        f"""SELECT SUM(CASE WHEN date = p.day THEN new_cases END) AS new_cases,
                   SUM(CASE WHEN date = p.day THEN new_deaths END) AS new_deaths,
                   SUM(new_cases) AS cumulative_new_cases, SUM(new_deaths) AS cumulative_new_deaths,
                   {origin('source', 'date = p.day')} AS source, {origin('source')} AS cumulative_source,
                   MIN(date) AS first_date
            FROM province_cases, (SELECT ?::DATE AS day) p
            WHERE date <= p.day AND (?::TEXT IS NULL OR province_code = ?)""",
        [day, province_code, province_code],
    ).iloc[0]


def unit_cases(con, area: Area, day: dt.date) -> pd.DataFrame:
    """The units one level below the area (the country's provinces, a province's districts; a district is its
    own unit) with cases and deaths on `day` and up to `day`, and their origin.

    Columns: code, name, new_cases, cumulative_cases, new_deaths, cumulative_deaths, cases_source,
    cumulative_cases_source, deaths_source, cumulative_deaths_source. Provinces come from the Ministry's series;
    districts from `cases` (observed where announced, otherwise estimated from the province).
    """
    # Provinces: the published series; districts: the `cases` table (deaths carry their own origin there).
    unit, unit_table, deaths_origin = (("province", "province_cases", "c.source") if area.level == COUNTRY
                                       else ("district", "cases", "c.deaths_source"))
    where, params = ("TRUE", []) if area.level == COUNTRY else (AREA_FILTER, area_params(area))
    return query(
        con,
        f"""SELECT d.{unit}_code AS code, ANY_VALUE(d.{unit}_name) AS name,
                   SUM(CASE WHEN c.date = p.day THEN c.new_cases END) AS new_cases,
                   SUM(c.new_cases) AS cumulative_cases,
                   SUM(CASE WHEN c.date = p.day THEN c.new_deaths END) AS new_deaths,
                   SUM(c.new_deaths) AS cumulative_deaths,
                   {origin('c.source', 'c.date = p.day')} AS cases_source,
                   {origin('c.source')} AS cumulative_cases_source,
                   {origin(deaths_origin, 'c.date = p.day')} AS deaths_source,
                   {origin(deaths_origin)} AS cumulative_deaths_source
            FROM (SELECT ?::DATE AS day) p, {unit}s d
            LEFT JOIN {unit_table} c ON c.{unit}_code = d.{unit}_code AND c.date <= p.day
            WHERE {where}
            GROUP BY d.{unit}_code ORDER BY d.{unit}_code""",
        [day, *params],
    )


def district_week_change(con, area: Area, day: dt.date) -> pd.DataFrame:
    """Every district of the area (a district: it and nothing else) with its cases in the 7 days to `day` and
    in the 7 days before, its population and the origin of the week's counts, largest rise first.

    Columns: code, name, province_name, population, cases_7d, cases_prev_7d, change, cases_per_100k_7d, source.
    """
    return query(
        con,
        f"""WITH weeks AS (
                SELECT c.district_code,
                       SUM(CASE WHEN c.date > p.day - 7 THEN c.new_cases END) AS cases_7d,
                       SUM(CASE WHEN c.date <= p.day - 7 THEN c.new_cases END) AS cases_prev_7d,
                       {origin('c.source', 'c.date > p.day - 7')} AS source
                FROM cases c, (SELECT ?::DATE AS day) p
                WHERE c.date > p.day - 14 AND c.date <= p.day GROUP BY c.district_code)
            SELECT d.district_code AS code, d.district_name AS name, d.province_name, d.population,
                   w.cases_7d, w.cases_prev_7d, w.cases_7d - w.cases_prev_7d AS change,
                   w.cases_7d * 1e5 / NULLIF(d.population, 0) AS cases_per_100k_7d, w.source
            FROM districts d JOIN weeks w USING (district_code)
            WHERE {AREA_FILTER}
            ORDER BY change DESC, cases_7d DESC, code""",
        [day, *area_params(area)],
    )


def recent_levels_database(con, first_week: dt.date, last_day: dt.date) -> duckdb.DuckDBPyConnection:
    """An in-memory database holding only what the level engine needs to judge the weeks from `first_week`
    (a Monday) to `last_day`: the fact tables from three weeks before (vaccinations from the last weekly
    record before that), and every district.

    data.levels.weekly_levels reads whole tables; on this copy it judges two weeks in a fraction of a second
    instead of three years in many seconds, with exactly the same code and numbers.
    """
    start = first_week - dt.timedelta(days=LEVEL_LOOKBACK_DAYS)
    memory = duckdb.connect(":memory:")
    frames = {name: query(con, f"SELECT * FROM {name} WHERE date BETWEEN ?::DATE AND ?::DATE", [start, last_day])
              for name in ("cases", "beds", "tests")}
    frames["vaccinations"] = query(
        con,
        """SELECT * FROM vaccinations
           WHERE date BETWEEN COALESCE((SELECT MAX(date) FROM vaccinations WHERE date <= ?::DATE), ?::DATE)
                 AND ?::DATE""",
        [start, start, last_day],
    )
    frames["districts"] = query(con, "SELECT * FROM districts")
    frames["population_by_age"] = query(con, "SELECT * FROM population_by_age")
    for name, frame in frames.items():
        memory.register("frame", frame)
        memory.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
        memory.unregister("frame")
    return memory


def area_of(con, code: str | None) -> Area:
    """The area a command-line code names: 'VN' or nothing -> country, 2 digits -> province, 3 -> district.

    Raises ValueError for a code the database does not know.
    """
    if not code or code.upper() == "VN":
        return Area(COUNTRY)
    level, table = ("province", "provinces") if len(code) == 2 else (DISTRICT, "districts")
    found = query(con, f"SELECT COUNT(*) AS n FROM {table} WHERE {level}_code = ?", [code])
    if not code.isdigit() or len(code) not in (2, 3) or not found["n"].iloc[0]:
        raise ValueError(f"unknown area code {code!r}: expected VN, a province (2 digits) or a district (3 digits)")
    return Area(level, code)


def tests_two_weeks(con, area: Area, day: dt.date) -> pd.Series:
    """Samples, positives and PCR capacity of the area over the 7 days to `day` (`…_7d`) and the 7 days before
    (`…_prev_7d`), and the origin of this week's rows (`source`)."""
    return query(
        con,
        f"""SELECT SUM(CASE WHEN t.date > p.day - 7 THEN t.samples END) AS samples_7d,
                   SUM(CASE WHEN t.date > p.day - 7 THEN t.positives END) AS positives_7d,
                   SUM(CASE WHEN t.date > p.day - 7 THEN t.pcr_capacity END) AS capacity_7d,
                   SUM(CASE WHEN t.date <= p.day - 7 THEN t.samples END) AS samples_prev_7d,
                   SUM(CASE WHEN t.date <= p.day - 7 THEN t.positives END) AS positives_prev_7d,
                   {origin('t.source', 't.date > p.day - 7')} AS source
            FROM tests t JOIN districts d USING (district_code), (SELECT ?::DATE AS day) p
            WHERE t.date > p.day - 14 AND t.date <= p.day AND ({AREA_FILTER})""",
        [day, *area_params(area)],
    ).iloc[0]


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
