"""The dashboard's cached view of the data layer.

`data.db` stays pure and testable; here its connection is cached once per
database file (`st.cache_resource`) and its loaders once per arguments
(`st.cache_data`), keyed by the database path so switching databases (tests,
$SITUATION_DB) never serves stale frames.
"""
from __future__ import annotations

import functools
from typing import Callable, TypeVar

import duckdb
import streamlit as st

from data import db, levels, metrics, trends

T = TypeVar("T")


@st.cache_resource(show_spinner=False, on_release=lambda con: con.close())
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    """Closed when the cache is cleared, so the file's lock goes with it (tests, database switches)."""
    return db.connect(path)


def connection() -> duckdb.DuckDBPyConnection:
    return _connection(str(db.db_path()))


def cached(loader: Callable[..., T]) -> Callable[..., T]:
    """Wrap a pure loader `loader(con, *args)` so the UI calls it as `loader(*args)`, cached."""

    @st.cache_data(show_spinner=False, max_entries=256)
    def run(path: str, name: str, *args):
        return loader(_connection(path), *args)

    @functools.wraps(loader)
    def call(*args):
        return run(str(db.db_path()), f"{loader.__module__}.{loader.__qualname__}", *args)

    return call


def clear() -> None:
    """Forget every cached frame (after an upload changed the data)."""
    st.cache_data.clear()


provinces = cached(db.provinces)
districts = cached(db.districts)
date_range = cached(db.date_range)
area_name = cached(db.area_name)
area_population = cached(db.area_population)
official_province_cases = cached(db.official_province_cases)
daily_capacity = cached(db.daily_capacity)
vaccination_coverage = cached(db.vaccination_coverage)
area_population_by_age = cached(db.area_population_by_age)
build_info = cached(db.build_info)
# the metrics frame and the classified view: what every page reads
area_metrics = cached(metrics.of_area)
metrics_on_day = cached(metrics.on_day)
units_metrics = cached(metrics.units_of)
week_levels = cached(levels.week_levels)
level_history = cached(levels.history)
recent_levels = cached(levels.recent)
week_origins = cached(levels.week_origins)
