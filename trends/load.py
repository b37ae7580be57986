"""Health-system load over time: patients in treatment, on oxygen and in ICU against beds and ICU capacity."""
from __future__ import annotations

import pandas as pd

# metrics-frame column -> the name the load charts read
RENAMED = {"covid_bed_occupancy_pct": "bed_occupancy_pct", "load_origin": "patients_source", "beds_origin": "beds_source"}


def load(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per day of an area's metrics frame (data.metrics.of_area), in the columns the charts read.

    Columns: date, in_treatment, oxygen, icu, covid_beds_total, covid_beds_occupied, bed_occupancy_pct,
    icu_beds_staffed, icu_beds_occupied, icu_occupancy_pct, patients_source, beds_source.
    """
    frame = frame.rename(columns=RENAMED).assign(date=lambda f: pd.to_datetime(f["date"]))
    frame = frame.astype({"patients_source": "object", "beds_source": "object"})
    columns = ["date", "in_treatment", "oxygen", "icu", "covid_beds_total", "covid_beds_occupied", "bed_occupancy_pct",
               "icu_beds_staffed", "icu_beds_occupied", "icu_occupancy_pct", "patients_source", "beds_source"]
    return frame[columns].sort_values("date", ignore_index=True)

