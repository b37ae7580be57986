"""python -m data figures AREA DATE [--rules ID] [--db PATH]: one area's figures on one day as JSON.

The metrics frame's row (data.metrics) with each value's origin, and the area's level that day from the
classified view (data.levels): the same numbers every page and report shows.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys

import pandas as pd

from data import db, levels, metrics
from indicators.rulesets import DEFAULT_RULESET

SHOWN = ("new_cases_7d", "cases_per_100k_7d", "cases_per_100k_14d_mean", "community_cases_per_100k_7d",
         "pct_18plus_dose1", "pct_50plus_full", "vacant_covid_beds_per_100k", "covid_bed_occupancy_pct",
         "test_positivity_pct")


def figures(con, area: db.Area, day: dt.date, ruleset_id: str = DEFAULT_RULESET) -> dict:
    """{figure: {"value", "origin"}} for SHOWN, plus the level, its week and what it rests on."""
    row = metrics.on_day(con, area, day)
    recent = levels.recent(con, area, day, ruleset_id, weeks=1)

    def plain(value):
        return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)

    result = {name: {"value": plain(row.get(name)), "origin": row.get(f"{name}_origin", row.get("cases_7d_origin"))}
              for name in SHOWN}
    level = recent["level"].iloc[-1] if len(recent) else None
    result["level"] = {"value": None if level is None or pd.isna(level) else int(level),
                       "week": str(levels.level_week(day)), "ruleset": ruleset_id,
                       "origin": recent["inputs_origin"].iloc[-1] if len(recent) else None}
    for entry in result.values():
        entry["origin"] = None if pd.isna(entry["origin"]) else str(entry["origin"])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    shown = commands.add_parser("figures", help="one area's figures on one day (JSON)")
    shown.add_argument("area", help="VN, a province (2 digits) or a district (3 digits)")
    shown.add_argument("date", type=dt.date.fromisoformat)
    shown.add_argument("--rules", default=DEFAULT_RULESET)
    shown.add_argument("--db", default=None, help="database (default: $SITUATION_DB or data/situation.duckdb)")
    args = parser.parse_args(argv)
    con = db.connect(args.db, read_only=True)
    try:
        area = db.area_of(con, args.area)
        print(json.dumps(figures(con, area, args.date, args.rules), ensure_ascii=False, indent=2))
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
