"""A database that cannot be read or written is named for what it is, at every entry point, in both languages.

Missing, truncated and older-schema files are refused by the app, `python -m data.ingest` and
`python -m reports` with a message (never a traceback), and nothing creates an empty database. A write
that meets a full disk or a folder nobody may write says so, instead of blaming a stale preview, and
leaves the database as it was. The real full disk (a tiny tmpfs) and the real read-only folder (a
read-only bind mount) need root to mount; the simulated ones (ENOSPC, EACCES raised where the write
happens) run everywhere.
"""
from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

import reports.__main__ as reports_cli
from data import db, ingest
from data.ingest import __main__ as ingest_cli
from data.ingest import store
from tests.apptest import open_page
from tests.conftest import app_on
from tests.ingest_corpus import good_rows, xlsx
from tests.test_ingest import CLERK, TODAY

DAMAGED = ("missing", "truncated", "older_schema")
MESSAGES = {  # what each damage is called, in Vietnamese and English
    "missing": ("db.missing", "Không có cơ sở dữ liệu", "No database at"),
    "truncated": ("db.not_a_database", "bị cắt cụt hoặc hỏng", "truncated or damaged"),
    "older_schema": ("db.older_schema", "cấu trúc cũ", "older structure"),
}


def damaged(kind: str, small_db: Path, folder: Path) -> Path:
    """A database path with the given damage (the small database's copy, cut or of the older schema)."""
    path = folder / f"{kind}.duckdb"
    if kind == "missing":
        return path
    shutil.copy(small_db, path)
    if kind == "truncated":
        os.truncate(path, path.stat().st_size // 2)
    else:  # as built before schema versions: no version stamp, and a column the uploads need is absent
        con = duckdb.connect(str(path))
        con.execute("DELETE FROM build_info WHERE key IN ('schema_version', 'data_version')")
        con.execute("ALTER TABLE cases DROP COLUMN icu")
        con.close()
    return path


@pytest.fixture
def report_file(tmp_path) -> Path:
    path = tmp_path / "bao_cao.xlsx"
    path.write_bytes(xlsx(good_rows()))
    return path


@pytest.mark.parametrize("kind", DAMAGED)
def test_connecting_names_the_damage(kind, small_db, tmp_path):
    path = damaged(kind, small_db, tmp_path)
    with pytest.raises(db.Unavailable) as refused:
        db.connect(path)
    key, vi, en = MESSAGES[kind]
    assert refused.value.key == key
    assert vi in refused.value.text("vi") and en in refused.value.text("en")
    assert str(path) in refused.value.text("vi")
    assert path.exists() == (kind != "missing")  # nothing made an empty file


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry_run", "write"])
@pytest.mark.parametrize("kind", DAMAGED)
def test_the_ingest_command_refuses_a_damaged_database(kind, dry_run, small_db, tmp_path, report_file, capsys,
                                                       monkeypatch):
    path = damaged(kind, small_db, tmp_path)
    before = path.read_bytes() if path.exists() else None
    monkeypatch.setattr(ingest_cli, "_login", lambda name, lang, database: CLERK)
    argv = [str(report_file), "--db", str(path), *(["--dry-run"] if dry_run else ["--user", CLERK.name])]
    for lang in ("vi", "en"):
        assert ingest_cli.main([*argv, "--lang", lang]) == 3
        err = capsys.readouterr().err
        assert MESSAGES[kind][1 if lang == "vi" else 2] in err and "Traceback" not in err
    assert (path.read_bytes() if path.exists() else None) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["bao_cao.xlsx"] + ([path.name] if kind != "missing" else []))


@pytest.mark.parametrize("kind", DAMAGED)
def test_the_reports_command_refuses_a_damaged_database(kind, small_db, tmp_path, capsys):
    path = damaged(kind, small_db, tmp_path)
    for lang in ("vi", "en"):
        code = reports_cli.main(["daily", "--date", "2021-05-24", "--area", "11", "--db", str(path),
                                 "-o", str(tmp_path / "r.md"), "--lang", lang])
        err = capsys.readouterr().err
        assert code == 3 and MESSAGES[kind][1 if lang == "vi" else 2] in err
    assert not (tmp_path / "r.md").exists()


