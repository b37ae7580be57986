"""Many readers and one writer across processes: nobody reading ever fails or sees half an upload.

A write makes a new version of the database file beside it and renames it over the old one
(data.ingest.store.new_version); readers in other processes read read-only snapshots and move to the
new version at their next query. Here four reader processes query without pause while a 20,000-row
upload is written, and two writers start at once. Loops are bounded in count and time; nothing leaves
the machine.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from data import db, ingest
from data.ingest import store
from tests.ingest_corpus import DIEN_BIEN, csv_text, good_rows, header, xlsx
from tests.test_ingest import ADMIN, CLERK, TODAY

ROOT = Path(__file__).resolve().parent.parent
READERS = 4
BIG_START = dt.date(2020, 1, 1)
BIG_DAYS = 2000                      # 2000 days x 10 districts of Điện Biên: a 20,000-row upload
BIG_TODAY = BIG_START + dt.timedelta(days=BIG_DAYS + 1)
READ_SECONDS_MAX = 240               # a reader stops by itself after this, whatever happens
VISIBLE_WITHIN_S = 1.0

# One statement, so one snapshot: the province's observed rows, their cases and the uploads in force.
STATE = """SELECT COUNT(*) FILTER (WHERE c.source = 'observed')::INTEGER AS observed,
                  COALESCE(SUM(c.new_cases) FILTER (WHERE c.source = 'observed'), 0)::INTEGER AS cases,
                  (SELECT COUNT(*) FROM uploads WHERE rolled_back_at IS NULL)::INTEGER AS in_force
           FROM cases c JOIN districts d USING (district_code)
           WHERE d.province_code = '11'"""

# A reader process: the dashboard's own connection class, queried in a loop until told to stop.
READER = """
import json, sys, time
from data import db
path, stop, deadline = sys.argv[1], sys.argv[2], time.time() + float(sys.argv[3])
database = db.connect(path)
reads = []
while time.time() < deadline and not __import__('os').path.exists(stop):
    started = time.time()
    try:
        state = list(db.query(database, sys.argv[4]).iloc[0].astype(int))
        reads.append([started, state, None])
    except Exception as error:
        reads.append([started, None, f'{type(error).__name__}: {error}'])
print(json.dumps(reads))
"""


@pytest.fixture
def path(small_db, tmp_path):
    copy = tmp_path / "load.duckdb"
    shutil.copy(small_db, copy)
    return copy


def state(path: Path) -> tuple:
    with db.connect(path) as database:
        return tuple(int(v) for v in db.query(database, STATE).iloc[0])


def big_report() -> bytes:
    """20,000 rows: every day of 2000 for every district of Điện Biên, 3 cases each."""
    rows = []
    for day in (BIG_START + dt.timedelta(days=i) for i in range(BIG_DAYS)):
        for row in good_rows(day):
            row.update({header("new_cases"): 3, header("community_cases"): 1, header("quarantine_cases"): 1,
                        header("imported_cases"): 1})
            rows.append(row)
    return csv_text(rows).encode("utf-8")


def start_readers(path: Path, stop: Path) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", READER, str(path), str(stop), str(READ_SECONDS_MAX), STATE],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(READERS)]


def collect(readers: list[subprocess.Popen]) -> list[list]:
    results = []
    for reader in readers:
        out, err = reader.communicate(timeout=READ_SECONDS_MAX + 60)
        assert reader.returncode == 0, err
        results.append(json.loads(out))
    return results


def test_readers_in_four_processes_see_all_of_a_20000_row_upload_or_none_of_it(path, tmp_path):
    content = big_report()
    before = state(path)
    stop = tmp_path / "stop"
    readers = start_readers(path, stop)
    try:
        time.sleep(2)  # every reader is reading before the write starts
        with db.connect(path) as database:
            plan = ingest.prepare(database, content, "bao_cao_2000_ngay.csv", "11", today=BIG_TODAY)
            assert plan.ok, [p.text() for p in plan.problems[:5]]
            assert len(plan.after) == BIG_DAYS * len(DIEN_BIEN)
            upload_id = ingest.commit(database, plan, CLERK, today=BIG_TODAY)
        committed = time.time()
        time.sleep(VISIBLE_WITHIN_S + 1)
    finally:
        stop.touch()
        results = collect(readers)
    after = state(path)
    assert upload_id == 1 and after != before and after[2] == 1
    for reads in results:
        failed = [error for _, _, error in reads if error]
        assert not failed, failed[:3]
        seen = [tuple(s) for _, s, _ in reads]
        assert set(seen) <= {before, after}, set(seen) - {before, after}
        assert seen.count(before) > 10, "the reader was not reading while the upload was written"
        first_new = seen.index(after)
        assert set(seen[first_new:]) == {after}, "a reader went back to the old version"
        late = [s for started, s, _ in reads if started > committed + VISIBLE_WITHIN_S]
        assert late and set(map(tuple, late)) == {after}
        stale = [started - committed for started, s, _ in reads if started > committed and tuple(s) == before]
        print(f"reader: {len(reads)} reads, 0 failed, old version read up to {max(stale, default=0):.3f} s after commit")


def test_two_writers_at_once_take_turns_and_nothing_is_lost(path):
    """Different days: both are written, one after the other. The same new day twice: the second is told
    its preview is stale instead of adding the rows again."""
    days = [dt.date(2022, 2, 1), dt.date(2022, 2, 2)]
    with db.connect(path) as database:
        plans = [ingest.prepare(database, xlsx(good_rows(day)), f"{day}.xlsx", "11", today=TODAY) for day in days]
        same = [ingest.prepare(database, xlsx(good_rows(dt.date(2022, 2, 3))), f"{i}.xlsx", "11", today=TODAY)
                for i in range(2)]
        for batch, expected in ((plans, [1, 2]), (same, [3, "ingest.refused.stale"])):
            outcomes, start = [], threading.Barrier(len(batch))

            def write(plan) -> None:
                start.wait()
                try:
                    outcomes.append(ingest.commit(database, plan, CLERK, today=TODAY))
                except ingest.Refused as refusal:
                    outcomes.append(refusal.key)

            writers = [threading.Thread(target=write, args=(plan,)) for plan in batch]
            for writer in writers:
                writer.start()
            for writer in writers:
                writer.join()
            assert sorted(outcomes, key=str) == expected
        counts = db.query(database, """SELECT date, COUNT(*) AS n, COUNT(DISTINCT district_code) AS districts
                                       FROM cases WHERE date >= ? GROUP BY date ORDER BY date""", [days[0]])
        assert counts[["n", "districts"]].values.tolist() == [[len(DIEN_BIEN)] * 2] * 3
        assert database.version == 4  # the build's version 1, then three writes


def test_a_writer_that_waits_too_long_is_told_the_database_is_busy(path, monkeypatch):
    """Another process holds the writers' lock: after WRITER_WAIT_S the upload says "busy", writes nothing."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys, time; f = open(sys.argv[1], 'a'); "
                               "fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)",
         str(path) + ".lock"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setattr(store, "WRITER_WAIT_S", 0.5)
        with db.connect(path) as database:
            plan = ingest.prepare(database, xlsx(good_rows()), "a.xlsx", "11", today=TODAY)
            with pytest.raises(ingest.Refused) as refused:
                ingest.commit(database, plan, CLERK, today=TODAY)
            assert refused.value.key == "ingest.refused.busy"
            assert "bận" in refused.value.text("vi") and "busy" in refused.value.text("en")
            assert database.version == 1 and ingest.uploads(database).empty
    finally:
        holder.kill()
        holder.wait()


