"""The per-district input frame every shipped rule set reads, and the same inputs for provinces and country.

`district_inputs` takes frames shaped like the DuckDB tables of data/schema.sql and returns one row per
(district_code, date) for every district and every calendar day of the `cases` table. It carries the
counts (7-day sums, beds, people vaccinated, populations) and the rates computed from them; provinces and
the country are made by summing the counts first and computing the rates again (`aggregate_inputs`),
never by averaging district rates.

Definitions that the tables do not give directly (documented here because the levels depend on them):

* ``treatment_capacity_met`` (QĐ 4800 criterion 3, "khả năng thu dung, điều trị"): COVID-19 bed occupancy
  below ``TREATMENT_CAPACITY_LIMITS["covid_bed_occupancy_pct"]`` and, where the unit has staffed ICU beds,
  ICU occupancy below ``TREATMENT_CAPACITY_LIMITS["icu_occupancy_pct"]``. A unit without ICU beds sends
  its critical patients to the provincial tier, so its ICU condition does not apply. Unknown when the
  unit has no COVID-19 beds or the bed figures are missing.
* ``admissions_per_100k_7d``: the tables hold patients under treatment (a stock), not admissions (a
  flow). New admissions are estimated as in_treatment(t) − in_treatment(t−1) × (1 − 1/L), i.e. patients
  leave (discharge or death) at a constant daily rate 1/L with L = ``ASSUMED_MEAN_STAY_DAYS``; negative
  estimates are set to 0. An estimate, not an observed count.
* ``inpatient_beds_covid_pct``: the share of COVID-19-designated beds occupied. CDC's measure divides by
  all staffed inpatient beds, which the tables do not hold, so this reads higher than CDC's would.
* Vaccination coverage: weekly cumulative counts carried forward to every day; denominators from the
  census bands (aged ≥ 18 = 2/5 of '15-19' plus every band from '20-24'). The high-risk groups are taken
  as people aged ≥ 50 (the only risk factor in the data), against the 80 % target.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators import metrics
from indicators.metrics import rolling_sum_wide, to_wides

TREATMENT_CAPACITY_LIMITS = {"covid_bed_occupancy_pct": 80.0, "icu_occupancy_pct": 80.0}
ASSUMED_MEAN_STAY_DAYS = 10.0
COUNTRY_CODE = "VN"

# (column, min age, dose) of the people-vaccinated counts, and the coverage column made from each.
VACCINATED = {
    "people_18plus_dose1": (18, "dose1", "pct_18plus_dose1"),
    "people_18plus_full": (18, "full", "pct_18plus_full"),
    "people_50plus_full": (50, "full", "pct_50plus_full"),
    "people_50plus_booster": (50, "booster", "pct_50plus_booster"),
    "people_65plus_full": (65, "full", "pct_65plus_full"),
}
POPULATIONS = {"population": 0, "population_18plus": 18, "population_50plus": 50, "population_65plus": 65}

# Counts: summed when units are aggregated. Every rate below is computed from them.
COUNT_COLUMNS = (
    *POPULATIONS, "new_cases_7d", "new_cases_prev_7d", "community_cases_7d", "community_cases_prev_7d",
    "new_deaths_7d", "oxygen_7d",
    "admissions_7d", "in_treatment", "covid_beds_total", "covid_beds_occupied", "icu_beds_staffed",
    "icu_beds_occupied", "samples_7d", "positives_7d", *VACCINATED,
)


def estimated_admissions_wide(in_treatment: pd.DataFrame, mean_stay_days: float = ASSUMED_MEAN_STAY_DAYS):
    """New admissions from the change in patients under treatment (see the module docstring)."""
    return (in_treatment - in_treatment.shift(1) * (1 - 1 / mean_stay_days)).clip(lower=0)


def district_inputs(cases: pd.DataFrame, beds: pd.DataFrame, tests: pd.DataFrame, vaccinations: pd.DataFrame,
                    districts: pd.DataFrame, population_by_age: pd.DataFrame, *,
                    capacity_limits: dict[str, float] = TREATMENT_CAPACITY_LIMITS,
                    mean_stay_days: float = ASSUMED_MEAN_STAY_DAYS) -> pd.DataFrame:
    """One row per (district_code, date): counts, populations and every rule-set input column.

    `district_code` and `province_code` are categoricals (cheap at 750k rows; compare them with strings
    as usual). Every district of `districts` gets every day of the `cases` calendar.
    """
    if "new_cases_adjusted" in cases:  # rates and levels follow the adjusted series (data/artefacts.py)
        cases = cases.assign(new_cases=cases["new_cases_adjusted"])
    units = pd.Index(np.sort(districts["district_code"].unique()), name="district_code")
    dates = metrics.calendar(cases["date"])
    grid = {"dates": dates, "units": units}
    case_counts = to_wides(cases, ["new_cases", "new_deaths", "community_cases", "oxygen", "in_treatment"], **grid)
    bed_counts = to_wides(beds, ["covid_beds_total", "covid_beds_occupied", "icu_beds_staffed",
                                 "icu_beds_occupied"], **grid)
    test_counts = to_wides(tests, ["samples", "positives"], **grid)
    new_cases_7d = rolling_sum_wide(case_counts["new_cases"])
    community_cases_7d = rolling_sum_wide(case_counts["community_cases"])
    counts = {
        "new_cases_7d": new_cases_7d,
        "new_cases_prev_7d": new_cases_7d.shift(7),
        "community_cases_7d": community_cases_7d,
        "community_cases_prev_7d": community_cases_7d.shift(7),
        "new_deaths_7d": rolling_sum_wide(case_counts["new_deaths"]),
        "oxygen_7d": rolling_sum_wide(case_counts["oxygen"]),
        "admissions_7d": rolling_sum_wide(estimated_admissions_wide(case_counts["in_treatment"], mean_stay_days)),
        "in_treatment": case_counts["in_treatment"],
        **bed_counts,
        "samples_7d": rolling_sum_wide(test_counts["samples"]),
        "positives_7d": rolling_sum_wide(test_counts["positives"]),
        **metrics.vaccinated_wides(vaccinations, {column: (min_age, dose) for column, (min_age, dose, _)
                                                  in VACCINATED.items()}, dates, units),
    }
    by_district = districts.set_index("district_code").reindex(units)
    populations = {"population": by_district["population"].astype(float)}
    populations |= {column: metrics.population_aged(population_by_age, min_age).reindex(units)
                    for column, min_age in POPULATIONS.items() if min_age}

    frame = pd.DataFrame({
        "district_code": pd.Categorical.from_codes(np.repeat(np.arange(len(units)), len(dates)), units),
        "province_code": pd.Categorical(np.repeat(by_district["province_code"].to_numpy(), len(dates))),
        "date": np.tile(dates.to_numpy(), len(units)),
        **{column: np.repeat(values.to_numpy(), len(dates)) for column, values in populations.items()},
        **{column: table.to_numpy().T.ravel() for column, table in counts.items()},
    }, copy=False)  # 40 fresh columns of 750k rows: no need to copy them into one block
    return add_rates(frame, capacity_limits)


def add_rates(counts: pd.DataFrame, capacity_limits: dict[str, float] = TREATMENT_CAPACITY_LIMITS) -> pd.DataFrame:
    """Every rate and flag from the count columns; the one place rates are defined, for every unit level."""
    frame = counts.copy(deep=False)  # copy-on-write: new columns never reach the caller's frame
    population = frame["population"]
    frame["cases_per_100k_7d"] = metrics.per_100k(frame["new_cases_7d"], population)
    frame["community_cases_per_100k_7d"] = metrics.per_100k(frame["community_cases_7d"], population)
    # Criterion 1 as some provinces measured it: the mean of the last two weekly sums.
    frame["cases_per_100k_14d_mean"] = metrics.per_100k((frame["new_cases_7d"] + frame["new_cases_prev_7d"]) / 2,
                                                        population)
    frame["community_cases_per_100k_14d_mean"] = metrics.per_100k(
        (frame["community_cases_7d"] + frame["community_cases_prev_7d"]) / 2, population)
    frame["deaths_per_100k_7d"] = metrics.per_100k(frame["new_deaths_7d"], population)
    frame["oxygen_cases_per_100k_7d_avg"] = metrics.per_100k(frame["oxygen_7d"] / 7, population)
    frame["admissions_per_100k_7d"] = metrics.per_100k(frame["admissions_7d"], population)
    frame["vacant_covid_beds_per_100k"] = metrics.vacant_per_100k(
        frame["covid_beds_total"], frame["covid_beds_occupied"], population)
    frame["staffed_icu_beds_per_100k"] = metrics.per_100k(frame["icu_beds_staffed"], population)
    frame["covid_bed_occupancy_pct"] = metrics.occupancy_pct(frame["covid_beds_occupied"], frame["covid_beds_total"])
    frame["icu_occupancy_pct"] = metrics.occupancy_pct(frame["icu_beds_occupied"], frame["icu_beds_staffed"])
    frame["inpatient_beds_covid_pct"] = frame["covid_bed_occupancy_pct"]
    frame["test_positivity_pct"] = metrics.positivity_pct(frame["positives_7d"], frame["samples_7d"])
    for people, (min_age, _, coverage) in VACCINATED.items():
        frame[coverage] = metrics.ratio_pct(frame[people], frame[f"population_{min_age}plus"])
    frame["high_risk_full_target_met"] = _flag(frame["pct_50plus_full"] >= metrics.HIGH_RISK_FULL_TARGET_PCT,
                                               frame["pct_50plus_full"].notna())
    frame["cases_wow_change_pct"] = metrics.change_pct(frame["new_cases_7d"], frame["new_cases_prev_7d"])
    frame["cases_growth_rate"] = metrics.growth_rate_from_sums(frame["new_cases_7d"], frame["new_cases_prev_7d"])
    frame["cases_doubling_time_days"] = metrics.doubling_time_days(frame["cases_growth_rate"])
    frame["cases_halving_time_days"] = metrics.halving_time_days(frame["cases_growth_rate"])
    frame["treatment_capacity_met"] = treatment_capacity_met(frame, capacity_limits)
    return frame


def _flag(condition: pd.Series, known: pd.Series) -> pd.Series:
    """Nullable boolean: the condition where it can be judged, <NA> where its inputs are missing."""
    return condition.astype("boolean").where(known)


def treatment_capacity_met(frame: pd.DataFrame, limits: dict[str, float] = TREATMENT_CAPACITY_LIMITS) -> pd.Series:
    """QĐ 4800 criterion 3 as the dashboard measures it (see the module docstring)."""
    beds_ok = frame["covid_bed_occupancy_pct"] < limits["covid_bed_occupancy_pct"]
    has_icu = frame["icu_beds_staffed"] > 0
    icu_ok = ~has_icu | (frame["icu_occupancy_pct"] < limits["icu_occupancy_pct"])
    known = frame["covid_bed_occupancy_pct"].notna() & (frame["icu_beds_staffed"].notna())
    known &= ~has_icu | frame["icu_occupancy_pct"].notna()
    return _flag(beds_ok & icu_ok, known)


def aggregate_inputs(frame: pd.DataFrame, to: str = "province", *,
                     capacity_limits: dict[str, float] = TREATMENT_CAPACITY_LIMITS) -> pd.DataFrame:
    """Province (`to="province"`) or country (`to="country"`) inputs from a `district_inputs` frame.

    Counts are summed, then rates computed as for districts. A district without a figure adds nothing;
    the sum is unknown only when no district of the unit has one.
    """
    if to not in ("province", "country"):
        raise ValueError(f"aggregate to 'province' or 'country', not {to!r}")
    keys = ["province_code", "date"] if to == "province" else ["date"]
    summed = frame.groupby(keys, sort=True, observed=True)[list(COUNT_COLUMNS)].sum(min_count=1).reset_index()
    if to == "country":
        summed.insert(0, "country_code", COUNTRY_CODE)
    return add_rates(summed, capacity_limits)
