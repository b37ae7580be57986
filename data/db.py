"""The one module that owns the DuckDB connection and speaks SQL for the dashboard.

Pure (no streamlit): the UI caches `connect()` with `st.cache_resource` and each
query opens its own cursor, so concurrent reruns never share a result set.
Every query takes `?` parameters; SQL is never built from user strings.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

DATA_DIR = Path(__file__).resolve().parent
DEFAULT_DB = DATA_DIR / "situation.duckdb"
SCHEMA_SQL = DATA_DIR / "schema.sql"

COUNTRY = "country"
PROVINCE = "province"
DISTRICT = "district"
COUNTRY_KEY = "VN"  # the country's key wherever a unit is named by one code (URL, CLI, metrics frame)


def db_path() -> Path:
    """The database in use: $SITUATION_DB when set, else data/situation.duckdb."""
    return Path(os.environ.get("SITUATION_DB") or DEFAULT_DB)


def connect(path: Path | str | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path or db_path()), read_only=read_only)


def query(con: duckdb.DuckDBPyConnection, sql: str, params: list | tuple = ()) -> pd.DataFrame:
    """Run one parameterised query on its own cursor and return a frame."""
    cur = con.cursor()
    try:
        return cur.execute(sql, list(params)).df()
    finally:
        cur.close()


# ------------------------------------------------------------------ units


def provinces(con) -> pd.DataFrame:
    return query(con, "SELECT province_code, province_name, province_type, population FROM provinces ORDER BY province_code")


def districts(con, province_code: str | None = None) -> pd.DataFrame:
    return query(
        con,
        """SELECT district_code, district_name, district_type, province_code, province_name, population, boundary_source
           FROM districts WHERE ? IS NULL OR province_code = ? ORDER BY district_code""",
        [province_code, province_code],
    )


def population_by_age(con) -> pd.DataFrame:
    return query(con, "SELECT district_code, age_group, population FROM population_by_age")


@dataclass(frozen=True)
class Area:
    """A place the dashboard can look at: the whole country, a province or a district."""

    level: str  # COUNTRY | PROVINCE | DISTRICT
    code: str | None = None

    @property
    def key(self) -> str:
        return self.code or COUNTRY_KEY

    @classmethod
    def from_key(cls, key: str | None) -> "Area":
        """The one parser of a unit key: 'VN' or nothing -> country, 2 digits -> province, 3 -> district
        (GSO codes). Anything else is the country; `area_of` checks a key against the database."""
        key = (key or "").strip()
        if key.isdigit() and len(key) == 2:
            return cls(PROVINCE, key)
        if key.isdigit() and len(key) == 3:
            return cls(DISTRICT, key)
        return cls(COUNTRY)


def area_of(con, key: str | None) -> Area:
    """The area a key names (`Area.from_key`), checked against the database: ValueError when unknown."""
    area = Area.from_key(key)
    known = area.level == COUNTRY and (not key or key.strip().upper() == COUNTRY_KEY)
    if area.level == PROVINCE:
        known = bool(query(con, "SELECT COUNT(*) FROM provinces WHERE province_code = ?", [area.code]).iloc[0, 0])
    elif area.level == DISTRICT:
        known = bool(query(con, "SELECT COUNT(*) FROM districts WHERE district_code = ?", [area.code]).iloc[0, 0])
    if not known:
        raise ValueError(f"unknown area code {key!r}: expected {COUNTRY_KEY}, a province (2 digits) "
                         "or a district (3 digits)")
    return area


def province_of(con, area: Area) -> str | None:
    """The province code an area lies in (None for the country)."""
    if area.level == COUNTRY:
        return None
    if area.level == DISTRICT:
        return query(con, "SELECT province_code FROM districts WHERE district_code = ?", [area.code]).iloc[0, 0]
    return area.code


def area_name(con, area: Area) -> tuple[str, str]:
    """(name, parent name) of an area; the country's name is handled by the UI's translations."""
    if area.level == PROVINCE:
        row = query(con, "SELECT province_name, '' FROM provinces WHERE province_code = ?", [area.code])
    elif area.level == DISTRICT:
        row = query(con, "SELECT district_name, province_name FROM districts WHERE district_code = ?", [area.code])
    else:
        return ("", "")
    return tuple(row.iloc[0]) if len(row) else ("", "")


def area_population(con, area: Area) -> int:
    """Census 2019 population of the area (0 when unknown, so callers can guard divisions)."""
    row = query(
        con,
        """SELECT COALESCE(SUM(population), 0) FROM districts
           WHERE (? = 'country') OR (? = 'province' AND province_code = ?) OR (? = 'district' AND district_code = ?)""",
        [area.level, area.level, area.code, area.level, area.code],
    )
    return int(row.iloc[0, 0])


# ------------------------------------------------------------------ dates


def date_range(con) -> tuple[dt.date, dt.date]:
    """First and last date that has case data."""
    row = query(con, "SELECT MIN(date) AS first, MAX(date) AS last FROM cases").iloc[0]
    return row["first"].date(), row["last"].date()


# ------------------------------------------------------------------ series

AREA_FILTER = """(? = 'country')
   OR (? = 'province' AND d.province_code = ?)
   OR (? = 'district' AND d.district_code = ?)"""


def area_params(area: Area) -> list:
    return [area.level, area.level, area.code, area.level, area.code]


def daily_cases(con, area: Area, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """Daily cases, deaths and hospital load of an area: the metrics frame's figures (data.metrics), where a
    province follows its districts' uploads and otherwise the Ministry's published series.

    Columns: date, new_cases, new_deaths, observed_cases, community_cases, quarantine_cases, imported_cases,
    in_treatment, oxygen, icu, cases_origin, load_origin.
    """
    from data import metrics  # data.metrics builds on this module

    return metrics.of_area(con, area, start, end)[list(DAILY_CASES_COLUMNS)]


DAILY_CASES_COLUMNS = ("date", "new_cases", "new_deaths", "observed_cases", "community_cases", "quarantine_cases",
                       "imported_cases", "in_treatment", "oxygen", "icu", "cases_origin", "load_origin")


def official_province_cases(con, province_code: str | None, start=None, end=None) -> pd.DataFrame:
    """The published series (one province, or the country summed), exactly as the Ministry reported it."""
    return query(
        con,
        """SELECT date, SUM(new_cases)::BIGINT AS new_cases, SUM(new_deaths)::BIGINT AS new_deaths
           FROM province_cases
           WHERE (?::TEXT IS NULL OR province_code = ?)
             AND (?::DATE IS NULL OR date >= ?::DATE) AND (?::DATE IS NULL OR date <= ?::DATE)
           GROUP BY date ORDER BY date""",
        [province_code, province_code, start, start, end, end],
    )


def daily_capacity(con, area: Area, start=None, end=None) -> pd.DataFrame:
    """Beds, ICU, ventilators, oxygen supply and tests of an area per day: the metrics frame's figures
    (data.metrics); `source` is the origin of the beds."""
    from data import metrics  # data.metrics builds on this module

    frame = metrics.of_area(con, area, start, end)
    return frame[list(DAILY_CAPACITY_COLUMNS)].assign(source=frame["beds_origin"].astype("object"))


DAILY_CAPACITY_COLUMNS = ("date", "covid_beds_total", "covid_beds_occupied", "icu_beds_staffed", "icu_beds_occupied",
                          "ventilators", "ventilators_in_use", "oxygen_supply_m3_per_day", "samples", "positives",
                          "pcr_capacity")


def vaccination_coverage(con, area: Area, on: dt.date) -> pd.DataFrame:
    """People vaccinated by age band and dose in an area on the last weekly record at or before `on`."""
    return query(
        con,
        f"""WITH last AS (SELECT MAX(date) AS date FROM vaccinations WHERE date <= ?::DATE)
            SELECT v.age_group, v.dose, SUM(v.people)::BIGINT AS people, MIN(v.source) AS source,
                   ANY_VALUE(v.date) AS date
            FROM vaccinations v JOIN districts d USING (district_code), last
            WHERE v.date = last.date AND ({AREA_FILTER})
            GROUP BY v.age_group, v.dose ORDER BY v.age_group, v.dose""",
        [on] + area_params(area),
    )


def area_population_by_age(con, area: Area) -> pd.DataFrame:
    return query(
        con,
        f"""SELECT p.age_group, SUM(p.population)::BIGINT AS population
            FROM population_by_age p JOIN districts d USING (district_code)
            WHERE {AREA_FILTER} GROUP BY p.age_group ORDER BY p.age_group""",
        area_params(area),
    )


def table(con, name: str, start=None, end=None) -> pd.DataFrame:
    """A whole fact table (optionally between two dates), for the indicators package.

    `name` must be one of the public fact tables; it is checked against a fixed list,
    never interpolated from user input.
    """
    allowed = {"cases", "beds", "tests", "vaccinations", "tracing", "checkpoint_counts"}
    if name not in allowed:
        raise ValueError(f"unknown table {name!r}; expected one of {sorted(allowed)}")
    return query(
        con,
        f"SELECT * FROM {name} WHERE (?::DATE IS NULL OR date >= ?::DATE) AND (?::DATE IS NULL OR date <= ?::DATE)",
        [start, start, end, end],
    )


def build_info(con) -> dict[str, str]:
    return dict(query(con, "SELECT key, value FROM build_info").itertuples(index=False, name=None))
