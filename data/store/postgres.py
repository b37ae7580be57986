"""PostgreSQL as the shared store: migrations, the writers' transaction, and each server's snapshot refresh.

Writers (data.ingest.store, when $SITUATION_STORE is set) work as in the embedded mode, on a private copy of
their server's snapshot, joined to one transaction of the store:

1. lock the store's version row (`SELECT … FOR UPDATE`): writers on every machine take turns;
2. bring the copy up to the store's version (the rows of every later version), so the upload is planned
   again on the newest data and refused as stale when it moved since the clerk's preview;
3. record the upload (or rollback) in the store: uploads, revisions and the rows, keyed by real PRIMARY
   KEY constraints; raise the version; NOTIFY;
4. commit the store, then publish the copy as the server's next snapshot version.

A failure before 4 leaves both as they were; after it, the snapshot catches up at its next refresh. Other
servers refresh their snapshot (`refresh`, `follow`) through the same new-version path as any write, so
their readers move to it as after a local upload.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import pandas as pd
import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from data import db
from data.ingest.specs import SPECS, TableSpec
from data.ingest.store import WRITER_WAIT_S, Refused, _delete, _insert, _types, new_version, row_key

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")
CHANNEL = "situation_store"     # NOTIFY channel: the payload is the new version
LOCK_WAIT_S = int(WRITER_WAIT_S)  # how long a writer waits for the one before it, on any machine
CONNECT_TIMEOUT_S = 5
POLL_S = 5.0                    # a follower checks the version this often even without a notification
RETRY_S = 2.0                   # and waits this long after the store was unreachable
CATCH_UP_BATCH = 50_000         # rows of the store read and applied to a snapshot at a time
MIGRATION_LOCK = 20211127       # advisory lock key: one migrator at a time
STORE_ID, STORE_VERSION = "store_id", "store_version"   # the snapshot's stamps in build_info
UPLOAD_COLUMNS = ("upload_id", "uploaded_at", "user_name", "province_code", "table_name", "file_name", "file_sha256",
                  "rows_inserted", "rows_updated", "rolled_back_at", "rolled_back_by")
REVISION_COLUMNS = ("upload_id", "table_name", "row_key", "date", "unit_code", "old_row", "new_row", "note")


# ------------------------------------------------------------------ connections and migrations


def migrations() -> list[tuple[int, Path]]:
    """The migration files (NNNN_name.sql), in order."""
    found = sorted((int(m.group(1)), path) for path in MIGRATIONS.glob("*.sql") if (m := _MIGRATION.fullmatch(path.name)))
    numbers = [number for number, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations must be numbered 0001, 0002, … without gaps: {numbers}")
    return found


def latest() -> int:
    return migrations()[-1][0]


@contextlib.contextmanager
def refusals() -> Iterator[None]:
    """The store's errors as refusals with a message for people (the database and the store are unchanged)."""
    try:
        yield
    except psycopg.errors.LockNotAvailable:
        raise Refused("ingest.refused.busy", seconds=LOCK_WAIT_S) from None
    except psycopg.errors.UndefinedTable:
        raise Refused("store.not_migrated") from None
    except psycopg.OperationalError as error:
        raise Refused("store.unavailable", error=_first_line(error)) from None
    except psycopg.Error as error:  # anything else the store refused: its transaction was rolled back
        raise Refused("store.failed", error=_first_line(error)) from None


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def connect(url: str, **options) -> psycopg.Connection:
    return psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S, **options)


def migrate(url: str) -> list[int]:
    """Apply the migrations the store lacks, each in its own transaction, in order; the numbers applied."""
    applied = []
    with refusals(), connect(url, autocommit=True) as pg:
        pg.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
        try:
            pg.execute("""CREATE TABLE IF NOT EXISTS schema_migrations (
                              version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                              applied_at TIMESTAMPTZ NOT NULL DEFAULT now())""")
            done = {number for (number,) in pg.execute("SELECT version FROM schema_migrations")}
            for number, path in migrations():
                if number in done:
                    continue
                with pg.transaction():
                    pg.execute(path.read_text(encoding="utf-8"))
                    pg.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", [number, path.name])
                applied.append(number)
        finally:
            pg.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])
    return applied


@dataclass(frozen=True)
class State:
    """Where the store stands: its version (raised by every write) and its identity."""

    version: int
    store_id: str


