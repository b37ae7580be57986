"""Daily curves of one unit: every day filled, the 7-day average, per 100,000, provisional days, growth.

Every frame keeps the observed part of each count next to the total, so a chart can draw
the estimated part lighter and a download says which figure is which.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from indicators import metrics
from indicators.origin import ESTIMATED, MIXED, OBSERVED

# Reports of the last days are still coming in (late district reports, cases reclassified
# after verification), so the three most recent days of a curve are provisional.
PROVISIONAL_DAYS = 3
WINDOW = 7
# Days loaded before the first day shown: enough for the 7-day average, the week-on-week
# growth and the serial-interval memory of Rt, so the first shown day is never truncated.
LEAD_DAYS = 60



def lead_start(start: dt.date) -> dt.date:
    """The first day to load so the curve starting at `start` has its full history."""
    return start - dt.timedelta(days=LEAD_DAYS)


def fill_days(frame: pd.DataFrame, start, end, by: str | None = None, members=None) -> pd.DataFrame:
    """Every day from the first day of `frame` (or `start`, if earlier) to `end`, per `by` unit when given
    (for each of `members`, default the units in `frame`).

    The published series omits days without a case: a missing day inside the data counts as 0.
    """
    dates = pd.to_datetime(frame["date"])
    first = min(dates.min(), pd.Timestamp(start)) if len(frame) else pd.Timestamp(start)
    days = pd.date_range(first, pd.Timestamp(end), freq="D", name="date")
    frame = frame.assign(date=dates)
    if by is None:
        return frame.set_index("date").reindex(days, fill_value=0).reset_index()
    members = frame[by].drop_duplicates() if members is None else members
    index = pd.MultiIndex.from_product([members, days], names=[by, "date"])
    return frame.set_index([by, "date"]).reindex(index, fill_value=0).reset_index()


def rolling_sum(values: pd.Series, window: int = WINDOW) -> pd.Series:
    """Trailing sum over `window` days (NaN until a full window exists), exact as indicators.metrics sums."""
    return metrics.rolling_sum_wide(values.to_frame(), window).iloc[:, 0]


def per_100k(values: pd.Series | float, population: float):
    """Per 100,000 people of one area (a number; indicators.metrics.per_100k takes a Series of them);
    NaN when the population is unknown (Hoàng Sa has none)."""
    return values / population * 1e5 if population else values * np.nan


def day_source(observed: pd.Series, total: pd.Series) -> pd.Series:
    """Where each day's figure comes from: observed, estimated, or mixed (partly each)."""
    return pd.Series(
        np.select([observed >= total, observed == 0], [OBSERVED, ESTIMATED], MIXED), index=total.index
    )


def curve(series: pd.DataFrame, value: str, observed: str, population: float, start, end) -> pd.DataFrame:
    """The epidemic curve of one count from `start` to `end`; `series` holds the days before `start` that
    the 7-day average and the growth need (load it from `lead_start(start)`).

    Columns: date, value, observed, estimated, avg7, value_per_100k, avg7_per_100k, source, provisional,
    and the growth columns (cases_7d, growth_per_day, doubling_days, halving_days).
    """
    counts = pd.DataFrame({"date": series["date"], "value": series[value], "observed": series[observed]})
    frame = fill_days(counts, start, end).astype({"value": "int64", "observed": "int64"})
    frame["observed"] = frame["observed"].clip(upper=frame["value"])
    frame["estimated"] = frame["value"] - frame["observed"]
    frame["avg7"] = rolling_sum(frame["value"]) / WINDOW
    frame["value_per_100k"] = per_100k(frame["value"], population)
    frame["avg7_per_100k"] = per_100k(frame["avg7"], population)
    frame["source"] = day_source(frame["observed"], frame["value"])
    frame["provisional"] = frame["date"] > pd.Timestamp(end) - pd.Timedelta(days=PROVISIONAL_DAYS)
    frame = frame.join(growth(frame["value"]))
    return frame[frame["date"] >= pd.Timestamp(start)].reset_index(drop=True)


def with_national(frame: pd.DataFrame, national: pd.DataFrame, value: str, population: float) -> pd.DataFrame:
    """A country curve with the national series as Our World in Data published it (to 2022-01-10) beside it,
    so the sum of the provinces can be checked against the national figure day by day.

    Adds national (NaN where OWID has no figure) and national_per_100k.
    """
    published = national.assign(date=pd.to_datetime(national["date"])).set_index("date")[value]
    result = frame.assign(national=frame["date"].map(published).astype("float64"))
    result["national_per_100k"] = per_100k(result["national"], population)
    return result


def overall_source(sources: pd.Series) -> str:
    """One word for a whole curve: observed, estimated or mixed."""
    kinds = set(sources)
    if kinds <= {OBSERVED}:
        return OBSERVED
    return ESTIMATED if kinds == {ESTIMATED} else MIXED


def growth(values: pd.Series) -> pd.DataFrame:
    """Week-on-week growth of a daily count, and the doubling time while it grows or the halving time
    while it shrinks (indicators.metrics: r = ln(last 7 days / the 7 before) / 7, T = ln 2 / |r|)."""
    week = rolling_sum(values)
    rate = metrics.growth_rate_from_sums(week, week.shift(WINDOW), WINDOW)
    return pd.DataFrame({
        "cases_7d": week,
        "growth_per_day": rate,
        "doubling_days": metrics.doubling_time_days(rate),
        "halving_days": metrics.halving_time_days(rate),
    })
