"""The shared store: PostgreSQL as the system of record when one machine is not enough.

    SITUATION_STORE=postgresql://situation@db-host/situation   (or libpq's own settings: ?service=situation)
    python -m data.store migrate | snapshot | follow | restored

Without the setting nothing changes: the DuckDB file is the only copy and data.ingest.store writes it. With
it, every upload and rollback is recorded in PostgreSQL first (data/store/postgres.py: one transaction, the
store's version row locked, so writers on every machine take turns), and each app server's DuckDB file is a
read-only snapshot of the shipped sources plus the store's rows, refreshed by `python -m data.store follow`
when the store announces a new version (LISTEN/NOTIFY, with a poll as a safety net). Readers (data.db),
pages and the metrics code do not know the store exists.
"""
from __future__ import annotations

import os
from pathlib import Path

import auth

ENV_VAR = "SITUATION_STORE"


def url() -> str | None:
    """The shared store's connection URL ($SITUATION_STORE), or None: the embedded default, DuckDB alone."""
    return os.environ.get(ENV_VAR, "").strip() or None


def login_guard(database: Path | str, store_url: str | None) -> auth.LoginGuard:
    """The failed-login backoff: shared by every server in the store when there is one, else in a file next to
    the database (auth.guard_path)."""
    shared = None
    if store_url:
        from data.store.postgres import LoginBackoff  # only a deployment with a shared store needs its driver

        shared = LoginBackoff(store_url)
    return auth.LoginGuard(auth.guard_path(database), shared=shared)
