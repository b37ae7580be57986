"""The metrics frame (data.metrics) and the classified view (data.levels) on the small database."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from data import db, levels, metrics
from data.db import COUNTRY, DISTRICT, PROVINCE, Area
from indicators import engine
from indicators.rulesets import list_rulesets

DAY = dt.date(2021, 5, 24)
SUNDAYS = (dt.date(2021, 5, 23), dt.date(2021, 8, 15), dt.date(2021, 11, 28))
INPUTS = sorted({column for ruleset in list_rulesets() for column in ruleset.input_columns
                 if column not in ("more_virulent_variant", "reduced_vaccine_effectiveness")})


def numbers(series: pd.Series) -> np.ndarray:
    return series.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)


@pytest.mark.parametrize("level", [DISTRICT, PROVINCE, COUNTRY])
def test_the_weekly_shape_equals_the_daily_one_on_every_sunday(small_con, level):
    weekly = metrics.weekly(small_con, level, None, dt.date(2021, 5, 1), dt.date(2021, 12, 31))
    for sunday in SUNDAYS:
        day = metrics.daily(small_con, level, None, sunday, sunday).set_index("unit_code")
        week = weekly[weekly["week_end"] == pd.Timestamp(sunday)].set_index("unit_code").loc[day.index]
        for column in [*INPUTS, "new_cases_7d", "new_cases_prev_7d", "cases_per_100k_14d_mean",
                       "community_cases_per_100k_14d_mean"]:
            assert np.allclose(numbers(day[column]), numbers(week[column]), equal_nan=True), (sunday, column)
            assert (day[f"{column}_origin"].astype(str) == week[f"{column}_origin"].astype(str)).all() \
                if f"{column}_origin" in day else True


def test_rates_come_from_summed_counts_and_a_province_is_its_published_series(small_con):
    province = metrics.daily(small_con, PROVINCE, ["11"], DAY, DAY).iloc[0]
    published = db.official_province_cases(small_con, "11", DAY - dt.timedelta(days=6), DAY)
    assert province["new_cases_7d"] == published["new_cases"].sum() and province["cases_7d_origin"] == "observed"
    assert province["cases_per_100k_7d"] == pytest.approx(province["new_cases_7d"] * 1e5 / province["population"])
    districts = metrics.daily(small_con, DISTRICT, list(db.districts(small_con, "11")["district_code"]), DAY, DAY)
    assert province["covid_beds_total"] == districts["covid_beds_total"].sum()
    assert province["population_18plus"] == pytest.approx(districts["population_18plus"].sum())
    assert province["pct_18plus_dose1"] == pytest.approx(
        100 * districts["people_18plus_dose1"].sum() / districts["coverage_population_18plus"].sum())
    country = metrics.daily(small_con, COUNTRY, None, DAY, DAY).iloc[0]
    provinces = metrics.daily(small_con, PROVINCE, None, DAY, DAY)
    assert country["new_cases"] == provinces["new_cases"].sum() and not country["cases_conflict"]


def test_criterion_one_measures_for_the_rule_sets(small_con):
    frame = metrics.daily(small_con, PROVINCE, ["11"], dt.date(2021, 5, 17), DAY).set_index("date")
    today = frame.loc[pd.Timestamp(DAY)]
    assert today["new_cases_prev_7d"] == frame.loc[pd.Timestamp(DAY - dt.timedelta(days=7)), "new_cases_7d"]
    assert today["cases_per_100k_14d_mean"] == pytest.approx(
        (today["new_cases_7d"] + today["new_cases_prev_7d"]) / 2 * 1e5 / today["population"])
    assert today["community_cases_per_100k_14d_mean"] == pytest.approx(
        (today["community_cases_7d"] + today["community_cases_prev_7d"]) / 2 * 1e5 / today["population"])


def test_capacity_criterion_and_estimated_admissions(small_con):
    frame = metrics.daily(small_con, DISTRICT, None, DAY, DAY)
    known = frame.dropna(subset=["covid_bed_occupancy_pct", "icu_beds_staffed"])
    expected = (known["covid_bed_occupancy_pct"] < 80) & ((known["icu_beds_staffed"] == 0)
                                                          | (known["icu_occupancy_pct"] < 80))
    assert (known["treatment_capacity_met"].astype(bool) == expected).all()
    assert (frame["admissions_7d"].dropna() >= 0).all()
    assert frame["vacant_covid_beds_per_100k"].dropna().ge(0).all()


@pytest.mark.parametrize("ruleset", list_rulesets(), ids=lambda ruleset: ruleset.id)
def test_the_stored_levels_are_the_engine_s_on_the_weekly_frame(small_con, ruleset):
    """Stored as numbers and read back with the rule set's words, every unit's level, labels and reasons (values,
    bands, thresholds, grades, roles, origins) are what the engine says of the weekly frame: of the districts, or
    of the provinces for a rule set of provinces (which stores no district). A province's own file judges only its
    province, which this database does not hold (test_historical_truth checks HCMC's on the whole database)."""
    week = dt.date(2021, 8, 9)
    unit_level = DISTRICT if DISTRICT in ruleset.applies_to else PROVINCE
    if unit_level != DISTRICT:
        assert levels.week_levels(small_con, ruleset.id, week).empty
    stored = levels.week_levels(small_con, ruleset.id, week, unit_level)
    if not any(ruleset.judges(code) for code in db.provinces(small_con)["province_code"]):
        assert stored.empty
        return
    weekly = metrics.weekly(small_con, unit_level, None, week, week + dt.timedelta(days=6))
    fresh = engine.classify(weekly, ruleset).set_index(weekly["unit_code"])
    assert len(fresh) == len(stored) > 0
    stored = stored.reindex(fresh.index)
    assert numbers(stored["level"]).tolist() == pytest.approx(numbers(fresh["level"]).tolist(), nan_ok=True)
    assert stored["label_vi"].tolist() == fresh["label_vi"].tolist()
    assert stored["reasons"].tolist() == fresh["reasons"].tolist()
    origins = {entry["origin"] for reasons in stored["reasons"] for entry in reasons["criteria"]}
    assert origins and origins <= {"observed", "mixed", "estimated", "simulated", None}
    assert set(stored["inputs_origin"].dropna()) <= {"observed", "mixed", "estimated", "simulated"}


def test_one_look_back_window():
    assert levels.level_week(dt.date(2021, 5, 23)) == dt.date(2021, 5, 17)  # a Sunday closes its own week
    assert levels.level_week(dt.date(2021, 5, 24)) == dt.date(2021, 5, 17)  # a Monday shows last week
    assert levels.level_week(dt.date(2021, 5, 29)) == dt.date(2021, 5, 17)


def test_a_unit_without_population_has_no_rate_never_infinity(small_con):
    frame = metrics.daily(small_con, DISTRICT, None, DAY, DAY)
    empty = frame[frame["population"].fillna(0) == 0]
    assert empty["cases_per_100k_7d"].isna().all()
    assert np.isfinite(frame["cases_per_100k_7d"].dropna()).all()


def test_a_figure_without_its_records_is_unknown_not_capped_or_floored(small_db, tmp_path):
    """DuckDB's LEAST and GREATEST skip NULLs: coverage written as LEAST(100, people / population) read 100 %
    for every unit and day before the first vaccination record (the whole of 2020 "fully vaccinated"), and vacant
    beds as GREATEST(total - occupied, 0) read 0 where the beds were unknown. Without records, both are unknown."""
    import shutil

    import duckdb

    copy = tmp_path / "gaps.duckdb"
    shutil.copy(small_db, copy)
    with duckdb.connect(str(copy)) as writer:  # a throwaway copy, written directly
        writer.execute("DELETE FROM vaccinations WHERE district_code = '103'")
        writer.execute("DELETE FROM beds WHERE district_code = '103' AND date = ?", [DAY])
    con = db.connect(copy)
    try:
        row = metrics.daily(con, DISTRICT, ["103"], DAY, DAY).iloc[0]
    finally:
        con.close()
    for column in ("pct_18plus_dose1", "pct_18plus_full", "pct_50plus_full", "vacant_covid_beds_per_100k"):
        assert pd.isna(row[column]), column
    assert pd.isna(row["vaccinations_origin"])


def test_growth_is_computed_only_where_both_weeks_hold_enough_cases(small_con):
    """Doubling and halving times compare two weekly sums; below the policy's floor in either week chance alone
    moves the ratio by a third (Vietnam in May 2020 read "doubling in 1.7 days" on a handful of imported cases)."""
    from indicators.policy import number

    least = number("transmission", "min_weekly_cases_for_growth")
    frame = metrics.daily(small_con, DISTRICT, None, dt.date(2021, 5, 1), dt.date(2021, 12, 31))
    enough = (frame["new_cases_7d"] >= least) & (frame["new_cases_prev_7d"] >= least)
    assert enough.any() and (~enough).any()
    assert frame.loc[enough, "cases_growth_rate"].notna().all()
    assert frame.loc[~enough, ["cases_growth_rate", "cases_doubling_time_days", "cases_halving_time_days"]].isna().all().all()
    both = frame.loc[enough].iloc[0]
    assert both["cases_growth_rate"] == pytest.approx(np.log(both["new_cases_7d"] / both["new_cases_prev_7d"]) / 7)
    edge = frame[(frame["new_cases_7d"] >= least) & (frame["new_cases_prev_7d"] == least - 1)]
    assert edge["cases_growth_rate"].isna().all(), "one case under the floor: no growth"
