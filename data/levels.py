"""The classified view: the level of every unit (district, province, country) and complete week under every rule
set, with its reasons and the origin of each reason's input, computed once per database version and stored.

A week runs Monday to Sunday (the reporting week) and is judged on its Sunday, on the metrics frame's weekly
shape (data.metrics.weekly); only complete weeks are judged; rows are labelled by the week's Monday (`week`).
`refresh` writes two tables, rebuilt by data.build and after every upload or rollback (data.ingest.store):

* `weekly_metrics` — the figures beside a level (DETAIL_COLUMNS, STORED_COLUMNS) and every rule set's inputs,
  from the metrics frame of every unit on every judged Sunday;
* `levels` — ruleset_id, unit_level, unit_code, week, week_end, level (NULL unknown), inputs_origin (the least
  real origin among the rule set's inputs) and the rule set's verdict as numbers (LEVELS_SCHEMA); the readers
  here give it back as indicators.engine.classify does: labels and reasons (each criterion carries `origin`).

Every surface reads levels here (map, trends band, Overview, briefing, reports, CLI) and never classifies.
Colours and labels for display come from the rule set (indicators.levelstyle).
"""
from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data import metrics
from data.db import COUNTRY, DISTRICT, PROVINCE, Area, province_of, query
from indicators import agreement, engine
from indicators.origin import combine
from indicators.rulesets import DEFAULT_RULESET, RuleSet, in_force, list_rulesets, load_ruleset

ANNOUNCED_LEVELS = Path(__file__).resolve().parent / "sources" / "covid" / "announced_province_levels.csv"
ANNOUNCED_COUNTS = ANNOUNCED_LEVELS.with_name("announced_level_counts.csv")
ANNOUNCED_DISTRICTS = ANNOUNCED_LEVELS.with_name("announced_district_levels.csv")


def announced_counts() -> pd.DataFrame:
    """How many units MOH counted at each level on a day (ANNOUNCED_COUNTS): announced_date, unit_level, level,
    units, source_url, note."""
    return pd.read_csv(ANNOUNCED_COUNTS)


def announced_levels() -> pd.DataFrame:
    """The levels provinces and MOH announced, each with its source (ANNOUNCED_LEVELS): announced_date,
    province_code, province_name, level, source_url, note."""
    return pd.read_csv(ANNOUNCED_LEVELS, dtype={"province_code": str})


def announced_district_levels() -> pd.DataFrame:
    """The district levels provinces announced with their own, each with its source (ANNOUNCED_DISTRICTS):
    announced_date, province_code, district_code, district_name, level, source_url, note."""
    return pd.read_csv(ANNOUNCED_DISTRICTS, dtype={"province_code": str, "district_code": str})


def district_agreement_with_announced(con, ruleset_id: str = "vn-2021-qd4800") -> pd.DataFrame:
    """indicators.agreement.compare_stored of the stored district levels with the district levels the provinces
    announced (ANNOUNCED_DISTRICTS), each on the week its announcement rests on: the file's rows (district_code as
    unit_code, its level as `announced`) with `level` and `agrees`."""
    announced = announced_district_levels().rename(columns={"district_code": "unit_code"})
    days = pd.to_datetime(announced["announced_date"])
    stored = query(con, f"SELECT unit_code, week, level FROM {LEVELS_TABLE} "
                        "WHERE ruleset_id = ? AND unit_level = ? AND week BETWEEN ? AND ?",  # a level rests on a week before
                   [ruleset_id, DISTRICT, (days.min() - pd.Timedelta(weeks=2)).date(), days.max().date()])
    return agreement.compare_stored(stored, announced, ruleset_id)