@pytest.mark.parametrize("kind", ["truncated", "older_schema"])  # a missing one is built on first start
def test_the_app_shows_what_is_wrong_with_the_database(kind, small_db, tmp_path, monkeypatch):
    path = damaged(kind, small_db, tmp_path)
    with app_on(path, monkeypatch):
        at = open_page(query={"area": "11", "date": "2021-05-24"})
        assert not at.exception
        assert [e.value for e in at.error] and MESSAGES[kind][1] in at.error[0].value


def test_the_app_moves_to_a_new_version_and_says_when_it_turns_bad(small_db, tmp_path, monkeypatch):
    """The database is replaced by a truncated file while the app runs: the next page load names the damage."""
    path = tmp_path / "live.duckdb"
    shutil.copy(small_db, path)
    with app_on(path, monkeypatch):
        at = open_page(query={"area": "11", "date": "2021-05-24"})
        assert not at.exception and not at.error
        cut = tmp_path / "cut.duckdb"
        shutil.copy(small_db, cut)
        os.truncate(cut, cut.stat().st_size // 2)
        os.replace(cut, path)
        at = open_page(query={"area": "11", "date": "2021-05-24"})  # the same process: its caches are kept
        assert not at.exception and MESSAGES["truncated"][1] in at.error[0].value


# ------------------------------------------------------------------ writes that cannot happen


def prepared(path: Path):
    database = db.connect(path)
    return database, ingest.prepare(database, xlsx(good_rows()), "bao_cao.xlsx", "11", today=TODAY)


def assert_refused_unchanged(path: Path, key: str, vi: str, en: str) -> None:
    before = path.read_bytes()
    database, plan = prepared(path)
    with database, pytest.raises(ingest.Refused) as refused:
        ingest.commit(database, plan, CLERK, today=TODAY)
    assert refused.value.key == key != "ingest.refused.stale"
    assert vi in refused.value.text("vi") and en in refused.value.text("en")
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.endswith((".next", ".wal"))]


@pytest.fixture
def path(small_db, tmp_path) -> Path:
    copy = tmp_path / "entry.duckdb"
    shutil.copy(small_db, copy)
    return copy


def test_a_full_disk_is_named_simulated(path, monkeypatch):
    def no_space(source, target):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr(store.shutil, "copyfile", no_space)
    assert_refused_unchanged(path, "ingest.refused.disk_full", "đã đầy", "is full")


def test_a_full_disk_met_by_duckdb_itself_is_named(path, monkeypatch):
    """DuckDB reports its own failed writes as IOException text, not errno: the text is recognised."""
    def no_space(*args):
        raise duckdb.IOException('Could not write file "entry.duckdb": No space left on device')

    monkeypatch.setattr(store, "_insert", no_space)
    assert_refused_unchanged(path, "ingest.refused.disk_full", "đã đầy", "is full")


def test_an_unwritable_folder_is_named_simulated(path, monkeypatch):
    real_open = os.open

    def refused(file, flags, *args, **kwargs):
        if str(file).endswith(".lock"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(file))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(store.os, "open", refused)
    assert_refused_unchanged(path, "ingest.refused.not_writable", "Không được phép ghi", "not writable")


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, timeout=30)


@pytest.fixture
def mount_point(tmp_path):
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tiny disk needs root and mount(8); the simulated full disk runs instead")
    folder = tmp_path / "disk"
    folder.mkdir()
    yield folder
    subprocess.run(["umount", str(folder)], capture_output=True, timeout=30)


