"""Under load: people reading the dashboard while a clerk uploads never see an error or half an upload.

The app holds one read-write connection per process and every query runs on its own cursor;
here reader threads do the same on one connection while a writer commits and rolls back
uploads, and a second process reads the file once the writer has closed it.
"""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import threading

import pytest

from data import db, ingest
from tests.ingest_corpus import DIEN_BIEN, good_rows, header, xlsx
from tests.test_ingest import ADMIN, CLERK, TODAY

DAYS = [dt.date(2021, 7, 1) + dt.timedelta(days=i) for i in range(10)]
ROWS = len(DAYS) * len(DIEN_BIEN)   # ten days of Điện Biên: 100 district-days
READERS = 3
CYCLES = 2                          # upload, then roll back, twice

# One statement, so one snapshot: the period's observed rows and the uploads in force must agree.
STATE = """SELECT COUNT(*) FILTER (WHERE c.source = 'observed')::INTEGER AS observed,
                  COALESCE(SUM(c.new_cases) FILTER (WHERE c.source = 'observed'), 0)::INTEGER AS cases,
                  (SELECT COUNT(*) FROM uploads WHERE rolled_back_at IS NULL)::INTEGER AS in_force
           FROM cases c JOIN districts d USING (district_code)
           WHERE d.province_code = '11' AND c.date BETWEEN ? AND ?"""


@pytest.fixture
def path(small_db, tmp_path):
    copy = tmp_path / "load.duckdb"
    shutil.copy(small_db, copy)
    return copy


def report_file() -> bytes:
    rows = [row for day in DAYS for row in good_rows(day)]
    for row in rows:  # 7 cases a district-day: an upload's footprint is unmistakable
        row.update({header("new_cases"): 7, header("community_cases"): 7, header("quarantine_cases"): 0,
                    header("imported_cases"): 0})
    return xlsx(rows)


def test_readers_see_all_of_an_upload_or_none_of_it(path):
    con = db.connect(path)
    ingest.ensure_tables(con)
    content = report_file()
    baseline = tuple(con.cursor().execute(STATE, [DAYS[0], DAYS[-1]]).fetchone())
    assert baseline[0] < ROWS and baseline[2] == 0
    allowed = {baseline, (ROWS, 7 * ROWS, 1)}
    seen, errors, done = [], [], threading.Event()

    def read() -> None:
        cursor = con.cursor()
        try:
            while not done.is_set():
                seen.append(tuple(cursor.execute(STATE, [DAYS[0], DAYS[-1]]).fetchone()))
                db.daily_cases(con, db.Area(db.PROVINCE, "11"), DAYS[0], DAYS[-1])  # the dashboard's own query
                done.wait(0.005)  # leave the writer some of the machine's two cores
        except Exception as error:  # noqa: BLE001 - any error a viewer would see fails the test
            errors.append(error)
        finally:
            cursor.close()

    readers = [threading.Thread(target=read) for _ in range(READERS)]
    for reader in readers:
        reader.start()
    try:
        for _ in range(CYCLES):
            plan = ingest.prepare(con, content, "bao_cao_10_ngay.xlsx", "11", today=TODAY)
            upload_id = ingest.commit(con, plan, CLERK, today=TODAY)
            ingest.rollback(con, upload_id, ADMIN)
    finally:
        done.set()
        for reader in readers:
            reader.join()
        con.close()
    assert not errors
    assert seen and set(seen) <= allowed, set(seen) - allowed


def test_a_reading_transaction_keeps_its_snapshot_while_an_upload_commits(path):
    con = db.connect(path)
    ingest.ensure_tables(con)
    reader = con.cursor()
    try:
        reader.begin()
        before = reader.execute(STATE, [DAYS[0], DAYS[-1]]).fetchone()
        plan = ingest.prepare(con, report_file(), "bao_cao_10_ngay.xlsx", "11", today=TODAY)
        ingest.commit(con, plan, CLERK, today=TODAY)
        assert reader.execute(STATE, [DAYS[0], DAYS[-1]]).fetchone() == before
        reader.commit()
        assert reader.execute(STATE, [DAYS[0], DAYS[-1]]).fetchone() == (ROWS, 7 * ROWS, 1)
    finally:
        reader.close()
        con.close()


def test_another_process_reads_the_upload_after_commit(path):
    con = db.connect(path)
    ingest.ensure_tables(con)
    plan = ingest.prepare(con, report_file(), "bao_cao_10_ngay.xlsx", "11", today=TODAY)
    ingest.commit(con, plan, CLERK, today=TODAY)
    con.close()  # DuckDB lets other processes in once the writer has closed the file
    script = ("import sys, duckdb; con = duckdb.connect(sys.argv[1], read_only=True); "
              f"print(*con.execute({STATE!r}, [sys.argv[2], sys.argv[3]]).fetchone())")
    result = subprocess.run([sys.executable, "-c", script, str(path), str(DAYS[0]), str(DAYS[-1])],
                            capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.split() == [str(ROWS), str(7 * ROWS), "1"]


def test_two_clerks_adding_the_same_day_at_once_never_duplicate_it(path):
    """The fact tables have no key constraint: writers take turns, and the one that comes second is told its
    preview is stale instead of adding the rows again."""
    con = db.connect(path)
    ingest.ensure_tables(con)
    new_day = dt.date(2022, 2, 1)
    plans = [ingest.prepare(con, xlsx(good_rows(new_day)), f"{i}.xlsx", "11", today=TODAY) for i in range(2)]
    outcomes, start = [], threading.Barrier(2)

    def write(plan) -> None:
        start.wait()
        try:
            outcomes.append(ingest.commit(con, plan, CLERK, today=TODAY))
        except ingest.Refused as refusal:
            outcomes.append(refusal.key)

    writers = [threading.Thread(target=write, args=(plan,)) for plan in plans]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    try:
        assert sorted(outcomes, key=str) == [1, "ingest.refused.stale"]
        counts = con.cursor().execute("SELECT COUNT(*), COUNT(DISTINCT district_code) FROM cases WHERE date = ?",
                                      [new_day]).fetchone()
        assert counts == (len(DIEN_BIEN), len(DIEN_BIEN))
    finally:
        con.close()
