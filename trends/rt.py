"""Transmission over time: the effective reproduction number Rt and test positivity.

Rt is EpiEstim's (Cori et al. 2013) as indicators.rt computes it, on 7-day windows ending each day,
with the default COVID-19 serial interval, on the adjusted case series with imported cases passed
separately (they infect but were not infected here). Which estimates are drawn is indicators.rt.reliable's
call; the others stay in the download.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.origin import OBSERVED, least_real
from indicators.policy import number
from indicators.rt import estimate_r, reliable
from trends.series import WINDOW, fill_days, rolling_sum

POSITIVITY_REFERENCE_PCT = number("testing", "positivity_reference_pct")  # indicators/policy.toml


def rt(series: pd.DataFrame, start, end) -> pd.DataFrame:
    """Rt per day from `start` to `end` (data.trends.transmission_series, loaded with its lead days).

    Columns: date (last day of the window), mean, std, lower, upper (95% credible interval), median,
    window_cases, window_community_cases, reliable.
    """
    daily = fill_days(series[["date", "new_cases", "imported_cases", "community_cases"]], start, end)
    imported = daily["imported_cases"].to_numpy(dtype=float)
    estimate = estimate_r(pd.DataFrame({"I_local": daily["new_cases"].to_numpy(dtype=float) - imported,
                                        "I_imported": imported}), window=WINDOW)
    frame = pd.DataFrame({
        "date": daily["date"].to_numpy()[estimate["t_end"].to_numpy() - 1],  # EpiEstim counts days from 1
        "mean": estimate["Mean(R)"],
        "std": estimate["Std(R)"],
        "lower": estimate["Quantile.0.025(R)"],
        "median": estimate["Median(R)"],
        "upper": estimate["Quantile.0.975(R)"],
    })
    for column, source in (("window_cases", "new_cases"), ("window_community_cases", "community_cases")):
        frame[column] = frame["date"].map(rolling_sum(daily[source]).set_axis(daily["date"]))
    frame["reliable"] = reliable(frame["mean"], frame["std"], frame["window_community_cases"])
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
