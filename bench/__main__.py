"""python -m bench [--db PATH] [--only NAME,...] [--browser [--pages NAME,...]]: build the full database, then print every module's figures as JSON.

--browser adds what users feel in a real browser (bench.browser: headless Chromium on the app), beside the
server-side figures of the same run; --pages limits it to those pages, opened warm and reached from the sidebar
(names of bench.browser.PAGES, e.g. overview,capacity), the quick loop while tuning a page.

Speed is measured here, never asserted in tests. Figures are seconds (…_s), megabytes (…_mb) or bytes.
"""
from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path

import bench


def release_app_connections() -> None:
    """Drop what AppTest runs cached (frames, database snapshots), so each module starts cold and lean."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("data/bench.duckdb"),
                        help="database to build and measure on (default data/bench.duckdb, git-ignored)")
    parser.add_argument("--reuse", action="store_true", help="measure an existing --db instead of building it")
    parser.add_argument("--only", default=None, help="comma-separated bench modules to run (default: all)")
    parser.add_argument("--browser", action="store_true",
                        help="also time the real app in headless Chromium (bench.browser, about four minutes)")
    parser.add_argument("--pages", default=None,
                        help="with --browser: only these pages (warm, navigated), comma-separated (bench.browser.PAGES)")
    args = parser.parse_args(argv)

    figures: dict[str, float] = {}
    if not (args.reuse and args.db.exists()):
        from data.build import build

        start = time.perf_counter()
        build(args.db)
        figures["db_build_s"] = round(time.perf_counter() - start, 2)
    figures["db_size_mb"] = round(args.db.stat().st_size / 1e6, 1)

    wanted = set(args.only.split(",")) if args.only else None
    for module_info in pkgutil.iter_modules(bench.__path__):
        if wanted and module_info.name not in wanted:
            continue
        module = importlib.import_module(f"bench.{module_info.name}")
        if hasattr(module, "measure"):
            figures.update(module.measure(args.db.resolve()))
            release_app_connections()
    if args.browser:
        from bench.browser import measure_browser

        figures.update(measure_browser(args.db.resolve(), args.pages.split(",") if args.pages else None))
    print(json.dumps(figures, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
