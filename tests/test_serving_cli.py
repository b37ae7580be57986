"""The command-line tools beside a running app: the README's read-only example, `python -m reports` and a real
`python -m data.ingest` write all work while an app process has the database open, and the app then serves the
new version. (Before versions, each failed with "Could not set lock on file".) Loopback only."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

import deploy
from bench.serving import Session, _free_port
from data import db
from tests.browser.test_serving import PASSWORD, users_file
from tests.ingest_corpus import good_rows, xlsx

README_EXAMPLE = ("import duckdb; print(duckdb.connect('{path}', read_only=True).sql(\"SELECT * FROM province_daily "
                  "WHERE province_code = '11' AND date = '2021-05-24'\"))")


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=deploy.ROOT, env=env, capture_output=True, text=True,
                          timeout=180)


@pytest.fixture
def running_app(small_db, tmp_path):
    path = tmp_path / "app.duckdb"
    shutil.copy(small_db, path)
    port = _free_port()
    app = deploy.start_app(port, dict(os.environ, SITUATION_DB=str(path)))
    try:
        deploy.wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", process=app)
        assert deploy.warm_up(f"http://127.0.0.1:{port}") == "ok"  # the app ran once before anyone visits
        session = Session(f"http://127.0.0.1:{port}", "cli-test")
        session.load()  # the app has read the database: its snapshot is open
        yield path, session
        session.close()
    finally:
        deploy.stop(app)


def test_the_command_line_tools_work_while_the_app_runs(running_app, tmp_path):
    path, session = running_app
    example = run("-c", README_EXAMPLE.format(path=path))
    assert example.returncode == 0 and "province_code" in example.stdout, example.stderr

    report = run("-m", "reports", "daily", "--date", "2021-05-24", "--area", "11", "--db", str(path),
                 "-o", str(tmp_path / "bao-cao.md"))
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "bao-cao.md").read_text(encoding="utf-8").strip()

    upload = tmp_path / "bao_cao.xlsx"
    upload.write_bytes(xlsx(good_rows()))
    env = dict(os.environ, SITUATION_USERS=str(users_file(tmp_path)), SITUATION_PASSWORD=PASSWORD,
               SITUATION_DEMO="1")
    written = run("-m", "data.ingest", str(upload), "--user", "canbo_thu", "--db", str(path), env=env)
    assert written.returncode == 0 and "Đã ghi" in written.stdout, written.stdout + written.stderr

    with db.connect(path) as database:
        assert database.version == 2 and len(db.query(database, "SELECT * FROM uploads")) == 1
    session.load()  # the app moves to the new version at its next run, without an error
