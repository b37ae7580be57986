"""Two app servers on one shared PostgreSQL store: how soon an upload on one is visible on the other.

- `store_upload_visible_s`: from a clerk's upload confirmed on server A (data.ingest.commit on A's snapshot)
  to the moment server B's reader (data.db, as its pages read) shows it, the median of 5 uploads of a day of
  Điện Biên's cases, on the full database. Each server has its own snapshot file; B's is refreshed by
  `python -m data.store follow` in its own process, as in service. The store is a private PostgreSQL server
  in a temporary folder (Debian's `postgresql`); skipped (no figure) where none can be started.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import auth
from data import db, ingest

UPLOADS = 5
CLERK = auth.User("bench_dienbien", auth.CLERK, "11", "Bench")
DISTRICTS = ("094", "095", "096", "097", "098", "099", "100", "101", "102", "103")  # Điện Biên's
FIRST_DAY = dt.date(2021, 8, 2)
VISIBLE_TIMEOUT_S = 120
ROOT = Path(__file__).resolve().parent.parent


def report(day: dt.date, cases: int) -> bytes:
    """A day's case report of every district of Điện Biên, as CSV with the table's column names."""
    lines = ["date,district_code,new_cases,community_cases,quarantine_cases,imported_cases,new_deaths,"
             "in_treatment,oxygen,icu"]
    lines += [f"{day},{code},{cases},{cases},0,0,0,{10 + cases},0,0" for code in DISTRICTS]
    return ("\n".join(lines) + "\n").encode()


def upload_visible_s(a: Path, b: Path, day: dt.date) -> float:
    with db.connect(a) as on_a, db.connect(b) as on_b:
        seen = len(ingest.uploads(on_b))
        plan = ingest.prepare(on_a, report(day, 3), f"bench_{day}.csv", CLERK.province_code)
        if not plan.ok:
            raise RuntimeError([p.text("en") for p in plan.problems])
        start = time.perf_counter()
        ingest.commit(on_a, plan, CLERK, confirmed=True)
        while len(ingest.uploads(on_b)) == seen:
            if time.perf_counter() - start > VISIBLE_TIMEOUT_S:
                raise TimeoutError(f"server B did not show the upload within {VISIBLE_TIMEOUT_S} s")
            time.sleep(0.02)
        return time.perf_counter() - start


def measure(db_path: Path) -> dict[str, float]:
    try:
        from data.store import postgres
        from data.store.scratch import ScratchServer, Unavailable
    except ImportError as error:
        print(f"bench.store: skipped, {error}")
        return {}
    try:
        server = ScratchServer()
    except Unavailable as reason:
        print(f"bench.store: skipped, {reason}")
        return {}
    folder = Path(tempfile.mkdtemp(prefix="situation-bench-store-"))
    follower = None
    previous = os.environ.get("SITUATION_STORE")
    try:
        url = server.new_database()
        postgres.migrate(url)
        os.environ["SITUATION_STORE"] = url
        a, b = folder / "a.duckdb", folder / "b.duckdb"
        for path in (a, b):
            shutil.copy(db_path, path)
            postgres.refresh(path, url)  # each snapshot stamped with the store, as `python -m deploy` starts them
        follower = subprocess.Popen([sys.executable, "-m", "data.store", "follow", "--db", str(b)], cwd=ROOT,
                                    env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times = [upload_visible_s(a, b, FIRST_DAY + dt.timedelta(days=i)) for i in range(UPLOADS)]
        return {"store_upload_visible_s": round(statistics.median(times), 2)}
    finally:
        if follower is not None:
            follower.terminate()
            follower.wait(timeout=30)
        if previous is None:
            os.environ.pop("SITUATION_STORE", None)
        else:
            os.environ["SITUATION_STORE"] = previous
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
