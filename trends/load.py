"""Health-system load over time: patients in treatment, on oxygen and in ICU against beds and ICU capacity."""
from __future__ import annotations

import numpy as np
import pandas as pd

from indicators import metrics
from indicators.origin import OBSERVED, SIMULATED


def load(daily: pd.DataFrame, capacity: pd.DataFrame, start, end) -> pd.DataFrame:
    """One row per day from `daily` (data.db.daily_cases) and `capacity` (data.db.daily_capacity).

    Columns: date, in_treatment, oxygen, icu, covid_beds_total, covid_beds_occupied, bed_occupancy_pct,
    icu_beds_staffed, icu_beds_occupied, icu_occupancy_pct, patients_source, beds_source.
    """
    patients = daily[["date", "in_treatment", "oxygen", "icu", "load_simulated"]]
    beds = capacity[["date", "covid_beds_total", "covid_beds_occupied", "icu_beds_staffed", "icu_beds_occupied",
                     "source"]]
    frame = patients.merge(beds, on="date", how="outer", validate="1:1").rename(columns={"source": "beds_source"})
    frame["date"] = pd.to_datetime(frame["date"])
    frame = frame[(frame["date"] >= pd.Timestamp(start)) & (frame["date"] <= pd.Timestamp(end))]
    frame["patients_source"] = np.where(frame["load_simulated"].fillna(True).astype(bool), SIMULATED, OBSERVED)
    frame["bed_occupancy_pct"] = metrics.occupancy_pct(frame["covid_beds_occupied"], frame["covid_beds_total"])
    frame["icu_occupancy_pct"] = metrics.occupancy_pct(frame["icu_beds_occupied"], frame["icu_beds_staffed"])
    columns = ["date", "in_treatment", "oxygen", "icu", "covid_beds_total", "covid_beds_occupied", "bed_occupancy_pct",
               "icu_beds_staffed", "icu_beds_occupied", "icu_occupancy_pct", "patients_source", "beds_source"]
    return frame[columns].sort_values("date", ignore_index=True)

