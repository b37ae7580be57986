"""After uploads, in a real browser: the province's Overview warns that the districts' uploaded cases differ
from the published figure (both numbers on screen), and the Capacity page badges the uploaded beds observed."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from data import db, ingest
from data.ingest.specs import SPECS
from i18n import t
from tests.browser.test_map_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, ROOT, free_port
from tests.ingest_corpus import DIEN_BIEN, REPORT_DATE, xlsx
from tests.test_one_truth import CLERK, UPLOADED_PER_DISTRICT, upload_dien_bien_cases

pytestmark = pytest.mark.browser


def upload_dien_bien_beds(path) -> None:
    beds = SPECS["beds"]
    rows = [{beds.header("date"): REPORT_DATE, beds.header("district_code"): code, beds.header("district_name"): name,
             beds.header("covid_beds_total"): 100, beds.header("covid_beds_occupied"): 10,
             beds.header("icu_beds_staffed"): 10, beds.header("icu_beds_occupied"): 1, beds.header("ventilators"): 5,
             beds.header("ventilators_in_use"): 1, beds.header("oxygen_supply_m3_per_day"): 50}
            for code, name in DIEN_BIEN.items()]
    con = db.connect(path)
    try:
        plan = ingest.prepare(con, xlsx(rows), "giuong.xlsx", "11", today=dt.date(2022, 2, 15))
        assert plan.ok, [problem.text() for problem in plan.problems]
        ingest.commit(con, plan, CLERK, today=dt.date(2022, 2, 15))
    finally:
        con.close()


@pytest.fixture
def uploaded_server(small_db, tmp_path):
    path = tmp_path / "uploaded.duckdb"
    shutil.copy(small_db, path)
    upload_dien_bien_cases(path)
    upload_dien_bien_beds(path)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=ROOT, env={**os.environ, "SITUATION_DB": str(path)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_uploads_show_in_the_browser(uploaded_server):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("no system Chromium at /usr/bin/chromium")
    ARTIFACTS.mkdir(exist_ok=True)
    districts_sum = f"{UPLOADED_PER_DISTRICT * len(DIEN_BIEN)} ca"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1200})
            page.goto(f"{uploaded_server}/?area=11&date={REPORT_DATE.isoformat()}")
            warning = page.get_by_text("tổng các huyện đã báo cáo là").first
            warning.wait_for(timeout=120_000)
            assert districts_sum in warning.inner_text() and "tỉnh công bố" in warning.inner_text()
            page.screenshot(path=str(ARTIFACTS / "overview_upload_conflict.png"), full_page=True)
            page.goto(f"{uploaded_server}/nang-luc?area=11&date={REPORT_DATE.isoformat()}")
            page.get_by_text(t("capacity.vacant_per_100k")).first.wait_for(timeout=120_000)
            page.wait_for_timeout(1000)
            assert page.get_by_text(t("common.source_observed")).count() >= 1, "the uploaded beds are observed"
            page.screenshot(path=str(ARTIFACTS / "capacity_upload_observed.png"), full_page=True)
        finally:
            browser.close()
