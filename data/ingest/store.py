"""Where an upload meets the database: the plan of changes, the all-or-nothing write, history and rollback.

Every statement takes `?` parameters. Table and column names come only from the specs'
fixed whitelist and the catalogue (`DESCRIBE`), and are checked as identifiers before
they are placed in SQL; nothing from a file ever is.

An upload is planned on a snapshot (what will change: new rows, old -> new values) and
written into a new version of the database: writers take turns through a lock file; the
writer copies the current file, plans again on the copy and refuses when the data moved
in between (so what the clerk confirmed is exactly what is written), writes, runs the
post-write steps, checkpoints, syncs and renames the copy over the file. Readers in any
process see all of an upload or none of it, and never wait. Any failure leaves the
current version untouched, and says what went wrong (disk full, folder not writable).

This module is the only way data changes: the upload page and `python -m data.ingest` both
come here. With a shared store ($SITUATION_STORE, data.store) every write is also recorded in
PostgreSQL, in the same step and before the new version is published; neither caller knows.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import pandas as pd

from auth import User
from data import levels
from data import store as shared_store
from data.db import publish, query, writer_config
from data.ingest import checks, files
from data.ingest.checks import Problem
from data.ingest.specs import CHECKPOINT, DISTRICT, NOTE_COLUMN, SPECS, TableSpec
from data.spreadsheet_safe import neutralise
from i18n import t

OBSERVED = "observed"
VIETNAM = dt.timezone(dt.timedelta(hours=7))  # no daylight saving in Viet Nam
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
_TYPE = re.compile(r"[A-Z]+(\(\d+(, ?\d+)?\))?")


class Refused(Exception):
    """An action the database refuses, with a message for the user (i18n key and values)."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values

    def text(self, lang: str = "vi") -> str:
        return Problem(self.key, self.values).text(lang)


def now_in_vietnam() -> dt.datetime:
    """Wall-clock time in Viet Nam, naive like the database's timestamps, to the second."""
    return dt.datetime.now(VIETNAM).replace(tzinfo=None, microsecond=0)


# ------------------------------------------------------------------ SQL helpers


def _ident(name: str) -> str:
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"not an identifier: {name!r}")
    return f'"{name}"'


def _rows(cur, sql: str, params: list | tuple = ()) -> list[dict]:
    """Rows as dicts of plain Python values (date, datetime, int, float, str, None): exact, no dtype games."""
    result = cur.execute(sql, list(params))
    names = [d[0] for d in result.description]
    return [dict(zip(names, values)) for values in result.fetchall()]


def _types(cur, table: str) -> dict[str, str]:
    """Column -> SQL type of a whitelisted table, in the table's order."""
    if table not in SPECS:
        raise ValueError(f"not an uploadable table: {table!r}")
    types = {name: kind for name, kind, *_ in cur.execute(f"DESCRIBE {_ident(table)}").fetchall()}
    for kind in types.values():
        if not _TYPE.fullmatch(kind):
            raise ValueError(f"unexpected column type {kind!r}")
    return types


