"""Several units on one scale: 7-day average cases per 100,000, for comparisons and small multiples.

Per 100,000 because units differ a hundredfold in population; a 7-day average because
weekday reporting rhythms would otherwise dominate a daily comparison.
"""
from __future__ import annotations

import pandas as pd

from indicators import metrics
from trends.series import WINDOW, day_source, fill_days, overall_source

MAX_COMPARED = 8


def unit_labels(units: pd.DataFrame, country_label: str, with_parent: bool = True) -> pd.Series:
    """Display name of each unit (indexed by its key): 'Nậm Pồ (Điện Biên)', 'Điện Biên', the country."""
    parent = units["parent"].fillna("")
    short_parent = parent.str.replace(r"^(Tỉnh|Thành phố) ", "", regex=True)
    labels = (units["name"] + " (" + short_parent + ")").where(parent.ne("") & with_parent, units["name"])
    labels = labels.where(units["level"] != "country", country_label)
    return pd.Series(labels.to_numpy(), index=units["unit"].to_numpy())


def incidence(unit_cases: pd.DataFrame, units: pd.DataFrame, labels: pd.Series, start, end) -> pd.DataFrame:
    """Daily 7-day average per 100,000 of every unit of `units` (cases loaded from `lead_start(start)`).

    Columns: unit, label, date, new_cases, observed_cases, avg7, avg7_per_100k, source (of the
    unit's whole period: observed, estimated or mixed).
    """
    full = fill_days(unit_cases[["unit", "date", "new_cases", "observed_cases"]], start, end, by="unit",
                     members=units["unit"])
    wide = full.pivot(index="date", columns="unit", values="new_cases")
    average = (metrics.rolling_sum_wide(wide, WINDOW) / WINDOW).stack().rename("avg7").reset_index()
    frame = full.merge(average, on=["unit", "date"], how="left", validate="1:1")
    frame = frame[frame["date"] >= pd.Timestamp(start)]
    population = units.set_index("unit")["population"]
    frame["label"] = frame["unit"].map(labels)
    frame["avg7_per_100k"] = metrics.per_100k(frame["avg7"], frame["unit"].map(population).astype("float64"))
    day = day_source(frame["observed_cases"], frame["new_cases"])
    frame["source"] = frame["unit"].map(day.groupby(frame["unit"]).agg(overall_source))
    columns = ["unit", "label", "date", "new_cases", "observed_cases", "avg7", "avg7_per_100k", "source"]
    return frame[columns].sort_values(["unit", "date"], ignore_index=True)


def ranked(frame: pd.DataFrame) -> list[str]:
    """Units ordered by their incidence on the last day, highest first (no data last)."""
    last = frame[frame["date"] == frame["date"].max()].set_index("unit")["avg7_per_100k"]
    return list(last.sort_values(ascending=False, na_position="last").index)
