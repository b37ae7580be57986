"""The dashboard's cached view of the data layer.

`data.db` stays pure and testable; here each process keeps one `db.Database` per file
(`st.cache_resource`), which moves to a new version of the file at the next query, and
the loaders' frames are cached per arguments (`st.cache_data`) under the version they
were read from. A write makes a new version, so the next rerun of every session reads
fresh frames while nobody's cache is cleared, and frames of old versions age out.
"""
from __future__ import annotations

import functools
from typing import Callable, TypeVar

import streamlit as st

from data import db, levels, metrics, record_notes, trends

T = TypeVar("T")


@st.cache_resource(show_spinner=False, on_release=lambda database: database.close())
def _database(path: str) -> db.Database:
    return db.Database(path)


def connection() -> db.Snapshot:
    """The newest version of the database in use (raises db.Unavailable with a message for people)."""
    return _database(str(db.db_path())).current()


def version_key() -> str:
    """Names the database file and version in use: key a page's own st.cache_data with it."""
    snapshot = connection()
    return f"{snapshot.path}@{snapshot.cache_key}"


def cached(loader: Callable[..., T]) -> Callable[..., T]:
    """Wrap a pure loader `loader(con, *args)` so the UI calls it as `loader(*args)`, cached per version."""

    @st.cache_data(show_spinner=False, max_entries=256)
    def run(_snapshot: db.Snapshot, path: str, version: str, name: str, *args):
        return loader(_snapshot, *args)

    @functools.wraps(loader)
    def call(*args):
        snapshot = connection()
        return run(snapshot, str(snapshot.path), snapshot.cache_key, f"{loader.__module__}.{loader.__qualname__}", *args)

    return call


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
levels_of_weeks = cached(levels.levels_of_weeks)
level_history = cached(levels.history)
level_history_in_force = cached(levels.history_in_force)
recent_levels = cached(levels.recent)
announced_levels = st.cache_data(show_spinner=False)(levels.announced_levels)  # a committed file, not the database
announced_counts = st.cache_data(show_spinner=False)(levels.announced_counts)
announced_district_levels = st.cache_data(show_spinner=False)(levels.announced_district_levels)
week_origins = cached(levels.week_origins)
# what the published record says about an area's days (backlog dumps, gaps, unknown deaths)
record_notes = cached(record_notes.notes)