def test_a_really_full_disk_is_named(small_db, mount_point):
    """A tmpfs just big enough for the database: the new version cannot be written beside it."""
    size_kb = small_db.stat().st_size // 1024 + 512
    try:
        _mount("-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(mount_point))
    except (subprocess.CalledProcessError, OSError) as error:
        pytest.skip(f"cannot mount a tmpfs here: {error}")
    path = mount_point / "entry.duckdb"
    shutil.copy(small_db, path)
    assert_refused_unchanged(path, "ingest.refused.disk_full", "đã đầy", "is full")


def test_a_really_read_only_folder_is_named(small_db, mount_point):
    """A read-only bind mount refuses even root: the lock file cannot be made, nothing is written."""
    shutil.copy(small_db, mount_point / "entry.duckdb")
    try:
        _mount("--bind", str(mount_point), str(mount_point))
        _mount("-o", "remount,ro,bind", str(mount_point))
    except (subprocess.CalledProcessError, OSError) as error:
        pytest.skip(f"cannot make a read-only bind mount here: {error}")
    path = mount_point / "entry.duckdb"
    with db.connect(path) as database:  # reading a read-only folder works
        assert database.version == 1
    assert_refused_unchanged(path, "ingest.refused.not_writable", "Không được phép ghi", "not writable")


# ------------------------------------------------------------------ an explicit migration


def test_a_database_from_before_schema_versions_is_stamped_and_keeps_its_uploads(small_db, tmp_path, capsys):
    from data import migrate

    path = tmp_path / "before.duckdb"
    shutil.copy(small_db, path)
    con = duckdb.connect(str(path))
    con.execute("DELETE FROM build_info WHERE key IN ('schema_version', 'data_version', 'build_id')")
    con.execute("INSERT INTO uploads (upload_id, uploaded_at, user_name, province_code, table_name, file_name, "
                "file_sha256, rows_inserted, rows_updated) VALUES (1, now(), 'x', '11', 'cases', 'a.xlsx', '', 1, 0)")
    con.close()
    assert migrate.main(["--db", str(path)]) == 0
    assert str(db.SCHEMA_VERSION) in capsys.readouterr().out
    with db.connect(path) as database:
        assert database.version == 1 and len(ingest.uploads(database)) == 1
    assert migrate.main(["--db", str(path), "--lang", "en"]) == 0
    assert "already" in capsys.readouterr().out


OLDER_LEVELS = {  # how each older schema stored the levels
    "3": ["DROP VIEW levels", "DROP TABLE level_verdicts",  # a table of words
          "CREATE TABLE levels AS SELECT 'vn-2021-qd4800' AS ruleset_id, 'Cấp 1' AS label_vi"],
    "4": ["DROP VIEW levels", "DROP TABLE level_verdicts",  # numbers in lists
          "CREATE TABLE level_verdicts (ruleset_id VARCHAR, metrics_row BIGINT, level TINYINT, inputs_origin TINYINT, "
          "table_level TINYINT, factor_grades TINYINT[], criteria SMALLINT[])",
          "CREATE VIEW levels AS SELECT v.ruleset_id, m.*, v.* EXCLUDE (ruleset_id, metrics_row) "
          "FROM level_verdicts v JOIN weekly_metrics m ON m.rowid = v.metrics_row"],
}


@pytest.mark.parametrize("schema", sorted(OLDER_LEVELS))
def test_a_database_of_an_older_schema_gets_its_levels_recomputed_and_keeps_its_version(small_db, tmp_path, schema):
    """Schema 5 stores levels as packed numbers behind a view; files of schema 3 (a table of words) and 4 (lists
    of numbers) migrate."""
    from data import levels, migrate

    path = tmp_path / f"v{schema}.duckdb"
    shutil.copy(small_db, path)
    con = duckdb.connect(str(path))
    con.execute("UPDATE build_info SET value = ? WHERE key = 'schema_version'", [schema])
    con.execute("UPDATE build_info SET value = '7' WHERE key = 'data_version'")
    for statement in OLDER_LEVELS[schema]:
        con.execute(statement)
    con.close()
    with pytest.raises(db.Unavailable):
        db.connect(path)
    assert migrate.main(["--db", str(path)]) == 0
    with db.connect(path) as database:
        assert database.version == 8
        week = levels.week_levels(database, "vn-2021-qd4800", dt.date(2021, 5, 17))
    assert len(week) and week["reasons"].map(len).gt(0).all()


def test_a_database_of_another_shape_is_not_stamped(small_db, tmp_path, capsys):
    from data import migrate

    path = damaged("older_schema", small_db, tmp_path)
    before = path.read_bytes()
    assert migrate.main(["--db", str(path)]) == 3
    err = capsys.readouterr().err
    assert "cases.icu" in err and "python -m data.build" in err
    assert path.read_bytes() == before