def test_a_reading_query_in_flight_finishes_on_its_version(path):
    """A cursor taken before a write keeps reading the version it started on; the next query sees the new."""
    with db.connect(path) as database:
        before = tuple(database.cursor().execute(STATE).fetchone())
        cursor = database.cursor()
        upload_id = ingest.commit(database, ingest.prepare(database, xlsx(good_rows()), "a.xlsx", "11", today=TODAY),
                                  CLERK, today=TODAY)
        assert tuple(cursor.execute(STATE).fetchone()) == before
        assert tuple(database.cursor().execute(STATE).fetchone()) != before
        ingest.rollback(database, upload_id, ADMIN)
        assert tuple(database.cursor().execute(STATE).fetchone())[:2] == before[:2]


def test_the_writer_leaves_no_copy_behind(path):
    with db.connect(path) as database:
        ingest.commit(database, ingest.prepare(database, xlsx(good_rows()), "a.xlsx", "11", today=TODAY),
                      CLERK, today=TODAY)
    assert sorted(p.name for p in path.parent.iterdir()) == ["load.duckdb", "load.duckdb.lock"]


def test_the_copy_of_a_killed_writer_is_cleared_by_the_next(path):
    """A writer killed mid-write leaves its copy (its lock dies with it); the next writer removes the copy."""
    for leftover in (".load.duckdb.99999.next", ".load.duckdb.99999.next.wal"):
        (path.parent / leftover).write_bytes(b"half a database")
    with db.connect(path) as database:
        plan = ingest.prepare(database, xlsx(good_rows()), "a.xlsx", "11", today=TODAY)
        assert ingest.commit(database, plan, CLERK, today=TODAY) == 1
    assert sorted(p.name for p in path.parent.iterdir()) == ["load.duckdb", "load.duckdb.lock"]


# A writer process: one day of Điện Biên, prepared and committed through the store.
WRITER = """
import datetime as dt, sys, time
from data import db, ingest
from tests.ingest_corpus import good_rows, xlsx
from tests.test_ingest import CLERK, TODAY
day = dt.date.fromisoformat(sys.argv[2])
with db.connect(sys.argv[1]) as database:
    plan = ingest.prepare(database, xlsx(good_rows(day)), f"{day}.xlsx", "11", today=TODAY)
    while time.time() < float(sys.argv[3]):  # both writers start at the same moment
        time.sleep(0.005)
    print(ingest.commit(database, plan, CLERK, today=TODAY))
"""


def test_two_writer_processes_at_once_while_readers_read(path, tmp_path):
    """Two clerks' processes write different days at the same moment while four processes read: both uploads
    land, one after the other, and every read sees a whole number of uploads, never part of one."""
    observed, cases, _ = state(path)
    added = sum(row[header("new_cases")] for row in good_rows())
    whole = {(observed + k * len(DIEN_BIEN), cases + k * added, k) for k in range(3)}
    stop = tmp_path / "stop"
    readers = start_readers(path, stop)
    try:
        start = time.time() + 4
        writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), day, str(start)], cwd=ROOT,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for day in ("2022-02-01", "2022-02-02")]
        outcomes = []
        for writer in writers:
            out, err = writer.communicate(timeout=180)
            assert writer.returncode == 0, err
            outcomes.append(int(out.split()[-1]))
        time.sleep(VISIBLE_WITHIN_S + 0.5)
    finally:
        stop.touch()
        results = collect(readers)
    assert sorted(outcomes) == [1, 2] and state(path) == max(whole, key=lambda s: s[2])
    for reads in results:
        assert not [error for _, _, error in reads if error]
        seen = [tuple(s) for _, s, _ in reads]
        assert set(seen) <= whole, set(seen) - whole
        assert seen[-1][2] == 2
