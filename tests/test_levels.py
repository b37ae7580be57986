"""data.levels: weekly levels of every district from the small database, through the indicators package."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data import db, levels
from indicators.engine import classify
from indicators.rulesets import list_rulesets

RULESET = "vn-2021-qd4800"


@pytest.fixture(scope="module")
def weekly(small_db):
    con = db.connect(small_db, read_only=True)
    yield levels.weekly_levels(con, RULESET)
    con.close()


def test_one_row_per_district_and_complete_week(weekly, small_con):
    first, last = db.date_range(small_con)
    weeks = levels.complete_weeks(first, last)
    assert sorted(weekly["week"].dt.date.unique()) == weeks
    assert len(weekly) == len(weeks) * len(db.districts(small_con))
    assert not weekly.duplicated(["district_code", "week"]).any()
    assert (weekly["week"].dt.day_of_week == 0).all() and (weekly["week_end"] - weekly["week"]).eq(pd.Timedelta(days=6)).all()
    assert weekly["level"].dtype == "Int64" and weekly["level"].dropna().between(1, 4).all()
    assert {"label_vi", "color", "reasons", "cases_per_100k_7d", "covid_bed_occupancy_pct"} <= set(weekly.columns)


def test_complete_weeks_start_on_the_first_full_monday_and_end_on_the_last_full_sunday():
    assert levels.complete_weeks(dt.date(2021, 4, 1), dt.date(2021, 4, 25)) == [dt.date(2021, 4, 5),
                                                                                 dt.date(2021, 4, 12),
                                                                                 dt.date(2021, 4, 19)]
    assert levels.complete_weeks(dt.date(2021, 4, 5), dt.date(2021, 4, 10)) == []


def test_a_week_is_judged_on_its_sunday_with_the_engine(weekly, small_con):
    """The level of Nậm Pồ in the week of 17/05/2021 is the engine's verdict on the inputs of Sunday 23/05."""
    daily = levels.district_inputs(small_con)
    sunday = daily[(daily["district_code"] == "103") & (daily["date"] == pd.Timestamp("2021-05-23"))]
    expected = classify(sunday.reset_index(drop=True), RULESET)
    row = weekly[(weekly["district_code"] == "103") & (weekly["week"] == pd.Timestamp("2021-05-17"))]
    assert row["level"].iloc[0] == expected["level"].iloc[0]
    assert row["new_cases_7d"].iloc[0] == sunday["new_cases_7d"].iloc[0]


def test_every_district_rule_set_classifies_the_same_weekly_inputs(small_con):
    inputs = levels.weekly_inputs(small_con)
    for ruleset in list_rulesets():
        if "district" in ruleset.applies_to:
            frame = levels.classify_weeks(inputs, ruleset.id)
            assert len(frame) == len(inputs) and frame["level"].notna().any(), ruleset.id
            assert set(ruleset.input_columns) & set(inputs.columns) <= set(frame.columns)


def test_week_sources_say_what_is_observed_estimated_or_simulated(small_con):
    sources = levels.week_sources(small_con).set_index("week")
    allowed = {"observed", "estimated", "simulated", "mixed"}
    assert set(sources["cases"]) <= allowed and set(sources["beds"].dropna()) == {"simulated"}
    assert sources.loc[pd.Timestamp("2021-05-17"), "cases"] in ("observed", "mixed")  # the announced window
    assert sources.loc[pd.Timestamp("2021-10-04"), "cases"] == "estimated"
