"""The one module that owns the DuckDB connection and speaks SQL for the dashboard.

Readers never write and never block a writer: every connection here is read-only, and a write
(data.ingest.store) builds a new version of the file beside it and renames it over the old one.
A `Database` moves to the newest version at its next query (a stat of the file), while queries in
flight finish on the version they started on. Each version is attached in its own in-memory DuckDB
instance, because DuckDB would otherwise hand back the instance it already has open for the path,
i.e. the old version. Every query takes `?` parameters; SQL is never built from user strings.
"""
from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from i18n import t

DATA_DIR = Path(__file__).resolve().parent
DEFAULT_DB = DATA_DIR / "situation.duckdb"
SCHEMA_SQL = DATA_DIR / "schema.sql"
SCHEMA_VERSION = 6  # raise it with every change to schema.sql; data/build.py stamps it into build_info
CATALOG = "situation"

COUNTRY = "country"
PROVINCE = "province"
DISTRICT = "district"
COUNTRY_KEY = "VN"  # the country's key wherever a unit is named by one code (URL, CLI, metrics frame)


def db_path() -> Path:
    """The database in use: $SITUATION_DB when set, else data/situation.duckdb."""
    return Path(os.environ.get("SITUATION_DB") or DEFAULT_DB)


# What a writer (the build, each new version of the store) may hold in memory before DuckDB spills to disk
# beside the file: a refresh of the levels at commune scale stays under 2 GB with it, leaving the machine to
# the app servers that share it. $SITUATION_WRITER_MEMORY overrides it (e.g. 8GB on a machine of its own).
WRITER_MEMORY_DEFAULT = "1500MB"


def writer_config() -> dict[str, str]:
    """The DuckDB settings of a connection that writes a version of the database."""
    return {"memory_limit": os.environ.get("SITUATION_WRITER_MEMORY") or WRITER_MEMORY_DEFAULT}


class Unavailable(Exception):
    """The database cannot be read (missing, not a database, another schema), with a message for people."""

    def __init__(self, key: str, **values):
        super().__init__(f"{key}: {values}")
        self.key, self.values = key, values

    def text(self, lang: str = "vi") -> str:
        return t(self.key, lang, **self.values)


def _file_stamp(path: Path):
    """What changes when a new version is renamed over the file (a new inode), or None when it is missing."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size


class Snapshot:
    """One version of the database file, read-only, in a DuckDB instance of its own.

    It stays readable after a newer version replaced the file (the open file keeps the old data), so a
    query that started on it finishes on it. `version` is the data version stamped in the file;
    `cache_key` also names the build, so a rebuilt database never reuses another build's cache entries.
    """

    def __init__(self, path: Path | str):
        self.path = Path(path)
        for _ in range(5):  # the file may be replaced while it is being opened: open until it held still
            self.stamp = _file_stamp(self.path)
            if self.stamp is None:
                raise Unavailable("db.missing", path=self.path)
            self._con = _attach(self.path)
            if _file_stamp(self.path) == self.stamp:
                break
            self._con.close()
        try:
            _check_complete(self._con, self.path, self.stamp[3])
        except duckdb.Error as error:  # a damaged catalogue
            self._con.close()
            raise Unavailable("db.not_a_database", path=self.path, error=str(error).splitlines()[0]) from None
        info = _build_info(self._con, self.path)
        schema = info.get("schema_version", "1")
        if schema != str(SCHEMA_VERSION):
            self._con.close()
            key = "db.newer_schema" if schema.isdigit() and int(schema) > SCHEMA_VERSION else "db.older_schema"
            raise Unavailable(key, path=self.path, found=schema, expected=SCHEMA_VERSION)
        self.version = int(info.get("data_version", "0"))
        self.cache_key = f"{info.get('build_id', '')}.{self.version}"

    def is_current(self) -> bool:
        """Whether the file is still this version (a missing file keeps the last good version in use)."""
        stamp = _file_stamp(self.path)
        return stamp is None or stamp == self.stamp

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = self._con.cursor()
        cur.execute(f"USE {CATALOG}")
        return cur

    def close(self) -> None:
        self._con.close()


def _attach(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    literal = "'" + str(path).replace("'", "''") + "'"  # a path from the configuration, quoted as a literal
    try:
        con.execute(f"ATTACH {literal} AS {CATALOG} (READ_ONLY)")
    except duckdb.Error as error:
        con.close()
        raise Unavailable("db.not_a_database", path=path, error=str(error).splitlines()[0]) from None
    return con


HEADER_BYTES = 3 * 4096  # DuckDB's file header and its two database headers, before the first block


def _check_complete(con: duckdb.DuckDBPyConnection, path: Path, size: int) -> None:
    """A file cut short (a copy that stopped, a full disk) still opens and answers from its first blocks:
    the file must hold every block in use, and the last block any table's data lies in."""
    block_size, used = con.execute("SELECT block_size, used_blocks FROM pragma_database_size() "
                                   "WHERE database_name = ?", [CATALOG]).fetchone()
    tables = [name for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ?",
                                              [CATALOG]).fetchall()]
    storage = " UNION ALL ".join(  # table names of the file itself, quoted as literals
        f"SELECT MAX(block_id) AS block FROM pragma_storage_info('{CATALOG}.\"{name.replace(chr(39), chr(39) * 2)}\"')"
        for name in tables)
    last = con.execute(f"SELECT MAX(block) FROM ({storage})").fetchone()[0] if tables else None
    expected = HEADER_BYTES + block_size * max(used, (last or 0) + 1)
    if size < expected:
        con.close()
        raise Unavailable("db.not_a_database", path=path, error=f"{size} of {expected} bytes")


def _build_info(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    try:
        return dict(con.execute(f"SELECT key, value FROM {CATALOG}.build_info").fetchall())
    except duckdb.CatalogException:
        con.close()
        raise Unavailable("db.older_schema", path=path, found="0", expected=SCHEMA_VERSION) from None
    except duckdb.Error as error:
        con.close()
        raise Unavailable("db.not_a_database", path=path, error=str(error).splitlines()[0]) from None


class Database:
    """A database file as its readers see it: the newest version at each query, safe to share by threads."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path or db_path())
        self._lock = threading.Lock()
        self._snapshot = Snapshot(self.path)

    def current(self) -> Snapshot:
        """The newest version; the one before is dropped, not closed, so its queries in flight finish."""
        snapshot = self._snapshot
        if snapshot.is_current():
            return snapshot
        with self._lock:
            if not self._snapshot.is_current():
                self._snapshot = Snapshot(self.path)
            return self._snapshot

    @property
    def version(self) -> int:
        return self.current().version

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.current().cursor()

    def close(self) -> None:
        self._snapshot.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def connect(path: Path | str | None = None, read_only: bool = True) -> Database:
    """The database at `path` (default: `db_path()`), read-only: data changes only through the store
    (data.ingest.store), which writes a new version. Raises Unavailable with a message for people."""
    if not read_only:
        raise ValueError("connections are read-only; write through data.ingest.store")
    return Database(path)


def query(con: Database | Snapshot, sql: str, params: list | tuple = ()) -> pd.DataFrame:
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


def build_info(con) -> dict[str, str]:
    return dict(query(con, "SELECT key, value FROM build_info").itertuples(index=False, name=None))


def publish(new_version: Path, path: Path) -> None:
    """Make `new_version` (a closed, checkpointed database beside `path`) the database at `path`: synced to
    disk, then renamed over it in one step, so a reader opens either the old file or the new, whole."""
    with open(new_version, "rb") as f:
        os.fsync(f.fileno())
    os.replace(new_version, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
