"""district_inputs on frames shaped like the DuckDB tables, and province/country aggregation of counts."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from indicators.engine import classify
from indicators.inputs import (ASSUMED_MEAN_STAY_DAYS, TREATMENT_CAPACITY_LIMITS, aggregate_inputs,
                               district_inputs)
from indicators.rulesets import list_rulesets

DAYS = pd.date_range("2021-10-01", periods=14)
BANDS = [f"{a:02d}-{a + 4:02d}" for a in range(0, 85, 5)] + ["85+"]
DISTRICTS = pd.DataFrame({"district_code": ["001", "002", "498"], "province_code": ["01", "01", "48"],
                          "population": [100_000, 50_000, 0]})


def _daily(values: dict[str, dict[str, object]]) -> pd.DataFrame:
    rows = []
    for code, columns in values.items():
        for index, day in enumerate(DAYS):
            rows.append({"date": day, "district_code": code,
                         **{name: value(index) if callable(value) else value for name, value in columns.items()}})
    return pd.DataFrame(rows)


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    cases = _daily({
        "001": {"new_cases": 10, "new_deaths": lambda day: int(day == 13), "community_cases": 6,
                "in_treatment": 100, "oxygen": 7, "icu": 2},
        "002": {"new_cases": 20, "new_deaths": 0, "community_cases": 20, "in_treatment": lambda day: 50 + 10 * day,
                "oxygen": 0, "icu": 0},
        "498": {"new_cases": 0, "new_deaths": 0, "community_cases": 0, "in_treatment": 0, "oxygen": 0, "icu": 0},
    })
    beds = _daily({
        "001": {"covid_beds_total": 200, "covid_beds_occupied": 100, "icu_beds_staffed": 10, "icu_beds_occupied": 9},
        "002": {"covid_beds_total": 100, "covid_beds_occupied": 70, "icu_beds_staffed": 0, "icu_beds_occupied": 0},
        "498": {"covid_beds_total": 0, "covid_beds_occupied": 0, "icu_beds_staffed": 0, "icu_beds_occupied": 0},
    })
    tests = _daily({code: {"samples": 1000, "positives": positives}
                    for code, positives in (("001", 10), ("002", 50), ("498", 0))})
    vaccination_rows = []
    for week, monday in enumerate(pd.to_datetime(["2021-10-04", "2021-10-11"])):
        for code in ("001", "002", "498"):
            for group, people in (("05-11", 0), ("12-17", 0), ("18-49", 300), ("50-64", 200), ("65+", 100)):
                for dose, share in (("dose1", 1.0), ("full", 0.5), ("booster", 0.1)):
                    vaccination_rows.append({"date": monday, "district_code": code, "age_group": group, "dose": dose,
                                             "people": int(people * share * (week + 1)), "source": "simulated"})
    population_by_age = pd.DataFrame({"district_code": np.repeat(["001", "002", "498"], len(BANDS)),
                                      "age_group": BANDS * 3,
                                      "population": [100] * len(BANDS) * 2 + [0] * len(BANDS)})
    return {"cases": cases, "beds": beds, "tests": tests, "vaccinations": pd.DataFrame(vaccination_rows),
            "districts": DISTRICTS, "population_by_age": population_by_age}


def _inputs(tables):
    return district_inputs(tables["cases"], tables["beds"], tables["tests"], tables["vaccinations"],
                           tables["districts"], tables["population_by_age"])


def _last_day(frame, key="district_code"):
    return frame[frame["date"] == DAYS[-1]].set_index(key)


def test_one_row_per_district_and_day(tables):
    frame = _inputs(tables)
    assert len(frame) == 3 * len(DAYS) and not frame.duplicated(["district_code", "date"]).any()
    assert frame.loc[frame["date"] < DAYS[6], "cases_per_100k_7d"].isna().all()


def test_rates_of_a_district(tables):
    row = _last_day(_inputs(tables)).loc["001"]
    assert row["cases_per_100k_7d"] == 70 and row["community_cases_per_100k_7d"] == 42
    assert row["deaths_per_100k_7d"] == 1 and row["oxygen_cases_per_100k_7d_avg"] == 7
    assert row["vacant_covid_beds_per_100k"] == 100 and row["staffed_icu_beds_per_100k"] == 10
    assert row["covid_bed_occupancy_pct"] == 50 and row["icu_occupancy_pct"] == 90
    assert row["inpatient_beds_covid_pct"] == 50 and row["test_positivity_pct"] == 1
    assert row["cases_wow_change_pct"] == 0 and row["cases_growth_rate"] == 0


def test_admissions_follow_the_documented_stay_assumption(tables):
    rows = _last_day(_inputs(tables))
    # constant 100 under treatment, 1/L leave each day: 100/L admissions a day
    assert rows.loc["001", "admissions_per_100k_7d"] == pytest.approx(7 * 100 / ASSUMED_MEAN_STAY_DAYS)
    # 002 rises by 10 a day from 50 + 10 t: admissions = 10 + (50 + 10 (t-1)) / L
    expected = sum(10 + (50 + 10 * (day - 1)) / ASSUMED_MEAN_STAY_DAYS for day in range(7, 14))
    assert rows.loc["002", "admissions_per_100k_7d"] == pytest.approx(expected * 2)


def test_treatment_capacity_met_as_documented(tables):
    rows = _last_day(_inputs(tables))
    assert TREATMENT_CAPACITY_LIMITS == {"covid_bed_occupancy_pct": 80.0, "icu_occupancy_pct": 80.0}
    assert not rows.loc["001", "treatment_capacity_met"]      # ICU 90 % full
    assert rows.loc["002", "treatment_capacity_met"]          # 70 % of COVID beds, no ICU of its own
    assert pd.isna(rows.loc["498", "treatment_capacity_met"])  # no COVID beds: cannot be judged
    stricter = district_inputs(*(tables[name] for name in ("cases", "beds", "tests", "vaccinations", "districts",
                                                           "population_by_age")),
                               capacity_limits={"covid_bed_occupancy_pct": 60.0, "icu_occupancy_pct": 95.0})
    assert not _last_day(stricter).loc["002", "treatment_capacity_met"]
    assert _last_day(stricter).loc["001", "treatment_capacity_met"]


def test_zero_population_gives_unknown_rates_never_infinite(tables):
    frame = _inputs(tables)
    numeric = frame.select_dtypes("number")
    assert not np.isinf(numeric.to_numpy()).any()
    rates = [c for c in frame.columns if "per_100k" in c or c.startswith("pct_")]
    assert _last_day(frame).loc["498", rates].isna().all()


def test_vaccination_coverage_with_census_denominators(tables):
    frame = _inputs(tables)
    rows = _last_day(frame)
    adults = 2 / 5 * 100 + 14 * 100
    assert rows.loc["001", "population_18plus"] == pytest.approx(adults)
    assert rows.loc["001", "pct_18plus_dose1"] == pytest.approx(100 * 2 * 600 / adults)
    assert rows.loc["001", "pct_50plus_full"] == pytest.approx(100 * 2 * 150 / 800)
    assert rows.loc["001", "pct_50plus_booster"] == pytest.approx(100 * 2 * 30 / 800)
    assert not rows.loc["001", "high_risk_full_target_met"]
    first_days = frame[(frame["date"] < pd.Timestamp("2021-10-04")) & (frame["district_code"] == "001")]
    assert first_days["pct_18plus_dose1"].isna().all()  # before the first weekly report


def test_province_and_country_sum_counts_then_divide(tables):
    frame = _inputs(tables)
    province = _last_day(aggregate_inputs(frame, "province"), "province_code")
    assert province.loc["01", "population"] == 150_000
    assert province.loc["01", "cases_per_100k_7d"] == pytest.approx(210 / 150_000 * 1e5)
    district_rates = _last_day(frame).loc[["001", "002"], "cases_per_100k_7d"]
    assert district_rates.mean() != pytest.approx(province.loc["01", "cases_per_100k_7d"])
    assert province.loc["01", "covid_bed_occupancy_pct"] == pytest.approx(100 * 170 / 300)
    assert not province.loc["01", "treatment_capacity_met"]  # the province's ICU is 90 % full
    assert province.loc["01", "test_positivity_pct"] == pytest.approx(100 * 60 / 2000)
    country = _last_day(aggregate_inputs(frame, "country"), "country_code")
    assert country.index.tolist() == ["VN"] and country.loc["VN", "population"] == 150_000
    assert country.loc["VN", "cases_per_100k_7d"] == pytest.approx(210 / 150_000 * 1e5)
    with pytest.raises(ValueError, match="province"):
        aggregate_inputs(frame, "region")


def test_every_shipped_rule_set_finds_its_inputs(tables):
    frame = _inputs(tables)
    for ruleset in list_rulesets():
        measured = [c.input for c in ruleset.criteria if c.when_missing != "assume_no"]
        assert set(measured) <= set(frame.columns), ruleset.id
        for unit_frame in (frame, aggregate_inputs(frame), aggregate_inputs(frame, "country")):
            result = classify(unit_frame, ruleset)
            assert len(result) == len(unit_frame) and result.index.equals(unit_frame.index)


def test_on_the_small_database(small_db):
    """The real tables, as the build writes them, go through inputs and every rule set."""
    names = ("cases", "beds", "tests", "vaccinations", "districts", "population_by_age")
    with duckdb.connect(str(small_db), read_only=True) as connection:
        tables = {name: connection.execute(f"SELECT * FROM {name}").df() for name in names}
    frame = district_inputs(*(tables[name] for name in names))
    assert len(frame) == len(tables["districts"]) * tables["cases"]["date"].nunique()
    assert not np.isinf(frame.select_dtypes("number").to_numpy()).any()
    for ruleset in list_rulesets():
        known = classify(frame, ruleset)["level"].notna().mean()
        assert known > 0.9, ruleset.id  # unknown only in the first days, before 7-day sums exist
