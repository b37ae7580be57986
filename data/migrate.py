"""python -m data.migrate [--db PATH] [--lang vi|en]: bring a database built before schema versions up to date.

A database built before the version stamps (no `schema_version`), or under an older schema version whose
tables differ from today's only in the derived ones (weekly metrics, levels), is brought up to date when its
tables and columns are exactly those of data/schema.sql: it gets the stamps and its derived tables are
recomputed (as a new version, like any write), so the uploads it holds are kept. Any other difference is refused, naming the tables and columns: such a file
must be rebuilt (python -m data.build). Exit codes: 0 stamped or already current; 3 refused.
"""
from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path

import duckdb

from data import db
from data.db import SCHEMA_SQL, SCHEMA_VERSION, db_path
from data.ingest.store import Refused, new_version
from i18n import LANGS, t

# Derived tables are left out of the comparison: the new version recomputes them (store.POST_WRITE_STEPS).
COLUMNS = """SELECT table_name, column_name, data_type FROM information_schema.columns
             WHERE table_schema = 'main' AND table_name NOT IN ('weekly_metrics', 'level_verdicts', 'levels')"""


def expected_columns() -> set[tuple[str, str, str]]:
    """(table, column, type) of every table and view data/schema.sql creates."""
    con = duckdb.connect()
    try:
        con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
        return set(con.execute(COLUMNS).fetchall())
    finally:
        con.close()


def migrate(path: Path) -> bool:
    """Stamp the database at `path` with the schema version; False when it already had it. Raises Refused."""
    try:
        db.connect(path).close()
        return False
    except db.Unavailable as problem:
        if problem.key != "db.older_schema":
            raise Refused(problem.key, **problem.values) from None
    with new_version(path) as con:
        found = set(con.execute(COLUMNS).fetchall())
        differences = sorted(f"{table}.{column} ({kind})" for table, column, kind in expected_columns() ^ found)
        if differences:
            raise Refused("db.not_migratable", path=path, differences=", ".join(differences))
        stamps = {"schema_version": str(SCHEMA_VERSION), "build_id": uuid.uuid4().hex}
        con.executemany("INSERT INTO build_info (key, value) VALUES (?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value", list(stamps.items()))
        con.execute("INSERT INTO build_info (key, value) VALUES ('data_version', '0') ON CONFLICT DO NOTHING")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.migrate", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="database (default: $SITUATION_DB or data/situation.duckdb)")
    parser.add_argument("--lang", choices=LANGS, default="vi")
    args = parser.parse_args(argv)
    path = Path(args.db or db_path())
    try:
        stamped = migrate(path)
    except Refused as refusal:
        print(refusal.text(args.lang), file=sys.stderr)
        return 3
    print(t("db.migrated" if stamped else "db.migrate_current", args.lang, path=path, version=SCHEMA_VERSION))
    return 0


if __name__ == "__main__":
    sys.exit(main())
