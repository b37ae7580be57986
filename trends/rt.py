"""Transmission over time: the effective reproduction number Rt and test positivity.

Rt is EpiEstim's (Cori et al. 2013) as indicators.rt computes it, on 7-day windows ending each day,
with the default COVID-19 serial interval. An estimate whose posterior coefficient of variation
exceeds EpiEstim's 0.3 (fewer than about 11 cases in the window) is kept in the download but not
drawn: with so few cases the interval says more than the line.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.policy import number
from indicators.rt import DEFAULT_MAX_CV, estimate_r
from indicators.origin import OBSERVED, least_real
from trends.series import WINDOW, fill_days, rolling_sum

POSITIVITY_REFERENCE_PCT = number("testing", "positivity_reference_pct")  # indicators/policy.toml


def rt(series: pd.DataFrame, value: str, start, end) -> pd.DataFrame:
    """Rt per day from `start` to `end` of the daily count `value` of `series` (loaded with its lead days).

    Columns: date (last day of the window), mean, std, lower, upper (95% credible interval), median,
    window_cases, reliable.
    """
    daily = fill_days(series[["date", value]], start, end)
    estimate = estimate_r(daily[value].to_numpy(dtype=float), window=WINDOW)
    frame = pd.DataFrame({
        "date": daily["date"].to_numpy()[estimate["t_end"].to_numpy() - 1],  # EpiEstim counts days from 1
        "mean": estimate["Mean(R)"],
        "std": estimate["Std(R)"],
        "lower": estimate["Quantile.0.025(R)"],
        "median": estimate["Median(R)"],
        "upper": estimate["Quantile.0.975(R)"],
    })
    frame["window_cases"] = frame["date"].map(rolling_sum(daily[value]).set_axis(daily["date"]))
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["reliable"] = (frame["std"] / frame["mean"] <= DEFAULT_MAX_CV).to_numpy()
    return frame[frame["date"] >= pd.Timestamp(start)].reset_index(drop=True)


def positivity(area_metrics: pd.DataFrame, national: pd.DataFrame | None = None) -> pd.DataFrame:
    """7-day test positivity in percent from an area's metrics frame (data.metrics.of_area), and the published
    national rate (`national`: data.trends.national_owid, given for the country only).

    Columns: date, samples_7d, positives_7d, positivity_pct, source, national_positivity_pct, national_source.
    """
    frame = pd.DataFrame({
        "date": pd.to_datetime(area_metrics["date"]),
        "samples_7d": area_metrics["samples_7d"],
        "positives_7d": area_metrics["positives_7d"],
        "positivity_pct": area_metrics["test_positivity_pct"],
    })
    frame["source"] = least_real(*area_metrics["tests_7d_origin"].dropna())
    if national is not None and len(national):
        published = national.assign(date=pd.to_datetime(national["date"])).set_index("date")["positive_rate"] * 100
        frame["national_positivity_pct"] = frame["date"].map(published)
        frame["national_source"] = OBSERVED
    return frame
