"""Build the built-in DuckDB database from the files in the repository.

    python -m data.build [--db PATH] [--provinces 11,12] [--start 2021-04-01] [--end 2021-12-31]

Real data (data/sources/) goes in unchanged; district cases outside the announced
window are estimated from the province series (data/estimate.py); what no public
source has is simulated (data/simulate.py, parameters in data/simulation.toml).
The build is deterministic for a seed and atomic: it writes a temporary file and
renames it over the target only when everything succeeded.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb
import numpy as np
import pandas as pd

from data import artefacts, estimate, levels, simulate, vaccination
from data.supplies import simulate_supplies
from data.db import SCHEMA_SQL, SCHEMA_VERSION, db_path, publish, writer_config

SOURCES = Path(__file__).resolve().parent / "sources"
GEO_DIR = Path(__file__).resolve().parent.parent / "geo"
DEFAULT_SEED = 20210427  # the first day of the fourth wave: any fixed number would do
BUILD_VERSION = "1"

Progress = Callable[[float, str], None]


def _read(relative: str, **kwargs) -> pd.DataFrame:
    codes = {c: str for c in ("province_code", "district_code", "commune_code")}
    return pd.read_csv(SOURCES / relative, dtype=codes, **kwargs)


def load_real(provinces: list[str] | None = None, start: str | None = None, end: str | None = None) -> dict[str, pd.DataFrame]:
    """Every real source file as a frame, optionally cut to some provinces and dates."""
    units = _read("admin/districts_2021.csv")
    population = _read("population/district_population_2019.csv")
    geo = pd.read_json(GEO_DIR / "districts_2021.geojson", typ="series")["features"]
    boundary = pd.DataFrame(
        [(f["properties"]["district_code"], f["properties"]["boundary_source"]) for f in geo],
        columns=["district_code", "boundary_source"],
    )
    districts = (
        units.merge(population[["district_code", "pop_total_2019"]], on="district_code", how="left", validate="1:1")
        .merge(boundary, on="district_code", how="left", validate="1:1")
        .rename(columns={"pop_total_2019": "population"})
    )
    districts["population"] = districts["population"].fillna(0).astype("int64")
    districts["boundary_source"] = districts["boundary_source"].fillna("unknown")

    cases = artefacts.correct(_read("covid/province_daily_cases.csv", parse_dates=["date"]),
                              _read("covid/province_daily_case_corrections.csv", parse_dates=["date"]))
    deaths = _read("covid/province_daily_deaths.csv", parse_dates=["date"])
    province_cases = cases.merge(deaths, on=["date", "province_code"], how="left")
    province_cases["new_deaths"] = known_deaths(province_cases["date"], province_cases["new_deaths"],
                                                deaths.loc[deaths["new_deaths"] > 0, "date"].max())

    national = pd.read_csv(SOURCES / "covid/national_owid_vietnam_to_2022-01-10.csv")
    national["date"] = pd.to_datetime(national["date"], format="%m/%d/%Y")
    # from the whole country's series, before any cut: a build of a few provinces keeps the same gap days
    province_cases["collection_gap"] = province_cases["date"].isin(artefacts.collection_gaps(province_cases, national))
    province_cases["missed_day"] = province_cases["date"].isin(artefacts.missed_days(province_cases, national))

    frames = {
        "districts": districts,
        "communes": _read("admin/communes_2021.csv"),
        "population_by_age": _read("population/district_population_by_age_2019.csv"),
        "province_cases": province_cases,
        "observed_district_cases": _read("covid/district_announced_cases_2021-04-27_to_07-13.csv"),
        "vaccination_snapshots": _read("covid/province_vaccination_snapshots.csv"),
        "national": national,
    }
    for name in ("province_cases", "observed_district_cases", "vaccination_snapshots"):
        frames[name]["date"] = pd.to_datetime(frames[name]["date"])
    return _cut(frames, provinces, start, end)


def known_deaths(dates: pd.Series, deaths: pd.Series, last_reported: str) -> pd.Series:
    """Deaths as a nullable integer: 0 where the source has no row up to its last reported death, unknown after.

    Why: the death series stops on 2022-05-25 (its rows carry 0 after it); an unknown count must never show
    as an observed 0.
    """
    known = pd.to_datetime(dates) <= pd.Timestamp(last_reported)
    return deaths.fillna(0).astype("Int64").where(known, pd.NA)


def _cut(frames: dict[str, pd.DataFrame], provinces, start, end) -> dict[str, pd.DataFrame]:
    """Keep only some provinces and dates (test databases); None keeps everything."""
    if provinces:
        keep = frames["districts"]["district_code"][frames["districts"]["province_code"].isin(provinces)]
        for name, frame in frames.items():
            if "province_code" in frame:
                frames[name] = frame[frame["province_code"].isin(provinces)]
            elif "district_code" in frame:
                frames[name] = frame[frame["district_code"].isin(keep)]
    for name, frame in frames.items():
        if "date" in frame and name != "vaccination_snapshots":
            mask = pd.Series(True, index=frame.index)
            if start:
                mask &= frame["date"] >= pd.Timestamp(start)
            if end:
                mask &= frame["date"] <= pd.Timestamp(end)
            frames[name] = frame[mask]
    return {name: frame.reset_index(drop=True) for name, frame in frames.items()}


def origin_records(districts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The recorded split of local cases: (records [date, province_code, sheltered, local], starts [date,
    province_code]: the days a share is carried from, a province's last day on the portal and each of its reports).

    MOH's bulletins counted cases "trong khu cách ly, khu phong tỏa" (sheltered) apart from those "trong cộng đồng"
    (found outside them, by screening or of unknown origin). The record is the preventive-medicine portal's daily
    split up to its last day (15/9/2021), then a province's own daily reports where it published them
    (covid/province_case_origin_reports.csv)."""
    origin = pd.read_csv(SOURCES / "covid/province_daily_case_origin_2020-01-01_to_2021-09-15.csv", parse_dates=["date"])
    codes = districts.drop_duplicates("province_code").set_index("province_name")["province_code"]
    origin["province_code"] = origin["province"].map(codes)
    origin["sheltered"] = origin["confirmed_blockade"].fillna(0) + origin["confirmed_quarantined"].fillna(0)
    origin["local"] = origin["sheltered"] + (origin["confirmed_unquarantined"].fillna(0)
                                             + origin["confirmed_screening"].fillna(0) + origin["confirmed_unknown"].fillna(0))
    portal = origin[origin["province_code"].notna() & (origin["local"] > 0)][["date", "province_code", "sheltered", "local"]]
    portal_last = portal.groupby("province_code")["date"].max()
    reports = _read("covid/province_case_origin_reports.csv", parse_dates=["date"])
    reports = reports.assign(sheltered=reports["cases"] - reports["community_cases"], local=reports["cases"])
    reports = reports[(reports["cases"] > 0)  # a report of no case splits nothing
                      & ~(reports["date"] <= reports["province_code"].map(portal_last))]  # the portal's days are its own
    records = pd.concat([portal, reports[portal.columns]], ignore_index=True)
    starts = pd.concat([portal_last.reset_index(), reports[["date", "province_code"]]], ignore_index=True)
    return records, starts


