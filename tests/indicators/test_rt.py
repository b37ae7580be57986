"""Rt: EpiEstim's published Examples 1–3 to 1e-6, its discr_si, and the rules for windows without a value."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators import rt

EXAMPLES = {
    "example1_flu2009_nonparametric_si": "non_parametric",
    "example2_imported_local_parametric_si": "parametric",
    "example3_flu2009_parametric_si": "parametric",
}
R_COLUMNS = ["Mean(R)", "Std(R)", "Quantile.0.025(R)", "Quantile.0.05(R)", "Quantile.0.25(R)", "Median(R)",
             "Quantile.0.75(R)", "Quantile.0.95(R)", "Quantile.0.975(R)"]


def _example(validation_dir, name):
    folder = validation_dir / "epiestim"
    return (pd.read_csv(folder / f"expected_{name}_input_I.csv"), pd.read_csv(folder / f"expected_{name}_R.csv"),
            pd.read_csv(folder / f"expected_{name}_si_distr.csv"))


@pytest.mark.parametrize("name", EXAMPLES)
def test_reproduces_epiestim_examples(validation_dir, name):
    incidence, expected, si = _example(validation_dir, name)
    windows = {"t_start": expected["t_start"], "t_end": expected["t_end"]}
    if EXAMPLES[name] == "non_parametric":  # EpiEstim was given plain incidence I (day 1 imported)
        result = rt.estimate_r(incidence[["I"]], si_distr=si["si_distr"], **windows)
    else:
        result = rt.estimate_r(incidence[["I_local", "I_imported"]], mean_si=2.6, std_si=1.5, **windows)
    assert list(result.columns[:2]) == ["t_start", "t_end"] and list(result.columns[2:]) == R_COLUMNS
    np.testing.assert_allclose(result[R_COLUMNS].to_numpy(), expected[R_COLUMNS].to_numpy(), rtol=0, atol=1e-6)
    assert np.abs(result[R_COLUMNS].to_numpy() - expected[R_COLUMNS].to_numpy()).max() < 1e-12


def test_default_windows_are_epiestims_weekly_ones(validation_dir):
    incidence, expected, si = _example(validation_dir, "example1_flu2009_nonparametric_si")
    result = rt.estimate_r(incidence["I"].to_numpy(), si_distr=si["si_distr"])
    assert result["t_start"].tolist() == list(range(2, 27)) and result["t_end"].tolist() == list(range(8, 33))
    np.testing.assert_allclose(result["Mean(R)"], expected["Mean(R)"], atol=1e-12)


def test_dates_give_window_dates(validation_dir):
    incidence, expected, si = _example(validation_dir, "example1_flu2009_nonparametric_si")
    result = rt.estimate_r(incidence[["date", "I"]], si_distr=si["si_distr"])
    assert result["date_start"].tolist() == expected["date_start"].tolist()
    assert result["date_end"].tolist() == expected["date_end"].tolist()


@pytest.mark.parametrize("name", ["example2_imported_local_parametric_si", "example3_flu2009_parametric_si"])
def test_discr_si_matches_epiestims_vector(validation_dir, name):
    _, _, si = _example(validation_dir, name)
    used = si["si_distr"].to_numpy()
    length = int(np.flatnonzero(used).max()) + 1  # EpiEstim discretises days 0..T-1, then pads with zeros
    np.testing.assert_allclose(rt.discr_si(np.arange(length), 2.6, 1.5), used[:length], rtol=0, atol=1e-14)


def test_discr_si_matches_covid_uk_dataset(validation_dir):
    si = pd.read_csv(validation_dir / "epiestim" / "covid_deaths_2020_uk_si_distr.csv")
    np.testing.assert_allclose(rt.discr_si(si["k"], 6.1, 4.2), si["si_distr"], rtol=0, atol=1e-13)


def test_windows_before_the_mean_serial_interval_give_no_value():
    result = rt.estimate_r(np.full(30, 20), mean_si=9.0, std_si=3.0, t_start=[2, 3], t_end=[9, 10])
    assert result["Mean(R)"].isna().tolist() == [True, False]  # t_end must exceed the mean SI


def test_windows_with_no_infectivity_give_no_value_not_the_prior():
    incidence = np.r_[np.zeros(20), np.full(20, 5.0)]
    result = rt.estimate_r(incidence, mean_si=4.7, std_si=2.9)
    before = result["t_end"] <= 20
    assert result.loc[before, "Mean(R)"].isna().all()  # EpiEstim would say 5 (the prior mean) here


def test_max_cv_withholds_windows_with_too_few_cases():
    incidence = np.r_[np.full(15, 1.0), np.full(15, 30.0)]
    plain = rt.estimate_r(incidence, mean_si=4.7, std_si=2.9)
    strict = rt.estimate_r(incidence, mean_si=4.7, std_si=2.9, max_cv=0.3)
    few = plain["t_end"] <= 15  # 7 cases per window: posterior CV 1/sqrt(8) > 0.3
    assert plain.loc[few, "Mean(R)"].notna().all() and strict.loc[few, "Mean(R)"].isna().all()
    pd.testing.assert_series_equal(plain.loc[~few, "Mean(R)"], strict.loc[~few, "Mean(R)"])


def test_constant_incidence_gives_r_near_one():
    result = rt.estimate_r(np.full(200, 1000.0))
    assert abs(result["Median(R)"].iloc[-1] - 1) < 0.01


def test_default_serial_interval_is_cited():
    assert rt.DEFAULT_SERIAL_INTERVAL.mean > 1 and "Int J Infect Dis" in rt.DEFAULT_SERIAL_INTERVAL.citation


@pytest.mark.parametrize("si, message", [([0.1, 0.9], "day 0"), ([0, 0.5], "sum to 1"), ([0, -1, 2], "negative")])
def test_bad_serial_interval_is_refused(si, message):
    with pytest.raises(ValueError, match=message):
        rt.estimate_r(np.ones(20), si_distr=si)


def test_many_units_at_once_equal_one_at_a_time():
    rng = np.random.default_rng(3)
    days = pd.date_range("2021-06-01", periods=60)
    series = {"001": rng.poisson(np.linspace(5, 60, 60)), "002": rng.poisson(np.linspace(40, 5, 60)),
              "003": np.zeros(60, dtype=int)}
    frame = pd.DataFrame([{"district_code": code, "date": day, "new_cases": int(cases)}
                          for code, values in series.items() for day, cases in zip(days, values)])
    many = rt.estimate_r_many(frame, mean_si=4.7, std_si=2.9)
    for code, values in series.items():
        one = rt.estimate_r(values, mean_si=4.7, std_si=2.9, max_cv=rt.DEFAULT_MAX_CV)
        mine = many[many["district_code"] == code].reset_index(drop=True)
        np.testing.assert_allclose(mine[R_COLUMNS].to_numpy(), one[R_COLUMNS].to_numpy(), rtol=1e-12)
        assert (mine["date"] == days[one["t_end"] - 1]).all()
    assert many.loc[many["district_code"] == "003", "Mean(R)"].isna().all()


def test_many_units_leave_windows_with_a_missing_day_empty():
    days = pd.date_range("2021-06-01", periods=30)
    frame = pd.DataFrame({"district_code": "001", "date": days, "new_cases": 50})
    frame = frame.drop(index=20)  # no figure on day 21
    many = rt.estimate_r_many(frame)
    touched = (many["t_start"] <= 21) & (many["t_end"] >= 21)
    assert many.loc[touched, "Mean(R)"].isna().all() and many.loc[~touched & (many["t_end"] > 8), "Mean(R)"].notna().all()
