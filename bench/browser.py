"""What users feel: the real app in headless Chromium (python -m bench --browser).

One app process on loopback (serve.py, as the README runs it), the system Chromium driven by Playwright. For
every page, the time from navigation until the page is idle and the bytes the browser received over Streamlit's
WebSocket:
- cold: the map as the first visit of a freshly started server (warmed as deploy starts one) in a fresh
  browser profile;
- warm: a new tab on a warm server, in a browser profile on disk that has seen every page before (as a user's
  browser that opens the dashboard every day: its HTTP cache and V8's code cache are kept; a fresh in-memory
  profile is 0.15-0.2 s slower per page);
- navigated: a click on the page's link in the sidebar of a tab already open on the app, which is how a user
  goes from page to page (no front-end start-up: only the page's run and drawing);
and the same for the interactions users repeat: a move of the map's week slider, a switch of the Trends view to
the comparison, a switch of the sidebar's area. Then the server's memory per extra session (each opens the map,
then Trends).

Idle means: the app's script run has ended (Streamlit says so over the WebSocket), no status widget
shows, and for QUIET_MS neither a WebSocket message arrived nor the browser's main thread ran a long task
(confirmed by a second look); the time is that of the last message or the end of the last long task (the
browser's own work of decoding and drawing counts: the map's first frame too). Chromium runs without a GPU
(--disable-gpu): WebGL is drawn in software, which a user's GPU does in milliseconds. Figures are medians of REPEATS; counts and times are bounded (about four minutes).
Skipped, with a message, without Playwright or /usr/bin/chromium. Keys end in _s (seconds) or _kb.
"""
from __future__ import annotations

import contextlib
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import deploy
from i18n import t

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1440, "height": 1000}
DAY = "2021-09-06"  # a week of the Delta wave: the busiest maps
PAGES = {
    "overview": f"/?area=79&date={DAY}",
    "map": f"/ban-do?area=VN&date={DAY}",
    "province_map": f"/ban-do?area=79&date={DAY}",  # a province's committee: its districts, names, province borders
    "trends": f"/dien-bien?area=79&date={DAY}",
    "capacity": f"/nang-luc?area=79&date={DAY}",
    "checkpoints": f"/chot-kiem-soat?area=VN&date={DAY}",
    "response": f"/truy-vet?area=79&date={DAY}",
    "briefing": f"/trinh-chieu?area=79&date={DAY}",
    "data_entry": "/nhap-lieu",
}
REPEATS = 3
QUIET_MS = 600
CONFIRM_MS = 300
IDLE_TIMEOUT_S = 120
MEMORY_SESSIONS = 6
COMPARE_AREA = "Thành phố Hà Nội"

# Counts what arrives on every WebSocket, when, and when the main thread was last busy (long tasks).
PROBE = """(() => {
  const probe = window.__probe = {bytes: 0, last: 0, busyUntil: 0};
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        const data = event.data;
        probe.bytes += data.byteLength ?? data.size ?? data.length ?? 0;
        probe.last = performance.now();
      });
    }
  };
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) probe.busyUntil = Math.max(probe.busyUntil, entry.startTime + entry.duration);
    }).observe({type: 'longtask', buffered: true});
  } catch (error) {}
})();"""
STATE = """() => ({now: performance.now(), bytes: window.__probe.bytes, last: window.__probe.last,
  busyUntil: window.__probe.busyUntil,
  running: !!document.querySelector('[data-testid="stStatusWidget"]')})"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def app_server(db_path: Path) -> Iterator[tuple[str, int]]:
    """One app process on the database, on a free loopback port, started and warmed as deploy starts one:
    (url, pid); stopped when the block ends."""
    port = _free_port()
    process = deploy.start_app(port, dict(os.environ, SITUATION_DB=str(db_path)))
    try:
        deploy.wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", process=process)
        deploy.warm_up(f"http://127.0.0.1:{port}")  # as `python -m deploy run` starts a process
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        deploy.stop(process)


@contextlib.contextmanager
def user_profile(playwright) -> Iterator:
    """A browser with a profile on disk (a temporary one), as a user's own browser keeps: the context of the warm
    measurements."""
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as folder:
        context = playwright.chromium.launch_persistent_context(
            folder, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, viewport=VIEWPORT)
        context.add_init_script(PROBE)
        try:
            yield context
        finally:
            context.close()


def new_context(browser):
    """A fresh browser profile whose pages count their WebSocket bytes and long tasks from the first script on."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(PROBE)
    return context