def _announced_inputs(con) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The province frame of the weeks the announcements rest on, and the announced levels (ANNOUNCED_LEVELS).

    The frame starts four weeks before the first announcement: a level rests on the week before it, and a rule set
    may read the two weeks before that (`14d_mean`)."""
    announced = announced_levels()
    days = pd.to_datetime(announced["announced_date"])
    daily = metrics.daily(con, PROVINCE, None, (days.min() - pd.Timedelta(weeks=4)).date(), days.max().date())
    return daily.rename(columns={"unit_code": "province_code"}), announced


def _rules_announced_under(announced: pd.DataFrame) -> pd.Series:
    """Per announced row, the national rule set in force on its day (indicators.rulesets.in_force): a level is
    compared only under the rules it was announced by (Decision 4800 to 26/1/2022, Decision 218 from 27/1/2022)."""
    return pd.Series([in_force(pd.Timestamp(day).date())[0].id for day in announced["announced_date"]],
                     index=announced.index)


def _own_files(ruleset_id: str) -> dict[str, str]:
    """{province_code: rule-set id} of the provinces that assessed with their own file extending `ruleset_id`
    (indicators/rules/local/, `provinces`): they are judged by it."""
    return {code: ruleset.id for ruleset in list_rulesets() if ruleset.extends == ruleset_id for code in ruleset.provinces}


def agreement_with_announced(con) -> pd.DataFrame:
    """indicators.agreement.compare of the province levels with the levels provinces and MOH announced
    (ANNOUNCED_LEVELS), each under the rule set it was announced by, graded on the province frame of the weeks
    those announcements rest on; rows in the file's order."""
    daily, announced = _announced_inputs(con)
    parts = [agreement.compare(daily, rows, ruleset_id, _own_files(ruleset_id)).set_axis(rows.index)
             for ruleset_id, rows in announced.groupby(_rules_announced_under(announced), sort=False)]
    return pd.concat(parts).sort_index().reset_index(drop=True)


def agreement_ceilings(con) -> pd.DataFrame:
    """indicators.agreement.ceilings: per announced date, the most provinces any rule monotone in the inputs of
    the rule set it was announced by could agree with, on the same data as `agreement_with_announced`."""
    daily, announced = _announced_inputs(con)
    parts = [agreement.ceilings(daily, rows, ruleset_id)
             for ruleset_id, rows in announced.groupby(_rules_announced_under(announced), sort=False)]
    return pd.concat(parts).sort_values("announced_date").reset_index(drop=True)


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


def rulesets_in_force(weeks: pd.Series, province: str | None = None) -> pd.Series:
    """The id of the rule set each week (a Monday) is judged under when none is picked: the one in force (in
    `province`, its own file where it has one) when it ended, so a band over many weeks follows the decisions as
    they replaced each other."""
    return pd.to_datetime(weeks).map(lambda monday: in_force((monday + pd.Timedelta(days=6)).date(), province)[0].id)


def first_rules_date() -> dt.date:
    """The day the first epidemic-level criteria took effect (DEFAULT_RULESET's legal date): before it, levels are
    given for reference."""
    return load_ruleset(DEFAULT_RULESET).legal_date


def ruleset_in_force(day: dt.date, province: str | None = None) -> tuple[RuleSet, bool]:
    """The rule set the level shown on `day` is judged under — the one in force (indicators.rulesets.in_force;
    in `province`, its own file where it has one) when its week (`level_week`) ended — and whether any rule
    set was in force on `day` itself. Every surface opens with it, so a day's level is the same on all of them,
    on either side of the day one rule set replaced another."""
    return in_force(level_week(day) + dt.timedelta(days=6), province)[0], in_force(day)[1]


# How a rule set's verdict is stored (indicators.engine.Verdict): numbers, never words, one row per rule set and
# weekly_metrics row (its rowid); the `levels` view adds that row (unit, week, every stored figure). The values
# the criteria read are those figures, and the words (criteria, inputs, comparisons, thresholds, labels) come from
# the rule set, when a surface reads a level (`_verdict`, `_described`).
# Each criterion's band, grade, origin and role are packed in 16 bits (CRITERION_BITS), four criteria to a BIGINT
# word (CRITERION_WORDS: rulesets.MAX_CRITERIA in all), each factor's grade in 8 bits of one BIGINT: a refresh at
# commune scale writes a few integers per row (lists of small numbers cost twice as much to write).
VERDICTS_TABLE = "level_verdicts"
CRITERION_WORDS = ("criteria_a", "criteria_b")
VERDICTS_SCHEMA = f"""CREATE TABLE {VERDICTS_TABLE} (
    ruleset_id VARCHAR, metrics_row BIGINT,   -- the rowid of the weekly_metrics row judged
    level TINYINT,            -- NULL: unknown (grey)
    inputs_origin TINYINT,    -- the least real origin among the inputs (indicators.origin rank), NULL unknown
    table_level TINYINT, factor_grades BIGINT, {', '.join(f'{word} BIGINT' for word in CRITERION_WORDS)})"""
