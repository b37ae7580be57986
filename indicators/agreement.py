"""Agreement of the levels a rule set gives with the levels provinces announced at the time.

Why: a steering committee replaying October 2021 must see the levels the provinces announced, or it will not
trust the tool with this week's data. The announced levels, each with its source, are in
data/sources/covid/announced_province_levels.csv.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from indicators import engine
from indicators.rulesets import RuleSet, in_force, load_ruleset

NATIONAL_LIST = 20  # an announcement date naming this many provinces is a national list, not one province's own


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


def compare_stored(stored: pd.DataFrame, announced: pd.DataFrame, ruleset: RuleSet | str) -> pd.DataFrame:
    """`announced` with its level renamed `announced`, and beside it `level` (the stored level of the week the
    announcement rests on: engine.data_day; <NA> where none is stored) and `agrees`.

    stored: the weekly levels [unit_code, week (its Monday), level] (data.levels); announced: [announced_date,
    unit_code, level, …] — e.g. the district levels a province announced with its own."""
    rows = _data_weeks(announced, ruleset, None).rename(columns={"level": "announced"})
    weekly = stored.assign(week_start=pd.to_datetime(stored["week"]), unit_code=stored["unit_code"].astype(str))
    both = rows.assign(unit_code=rows["unit_code"].astype(str)).merge(
        weekly[["unit_code", "week_start", "level"]], on=["unit_code", "week_start"], how="left")
    both["level"] = both["level"].astype("Int64")
    both["agrees"] = (both["level"] == both["announced"]).fillna(False).astype(bool)
    return both.drop(columns="week_start")


def _data_weeks(announced: pd.DataFrame, ruleset: RuleSet | str, province_code: str | None) -> pd.DataFrame:
    """`announced` (of one province, or all) with `week_start`: the Monday of the week of the data each
    announcement rests on (engine.data_day)."""
    if province_code is not None:
        announced = announced[announced["province_code"].astype(str) == province_code]
    day = engine.data_day(pd.to_datetime(announced["announced_date"]), load_ruleset(ruleset))
    return announced.assign(week_start=(day - pd.to_timedelta(day.dt.day_of_week, unit="D")).to_numpy())


def resting_on(announced: pd.DataFrame, ruleset: RuleSet | str, week, province_code: str | None = None) -> pd.DataFrame:
    """The announced levels (of one province, or all) whose data is the week starting on Monday `week`, so a page
    that shows that week's levels can show the published ones beside them: rows of `announced`, latest first."""
    rows = _data_weeks(announced, ruleset, province_code)
    rows = rows[rows["week_start"] == pd.Timestamp(week)].drop(columns="week_start")
    return rows.sort_values(["announced_date", "province_code"], ascending=[False, True]).reset_index(drop=True)


def made_under(announced: pd.DataFrame, ruleset: RuleSet | str) -> pd.DataFrame:
    """The rows of `announced` made under `ruleset` (the rules in force in their province on their day: in_force),
    so a level is named and compared only under the rules it was announced by."""
    ruleset_id = load_ruleset(ruleset).id
    keep = [in_force(pd.Timestamp(day).date(), str(code))[0].id == ruleset_id
            for day, code in zip(announced["announced_date"], announced["province_code"])]
    return announced[pd.Series(keep, index=announced.index, dtype=bool)]


def announced_under(announced: pd.DataFrame, province_code: str) -> RuleSet | None:
    """The rules a province announced its levels under (None if it announced none here): those in force, its own
    file where it has one, on its latest announcement."""
    days = pd.to_datetime(announced.loc[announced["province_code"].astype(str) == province_code, "announced_date"])
    return in_force(days.max().date(), province_code)[0] if len(days) else None


def announced_weeks(announced: pd.DataFrame, ruleset: RuleSet | str, province_code: str) -> pd.DataFrame:
    """A province's announced levels by the week of their data: week_start, level, announced_date, source_url —
    the latest announcement of a week kept."""
    weeks = _data_weeks(announced, ruleset, province_code).sort_values("announced_date")
    return weeks.drop_duplicates("week_start", keep="last")[["week_start", "level", "announced_date", "source_url"]]


def tallies(published: pd.DataFrame, counted: pd.DataFrame, lists_from: int = NATIONAL_LIST) -> list[dict]:
    """The national lists among `published` (`resting_on` rows; a date that names at least `lists_from`
    provinces), latest first: {announced_date, source_url, provinces: {level: count}, districts: {level: count}},
    the districts from `counted` (announced_level_counts.csv rows) where MOH counted them that day."""
    lists = []
    for day, rows in published.groupby("announced_date", sort=False):
        if len(rows) < lists_from:
            continue
        districts = counted[(counted["announced_date"] == day) & (counted["unit_level"] == "district")]
        lists.append({"announced_date": day, "source_url": rows["source_url"].iloc[0],
                      "provinces": rows["level"].value_counts().sort_index().to_dict(),
                      "districts": dict(zip(districts["level"], districts["units"]))})
    return lists


def directions(ruleset: RuleSet | str) -> dict[str, int]:
    """Per input of a rule set: +1 where a higher value never lowers the level (cases), -1 where it never raises it
    (coverage; "capacity met" = 1)."""
    ruleset = load_ruleset(ruleset)
    return {c.input: 1 if c.grades[-1] > c.grades[0] else -1 for c in ruleset.criteria}


