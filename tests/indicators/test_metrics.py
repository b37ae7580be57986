"""Metrics over long frames: rolling sums over calendar days, rates that are never infinite, growth, coverage."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators import metrics

DAYS = pd.date_range("2021-07-01", periods=21)


def _series(values_by_unit: dict[str, list[float]]) -> pd.DataFrame:
    return pd.DataFrame([{"district_code": unit, "date": day, "new_cases": value}
                         for unit, values in values_by_unit.items() for day, value in zip(DAYS, values)])


def test_rolling_sum_and_mean_over_seven_calendar_days_in_the_frame_s_own_order():
    frame = _series({"001": list(range(1, 22)), "002": [10] * 21}).sample(frac=1, random_state=1)
    sums = metrics.rolling_sum(frame, "new_cases")
    first = frame[(frame["district_code"] == "001")].sort_values("date")
    assert sums[first.index].iloc[:6].isna().all() and sums[first.index].iloc[6] == 28 and sums[first.index].iloc[20] == 126
    assert (metrics.rolling_sum(frame, "new_cases")[frame["district_code"] == "002"].dropna() == 70).all()
    assert metrics.rolling_mean(frame, "new_cases")[first.index].iloc[20] == 18


def test_a_missing_day_makes_its_windows_unknown_not_smaller():
    frame = _series({"001": [5] * 21}).drop(index=10)  # no figure on day 11
    sums = metrics.rolling_sum(frame, "new_cases")
    day = frame["date"].dt.day
    assert sums[(day >= 11) & (day <= 17)].isna().all() and (sums[day >= 18] == 35).all()


def test_two_rows_for_one_unit_and_day_are_an_error():
    frame = _series({"001": [1] * 21})
    with pytest.raises(ValueError, match="more than one row"):
        metrics.rolling_sum(pd.concat([frame, frame.iloc[[3]]]), "new_cases")


def test_per_100k_is_unknown_for_zero_or_missing_population_never_infinite():
    rates = metrics.per_100k(pd.Series([50.0, 50.0, 50.0, 0.0]), pd.Series([200_000, 0, np.nan, 0]))
    assert rates.iloc[0] == 25 and rates.iloc[1:].isna().all() and not np.isinf(rates).any()
    wide = pd.DataFrame({"001": [10.0], "498": [3.0]})
    assert metrics.per_100k(wide, pd.Series({"001": 1000, "498": 0})).iloc[0].tolist()[0] == 1000
    assert np.isnan(metrics.per_100k(wide, pd.Series({"001": 1000, "498": 0})).iloc[0, 1])


def test_week_on_week_change_growth_rate_doubling_and_halving():
    growing = list(np.exp(0.1 * np.arange(21)))
    frame = _series({"001": [10] * 21, "002": growing, "003": growing[::-1], "004": [0] * 7 + [3] * 14})
    change = metrics.week_on_week_change_pct(frame, "new_cases")
    rate = metrics.growth_rate(frame, "new_cases")
    last = frame["date"] == DAYS[-1]
    by_unit = dict(zip(frame.loc[last, "district_code"], zip(change[last], rate[last])))
    assert by_unit["001"] == (0.0, 0.0)
    assert by_unit["002"][1] == pytest.approx(0.1, abs=1e-12)
    assert by_unit["002"][0] == pytest.approx((np.exp(0.7) - 1) * 100)
    assert by_unit["003"][1] == pytest.approx(-0.1, abs=1e-12)
    at_day_14 = (frame["date"] == DAYS[13]) & (frame["district_code"] == "004")
    assert change[at_day_14].isna().all() and rate[at_day_14].isna().all()  # the week before had no case
    assert metrics.doubling_time_days(pd.Series([0.1, -0.1, 0.0])).tolist()[0] == pytest.approx(np.log(2) / 0.1)
    assert metrics.doubling_time_days(pd.Series([0.1, -0.1, 0.0])).iloc[1:].isna().all()
    assert metrics.halving_time_days(pd.Series([-0.1, 0.1])).iloc[0] == pytest.approx(np.log(2) / 0.1)
    assert np.isnan(metrics.halving_time_days(pd.Series([-0.1, 0.1])).iloc[1])


def test_ratios_with_empty_denominators_are_unknown():
    assert metrics.positivity_pct(pd.Series([5, 0]), pd.Series([100, 0])).tolist()[0] == 5
    assert np.isnan(metrics.positivity_pct(pd.Series([5, 0]), pd.Series([100, 0])).iloc[1])
    assert metrics.occupancy_pct(pd.Series([45]), pd.Series([50])).iloc[0] == 90
    vacant = metrics.vacant_per_100k(pd.Series([100, 100]), pd.Series([90, 120]), pd.Series([50_000, 50_000]))
    assert vacant.tolist() == [20, 0]  # over-occupancy is no vacant bed, not a negative one


BANDS = [f"{a:02d}-{a + 4:02d}" for a in range(0, 85, 5)] + ["85+"]


def _population_by_age(per_band: int = 100) -> pd.DataFrame:
    return pd.DataFrame({"district_code": "001", "age_group": BANDS, "population": per_band})


def test_population_aged_uses_two_fifths_of_the_15_19_band_for_adults():
    population = _population_by_age()
    assert metrics.population_aged(population, 18)["001"] == pytest.approx(2 / 5 * 100 + 14 * 100)
    assert metrics.population_aged(population, 50)["001"] == 8 * 100
    assert metrics.population_aged(population, 65)["001"] == 5 * 100
    assert metrics.population_aged(population, 18, 49)["001"] == pytest.approx(40 + 600)


def _vaccinations(report_days, people_by_group) -> pd.DataFrame:
    rows = []
    for week, day in enumerate(report_days):
        for group, people in people_by_group.items():
            for dose, share in (("dose1", 1.0), ("full", 0.5), ("booster", 0.25)):
                rows.append({"date": day, "district_code": "001", "age_group": group, "dose": dose,
                             "people": int(people * share * (week + 1))})
    return pd.DataFrame(rows)


def test_vaccination_coverage_carries_weekly_reports_to_every_day():
    mondays = pd.to_datetime(["2021-07-05", "2021-07-12"])
    vaccinations = _vaccinations(mondays, {"05-11": 10, "12-17": 20, "18-49": 100, "50-64": 200, "65+": 200})
    days = pd.date_range("2021-07-01", "2021-07-20")
    coverage = metrics.vaccination_coverage(vaccinations, _population_by_age(), 50, "full", dates=days).set_index("date")
    assert coverage.loc[:"2021-07-04", "pct"].isna().all()          # before the first report: unknown
    assert (coverage.loc["2021-07-05":"2021-07-11", "pct"] == 100 * 200 / 800).all()
    assert (coverage.loc["2021-07-12":, "pct"] == 100 * 400 / 800).all()
    adults = metrics.vaccination_coverage(vaccinations, _population_by_age(), 18, "dose1", dates=days)
    assert adults["pct"].iloc[-1] == pytest.approx(100 * 1000 / 1440)


def test_a_report_missing_an_age_group_is_unknown_not_an_undercount():
    mondays = pd.to_datetime(["2021-07-05", "2021-07-12"])
    vaccinations = _vaccinations(mondays, {"18-49": 100, "50-64": 200, "65+": 200})
    vaccinations = vaccinations[~((vaccinations["date"] == mondays[1]) & (vaccinations["age_group"] == "65+"))]
    days = pd.date_range("2021-07-05", "2021-07-14")
    coverage = metrics.vaccination_coverage(vaccinations, _population_by_age(), 50, "dose1", dates=days)
    assert coverage["pct"].iloc[:7].notna().all() and coverage["pct"].iloc[7:].isna().all()


def test_vaccination_age_limits_must_match_the_reported_groups():
    with pytest.raises(ValueError, match="not 60"):
        metrics.vaccination_coverage(_vaccinations(pd.to_datetime(["2021-07-05"]), {"65+": 1}),
                                     _population_by_age(), 60, "full")
