"""The classified view: the level of every unit (district, province, country) and complete week under every rule
set, with its reasons and the origin of each reason's input, computed once per database version and stored.

A week runs Monday to Sunday (the reporting week) and is judged on its Sunday, on the metrics frame's weekly
shape (data.metrics.weekly); only complete weeks are judged; rows are labelled by the week's Monday (`week`).
`refresh` writes two tables, rebuilt by data.build and after every upload or rollback (data.ingest.store):

* `weekly_metrics` — the figures beside a level (DETAIL_COLUMNS, STORED_COLUMNS) and every rule set's inputs,
  from the metrics frame of every unit on every judged Sunday;
* `levels` — ruleset_id, unit_level, unit_code, week, week_end, level (NULL unknown), label_vi, label_en,
  inputs_origin (the least real origin among the rule set's inputs) and reasons (indicators.engine's
  structure; each criterion carries `origin`).

Every surface reads levels here (map, trends band, Overview, briefing, reports, CLI) and never classifies.
Colours and labels for display come from the rule set (indicators.levelstyle).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa

from data import metrics
from data.db import COUNTRY, DISTRICT, PROVINCE, Area, query
from indicators import engine
from indicators.origin import ORIGINS, combine
from indicators.rulesets import RuleSet, list_rulesets, load_ruleset

LEVELS_TABLE = "levels"
WEEKLY_TABLE = "weekly_metrics"
# The one look-back of every surface that shows "the level on a day": this week and the one before, where a
# day's week is the last complete week that ends on or before it (`level_week`).
LOOKBACK_WEEKS = 2
# Figures the map's detail panel shows beside the level, with their origins.
DETAIL_COLUMNS = (
    "population", "new_cases_7d", "new_cases_prev_7d", "community_cases_7d", "cases_per_100k_7d",
    "community_cases_per_100k_7d", "new_deaths_7d", "in_treatment", "covid_beds_total", "covid_beds_occupied",
    "covid_bed_occupancy_pct", "icu_beds_staffed", "icu_beds_occupied", "icu_occupancy_pct",
    "pct_18plus_dose1", "pct_18plus_full", "pct_50plus_full", "pct_50plus_booster", "treatment_capacity_met",
    "cases_7d_origin", "deaths_7d_origin", "beds_origin", "vaccinations_origin",
)
KEY_COLUMNS = ("unit_level", "unit_code", "week", "week_end")
# Besides the detail figures and the inputs: what coverage rests on (a week's people and denominators, so a
# coverage shown as 100 % can say why).
STORED_COLUMNS = (
    "people_18plus_dose1", "people_18plus_full", "people_50plus_full", "people_50plus_booster", "people_65plus_full",
    "population_18plus", metrics.COVERAGE_ADULTS, "population_50plus", "population_65plus",
    "pct_65plus_full", "vaccinated_beyond_population",
)


def complete_weeks(first: dt.date, last: dt.date) -> list[dt.date]:
    """Mondays of the weeks that are judged between two dates (the weeks `refresh` stores)."""
    monday = first + dt.timedelta(days=-first.weekday() % 7)
    return [monday + dt.timedelta(weeks=n) for n in range(max(0, ((last - monday).days - 6) // 7 + 1))]


def level_week(day: dt.date) -> dt.date:
    """The Monday of the last complete week that ends on or before `day`: the week whose level a day shows."""
    sunday = day - dt.timedelta(days=(day.weekday() + 1) % 7)
    return sunday - dt.timedelta(days=6)


def inputs_origin(frame: pd.DataFrame, ruleset: RuleSet) -> pd.Categorical:
    """The least real origin among a rule set's inputs, per row (unknown where no input has one)."""
    columns = [f"{column}_origin" for column in ruleset.input_columns if f"{column}_origin" in frame]
    if not columns:
        return pd.Categorical.from_codes(np.full(len(frame), -1), categories=list(ORIGINS))
    codes = np.max([frame[column].cat.codes.to_numpy() for column in columns], axis=0)
    return pd.Categorical.from_codes(codes, categories=list(ORIGINS))


