"""The week's levels of every unit as one flat table: what `python -m indicators levels` writes and what the
map page shows, sorts, filters and downloads. One pure function builds it, so the two cannot disagree.

It reads a classified-levels frame (one row per unit and week, as `data.levels.weekly_levels` returns it:
a code column, week, week_end, the rule set's inputs, level, label_vi, label_en, reasons) and never the
database, so it works on any stored copy of that table.
"""
from __future__ import annotations

import datetime as dt
from typing import Mapping

import pandas as pd

from indicators.engine import reasons_text
from indicators.rulesets import RuleSet

ORIGINS = ("observed", "estimated", "simulated", "mixed")
# The table an input is computed from, which gives its origin (observed | estimated | simulated | mixed).
INPUT_TABLES = {
    "cases_per_100k_7d": "cases", "community_cases_per_100k_7d": "cases", "oxygen_cases_per_100k_7d_avg": "beds",
    "admissions_per_100k_7d": "beds", "inpatient_beds_covid_pct": "beds", "vacant_covid_beds_per_100k": "beds",
    "staffed_icu_beds_per_100k": "beds", "treatment_capacity_met": "beds", "test_positivity_pct": "tests",
    "pct_18plus_dose1": "vaccinations", "pct_18plus_full": "vaccinations", "pct_50plus_full": "vaccinations",
    "pct_50plus_booster": "vaccinations", "more_virulent_variant": "declared",
    "reduced_vaccine_effectiveness": "declared",
}
FIXED_COLUMNS = ("code", "name", "week_start", "week_end", "level", "label", "previous_level", "change", "reasons")


def week_origins(sources: pd.DataFrame, week: dt.date) -> dict[str, str]:
    """Origin of each table in `week`, from a `data.levels.week_sources` frame. A table without rows that
    week reads as simulated, never as observed; declared inputs (a variant, say) are set by hand: observed."""
    row = sources.loc[pd.to_datetime(sources["week"]) == pd.Timestamp(week)]
    origins = {table: (row[table].iloc[0] if len(row) and table in row and row[table].iloc[0] in ORIGINS
                       else "simulated") for table in ("cases", "beds", "vaccinations", "tests")}
    return origins | {"declared": "observed"}


def levels_table(classified: pd.DataFrame, week: dt.date, names: Mapping[str, str], ruleset: RuleSet,
                 origins: Mapping[str, str], lang: str = "vi", code_column: str = "district_code") -> pd.DataFrame:
    """One row per unit of `names` (code -> name) for the week starting on Monday `week`, sorted by code.

    Columns: code, name, week_start, week_end (ISO dates), level (Int64, empty when unknown), label,
    previous_level, change (level minus last week's, empty when either is unknown), reasons (the deciding
    criteria with their values and thresholds, then the others), then for each input of the rule set its
    value and `<input>_origin` (from `origins`, table -> origin, e.g. `week_origins`).
    """
    monday = pd.Timestamp(week)
    this_week = classified.loc[classified["week"] == monday].set_index(code_column)
    previous = classified.loc[classified["week"] == monday - pd.Timedelta(weeks=1)].set_index(code_column)
    codes = sorted(names)
    rows = this_week.reindex(codes)
    level = rows["level"].astype("Int64").reset_index(drop=True)
    previous_level = previous["level"].reindex(codes).astype("Int64").reset_index(drop=True)
    table = pd.DataFrame({
        "code": codes,
        "name": [names[code] for code in codes],
        "week_start": monday.date().isoformat(),
        "week_end": (monday + pd.Timedelta(days=6)).date().isoformat(),
        "level": level,
        "label": rows[f"label_{lang}"].astype("object").fillna("").to_numpy(),
        "previous_level": previous_level,
        "change": level - previous_level,
        "reasons": [reasons_text(reasons, ruleset, lang) if isinstance(reasons, dict) else ""
                    for reasons in rows["reasons"]],
    })
    for column in ruleset.input_columns:
        values = rows[column] if column in rows else pd.Series(pd.NA, index=rows.index)
        table[column] = pd.to_numeric(values, errors="coerce").round(3).to_numpy()
        table[f"{column}_origin"] = origins.get(INPUT_TABLES.get(column, ""), "simulated")
    return table
