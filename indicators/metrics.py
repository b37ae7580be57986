"""Epidemic metrics over all units and days at once.

Long frames keyed by (unit code, date) are turned into a wide table (one row per calendar day, one column
per unit), computed column-wise, and read back in the frame's own row order. A day with no figure is a
gap, not a zero: a 7-day sum over a gap is unknown. Rates with a population of 0 or missing are unknown
(NaN), never infinite. Works for any unit level: pass `unit="commune_code"`, `"province_code"`, …
"""

from __future__ import annotations

import numpy as np
import pandas as pd

UNIT = "district_code"
DATE = "date"
PER_100K = 100_000
CENSUS_BAND_YEARS = 5


# ------------------------------------------------------------------------------- long <-> wide

def calendar(days: pd.Series) -> pd.DatetimeIndex:
    """Every day from the first to the last of `days`."""
    days = pd.to_datetime(days)
    return pd.date_range(days.min(), days.max(), freq="D") if len(days) else pd.DatetimeIndex([])


def positions(index: pd.Index, values: pd.Series | np.ndarray) -> np.ndarray:
    """`index.get_indexer(values)` (-1 when absent), looked up once per distinct value: codes repeat a lot."""
    codes, distinct = pd.factorize(values)
    return np.append(index.get_indexer(distinct), -1)[codes]


def _grid(frame: pd.DataFrame, unit: str, date: str, dates: pd.DatetimeIndex,
          units: pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row (day) and column (unit) of every record, and which records fall inside the grid."""
    row = positions(dates, pd.to_datetime(frame[date]).to_numpy(dtype="datetime64[ns]"))
    column = positions(units, frame[unit])
    return row, column, (row >= 0) & (column >= 0)


def _check_one_per_cell(*indices: np.ndarray, what: str) -> None:
    cell = np.ravel_multi_index(indices, [int(index.max(initial=0)) + 1 for index in indices])
    if len(cell) and np.bincount(cell).max() > 1:
        raise ValueError(f"more than one row per {what}")


def to_wides(frame: pd.DataFrame, values: list[str], *, unit: str = UNIT, date: str = DATE,
             dates: pd.DatetimeIndex | None = None, units: pd.Index | None = None) -> dict[str, pd.DataFrame]:
    """Each of `values` as a table of days (`dates`, by default the calendar of the frame) by units.

    NaN where there is no row; rows outside `dates` or `units` are left out; two rows for one
    (unit, day) are an error.
    """
    dates = calendar(frame[date]) if dates is None else dates
    units = pd.Index(np.sort(frame[unit].unique())) if units is None else units
    row, column, inside = _grid(frame, unit, date, dates, units)
    row, column = row[inside], column[inside]
    _check_one_per_cell(row, column, what=f"({unit}, {date}) for {', '.join(values)}")
    wides = {}
    for value in values:
        table = np.full((len(dates), len(units)), np.nan)
        table[row, column] = frame[value].to_numpy(dtype="float64", na_value=np.nan)[inside]
        wides[value] = pd.DataFrame(table, index=dates, columns=units)
    return wides


def to_wide(frame: pd.DataFrame, value: str, **keywords) -> pd.DataFrame:
    """One column as a table of calendar days by units (see `to_wides`)."""
    return to_wides(frame, [value], **keywords)[value]


# ------------------------------------------------------------------------------- wide-table metrics

def rolling_sum_wide(wide: pd.DataFrame, window: int = 7) -> pd.DataFrame:
    """Trailing sum over `window` calendar days, unknown unless every day has a figure.

    Adds shifted copies rather than differencing a cumulative sum, so sums are exact (no drift) and a
    gap (NaN) spoils exactly the windows that contain it.
    """
    values = wide.to_numpy()
    sums = np.full(values.shape, np.nan)
    if len(values) >= window:
        sums[window - 1:] = sum(values[lag:len(values) - window + 1 + lag] for lag in range(window))
    return pd.DataFrame(sums, index=wide.index, columns=wide.columns)


# ------------------------------------------------------------------------------- long-frame metrics

def ratio_pct(numerator, denominator):
    """100 × numerator / denominator; unknown when the denominator is 0 or missing."""
    return 100 * numerator / denominator.where(denominator > 0)


# ------------------------------------------------------------------------------- population and coverage

def _band_range(band: str) -> tuple[int, int]:
    """'15-19' -> (15, 20): years [start, end). An open band ('85+') is taken as 5 years wide, which only
    matters if an age limit falls inside it."""
    if band.endswith("+"):
        return int(band[:-1]), int(band[:-1]) + CENSUS_BAND_YEARS
    start, end = band.split("-")
    return int(start), int(end) + 1


def population_aged(population_by_age: pd.DataFrame, min_age: int, max_age: int | None = None,
                    *, unit: str = UNIT) -> pd.Series:
    """People aged min_age..max_age (inclusive) per unit from census 5-year bands.

    A band cut by the age limit counts in proportion to the years it shares (ages spread evenly within a
    band): for aged ≥ 18 that is 2/5 of '15-19' plus every band from '20-24' up.
    """
    upper = 200 if max_age is None else max_age + 1
    share = {}
    for band in population_by_age["age_group"].unique():
        start, end = _band_range(band)
        years = max(0, min(end, upper) - max(start, min_age))
        share[band] = years / (end - start)
    weights = population_by_age["age_group"].map(share).astype(float)
    people = population_by_age["population"].astype(float) * weights
    return people.groupby(population_by_age[unit]).sum().rename("population")


VACCINATION_AGE_GROUPS = ("05-11", "12-17", "18-49", "50-64", "65+")
