"""The weekly level band under the epidemic curve, and the weeks where the level changed.

Weeks are those of data.levels (Monday to Sunday, judged on the Sunday); districts are classified on
their own inputs and provinces and the country on inputs summed from their districts
(indicators.inputs.aggregate_inputs), each only where the rule set applies to that kind of unit.
"""
from __future__ import annotations

import pandas as pd

from data.levels import week_ends
from indicators import engine, inputs
from i18n import t
from indicators.rulesets import UNKNOWN_COLOR, UNKNOWN_LABEL, RuleSet

UNIT_COLUMNS = {"district": "district_code", "province": "province_code", "country": "country_code"}


def weekly_levels(daily_inputs: pd.DataFrame, ruleset: RuleSet) -> pd.DataFrame:
    """Level of every unit the rule set applies to, per complete week: unit (URL key), week_start, level.

    `daily_inputs` is indicators.inputs.district_inputs over the database (data.levels.district_inputs).
    """
    frames = []
    for kind, unit_column in UNIT_COLUMNS.items():
        if kind not in ruleset.applies_to:
            continue
        daily = daily_inputs if kind == "district" else inputs.aggregate_inputs(daily_inputs, kind)
        sundays = daily.loc[week_ends(daily["date"])].reset_index(drop=True)
        frames.append(pd.DataFrame({
            "unit": sundays[unit_column].astype("str"),
            "week_start": pd.to_datetime(sundays["date"]) - pd.Timedelta(days=6),
            "level": engine.classify(sundays, ruleset)["level"],
        }))
    if not frames:
        return pd.DataFrame({"unit": pd.Series(dtype="str"), "week_start": pd.Series(dtype="datetime64[ns]"),
                             "level": pd.Series(dtype="Int64")})
    return pd.concat(frames, ignore_index=True)


def bands(weekly: pd.DataFrame, ruleset: RuleSet, lang: str, colorblind: bool = False) -> pd.DataFrame:
    """One row per week with its level's label and colour, flagging each change between known levels.

    `weekly`: week_start, level (nullable; <NA> = unknown, grey). A change is judged against the last
    known level, so an unknown week in between is no change.
    Columns: week_start, level, label, color, changed, change_text ('Cấp 2 → 3').
    """
    frame = weekly.sort_values("week_start", ignore_index=True)
    level = frame["level"].astype("Float64")
    previous = level.ffill().shift()
    changed = (level.notna() & previous.notna() & (level != previous)).fillna(False).astype(bool)
    word = t("trends.level_word", lang)
    text = word + " " + previous.astype("Int64").astype("str") + " → " + level.astype("Int64").astype("str")
    numbers = frame["level"].astype("Int64")
    labels = {entry.number: entry.label(lang) for entry in ruleset.levels}
    colors = {entry.number: entry.color_colorblind if colorblind else entry.color for entry in ruleset.levels}
    return pd.DataFrame({
        "week_start": pd.to_datetime(frame["week_start"]),
        "level": numbers,
        "label": numbers.map(labels, na_action="ignore").fillna(UNKNOWN_LABEL[lang]).astype("str"),
        "color": numbers.map(colors, na_action="ignore").fillna(UNKNOWN_COLOR).astype("str"),
        "changed": changed,
        "change_text": text.where(changed, ""),
    })
