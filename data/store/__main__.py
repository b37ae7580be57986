"""python -m data.store migrate|snapshot|follow|restored: the shared PostgreSQL store ($SITUATION_STORE).

  migrate    apply the store's schema migrations (data/store/migrations/NNNN_*.sql) it lacks, in order
  snapshot   bring this server's DuckDB snapshot (--db) to the store's newest version once
  follow     keep it there: refresh whenever the store announces a new version (run one per server)
  restored   after restoring the store from a backup: every snapshot is rebuilt from it

Exit codes: 0 done; 2 no store configured; 3 the store refused or cannot be reached (the message says why).
"""
from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from data import db, store
from data.ingest.store import Refused
from i18n import LANGS, t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.store", description=__doc__.splitlines()[0],
                                     epilog=__doc__.split("\n", 2)[2], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["migrate", "snapshot", "follow", "restored"])
    parser.add_argument("--url", default=None, help=f"the store (default: ${store.ENV_VAR})")
    parser.add_argument("--db", type=Path, default=None, help="the snapshot (default: $SITUATION_DB or data/situation.duckdb)")
    parser.add_argument("--lang", choices=LANGS, default="vi")
    args = parser.parse_args(argv)
    url = args.url or store.url()
    if not url:
        print(t("store.no_url", args.lang, var=store.ENV_VAR), file=sys.stderr)
        return 2
    from data.store import postgres

    path = args.db or db.db_path()
    try:
        if args.command == "migrate":
            applied = postgres.migrate(url)
            print(t("store.migrated", args.lang, applied=", ".join(f"{n:04d}" for n in applied) or "—",
                    version=postgres.latest()))
        elif args.command == "snapshot":
            postgres.refresh(path, url)
            print(t("store.snapshot_current", args.lang, path=path))
        elif args.command == "restored":
            print(t("store.restored", args.lang, store_id=postgres.restored(url)))
        else:
            for number in (signal.SIGTERM, signal.SIGINT):  # stop at once, even while waiting for a notification
                signal.signal(number, lambda *_: sys.exit(0))
            print(t("store.following", args.lang, path=path), flush=True)
            postgres.follow(path, url, say=lambda line: print(line, flush=True))
    except Refused as refusal:
        print(refusal.text(args.lang), file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
