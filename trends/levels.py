"""The weekly level band under the epidemic curve, and the weeks where the level changed.

The levels are the classified view's (data.levels: Monday to Sunday, judged on the Sunday, complete weeks
only, stored once per database version), so the band agrees with the map by construction.
"""
from __future__ import annotations

import pandas as pd

from i18n import fmt_date, t
from indicators import levelstyle
from indicators.rulesets import RuleSet


def stored_band(history: pd.DataFrame) -> pd.DataFrame:
    """The classified view's history of one unit (data.levels.history) in the shape `bands` reads."""
    return history.rename(columns={"week": "week_start", "inputs_origin": "inputs_source"}).assign(
        week_start=lambda frame: pd.to_datetime(frame["week_start"]))


def bands(weekly: pd.DataFrame, ruleset: RuleSet | dict[str, RuleSet], lang: str,
          colorblind: bool = False) -> pd.DataFrame:
    """One row per week with its level's label and colour, flagging each change between known levels.

    `weekly`: week_start, level (nullable; <NA> = unknown, grey), inputs_source (`weekly_levels`), and, where
    `ruleset` is a dict of rule sets by id, the `ruleset_id` each week was judged under (its label and colour
    come from it). A change is judged against the last known level, so an unknown week in between is no change.
    Columns: week_start, level, label, color, changed, change_text ('2→3'), inputs_source, ruleset_name (the
    rules that judged the week).
    """
    frame = weekly.sort_values("week_start", ignore_index=True)
    level = frame["level"].astype("Float64")
    previous = level.ffill().shift()
    changed = (level.notna() & previous.notna() & (level != previous)).fillna(False).astype(bool)
    text = previous.astype("Int64").astype("str") + "→" + level.astype("Int64").astype("str")  # fits in a week
    numbers = frame["level"].astype("Int64")
    if isinstance(ruleset, dict):
        label = levelstyle.labels_by(numbers, frame["ruleset_id"], ruleset, lang)
        color = levelstyle.colors_by(numbers, frame["ruleset_id"], ruleset, colorblind)
        name = frame["ruleset_id"].map({ruleset_id: rules.name(lang) for ruleset_id, rules in ruleset.items()})
    else:
        label, color = levelstyle.labels(numbers, ruleset, lang), levelstyle.colors(numbers, ruleset, colorblind)
        name = ruleset.name(lang)
    return pd.DataFrame({
        "week_start": pd.to_datetime(frame["week_start"]),
        "level": numbers,
        "label": label,
        "color": color,
        "changed": changed,
        "change_text": text.where(changed, ""),
        "inputs_source": frame["inputs_source"],
        "ruleset_name": name,
    })


def with_announced(band: pd.DataFrame, announced: pd.DataFrame, ruleset: RuleSet, lang: str,
                   colorblind: bool = False) -> pd.DataFrame:
    """The band with the level announced on each week's data where one was (indicators.agreement.announced_weeks):
    announced_level (<NA> elsewhere), its colour and a tooltip text naming the level and the day it was announced."""
    merged = band.merge(announced.rename(columns={"level": "announced_level"}), on="week_start", how="left")
    levels = merged["announced_level"].astype("Int64")
    days = pd.to_datetime(merged["announced_date"])
    text = [t("trends.announced_mark", lang, level=label, date=fmt_date(day, lang)) if pd.notna(level) else ""
            for level, label, day in zip(levels, levelstyle.labels(levels, ruleset, lang), days)]
    return merged.assign(announced_level=levels, announced_color=levelstyle.colors(levels, ruleset, colorblind),
                         announced_text=text).drop(columns=["announced_date", "source_url"])
