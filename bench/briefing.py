"""Briefing and report files for a province on the full database, and the time to change slides on the page.

briefing_pptx_s / briefing_pdf_s: build the deck of Hà Nội on 15/08/2021, draw its charts through Chromium and
write the file, from a fresh connection (the issue asks for at most 30 s); report_docx_s: the daily report as DOCX;
briefing_next_slide_s: one click on "next" in AppTest once the deck is cached (the page promises no spinner).
"""
from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from data import db
from data.db import Area

AREA = Area(db.PROVINCE, "01")
DAY = dt.date(2021, 8, 15)
APP = Path(__file__).resolve().parent.parent / "app.py"


def _seconds(make) -> float:
    start = time.perf_counter()
    make()
    return round(time.perf_counter() - start, 2)


def _file(db_path: Path, writer) -> None:
    from reports.briefing import build_deck

    con = db.connect(db_path, read_only=True)
    try:
        writer(build_deck(con, AREA, DAY))
    finally:
        con.close()


def _report(db_path: Path) -> None:
    from reports.daily import build_report
    from reports.document import to_docx

    con = db.connect(db_path, read_only=True)
    try:
        to_docx(build_report(con, AREA, DAY))
    finally:
        con.close()


def _next_slide(db_path: Path, clicks: int = 3) -> float:
    """Best of a few warm clicks on "next"."""
    from streamlit.testing.v1 import AppTest

    os.environ["SITUATION_DB"] = str(db_path)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update({"area": AREA.code, "date": DAY.isoformat()})
    at.run()
    at.switch_page("app_pages/briefing.py").run()
    best = float("inf")
    for _ in range(clicks):
        start = time.perf_counter()
        at.button(key="briefing_next").click().run()
        best = min(best, time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(f"briefing page raised: {at.exception[0].message}")
    return round(best, 3)


def measure(db_path: Path) -> dict[str, float]:
    from reports.pdf_export import write_pdf
    from reports.pptx_export import write_pptx

    return {
        "briefing_pptx_s": _seconds(lambda: _file(db_path, write_pptx)),
        "briefing_pdf_s": _seconds(lambda: _file(db_path, write_pdf)),
        "report_docx_s": _seconds(lambda: _report(db_path)),
        "briefing_next_slide_s": _next_slide(db_path),
    }
