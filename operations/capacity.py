"""Treatment capacity per 100,000 population against the surge thresholds.

A unit whose vacant COVID-19 beds per 100k are at or below the bed threshold, or whose staffed ICU beds per
100k are below the ICU threshold, is flagged. A unit without population (Hoàng Sa) or without bed figures gets
no flag at all (NA: "no data"), never "fine".
"""
from __future__ import annotations

import pandas as pd

from operations import parameters


def per_100k(count: pd.Series, population: pd.Series) -> pd.Series:
    """count / population x 100,000, NaN where the population is zero or unknown."""
    population = population.astype(float)
    return count.astype(float) / population.where(population > 0) * 1e5


def percent(part: pd.Series, whole: pd.Series) -> pd.Series:
    """part / whole x 100, NaN where whole is zero."""
    whole = whole.astype(float)
    return part.astype(float) / whole.where(whole > 0) * 100


def surge_table(units: pd.DataFrame, vacant_max: float | None = None, icu_min: float | None = None) -> pd.DataFrame:
    """`units` (population and the bed columns of `beds`) with occupancy, per-100k figures and surge flags.

    beds_surge: vacant COVID beds per 100k <= vacant_max; icu_surge: staffed ICU beds per 100k < icu_min;
    both nullable booleans (NA when the figure is unknown).
    """
    limits = parameters()["surge"]
    vacant_max = limits["vacant_covid_beds_per_100k_max"] if vacant_max is None else vacant_max
    icu_min = limits["staffed_icu_beds_per_100k_min"] if icu_min is None else icu_min
    out = units.copy()
    out["vacant_beds"] = (out["covid_beds_total"] - out["covid_beds_occupied"]).clip(lower=0)
    out["occupancy_pct"] = percent(out["covid_beds_occupied"], out["covid_beds_total"])
    out["icu_occupancy_pct"] = percent(out["icu_beds_occupied"], out["icu_beds_staffed"])
    out["ventilators_in_use_pct"] = percent(out["ventilators_in_use"], out["ventilators"])
    out["vacant_beds_per_100k"] = per_100k(out["vacant_beds"], out["population"])
    out["icu_staffed_per_100k"] = per_100k(out["icu_beds_staffed"], out["population"])
    out["beds_surge"] = _flag(out["vacant_beds_per_100k"] <= vacant_max, out["vacant_beds_per_100k"])
    out["icu_surge"] = _flag(out["icu_staffed_per_100k"] < icu_min, out["icu_staffed_per_100k"])
    out["any_surge"] = out["beds_surge"] | out["icu_surge"]
    return out


def _flag(condition: pd.Series, value: pd.Series) -> pd.Series:
    return condition.astype("boolean").mask(value.isna())


def crossing(table: pd.DataFrame) -> pd.DataFrame:
    """The units of a surge table that cross a threshold, most urgent first (fewest vacant beds per 100k)."""
    flagged = table[table["any_surge"].fillna(False).to_numpy(dtype=bool)]
    return flagged.sort_values(["vacant_beds_per_100k", "icu_staffed_per_100k"], na_position="last")

