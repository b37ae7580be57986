"""Seeded simulator of the operational data that no public source publishes for Vietnam.

Hospital load, beds, tests by district, vaccinations by district and age band, border and control-post
counts, and contact tracing are generated from short models calibrated to the real case, death and
vaccination series. Every parameter and the reason for its value live in simulation.toml; every row says
source = 'simulated' (the case split and load columns are labelled by the build). Models work on
[day, district] arrays, so the whole country runs in seconds; the same seed gives the same tables.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import ndimage, signal, stats

from data.draws import Draws

PARAMS_PATH = Path(__file__).resolve().with_name("simulation.toml")
CHECKPOINTS_PATH = Path(__file__).resolve().parent / "sources" / "checkpoints.csv"
SIMULATED = "simulated"
VACCINE_BANDS = ("05-11", "12-17", "18-49", "50-64", "65+")
DOSES = ("dose1", "full", "booster")
BOOSTER = DOSES[-1]
# Each table has its own draws, and each [day, unit] cell its own numbers (data/draws.py): changing one model, or one
# unit's inputs, never reshuffles another table or another unit.
TABLES = ("case_details", "beds", "tests", "vaccinations", "checkpoint_counts", "tracing")


def load_params(path: Path | str | None = None) -> dict:
    """The simulation parameters (simulation.toml unless another file is given)."""
    with open(path or PARAMS_PATH, "rb") as handle:
        return tomllib.load(handle)


def simulate(
    district_cases: pd.DataFrame,
    districts: pd.DataFrame,
    population_by_age: pd.DataFrame,
    province_people: pd.DataFrame,
    params: dict,
    seed: int,
    case_origin: pd.DataFrame | None = None,
    province_cases: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Every simulated table, keyed by schema table name (columns as in the schema, without reported_at).

    district_cases: [date, district_code, new_cases_adjusted, new_deaths] for every district of `districts`: the
        adjusted series (backlog dumps spread back, data/artefacts.py); new_deaths NaN where unknown.
    districts: [district_code, province_code, population, ...].
    population_by_age: [district_code, age_group ('00-04' .. '85+'), population].
    province_people: people vaccinated per province and date (data.vaccination.province_vaccinations).
    case_origin: [date, province_code, value, weight] the share of local cases found in quarantine where the record
        gives it (weight 1) or carries it forward (weight < 1: its part beside the model's; data.build.case_origin).
    province_cases: [date, province_code, value] the province's own (adjusted) series: a province's checkpoints
        never find more positives than it, nor than its districts' cases (the two differ by day while the district
        announcements of April-July 2021 are reconciled, data/estimate.py).
    """
    grid = Grid.build(district_cases, districts, params["periods"])
    checkpoints = read_checkpoints(grid)
    rngs = {table: Draws(seed, table, grid.dates.to_numpy(),
                         checkpoints["checkpoint_id"] if table == "checkpoint_counts" else grid.district_codes)
            for table in TABLES}
    load = clinical_load(grid, params, rngs["case_details"])
    crossings = checkpoint_counts(grid, checkpoints, params["checkpoints"], rngs["checkpoint_counts"],
                                  None if province_cases is None else grid.province_values(province_cases))
    return {
        "case_details": case_details(grid, load, params, rngs["case_details"],
                                     None if case_origin is None else
                                     (grid.daily_province_values(case_origin),
                                      grid.daily_province_values(case_origin.assign(value=case_origin["weight"])))),
        "beds": beds(grid, load, params, rngs["beds"]),
        "tests": tests(grid, params["tests"], rngs["tests"]),
        "vaccinations": vaccinations(grid, population_by_age, province_people, params["vaccination"],
                                     rngs["vaccinations"]),
        "checkpoints": checkpoints.rename(columns={"location_source": "source"}),
        "checkpoint_counts": crossings,
        "tracing": tracing(grid, params["tracing"], rngs["tracing"], sent_from_checkpoints(grid, checkpoints, crossings)),
    }


# ---------------------------------------------------------------- the [day, district] grid