def classify(weekly: pd.DataFrame, ruleset: RuleSet | str) -> pd.DataFrame:
    """The levels of a weekly metrics frame under one rule set: unit_level, unit_code, week, week_end, level,
    label_vi, label_en, inputs_origin, reasons."""
    ruleset = load_ruleset(ruleset)
    result = engine.classify(weekly, ruleset)
    keys = weekly[["unit_level", "unit_code", "week", "week_end"]].reset_index(drop=True)
    return pd.concat([keys.assign(ruleset_id=ruleset.id), result.reset_index(drop=True)], axis=1).assign(
        inputs_origin=inputs_origin(weekly, ruleset))


def refresh(con) -> None:
    """Compute the weekly metrics and every rule set's levels for every unit and write both tables.

    The weekly metrics are written where they are computed (no round trip through pandas); each rule set is
    classified on the columns it reads and appended, so memory stays that of one rule set's levels.
    Called by data.build and by the store after every upload or rollback it committed.
    """
    sql, params = metrics.weekly_all_sql()
    rulesets = list_rulesets()
    cur = con.cursor()
    try:
        frame_columns = [row[0] for row in cur.execute(f"DESCRIBE SELECT * FROM ({sql})", params).fetchall()]
        inputs = list(dict.fromkeys(column for ruleset in rulesets for column in ruleset.input_columns))
        wanted = [c for c in inputs if c in frame_columns] + [f"{c}_origin" for c in inputs
                                                              if f"{c}_origin" in frame_columns]
        # Only the figures shown beside a level and the rule sets' inputs are stored: the optimizer then skips
        # the rest of the frame, and fewer columns are written (the most of a refresh at commune scale).
        stored = list(dict.fromkeys([*KEY_COLUMNS, *DETAIL_COLUMNS, *STORED_COLUMNS, *wanted]))
        cur.execute(f"CREATE OR REPLACE TABLE {WEEKLY_TABLE} AS SELECT {', '.join(stored)} FROM ({sql})", params)
        weekly = metrics.as_frame(cur.execute(f"SELECT {', '.join([*KEY_COLUMNS, *wanted])} FROM {WEEKLY_TABLE}").df())
        cur.execute(f"DROP TABLE IF EXISTS {LEVELS_TABLE}")
        reasons = reasons_type(rulesets)
        for ruleset in rulesets:
            _append(cur, classify(weekly, ruleset), reasons)
    finally:
        cur.close()


def _enum(words) -> str:
    return "ENUM(" + ", ".join("'" + word.replace("'", "''") + "'" for word in dict.fromkeys(words)) + ")"


def reasons_type(rulesets: list[RuleSet]) -> str:
    """The stored type of `reasons`: its words (criteria, inputs, factors, comparisons, origins) as ENUMs, which
    DuckDB writes in half the time of the same words as text (what a refresh at commune scale spends most on)."""
    criteria = [criterion for ruleset in rulesets for criterion in ruleset.criteria]
    factors = [factor.id for ruleset in rulesets for factor in ruleset.factors]
    return (f"STRUCT(level SMALLINT, table_level SMALLINT, factors STRUCT(factor {_enum(factors)}, grade TINYINT)[], "
            f"criteria STRUCT(criterion {_enum(c.id for c in criteria)}, input {_enum(c.input for c in criteria)}, "
            f"value DOUBLE, band TINYINT, comparison {_enum(engine.COMPARISONS)}, threshold DOUBLE, grade TINYINT, "
            f"decided BOOLEAN, origin {_enum(ORIGINS)})[])")


def _append(cur, levels: pd.DataFrame, reasons: str) -> None:
    """Append one rule set's levels to the stored table (created by the first); `reasons`: reasons_type."""
    for column in ("unit_level", "unit_code", "ruleset_id", "label_vi", "label_en", "inputs_origin"):
        levels[column] = levels[column].astype("object").where(levels[column].notna(), None)
    cur.register("staged_levels", pa.Table.from_pandas(levels.astype({"level": "Int8"}), preserve_index=False))
    try:
        exists = cur.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = ?",
                             [LEVELS_TABLE]).fetchone()[0]
        select = f"""SELECT ruleset_id, unit_level, unit_code, week::DATE AS week, week_end::DATE AS week_end,
                            level::TINYINT AS level, label_vi, label_en, inputs_origin, reasons::{reasons} AS reasons
                     FROM staged_levels"""
        cur.execute(f"INSERT INTO {LEVELS_TABLE} {select}" if exists else f"CREATE TABLE {LEVELS_TABLE} AS {select}")
    finally:
        cur.unregister("staged_levels")