def _state(pg: psycopg.Connection, lock: bool = False) -> State:
    """The store's version and identity (locked for a writer), after checking its schema is this code's."""
    (found,) = pg.execute("SELECT max(version) FROM schema_migrations").fetchone()
    if found != latest():
        key = "store.newer_schema" if found is not None and found > latest() else "store.not_migrated"
        raise Refused(key, found=found or 0, expected=latest())
    if lock:
        pg.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(f"{LOCK_WAIT_S}s")))
    version, store_id = pg.execute("SELECT version, store_id FROM store_state" + (" FOR UPDATE" if lock else "")).fetchone()
    return State(version, store_id)


def _fetch(pg: psycopg.Connection, query, params=()) -> list[dict]:
    cursor = pg.execute(query, params)
    names = [column.name for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


# ------------------------------------------------------------------ the snapshot side


def stamps(con) -> tuple[str | None, int]:
    """(store id, store version) a snapshot holds; (None, 0) for a plain build that holds no store rows yet."""
    info = dict(con.execute(f"SELECT key, value FROM build_info WHERE key IN ('{STORE_ID}', '{STORE_VERSION}')").fetchall())
    return info.get(STORE_ID), int(info.get(STORE_VERSION, 0))


def _stamp(cur: duckdb.DuckDBPyConnection, state: State) -> None:
    cur.executemany("INSERT OR REPLACE INTO build_info (key, value) VALUES (?, ?)",
                    [[STORE_ID, state.store_id], [STORE_VERSION, str(state.version)]])


def catch_up(cur: duckdb.DuckDBPyConnection, pg: psycopg.Connection, state: State) -> None:
    """Apply to the snapshot copy `cur` every change of the store after the version it holds, and stamp it."""
    store_id, since = stamps(cur)
    if store_id not in (None, state.store_id) or since > state.version:
        raise Refused("store.other_store", held=since, version=state.version)
    if store_id is None and cur.execute("SELECT count(*) FROM uploads").fetchone()[0]:
        raise Refused("store.local_uploads")
    for spec in SPECS.values():
        types = _types(cur, spec.table)
        removed = [json.loads(r["row_key"]) for r in _fetch(
            pg, "SELECT row_key FROM removed_rows WHERE table_name = %s AND store_version > %s", [spec.table, since])]
        _delete(cur, spec, types, removed)
        with pg.cursor(name=f"changed_{spec.table}") as changed:  # on the server: a new snapshot reads every row
            changed.execute(sql.SQL("SELECT {} FROM {} WHERE store_version > %s").format(
                sql.SQL(", ").join(map(sql.Identifier, types)), sql.Identifier(spec.table)), [since])
            while batch := changed.fetchmany(CATCH_UP_BATCH):
                rows = [dict(zip(types, values)) for values in batch]
                _delete(cur, spec, types, rows)
                _insert(cur, spec, types, rows)
    uploads = _fetch(pg, sql.SQL("SELECT {} FROM uploads WHERE store_version > %s ORDER BY upload_id").format(
        sql.SQL(", ").join(map(sql.Identifier, UPLOAD_COLUMNS))), [since])
    revisions = _fetch(pg, sql.SQL("""SELECT {} FROM revisions WHERE upload_id IN
                                      (SELECT upload_id FROM uploads WHERE written_version > %s)""").format(
        sql.SQL(", ").join(map(sql.Identifier, REVISION_COLUMNS))), [since])
    _replace(cur, "uploads", UPLOAD_COLUMNS, uploads)
    _replace(cur, "revisions", REVISION_COLUMNS, revisions)
    _stamp(cur, state)


def _replace(cur: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...], rows: list[dict]) -> None:
    """Put the store's uploads or revisions into the snapshot, replacing those of the same upload."""
    if not rows:
        return
    frame = pd.DataFrame(rows, columns=list(columns)).astype({"upload_id": "int64"})
    cur.register("from_store", frame)
    try:
        cur.execute(f"DELETE FROM {table} WHERE upload_id IN (SELECT upload_id FROM from_store)")
        cur.execute(f"INSERT INTO {table} BY NAME SELECT * FROM from_store")
    finally:
        cur.unregister("from_store")


class _AlreadyCurrent(Exception):
    """Raised inside a new version that would change nothing, so it is thrown away."""


def refresh(path: Path | str, url: str) -> bool:
    """Bring the snapshot at `path` to the store's newest version (building it when missing, rebuilding it when
    it holds another store's rows or a version the store never reached); True when a new version was published."""
    path = Path(path)
    with refusals(), connect(url) as pg:
        state = _state(pg)
    held = _held(path)
    if held is None or held[0] not in (None, state.store_id) or held[1] > state.version:
        rebuild(path, url)
        return True
    if held == (state.store_id, state.version):
        return False
    try:
        with new_version(path) as cur, refusals(), connect(url) as pg:
            pg.isolation_level, pg.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
            state = _state(pg)
            if stamps(cur) == (state.store_id, state.version):
                raise _AlreadyCurrent
            catch_up(cur, pg, state)
    except _AlreadyCurrent:
        return False
    return True


