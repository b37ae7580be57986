"""Several units on one scale: 7-day average cases per 100,000, for comparisons and small multiples.

Per 100,000 because units differ a hundredfold in population; a 7-day average because
weekday reporting rhythms would otherwise dominate a daily comparison.
"""
from __future__ import annotations

import pandas as pd

from trends.series import WINDOW, day_source, overall_source

MAX_COMPARED = 8


def unit_labels(units: pd.DataFrame, country_label: str, with_parent: bool = True) -> pd.Series:
    """Display name of each unit (indexed by its key): 'Nậm Pồ (Điện Biên)', 'Điện Biên', the country."""
    parent = units["parent"].fillna("")
    short_parent = parent.str.replace(r"^(Tỉnh|Thành phố) ", "", regex=True)
    labels = (units["name"] + " (" + short_parent + ")").where(parent.ne("") & with_parent, units["name"])
    labels = labels.where(units["level"] != "country", country_label)
    return pd.Series(labels.to_numpy(), index=units["unit"].to_numpy())


def incidence(unit_metrics: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """Daily 7-day average per 100,000 of several units, from their metrics frames (data.metrics.of_keys).

    Columns: unit, label, date, new_cases, observed_cases, avg7, avg7_per_100k, source (of the
    unit's whole period: observed, estimated or mixed).
    """
    frame = pd.DataFrame({
        "unit": unit_metrics["unit_code"], "date": pd.to_datetime(unit_metrics["date"]),
        "new_cases": unit_metrics["new_cases"].fillna(0).astype("int64"),
        "observed_cases": unit_metrics["observed_cases"].fillna(0).astype("int64"),
        "avg7": unit_metrics["new_cases_7d"] / WINDOW,
        "avg7_per_100k": unit_metrics["cases_per_100k_7d"] / WINDOW,
    })
    frame["label"] = frame["unit"].map(labels)
    day = day_source(frame["observed_cases"], frame["new_cases"])
    frame["source"] = frame["unit"].map(day.groupby(frame["unit"]).agg(overall_source))
    columns = ["unit", "label", "date", "new_cases", "observed_cases", "avg7", "avg7_per_100k", "source"]
    return frame[columns].sort_values(["unit", "date"], ignore_index=True)


def ranked(frame: pd.DataFrame) -> list[str]:
    """Units ordered by their incidence on the last day, highest first (no data last)."""
    last = frame[frame["date"] == frame["date"].max()].set_index("unit")["avg7_per_100k"]
    return list(last.sort_values(ascending=False, na_position="last").index)