LEVELS_VIEW = f"""CREATE VIEW {LEVELS_TABLE} AS
    SELECT v.ruleset_id, m.*, v.* EXCLUDE (ruleset_id, metrics_row)
    FROM {VERDICTS_TABLE} v JOIN {WEEKLY_TABLE} m ON m.rowid = v.metrics_row"""
STORED_VERDICT = "level, table_level, factor_grades, criteria"  # as `_verdict` reads them: the words unpacked
# (Verdict field, shift, mask) of each criterion's 16 bits, `decided` in bit 0; each field is stored plus one, so -1
# (none) packs as 0.
CRITERION_BITS = (("bands", 8, 0xFF), ("grades", 4, 0xF), ("origins", 1, 0x7))
CRITERION_WIDTH, FACTOR_WIDTH = 16, 8  # bits per criterion, per factor grade (plus one)
CRITERIA_PER_WORD = 64 // CRITERION_WIDTH
# The province of a weekly_metrics row `m` (NULL for the country), its districts' through `d` (districts)
PROVINCE_OF_ROW = f"CASE m.unit_level WHEN '{PROVINCE}' THEN m.unit_code ELSE d.province_code END"
GRADING_MEMORY = "256MB"  # DuckDB's memory while the rule sets grade and their verdicts are appended
APPEND_ROWS = 1_000_000  # verdicts staged before an insert: a whole district build in one, commune scale per rule set


def refresh(con) -> None:
    """Compute the weekly metrics and every rule set's levels for every unit and write both tables.

    The weekly metrics are written where they are computed (no round trip through pandas); each rule set grades
    the columns it reads and its verdict is appended as numbers, so memory stays that of one rule set's levels.
    Called by data.build and by the store after every upload or rollback it committed.
    """
    sql, params = metrics.weekly_all_sql(tracing=False)  # no stored figure or rule-set input is a tracing one
    rulesets = list_rulesets()
    cur, limit = con.cursor(), None
    try:
        inputs = list(dict.fromkeys(column for ruleset in rulesets for column in ruleset.input_columns))
        # Only the figures shown beside a level and the rule sets' inputs (those the frame has) are stored: the
        # optimizer then skips the rest of the frame, and fewer columns are written (the most of a refresh at
        # commune scale). COLUMNS picks them as the query is bound, without a plan of its own to ask for names.
        candidates = list(dict.fromkeys([*KEY_COLUMNS, *DETAIL_COLUMNS, *STORED_COLUMNS, *inputs,
                                         *(f"{c}_origin" for c in inputs)]))
        _drop_levels(cur)
        limit = cur.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        cur.execute("SET preserve_insertion_order = false")  # written in parallel: readers never rely on its order
        cur.execute(f"CREATE OR REPLACE TABLE {WEEKLY_TABLE} AS "
                    f"SELECT COLUMNS(lambda c: list_contains(?::VARCHAR[], c)) FROM ({sql})", [candidates, *params])
        cur.execute("RESET preserve_insertion_order")
        stored = {row[0] for row in cur.execute(f"DESCRIBE {WEEKLY_TABLE}").fetchall()}
        wanted = [c for c in inputs if c in stored] + [f"{c}_origin" for c in inputs if f"{c}_origin" in stored]
        # The frame is written: DuckDB hands back the buffers it kept (1.5 GB at commune scale) before the rule
        # sets grade in pandas, or a refresh would hold both at once.
        cur.execute(f"SET memory_limit = '{GRADING_MEMORY}'")
        # inputs read as numbers (a yes/no as 1/0, as the engine grades it): pandas then converts none of them
        numbers = [f"CAST(m.{c} AS DOUBLE) AS {c}" if not c.endswith("_origin") else f"m.{c}" for c in wanted]
        read = cur.sql(f"""SELECT m.rowid, m.unit_level, {PROVINCE_OF_ROW} AS province_code,
                                  {', '.join(numbers)}
                           FROM {WEEKLY_TABLE} m LEFT JOIN districts d ON m.unit_level = '{DISTRICT}'
                                AND d.district_code = m.unit_code""").to_arrow_table()
        weekly = metrics.as_frame(read.select(wanted).to_pandas())
        rows = read.column("rowid")
        unit_levels, provinces = read.column("unit_level"), read.column("province_code")
        del read
        cur.execute(f"DROP TABLE IF EXISTS {VERDICTS_TABLE}")
        cur.execute(VERDICTS_SCHEMA)
        # Batches of about APPEND_ROWS (each insert costs a round of its own), written by a second thread while
        # the next rule set grades: DuckDB writes without the GIL, so the two overlap on a machine of two cores.
        staged, writing = [], None
        with ThreadPoolExecutor(max_workers=1) as writer:
            for ruleset in rulesets:
                graded = _graded_rows(unit_levels, provinces, ruleset)
                if graded is None:
                    staged.append(_staged(ruleset.id, rows, engine.verdict(weekly, ruleset)))
                else:
                    staged.append(_staged(ruleset.id, rows.filter(pa.array(graded)),
                                          engine.verdict(weekly[graded], ruleset)))
                if sum(len(table) for table in staged) >= APPEND_ROWS or ruleset is rulesets[-1]:
                    if writing is not None:
                        writing.result()  # one batch in flight: memory stays that of two
                    writing = writer.submit(_append, cur, pa.concat_tables(staged))
                    staged = []
            writing.result()
        cur.execute(LEVELS_VIEW)
    finally:
        if limit is not None:
            cur.execute(f"SET memory_limit = '{_memory_setting(limit)}'")
        cur.close()