def _held(path: Path) -> tuple[str | None, int] | None:
    """The stamps of the snapshot at `path`, or None when there is no readable snapshot there."""
    try:
        snapshot = db.Snapshot(path)
    except db.Unavailable:
        return None
    try:
        cur = snapshot.cursor()
        return stamps(cur)
    finally:
        snapshot.close()


def rebuild(path: Path, url: str) -> None:
    """Build the snapshot anew from the shipped sources (the provinces and dates of the one it replaces, or
    everything) plus every row of the store, and put it in place."""
    from data import build

    provinces, start, end = _extent(path)
    fresh = path.with_name(f".{path.name}.rebuilt")
    try:
        build.build(fresh, provinces, start, end)
        with new_version(fresh) as cur, refusals(), connect(url) as pg:
            pg.isolation_level, pg.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
            catch_up(cur, pg, _state(pg))
        db.publish(fresh, path)
    finally:
        for leftover in path.parent.glob(f".{path.name}.rebuilt*"):
            leftover.unlink(missing_ok=True)


def _extent(path: Path) -> tuple[list[str] | None, str | None, str | None]:
    """The provinces and first and last dates of the snapshot at `path`, or (None, None, None): everything."""
    try:
        snapshot = db.Snapshot(path)
    except db.Unavailable:
        return None, None, None
    try:
        cur = snapshot.cursor()
        provinces = [code for (code,) in cur.execute("SELECT province_code FROM provinces ORDER BY 1").fetchall()]
        info = dict(cur.execute("SELECT key, value FROM build_info").fetchall())
        return provinces, info.get("first_date"), info.get("last_date")
    finally:
        snapshot.close()


def follow(path: Path | str, url: str, stop: threading.Event | None = None, poll_s: float = POLL_S,
           say: Callable[[str], None] = print) -> None:
    """Keep the snapshot at `path` at the store's newest version until `stop` is set: refresh at every
    notification of a new version, and every `poll_s` seconds in case one was missed."""
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            with refusals(), connect(url, autocommit=True) as listener:
                listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
                while not stop.is_set():
                    if refresh(path, url):
                        say(f"{dt.datetime.now():%Y-%m-%d %H:%M:%S} {path}: store version {_held(Path(path))[1]}")
                    for _ in listener.notifies(timeout=poll_s, stop_after=1):
                        pass
        except Refused as refusal:
            say(f"{dt.datetime.now():%Y-%m-%d %H:%M:%S} {refusal.text('en')}")
            stop.wait(RETRY_S)


# ------------------------------------------------------------------ the writer side


class Shared:
    """The store's side of one write, inside its transaction; `version` is the version the write makes."""

    def __init__(self, pg: psycopg.Connection, version: int):
        self.pg, self.version = pg, version

    def record_upload(self, upload: dict, spec: TableSpec, types: dict[str, str], revisions: list[dict],
                      rows: list[dict]) -> int:
        """Record an upload, its revisions and its rows; the upload's id (the store's, for every snapshot)."""
        (upload_id,) = self.pg.execute(
            sql.SQL("INSERT INTO uploads ({}, written_version, store_version) VALUES ({}, %s, %s) RETURNING upload_id")
            .format(sql.SQL(", ").join(map(sql.Identifier, upload)), sql.SQL(", ").join(sql.Placeholder() * len(upload))),
            [*upload.values(), self.version, self.version]).fetchone()
        with self.pg.cursor() as cursor:
            cursor.executemany(
                sql.SQL("INSERT INTO revisions ({}) VALUES ({})").format(
                    sql.SQL(", ").join(map(sql.Identifier, REVISION_COLUMNS)),
                    sql.SQL(", ").join(sql.Placeholder() * len(REVISION_COLUMNS))),
                [[upload_id if c == "upload_id" else r[c] for c in REVISION_COLUMNS] for r in revisions])
        self._put(spec, types, rows)
        return upload_id

    def record_rollback(self, upload_id: int, spec: TableSpec, types: dict[str, str], restore: list[dict],
                        remove: list[dict], when: dt.datetime, by: str) -> None:
        """Record a rollback: the rows it restores, those it removes, and who rolled the upload back when."""
        self._put(spec, types, restore)
        keys = [{k: row[k] for k in spec.key} for row in remove]
        with self.pg.cursor() as cursor:
            cursor.executemany(sql.SQL("DELETE FROM {} WHERE ({}) = ({})").format(
                sql.Identifier(spec.table), sql.SQL(", ").join(map(sql.Identifier, spec.key)),
                sql.SQL(", ").join(sql.Placeholder() * len(spec.key))), [list(key.values()) for key in keys])
            cursor.executemany("""INSERT INTO removed_rows (table_name, row_key, store_version) VALUES (%s, %s, %s)
                                  ON CONFLICT (table_name, row_key) DO UPDATE SET store_version = EXCLUDED.store_version""",
                               [[spec.table, row_key(spec, key), self.version] for key in keys])
        self.pg.execute("UPDATE uploads SET rolled_back_at = %s, rolled_back_by = %s, store_version = %s "
                        "WHERE upload_id = %s", [when, by, self.version, upload_id])

    def _put(self, spec: TableSpec, types: dict[str, str], rows: list[dict]) -> None:
        """Insert or replace rows of a fact table by its key."""
        if not rows:
            return
        columns = list(types)
        values = [c for c in columns if c not in spec.key]
        statement = sql.SQL("""INSERT INTO {table} ({columns}, store_version) VALUES ({placeholders}, %s)
                               ON CONFLICT ({key}) DO UPDATE SET {assignments}, store_version = EXCLUDED.store_version""").format(
            table=sql.Identifier(spec.table), columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
            placeholders=sql.SQL(", ").join(sql.Placeholder() * len(columns)),
            key=sql.SQL(", ").join(map(sql.Identifier, spec.key)),
            assignments=sql.SQL(", ").join(sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in values))
        with self.pg.cursor() as cursor:
            cursor.executemany(statement, [[row.get(c) for c in columns] + [self.version] for row in rows])
            cursor.execute("DELETE FROM removed_rows WHERE table_name = %s AND row_key = ANY(%s)",
                           [spec.table, [row_key(spec, row) for row in rows]])


