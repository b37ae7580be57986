"""What each view of the Trends page shows, composed from the metrics frame, the classified view and the
published series (pure: the page caches these with ui.cached and only lays them out)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from data import db, levels as stored_levels, metrics
from data import trends as trend_data
from data.db import COUNTRY, Area
from trends import compare, levels, load, rt, series, vaccination


def curve(con, area: Area, value: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The curve of new cases or deaths (trends.series.curve); the country's with the national series beside."""
    frame = series.curve(metrics.of_area(con, area, start, end), value, end)
    if area.level == COUNTRY:
        return series.with_national(frame, trend_data.national_owid(con, start, end), value,
                                    db.area_population(con, area))
    return frame


def level_band(con, area: Area, ruleset_id: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The stored weeks of the area that end inside the period (no level from figures not yet known)."""
    weekly = levels.stored_band(stored_levels.history(con, ruleset_id, area, start - dt.timedelta(days=6), end))
    week_end = weekly["week_start"] + pd.Timedelta(days=6)
    return weekly[(week_end >= pd.Timestamp(start)) & (week_end <= pd.Timestamp(end))]


def level_band_in_force(con, area: Area, start: dt.date, end: dt.date) -> pd.DataFrame:
    """`level_band` with each week under the rule set in force when it ended (data.levels.history_in_force),
    named in `ruleset_id`: QĐ 4800's levels to January 2022, QĐ 218's after."""
    weekly = levels.stored_band(stored_levels.history_in_force(con, area, start - dt.timedelta(days=6), end))
    week_end = weekly["week_start"] + pd.Timedelta(days=6)
    return weekly[(week_end >= pd.Timestamp(start)) & (week_end <= pd.Timestamp(end))]


def reproduction(con, area: Area, start: dt.date, end: dt.date) -> pd.DataFrame:
    return rt.rt(trend_data.transmission_series(con, area, series.lead_start(start), end), start, end)


def units(con) -> pd.DataFrame:
    return trend_data.units(con)


def incidence(con, keys: tuple[str, ...], start: dt.date, end: dt.date, country_label: str,
              with_parent: bool) -> pd.DataFrame:
    """Several units' 7-day incidence per 100,000 (trends.compare), in the order of `keys`."""
    known = trend_data.units(con)
    known = known[known["unit"].isin(keys)]
    frame = compare.incidence(metrics.of_keys(con, keys, start, end),
                              compare.unit_labels(known, country_label, with_parent))
    position = {key: index for index, key in enumerate(keys)}
    return frame.sort_values("unit", key=lambda unit: unit.map(position), kind="stable", ignore_index=True)


def positivity(con, area: Area, start: dt.date, end: dt.date) -> pd.DataFrame:
    national = trend_data.national_owid(con, start, end) if area.level == COUNTRY else None
    return rt.positivity(metrics.of_area(con, area, start, end), national)


def health_load(con, area: Area, start: dt.date, end: dt.date) -> pd.DataFrame:
    return load.load(metrics.of_area(con, area, start, end))


def coverage(con, area: Area, start: dt.date, end: dt.date) -> pd.DataFrame:
    return vaccination.coverage(trend_data.vaccination_series(con, area, start, end),
                                db.area_population_by_age(con, area), metrics.of_area(con, area, start, end))


def whole_population(con, area: Area, start: dt.date, end: dt.date) -> pd.DataFrame:
    return vaccination.whole_population(trend_data.vaccination_series(con, area, start, end),
                                        db.area_population(con, area),
                                        trend_data.vaccination_snapshots(con, area, start, end),
                                        trend_data.vaccination_estimates(con, area, start, end),
                                        trend_data.vaccination_anchors(con, area, start, end))


def national(con, start: dt.date, end: dt.date) -> pd.DataFrame:
    return trend_data.national_owid(con, start, end)
