"""python -m data figures AREA DATE [--rules ID] [--db PATH] [--lang vi|en]: one area's figures on one day as JSON.
python -m data levels --date YYYY-MM-DD --unit district|province [--ruleset ID] [--db PATH] [--lang vi|en]
    [-o FILE]: the levels of the week that holds the date, one CSV row per unit (the map page's table).

The metrics frame's row (data.metrics) with each value's origin, and the area's level that day from the
classified view (data.levels): the same numbers every page and report shows. A missing figure has no origin
(an unpublished death count is unknown, never 0); `notes` says in words what the published record says about
the week's days (backlog dumps with the published count, gaps, unknown deaths: data.record_notes). A rule set
with unverified thresholds is said on standard error.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys

import pandas as pd

from data import db, levels, metrics, record_notes
from indicators.levels_table import levels_table
from indicators.rulesets import RuleSetError, in_force, load_ruleset

SHOWN = ("new_cases_7d", "cases_per_100k_7d", "cases_per_100k_14d_mean", "community_cases_per_100k_7d",
         "new_deaths_7d", "pct_18plus_dose1", "pct_50plus_full", "vacant_covid_beds_per_100k",
         "covid_bed_occupancy_pct", "test_positivity_pct")


def figures(con, area: db.Area, day: dt.date, ruleset_id: str | None = None, lang: str = "vi") -> dict:
    """{figure: {"value", "origin"}} for SHOWN (no origin without a value), plus the level (under `ruleset_id`,
    else the rule set in force on the day), its week and what it rests on, and the notes on the record of the
    week to the day."""
    ruleset_id = ruleset_id or levels.ruleset_in_force(day, db.province_of(con, area))[0].id
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
    for name in SHOWN:
        if result[name]["value"] is None:
            result[name]["origin"] = None
    result["notes"] = record_notes.notes(con, area, day - dt.timedelta(days=6), day).texts(lang)
    return result


def levels_csv(con, day: dt.date, unit: str, ruleset_id: str, lang: str) -> pd.DataFrame:
    """The stored levels of the week (Monday to Sunday) that holds `day`: indicators.levels_table's rows.
    Raises ValueError when the rule set does not grade `unit` or no complete week holds the day."""
    ruleset = load_ruleset(ruleset_id)
    if unit not in ruleset.applies_to:
        raise ValueError(f"--ruleset {ruleset.id} does not grade a {unit} (it applies to {', '.join(ruleset.applies_to)})")
    week = day - dt.timedelta(days=day.weekday())
    classified = levels.levels_of_weeks(con, ruleset.id, week, unit)
    if not (classified["week"] == pd.Timestamp(week)).any():
        first, last = db.date_range(con)
        raise ValueError(f"--date {day.isoformat()}: no complete week of data holds it "
                         f"(data from {first.isoformat()} to {last.isoformat()})")
    units = db.districts(con) if unit == "district" else db.provinces(con)
    return levels_table(classified, week, dict(zip(units[f"{unit}_code"], units[f"{unit}_name"])), ruleset, lang)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    shown = commands.add_parser("figures", help="one area's figures on one day (JSON)")
    shown.add_argument("area", help="VN, a province (2 digits) or a district (3 digits)")
    shown.add_argument("date", type=dt.date.fromisoformat)
    shown.add_argument("--rules", default=None, help="rule set id (default: the one in force on the date)")
    shown.add_argument("--db", default=None, help="database (default: $SITUATION_DB or data/situation.duckdb)")
    shown.add_argument("--lang", default="vi", choices=("vi", "en"))
    table = commands.add_parser("levels", help="the week's level of every district or province (CSV)")
    table.add_argument("--date", required=True, type=_date, help="a day of the week to grade (YYYY-MM-DD)")
    table.add_argument("--unit", required=True, choices=("district", "province"))
    table.add_argument("--ruleset", default=None, help="rule set id (default: the one in force on the date)")
    table.add_argument("--db", default=None, help="database (default: $SITUATION_DB or data/situation.duckdb)")
    table.add_argument("--lang", default="vi", choices=("vi", "en"))
    table.add_argument("-o", "--output", default=None, help="output CSV (default: standard output)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse has said what is wrong
        return int(stop.code or 0)
    try:
        con = db.connect(args.db)
    except db.Unavailable as problem:
        print(problem.text(getattr(args, "lang", "vi")), file=sys.stderr)
        return 3
    try:
        if args.command == "figures":
            shown = figures(con, db.area_of(con, args.area), args.date, args.rules, args.lang)
            print(json.dumps(shown, ensure_ascii=False, indent=2))
            if warning := load_ruleset(shown["level"]["ruleset"]).unverified_warning(args.lang):
                print(warning, file=sys.stderr)
        else:
            # the rule set in force when the graded week (the one holding the date) ended
            ruleset_id = args.ruleset or in_force(args.date + dt.timedelta(days=6 - args.date.weekday()))[0].id
            table = levels_csv(con, args.date, args.unit, ruleset_id, args.lang)
            if warning := load_ruleset(ruleset_id).unverified_warning(args.lang):
                print(warning, file=sys.stderr)
            table.to_csv(args.output or sys.stdout, index=False)
    except (ValueError, RuleSetError, OSError) as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
