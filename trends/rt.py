"""Transmission over time: the effective reproduction number Rt and test positivity.

Rt is EpiEstim's (Cori et al. 2013) as indicators.rt computes it, on 7-day windows ending each day,
with the default COVID-19 serial interval. An estimate whose posterior coefficient of variation
exceeds EpiEstim's 0.3 (fewer than about 11 cases in the window) is kept in the download but not
drawn: with so few cases the interval says more than the line.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from indicators import metrics
from indicators.rt import DEFAULT_MAX_CV, estimate_r
from indicators.origin import OBSERVED
from trends.series import WINDOW, fill_days, rolling_sum

POSITIVITY_REFERENCE_PCT = 5.0  # WHO: below 5% for two weeks means testing is wide enough to trust the curve


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


def positivity(capacity: pd.DataFrame, start, end, national: pd.DataFrame | None = None) -> pd.DataFrame:
    """7-day test positivity in percent (positives / samples over the week), and the published national rate.

    `capacity`: date, samples, positives, source (data.db.daily_capacity); `national`: data.trends.national_owid,
    given for the country only. Columns: date, samples_7d, positives_7d, positivity_pct, source,
    national_positivity_pct, national_source.
    """
    tests = fill_days(capacity[["date", "samples", "positives"]], start, end)
    frame = pd.DataFrame({
        "date": tests["date"],
        "samples_7d": rolling_sum(tests["samples"]),
        "positives_7d": rolling_sum(tests["positives"]),
    })
    frame["positivity_pct"] = metrics.positivity_pct(frame["positives_7d"], frame["samples_7d"])
    frame["source"] = capacity["source"].dropna().iloc[0] if capacity["source"].notna().any() else None
    if national is not None and len(national):
        published = national.assign(date=pd.to_datetime(national["date"])).set_index("date")["positive_rate"] * 100
        frame["national_positivity_pct"] = frame["date"].map(published)
        frame["national_source"] = OBSERVED
    return frame[frame["date"] >= pd.Timestamp(start)].reset_index(drop=True)
