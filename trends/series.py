"""Daily curves of one unit: every day filled, the 7-day average, per 100,000, provisional days, growth.

Every frame keeps the observed part of each count next to the total, so a chart can draw
the estimated part lighter and a download says which figure is which.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from i18n import fmt_number, t
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
    """Per 100,000 people of one area, for the national series as OWID published it (every figure of the
    database has its rates in the metrics frame, data/metrics.py); NaN when the population is unknown."""
    return values / population * 1e5 if population else values * np.nan


def day_source(observed: pd.Series, total: pd.Series) -> pd.Series:
    """Where each day's figure comes from: observed, estimated, or mixed (partly each)."""
    return pd.Series(
        np.select([observed >= total, observed == 0], [OBSERVED, ESTIMATED], MIXED), index=total.index
    )


# Per count: (its 7-day sum, its 7-day rate per 100,000, its daily rate per 100,000, its origin, the origin of its
# 7-day sum and rate) in the metrics frame (data.metrics), which computes every one of them.
FRAME_COLUMNS = {
    "new_cases": ("new_cases_7d", "cases_per_100k_7d", "new_cases_per_100k", "cases_origin", "cases_7d_origin"),
    "new_deaths": ("new_deaths_7d", "deaths_per_100k_7d", "new_deaths_per_100k", "deaths_origin", "deaths_7d_origin"),
}


# The curve's columns about the two weeks of cases the Trends card compares, whichever count the curve draws.
GROWTH_COLUMNS = ("cases_7d", "cases_prev_7d", "growth_per_day", "doubling_days", "halving_days", "growth_origin")


def curve(frame: pd.DataFrame, value: str, end) -> pd.DataFrame:
    """The epidemic curve of one count (new_cases or new_deaths) from an area's metrics frame (data.metrics.
    of_area): the frame's sums and rates, laid out for the charts; nothing is recomputed here.

    Columns: date, value, observed, estimated, avg7, value_per_100k, avg7_per_100k, per_100k_7d, source (of the
    day), sum_7d_origin (of the 7-day sum and rate, as the frame carries it), provisional, and GROWTH_COLUMNS
    (of the two weeks of cases they compare).
    """
    seven_day, rate_7d, rate, origin, origin_7d = FRAME_COLUMNS[value]
    # Cases are known every day; a death count the source did not publish stays unknown (NaN), never 0.
    counts = frame[value].fillna(0).astype("int64") if value == "new_cases" else frame[value].astype("float64")
    observed = (frame["observed_cases"].fillna(0).astype("int64").clip(upper=counts) if value == "new_cases"
                else counts.where(frame[origin].astype("object") == OBSERVED, 0))
    curve_frame = pd.DataFrame({
        "date": pd.to_datetime(frame["date"]),
        "value": counts,
        "observed": observed,
        "estimated": counts - observed,
        "avg7": frame[seven_day] / WINDOW,
        "value_per_100k": frame[rate],
        "avg7_per_100k": frame[rate_7d] / WINDOW,
        "per_100k_7d": frame[rate_7d],
    })
    curve_frame["source"] = day_source(curve_frame["observed"], curve_frame["value"]).where(counts.notna().to_numpy())
    curve_frame["sum_7d_origin"] = frame[origin_7d].astype("object").to_numpy()
    curve_frame["provisional"] = curve_frame["date"] > pd.Timestamp(end) - pd.Timedelta(days=PROVISIONAL_DAYS)
    curve_frame["cases_7d"] = frame["new_cases_7d"]
    curve_frame["cases_prev_7d"] = frame["new_cases_prev_7d"]
    curve_frame["growth_per_day"] = frame["cases_growth_rate"]
    curve_frame["doubling_days"] = frame["cases_doubling_time_days"]
    curve_frame["halving_days"] = frame["cases_halving_time_days"]
    curve_frame["growth_origin"] = frame["cases_14d_origin"].astype("object").to_numpy()
    return curve_frame.reset_index(drop=True)


def doubling_card(last: pd.Series | None, lang: str) -> tuple[str, str]:
    """The Trends card's label and value, from the curve's last day (`curve`): the doubling time while cases grow,
    the halving time while they fall; in words when the two weeks compared give neither (no case this week, none
    the week before, too few in either to tell growth from chance, as many), not a bare dash."""
    for column in ("doubling_days", "halving_days"):
        if last is not None and pd.notna(last[column]):
            return t(f"trends.{column}", lang), t("trends.days_value", lang, days=fmt_number(last[column], 1, lang))
    label = t("trends.doubling_metric", lang)
    if last is None or pd.isna(last["cases_7d"]):
        return label, fmt_number(None, 1, lang)
    if last["cases_7d"] == 0:
        return label, t("trends.growth_no_cases", lang)
    if pd.isna(last["growth_per_day"]):  # the frame's growth needs enough cases in both weeks (data.metrics)
        return label, t("trends.growth_from_none" if last["cases_prev_7d"] == 0 else "trends.growth_too_few", lang)
    return label, t("trends.growth_unchanged", lang)


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