def _graded_rows(unit_levels: pa.ChunkedArray, provinces: pa.ChunkedArray, ruleset: RuleSet) -> np.ndarray | None:
    """The rows a rule set judges (a mask), or None for all: units of the levels it applies to, and the country,
    whose level every rule set's Overview and reports show; a province's own file (`provinces`), only that
    province and its districts. A rule set of provinces (the Lai Châu plan) grades no district: no surface shows it
    there, and at commune scale those rows were a sixth of the grading."""
    # Arrow's hash lookup: numpy's isin over 1.6 M Python strings took 70 ms per rule set at commune scale
    levels_judged = [*ruleset.applies_to] if ruleset.provinces else [*ruleset.applies_to, COUNTRY]
    graded = pc.is_in(unit_levels, value_set=pa.array(levels_judged)).to_numpy(zero_copy_only=False)
    if ruleset.provinces:
        graded &= pc.is_in(provinces, value_set=pa.array(list(ruleset.provinces))).to_numpy(zero_copy_only=False)
    return None if graded.all() else graded


def _memory_setting(value: str) -> str:
    """A memory_limit as DuckDB reported it ('1.3 GiB'), checked before it is set again."""
    if not re.fullmatch(r"[0-9.]+ ?[KMGT]i?B", value):
        raise ValueError(f"unexpected memory_limit {value!r}")
    return value


def _drop_levels(cur) -> None:
    """Drop the `levels` view, or the table it was before schema version 4 (data.migrate refreshes those)."""
    kind = cur.execute("SELECT table_type FROM information_schema.tables WHERE table_name = ?",
                       [LEVELS_TABLE]).fetchone()
    if kind:
        cur.execute(f"DROP {'VIEW' if kind[0] == 'VIEW' else 'TABLE'} {LEVELS_TABLE}")


def _nullable(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype(np.int8), mask=values < 0)


