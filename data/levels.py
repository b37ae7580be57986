"""Weekly epidemic levels of every district: the tables the rule sets read, loaded once and classified at once.

A week runs Monday to Sunday (the reporting week) and is judged on its Sunday, on the 7 days that end
there; only complete weeks are judged. Rows are labelled by the week's Monday (`week`).
The SQL lives here; the inputs and the classification are the indicators package's.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from data.db import districts, population_by_age, query, table
from indicators import engine, inputs
from indicators.rulesets import load_ruleset

SUNDAY = 6
# Figures the map's detail panel shows beside the level (every rule set's own inputs are kept too).
DETAIL_COLUMNS = (
    "population", "new_cases_7d", "new_cases_prev_7d", "community_cases_7d", "cases_per_100k_7d",
    "community_cases_per_100k_7d", "new_deaths_7d", "in_treatment", "covid_beds_total", "covid_beds_occupied",
    "covid_bed_occupancy_pct", "icu_beds_staffed", "icu_beds_occupied", "icu_occupancy_pct",
    "pct_18plus_dose1", "pct_18plus_full", "pct_50plus_full", "pct_50plus_booster", "treatment_capacity_met",
)


def district_inputs(con) -> pd.DataFrame:
    """indicators.inputs.district_inputs over the whole database: every district, every day of `cases`."""
    return inputs.district_inputs(
        table(con, "cases"), table(con, "beds"), table(con, "tests"), table(con, "vaccinations"),
        districts(con), population_by_age(con),
    )


def complete_weeks(first: dt.date, last: dt.date) -> list[dt.date]:
    """Mondays of the weeks that are judged between two dates (the same weeks `weekly_levels` returns)."""
    monday = first + dt.timedelta(days=-first.weekday() % 7)
    return [monday + dt.timedelta(weeks=n) for n in range(max(0, ((last - monday).days - 6) // 7 + 1))]


def week_ends(dates: pd.Series) -> pd.Series:
    """True on the Sundays that close a complete week of data (the first days may start mid-week)."""
    days = pd.to_datetime(dates)
    return (days.dt.day_of_week == SUNDAY) & (days >= days.min() + pd.Timedelta(days=6))


def weekly_inputs(con) -> pd.DataFrame:
    """Every rule set's inputs on the Sunday of each complete week, for every district: district_code,
    province_code, week (its Monday), week_end, then the columns of indicators.inputs.district_inputs.

    The costly part of the levels, and the same for every rule set: compute it once, classify it per rule set.
    """
    daily = district_inputs(con)
    frame = daily.loc[week_ends(daily["date"])].rename(columns={"date": "week_end"}).reset_index(drop=True)
    frame.insert(2, "week", frame["week_end"] - pd.Timedelta(days=6))
    return frame


def classify_weeks(weekly: pd.DataFrame, ruleset_id: str) -> pd.DataFrame:
    """The levels of a `weekly_inputs` frame under one rule set: district_code, province_code, week, week_end,
    the figures of DETAIL_COLUMNS and the rule set's inputs, then level (Int64, <NA> unknown), label_vi,
    label_en, color (official palette) and reasons, from indicators.engine.classify."""
    ruleset = load_ruleset(ruleset_id)
    keep = list(dict.fromkeys(["district_code", "province_code", "week", "week_end",
                               *DETAIL_COLUMNS, *ruleset.input_columns]))
    frame = weekly[[column for column in keep if column in weekly]]
    return pd.concat([frame, engine.classify(frame, ruleset)], axis=1)


def weekly_levels(con, ruleset_id: str) -> pd.DataFrame:
    """`classify_weeks(weekly_inputs(con), ruleset_id)`: the levels of every district and complete week."""
    return classify_weeks(weekly_inputs(con), ruleset_id)


def week_sources(con) -> pd.DataFrame:
    """Where each week's figures come from, per table: observed | estimated | simulated | mixed.

    Columns: week (Monday), cases, beds, vaccinations. The map says it under the legend, since the
    built-in district cases are partly observed and beds and vaccinations are simulated.
    """
    def origin(column: str) -> str:
        return f"CASE WHEN COUNT(DISTINCT {column}) > 1 THEN 'mixed' ELSE ANY_VALUE({column}) END"

    return query(
        con,
        f"""WITH c AS (SELECT date_trunc('week', date)::DATE AS week, {origin('source')} AS cases
                       FROM cases GROUP BY 1),
                 b AS (SELECT date_trunc('week', date)::DATE AS week, {origin('source')} AS beds
                       FROM beds GROUP BY 1),
                 v AS (SELECT date_trunc('week', date)::DATE AS week, {origin('source')} AS vaccinations
                       FROM vaccinations GROUP BY 1)
            SELECT c.week, c.cases, b.beds, v.vaccinations
            FROM c LEFT JOIN b USING (week) LEFT JOIN v USING (week) ORDER BY c.week""",
    )



def weekly_province_levels(con, ruleset_id: str, to: str = "province") -> pd.DataFrame:
    """Province (or, `to="country"`, country) levels of every complete week, from the districts' inputs summed
    (indicators.inputs.aggregate_inputs): province_code (country_code), week, week_end, inputs, then
    classify's columns."""
    daily = inputs.aggregate_inputs(district_inputs(con), to)
    frame = daily.loc[week_ends(daily["date"])].rename(columns={"date": "week_end"}).reset_index(drop=True)
    frame.insert(1, "week", frame["week_end"] - pd.Timedelta(days=6))
    ruleset = load_ruleset(ruleset_id)
    return pd.concat([frame, engine.classify(frame, ruleset)], axis=1)
