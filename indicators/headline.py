"""Headline figures of one area on one day: what the Overview and the briefing lead with.

Pure pandas over the daily series of an area (data.db.daily_cases), so the same
numbers feed the page, the briefing slides and the written report.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.metrics import population_aged


@dataclass(frozen=True)
class Headline:
    cases_7d: int
    cases_prev_7d: int
    change_pct: float  # NaN when the previous week had no case
    cases_per_100k_7d: float  # NaN when the population is unknown
    deaths_7d: int
    in_treatment: float
    oxygen: float
    icu: float
    cases_source: str  # observed | estimated | mixed
    pct_18plus_dose1: float
    pct_50plus_full: float
    vaccination_date: dt.date | None


def _window(daily: pd.DataFrame, end: pd.Timestamp, days: int) -> pd.DataFrame:
    dates = pd.to_datetime(daily["date"])
    return daily[(dates > end - pd.Timedelta(days=days)) & (dates <= end)]


def cases_source(observed: float, total: float) -> str:
    """Where a week's case count comes from, judged by its observed share."""
    if total == 0 or observed == total:
        return "observed"
    return "estimated" if observed == 0 else "mixed"


def headline(daily: pd.DataFrame, population: int, on: dt.date,
             vaccination: pd.DataFrame | None = None, population_by_age: pd.DataFrame | None = None,
             is_district: bool = False) -> Headline:
    """The headline of an area on day `on` from its daily series and census figures.

    A province's or the country's cases are the Ministry's own figures (the districts sum to them),
    so only a district's count can be estimated.
    """
    end = pd.Timestamp(on)
    week = _window(daily, end, 7)
    previous = _window(daily, end - pd.Timedelta(days=7), 7)
    cases_7d, cases_prev = int(week["new_cases"].sum()), int(previous["new_cases"].sum())
    today = daily[pd.to_datetime(daily["date"]) == end]

    def current(column: str) -> float:
        return float(today[column].iloc[0]) if len(today) and pd.notna(today[column].iloc[0]) else np.nan

    dose1, full, vaccination_date = _coverage(vaccination, population_by_age)
    return Headline(
        cases_7d=cases_7d,
        cases_prev_7d=cases_prev,
        change_pct=(cases_7d / cases_prev - 1) * 100 if cases_prev else np.nan,
        cases_per_100k_7d=cases_7d / population * 1e5 if population else np.nan,
        deaths_7d=int(week["new_deaths"].sum()),
        in_treatment=current("in_treatment"),
        oxygen=current("oxygen"),
        icu=current("icu"),
        cases_source=cases_source(float(week["observed_cases"].sum()), cases_7d) if is_district else "observed",
        pct_18plus_dose1=dose1,
        pct_50plus_full=full,
        vaccination_date=vaccination_date,
    )


def _coverage(vaccination: pd.DataFrame | None, population_by_age: pd.DataFrame | None):
    """(% aged ≥18 with ≥1 dose, % aged ≥50 fully vaccinated, date of the record) — NaN when unknown."""
    if vaccination is None or population_by_age is None or vaccination.empty:
        return np.nan, np.nan, None
    area = population_by_age.assign(district_code="area")
    adults, over_50 = population_aged(area, 18).sum(), population_aged(area, 50).sum()
    people = vaccination.set_index(["age_group", "dose"])["people"]
    dose1 = people.reindex([(band, "dose1") for band in ("18-49", "50-64", "65+")]).sum()
    full = people.reindex([(band, "full") for band in ("50-64", "65+")]).sum()
    when = pd.Timestamp(vaccination["date"].iloc[0]).date()
    return (dose1 / adults * 100 if adults else np.nan, full / over_50 * 100 if over_50 else np.nan, when)