def carried_samples(records: pd.DataFrame, starts: pd.DataFrame, carry: dict) -> pd.DataFrame:
    """From each start, the recorded days of the `window_days` up to it pooled: [province_code, date, sheltered,
    local], where they hold at least `min_cases` local cases (a handful of cases is no share to carry)."""
    pooled = starts.merge(records, on="province_code", suffixes=("", "_recorded"))
    pooled = pooled[(pooled["date_recorded"] <= pooled["date"])
                    & (pooled["date_recorded"] > pooled["date"] - pd.Timedelta(days=carry["window_days"]))]
    pooled = pooled.groupby(["province_code", "date"], as_index=False)[["sheltered", "local"]].sum()
    return pooled[pooled["local"] >= carry["min_cases"]].sort_values(["province_code", "date"]).reset_index(drop=True)


def carry_weight(days_after: np.ndarray, sample: np.ndarray, carry: dict) -> np.ndarray:
    """The part of a carried share beside the model's, `days_after` its start, from a sample of `sample` local cases:
    held for `hold_days`, fading to 0 over `fade_days`, and weighed by its sample's credibility n / (n + K), K =
    `credibility_cases` (a share from K cases counts half; tools/calibrate_carry.py)."""
    span = carry["hold_days"] + carry["fade_days"]
    in_time = np.clip((span - days_after + 1) / (carry["fade_days"] + 1), 0, 1)
    return in_time * sample / (sample + carry["credibility_cases"])


