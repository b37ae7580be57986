"""Serving many users: 10 simulated users load the map page at once, from 1 app process and from 2 behind nginx.

- `serve_users_p95_s` (1 process) and `serve_users_p95_2proc_s` (2 processes): the 95th percentile of the
  time to a loaded map page (the country, the default week), from opening the app's WebSocket to the end
  of the page's script run, over every load of 10 concurrent users, 3 loads each, through the proxy
  (deploy/). Each process is warmed by one load first (the levels of every week are computed once per
  process and database version), as a running server is.
- `serve_users_speedup`: the 1-process figure divided by the 2-process one (above 1: two processes serve faster).
- `serve_process_rss_mb`: the memory of one warm app process with two sessions open; `serve_session_rss_mb`:
  what each extra open session adds, from 40 more sessions held open at once.

A user speaks Streamlit's own protocol (what the browser sends: a rerun of a page with its URL query),
without a browser, so the client's own work does not compete for the two cores. Loopback only; counts and
times are bounded; skipped (no figures) when nginx is missing.
"""
from __future__ import annotations

import socket
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

import deploy

USERS = 10
LOADS_PER_USER = 3
PAGE, QUERY = "ban-do", "date=2021-09-06"   # the map page of the whole country, a week of the Delta wave
LOAD_TIMEOUT_S = 180
MEMORY_SESSIONS = 40  # enough that what sessions add stands out of the allocator's noise
MAP_ELEMENT = "deck_gl_json_chart"  # what st.pydeck_chart sends: the page is loaded when it came
ROUTES = [f"user-{i}" for i in range(USERS)]  # each user's route cookie: nginx places it by its hash


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Session:
    """One simulated browser tab: a WebSocket session on the app, placed by its route cookie."""

    def __init__(self, url: str, route: str):
        self.socket = connect(url.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"],
                              additional_headers={"Cookie": f"situation_route={route}"},
                              open_timeout=30, max_size=None, legacy=True)  # held open across loads

    def load(self, page: str = PAGE, query: str = QUERY, expect: str | None = MAP_ELEMENT) -> None:
        """Run the page as the browser asks for it, and wait for its script run to end; raise when it drew no
        `expect` element. (Streamlit first answers "page not found" to a page of st.navigation asked for by
        name, then runs it all the same.)"""
        message = BackMsg()
        message.rerun_script.page_name = page
        message.rerun_script.query_string = query
        self.socket.send(message.SerializeToString())
        deadline = time.monotonic() + LOAD_TIMEOUT_S
        elements, alerts = set(), []
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(self.socket.recv(timeout=max(deadline - time.monotonic(), 0.1)))
            kind = reply.WhichOneof("type")
            if kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
                element = reply.delta.new_element
                elements.add(element.WhichOneof("type"))
                if element.WhichOneof("type") == "alert":
                    alerts.append(element.alert.body)
            if kind == "script_finished":
                break
        if expect is not None and expect not in elements:
            raise RuntimeError(f"the page {page!r} drew no {expect}: {alerts or sorted(elements)}")

    def close(self) -> None:
        self.socket.close()


def timed_load(url: str, route: str) -> float:
    start = time.perf_counter()
    session = Session(url, route)
    try:
        session.load()
    finally:
        session.close()
    return time.perf_counter() - start


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def users_p95(url: str, routes: list[str]) -> float:
    """Every user loads the page LOADS_PER_USER times in a row, all users at once; the p95 of the loads."""
    start = threading.Barrier(len(routes))

    def user(route: str) -> list[float]:
        start.wait()
        return [timed_load(url, route) for _ in range(LOADS_PER_USER)]

    with ThreadPoolExecutor(len(routes)) as pool:
        times = [t for loads in pool.map(user, routes) for t in loads]
    return p95(times)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def open_sessions(url: str, route: str, count: int) -> list[Session]:
    sessions = []
    for _ in range(count):
        sessions.append(Session(url, route))
        sessions[-1].load()
    return sessions


def memory(url: str, pid: int, route: str) -> dict[str, float]:
    """A warm process with a few sessions open (its steady state), then with MEMORY_SESSIONS more."""
    sessions = open_sessions(url, route, 2)
    try:
        time.sleep(1)
        steady = rss_mb(pid)
        sessions += open_sessions(url, route, MEMORY_SESSIONS)
        time.sleep(1)
        more = rss_mb(pid)
    finally:
        for session in sessions:
            session.close()
    return {"serve_process_rss_mb": round(steady, 1), "serve_session_rss_mb": round((more - steady) / MEMORY_SESSIONS, 2)}


def warm(url: str, processes: int) -> None:
    """One load on every process (found by trying route cookies until each process has served one)."""
    served: set[str] = set()
    for i in range(64):
        route = f"warm-{i}"
        process = deploy.process_of(url, route)
        if process not in served:
            served.add(process)
            timed_load(url, route)
        if len(served) == processes:
            return


def measure(db_path: Path) -> dict[str, float]:
    if not Path(deploy.NGINX).exists():
        print(f"bench.serving: skipped, nginx is not installed at {deploy.NGINX}")
        return {}
    figures: dict[str, float] = {}
    for processes in (1, 2):
        with deploy.cluster(processes, _free_port(), _free_port(), db_path) as served:
            warm(served.url, processes)
            if processes == 1:
                figures.update(memory(served.url, served.app_pids[0], "memory"))
            figure = users_p95(served.url, ROUTES)
            figures["serve_users_p95_s" if processes == 1 else "serve_users_p95_2proc_s"] = round(figure, 2)
    figures["serve_users_speedup"] = round(figures["serve_users_p95_s"] / figures["serve_users_p95_2proc_s"], 2)
    return figures