@contextlib.contextmanager
def writing(url: str, cur: duckdb.DuckDBPyConnection) -> Iterator[Shared]:
    """The store's transaction around a write on the snapshot copy `cur`: the copy is first brought to the
    store's version (under the store's lock); when the block ends without an error the store takes the new
    version, announces it, and commits, before the copy is published."""
    with refusals(), connect(url) as pg:
        state = _state(pg, lock=True)
        catch_up(cur, pg, state)
        shared = Shared(pg, state.version + 1)
        yield shared
        pg.execute("UPDATE store_state SET version = %s", [shared.version])
        pg.execute("SELECT pg_notify(%s, %s)", [CHANNEL, str(shared.version)])
        _stamp(cur, State(shared.version, state.store_id))
        before_commit(pg)
        pg.commit()


def before_commit(pg: psycopg.Connection) -> None:
    """The last moment before the store commits a write: nothing (the crash test stops the server here)."""


def restored(url: str) -> str:
    """After restoring the store from a backup: give it a new identity, so every snapshot is rebuilt from it
    (a snapshot may hold versions the restored store never had). The new id."""
    with refusals(), connect(url) as pg:
        _state(pg, lock=True)
        (store_id,) = pg.execute("UPDATE store_state SET store_id = gen_random_uuid()::TEXT RETURNING store_id").fetchone()
        pg.execute("SELECT pg_notify(%s, %s)", [CHANNEL, "restored"])
    return store_id


# ------------------------------------------------------------------ login backoff


class LoginBackoff:
    """auth.LoginGuard's state kept in the store, so every app server slows the same failing clients. Where the
    store cannot be reached, reads find nothing and writes are dropped: the guard's memory still holds."""

    def __init__(self, url: str):
        self.url = url

    def read(self):
        try:
            with connect(self.url) as pg:
                found = pg.execute("SELECT state FROM login_backoff").fetchone()
        except psycopg.Error:
            return None
        return found[0] if found else None

    @contextlib.contextmanager
    def update(self) -> Iterator[dict]:
        """{"found": the stored state}, locked until the block ends; then the "state" put in it is stored."""
        pg, box = None, {"found": None}
        try:
            pg = connect(self.url)
            pg.execute("INSERT INTO login_backoff (state) VALUES ('{}') ON CONFLICT DO NOTHING")
            pg.commit()
            (box["found"],) = pg.execute("SELECT state FROM login_backoff FOR UPDATE").fetchone()
        except psycopg.Error:
            if pg is not None:
                pg.close()
            pg = None
        try:
            yield box
            if pg is not None:
                with contextlib.suppress(psycopg.Error):
                    pg.execute("UPDATE login_backoff SET state = %s", [Jsonb(box["state"])])
                    pg.commit()
        finally:
            if pg is not None:
                pg.close()
