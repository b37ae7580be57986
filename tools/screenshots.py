"""Screenshots of every page, as a user sees them: python tools/screenshots.py [--out docs/screenshots].

Starts the app on a free local port (or uses --url), opens each page in the system Chromium
(headless, through Playwright) and saves one PNG per page. Used for the README and for
looking at what we build; no network beyond localhost.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
PAGES = {
    "overview": "/?area=11&date=2021-05-24",
    "overview-en": "/?area=01&date=2021-08-15&lang=en",
    "map": "/ban-do?area=VN&date=2021-08-15",
    "map-quang-ninh": "/ban-do?area=193&date=2021-08-15",
    "trends": "/dien-bien?area=79&date=2021-09-30",
    "capacity": "/nang-luc?area=79&date=2021-08-15",
    "checkpoints": "/chot-kiem-soat?area=22&date=2021-08-15",
    "response": "/truy-vet?area=11&date=2021-05-24",
    "briefing": "/trinh-chieu?area=01&date=2021-08-15",
    "data-entry": "/nhap-lieu",
}


MAX_HEIGHT = 3200  # pixels: longer pages are cut there


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(port: int, db: str | None) -> subprocess.Popen:
    env = dict(os.environ, **({"SITUATION_DB": db} if db else {}))
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"), "--server.port", str(port),
         "--server.headless", "true"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(240):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("the app did not start within 2 minutes")


def shoot(base_url: str, pages: dict[str, str], out: Path, width: int = 1440, height: int = 1000) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        for name, path in pages.items():
            page.goto(base_url + path)
            page.wait_for_selector("[data-testid='stMain'] h1", timeout=120_000)
            page.wait_for_timeout(1500)  # let slow sections start their spinners before waiting them out
            page.wait_for_function(
                "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
            page.wait_for_function(
                "() => !document.querySelector('[data-testid=\"stSkeleton\"], [data-testid=\"stSpinner\"], .stSpinner')",
                timeout=120_000)
            page.wait_for_timeout(2000)
            # Streamlit scrolls inside its main block, which full_page does not see: grow the window to the page.
            tall = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
            page.set_viewport_size({"width": width, "height": max(height, min(tall, MAX_HEIGHT))})
            page.wait_for_timeout(1500)
            target = out / f"{name}.png"
            page.screenshot(path=str(target), full_page=True)
            saved.append(target)
            page.set_viewport_size({"width": width, "height": height})
        browser.close()
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--url", default=None, help="an app already running (default: start one)")
    parser.add_argument("--db", default=None, help="database for the app it starts (default: $SITUATION_DB)")
    parser.add_argument("--only", default=None, help="comma-separated page names")
    args = parser.parse_args()
    pages = {k: v for k, v in PAGES.items() if not args.only or k in args.only.split(",")}
    process = None
    if not args.url:
        port = free_port()
        process = start_app(port, args.db)
        args.url = f"http://127.0.0.1:{port}"
    try:
        for path in shoot(args.url, pages, args.out):
            print(path)
    finally:
        if process:
            process.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
