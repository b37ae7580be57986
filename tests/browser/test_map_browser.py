"""The map page in a real browser: the system Chromium driven by Playwright opens /ban-do, waits for the
map's canvas and saves a screenshot under test-artifacts/ (git-ignored) for a human to look at."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serve(db_path: Path):
    """The app on the database `db_path`, as the README runs it (serve.py), on a free local port; stopped when
    the block ends."""
    port = free_port()
    env = {**os.environ, "SITUATION_DB": str(db_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"), "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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


@pytest.fixture
def server(small_db):
    """The app on the small database."""
    with serve(small_db) as url:
        yield url


@contextlib.contextmanager
def browser_page():
    """A page of the system Chromium (the test is skipped, saying why, without Playwright or Chromium)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("no system Chromium at /usr/bin/chromium")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1500, "height": 1200})
        finally:
            browser.close()


def test_map_page_draws_its_canvas(server):
    with browser_page() as page:
        page.goto(f"{server}/ban-do?area=103&week=2021-05-17")
        page.wait_for_selector("canvas", timeout=120_000)
        page.get_by_text("Huyện Nậm Pồ").first.wait_for(timeout=60_000)
        page.wait_for_timeout(1500)  # let deck.gl draw the polygons
        page.screenshot(path=str(ARTIFACTS / "map_browser.png"), full_page=True)
        assert "Bản đồ cấp độ dịch" in page.locator("h1").first.inner_text()
        assert page.locator("canvas").count() >= 1


def test_country_map_fetches_its_outlines_once_from_the_static_files(server):
    """The whole country's outlines are static map files (app/static/geo/: the districts and the provinces'
    borders), fetched by the browser and then kept: moving the week fetches nothing more, nothing goes wrong."""
    with browser_page() as page:
        fetched = []
        page.on("response", lambda response: fetched.append((response.url, response.status))
                if "/app/static/geo/" in response.url else None)
        page.goto(f"{server}/ban-do?area=VN&week=2021-05-17")
        page.wait_for_selector("canvas", timeout=120_000)
        page.wait_for_timeout(3000)
        assert sorted(status for _, status in fetched) == [200, 200], fetched
        assert {url.split("/")[-1].split("?")[0] for url, _ in fetched} == {"districts_map.geojson",
                                                                            "province_borders.json"}
        page.get_by_role("slider").first.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(3000)
        assert len(fetched) == 2, "a week move recolours; it fetches no outlines"
        assert page.locator('[data-testid="stException"]').count() == 0
