"""AppTest support for the operations pages (capacity, checkpoints, response).

Run as a script (by AppTest), it draws the shared sidebar and then the page named by $OPERATIONS_PAGE, so the
pages can be tested before app.py registers them; once app.py lists a page, `open_operations_page` goes
through app.py instead. Imported, it gives the tests that helper and the fixture `operations_env`: the small database with its supplies
table filled.
"""
from __future__ import annotations

import os
import runpy
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE_ENV = "OPERATIONS_PAGE"


def with_supplies(small_db: Path, target: Path) -> Path:
    """A copy of the small database whose supplies table is filled by data.supplies (as the build will do)."""
    import duckdb

    from data import build
    from data.supplies import simulate_supplies

    shutil.copy(small_db, target)
    con = duckdb.connect(str(target))
    try:
        if con.execute("SELECT COUNT(*) FROM supplies").fetchone()[0] == 0:
            frames = {name: con.execute(f"SELECT * FROM {name}").df() for name in ("districts", "cases", "beds", "tracing")}
            supplies = simulate_supplies(frames["districts"], frames["cases"], frames["beds"], frames["tracing"],
                                         build.DEFAULT_SEED)
            build._insert(con, "supplies", supplies.assign(reported_at=build._reported_at(supplies["date"])))
    finally:
        con.close()
    return target


@pytest.fixture
def operations_env(small_db, tmp_path_factory, monkeypatch):
    """Point the app at the small database with supplies (made once per session) and start from empty caches."""
    import streamlit as st

    path = tmp_path_factory.getbasetemp() / "operations.duckdb"
    if not path.exists():
        with_supplies(small_db, path)
    monkeypatch.setenv("SITUATION_DB", str(path))
    monkeypatch.setenv(PAGE_ENV, "")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield path
    st.cache_data.clear()
    st.cache_resource.clear()


def open_operations_page(page: str, query: dict | None = None, timeout: float = 60):
    """Run `page` (e.g. "capacity.py") with URL `query`: through app.py when it is registered there, else here."""
    from streamlit.testing.v1 import AppTest

    from tests.apptest import open_page

    if f'"{page}"' in (ROOT / "app.py").read_text(encoding="utf-8"):
        return open_page(f"pages/{page}", query, timeout)
    os.environ[PAGE_ENV] = page
    at = AppTest.from_file(str(Path(__file__).resolve()), default_timeout=timeout)
    at.query_params.update(query or {})
    return at.run()


if __name__ == "__main__":
    from ui import state

    state.sidebar()
    runpy.run_path(str(ROOT / "pages" / os.environ[PAGE_ENV]), run_name="__page__")
