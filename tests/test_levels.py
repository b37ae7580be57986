"""data.levels: the stored classified view of every district, province and the country, on the small database."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data import db, levels, metrics
from data.db import DISTRICT, Area
from indicators.engine import classify
from indicators.rulesets import list_rulesets

RULESET = "vn-2021-qd4800"


@pytest.fixture(scope="module")
def stored(small_db):
    con = db.connect(small_db, read_only=True)
    yield db.query(con, "SELECT * FROM levels WHERE ruleset_id = ? AND unit_level = 'district'", [RULESET])
    con.close()


def test_one_row_per_district_and_complete_week(stored, small_con):
    first, last = db.date_range(small_con)
    weeks = levels.complete_weeks(first, last)
    assert sorted(pd.to_datetime(stored["week"]).dt.date.unique()) == weeks
    assert len(stored) == len(weeks) * len(db.districts(small_con))
    assert not stored.duplicated(["unit_code", "week"]).any()
    week = pd.to_datetime(stored["week"])
    assert (week.dt.day_of_week == 0).all() and (pd.to_datetime(stored["week_end"]) - week).eq(pd.Timedelta(days=6)).all()
    assert stored["level"].dropna().between(1, 4).all()
    assert {"inputs_origin", "factor_grades", *levels.CRITERION_WORDS} <= set(stored.columns)  # the verdict as numbers


def test_every_rule_set_and_unit_level_is_stored(small_con):
    counts = db.query(small_con, "SELECT ruleset_id, unit_level, COUNT(*) AS n FROM levels GROUP BY ALL")
    provinces = set(db.provinces(small_con)["province_code"])
    # a province's own file (HCMC's) judges only its province, which this database does not hold
    assert set(counts["ruleset_id"]) == {ruleset.id for ruleset in list_rulesets()
                                         if any(ruleset.judges(code) for code in provinces)}
    assert set(counts["unit_level"]) == {"district", "province", "country"}


def test_complete_weeks_start_on_the_first_full_monday_and_end_on_the_last_full_sunday():
    assert levels.complete_weeks(dt.date(2021, 4, 1), dt.date(2021, 4, 25)) == [dt.date(2021, 4, 5),
                                                                                 dt.date(2021, 4, 12),
                                                                                 dt.date(2021, 4, 19)]
    assert levels.complete_weeks(dt.date(2021, 4, 5), dt.date(2021, 4, 10)) == []


def test_a_week_is_judged_on_its_sunday_with_the_engine(small_con):
    """The level of Nậm Pồ in the week of 17/05/2021 is the engine's verdict on the metrics of Sunday 23/05."""
    sunday = metrics.daily(small_con, DISTRICT, ["103"], dt.date(2021, 5, 23), dt.date(2021, 5, 23))
    expected = classify(sunday, RULESET)
    row = levels.history(small_con, RULESET, Area(DISTRICT, "103"), dt.date(2021, 5, 17), dt.date(2021, 5, 17))
    assert row["level"].iloc[0] == expected["level"].iloc[0]
    detail = levels.week_levels(small_con, RULESET, dt.date(2021, 5, 17)).loc["103"]
    assert detail["new_cases_7d"] == sunday["new_cases_7d"].iloc[0]
    # read back from its numbers, the stored verdict says what the engine says, words and origins included
    assert detail["reasons"] == expected["reasons"].iloc[0]
    assert (detail["label_vi"], detail["label_en"]) == (expected["label_vi"].iloc[0], expected["label_en"].iloc[0])


def test_week_origins_say_what_is_observed_estimated_or_simulated(small_con):
    allowed = {"observed", "estimated", "simulated", "mixed"}
    announced = levels.week_origins(small_con, dt.date(2021, 5, 17))
    later = levels.week_origins(small_con, dt.date(2021, 10, 4))
    assert set(announced.values()) <= allowed and announced["beds"] == "simulated"
    assert announced["cases"] in ("observed", "mixed")  # the announced window
    assert later["cases"] == "estimated"


@pytest.mark.parametrize("day, expected", [
    (dt.date(2022, 1, 27), "vn-2021-qd4800"),  # QĐ 218's first day shows the week of 17–23/01, judged by QĐ 4800
    (dt.date(2022, 1, 30), "vn-2022-qd218"),   # a Sunday shows its own week, which ended under QĐ 218
    (dt.date(2022, 1, 31), "vn-2022-qd218"),
])
def test_a_day_s_level_is_judged_by_the_rules_in_force_when_its_week_ended(day, expected):
    assert levels.ruleset_in_force(day)[0].id == expected


def test_a_history_judges_each_week_by_the_rules_in_force_when_it_ended(small_db):
    """The map's history strip and the Trends band, when no rule set is picked: QĐ 4800's levels to the week that
    ended on 23/01/2022, QĐ 218's from the week that ended on 30/01/2022, each the one stored for that rule set."""
    con = db.connect(small_db, read_only=True)
    try:
        area = Area(DISTRICT, "103")
        weeks = levels.history_in_force(con, area, dt.date(2021, 12, 6), dt.date(2022, 1, 31))
        by_week = weeks.set_index("week")
        assert by_week.loc[pd.Timestamp("2022-01-17"), "ruleset_id"] == "vn-2021-qd4800"
        assert by_week.loc[pd.Timestamp("2022-01-24"), "ruleset_id"] == "vn-2022-qd218"
        assert weeks["week"].is_monotonic_increasing and weeks["week"].is_unique
        for ruleset_id, rows in weeks.groupby("ruleset_id"):
            stored = levels.history(con, ruleset_id, area, dt.date(2021, 12, 6), dt.date(2022, 1, 31))
            merged = rows.merge(stored, on="week", suffixes=("", "_stored"))
            assert len(merged) == len(rows)
            assert (merged["level"].fillna(-1) == merged["level_stored"].fillna(-1)).all()
    finally:
        con.close()


@pytest.mark.parametrize("day, in_force_that_day", [
    (dt.date(2021, 10, 11), False),  # the day before QĐ 4800: its levels are given for reference
    (dt.date(2021, 10, 16), True),   # the first announcements: QĐ 4800 in force, on the week of 4–10/10
])
def test_whether_rules_were_in_force_is_a_property_of_the_day_shown(day, in_force_that_day):
    ruleset, in_force = levels.ruleset_in_force(day)
    assert ruleset.id == "vn-2021-qd4800" and in_force == in_force_that_day
