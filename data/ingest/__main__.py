"""python -m data.ingest FILE [--dry-run] [--user NAME] [--confirm]: check an uploaded report and write it.

Exit codes: 0 written (or, with --dry-run, valid); 1 the file has problems (all listed, nothing written),
or points to confirm without --confirm; 2 usage, login or permission error; 3 the database refused (missing,
not a database, another schema, busy, changed during the upload, disk full or folder not writable).
The password of --user comes from $SITUATION_PASSWORD or is asked for; failed logins back off
(auth.LoginGuard). The demo accounts need --demo (or SITUATION_DEMO=1).
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

import auth
from data import db
from data import store as shared_store
from data.ingest import files, specs, store
from i18n import LANGS, t

PREVIEW_LINES = 40


def _password(name: str) -> str | None:
    if os.environ.get("SITUATION_PASSWORD"):
        return os.environ["SITUATION_PASSWORD"]
    if sys.stdin.isatty():
        return getpass.getpass(f"Mật khẩu của {name} / password: ")
    return None


def _login(name: str, lang: str, database: Path) -> auth.User | None:
    try:
        config = auth.load()
    except auth.ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return None
    if config.path is None:
        print(t("ingest.login.no_users", lang), file=sys.stderr)
        return None
    guard = shared_store.login_guard(database, shared_store.url())
    wait = guard.wait(name, "cli")
    if wait > 0:
        print(t("ingest.login.wait", lang, seconds=max(1, round(wait))), file=sys.stderr)
        return None
    password = _password(name)
    user = auth.authenticate(config, name, password) if password else None
    if user is None:
        guard.failed(name, "cli", known=name in config.users)
        print(t("ingest.cli.login_failed", lang, user=name), file=sys.stderr)
        return None
    guard.succeeded(name, "cli")
    if not user.can_upload:
        print(t("ingest.refused.role", lang), file=sys.stderr)
        return None
    return user


def _print_plan(plan: store.Plan, lang: str) -> None:
    print(t("ingest.cli.summary", lang, table=t(plan.spec.title_key, lang), province=plan.province_code or "—",
            inserted=len(plan.inserted), updated=len(plan.updated), unchanged=plan.unchanged))
    changes = plan.changes(lang)
    if len(changes):
        print(changes.head(PREVIEW_LINES).to_string(index=False))
        if len(changes) > PREVIEW_LINES:
            print(t("ingest.cli.more", lang, count=len(changes) - PREVIEW_LINES))


def _print_problems(problems: list, lang: str) -> None:
    for problem in sorted(problems, key=lambda p: (p.row or 0, p.column or "")):
        where = t("ingest.cli.where", lang, row=problem.row or "—", column=problem.column or "—")
        print(f"  {where}: {problem.text(lang)}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.ingest", description=__doc__.splitlines()[0],
                                     epilog=__doc__.split("\n", 2)[2], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path, help="the report: .xlsx (from the templates) or .csv (UTF-8)")
    parser.add_argument("--dry-run", action="store_true", help="check and show the changes; write nothing")
    parser.add_argument("--user", default=None, help="login from the users file (required to write)")
    parser.add_argument("--db", type=Path, default=None, help="database (default: $SITUATION_DB or data/situation.duckdb)")
    parser.add_argument("--table", choices=sorted(specs.SPECS), default=None,
                        help="the template (default: recognised from the headers)")
    parser.add_argument("--lang", choices=LANGS, default="vi", help="language of the messages")
    parser.add_argument("--confirm", action="store_true",
                        help="write although the file has points to confirm (hidden rows, ambiguous numbers, "
                             "unusual figures), after you have checked them")
    parser.add_argument(auth.DEMO_FLAG, action="store_true", help="demo mode: the demo accounts of the README")
    args = parser.parse_args(argv)
    lang = args.lang
    if args.demo:
        auth.enable_demo()

    if not args.dry_run and not args.user:
        print(t("ingest.cli.user_required", lang), file=sys.stderr)
        return 2
    user = _login(args.user, lang, args.db or db.db_path()) if args.user else None
    if args.user and user is None:
        return 2
    try:
        with args.file.open("rb") as f:
            content = f.read(files.MAX_FILE_BYTES + 1)  # enough to know it is too big
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    try:
        con = db.connect(args.db)
    except db.Unavailable as problem:
        print(problem.text(lang), file=sys.stderr)
        return 3
    try:
        plan = store.prepare(con, content, args.file.name, user.province_code if user else None, table=args.table)
        if not plan.ok:
            print(t("ingest.cli.problems", lang, count=len(plan.problems), file=args.file.name), file=sys.stderr)
            _print_problems(plan.problems, lang)
            return 1
        _print_plan(plan, lang)
        if plan.warnings:
            print(t("ingest.cli.warnings", lang, count=len(plan.warnings), file=args.file.name), file=sys.stderr)
            _print_problems(plan.warnings, lang)
        if args.dry_run:
            print(t("ingest.cli.dry_run", lang))
            return 0
        if plan.warnings and not args.confirm:
            print(t("ingest.cli.confirm_needed", lang), file=sys.stderr)
            return 1
        upload_id = store.commit(con, plan, user, confirmed=args.confirm)
        print(t("ingest.cli.nothing", lang) if upload_id is None else t("ingest.cli.written", lang, upload=upload_id))
        return 0
    except store.Refused as refusal:
        print(refusal.text(lang), file=sys.stderr)
        return 3
    finally:
        con.close()


if __name__ == "__main__":
    sys.exit(main())
