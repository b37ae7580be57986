"""The weekly level band under the epidemic curve, and the weeks where the level changed.

Weeks are those of data.levels (Monday to Sunday, judged on the Sunday, complete weeks only), and the
inputs and the classification are the indicators package's, so the band agrees with the map. Only the
area's own districts over the period shown are read: a band costs a fraction of a second, not the
seconds that every district of the country over three years would.
"""
from __future__ import annotations

import pandas as pd

from data.levels import week_ends
from indicators import engine, inputs
from indicators import levelstyle
from indicators.rulesets import RuleSet
from indicators.origin import least_real

def weekly_levels(tables: dict[str, pd.DataFrame], kind: str, ruleset: RuleSet) -> pd.DataFrame:
    """Level of one area per complete week: week_start, level (<NA> unknown).

    `tables` are the area's tables (data.trends.area_tables) and `kind` its kind (district, province,
    country); a province or the country is judged on its districts' summed inputs, as the map does.
    """
    daily = inputs.district_inputs(tables["cases"], tables["beds"], tables["tests"], tables["vaccinations"],
                                   tables["districts"], tables["population_by_age"])
    if kind != "district":
        daily = inputs.aggregate_inputs(daily, kind)
    sundays = daily.loc[week_ends(daily["date"])].reset_index(drop=True)
    return pd.DataFrame({
        "week_start": pd.to_datetime(sundays["date"]) - pd.Timedelta(days=6),
        "level": engine.classify(sundays, ruleset)["level"],
        "inputs_source": inputs_source(tables),
    })


def inputs_source(tables: dict[str, pd.DataFrame]) -> str:
    """The least real origin among the figures a level is computed from: simulated, estimated or observed."""
    origins = set()
    for frame in tables.values():
        for column in frame.columns[frame.columns.str.endswith("source") & (frame.columns != "boundary_source")]:
            origins |= set(frame[column].dropna())
    return least_real(*origins)


def bands(weekly: pd.DataFrame, ruleset: RuleSet, lang: str, colorblind: bool = False) -> pd.DataFrame:
    """One row per week with its level's label and colour, flagging each change between known levels.

    `weekly`: week_start, level (nullable; <NA> = unknown, grey), inputs_source (`weekly_levels`). A change
    is judged against the last known level, so an unknown week in between is no change.
    Columns: week_start, level, label, color, changed, change_text ('2→3'), inputs_source.
    """
    frame = weekly.sort_values("week_start", ignore_index=True)
    level = frame["level"].astype("Float64")
    previous = level.ffill().shift()
    changed = (level.notna() & previous.notna() & (level != previous)).fillna(False).astype(bool)
    text = previous.astype("Int64").astype("str") + "→" + level.astype("Int64").astype("str")  # fits in a week
    numbers = frame["level"].astype("Int64")
    return pd.DataFrame({
        "week_start": pd.to_datetime(frame["week_start"]),
        "level": numbers,
        "label": levelstyle.labels(numbers, ruleset, lang),
        "color": levelstyle.colors(numbers, ruleset, colorblind),
        "changed": changed,
        "change_text": text.where(changed, ""),
        "inputs_source": frame["inputs_source"],
    })
