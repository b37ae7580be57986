"""How many days until beds and ICU run out if occupancy keeps growing at its current rate.

Assumptions (shown and editable on the page): occupancy grows by the same fraction every day (exponential
growth measured over the last `window` days); capacity stays as it is unless the user adds beds; discharges,
deaths and new admissions keep their current balance. Everything works on arrays, so every district of a
province is projected at once.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from i18n import fmt_int


def daily_growth(occupied: pd.DataFrame, window: int) -> pd.Series:
    """Mean daily growth of each column of `occupied` (dates as index, one column per unit) over `window` days.

    (occupied on the last day / occupied `window` days earlier) ** (1 / window) - 1; NaN where the earlier
    day is missing or zero (growth from nothing is not a rate).
    """
    if occupied.empty:
        return pd.Series(np.nan, index=occupied.columns, dtype=float)
    frame = occupied.sort_index()
    last_day = frame.index.max()
    first_day = last_day - pd.Timedelta(days=window)
    last = frame.loc[last_day].astype(float)
    first = frame.reindex([first_day]).iloc[0].astype(float)
    first = first.where(first > 0)
    return (last / first) ** (1 / window) - 1


def days_until_full(occupied, capacity, growth) -> np.ndarray:
    """Days until `occupied` reaches `capacity` growing by `growth` a day: ln(capacity/occupied) / ln(1 + growth).

    0 when already full; inf when occupancy does not grow (growth <= 0) or there is nobody to grow from;
    NaN when an input is unknown.
    """
    occupied, capacity, growth = (np.asarray(x, dtype=float) for x in (occupied, capacity, growth))
    with np.errstate(divide="ignore", invalid="ignore"):
        days = np.log(capacity / occupied) / np.log1p(growth)
    days = np.where((growth > 0) & (occupied > 0), days, np.inf)
    days = np.where(occupied >= capacity, 0.0, days)
    return np.where(np.isnan(occupied) | np.isnan(capacity) | np.isnan(growth), np.nan, days)


def doubling_days(growth) -> np.ndarray:
    """Days for occupancy to double at `growth` a day (inf when it does not grow)."""
    growth = np.asarray(growth, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(growth > 0, np.log(2) / np.log1p(growth), np.where(np.isnan(growth), np.nan, np.inf))


def project(start: pd.Timestamp, occupied: float, growth: float, horizon: int) -> pd.DataFrame:
    """Projected occupancy from `start` (day 0) to `horizon` days ahead: occupied x (1 + growth) ** day."""
    day = np.arange(horizon + 1)
    return pd.DataFrame({"date": pd.Timestamp(start) + pd.to_timedelta(day, unit="D"), "day": day,
                         "occupied": occupied * (1 + growth) ** day})


# (occupied column, capacity column, label) of the two resources projected
RESOURCES = (("covid_beds_occupied", "covid_beds_total", "beds"), ("icu_beds_occupied", "icu_beds_staffed", "icu"))


def district_projection(occupancy: pd.DataFrame, names: pd.Series, day, window: int, lang: str = "vi") -> pd.DataFrame:
    """Per district, the growth of occupied beds and ICU beds over `window` days and the days until each is full,
    soonest first; districts that never fill are left out.

    `occupancy`: date, district_code and the bed columns on the first and the last day of the window
    (data.operations.district_occupancy); `names`: district names by code. Columns: district_code, name,
    growth_beds, days_beds, occupied_beds ('1.230 / 1.240' in Vietnamese), and the same for icu.
    """
    wide = occupancy.pivot(index="date", columns="district_code")
    wide.index = pd.to_datetime(wide.index)
    latest = occupancy[pd.to_datetime(occupancy["date"]) == pd.Timestamp(day)].set_index("district_code")
    per_district = pd.DataFrame({"name": names.reindex(latest.index)}, index=latest.index)
    for occupied, capacity, label in RESOURCES:
        growth = daily_growth(wide[occupied], window).reindex(latest.index)
        per_district[f"growth_{label}"] = growth * 100
        per_district[f"days_{label}"] = days_until_full(latest[occupied], latest[capacity], growth)
        per_district[f"occupied_{label}"] = [f"{fmt_int(used, lang)} / {fmt_int(total, lang)}"
                                             for used, total in zip(latest[occupied], latest[capacity])]
    per_district = per_district.replace([np.inf], np.nan).reset_index()
    soon = per_district[per_district[["days_beds", "days_icu"]].notna().any(axis=1)]
    return soon.sort_values(["days_beds", "days_icu"], na_position="last")
