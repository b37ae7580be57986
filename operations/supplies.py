"""Days of cover of supplies: the stock on a day divided by the current rate of use.

The current rate of use is the mean daily use over the last `use_window_days` days up to that day
(operations/parameters.toml). An item nobody used has infinite cover; an item without figures has none (NaN).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from operations import parameters


def days_of_cover(supplies: pd.DataFrame, day, window: int | None = None, low_days: float | None = None) -> pd.DataFrame:
    """Per item: stock on `day`, mean daily use over `window` days, days of cover and whether it is low.

    `supplies` has date, item, unit, stock and used (one area: rows already summed over its districts),
    and optionally source.
    """
    settings = parameters()["supplies"]
    window = settings["use_window_days"] if window is None else window
    low_days = settings["low_cover_days"] if low_days is None else low_days
    day = pd.Timestamp(day)
    dates = pd.to_datetime(supplies["date"])
    recent = supplies[(dates > day - pd.Timedelta(days=window)) & (dates <= day)]
    use = recent.groupby("item")["used"].sum() / window
    today = supplies[dates == day].set_index("item")
    keep = [c for c in ("unit", "stock", "source") if c in today]
    out = today[keep].assign(used_per_day=use.reindex(today.index))
    with np.errstate(divide="ignore", invalid="ignore"):
        cover = out["stock"].astype(float) / out["used_per_day"].astype(float)
    out["days_of_cover"] = cover.where(out["used_per_day"] > 0, np.inf).where(out["used_per_day"].notna())
    out["low"] = (out["days_of_cover"] < low_days).astype("boolean").mask(out["days_of_cover"].isna())
    return out.reset_index()


def cover_text(days: float, lang: str) -> str:
    """Days of cover for people to read: a whole number of days; above a year '> 1 năm' (more digits say
    nothing a planner can use); '—' when unknown or when nothing is used."""
    from i18n import fmt_int, t

    if pd.isna(days) or not np.isfinite(days):
        return "—"
    return t("common.over_a_year", lang) if days > 365 else fmt_int(days, lang)