def ceiling(inputs: pd.DataFrame, announced: pd.Series, signs: dict[str, int]) -> int:
    """The most of `announced` levels that any rule monotone in the inputs can agree with.

    Why: the announced lists are not one rule applied to one set of inputs (two provinces with the same inputs
    were given different levels), so no rule reaches every one of them. A monotone rule never gives a lower level
    to a place that is worse on every input (more cases, less coverage, capacity no better) — Decision 4800's
    matrix and every threshold rule are such rules, whatever their thresholds. The best of them is found exactly:
    an integer programme over "level ≥ k" flags per place (flags fall with k, rise from a place to any place that
    is worse on every input), maximising the places whose level is the announced one. Places with a missing
    input are compared with none.

    inputs: one row per place, a column per key of `signs`; announced: the level announced for each row.
    """
    values = inputs[list(signs)].to_numpy(dtype=float) * np.array(list(signs.values()), dtype=float)
    wanted = np.asarray(announced, dtype=int)
    levels = np.arange(min(wanted.min(), 1), wanted.max() + 1)
    places, steps = len(values), len(levels) - 1  # flag (i, k): level of place i >= levels[k + 1]
    flag = np.arange(places * steps).reshape(places, steps)
    hit = places * steps + np.arange(places)  # 1 where place i gets its announced level
    known = ~np.isnan(values).any(axis=1)
    worse = known[:, None] & known[None, :] & (values[:, None, :] <= values[None, :, :]).all(axis=2)
    np.fill_diagonal(worse, False)
    rows, columns, coefficients, upper = [], [], [], []

    def constrain(pairs: list[tuple[np.ndarray, float]], bound: np.ndarray) -> None:
        """sum of coefficient * variable <= bound, one constraint per element of the arrays."""
        first = sum(len(u) for u in upper)
        for variables, coefficient in pairs:
            rows.append(first + np.arange(len(bound)))
            columns.append(variables)
            coefficients.append(np.full(len(bound), coefficient))
        upper.append(bound)

    if steps > 1:  # level >= k+1 only where level >= k
        constrain([(flag[:, 1:].ravel(), 1.0), (flag[:, :-1].ravel(), -1.0)], np.zeros(places * (steps - 1)))
    better, than = np.nonzero(worse)
    for k in range(steps):  # monotone: a place worse on every input is at least as high
        constrain([(flag[better, k], 1.0), (flag[than, k], -1.0)], np.zeros(len(better)))
    index = np.searchsorted(levels, wanted)
    above = index >= 1  # a hit needs level >= the announced one ...
    constrain([(hit[above], 1.0), (flag[above, index[above] - 1], -1.0)], np.zeros(above.sum()))
    below = index < steps  # ... and not level >= the next one
    constrain([(hit[below], 1.0), (flag[below, index[below]], 1.0)], np.ones(below.sum()))
    size = places * steps + places
    matrix = coo_array((np.concatenate(coefficients), (np.concatenate(rows), np.concatenate(columns))),
                       shape=(sum(len(u) for u in upper), size))
    objective = np.zeros(size)
    objective[hit] = -1.0
    result = milp(objective, constraints=LinearConstraint(matrix.tocsr(), -np.inf, np.concatenate(upper)),
                  integrality=np.ones(size), bounds=Bounds(0, 1))
    return int(round(-result.fun))


def ceilings(province_inputs: pd.DataFrame, announced: pd.DataFrame, ruleset: RuleSet | str) -> pd.DataFrame:
    """Per announced date: provinces announced and the `ceiling` of any rule monotone in the rule set's inputs,
    read from the data each announcement rests on (as `compare`)."""
    ruleset = load_ruleset(ruleset)
    signs = directions(ruleset)
    frame = announced.assign(announced_date=pd.to_datetime(announced["announced_date"]),
                             province_code=announced["province_code"].astype(str))
    rows = engine.classify_on(province_inputs, ruleset, sorted(frame["announced_date"].unique()))
    rows = rows.assign(province_code=rows["province_code"].astype(str)).merge(
        frame.rename(columns={"level": "announced_level", "announced_date": "announced"}),
        on=["announced", "province_code"])
    return pd.DataFrame([{"announced_date": day, "provinces": len(group),
                          "ceiling": ceiling(group, group["announced_level"], signs)}
                         for day, group in rows.groupby("announced")])


def own_announcements(comparison: pd.DataFrame, lists_from: int = NATIONAL_LIST) -> pd.DataFrame:
    """The rows of `comparison` (`compare` rows) that a province announced on its own day, not on a national list
    (a date naming at least `lists_from` provinces): between MOH's lists, the provinces' own decisions and notices."""
    per_day = comparison.groupby("announced_date")["province_code"].transform("size")
    return comparison[per_day < lists_from]


def summary(comparison: pd.DataFrame) -> pd.DataFrame:
    """Per announced date: provinces announced, provinces that agree, and the share that agrees."""
    grouped = comparison.groupby("announced_date")["agrees"]
    result = pd.DataFrame({"provinces": grouped.size(), "agree": grouped.sum()})
    result["share"] = result["agree"] / result["provinces"]
    return result.reset_index()