def _word(matrix: np.ndarray, width: int) -> pa.Array:
    """The columns of `matrix` (rows × at most 64 // width small non-negative numbers) packed in one BIGINT a row,
    the first in the lowest bits: the row's numbers side by side as little-endian integers of `width` bits, read
    as one 64-bit integer (no arithmetic over the 10 M rows of a commune-scale refresh)."""
    cells = np.zeros((len(matrix), 64 // width), dtype=f"<u{width // 8}")
    cells[:, :matrix.shape[1]] = matrix
    return pa.array(cells.view("<i8").ravel())


def _unpacked(word: str, count: int, width: int) -> list[str]:
    """SQL: the first `count` numbers of `width` bits of a BIGINT word (what `_word` packed)."""
    return [f"(({word} >> {width * i}) & {(1 << width) - 1})" for i in range(count)]


def _staged(ruleset_id: str, rows: pa.Array, verdict: engine.Verdict) -> pa.Table:
    """One rule set's verdict on the weekly_metrics rows `rows` (rowids), as the stored table's rows."""
    packed = verdict.decided.astype(np.uint16)
    for field, shift, _ in CRITERION_BITS:
        packed |= (getattr(verdict, field) + 1).astype(np.uint16) << shift
    words = {word: _word(packed[:, i * CRITERIA_PER_WORD:(i + 1) * CRITERIA_PER_WORD], CRITERION_WIDTH)
             for i, word in enumerate(CRITERION_WORDS)}
    return pa.table({
        "ruleset_id": pa.DictionaryArray.from_arrays(pa.array(np.zeros(len(rows), dtype=np.int8)), [ruleset_id]),
        "metrics_row": rows, "level": _nullable(verdict.level),
        "inputs_origin": _nullable(verdict.origins.max(axis=1, initial=-1)),
        "table_level": _nullable(verdict.table_level),
        "factor_grades": _word(verdict.factor_grades + 1, FACTOR_WIDTH), **words,
    })


def _append(cur, staged: pa.Table) -> None:
    """Append staged verdicts (`_staged`) to the stored table."""
    cur.register("staged_levels", staged)
    try:
        cur.execute(f"INSERT INTO {VERDICTS_TABLE} BY NAME SELECT * FROM staged_levels")
    finally:
        cur.unregister("staged_levels")


def _verdict(con, ruleset_id: str) -> str:
    """SQL: a `levels` row's stored verdict (STORED_VERDICT) and `criterion_values`, the figures its criteria read
    as the engine reads them (numbers; NULL where the frame has no such column), in the rule set's order."""
    stored = set(query(con, "SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                       [WEEKLY_TABLE])["column_name"])
    ruleset = load_ruleset(ruleset_id)
    values = ", ".join(f"CAST({c.input} AS DOUBLE)" if c.input in stored else "NULL::DOUBLE"
                       for c in ruleset.criteria)  # only names the table has reach the SQL
    factors = ", ".join(f"{grade} - 1" for grade in _unpacked("factor_grades", len(ruleset.factors), FACTOR_WIDTH))
    criteria = ", ".join(part for i, word in enumerate(CRITERION_WORDS) for part in _unpacked(
        word, max(0, min(CRITERIA_PER_WORD, len(ruleset.criteria) - i * CRITERIA_PER_WORD)), CRITERION_WIDTH))
    return (f"level, table_level, [{factors}]::TINYINT[] AS factor_grades, [{criteria}]::SMALLINT[] AS criteria, "
            f"[{values}]::DOUBLE[] AS criterion_values")


def _described(frame: pd.DataFrame, ruleset_id: str) -> pd.DataFrame:
    """Stored verdicts (rows of the `levels` view with STORED_VERDICT's columns) as the engine describes them:
    the frame with level (Int64), label_vi, label_en and reasons instead of the numbers."""
    ruleset = load_ruleset(ruleset_id)

    def matrix(column: str, width: int, dtype) -> np.ndarray:
        # a list with NULLs comes as a masked array, whose masked cells hold 0: NULL is NaN here
        cells = [np.ma.filled(np.ma.asarray(cell, dtype=dtype), np.nan) if dtype == np.float64
                 else np.asarray(cell, dtype=dtype) for cell in frame[column]]
        return np.stack(cells) if cells else np.empty((0, width), dtype=dtype)

    packed = matrix("criteria", len(ruleset.criteria), np.int16)
    unpacked = {field: (((packed >> shift) & mask) - 1).astype(np.int8) for field, shift, mask in CRITERION_BITS}
    verdict = engine.Verdict(
        level=frame["level"].astype("Int16").fillna(-1).to_numpy(dtype=np.int16),
        table_level=frame["table_level"].astype("Int16").fillna(-1).to_numpy(dtype=np.int16),
        factor_grades=matrix("factor_grades", len(ruleset.factors), np.int8),
        values=matrix("criterion_values", len(ruleset.criteria), np.float64),
        **unpacked, decided=(packed & 1).astype(bool))
    described = engine.described(verdict, ruleset, frame.index)
    return pd.concat([frame.drop(columns=[*STORED_VERDICT.split(", "), "criterion_values"]), described], axis=1)


def _unit(area: Area) -> tuple[str, str]:
    return area.level, area.key


def week_levels(con, ruleset_id: str, week: dt.date, unit_level: str = DISTRICT) -> pd.DataFrame:
    """Every unit's level in one week under one rule set, with the detail figures: indexed by unit_code;
    week_end, level (Int64, <NA> unknown), label_vi, label_en, inputs_origin, reasons (dicts), DETAIL_COLUMNS."""
    frame = query(
        con,
        f"""SELECT unit_code, week_end, {_verdict(con, ruleset_id)},
                   {metrics.origin_word('inputs_origin')} AS inputs_origin,
                   {', '.join(metrics.origin_word(c) + f' AS {c}' if c.endswith('_origin') else c
                              for c in DETAIL_COLUMNS)}
            FROM {LEVELS_TABLE} WHERE ruleset_id = ? AND unit_level = ? AND week = ?""",
        [ruleset_id, unit_level, week],
    )
    return _described(frame, ruleset_id).set_index("unit_code")


def levels_of_weeks(con, ruleset_id: str, week: dt.date, unit_level: str = DISTRICT) -> pd.DataFrame:
    """Every unit's stored level in `week` and the week before (what indicators.levels_table reads): unit_code,
    week, week_end, level (Int64), label_vi, label_en, reasons (each criterion with its input, value and origin)."""
    frame = query(
        con,
        f"""SELECT unit_code, week, week_end, {_verdict(con, ruleset_id)} FROM {LEVELS_TABLE}
            WHERE ruleset_id = ? AND unit_level = ? AND week IN (?::DATE, ?::DATE - INTERVAL 7 DAY)
            ORDER BY week, unit_code""",
        [ruleset_id, unit_level, week, week],
    )
    return _described(frame, ruleset_id).assign(week=lambda f: pd.to_datetime(f["week"]))


def history(con, ruleset_id: str, area: Area, start: dt.date | None = None,
            end: dt.date | None = None) -> pd.DataFrame:
    """One unit's level week by week (weeks whose Monday lies from `start` to `end`): week, week_end, level
    (Int64), inputs_origin."""
    level, code = _unit(area)
    frame = query(
        con,
        f"""SELECT week, week_end, level, {metrics.origin_word('inputs_origin')} AS inputs_origin FROM {LEVELS_TABLE}
            WHERE ruleset_id = ? AND unit_level = ? AND unit_code = ?
              AND (?::DATE IS NULL OR week >= ?::DATE) AND (?::DATE IS NULL OR week <= ?::DATE)
            ORDER BY week""",
        [ruleset_id, level, code, start, start, end, end],
    )
    return frame.astype({"level": "Int64"})


def history_in_force(con, area: Area, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """`history` with each week judged by the rule set in force when it ended (`rulesets_in_force`), named in
    `ruleset_id`: what a history shows when no rule set is picked (QĐ 4800's levels to January 2022, QĐ 218's
    after), never a week judged by a decision made after it."""
    parts, province = [], province_of(con, area)
    for ruleset_id in _rulesets_between(con, start, end, province):
        weeks = history(con, ruleset_id, area, start, end)
        judged_by = rulesets_in_force(weeks["week"], province)
        parts.append(weeks[(judged_by == ruleset_id).to_numpy()].assign(ruleset_id=ruleset_id))
    return pd.concat(parts, ignore_index=True).sort_values("week", ignore_index=True)


def _rulesets_between(con, start: dt.date | None, end: dt.date | None, province: str | None) -> list[str]:
    """The ids of the rule sets in force (in `province`) at the end of the stored weeks from `start` to `end`."""
    first, last = query(con, f"SELECT MIN(week), MAX(week) FROM {WEEKLY_TABLE}").iloc[0]
    if pd.isna(first):
        return [DEFAULT_RULESET]
    mondays = pd.Series(pd.date_range(max(pd.Timestamp(start or first), pd.Timestamp(first)),
                                      min(pd.Timestamp(end or last), pd.Timestamp(last)), freq="W-MON"))
    return (list(rulesets_in_force(mondays, province).unique())
            or [ruleset_in_force(pd.Timestamp(last).date(), province)[0].id])


def recent(con, area: Area, day: dt.date, ruleset_id: str, weeks: int = LOOKBACK_WEEKS) -> pd.DataFrame:
    """The area's level in the `weeks` complete weeks up to `day` (the last is `level_week(day)`): week,
    week_end, level, inputs_origin, reasons."""
    last = level_week(day)
    level, code = _unit(area)
    frame = query(
        con,
        f"""SELECT week, week_end, {metrics.origin_word('inputs_origin')} AS inputs_origin,
                   {_verdict(con, ruleset_id)}
            FROM {LEVELS_TABLE}
            WHERE ruleset_id = ? AND unit_level = ? AND unit_code = ? AND week > ?::DATE - INTERVAL (?) WEEK
              AND week <= ?::DATE
            ORDER BY week""",
        [ruleset_id, level, code, last, weeks, last],
    )
    return _described(frame, ruleset_id).drop(columns=["label_vi", "label_en"])


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