class Tab:
    """One browser tab on the app: knows when the app's runs end, from what the WebSocket says."""

    def __init__(self, context, base_url: str):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.base_url = base_url
        self.page = context.new_page()
        self.runs_ended = 0
        self.running = False

        def on_frame(payload) -> None:
            if not isinstance(payload, bytes):
                return
            message = ForwardMsg()
            with contextlib.suppress(Exception):
                message.ParseFromString(payload)
                kind = message.WhichOneof("type")
                if kind == "script_finished":
                    self.runs_ended += 1
                elif kind == "session_status_changed":
                    self.running = message.session_status_changed.script_is_running

        self.page.on("websocket", lambda socket_: socket_.on("framereceived", on_frame))

    def state(self) -> dict:
        return self.page.evaluate(STATE)

    def idle(self, runs_before: int, started_ms: float, bytes_before: int) -> tuple[float, float]:
        """Wait until idle after an action begun at `started_ms` (page clock): (seconds, kilobytes).

        Idle is confirmed by a second look CONFIRM_MS later: a long task that was running during the first
        look (blocking it) is reported by the browser only after it ended, and then moves the end."""
        deadline = time.monotonic() + IDLE_TIMEOUT_S
        candidate = None
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(CONFIRM_MS if candidate is not None else 100)  # Playwright delivers frames
            now = self.state()
            settled = max(now["last"], now["busyUntil"], started_ms)
            quiet = (self.runs_ended > runs_before and not self.running and not now["running"]
                     and now["now"] - settled >= QUIET_MS)
            if quiet and candidate == settled:
                return (settled - started_ms) / 1000, (now["bytes"] - bytes_before) / 1000
            candidate = settled if quiet else None
        raise TimeoutError(f"{self.page.url} was not idle within {IDLE_TIMEOUT_S} s")

    def open(self, path: str) -> tuple[float, float]:
        """Navigate to a page of the app; time from navigation start (the page clock's zero)."""
        self.page.goto(self.base_url + path, wait_until="commit")
        return self.idle(0, 0.0, 0)

    def act(self, action) -> tuple[float, float]:
        """Do something on the page (a key press, a click) and wait for the app to settle."""
        before = self.state()
        runs = self.runs_ended
        action(self.page)
        return self.idle(runs, before["now"], before["bytes"])

    def close(self) -> None:
        self.page.close()


