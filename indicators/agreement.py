"""Agreement of the levels a rule set gives with the levels provinces announced at the time.

Why: a steering committee replaying October 2021 must see the levels the provinces announced, or it will not
trust the tool with this week's data. The announced levels, each with its source, are in
data/sources/covid/announced_province_levels_2021.csv.
"""
from __future__ import annotations

import pandas as pd

from indicators import engine
from indicators.rulesets import RuleSet, load_ruleset


def compare(province_inputs: pd.DataFrame, announced: pd.DataFrame, ruleset: RuleSet | str,
            overrides: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per announced (date, province): announced_date, province_code, announced (level), level (the
    rule set's, from the data the announcement rests on: engine.data_day), ruleset, agrees.

    province_inputs: the daily metrics frame of the provinces (data.metrics.daily, unit_code renamed province_code)
    covering the announced dates.
    announced: [announced_date, province_code, level]. overrides: {province_code: rule-set id} for the provinces
    that assessed with their own file (e.g. {"79": "vn-2021-qd4800-hcm"}).
    """
    days = sorted(pd.to_datetime(announced["announced_date"]).unique())
    codes = province_inputs["province_code"].astype(str)
    parts = []
    for ruleset_id, rows in [(ruleset, ~codes.isin(list(overrides or {})))] + [
            (local, codes == code) for code, local in (overrides or {}).items()]:
        classified = engine.classify_on(province_inputs[rows.to_numpy()], ruleset_id, days)
        parts.append(classified.assign(ruleset=load_ruleset(ruleset_id).id))
    levels = pd.concat(parts, ignore_index=True)
    levels = levels.assign(province_code=levels["province_code"].astype(str))[
        ["announced", "province_code", "level", "ruleset"]]
    frame = announced.assign(announced_date=pd.to_datetime(announced["announced_date"]),
                             province_code=announced["province_code"].astype(str)).rename(columns={"level": "announced"})
    both = frame.merge(levels.rename(columns={"announced": "announced_date"}), on=["announced_date", "province_code"],
                       how="left")
    both["agrees"] = (both["level"] == both["announced"]).fillna(False).astype(bool)
    return both[["announced_date", "province_code", "announced", "level", "ruleset", "agrees"]]


def summary(comparison: pd.DataFrame) -> pd.DataFrame:
    """Per announced date: provinces announced, provinces that agree, and the share that agrees."""
    grouped = comparison.groupby("announced_date")["agrees"]
    result = pd.DataFrame({"provinces": grouped.size(), "agree": grouped.sum()})
    result["share"] = result["agree"] / result["provinces"]
    return result.reset_index()