@dataclass(frozen=True)
class Grid:
    """Cases and deaths as [day, district] arrays over a continuous daily range, with the units around them."""

    dates: pd.DatetimeIndex
    district_codes: np.ndarray
    province_codes: np.ndarray  # the distinct provinces, sorted
    province_of_district: np.ndarray  # index into province_codes for each district
    population: np.ndarray  # per district
    cases: np.ndarray  # the adjusted series
    deaths: np.ndarray  # 0 where unknown
    deaths_known: np.ndarray  # per day: False where the death series had stopped
    period: np.ndarray  # index into the [periods] lists for each day
    period_starts: np.ndarray  # datetime64 per period

    @classmethod
    def build(cls, district_cases: pd.DataFrame, districts: pd.DataFrame, periods: dict) -> Grid:
        units = districts.sort_values("district_code")
        codes = units["district_code"].astype(str).to_numpy(dtype=object)
        province_codes, province_of_district = np.unique(units["province_code"].astype(str).to_numpy(), return_inverse=True)
        when = pd.to_datetime(district_cases["date"])
        dates = pd.date_range(when.min(), when.max(), freq="D").as_unit(when.dt.unit)
        row = (when - dates[0]).dt.days.to_numpy()
        column = pd.Index(codes).get_indexer(district_cases["district_code"].astype(str))
        if (column < 0).any():
            raise ValueError("district_cases names districts that are not in `districts`")
        arrays = []
        for name in ("new_cases_adjusted", "new_deaths"):
            values = np.zeros((len(dates), len(codes)), dtype=np.int64)
            np.add.at(values, (row, column), district_cases[name].fillna(0).to_numpy(dtype=np.int64))
            arrays.append(values)
        unknown_deaths = np.zeros(len(dates), dtype=bool)
        unknown_deaths[row[district_cases["new_deaths"].isna().to_numpy()]] = True
        starts = np.array(periods["starts"], dtype="datetime64[D]")
        period = np.clip(np.searchsorted(starts, dates.to_numpy().astype("datetime64[D]"), side="right") - 1, 0, None)
        return cls(dates, codes, province_codes, province_of_district,
                   units["population"].to_numpy(dtype=float), arrays[0], arrays[1], ~unknown_deaths, period, starts)

    @property
    def shape(self) -> tuple[int, int]:
        return self.cases.shape

    def by_period(self, values) -> np.ndarray:
        """A per-period parameter as a [day, 1] column, ready to broadcast over districts."""
        values = np.asarray(values, dtype=float)
        if len(values) != len(self.period_starts):
            raise ValueError(f"a per-period parameter needs {len(self.period_starts)} values, got {len(values)}")
        return values[self.period][:, None]

    def daily_province_values(self, frame: pd.DataFrame) -> np.ndarray:
        """[day, district] a [date, province_code, value] frame's value for each district's province; NaN elsewhere."""
        return self.province_values(frame)[:, self.province_of_district]

    def province_values(self, frame: pd.DataFrame) -> np.ndarray:
        """[day, province] a [date, province_code, value] frame's values; NaN where it has none."""
        row = (pd.to_datetime(frame["date"]) - self.dates[0]).dt.days.to_numpy()
        province = np.searchsorted(self.province_codes, frame["province_code"].to_numpy())
        known = (row >= 0) & (row < len(self.dates)) & (province < len(self.province_codes))
        known[known] &= self.province_codes[province[known]] == frame["province_code"].to_numpy()[known]
        by_province = np.full((len(self.dates), len(self.province_codes)), np.nan)
        by_province[row[known], province[known]] = frame["value"].to_numpy(dtype=float)[known]
        return by_province

    def province_totals(self, values: np.ndarray) -> np.ndarray:
        """[day, province] sums of a [day, district] array."""
        membership = np.zeros((len(self.district_codes), len(self.province_codes)))
        membership[np.arange(len(self.district_codes)), self.province_of_district] = 1.0
        return values @ membership

    def province_incidence(self) -> np.ndarray:
        """[day, province] 7-day mean of new cases per 100k."""
        return per_100k(self.province_totals(trailing_mean(self.cases)), self.province_totals(self.population[None, :]))

    def frame(self, columns: dict[str, np.ndarray]) -> pd.DataFrame:
        """A [date, district_code, ...] frame from [day, district] arrays, with source = 'simulated'."""
        n_days, n_districts = self.shape
        data = {"date": np.repeat(self.dates.to_numpy(), n_districts),
                "district_code": labels(self.district_codes, np.tile(np.arange(n_districts), n_days))}
        data |= {name: np.asarray(values).reshape(-1).astype(np.int32) for name, values in columns.items()}
        return pd.DataFrame(data).assign(source=SIMULATED)


