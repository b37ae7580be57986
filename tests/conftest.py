"""Shared fixtures: a small database built by the real build code from the committed source files.

The small database holds three provinces (Điện Biên 11, Lai Châu 12, Quảng Ninh 22) from
2021-04-01 to 2022-01-31: the real district window, the Delta wave and the first
vaccination snapshots, at a fraction of the full build's cost. The record database (two
provinces, 2021-09-01 to 2022-06-30) holds a backlog dump, a gap and unknown deaths.
"""
from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SMALL_PROVINCES = ["11", "12", "22"]
SMALL_START, SMALL_END = "2021-04-01", "2022-01-31"


@pytest.fixture(scope="session")
def small_db(tmp_path_factory) -> Path:
    """Path to the small test database (built once per test session)."""
    from data.build import build

    path = tmp_path_factory.mktemp("db") / "small.duckdb"
    return build(path, provinces=SMALL_PROVINCES, start=SMALL_START, end=SMALL_END)


# A second small build for the published record's artefacts (data/record_notes.py): Sóc Trăng (94) showed zeros
# on 10-13/10/2021 and dumped 1,057 cases on 14/10; Cà Mau (96) has 151,919 in the collected series on 25/10/2021,
# 42 in the Ministry's bulletin (a correction); deaths are unknown after 25/05/2022.
RECORD_PROVINCES = ["94", "96"]
RECORD_START, RECORD_END = "2021-09-01", "2022-06-30"


@pytest.fixture(scope="session")
def record_db(tmp_path_factory) -> Path:
    """Path to the database of the record's artefacts (built once per test session, a few seconds)."""
    from data.build import build

    path = tmp_path_factory.mktemp("record") / "record.duckdb"
    return build(path, provinces=RECORD_PROVINCES, start=RECORD_START, end=RECORD_END)


@pytest.fixture
def record_env(record_db, monkeypatch):
    """The app on the record's database."""
    with app_on(record_db, monkeypatch) as path:
        yield path


@pytest.fixture
def small_con(small_db):
    from data.db import connect

    con = connect(small_db, read_only=True)
    yield con
    con.close()


@contextlib.contextmanager
def app_on(path: Path, monkeypatch):
    """Point the app at the database `path` with empty caches, and empty them again afterwards."""
    import streamlit as st

    monkeypatch.setenv("SITUATION_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        yield path
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()


@pytest.fixture
def app_env(small_db, monkeypatch):
    """The app on the small database (for AppTest of pages that only read)."""
    with app_on(small_db, monkeypatch) as path:
        yield path


@pytest.fixture(scope="session")
def pg_server():
    """A private PostgreSQL server for the shared-store tests (one per test session), or a skip saying why."""
    pytest.importorskip("psycopg", reason="the shared-store tests need psycopg (requirements.txt)")
    from data.store.scratch import ScratchServer, Unavailable

    try:
        server = ScratchServer()
    except Unavailable as reason:
        pytest.skip(f"PostgreSQL could not be installed or started here, so the shared-store tests are skipped: {reason}")
    yield server
    server.stop()


@pytest.fixture
def store_url(pg_server, monkeypatch):
    """A new, empty database on the test server, migrated, set as $SITUATION_STORE for the test."""
    from data.store import postgres

    url = pg_server.new_database()
    postgres.migrate(url)
    monkeypatch.setenv("SITUATION_STORE", url)
    return url