def _unit(area: Area) -> tuple[str, str]:
    return area.level, area.key


def week_levels(con, ruleset_id: str, week: dt.date, unit_level: str = DISTRICT) -> pd.DataFrame:
    """Every unit's level in one week under one rule set, with the detail figures: indexed by unit_code;
    week_end, level (Int64, <NA> unknown), label_vi, label_en, inputs_origin, reasons (dicts), DETAIL_COLUMNS."""
    frame = query(
        con,
        f"""SELECT l.unit_code, l.week_end, l.level, l.label_vi, l.label_en, l.inputs_origin, l.reasons,
                   {', '.join(metrics.origin_word(f'm.{c}') + f' AS {c}' if c.endswith('_origin') else f'm.{c}'
                              for c in DETAIL_COLUMNS)}
            FROM {LEVELS_TABLE} l LEFT JOIN {WEEKLY_TABLE} m USING (unit_level, unit_code, week)
            WHERE l.ruleset_id = ? AND l.unit_level = ? AND l.week = ?""",
        [ruleset_id, unit_level, week],
    )
    return frame.astype({"level": "Int64"}).set_index("unit_code")


def levels_of_weeks(con, ruleset_id: str, week: dt.date, unit_level: str = DISTRICT) -> pd.DataFrame:
    """Every unit's stored level in `week` and the week before (what indicators.levels_table reads): unit_code,
    week, week_end, level (Int64), label_vi, label_en, reasons (each criterion with its input, value and origin)."""
    frame = query(
        con,
        f"""SELECT unit_code, week, week_end, level, label_vi, label_en, reasons FROM {LEVELS_TABLE}
            WHERE ruleset_id = ? AND unit_level = ? AND week IN (?::DATE, ?::DATE - INTERVAL 7 DAY)
            ORDER BY week, unit_code""",
        [ruleset_id, unit_level, week, week],
    )
    return frame.astype({"level": "Int64"}).assign(week=lambda f: pd.to_datetime(f["week"]))


def history(con, ruleset_id: str, area: Area, start: dt.date | None = None,
            end: dt.date | None = None) -> pd.DataFrame:
    """One unit's level week by week (weeks whose Monday lies from `start` to `end`): week, week_end, level
    (Int64), inputs_origin."""
    level, code = _unit(area)
    frame = query(
        con,
        f"""SELECT week, week_end, level, inputs_origin FROM {LEVELS_TABLE}
            WHERE ruleset_id = ? AND unit_level = ? AND unit_code = ?
              AND (?::DATE IS NULL OR week >= ?::DATE) AND (?::DATE IS NULL OR week <= ?::DATE)
            ORDER BY week""",
        [ruleset_id, level, code, start, start, end, end],
    )
    return frame.astype({"level": "Int64"})


def recent(con, area: Area, day: dt.date, ruleset_id: str, weeks: int = LOOKBACK_WEEKS) -> pd.DataFrame:
    """The area's level in the `weeks` complete weeks up to `day` (the last is `level_week(day)`): week,
    week_end, level, inputs_origin, reasons."""
    last = level_week(day)
    level, code = _unit(area)
    frame = query(
        con,
        f"""SELECT week, week_end, level, inputs_origin, reasons FROM {LEVELS_TABLE}
            WHERE ruleset_id = ? AND unit_level = ? AND unit_code = ? AND week > ?::DATE - INTERVAL (?) WEEK
              AND week <= ?::DATE
            ORDER BY week""",
        [ruleset_id, level, code, last, weeks, last],
    )
    return frame.astype({"level": "Int64"})


def week_origins(con, week: dt.date) -> dict[str, str | None]:
    """Where a week's district figures come from, per group (cases, beds, vaccinations): the combined origin of
    every district's figure that week, as the map says under its legend."""
    row = query(
        con,
        f"""SELECT {', '.join(f"list_distinct(list({metrics.origin_word(column + '_origin')})) AS {name}"
                              for name, column in
                              (("cases", "cases_7d"), ("beds", "beds"), ("vaccinations", "vaccinations")))}
            FROM {WEEKLY_TABLE} WHERE unit_level = ? AND week = ?""",
        [DISTRICT, week],
    )
    return {name: combine(row[name].iloc[0]) if len(row) and row[name].iloc[0] is not None else None
            for name in ("cases", "beds", "vaccinations")}
