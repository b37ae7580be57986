"""The shared store: PostgreSQL as the system of record, a DuckDB snapshot per app server.

A real PostgreSQL server runs for these tests (tests/conftest.py: Debian's `postgresql`, a private cluster in
a temporary folder); where none can be installed they are skipped, saying so. Two "servers" are two snapshot
files of the small database; the other server's follower runs in its own process, as on another machine.
Loops are bounded in count and time; nothing leaves the machine.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from data import db, ingest
from data.ingest.specs import SPECS
from tests.ingest_corpus import good_rows, header, xlsx
from tests.test_ingest import ADMIN, CLERK, TODAY

psycopg = pytest.importorskip("psycopg", reason="the shared-store tests need psycopg (requirements.txt)")
from data.store import postgres  # noqa: E402  (needs psycopg)

ROOT = Path(__file__).resolve().parent.parent
VISIBLE_WITHIN_S = 5.0
OBSERVED_ON_DAY = "SELECT district_code, new_cases FROM cases WHERE source = 'observed' AND date = '2021-07-01' ORDER BY 1"


@pytest.fixture
def servers(small_db, tmp_path):
    """Two app servers' snapshot files, both of the shipped (small) build."""
    paths = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    for path in paths:
        shutil.copy(small_db, path)
    return paths


def rows_with(cases: int) -> list[dict]:
    rows = good_rows()
    for row in rows:
        row.update({header("new_cases"): cases, header("community_cases"): cases, header("quarantine_cases"): 0,
                    header("imported_cases"): 0})
    return rows


def plan_on(path: Path, rows: list[dict], name: str = "bao_cao.xlsx") -> ingest.Plan:
    with db.connect(path) as database:
        plan = ingest.prepare(database, xlsx(rows), name, CLERK.province_code, today=TODAY)
    assert plan.ok, [p.text() for p in plan.problems]
    return plan


def commit_on(path: Path, plan: ingest.Plan) -> int | None:
    with db.connect(path) as database:
        return ingest.commit(database, plan, CLERK, today=TODAY)


def observed(path: Path) -> list[tuple]:
    with db.connect(path) as database:
        return list(db.query(database, OBSERVED_ON_DAY).itertuples(index=False, name=None))


def store_rows(url: str, query: str, params=()) -> list[tuple]:
    with psycopg.connect(url) as pg:
        return pg.execute(query, params).fetchall()