def _median(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return (round(statistics.median(p[0] for p in pairs), 2), round(statistics.median(p[1] for p in pairs), 1))


def move_week(page) -> None:
    page.get_by_role("slider").first.focus()
    page.keyboard.press("ArrowLeft")


def follow_link(path: str):
    """Click the sidebar's link to the page of `path` (hidden sidebars too: the briefing folds it away)."""
    target = path.split("?")[0]

    def click(page) -> None:
        page.evaluate("""(target) => {
          const link = [...document.querySelectorAll('[data-testid="stSidebarNavLink"]')]
            .find((candidate) => new URL(candidate.href).pathname === target);
          if (!link) throw new Error(`no link to ${target} in the sidebar`);
          link.click();
        }""", target)
    return click


def trends_view(key: str):
    def choose(page) -> None:
        page.locator('[data-testid="stMain"] [data-testid="stButtonGroup"]').first.get_by_text(
            t(f"trends.view_{key}", "vi"), exact=True).click()
    return choose


def switch_area(name: str):
    def choose(page) -> None:
        box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first
        box.click()
        page.keyboard.type(name)
        page.keyboard.press("Enter")
    return choose


def _measured(figures: dict[str, float], section: str, measure) -> None:
    """Add a section's figures; a section that fails says why (stderr) and the others are still measured."""
    try:
        found = measure()
        figures.update(found)
        print(f"bench.browser: {section} {found}", file=sys.stderr)
    except Exception as problem:  # noqa: BLE001 (a bench reports what it could measure)
        print(f"bench.browser: {section} not measured: {type(problem).__name__}: {problem}", file=sys.stderr)


def warm_pages(context, base_url: str, names: list[str] | None = None) -> dict[str, float]:
    """Every page (or the named ones) warm: a new tab each time, on a server and a browser cache that have seen
    every measured page."""
    figures = {}
    measured = {name: PAGES[name] for name in names or PAGES}
    warmup = Tab(context, base_url)
    for path in measured.values():
        warmup.open(path)
    warmup.close()
    for name, path in measured.items():
        loads = []
        for _ in range(REPEATS):
            tab = Tab(context, base_url)
            loads.append(tab.open(path))
            tab.close()
        figures[f"browser_{name}_warm_s"], figures[f"browser_{name}_warm_kb"] = _median(loads)
    return figures


def navigated_pages(context, base_url: str, names: list[str] | None = None) -> dict[str, float]:
    """Every page (or the named ones) reached by its sidebar link from the one before, with the area and day of
    its warm measurement: one tab for each query of PAGES goes round its pages (with a companion page when there
    is only one), opened on the last of them with that query. The first round, each page's first visit in the
    session, is not counted."""
    groups: dict[str, list[str]] = {}
    for name in names or PAGES:
        groups.setdefault(PAGES[name].partition("?")[2], []).append(name)
    figures = {}
    for query, group in groups.items():
        tour = group if len(group) > 1 else [*group, "overview" if group == ["data_entry"] else "data_entry"]
        tab = Tab(context, base_url)
        try:
            tab.open(f"{PAGES[tour[-1]].partition('?')[0]}?{query}")
            rounds = [[tab.act(follow_link(PAGES[name])) for name in tour] for _ in range(REPEATS + 1)][1:]
        finally:
            tab.close()
        for index, name in enumerate(group):
            figures[f"browser_{name}_nav_s"], figures[f"browser_{name}_nav_kb"] = _median([run[index] for run in rounds])
    return figures


def week_moves(context, base_url: str) -> dict[str, float]:
    tab = Tab(context, base_url)
    try:
        tab.open(PAGES["map"])
        moves = [tab.act(move_week) for _ in range(REPEATS + 1)][1:]  # the first move warms its week
    finally:
        tab.close()
    seconds, kilobytes = _median(moves)
    return {"browser_map_week_move_s": seconds, "browser_map_week_move_kb": kilobytes}


def trends_switches(context, base_url: str) -> dict[str, float]:
    """The Trends page's view switched to the comparison (and back), then the sidebar's area switched."""
    tab = Tab(context, base_url)
    try:
        tab.open(PAGES["trends"])
        switches = []
        for _ in range(REPEATS):
            switches.append(tab.act(trends_view("compare")))
            tab.act(trends_view("curve"))
        areas = [tab.act(switch_area(name)) for name in (COMPARE_AREA, "Thành phố Hồ Chí Minh", "Tỉnh Bình Dương")]
    finally:
        tab.close()
    figures = {}
    figures["browser_trends_compare_s"], figures["browser_trends_compare_kb"] = _median(switches)
    figures["browser_area_switch_s"], figures["browser_area_switch_kb"] = _median(areas)
    return figures


def cold_map(browser, db_path: Path) -> dict[str, float]:
    """The map as the first visit of a freshly started server, in a fresh browser profile."""
    with app_server(db_path) as (base_url, _):
        context = new_context(browser)
        try:
            tab = Tab(context, base_url)
            seconds, kilobytes = tab.open(PAGES["map"])
        finally:
            context.close()
    return {"browser_map_cold_s": round(seconds, 2), "browser_map_cold_kb": round(kilobytes, 1)}


def session_memory(base_url: str, pid: int) -> dict[str, float]:
    """What each extra session adds to the server's memory once it opened the map, then Trends (Streamlit's
    own protocol, so the browser's work does not compete for the cores)."""
    from bench.serving import Session, rss_mb

    def user() -> Session:
        session = Session(base_url, "memory")
        session.load("ban-do", f"area=VN&date={DAY}")
        session.load("dien-bien", f"area=79&date={DAY}&view=compare", expect=None)
        return session

    sessions = [user()]
    try:
        time.sleep(1)
        steady = rss_mb(pid)
        sessions += [user() for _ in range(MEMORY_SESSIONS)]
        time.sleep(1)
        more = rss_mb(pid)
    finally:
        for session in sessions:
            session.close()
    return {"browser_server_rss_mb": round(steady, 1),
            "browser_session_rss_mb": round((more - steady) / MEMORY_SESSIONS, 1)}


def measure_browser(db_path: Path, pages: list[str] | None = None) -> dict[str, float]:
    """Every section; with `pages` (names of PAGES) only those pages (warm and navigated), the quick
    loop while tuning them."""
    unknown = set(pages or ()) - set(PAGES)
    if unknown:
        raise ValueError(f"unknown pages {sorted(unknown)}: choose among {', '.join(PAGES)}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("bench.browser: skipped, Playwright is not installed")
        return {}
    if not CHROMIUM.exists():
        print(f"bench.browser: skipped, no Chromium at {CHROMIUM}")
        return {}
    started = time.perf_counter()
    figures: dict[str, float] = {}
    with sync_playwright() as playwright:
        if not pages:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                _measured(figures, "cold map", lambda: cold_map(browser, db_path))
            finally:
                browser.close()
        with app_server(db_path) as (base_url, pid):
            with user_profile(playwright) as context:
                _measured(figures, "warm pages", lambda: warm_pages(context, base_url, pages))
                _measured(figures, "navigated pages", lambda: navigated_pages(context, base_url, pages))
                if not pages:
                    for section, measure in (("week moves", week_moves), ("trends", trends_switches)):
                        _measured(figures, section, lambda: measure(context, base_url))
            if not pages:
                _measured(figures, "session memory", lambda: session_memory(base_url, pid))
    figures["browser_bench_s"] = round(time.perf_counter() - started, 1)
    figures["browser_load_avg"] = round(os.getloadavg()[0], 2)  # other work on the machine while measuring
    return figures

