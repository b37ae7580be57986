"""After uploads, in a real browser: the province's Overview warns that the districts' uploaded cases differ
from the published figure (both numbers on screen), and the Capacity page badges the uploaded beds observed."""
from __future__ import annotations

import shutil

import pytest

from i18n import t
from tests.browser.test_map_browser import ARTIFACTS, browser_page, serve
from tests.ingest_corpus import DIEN_BIEN, REPORT_DATE
from tests.test_one_truth import UPLOADED_PER_DISTRICT, upload_dien_bien_beds, upload_dien_bien_cases

pytestmark = pytest.mark.browser


@pytest.fixture
def uploaded_server(small_db, tmp_path):
    path = tmp_path / "uploaded.duckdb"
    shutil.copy(small_db, path)
    upload_dien_bien_cases(path)
    upload_dien_bien_beds(path)
    with serve(path) as url:
        yield url


def test_uploads_show_in_the_browser(uploaded_server):
    districts_sum = f"{UPLOADED_PER_DISTRICT * len(DIEN_BIEN)} ca"
    with browser_page() as page:
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
