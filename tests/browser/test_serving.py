"""Two app processes behind nginx (deploy/): a page loads through the proxy; a clerk uploads through one
process in a real browser, and a reader on the other process sees the new figure.

Skipped with the reason when nginx, Chromium or Playwright is missing. Loopback only; every process the
test starts is stopped by `deploy.cluster`.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import bcrypt
import pytest

import deploy
from tests.browser.test_map_browser import CHROMIUM, CHROMIUM_ARGS, free_port
from tests.ingest_corpus import good_rows, header, xlsx

pytestmark = pytest.mark.browser

DAY, DISTRICT = "2021-07-01", "094"   # Thành phố Điện Biên Phủ
IN_TREATMENT = 4321                   # the figure the upload writes: shown as "4.321" on the Overview
PASSWORD = "thu-nghiem-hai-tien-trinh"


def users_file(folder: Path) -> Path:
    path = folder / "users.toml"
    digest = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=10)).decode()
    path.write_text(f'[access]\npublic_viewing = true\n\n[users.canbo_thu]\nrole = "clerk"\nprovince_code = "11"\n'
                    f'display_name = "Cán bộ thử"\npassword_hash = "{digest}"\n', encoding="utf-8")
    return path


def routes_to_two_processes(url: str) -> tuple[str, str]:
    """Two cookie values that nginx sends to two different processes."""
    found: dict[str, str] = {}
    for i in range(64):
        found.setdefault(deploy.process_of(url, f"route-{i}"), f"route-{i}")
        if len(found) == 2:
            return tuple(found.values())
    raise AssertionError(f"every route went to one process: {found}")


def browser_on(browser, url: str, route: str):
    context = browser.new_context(locale="vi-VN")
    context.add_cookies([{"name": "situation_route", "value": route, "url": url}])
    return context.new_page()


def test_an_upload_on_one_process_is_seen_on_the_other(small_db, tmp_path, monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    if not Path(deploy.NGINX).exists():
        pytest.skip(f"nginx is not installed at {deploy.NGINX}")
    if not CHROMIUM.exists():
        pytest.skip("no system Chromium at /usr/bin/chromium")
    database = tmp_path / "served.duckdb"
    shutil.copy(small_db, database)
    report = tmp_path / "bao_cao.xlsx"
    rows = good_rows()
    rows[0][header("in_treatment")] = IN_TREATMENT
    report.write_bytes(xlsx(rows))
    monkeypatch.setenv("SITUATION_USERS", str(users_file(tmp_path)))
    monkeypatch.setenv("SITUATION_DEMO", "1")  # harmless where demo mode does not exist
    shown = re.compile(re.escape(f"{IN_TREATMENT:,}".replace(",", ".")))
    overview = f"/?area={DISTRICT}&date={DAY}"
    port = free_port()
    with deploy.cluster(2, port, free_port(), database) as served, sync_api.sync_playwright() as playwright:
        url = served.url
        clerk_route, reader_route = routes_to_two_processes(url)
        assert deploy.process_of(url, clerk_route) != deploy.process_of(url, reader_route)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            reader = browser_on(browser, url, reader_route)
            reader.goto(url + overview)
            reader.get_by_text("Tổng quan tình hình dịch").first.wait_for(timeout=60_000)
            assert not shown.search(reader.inner_text("body"))

            clerk = browser_on(browser, url, clerk_route)
            clerk.goto(url + "/")  # then by the sidebar: a direct /nhap-lieu first shows "Page not found"
            clerk.get_by_role("link", name="Nhập liệu").click()
            clerk.get_by_label("Tên đăng nhập").fill("canbo_thu")
            clerk.get_by_label("Mật khẩu").fill(PASSWORD)
            clerk.get_by_role("button", name="Đăng nhập").click()
            clerk.locator("input[type=file]").set_input_files(str(report))
            clerk.get_by_role("button", name="Xác nhận ghi vào cơ sở dữ liệu").click(timeout=60_000)
            clerk.get_by_text("Đã ghi: lần tải lên số 1").wait_for(timeout=60_000)

            reader.goto(url + overview)  # the other process, at its next page load
            reader.get_by_text(shown).first.wait_for(timeout=60_000)
        finally:
            browser.close()