@pytest.fixture
def follower(store_url, servers):
    """Server B's snapshot follower, in its own process, as `python -m data.store follow` runs in service."""
    process = subprocess.Popen([sys.executable, "-m", "data.store", "follow", "--db", str(servers[1]), "--lang", "en"],
                               cwd=ROOT, env=dict(os.environ, SITUATION_STORE=store_url), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    assert process.stdout.readline().startswith("Following"), "the follower did not start"
    assert "store version 0" in process.stdout.readline(), "the follower did not stamp its snapshot"
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_migrations_upgrade_an_empty_database_once_with_real_keys(pg_server):
    url = pg_server.new_database()
    assert postgres.migrate(url) == [n for n, _ in postgres.migrations()]
    assert postgres.migrate(url) == []
    assert store_rows(url, "SELECT max(version) FROM schema_migrations") == [(postgres.latest(),)]
    keys = dict(store_rows(url, """
        SELECT c.conrelid::regclass::TEXT, array_agg(a.attname::TEXT ORDER BY array_position(c.conkey, a.attnum))
        FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
        WHERE c.contype = 'p' GROUP BY 1"""))
    for spec in SPECS.values():
        assert keys[spec.table] == list(spec.key), spec.table
    assert keys["revisions"] == ["upload_id", "table_name", "row_key"]


def test_store_tables_have_the_snapshot_columns(store_url, small_db):
    with db.connect(small_db) as database:
        for spec in SPECS.values():
            expected = list(db.query(database, f"DESCRIBE {spec.table}")["column_name"])
            found = [name for (name,) in store_rows(store_url, """SELECT column_name FROM information_schema.columns
                     WHERE table_name = %s AND column_name <> 'store_version' ORDER BY ordinal_position""",
                                                     [spec.table])]
            assert found == expected, spec.table


def test_an_upload_on_server_a_is_visible_on_server_b_within_5_s(store_url, servers, follower):
    a, b = servers
    plan = plan_on(a, rows_with(7))
    upload_id = commit_on(a, plan)
    started = time.monotonic()  # the clerk on A is told the upload is written
    with db.connect(b) as database:
        while time.monotonic() - started < 30 and ingest.uploads(database).empty:
            time.sleep(0.05)
        waited = time.monotonic() - started
        assert not ingest.uploads(database).empty, "server B never saw the upload"
        assert waited < VISIBLE_WITHIN_S, f"server B saw the upload after {waited:.1f} s"
        assert observed(b) == observed(a) == [(code, 7) for code, _ in observed(a)] and len(observed(a)) == 10
        assert ingest.upload_changes(database, upload_id).equals(ingest.upload_changes(db.connect(a), upload_id))

    with db.connect(a) as database:  # a rollback on A undoes it on B too
        assert ingest.rollback(database, upload_id, ADMIN) == 10
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and observed(b):
        time.sleep(0.05)
    assert observed(b) == [] and observed(a) == []
    with db.connect(b) as database:
        assert ingest.uploads(database)["rolled_back_by"].tolist() == [ADMIN.name]


def test_two_clerks_at_the_same_moment_lose_no_revision(store_url, servers):
    a, b = servers
    plans = {a: plan_on(a, rows_with(3), "clerk_a.xlsx"), b: plan_on(b, rows_with(5), "clerk_b.xlsx")}
    start, outcomes = threading.Barrier(2), {}

    def clerk(path: Path) -> None:
        start.wait()
        try:
            outcomes[path] = commit_on(path, plans[path])
        except ingest.Refused as refusal:
            outcomes[path] = refusal

    threads = [threading.Thread(target=clerk, args=(path,)) for path in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    written = [path for path, outcome in outcomes.items() if isinstance(outcome, int)]
    refused = [outcome for outcome in outcomes.values() if isinstance(outcome, ingest.Refused)]
    assert len(written) == 1 and [r.key for r in refused] == ["ingest.refused.stale"], outcomes
    assert refused[0].text("vi").startswith("Số liệu trong cơ sở dữ liệu đã thay đổi")

    # The refused clerk's server has caught up: the file planned again goes in, on top of the first one.
    loser = b if written == [a] else a
    postgres.refresh(loser, store_url)
    again = plan_on(loser, rows_with(3 if loser == a else 5))
    assert commit_on(loser, again) is not None
    uploads = store_rows(store_url, "SELECT upload_id FROM uploads ORDER BY upload_id")
    assert len(uploads) == 2
    chain = store_rows(store_url, """SELECT r2.old_row = r1.new_row FROM revisions r1 JOIN revisions r2
                                     ON r2.row_key = r1.row_key AND r2.upload_id = %s WHERE r1.upload_id = %s""",
                       [uploads[1][0], uploads[0][0]])
    assert len(chain) == 10 and all(same for (same,) in chain), "the second upload's old rows are the first's new rows"
    assert store_rows(store_url, "SELECT count(*) FROM revisions") == [(20,)]


def test_postgres_killed_mid_upload_writes_nothing_and_the_upload_can_be_repeated(store_url, servers, pg_server,
                                                                                   monkeypatch):
    a, b = servers
    plan = plan_on(a, rows_with(4))
    with db.connect(a) as database:
        version_before = database.version
    monkeypatch.setattr(postgres, "before_commit", lambda pg: pg_server.stop_immediately())
    try:
        with pytest.raises(ingest.Refused) as refused:
            commit_on(a, plan)
    finally:
        monkeypatch.undo()
        monkeypatch.setenv("SITUATION_STORE", store_url)
        if not (pg_server.folder / "data" / "postmaster.pid").exists():
            pg_server.start()
    assert refused.value.key == "store.unavailable"
    assert refused.value.text("vi").startswith("Không kết nối được kho dữ liệu dùng chung")
    assert store_rows(store_url, "SELECT version FROM store_state") == [(0,)]
    assert store_rows(store_url, "SELECT count(*) FROM uploads") == [(0,)]
    assert store_rows(store_url, "SELECT count(*) FROM cases") == [(0,)]
    with db.connect(a) as database:
        assert database.version == version_before and ingest.uploads(database).empty and observed(a) == []

    upload_id = commit_on(a, plan)
    assert upload_id is not None
    assert postgres.refresh(b, store_url) and observed(b) == [(code, 4) for code, _ in observed(b)] != []


def test_a_snapshot_of_another_store_is_refused_for_writes(store_url, servers, pg_server):
    a, _ = servers
    commit_on(a, plan_on(a, rows_with(2)))
    other = pg_server.new_database()
    postgres.migrate(other)
    os.environ["SITUATION_STORE"] = other  # restored by the store_url fixture's monkeypatch
    with pytest.raises(ingest.Refused) as refused:
        commit_on(a, plan_on(a, rows_with(6)))
    assert refused.value.key == "store.other_store"


def test_an_unmigrated_store_refuses_in_words(pg_server, servers, monkeypatch):
    a, _ = servers
    monkeypatch.setenv("SITUATION_STORE", pg_server.new_database())
    with pytest.raises(ingest.Refused) as refused:
        commit_on(a, plan_on(a, rows_with(2)))
    assert refused.value.key == "store.not_migrated" and "python -m data.store migrate" in refused.value.text("vi")
    with db.connect(a) as database:
        assert ingest.uploads(database).empty


def test_cli_migrate_and_no_store(pg_server):
    url = pg_server.new_database()
    env = {k: v for k, v in os.environ.items() if k != "SITUATION_STORE"}
    done = subprocess.run([sys.executable, "-m", "data.store", "migrate", "--url", url], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "0001" in done.stdout, done.stderr
    missing = subprocess.run([sys.executable, "-m", "data.store", "migrate"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "SITUATION_STORE" in missing.stderr


def test_failed_logins_slow_the_client_on_every_server(store_url, tmp_path):
    from data import store

    server_a = store.login_guard(tmp_path / "a.duckdb", store_url)
    server_b = store.login_guard(tmp_path / "b.duckdb", store_url)
    for _ in range(server_a.CLIENT_FREE + 2):
        server_a.failed("quantri", "203.0.113.9", known=True)
    assert server_b.wait("quantri", "203.0.113.9") > 0 and server_b.wait("quantri", "192.0.2.1") == 0
    assert not (tmp_path / "a.logins.json").exists()
    server_b.succeeded("quantri", "203.0.113.9")
    assert server_a.wait("quantri", "203.0.113.9") == 0


def test_login_backoff_holds_in_memory_while_the_store_is_unreachable(tmp_path):
    from data import store

    guard = store.login_guard(tmp_path / "a.duckdb", "postgresql://nobody@/none?host=/nonexistent&port=1")
    for _ in range(guard.CLIENT_FREE + 2):
        guard.failed("quantri", "203.0.113.9", known=True)
    assert guard.wait("quantri", "203.0.113.9") > 0


def test_a_clerk_on_machine_a_and_the_app_on_machine_b(store_url, servers, tmp_path):
    """As deployed: machine B runs `deploy.cluster` (its snapshot, its follower, an app process, nginx); a clerk
    writes on machine A with `python -m data.ingest`; B's app serves the new version."""
    import deploy
    from bench.serving import Session, _free_port
    from tests.browser.test_serving import PASSWORD, users_file

    if not Path(deploy.NGINX).exists():
        pytest.skip(f"nginx is not installed at {deploy.NGINX}")
    a, b = servers
    report = tmp_path / "bao_cao.xlsx"
    report.write_bytes(xlsx(rows_with(9)))
    with deploy.cluster(1, _free_port(), _free_port(), b) as served:
        assert observed(b) == []
        env = dict(os.environ, SITUATION_USERS=str(users_file(tmp_path)), SITUATION_PASSWORD=PASSWORD)
        written = subprocess.run([sys.executable, "-m", "data.ingest", str(report), "--user", "canbo_thu", "--db", str(a)],
                                 cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
        assert written.returncode == 0 and "Đã ghi" in written.stdout, written.stdout + written.stderr
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not observed(b):
            time.sleep(0.1)
        assert observed(b) == observed(a) != []
        session = Session(served.url, "machine-b")
        try:
            session.load()
        finally:
            session.close()


def test_render_spreads_users_over_the_machines():
    import deploy

    site = deploy.render(["10.0.0.11:8501", "10.0.0.12:8501", 8502], "0.0.0.0:80", "/var/cache/nginx/situation")
    assert "server 10.0.0.11:8501 " in site and "server 10.0.0.12:8501 " in site and "server 127.0.0.1:8502 " in site


def test_after_a_restore_every_snapshot_is_rebuilt_from_the_store(store_url, servers, monkeypatch):
    a, _ = servers
    monkeypatch.setattr(postgres, "CATCH_UP_BATCH", 3)  # the rebuilt snapshot reads the store's rows in batches
    upload_id = commit_on(a, plan_on(a, rows_with(2)))
    with db.connect(a) as database:
        before = db.build_info(database)
    postgres.restored(store_url)
    assert postgres.refresh(a, store_url)
    with db.connect(a) as database:
        after = db.build_info(database)
        assert after["build_id"] != before["build_id"] and after["store_id"] != before["store_id"]
        assert (after["provinces"], after["first_date"], after["last_date"]) == (
            before["provinces"], before["first_date"], before["last_date"])
        assert ingest.uploads(database)["upload_id"].tolist() == [upload_id]
    assert observed(a) == [(code, 2) for code, _ in observed(a)] != []
    assert not postgres.refresh(a, store_url)


def test_rows_an_upload_added_are_removed_everywhere_by_its_rollback(store_url, servers):
    a, b = servers
    day = dt.date(2022, 2, 10)  # after the small database's last day: the upload adds its rows
    rows = [dict(row, **{header("date"): day}) for row in rows_with(1)]
    plan = plan_on(a, rows)
    assert len(plan.inserted) == 10
    upload_id = commit_on(a, plan)
    count = f"SELECT count(*) FROM cases WHERE date = '{day}'"
    assert postgres.refresh(b, store_url)
    with db.connect(b) as database:
        assert db.query(database, count).iloc[0, 0] == 10
    with db.connect(b) as database:  # rolled back on B this time
        assert ingest.rollback(database, upload_id, ADMIN) == 10
    assert store_rows(store_url, "SELECT count(*) FROM removed_rows") == [(10,)]
    assert store_rows(store_url, count) == [(0,)]
    assert postgres.refresh(a, store_url)
    for path in (a, b):
        with db.connect(path) as database:
            assert db.query(database, count).iloc[0, 0] == 0


def test_the_page_says_in_vietnamese_when_the_store_is_down(store_url, servers, pg_server, monkeypatch):
    """On the Nhập liệu page, an admin's rollback while PostgreSQL is down: refused in words, nothing changed;
    once it is back, the same click works."""
    from tests.apptest import open_page
    from tests.conftest import app_on
    from tests.test_ingest_page import PAGE, log_in

    a, _ = servers
    upload_id = commit_on(a, plan_on(a, rows_with(8)))
    monkeypatch.setenv("SITUATION_DEMO", "1")
    monkeypatch.delenv("SITUATION_USERS", raising=False)
    with app_on(a, monkeypatch):
        at = log_in(open_page(PAGE), "quantri", "quantri-demo")
        at.segmented_control(key="entry_view").set_value("history").run()
        at.checkbox(key=f"rollback_sure_{upload_id}").check().run()
        pg_server.stop_immediately()
        try:
            at.button(key=f"rollback_{upload_id}").click().run()
        finally:
            pg_server.start()
        assert not at.exception
        assert any(e.value.startswith("Không kết nối được kho dữ liệu dùng chung") for e in at.error), \
            [e.value for e in at.error]
        assert at.dataframe[0].value.iloc[0, -1] == "đang áp dụng"
        assert store_rows(store_url, "SELECT rolled_back_at FROM uploads") == [(None,)]
        at.button(key=f"rollback_{upload_id}").click().run()
        assert not at.exception and at.dataframe[0].value.iloc[0, -1].startswith("đã hoàn tác")