def _text(value) -> str | None:
    """A value as the text DuckDB casts back to the same value (floats by repr: exact)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _json(row: dict) -> str:
    return json.dumps({k: v.isoformat(sep=" ") if isinstance(v, dt.datetime) else
                       v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}, ensure_ascii=False)


@contextlib.contextmanager
def _staged(cur, rows: list[dict], columns: list[str]):
    """Rows (all values as text) registered on the cursor as `staged` for the statements inside the block."""
    frame = pd.DataFrame([[_text(row.get(c)) for c in columns] for row in rows], columns=columns, dtype="object")
    cur.register("staged", frame)
    try:
        yield
    finally:
        cur.unregister("staged")


def _key_match(spec: TableSpec, types: dict[str, str], alias: str = "t") -> str:
    return " AND ".join(f"{alias}.{_ident(k)} = CAST(s.{_ident(k)} AS {types[k]})" for k in spec.key)


def _select_by_keys(cur, spec: TableSpec, types: dict[str, str], keys: list[dict]) -> dict[str, dict]:
    """The stored rows with these keys, by row key."""
    if not keys:
        return {}
    with _staged(cur, keys, list(spec.key)):
        stored = _rows(cur, f"SELECT t.* FROM {_ident(spec.table)} t JOIN staged s ON {_key_match(spec, types)}")
    return {row_key(spec, row): row for row in stored}


def _update(cur, spec: TableSpec, types: dict[str, str], rows: list[dict]) -> None:
    if not rows:
        return
    columns = list(types)
    with _staged(cur, rows, columns):
        assignments = ", ".join(f"{_ident(c)} = CAST(s.{_ident(c)} AS {types[c]})" for c in columns if c not in spec.key)
        cur.execute(f"UPDATE {_ident(spec.table)} AS t SET {assignments} FROM staged s WHERE {_key_match(spec, types)}")


def _insert(cur, spec: TableSpec, types: dict[str, str], rows: list[dict]) -> None:
    if not rows:
        return
    columns = list(types)
    with _staged(cur, rows, columns):
        values = ", ".join(f"CAST(s.{_ident(c)} AS {types[c]})" for c in columns)
        cur.execute(f"INSERT INTO {_ident(spec.table)} ({', '.join(map(_ident, columns))}) SELECT {values} FROM staged s")


def _delete(cur, spec: TableSpec, types: dict[str, str], rows: list[dict]) -> None:
    if not rows:
        return
    with _staged(cur, rows, list(spec.key)):
        cur.execute(f"DELETE FROM {_ident(spec.table)} AS t USING staged s WHERE {_key_match(spec, types)}")


def row_key(spec: TableSpec, row: dict) -> str:
    """A row's primary key as canonical JSON (how revisions name the row)."""
    return _json({k: row[k] for k in spec.key})


# ------------------------------------------------------------------ the plan


