"""Treatment capacity per 100,000 population against the surge thresholds.

The figures are the metrics frame's (vacant_covid_beds_per_100k, staffed_icu_beds_per_100k: data.metrics) and
the thresholds the variant-surge rule set's capacity criteria (indicators/rules/vn-variant-surge-2023.toml):
one home for each. A unit whose figure falls on the criterion's "met" side is flagged; a unit without
population (Hoàng Sa) or without bed figures gets no flag at all (NA: "no data"), never "fine".
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.rulesets import Criterion, load_ruleset

SURGE_RULESET = "vn-variant-surge-2023"
# flag column -> the metrics-frame figure the rule set's criterion reads
SURGE_INPUTS = {"beds_surge": "vacant_covid_beds_per_100k", "icu_surge": "staffed_icu_beds_per_100k"}


def surge_criteria() -> dict[str, Criterion]:
    """The rule set's criterion behind each flag (its threshold, comparison and source are shown on the page)."""
    ruleset = load_ruleset(SURGE_RULESET)
    by_input = {criterion.input: criterion for criterion in ruleset.criteria}
    return {flag: by_input[column] for flag, column in SURGE_INPUTS.items()}


def _met(values: pd.Series, criterion: Criterion) -> pd.Series:
    """Nullable boolean: the value lies in a band graded above the criterion's lowest grade."""
    numbers = values.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    known = ~np.isnan(numbers)
    grades = np.asarray(criterion.grades)[criterion.bands(np.where(known, numbers, 0.0))]
    return pd.Series(grades > min(criterion.grades), index=values.index, dtype="boolean").where(known)


def surge_table(units: pd.DataFrame) -> pd.DataFrame:
    """Metrics-frame rows with the surge flags: beds_surge, icu_surge and any_surge (nullable booleans)."""
    out = units.copy()
    for flag, criterion in surge_criteria().items():
        out[flag] = _met(out[criterion.input], criterion)
    out["any_surge"] = out["beds_surge"] | out["icu_surge"]
    return out


def crossing(table: pd.DataFrame) -> pd.DataFrame:
    """The units of a surge table that cross a threshold, most urgent first (fewest vacant beds per 100k)."""
    flagged = table[table["any_surge"].fillna(False).to_numpy(dtype=bool)]
    return flagged.sort_values(list(SURGE_INPUTS.values()), na_position="last")