def case_origin(districts: pd.DataFrame, carry: dict) -> pd.DataFrame:
    """The share of local cases found in quarantine or in locked-down areas, per province and day, where the
    record gives the split (origin_records), and carried forward from the latest record after it: [date,
    province_code, value, weight].

    A recorded day has weight 1. From a province's portal's last day and from each of its reports, its share over
    the recorded days of the last `window_days` (carried_samples) is carried for `hold_days` + `fade_days`, until
    a later record takes over, with the weight of carry_weight: `weight` is the record's part (simulate.case_details
    blends the two). Provinces kept reporting the split the same way after the portal's series stops
    (covid/province_case_origin_spotcheck.csv: Bình Dương, October 2021, kept apart as a check).
    """
    records, starts = origin_records(districts)
    pooled = carried_samples(records, starts, carry)
    until = pooled.groupby("province_code")["date"].shift(-1)  # a later record takes over (NaT: none)
    after = np.arange(1, carry["hold_days"] + carry["fade_days"] + 1)
    carried = pd.DataFrame({
        "date": (pooled["date"].to_numpy()[:, None] + pd.to_timedelta(after, unit="D").to_numpy()[None, :]).ravel(),
        "province_code": np.repeat(pooled["province_code"].to_numpy(), len(after)),
        "value": np.repeat((pooled["sheltered"] / pooled["local"]).to_numpy(), len(after)),
        "weight": carry_weight(after[None, :], pooled["local"].to_numpy(dtype=float)[:, None], carry).ravel(),
        "until": np.repeat(until.to_numpy(), len(after)),
    })
    recorded_days = pd.MultiIndex.from_frame(records[["date", "province_code"]])
    carried = carried[~(carried["date"] >= carried["until"])
                      & ~pd.MultiIndex.from_frame(carried[["date", "province_code"]]).isin(recorded_days)]
    return pd.concat([records.assign(value=records["sheltered"] / records["local"], weight=1.0)[
                          ["date", "province_code", "value", "weight"]],
                      carried.drop(columns="until")], ignore_index=True)


def province_vaccinations(real: dict[str, pd.DataFrame], params: dict, case_dates: pd.Series) -> pd.DataFrame:
    """People vaccinated per province weekly (Mondays from the first vaccination) and on every snapshot date,
    within the build's provinces and dates (data/vaccination.py).

    Every province is estimated, even in a build of a few: a province's share of the national series depends
    on all the others.
    """
    snapshots = _read("covid/province_vaccination_snapshots.csv", parse_dates=["date"])
    last = max(pd.Timestamp(case_dates.max()), snapshots["date"].max())
    mondays = pd.date_range(params["vaccination"]["first_date"], last, freq="7D")
    national = pd.read_csv(SOURCES / "covid/national_owid_vietnam_to_2022-01-10.csv")
    people = vaccination.province_vaccinations(snapshots, national, _read(vaccination.ANCHORS),
                                               snapshots["province_code"].unique(), mondays)
    keep = people["date"].between(case_dates.min(), case_dates.max())
    keep &= people["province_code"].isin(real["districts"]["province_code"].unique())
    return people[keep].reset_index(drop=True)