@dataclass
class Plan:
    """What an upload would do: its problems, or the rows it changes (before and after)."""

    file_name: str
    sha256: str
    spec: TableSpec | None = None
    province_code: str | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)   # unusual, not wrong: written only once confirmed
    sheet: files.Sheet | None = None
    before: dict[str, dict] = field(default_factory=dict)   # row key -> stored row it replaces
    after: dict[str, dict] = field(default_factory=dict)    # row key -> row it writes
    notes: dict[str, str] = field(default_factory=dict)     # row key -> correction note
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def inserted(self) -> list[str]:
        return [k for k in self.after if k not in self.before]

    @property
    def updated(self) -> list[str]:
        return [k for k in self.after if k in self.before]

    @property
    def fingerprint(self) -> str:
        """What the plan writes, without the time it will be written."""
        text = json.dumps([[self.before.get(k), _without_time(self.after[k])] for k in sorted(self.after)],
                          default=str, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def new_rows(self, lang: str = "vi") -> pd.DataFrame:
        """The rows the upload adds, with the template's headers."""
        if not self.inserted:
            return pd.DataFrame()
        frame = pd.DataFrame([self.after[k] for k in self.inserted])[[*self.spec.key, *self.spec.value_columns]]
        return frame.rename(columns=lambda c: label(self.spec, c, lang))

    def changes(self, lang: str = "vi") -> pd.DataFrame:
        """Corrected values as old -> new, one line per changed figure."""
        return cell_changes(self.spec, [(self.before[k], self.after[k]) for k in self.updated], lang)


def _without_time(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "reported_at"}


def label(spec: TableSpec, column: str, lang: str) -> str:
    """A column as a person knows it: the template's header, or a translated name for the others."""
    if column in spec.names:
        return spec.header(column)
    return t(f"ingest.field.{column}", lang)


def changed_figures(spec: TableSpec, pairs: list[tuple[dict | None, dict]]) -> list[tuple]:
    """(before, after) row pairs as (after row, figure, old value, old source, new value) for every figure
    whose value or source changed (sources and derived columns follow their figures and are not listed)."""
    lines = []
    for before, after in pairs:
        for column in spec.value_columns:
            source = spec.source_of(column)
            old, old_source = (None, None) if before is None else (before.get(column), before.get(source))
            if old != after.get(column) or old_source != after.get(source):
                lines.append((after, column, old, old_source, after.get(column)))
    return lines


def _display(spec: TableSpec, column: str, value, lang: str) -> str:
    if value is None:
        return "—"
    if column in spec.sources:
        return t(f"common.source_{value}", lang)
    if column in spec.names and spec.column(column).choices:
        return spec.column(column).choices.get(value, value)
    if column == "date" and isinstance(value, str):  # rows read back from their JSON
        value = dt.date.fromisoformat(value)
    return checks.show(value, lang)


def cell_changes(spec: TableSpec, pairs: list[tuple[dict | None, dict]], lang: str) -> pd.DataFrame:
    """One line per changed figure, for people: key..., figure, old (and its source) -> new."""
    columns = [*(label(spec, k, lang) for k in spec.key), t("ingest.col.figure", lang),
               t("ingest.col.old", lang), t("ingest.col.old_source", lang), t("ingest.col.new", lang)]
    lines = [[*(_display(spec, k, after[k], lang) for k in spec.key), label(spec, column, lang),
              _display(spec, column, old, lang), _display(spec, spec.source_of(column), old_source, lang),
              _display(spec, column, new, lang)]
             for after, column, old, old_source, new in changed_figures(spec, pairs)]
    return pd.DataFrame(lines, columns=columns, dtype="str")


def prepare(con: duckdb.DuckDBPyConnection, content: bytes, file_name: str, province: str | None,
            today: dt.date | None = None, table: str | None = None) -> Plan:
    """Read and check a file and plan its changes; nothing is written.

    `province` is the only province the uploader may write (None for an admin: any one
    province per file); `table` forces a template instead of recognising it by its headers.
    """
    plan = Plan(file_name=file_name, sha256=hashlib.sha256(content).hexdigest())
    try:
        plan.sheet = files.read(content, file_name)
    except files.FileProblem as problem:
        plan.problems = [Problem(problem.key, problem.values)]
        return plan
    plan.spec = SPECS.get(table) if table else checks.detect(plan.sheet.headers)
    if plan.spec is None:
        plan.problems = [Problem("ingest.header.unknown_template", {
            "found": plan.sheet.headers, "templates": [t(s.title_key) for s in SPECS.values()]})]
        return plan
    cur = con.cursor()
    try:
        return _plan(cur, plan, province, today or now_in_vietnam().date())
    finally:
        cur.close()


def _plan(cur, plan: Plan, province: str | None, today: dt.date) -> Plan:
    """Check the sheet against the database as `cur` sees it and fill the plan's changes."""
    spec = plan.spec
    positions, problems = checks.match_headers(plan.sheet, spec)
    frame, cell_problems = checks.read_cells(plan.sheet, spec, positions)
    units = _units(cur, spec)
    problems += cell_problems + checks.check_rows(frame, spec, units, province, today) + checks.check_sheet(plan.sheet)
    codes = frame.get(spec.unit_column, pd.Series(dtype="str")).dropna()
    provinces = units.loc[units["unit_code"].isin(codes), "province_code"].unique()
    plan.province_code = provinces[0] if len(provinces) == 1 else province
    rows = _database_rows(frame, spec)
    types = _types(cur, spec.table)
    complete = rows.dropna(subset=list(spec.key))
    stored = _select_by_keys(cur, spec, types, [_plain_row(r, spec.key) for r in complete.to_dict("records")])
    if spec.series_columns:
        problems += checks.check_series(complete, _earlier(cur, spec, types, complete), spec)
    if spec.history_columns:
        problems += checks.check_history(complete, _history(cur, spec, types, complete), spec)
    plan.problems = [p for p in problems if not p.warning]
    plan.warnings = [p for p in problems if p.warning]
    if plan.problems:
        return plan
    plan.before, plan.after, plan.notes, plan.unchanged = _changes(spec, types, rows, stored)
    return plan


def _units(cur, spec: TableSpec) -> pd.DataFrame:
    """The units a file may name: code, name (with and without its type), province."""
    if spec.unit == DISTRICT:
        sql = """SELECT district_code AS unit_code, district_name AS unit_name,
                        trim(substr(district_name, length(district_type) + 1)) AS short_name,
                        province_code, province_name
                 FROM districts"""
    elif spec.unit == CHECKPOINT:
        sql = """SELECT checkpoint_id AS unit_code, name AS unit_name, name AS short_name,
                        c.province_code, p.province_name
                 FROM checkpoints c JOIN provinces p USING (province_code)"""
    else:
        sql = """SELECT province_code AS unit_code, province_name AS unit_name, province_name AS short_name,
                        province_code, province_name FROM provinces"""
    return pd.DataFrame(_rows(cur, sql), columns=["unit_code", "unit_name", "short_name", "province_code", "province_name"])


def _database_rows(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """The sheet as rows of the table (melting spread columns), with `_row`, `_header` and the note."""
    for column in (NOTE_COLUMN, "_header"):
        if column not in frame:
            frame = frame.assign(**{column: pd.Series(pd.NA, index=frame.index, dtype="str")})
    if not spec.melt:
        return frame
    key_column, value_column = spec.melt
    spread = [c for c in spec.melted if c in frame]
    kept = [c for c in frame.columns if c not in spec.melted and c != "_header"]
    long = frame.melt(id_vars=kept, value_vars=spread, var_name="_column", value_name=value_column)
    long = long.dropna(subset=[value_column])
    return long.assign(**{key_column: long["_column"].map(spec.melted),
                          "_header": long["_column"].map(spec.header)}).drop(columns="_column")


def _plain_row(record: dict, columns) -> dict:
    return {c: checks.plain(record.get(c)) for c in columns}


def _earlier(cur, spec: TableSpec, types: dict[str, str], rows: pd.DataFrame) -> pd.DataFrame:
    """The observed values already stored for the file's series (cumulative counts, stocks), except the rows
    the file replaces: the figures its rows must follow on from."""
    series_key = [k for k in spec.key if k != "date"]
    source = next(s for s, columns in spec.sources.items() if set(spec.series_columns) & set(columns))
    series = rows[series_key].drop_duplicates()
    with _staged(cur, [_plain_row(r, series_key) for r in series.to_dict("records")], series_key):
        match = " AND ".join(f"t.{_ident(k)} = CAST(s.{_ident(k)} AS {types[k]})" for k in series_key)
        found = _rows(cur, f"SELECT t.* FROM {_ident(spec.table)} t JOIN staged s ON {match} "
                           f"WHERE t.{_ident(source)} = ?", [OBSERVED])
    replaced = {row_key(spec, _plain_row(r, spec.key)) for r in rows.to_dict("records")}
    frame = pd.DataFrame([r for r in found if row_key(spec, r) not in replaced],
                         columns=[*spec.key, *spec.series_columns])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _history(cur, spec: TableSpec, types: dict[str, str], rows: pd.DataFrame) -> pd.DataFrame:
    """The stored figures of the file's units from SPIKE_DAYS before its first day to its last, except the rows
    the file replaces, and before that one opening row per unit with the totals so far (dated OPENING)."""
    columns = [*spec.key, *spec.history_columns]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    series_key = [k for k in spec.key if k != "date"]
    series = rows[series_key].drop_duplicates()
    start = rows["date"].min().date() - dt.timedelta(days=checks.SPIKE_DAYS)
    units = ", ".join(f"t.{_ident(k)}" for k in series_key)
    figures = ", ".join(f"t.{_ident(c)}" for c in spec.history_columns)
    totals = ", ".join(f"sum(t.{_ident(c)}) AS {_ident(c)}" for c in spec.history_columns)
    with _staged(cur, [_plain_row(r, series_key) for r in series.to_dict("records")], series_key):
        match = " AND ".join(f"t.{_ident(k)} = CAST(s.{_ident(k)} AS {types[k]})" for k in series_key)
        found = _rows(cur, f"""SELECT {units}, t.date, {figures} FROM {_ident(spec.table)} t JOIN staged s ON {match}
                               WHERE t.date BETWEEN ? AND ?
                               UNION ALL
                               SELECT {units}, ?::DATE AS date, {totals} FROM {_ident(spec.table)} t
                               JOIN staged s ON {match} WHERE t.date < ? GROUP BY {units}""",
                      [start, rows["date"].max().date(), checks.OPENING, start])
    replaced = {row_key(spec, _plain_row(r, spec.key)) for r in rows.to_dict("records")}
    frame = pd.DataFrame([r for r in found if row_key(spec, r) not in replaced], columns=columns)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _changes(spec: TableSpec, types: dict[str, str], rows: pd.DataFrame, stored: dict[str, dict]):
    """Before and after of every row the file changes: a group it fills becomes observed; a group it leaves
    blank keeps the stored values and their source (blank where there was no row)."""
    before, after, notes, unchanged = {}, {}, {}, 0
    for record in rows.to_dict("records"):
        plain = _plain_row(record, [*types, NOTE_COLUMN])
        key = row_key(spec, plain)
        old = stored.get(key)
        new = dict(old) if old else {column: None for column in types}
        new.update({k: plain[k] for k in spec.key})
        for source, columns in spec.sources.items():
            if all(plain.get(c) is not None for c in columns):
                new.update({c: plain[c] for c in columns})
                new[source] = OBSERVED
        new.update({column: derive(new) for column, derive in spec.derived.items() if column in types})
        new["reported_at"] = None  # set when written
        if old is not None and _without_time(old) == _without_time(new):
            unchanged += 1
            continue
        if old is not None:
            before[key] = old
        after[key] = new
        if plain.get(NOTE_COLUMN):
            notes[key] = plain[NOTE_COLUMN]
    return before, after, notes, unchanged


# ------------------------------------------------------------------ writing


def commit(con, plan: Plan, user: User, now: dt.datetime | None = None,
           today: dt.date | None = None, confirmed: bool = False) -> int | None:
    """Write a checked plan as a new version of the database `con` reads; the upload's id, or None when it
    changes nothing.

    A plan with warnings (hidden rows, ambiguous numbers, unusual figures) is written only
    when `confirmed`: the clerk has seen them in the preview and said so.

    The plan is made again on the newest data; if anything differs from what was
    previewed (another upload came in between), nothing is written and Refused is raised.
    """
    if not user.may_write(plan.province_code):
        raise Refused("ingest.refused.province", province=plan.province_code or "—")
    if not plan.ok:
        raise Refused("ingest.refused.invalid", count=len(plan.problems))
    if plan.warnings and not confirmed:
        raise Refused("ingest.refused.unconfirmed", count=len(plan.warnings))
    if not plan.after:
        return None
    now = now or now_in_vietnam()
    with _writing(con.path) as (cur, shared):
        again = _plan(cur, Plan(plan.file_name, plan.sha256, plan.spec, sheet=plan.sheet),
                      user.province_code, today or now.date())
        if not again.ok:
            raise Refused("ingest.refused.invalid", count=len(again.problems))
        if again.fingerprint != plan.fingerprint:
            raise Refused("ingest.refused.stale")
        return _write(cur, again, user, now, shared)


# Steps run on every new version after its changes are written and before it replaces the current file,
# each with the new version's read-write connection: derived tables kept in the database (e.g. stored
# levels) are refreshed here, so readers never see facts and derived figures of two different versions.
POST_WRITE_STEPS: list[Callable[[duckdb.DuckDBPyConnection], None]] = [levels.refresh]
WRITER_WAIT_S = 60.0  # how long a writer waits for the one before it before saying the database is busy


@contextlib.contextmanager
def new_version(path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a private copy of the database at `path`. When the block ends without an
    error the copy becomes the next version (version number, post-write steps, checkpoint, fsync, atomic
    rename); on any error it is thrown away and the database is as it was. Writers take turns."""
    path = Path(path)
    if not path.is_file():
        raise Refused("db.missing", path=path)
    with _writer_turn(path):
        for leftover in path.parent.glob(f".{path.name}.*.next*"):  # of a writer killed mid-write
            leftover.unlink(missing_ok=True)
        copy = path.with_name(f".{path.name}.{os.getpid()}.next")
        try:
            shutil.copyfile(path, copy)
            con = duckdb.connect(str(copy), config=writer_config())
            try:
                yield con
                con.execute("UPDATE build_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
                            "WHERE key = 'data_version'")
                for step in POST_WRITE_STEPS:
                    step(con)
                con.execute("CHECKPOINT")
            finally:
                con.close()
            publish(copy, path)
        except (OSError, duckdb.IOException) as error:
            raise _write_refusal(error, path) from error
        finally:
            for leftover in (copy, copy.with_name(copy.name + ".wal")):
                leftover.unlink(missing_ok=True)


@contextlib.contextmanager
def _writing(path: Path | str) -> Iterator[tuple[duckdb.DuckDBPyConnection, object | None]]:
    """A new version of the database at `path` (its connection, and None); with a shared store
    ($SITUATION_STORE), joined to the store's transaction (data.store.postgres.writing): the copy first
    catches up with the store, and the store commits the write before the copy is published."""
    url = shared_store.url()
    with new_version(path) as cur:
        if url is None:
            yield cur, None
            return
        from data.store import postgres  # only a deployment with a shared store needs its driver

        with postgres.writing(url, cur) as shared:
            yield cur, shared


@contextlib.contextmanager
def _writer_turn(path: Path) -> Iterator[None]:
    """Hold the writers' lock file beside the database (waiting up to WRITER_WAIT_S for the writer before)."""
    try:
        lock = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o664)
    except OSError as error:
        raise _write_refusal(error, path) from error
    try:
        deadline = time.monotonic() + WRITER_WAIT_S
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise Refused("ingest.refused.busy", seconds=int(WRITER_WAIT_S)) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(lock)  # releases the lock


_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
_NOT_WRITABLE = (errno.EACCES, errno.EPERM, errno.EROFS)


def _write_refusal(error: Exception, path: Path) -> Refused:
    """The real cause of a failed write, in words: a full disk, a folder nobody may write, or the error."""
    code = getattr(error, "errno", None)
    text = str(error)
    if code in _NO_SPACE or "No space left" in text or "Disk quota" in text:
        return Refused("ingest.refused.disk_full", folder=path.parent)
    if code in _NOT_WRITABLE or "Permission denied" in text or "Read-only file system" in text:
        return Refused("ingest.refused.not_writable", folder=path.parent)
    return Refused("ingest.refused.write_failed", error=text.splitlines()[0] if text else type(error).__name__)


def _write(cur, plan: Plan, user: User, now: dt.datetime, shared=None) -> int:
    """Write the plan into the copy `cur` (and first into the shared store, which numbers the upload)."""
    spec, types = plan.spec, _types(cur, plan.spec.table)
    for row in plan.after.values():
        row["reported_at"] = now
    upload = {"uploaded_at": now, "user_name": user.name, "province_code": plan.province_code,
              "table_name": spec.table, "file_name": neutralise(plan.file_name), "file_sha256": plan.sha256,
              "rows_inserted": len(plan.inserted), "rows_updated": len(plan.updated)}
    revisions = [{"upload_id": None, "table_name": spec.table, "row_key": key, "date": row["date"],
                  "unit_code": row[spec.unit_column], "old_row": _json(plan.before[key]) if key in plan.before else None,
                  "new_row": _json(row), "note": plan.notes.get(key)} for key, row in plan.after.items()]
    numbered = shared.record_upload(upload, spec, types, revisions, list(plan.after.values())) if shared else None
    (upload_id,) = cur.execute(
        """INSERT INTO uploads (upload_id, uploaded_at, user_name, province_code, table_name, file_name, file_sha256,
                                rows_inserted, rows_updated)
           VALUES (COALESCE(?, nextval('upload_ids')), ?, ?, ?, ?, ?, ?, ?, ?) RETURNING upload_id""",
        [numbered, *upload.values()],
    ).fetchone()
    revisions = pd.DataFrame(revisions).assign(upload_id=upload_id).astype({"upload_id": "int64", "date": "object"})
    cur.register("staged_revisions", revisions)
    try:
        cur.execute("INSERT INTO revisions BY NAME SELECT * FROM staged_revisions")
    finally:
        cur.unregister("staged_revisions")
    _update(cur, spec, types, [plan.after[k] for k in plan.updated])
    _insert(cur, spec, types, [plan.after[k] for k in plan.inserted])
    return upload_id


def rollback(con, upload_id: int, user: User, now: dt.datetime | None = None) -> int:
    """Undo a whole upload in a new version of the database `con` reads, restoring every row it touched
    exactly; rows restored.

    Refused when a later upload still in force changed the same rows (roll that back first).
    """
    if not user.can_administer:
        raise Refused("ingest.refused.admin_only")
    with _writing(con.path) as (cur, shared):
        found = _rows(cur, "SELECT table_name, rolled_back_at FROM uploads WHERE upload_id = ?", [upload_id])
        if not found:
            raise Refused("ingest.refused.unknown_upload", upload=upload_id)
        if found[0]["rolled_back_at"] is not None:
            raise Refused("ingest.refused.already_rolled_back", upload=upload_id, when=found[0]["rolled_back_at"])
        spec = SPECS[found[0]["table_name"]]
        later = [r["upload_id"] for r in _rows(cur, """
            SELECT DISTINCT r.upload_id FROM revisions r JOIN uploads u USING (upload_id)
            WHERE r.table_name = ? AND r.upload_id > ? AND u.rolled_back_at IS NULL
              AND r.row_key IN (SELECT row_key FROM revisions WHERE upload_id = ? AND table_name = ?)
            ORDER BY r.upload_id""", [spec.table, upload_id, upload_id, spec.table])]
        if later:
            raise Refused("ingest.refused.later_uploads", upload=upload_id, later=", ".join(f"#{u}" for u in later))
        revisions = _rows(cur, "SELECT old_row, new_row FROM revisions WHERE upload_id = ?", [upload_id])
        types = _types(cur, spec.table)
        restore = [json.loads(r["old_row"]) for r in revisions if r["old_row"] is not None]
        remove = [json.loads(r["new_row"]) for r in revisions if r["old_row"] is None]
        now = now or now_in_vietnam()
        if shared:
            shared.record_rollback(upload_id, spec, types, restore, remove, now, user.name)
        _update(cur, spec, types, restore)
        _delete(cur, spec, types, remove)
        cur.execute("UPDATE uploads SET rolled_back_at = ?, rolled_back_by = ? WHERE upload_id = ?",
                    [now, user.name, upload_id])
        return len(revisions)


# ------------------------------------------------------------------ history


def uploads(con: duckdb.DuckDBPyConnection, province_code: str | None = None) -> pd.DataFrame:
    """Every upload, newest first (one province's, or all)."""
    return query(con, """SELECT upload_id, uploaded_at, user_name, province_code, table_name, file_name,
                                 rows_inserted, rows_updated, rolled_back_at, rolled_back_by
                          FROM uploads WHERE ?::TEXT IS NULL OR province_code = ?
                          ORDER BY upload_id DESC""", [province_code, province_code])


def upload_changes(con: duckdb.DuckDBPyConnection, upload_id: int, lang: str = "vi") -> pd.DataFrame:
    """What one upload changed: a line per figure, old -> new (old blank for rows it added)."""
    found = query(con, """SELECT r.table_name, r.old_row, r.new_row FROM revisions r
                           WHERE r.upload_id = ? ORDER BY r.date, r.unit_code, r.row_key""", [upload_id])
    if found.empty:
        return pd.DataFrame()
    spec = SPECS[found["table_name"].iloc[0]]
    pairs = [(_loads(old), json.loads(new)) for old, new in zip(found["old_row"], found["new_row"])]
    return cell_changes(spec, pairs, lang)


def figure_history(con: duckdb.DuckDBPyConnection, table: str, key: dict, lang: str = "vi") -> pd.DataFrame:
    """Every upload that changed one row (e.g. cases of district 094 on 2021-07-01), oldest first:
    when, who, which file, and each figure old -> new; rolled-back uploads say so."""
    spec = SPECS[table]
    found = query(con, """SELECT r.upload_id, u.uploaded_at, u.user_name, u.file_name, u.rolled_back_at,
                                  r.old_row, r.new_row, r.note
                           FROM revisions r JOIN uploads u USING (upload_id)
                           WHERE r.table_name = ? AND r.row_key = ? ORDER BY r.upload_id""",
                   [spec.table, row_key(spec, key)])
    lines = [
        [record["upload_id"], record["uploaded_at"], record["user_name"], record["file_name"], label(spec, column, lang),
         _display(spec, column, old, lang), _display(spec, spec.source_of(column), old_source, lang),
         _display(spec, column, new, lang), record["note"], record["rolled_back_at"]]
        for record in found.to_dict("records")
        for _, column, old, old_source, new in changed_figures(
            spec, [(_loads(record["old_row"]), json.loads(record["new_row"]))])
    ]
    return pd.DataFrame(lines, columns=["upload_id", "uploaded_at", "user_name", "file_name", "figure", "old",
                                        "old_source", "new", "note", "rolled_back_at"])


def _loads(text) -> dict | None:
    """A stored row (JSON text), or None where the column is NULL."""
    return json.loads(text) if isinstance(text, str) else None


