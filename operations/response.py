"""Tracing, quarantine and testing series of an area: cumulative counts and what the labs ran.

Quarantine tables report the people present each day, not admissions. Cumulative totals are estimated:
admissions on a day = the rise in people present + the people leaving, taken as the day before's count
divided by the length of stay of the period (operations/parameters.toml [quarantine]); exact when stays are
spread evenly, and labelled "estimated" on screen.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.origin import ESTIMATED, least_real
from operations import parameters
from indicators.metrics import ratio_pct as percent

PRESENT = {"centralized_quarantine": "centralized_days", "home_isolation": "home_days"}


def stay_days(dates: pd.Series, kind: str) -> np.ndarray:
    """Length of stay in force on each date for `kind` ('centralized_days' or 'home_days')."""
    settings = parameters()["quarantine"]
    starts = pd.to_datetime(pd.Series(settings["starts"])).to_numpy()
    period = np.clip(np.searchsorted(starts, pd.to_datetime(dates).to_numpy(), side="right") - 1, 0, None)
    return np.asarray(settings[kind], dtype=float)[period]


def estimated_admissions(present: pd.Series, stay: np.ndarray) -> pd.Series:
    """Admissions per day from the people present: max(present - present before + present before / stay, 0).

    The first day counts everybody present as admitted that day (nobody is seen before it).
    """
    before = present.shift(1)
    admitted = (present - before + before / stay).clip(lower=0)
    return admitted.fillna(present).astype(float)


def with_totals(daily: pd.DataFrame, since) -> pd.DataFrame:
    """The daily frame from `since` on, with cumulative F0/F1/F2 and estimated cumulative quarantine and isolation.

    Columns added: cum_new_cases, cum_f1_identified, cum_f2_identified, and for each of centralized_quarantine and
    home_isolation: admitted_<column> (estimated per day) and cum_<column> (estimated, from `since`), and
    cumulative_quarantine_source: their origin, estimated from the present counts, so the least real of
    'estimated' and the present counts' origin (simulated counts give a simulated total).
    """
    frame = daily[pd.to_datetime(daily["date"]) >= pd.Timestamp(since)].sort_values("date").reset_index(drop=True)
    for column in ("new_cases", "f1_identified", "f2_identified"):
        frame[f"cum_{column}"] = frame[column].fillna(0).cumsum()
    for column, kind in PRESENT.items():
        admitted = estimated_admissions(frame[column].astype(float), stay_days(frame["date"], kind))
        frame[f"admitted_{column}"] = admitted
        frame[f"cum_{column}"] = admitted.cumsum()
    frame["cumulative_quarantine_source"] = frame["tracing_source"].map(lambda present: least_real(ESTIMATED, present))
    return frame


def pcr_workload(daily: pd.DataFrame, pool_size: int | None = None) -> pd.DataFrame:
    """Single and pooled samples, the RT-PCR reactions they take, use of capacity and positivity per day.

    Pooled samples take one reaction per pool: reactions = single + ceil(pooled / pool_size).
    """
    pool_size = pool_size or parameters()["testing"]["pool_size"]
    out = daily.copy()
    out["single_samples"] = out["samples"] - out["pooled_samples"]
    out["pcr_reactions"] = out["single_samples"] + np.ceil(out["pooled_samples"] / pool_size)
    out["capacity_used_pct"] = percent(out["pcr_reactions"], out["pcr_capacity"])
    out["positivity_pct"] = percent(out["positives"], out["samples"])
    return out
