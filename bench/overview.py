"""overview_page_s: one warm AppTest run of the Overview page on the measured database."""
from __future__ import annotations

import os
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "app.py"


def time_page(db_path: Path, page: str | None = None, query: dict | None = None, runs: int = 3) -> float:
    """Best of `runs` warm runs (after one cold run that fills the caches), in seconds."""
    os.environ["SITUATION_DB"] = str(db_path)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update(query or {})
    at.run()
    if page:
        at.switch_page(page)
    at.run()
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        best = min(best, time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(f"{page or 'overview'} raised: {at.exception[0].message}")
    return round(best, 3)


def measure(db_path: Path) -> dict[str, float]:
    return {"overview_page_s": time_page(db_path, query={"area": "01", "date": "2021-08-15"})}