def labels(values, index: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """values[index] as a string array, built by index: a million rows cost milliseconds, not a second."""
    return pd.array(np.asarray(values, dtype=object), dtype="str").take(index)


def per_100k(values: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Rates per 100k that stay 0 where nobody lives (Hoàng Sa)."""
    return np.divide(values * 1e5, population, out=np.zeros(np.broadcast_shapes(values.shape, population.shape)),
                     where=population > 0)


def trailing_mean(values: np.ndarray, days: int = 7) -> np.ndarray:
    """Mean of the last `days` days (days before the series count as 0)."""
    total = np.cumsum(values, axis=0, dtype=float)
    total[days:] -= total[:-days].copy()
    return total / days


def lagged_peak(values: np.ndarray, lag, window: int) -> np.ndarray:
    """Highest value of the `window` days up to `lag` days ago: capacity follows demand late and stays open. `lag`
    is a number of days or one per day ([day, 1]); a negative lag looks ahead (capacity prepared for the load to
    come), up to the last day."""
    peak = ndimage.maximum_filter1d(values, size=window, axis=0, origin=(window - 1) // 2, mode="constant", cval=0)
    seen = np.arange(len(values)) - np.broadcast_to(np.asarray(lag, dtype=np.int64).reshape(-1), len(values))
    shifted = peak[np.clip(seen, 0, len(values) - 1)]
    shifted[seen < 0] = 0
    return shifted


def stay_curve(mean_days: float, shape: float | None = None) -> np.ndarray:
    """Share of arrivals still present k days later: gamma-distributed stays, or a fixed stay when shape is None."""
    if shape is None:
        return np.ones(int(mean_days))
    return stats.gamma.sf(np.arange(int(mean_days * 6) + 1), a=shape, scale=mean_days / shape)


def present(grid: Grid, arrivals: np.ndarray, curves: list[np.ndarray]) -> np.ndarray:
    """How many are present each day, each arrival following the stay curve of the period it arrived in."""
    total = np.zeros(arrivals.shape)
    bounds = np.append(np.searchsorted(grid.period, np.arange(len(curves))), len(grid.period))
    for period, curve in enumerate(curves):
        first, last = bounds[period], bounds[period + 1]
        if first == last:
            continue
        spread = signal.fftconvolve(arrivals[first:last], curve[:, None], axes=0)[: len(arrivals) - first]
        total[first : first + len(spread)] += spread
    return np.clip(np.rint(total), 0, None).astype(np.int64)


# ---------------------------------------------------------------- cases: origin and clinical load


@dataclass(frozen=True)
class Load:
    """Patients present each [day, district]; the beds model sizes capacity on them."""

    in_treatment: np.ndarray
    hospitalised: np.ndarray  # of those in treatment, the ones in a hospital bed (oxygen and ICU included)
    oxygen: np.ndarray  # includes the ICU patients
    icu: np.ndarray


def icu_share(grid: Grid, severity: dict) -> np.ndarray:
    """[day, district] share of new cases that will need intensive care, from the real deaths.

    The province CFR of each period (shrunk toward the national one) times the share of deaths that go
    through ICU, divided by ICU mortality: ICU and oxygen load then match the deaths that were reported.
    Only days whose deaths are known count (the death series stops in May 2022).
    """
    periods = np.eye(len(grid.period_starts))[grid.period] * grid.deaths_known[:, None]  # [day, period]
    cases = periods.T @ grid.province_totals(grid.cases)
    deaths = periods.T @ grid.province_totals(grid.deaths)
    national = deaths.sum(axis=1, keepdims=True) / np.maximum(cases.sum(axis=1, keepdims=True), 1)
    prior = severity["cfr_prior_cases"]
    cfr = (deaths + prior * national) / (cases + prior)
    ceiling = 1 / np.asarray(severity["oxygen_per_icu"], dtype=float)[:, None]  # oxygen, ICU included, <= all cases
    share = np.clip(cfr * severity["deaths_after_icu"] / severity["icu_fatality"], severity["icu_share_floor"], ceiling)
    return share[grid.period][:, grid.province_of_district]


def clinical_load(grid: Grid, params: dict, rng: Draws) -> Load:
    """Patients currently in treatment, on oxygen and in ICU: new cases convolved with lengths of stay."""
    treatment, severity = params["treatment"], params["severity"]
    critical_share = icu_share(grid, severity)
    to_icu = rng.binomial(grid.cases, critical_share)
    oxygen_only_share = critical_share * (grid.by_period(severity["oxygen_per_icu"]) - 1) / (1 - critical_share)
    to_oxygen = rng.binomial(grid.cases - to_icu, oxygen_only_share)
    n_periods = len(grid.period_starts)
    icu = present(grid, to_icu, [stay_curve(treatment["icu_mean_stay_days"], treatment["stay_shape"])] * n_periods)
    oxygen = icu + present(grid, to_oxygen, [stay_curve(treatment["oxygen_mean_stay_days"], treatment["stay_shape"])] * n_periods)
    curves = [stay_curve(days, treatment["stay_shape"]) for days in treatment["mean_stay_days"]]
    in_treatment = np.maximum(present(grid, grid.cases, curves), oxygen)  # the severe stay longer than the mild
    # The hospitalised share is that of the day a patient fell ill: a change of policy (home care from 2021) sends
    # the new patients home and lets those in hospital finish their stay, so beds in use never drop overnight.
    hospitalised = np.maximum(present(grid, grid.cases * grid.by_period(treatment["hospitalised_share"]), curves), oxygen)
    return Load(in_treatment, hospitalised, oxygen, icu)


def recorded_no_community(dates, provinces, periods: dict[str, list]) -> np.ndarray:
    """True where the record says no case was found in the community ('VN': every province), for dates and
    province codes that broadcast together (the grid's [day, district], or a table's rows)."""
    days = np.asarray(dates).astype("datetime64[D]")
    provinces = np.asarray(provinces)
    mask = np.zeros(np.broadcast_shapes(days.shape, provinces.shape), dtype=bool)
    for area, spans in periods.items():
        where = True if area == "VN" else provinces == area
        for first, last in spans:
            mask |= (days >= np.datetime64(first)) & (days <= np.datetime64(last)) & where
    return mask


def no_community(grid: Grid, periods: dict[str, list]) -> np.ndarray:
    """[day, district] True where the record says no case was found in the community."""
    provinces = grid.province_codes[grid.province_of_district]
    return recorded_no_community(grid.dates.to_numpy()[:, None], provinces[None, :], periods)


def case_details(grid: Grid, load: Load, params: dict, rng: Draws,
                 real_split: tuple[np.ndarray, np.ndarray] | None = None) -> pd.DataFrame:
    """Origin of each day's new cases (imported / found in quarantine / community) plus the clinical load.

    Imported cases arrive at a small daily rate in provinces with an airport or border gate; a local
    outbreak dilutes them. Local cases are found in quarantine while tracing keeps up; the share falls
    as district incidence rises. Where the record gives the split (`real_split`: [day, district] share of local
    cases found in quarantine or locked-down areas, NaN elsewhere, and its weight beside the model's, below 1 where
    a province's record is carried forward past its last day) it is used instead. Where the record says there was
    no community case, every local case was found in quarantine.
    """
    split = params["case_split"]
    province_recent = grid.province_totals(trailing_mean(grid.cases))[:, grid.province_of_district]
    entry = np.isin(grid.province_codes, split["entry_provinces"])[grid.province_of_district]
    rate = grid.by_period(split["imported_per_day"]) * np.where(entry, 1.0, split["non_entry_factor"])
    imported = rng.binomial(grid.cases, rate / (rate + province_recent))
    in_quarantine = grid.by_period(split["quarantine_share"]) * tracing_effort(grid, params["tracing"])
    if real_split is not None:  # the recorded share of local cases found in quarantine or locked-down areas
        share, weight = real_split
        in_quarantine = np.where(np.isnan(share), in_quarantine,
                                 np.nan_to_num(weight) * share + (1 - np.nan_to_num(weight)) * in_quarantine)
    quarantine = rng.binomial(grid.cases - imported, in_quarantine)
    quarantine = np.where(no_community(grid, split["no_community"]), grid.cases - imported, quarantine)
    frame = grid.frame({
        "community_cases": grid.cases - imported - quarantine,
        "quarantine_cases": quarantine,
        "imported_cases": imported,
        "in_treatment": load.in_treatment,
        "oxygen": load.oxygen,
        "icu": load.icu,
    })
    return frame.drop(columns="source")


# ---------------------------------------------------------------- health system


def surge_capacity(baseline: np.ndarray, load: np.ndarray, headroom: float, lag, standby: int) -> np.ndarray:
    """Baseline capacity, raised to headroom x the recent peak load once `lag` days have passed (lagged_peak)."""
    return np.maximum(baseline[None, :], headroom * lagged_peak(load, lag, standby))


def beds(grid: Grid, load: Load, params: dict, rng: Draws) -> pd.DataFrame:
    """COVID beds, ICU beds, ventilators and oxygen supply: a baseline per population plus surges that follow load.

    The baselines have floors per 100k, so a quiet week never trips a capacity criterion (vacant beds or staffed
    ICU beds per 100k); ventilators count every machine in the district's facilities, not only those of ICU beds.

    Hospital load is the patients in a hospital bed (Load.hospitalised: cohorts, so it follows a change of policy
    gradually), never fewer than those on oxygen;
    surge capacity opens after a lag (field hospitals) and stays on standby, so beds run short while a
    wave climbs, as they did in 2021; from Resolution 128 it is prepared ahead of the load (a negative lag).
    """
    bed = params["beds"]
    people = grid.population / 1e5
    spread = rng.lognormal(0.0, bed["district_sigma"], len(grid.district_codes))
    density = people * spread
    block = bed["bed_block"]
    hospital = load.hospitalised
    icu_baseline = np.ceil(people * np.maximum(bed["icu_beds_per_100k"] * spread, bed["icu_beds_floor_per_100k"]))
    lag, icu_lag = grid.by_period(bed["surge_lag_days"]), grid.by_period(bed["icu_surge_lag_days"])
    icu_staffed = np.ceil(surge_capacity(icu_baseline, load.icu, bed["surge_headroom"], icu_lag, bed["standby_days"]))
    bed_baseline = people * np.maximum(bed["covid_beds_per_100k"] * spread, bed["covid_beds_floor_per_100k"])
    total = np.ceil(surge_capacity(bed_baseline, hospital, bed["surge_headroom"], lag, bed["standby_days"])
                    / block) * block
    total = np.maximum(total, icu_staffed)
    icu_occupied = np.minimum(load.icu, icu_staffed)
    ventilators = np.maximum(np.ceil(icu_staffed * bed["ventilators_per_icu_bed"]),
                             np.ceil(bed["ventilators_per_100k"] * density)[None, :])
    on_oxygen_only = load.oxygen - load.icu
    demand = on_oxygen_only * bed["oxygen_m3_per_patient_day"] + load.icu * bed["oxygen_m3_per_icu_patient_day"]
    supply = surge_capacity(bed["oxygen_baseline_m3_per_100k"] * density, demand, bed["surge_headroom"], lag,
                            bed["standby_days"])
    frame = grid.frame({
        "covid_beds_total": total,
        "covid_beds_occupied": np.minimum(hospital, total),
        "icu_beds_staffed": icu_staffed,
        "icu_beds_occupied": icu_occupied,
        "ventilators": ventilators,
        "ventilators_in_use": np.minimum(ventilators, ventilated(icu_occupied, grid.by_period(
            params["severity"]["ventilated_per_icu"]), rng)),
    })
    frame.insert(len(frame.columns) - 1, "oxygen_supply_m3_per_day", np.round(supply, 1).reshape(-1))
    return frame


def ventilated(icu_occupied: np.ndarray, share: np.ndarray, rng: Draws) -> np.ndarray:
    """ICU patients on a ventilator: `share` of them, rounded with a fixed offset per district so that the national
    sum is unbiased (rounding each district-day to the nearest put no one on a ventilator in a district with one ICU
    patient) and each district's count still moves smoothly from day to day."""
    offset = rng.uniform((icu_occupied.shape[1],))
    return np.floor(icu_occupied * share + offset[None, :])


def tests(grid: Grid, test: dict, rng: Draws) -> pd.DataFrame:
    """RT-PCR samples: background surveillance, tracing around each case, and mass campaigns in outbreaks.

    positives are the cases confirmed by RT-PCR; the rest were confirmed by rapid tests (2022), so
    positives <= new_cases. Capacity is a baseline per population raised after the peaks of PCR runs.
    """
    people = grid.population / 1e5
    recent = trailing_mean(grid.cases)
    campaign = grid.province_incidence()[:, grid.province_of_district] > test["campaign_threshold_per_100k"]
    expected = (grid.by_period(test["background_per_100k"]) * people + grid.by_period(test["tests_per_case"]) * recent
                + grid.by_period(test["campaign_per_100k"]) * people * campaign)
    weekday = np.asarray(test["weekday_factor"])[grid.dates.day_of_week][:, None]
    samples = rng.poisson(expected * weekday * rng.lognormal(0.0, test["daily_sigma"], grid.shape))
    positives = rng.binomial(grid.cases, 1 - grid.by_period(test["rapid_confirmed_share"]))
    samples = np.maximum(samples, np.ceil(positives / test["max_positivity"]).astype(np.int64))
    pooled = rng.binomial(samples, grid.by_period(test["pooled_share"]))
    runs = samples - pooled + np.ceil(pooled / test["pool_size"])
    baseline = grid.by_period(test["capacity_per_100k"]) * people
    surge = test["capacity_headroom"] * lagged_peak(runs, test["capacity_lag_days"], test["capacity_standby_days"])
    capacity = np.ceil(np.maximum(baseline, surge))
    return grid.frame({"samples": samples, "pooled_samples": pooled, "positives": positives, "pcr_capacity": capacity})


def tracing_effort(grid: Grid, trace: dict, saturation: str = "tracing_saturation_per_100k") -> np.ndarray:
    """[day, district] share of the usual tracing work done: teams saturate as district incidence rises (at the
    incidence `trace[saturation]` of each period they do half of it)."""
    incidence = per_100k(trailing_mean(grid.cases), grid.population)
    return 1 / (1 + incidence / grid.by_period(trace[saturation]))


def tracing(grid: Grid, trace: dict, rng: Draws, from_checkpoints: np.ndarray) -> pd.DataFrame:
    """F1/F2 found per case, and how many sit in centralized quarantine or at home (fixed stays by period).

    The F1 listed per case fall as a district's incidence rises (its teams' capacity, `f1_saturation_per_100k`):
    a district with a few cases traces as widely as Điện Biên in May 2021, one in a large outbreak as narrowly as
    Tiền Giang in September.

    Every case traced has at least one close contact: F1 found in a day are never fewer than its cases.
    Centralized quarantine also takes in the people sent there from border gates and control posts
    (from_checkpoints, [day, district]): most of the people a border province quarantined in 2020-21 were
    arrivals, not F1 (Điện Biên's 9,414 of 24/5/2021, seeds/003, count every one since 2020).
    """
    effort = tracing_effort(grid, trace)
    listing = tracing_effort(grid, trace, "f1_saturation_per_100k")
    f1 = np.maximum(rng.poisson(grid.cases * grid.by_period(trace["f1_per_case"]) * listing), grid.cases)
    f2 = rng.poisson(f1 * grid.by_period(trace["f2_per_f1"]))
    f1_centralized = rng.binomial(f1, grid.by_period(trace["centralized_share"]) * effort)
    at_home = f1 - f1_centralized + rng.binomial(f2, grid.by_period(trace["f2_home_share"]))
    return grid.frame({
        "f1_identified": f1,
        "f2_identified": f2,
        "centralized_quarantine": present(grid, f1_centralized + from_checkpoints, [stay_curve(days) for days in trace["centralized_days"]]),
        "home_isolation": present(grid, at_home, [stay_curve(days) for days in trace["home_days"]]),
    })


# ---------------------------------------------------------------- borders and control posts


def read_checkpoints(grid: Grid, path: Path = CHECKPOINTS_PATH) -> pd.DataFrame:
    """The checkpoint places (data/sources/checkpoints.csv) that lie in the simulated districts; `location_source`
    says whether the place is a real one (observed) or an assumed one where a report gives only their number."""
    places = pd.read_csv(path, dtype={"province_code": str, "district_code": str})
    places = places.rename(columns={"id": "checkpoint_id"})[
        ["checkpoint_id", "name", "kind", "province_code", "district_code", "lon", "lat", "location_source"]]
    return places[places["district_code"].isin(grid.district_codes)].reset_index(drop=True)


def checkpoint_counts(grid: Grid, places: pd.DataFrame, posts: dict, rng: Draws,
                      province_cases: np.ndarray | None = None) -> pd.DataFrame:
    """Daily passages, declarations, tests and quarantine at each checkpoint.

    Border gates carry a sliver of their pre-2020 traffic while closed (freight more than people) and
    ramp up after both sides reopen. Control posts exist only while they operated; the share of travellers
    from outbreak areas grows with the cases elsewhere in the country. Positivity follows the case curve of
    the checkpoint's province.
    """
    n_days = len(grid.dates)
    sites = [posts["sites"][checkpoint] for checkpoint in places["checkpoint_id"]]
    gate = (places["kind"] == "border_gate").to_numpy()
    days = grid.dates.to_numpy().astype("datetime64[D]")[:, None]
    gate_people, gate_vehicles = border_openness(days, sites, posts)
    operating = posts_operating(days, places["province_code"], posts["control_post_active"]) & ~gate
    surge = surge_factor(days, places["checkpoint_id"], posts.get("surges", {}))
    people_factor = np.where(gate, gate_people, posts["control_post_traffic_factor"] * operating) * surge
    vehicle_factor = np.where(gate, gate_vehicles, posts["control_post_traffic_factor"] * operating) * surge

    baseline = np.array([site["people"] for site in sites], dtype=float)
    per_person = np.where(gate, posts["vehicles_per_person"]["border_gate"], posts["vehicles_per_person"]["control_post"])
    weekday = np.asarray(posts["weekday_factor"])[grid.dates.day_of_week][:, None]
    rhythm = weekday * baseline

    def noisy() -> np.ndarray:
        return rng.lognormal(0.0, posts["daily_sigma"], (n_days, len(places)))

    people_in = rng.poisson(rhythm * people_factor * noisy())
    people_out = rng.poisson(rhythm * people_factor * posts["out_per_in"] * noisy())
    vehicles = rng.poisson(rhythm * per_person * vehicle_factor * noisy())

    province = np.searchsorted(grid.province_codes, places["province_code"].to_numpy())
    province_recent = grid.province_totals(trailing_mean(grid.cases))
    elsewhere = province_recent.sum(axis=1, keepdims=True) - province_recent[:, province]
    period = grid.period[:, None]
    share_from_outbreak = np.where(
        gate, np.asarray(posts["border_outbreak_share"])[period],
        np.minimum(posts["max_outbreak_share"], 1 - np.exp(-elsewhere / posts["outbreak_scale_cases_per_day"])))
    from_outbreak = rng.binomial(people_in, share_from_outbreak)
    mean, concentration = posts["declared_share"], posts["declared_concentration"]
    declared = rng.binomial(from_outbreak, rng.beta(mean * concentration, (1 - mean) * concentration, from_outbreak.shape))
    tested = np.where(gate, rng.binomial(people_in, np.asarray(posts["border_tested_share"])[period]),
                      rng.binomial(from_outbreak, np.asarray(posts["post_tested_share"])[period]))
    incidence = grid.province_incidence()[:, province]
    floor = np.where(gate, posts["positivity_floor"]["border_gate"], posts["positivity_floor"]["control_post"])
    positive = rng.binomial(tested, np.minimum(posts["max_positivity"], floor + posts["positivity_per_incidence"] * incidence))
    cases = grid.province_totals(grid.cases)
    if province_cases is not None:  # [day, province], NaN where the province series has no row
        cases = np.fmin(cases, province_cases)
    positive = within_cases(positive, cases[:, province], province)
    sent_share = np.where(gate, np.asarray(posts["border_quarantine_share"])[period], np.asarray(posts["post_quarantine_share"])[period])
    quarantined = np.minimum(people_in, positive + rng.binomial(np.maximum(from_outbreak - positive, 0), sent_share))

    columns = {"people_in": people_in, "people_out": people_out, "vehicles": vehicles, "from_outbreak_areas": from_outbreak,
               "declared": declared, "tested": tested, "positive": positive, "quarantined": quarantined}
    data = {"date": np.repeat(grid.dates.to_numpy(), len(places)),
            "checkpoint_id": labels(places["checkpoint_id"], np.tile(np.arange(len(places)), n_days))}
    data |= {name: values.reshape(-1).astype(np.int32) for name, values in columns.items()}
    counted = (gate | operating).reshape(-1)
    return pd.DataFrame(data)[counted].reset_index(drop=True).assign(source=SIMULATED)


def sent_from_checkpoints(grid: Grid, places: pd.DataFrame, counts: pd.DataFrame) -> np.ndarray:
    """[day, district] people a checkpoint sent to centralized quarantine in its district: those quarantined less
    the positives (a positive is a case, admitted for treatment, not quarantined)."""
    sent = np.zeros(grid.shape, dtype=np.int64)
    row = (pd.to_datetime(counts["date"]) - grid.dates[0]).dt.days.to_numpy()
    district_of = pd.Series(pd.Index(grid.district_codes).get_indexer(places["district_code"]),
                            index=places["checkpoint_id"].to_numpy())
    column = district_of.reindex(counts["checkpoint_id"].to_numpy()).to_numpy()
    np.add.at(sent, (row, column), (counts["quarantined"] - counts["positive"]).to_numpy(dtype=np.int64))
    return sent


def surge_factor(days: np.ndarray, checkpoint_ids: pd.Series, surges: dict) -> np.ndarray:
    """[day, checkpoint] traffic multiplier: 1, or a recorded surge's factor on its days."""
    factor = np.ones((len(days), len(checkpoint_ids)))
    for column, checkpoint in enumerate(checkpoint_ids):
        for first, last, times in surges.get(checkpoint, []):
            factor[(days[:, 0] >= np.datetime64(first)) & (days[:, 0] <= np.datetime64(last)), column] = times
    return factor


def within_cases(positive: np.ndarray, cases: np.ndarray, province: np.ndarray) -> np.ndarray:
    """[day, checkpoint] positives scaled down so a province's checkpoints never find more than its cases of the
    day (a positive at a checkpoint is one of the province's confirmed cases)."""
    n_provinces = int(province.max()) + 1 if len(province) else 0
    found = np.zeros((len(positive), n_provinces))
    np.add.at(found, (slice(None), province), positive)
    allowed = np.zeros((len(positive), n_provinces))
    allowed[:, province] = cases
    scale = np.divide(allowed, found, out=np.ones_like(found), where=found > allowed)[:, province]
    return np.floor(positive * np.minimum(scale, 1.0)).astype(np.int64)


def border_openness(days: np.ndarray, sites: list[dict], posts: dict) -> tuple[np.ndarray, np.ndarray]:
    """[day, checkpoint] share of pre-2020 passengers and vehicles at border gates.

    A sliver while closed; after the later of Vietnam's and the neighbour's reopening, a linear ramp to
    the reopened level.
    """
    reopening = np.array([max(posts["reopening"]["VN"], posts["reopening"][site.get("neighbour", "VN")]) for site in sites],
                         dtype="datetime64[D]")
    ramp = np.clip((days - reopening).astype(float) / posts["reopening_ramp_days"], 0.0, 1.0)

    def level(closed: float, reopened: float) -> np.ndarray:
        return np.where(days >= reopening, closed + ramp * (reopened - closed), closed)

    return (level(posts["closed_people_factor"], posts["reopened_people_factor"]),
            level(posts["closed_vehicle_factor"], posts["reopened_vehicle_factor"]))


def posts_operating(days: np.ndarray, provinces: pd.Series, active: dict) -> np.ndarray:
    """[day, checkpoint] True while the province's control posts operated."""
    operating = np.zeros((len(days), len(provinces)), dtype=bool)
    for column, province in enumerate(provinces):
        for first, last in active.get(province, []):
            operating[:, column] |= (days[:, 0] >= np.datetime64(first)) & (days[:, 0] <= np.datetime64(last))
    return operating


# ---------------------------------------------------------------- vaccinations


def band_population(population_by_age: pd.DataFrame, district_codes: np.ndarray) -> np.ndarray:
    """[district, band] census population of the vaccination bands.

    05-11 = 05-09 + 2/5 of 10-14; 12-17 = 3/5 of 10-14 + 3/5 of 15-19; 18-49 = 2/5 of 15-19 + 20-24 .. 45-49;
    50-64 = 50-54 .. 60-64; 65+ = 65-69 .. 85+ (single years spread evenly within a census band).
    """
    wide = population_by_age.pivot_table(index="district_code", columns="age_group", values="population", aggfunc="sum")
    wide = wide.reindex(index=district_codes).fillna(0).astype(np.int64)

    def total(*groups: str) -> np.ndarray:
        return wide[list(groups)].sum(axis=1).to_numpy()

    ten_to_eleven = np.rint(0.4 * total("10-14")).astype(np.int64)
    fifteen_to_seventeen = np.rint(0.6 * total("15-19")).astype(np.int64)
    return np.column_stack([
        total("05-09") + ten_to_eleven,
        total("10-14") - ten_to_eleven + fifteen_to_seventeen,
        total("15-19") - fifteen_to_seventeen + total("20-24", "25-29", "30-34", "35-39", "40-44", "45-49"),
        total("50-54", "55-59", "60-64"),
        total("65-69", "70-74", "75-79", "80-84", "85+"),
    ])


def taken(room: np.ndarray, speed: np.ndarray, fraction: np.ndarray) -> np.ndarray:
    """room * (1 - (1 - fraction) ** speed), computed through logs (several times faster than **)."""
    with np.errstate(divide="ignore"):  # fraction 1 takes the whole room: log1p(-1) = -inf, expm1(-inf) = -1
        return room * -np.expm1(speed * np.log1p(-fraction))


def fill(increase: np.ndarray, room: np.ndarray, speed: np.ndarray, province: np.ndarray) -> np.ndarray:
    """Integer increments per cell that add up to each province's increase and never exceed the room.

    Every cell of a province loses the same fraction s of its remaining room per unit of speed:
    room * (1 - (1 - s) ** speed), with s found by bisection, then whole people by largest remainder.
    """
    increments = np.zeros(len(room), dtype=np.int64)
    active = (room > 0) & (increase[province] > 0)
    if not active.any():
        return increments
    room, speed, province = room[active], speed[active], province[active]
    n_provinces = len(increase)
    low, high = np.zeros(n_provinces), np.ones(n_provinces)
    for _ in range(32):  # s to 2e-10: a small fraction of one person
        middle = (low + high) / 2
        given = np.bincount(province, taken(room, speed, middle[province]), minlength=n_provinces)
        too_much = given > increase
        high = np.where(too_much, middle, high)
        low = np.where(too_much, low, middle)
    share = taken(room, speed, high[province])
    whole = np.minimum(np.floor(share), room)
    short = increase - np.bincount(province, whole, minlength=n_provinces)
    remainder = np.where(whole < room, share - whole, -1.0)
    order = np.lexsort((-remainder, province))
    rank = np.arange(len(order)) - np.searchsorted(province[order], province[order])
    extra = np.zeros(len(order))
    extra[order] = (rank < short[province[order]]) & (remainder[order] >= 0)
    increments[active] = whole + extra
    return increments


def take_back(decrease: np.ndarray, have: np.ndarray, province: np.ndarray) -> np.ndarray:
    """Integer decrements per cell, in proportion to what each cell has, that add up to each province's decrease.

    Why: a published figure can fall (records de-duplicated or moved to another province); the cells follow it.
    """
    n_provinces = len(decrease)
    total = np.bincount(province, have, minlength=n_provinces)
    wanted = np.minimum(decrease, total)
    exact = have * np.divide(wanted, total, out=np.zeros(n_provinces), where=total > 0)[province]
    whole = np.floor(exact)
    short = wanted - np.bincount(province, whole, minlength=n_provinces)
    remainder = np.where(whole < have, exact - whole, -1.0)
    order = np.lexsort((-remainder, province))
    rank = np.arange(len(order)) - np.searchsorted(province[order], province[order])
    extra = np.zeros(len(order))
    extra[order] = (rank < np.rint(short)[province[order]]) & (remainder[order] >= 0)
    return (whole + extra).astype(np.int64)


def share_out(dates: np.ndarray, targets: dict[str, np.ndarray], population: np.ndarray, province: np.ndarray,
              speed: np.ndarray, starts: dict[str, np.ndarray], beyond_census: np.ndarray, max_coverage: float) -> np.ndarray:
    """[date, dose, cell] cumulative people: each date, each dose's province increase spread over its cells.

    The room of a cell is tried in turn until the province's increase fits: eligible and within both the
    previous dose and max_coverage of the census; within the previous dose; within the census; beyond the
    census in the bands that take migrants; anywhere. Boosters stop within the previous dose: a province's
    booster figure counts doses (second boosters too), so what does not fit under the fully vaccinated of the
    same bands is not people and is left out.
    """
    n_provinces = targets[DOSES[0]].shape[1]
    reachable = np.floor(max_coverage * population)
    people = np.zeros((len(dates), len(DOSES), len(population)), dtype=np.int64)
    current = np.zeros((len(DOSES), len(population)))
    for row, date in enumerate(dates):
        for index, dose in enumerate(DOSES):
            have = current[index]
            eligible = starts[dose] <= date
            if index == 0:
                ceilings = [reachable, population]
            else:
                previous = current[index - 1]
                ceilings = [np.minimum(reachable, previous), previous, population]
            overflow = [] if dose == BOOSTER else [np.where(eligible & beyond_census, population * 100.0, 0),
                                                   population * 100.0]
            rooms = np.stack([np.where(eligible, np.maximum(ceiling - have, 0), 0) for ceiling in ceilings]
                             + overflow)
            increase = targets[dose][row] - np.bincount(province, have, minlength=n_provinces)
            capacity = np.stack([np.bincount(province, room, minlength=n_provinces) for room in rooms])
            if dose == BOOSTER:  # people: never more than the fully vaccinated of their band (the rest are doses)
                increase = np.minimum(increase, capacity[-1])
            level = np.argmax(capacity >= increase, axis=0)
            room = rooms[level[province], np.arange(len(population))]
            current[index] = (have + fill(np.maximum(increase, 0).astype(float), room, speed, province)
                              - take_back(np.maximum(-increase, 0).astype(float), have, province))
            if dose == BOOSTER:  # a published fall of the fully vaccinated takes their boosters with them
                current[index] = np.minimum(current[index], current[index - 1])
        people[row] = current
    return people


def vaccinations(grid: Grid, population_by_age: pd.DataFrame, province_people: pd.DataFrame,
                 vaccine: dict, rng: Draws) -> pd.DataFrame:
    """Cumulative people per district, age band and dose, on the dates of `province_people`.

    province_people: data.vaccination.province_vaccinations (the snapshots exactly on their dates, estimates
    from the record elsewhere); each change fills the eligible bands, older bands faster, or, where a published
    figure fell, takes people back in proportion. The portal sometimes reports more second doses than first, or
    more people than census residents (provinces with many migrant workers): share_out then relaxes its limits
    rather than miss the real total.
    """
    first_day, last_day = (grid.dates[[0, -1]].to_numpy().astype("datetime64[D]"))
    wide = {dose: province_people.pivot(index="date", columns="province_code", values=column)
            .reindex(columns=grid.province_codes).fillna(0)
            for dose, column in zip(DOSES, ("people_dose1", "people_full", "people_booster"))}
    dates = wide["dose1"].index.to_numpy().astype("datetime64[D]")
    targets = {dose: frame.to_numpy(dtype=np.int64) for dose, frame in wide.items()}

    population = band_population(population_by_age, grid.district_codes).reshape(-1)
    n_bands = len(VACCINE_BANDS)
    province = np.repeat(grid.province_of_district, n_bands)
    uptake = rng.lognormal(0.0, vaccine["district_sigma"], len(grid.district_codes))
    speed = np.outer(uptake, [vaccine["priority_weight"][band] for band in VACCINE_BANDS]).reshape(-1)
    starts = {dose: np.tile(np.array([vaccine["booster_start" if dose == "booster" else "primary_start"][band]
                                      for band in VACCINE_BANDS], dtype="datetime64[D]"), len(grid.district_codes))
              for dose in DOSES}
    beyond_census = np.tile(np.isin(VACCINE_BANDS, vaccine["beyond_census_bands"]), len(grid.district_codes))
    people = share_out(dates, targets, population, province, speed, starts, beyond_census, vaccine["max_coverage"])

    in_range = (dates >= first_day) & (dates <= last_day)
    people = people[in_range]
    kept = dates[in_range]
    n_districts, n_dates, n_doses = len(grid.district_codes), len(kept), len(DOSES)
    by_cell = people.reshape(n_dates, n_doses, n_districts, n_bands).transpose(0, 2, 3, 1)
    return pd.DataFrame({
        "date": np.repeat(kept.astype(grid.dates.dtype), n_districts * n_bands * n_doses),
        "district_code": labels(grid.district_codes, np.tile(np.repeat(np.arange(n_districts), n_bands * n_doses), n_dates)),
        "age_group": labels(VACCINE_BANDS, np.tile(np.repeat(np.arange(n_bands), n_doses), n_dates * n_districts)),
        "dose": labels(DOSES, np.tile(np.arange(n_doses), n_dates * n_districts * n_bands)),
        "people": by_cell.reshape(-1),
        "source": SIMULATED,
    })
