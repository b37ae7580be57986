"""Wide-table helpers (Rt) and coverage by age band; every other figure is the metrics frame's (tests/test_metrics_frame.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators import metrics

DAYS = pd.date_range("2021-07-01", periods=21)


def _series(values_by_unit: dict[str, list[float]]) -> pd.DataFrame:
    return pd.DataFrame([{"district_code": unit, "date": day, "new_cases": value}
                         for unit, values in values_by_unit.items() for day, value in zip(DAYS, values)])


def test_rolling_sums_over_seven_calendar_days_and_a_gap_makes_its_windows_unknown():
    frame = _series({"001": list(range(21)), "002": [10] * 21})
    wide = metrics.to_wide(frame.drop(index=[5]), "new_cases")
    sums = metrics.rolling_sum_wide(wide)
    assert sums["002"].dropna().eq(70).all() and sums["001"].iloc[:6].isna().all()
    assert sums["001"].iloc[5:12].isna().all() and sums["001"].iloc[12] == sum(range(6, 13))


def test_two_rows_for_one_unit_and_day_are_an_error():
    frame = _series({"001": [1] * 21})
    with pytest.raises(ValueError):
        metrics.to_wide(pd.concat([frame, frame.iloc[[3]]]), "new_cases")


def test_ratios_with_empty_denominators_are_unknown():
    assert metrics.ratio_pct(pd.Series([5, 0]), pd.Series([100, 0])).tolist()[0] == 5
    assert np.isnan(metrics.ratio_pct(pd.Series([5, 0]), pd.Series([100, 0])).iloc[1])


BANDS = [f"{a:02d}-{a + 4:02d}" for a in range(0, 85, 5)] + ["85+"]


def _population_by_age(per_band: int = 100) -> pd.DataFrame:
    return pd.DataFrame({"district_code": "001", "age_group": BANDS, "population": per_band})


def test_population_aged_uses_two_fifths_of_the_15_19_band_for_adults():
    population = _population_by_age()
    assert metrics.population_aged(population, 18)["001"] == pytest.approx(2 / 5 * 100 + 14 * 100)
    assert metrics.population_aged(population, 50)["001"] == 8 * 100
    assert metrics.population_aged(population, 65)["001"] == 5 * 100
    assert metrics.population_aged(population, 18, 49)["001"] == pytest.approx(40 + 600)