def _reported_at(dates: pd.Series) -> pd.Series:
    """Nominal report time of built-in rows: the end of the reporting day (keeps builds deterministic)."""
    return pd.to_datetime(dates) + pd.Timedelta(hours=18)


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Insert a frame by column name, so column order in the frame never matters."""
    columns = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{table}: the frame lacks columns {missing}; it has {list(frame.columns)}")
    con.register("incoming", frame[columns])
    con.execute(f"INSERT INTO {table} SELECT * FROM incoming")
    con.unregister("incoming")


@dataclass
class FirstBuild:
    """The app's first-start build, running in the background of its server process: where it has got to."""

    target: Path
    fraction: float = 0.0
    step: str = "load"
    error: BaseException | None = None
    thread: threading.Thread | None = None

    def heard(self, fraction: float, step: str) -> None:
        self.fraction, self.step = fraction, step

    def run(self) -> None:
        try:
            build(self.target, progress=self.heard)
        except BaseException as problem:  # noqa: BLE001 (shown to whoever is waiting for the database)
            self.error = problem

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()


_FIRST_BUILDS: dict[Path, FirstBuild] = {}
_FIRST_BUILDS_LOCK = threading.Lock()


def first_build(target: Path | str | None = None) -> FirstBuild:
    """The background build of `target` (default: the database in use), started by the first session that finds
    it missing; later sessions watch the same one. Independent of any session, so it finishes when the tab that
    started it is closed, and one process never runs two (DuckDB shares one instance per file in a process, so
    two builds would write into each other's file). A failed build is started again by the next call."""
    target = Path(target or db_path()).resolve()
    with _FIRST_BUILDS_LOCK:
        current = _FIRST_BUILDS.get(target)
        if current is None or (current.error is not None and not current.running):
            current = _FIRST_BUILDS[target] = FirstBuild(target)
            current.thread = threading.Thread(target=current.run, name="first-build", daemon=True)
            current.thread.start()
        return current


def build(
    target: Path | str | None = None,
    provinces: list[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
) -> Path:
    """Build the database at `target` (default: $SITUATION_DB or data/situation.duckdb) and return its path.
    `progress(fraction, step)` hears each step by its name (load, estimate, simulate, write, levels, index, done:
    the app shows them as app.build_step.<step>)."""
    target = Path(target or db_path())
    say = progress or (lambda fraction, message: None)

    say(0.05, "load")
    real = load_real(provinces, start, end)
    districts = real["districts"]

    say(0.15, "estimate")
    real["province_cases"] = artefacts.adjust_province_cases(real["province_cases"], real["national"])
    adjacency = estimate.district_adjacency(GEO_DIR / "districts_2021.geojson")
    district_cases = estimate.estimate_district_cases(
        real["province_cases"], real["observed_district_cases"], districts[["district_code", "province_code", "population"]],
        adjacency, seed,
    )

    say(0.40, "simulate")
    params = simulate.load_params()
    province_people = province_vaccinations(real, params, district_cases["date"])
    origin = case_origin(districts, params["case_split"]["recorded_share"])
    simulated = simulate.simulate(
        district_cases[["date", "district_code", "new_cases_adjusted", "new_deaths"]],
        districts,
        real["population_by_age"],
        province_people,
        params,
        seed,
        case_origin=origin,
        province_cases=real["province_cases"][["date", "province_code", "new_cases_adjusted"]].rename(
            columns={"new_cases_adjusted": "value"}),
    )
    simulated["province_vaccination_estimates"] = province_people

    say(0.70, "write")
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")  # one per process: two first starts never share it
    tmp.unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(tmp), config=writer_config())
    try:
        con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
        _write_all(con, real, district_cases, simulated, seed, origin, params["case_split"]["no_community"])
        say(0.85, "levels")
        levels.refresh(con)
        say(0.95, "index")
        con.execute("CHECKPOINT")
        con.close()
        publish(tmp, target)
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    say(1.0, "done")
    return target


