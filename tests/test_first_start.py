"""First start: with no database file, the app builds one (showing progress) and then shows the Overview."""
from __future__ import annotations

import streamlit as st

from data import build
from i18n import t
from tests.apptest import open_page
from tests.conftest import SMALL_END, SMALL_PROVINCES, SMALL_START


def test_missing_database_is_built_on_first_start(tmp_path, monkeypatch):
    target = tmp_path / "fresh.duckdb"
    monkeypatch.setenv("SITUATION_DB", str(target))
    steps, names = [], []
    full_build = build.build

    def small_build(target=None, progress=None, **kwargs):
        """The same build, cut to the small test provinces so the test stays quick."""
        def record(fraction, step):
            steps.append(fraction)
            names.append(step)
            progress(fraction, step)

        return full_build(target, provinces=SMALL_PROVINCES, start=SMALL_START, end=SMALL_END, progress=record)

    monkeypatch.setattr(build, "build", small_build)
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = open_page(query={"area": "11", "date": "2021-05-24"}, timeout=120)
        assert not at.exception
        assert target.exists() and steps[-1] == 1.0
        assert "Tổng quan tình hình dịch" in at.title[0].value
        for lang in ("vi", "en"):  # each step the progress bar names is said in words, never as its key
            assert all(not t(f"app.build_step.{name}", lang).startswith("app.") for name in names)
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()


def test_sessions_that_open_a_fresh_server_together_watch_one_background_build(tmp_path, monkeypatch):
    """Two people opening the app before its database exists: one build, in the background (a closed tab no longer
    stops it; two builds in one process wrote into each other's file: 'Table with name "provinces" already
    exists')."""
    target = tmp_path / "fresh.duckdb"
    calls = []
    full_build = build.build

    def small_build(target=None, progress=None, **kwargs):
        calls.append(target)
        return full_build(target, provinces=SMALL_PROVINCES, start=SMALL_START, end=SMALL_END, progress=progress)

    monkeypatch.setattr(build, "build", small_build)
    first, second = build.first_build(target), build.first_build(target)
    assert first is second
    first.thread.join(timeout=300)
    assert first.error is None and (first.fraction, first.step) == (1.0, "done")
    assert len(calls) == 1 and target.exists()