def _write_all(con, real, district_cases, simulated, seed, origin, no_community: dict[str, list]) -> None:
    districts = real["districts"]
    provinces = (
        districts.groupby(["province_code", "province_name", "province_type"], as_index=False)["population"].sum()
    )
    _insert(con, "provinces", provinces)
    _insert(con, "districts", districts)
    _insert(con, "communes", real["communes"])
    _insert(con, "population_by_age", real["population_by_age"])

    official = real["province_cases"].assign(source="observed", reported_at=lambda f: _reported_at(f["date"]))
    _insert(con, "province_cases", official)

    snapshots = real["vaccination_snapshots"].assign(source="observed", reported_at=lambda f: _reported_at(f["date"]))
    _insert(con, "province_vaccination_snapshots", snapshots)
    national = real["national"].assign(source="observed")
    for column in ("new_cases", "new_deaths", "new_tests", "people_vaccinated", "people_fully_vaccinated"):
        national[column] = national[column].astype("Int64")
    _insert(con, "national_owid", national)

    cases = district_cases.merge(simulated["case_details"], on=["date", "district_code"], how="left", validate="1:1")
    province_of = districts.set_index("district_code")["province_code"]
    recorded = pd.MultiIndex.from_frame(origin[["date", "province_code"]])
    case_provinces = cases["district_code"].map(province_of)
    # the split rests on the record where the portal gave it, or where the record says no case was in the community
    split_known = (pd.MultiIndex.from_arrays([cases["date"], case_provinces]).isin(recorded)
                   | simulate.recorded_no_community(cases["date"].to_numpy(), case_provinces.to_numpy(dtype=str),
                                                    no_community))
    cases = cases.assign(split_source=np.where(split_known, "estimated", "simulated"), load_source="simulated",
                         reported_at=_reported_at(cases["date"]))
    _insert(con, "cases", cases)

    for name in ("beds", "tests", "vaccinations", "checkpoint_counts", "tracing", "province_vaccination_estimates"):
        frame = simulated[name]
        _insert(con, name, frame.assign(reported_at=_reported_at(frame["date"])))
    _insert(con, "checkpoints", simulated["checkpoints"])
    adjusted = cases.assign(new_cases=cases["new_cases_adjusted"])  # simulations follow the adjusted series
    supplies = simulate_supplies(districts, adjusted, simulated["beds"], simulated["tracing"], seed)
    _insert(con, "supplies", supplies.assign(reported_at=_reported_at(supplies["date"])))

    info = {
        "build_version": BUILD_VERSION,
        "schema_version": str(SCHEMA_VERSION),
        "data_version": "1",  # the store adds one with every write (data/ingest/store.py)
        "build_id": uuid.uuid4().hex,  # two builds of the same data are still two databases to the caches
        "seed": str(seed),
        "first_date": str(pd.Timestamp(district_cases["date"].min()).date()),
        "last_date": str(pd.Timestamp(district_cases["date"].max()).date()),
        "provinces": str(districts["province_code"].nunique()),
    }
    _insert(con, "build_info", pd.DataFrame(list(info.items()), columns=["key", "value"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.build", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="where to write (default: $SITUATION_DB or data/situation.duckdb)")
    parser.add_argument("--provinces", default=None, help="comma-separated province codes (default: all 63)")
    parser.add_argument("--start", default=None, help="first date, YYYY-MM-DD (default: the first in the sources)")
    parser.add_argument("--end", default=None, help="last date, YYYY-MM-DD (default: the last in the sources)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    for value in (args.start, args.end):
        if value:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                print(f"error: {value!r} is not a date in the form YYYY-MM-DD", file=sys.stderr)
                return 2
    provinces = [p.strip() for p in args.provinces.split(",")] if args.provinces else None
    known = set(_read("admin/districts_2021.csv")["province_code"])
    unknown = sorted(set(provinces or []) - known)
    if unknown:
        print(f"error: unknown province code(s) {', '.join(unknown)}; expected two-digit GSO codes such as 01, 11, 79",
              file=sys.stderr)
        return 2
    start = time.perf_counter()
    path = build(args.db, provinces, args.start, args.end, args.seed,
                 progress=lambda fraction, step: print(f"[{fraction:4.0%}] {step}", flush=True))
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
