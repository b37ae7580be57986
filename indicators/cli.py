"""Command line for analysts and batch jobs: list rule sets, classify a CSV, estimate Rt from a CSV.

    python -m indicators rulesets
    python -m indicators classify --ruleset ID INPUT.csv [-o OUT.csv] [--reasons vi|en|json]
    python -m indicators rt INCIDENCE.csv (--si SI.csv | --si-mean M --si-sd S) [--window 7] [-o OUT.csv]

Bad input gives one line naming the file, the row and the column, and exit code 2 — never a traceback.
Rows are counted from 1 for the first line after the header ("row 5 (line 6)").
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys

import numpy as np
import pandas as pd

from indicators import rt
from indicators.engine import classify, reasons_texts
from indicators.rulesets import RuleSet, RuleSetError, list_rulesets, load_ruleset

BAD_INPUT = 2
TRUE_WORDS = {"true", "1", "yes", "y", "có", "co", "đạt", "dat"}
FALSE_WORDS = {"false", "0", "no", "n", "không", "khong", "không đạt", "khong dat"}


class InputError(Exception):
    """Bad input; the message is the one line the user sees."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, like every other bad input
        self.exit(BAD_INPUT, f"{self.prog}: error: {message}\n")


def _read_csv(path: str) -> pd.DataFrame:
    """Every cell as text. Read header-less so that a row longer than the header is an error naming its
    line, not a silently shifted row (pandas would make the extra first field an index)."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", header=None)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: the file is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: not a readable CSV file ({str(error).strip().splitlines()[-1]})") from None
    header = table.iloc[0].tolist()
    if len(set(header)) != len(header):
        raise InputError(f"{path}: the header names a column twice")
    return table.iloc[1:].set_axis(header, axis=1).reset_index(drop=True).fillna("")


def _where(path: str, row: int, column: str) -> str:
    return f"{path}: row {row + 1} (line {row + 2}), column '{column}'"


def _numbers(frame: pd.DataFrame, column: str, path: str, *, required: bool) -> pd.Series:
    """Non-negative finite numbers with a dot for decimals; blanks are missing unless `required`."""
    text = frame[column].str.strip()
    values = pd.to_numeric(text.where(text != ""), errors="coerce")
    for row in np.flatnonzero(((text != "") & values.isna()).to_numpy()):
        hint = " (use a dot for decimals, no thousands separator)" if "," in text.iloc[row] else ""
        raise InputError(f"{_where(path, row, column)}: {text.iloc[row]!r} is not a number{hint}")
    bad = ~np.isfinite(values) & values.notna() | (values < 0)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"{_where(path, row, column)}: {text.iloc[row]!r} must be a finite number ≥ 0")
    if required and values.isna().any():
        raise InputError(f"{_where(path, int(np.flatnonzero(values.isna().to_numpy())[0]), column)}: value missing")
    return values.astype(float)


def _yes_no(frame: pd.DataFrame, column: str, path: str) -> pd.Series:
    text = frame[column].str.strip().str.lower()
    unknown = ~text.isin(TRUE_WORDS | FALSE_WORDS | {""})
    if unknown.any():
        row = int(np.flatnonzero(unknown.to_numpy())[0])
        raise InputError(f"{_where(path, row, column)}: {frame[column].iloc[row]!r} is not yes/no "
                         f"(use true/false, 1/0, yes/no or có/không)")
    return text.map(lambda word: pd.NA if word == "" else word in TRUE_WORDS).astype("boolean")


def _classify_inputs(frame: pd.DataFrame, ruleset: RuleSet, path: str) -> pd.DataFrame:
    inputs = {}
    for criterion in ruleset.criteria:
        if criterion.input not in frame.columns:
            if criterion.when_missing == "assume_no":
                continue
            raise InputError(f"{path}: column '{criterion.input}' is missing (rule set {ruleset.id} reads "
                             f"{', '.join(ruleset.input_columns)})")
        inputs[criterion.input] = (_yes_no(frame, criterion.input, path) if criterion.kind == "yes_no"
                                   else _numbers(frame, criterion.input, path, required=False))
    return pd.DataFrame(inputs, index=frame.index)


def _write(frame: pd.DataFrame, output: str | None) -> None:
    if output is None:
        frame.to_csv(sys.stdout, index=False)
        return
    try:
        frame.to_csv(output, index=False)
    except OSError as error:
        raise InputError(f"{output}: cannot write ({error.strerror})") from None


def _reasons_json(reasons: dict) -> str:
    def clean(value):
        return None if isinstance(value, float) and math.isnan(value) else value
    return json.dumps({key: ([{k: clean(v) for k, v in item.items()} for item in value]
                             if isinstance(value, list) else value) for key, value in reasons.items()},
                      ensure_ascii=False)


def run_classify(arguments: argparse.Namespace) -> None:
    ruleset = load_ruleset(arguments.ruleset)
    frame = _read_csv(arguments.input)
    result = classify(_classify_inputs(frame, ruleset, arguments.input), ruleset)
    output = frame.copy()
    output["level"] = result["level"]
    output["label_vi"] = result["label_vi"].astype(str)
    output["label_en"] = result["label_en"].astype(str)
    output["reasons"] = ([_reasons_json(r) for r in result["reasons"]] if arguments.reasons == "json"
                         else reasons_texts(result, ruleset, arguments.reasons))
    _write(output, arguments.output)


def run_rt(arguments: argparse.Namespace) -> None:
    path = arguments.incidence
    frame = _read_csv(path)
    if {"I_local", "I_imported"} <= set(frame.columns):
        incidence = pd.DataFrame({column: _numbers(frame, column, path, required=True)
                                  for column in ("I_local", "I_imported")})
    elif "I" in frame.columns:
        incidence = pd.DataFrame({"I": _numbers(frame, "I", path, required=True)})
    else:
        raise InputError(f"{path}: needs a column 'I', or the columns 'I_local' and 'I_imported'")
    if "date" in frame.columns:
        incidence["date"] = frame["date"]
    if len(incidence) < arguments.window + 1:
        raise InputError(f"{path}: {len(incidence)} days is too short for {arguments.window}-day windows")
    si_distr = None
    if arguments.si is not None:
        si = _read_csv(arguments.si)
        for column in ("k", "si_distr"):
            if column not in si.columns:
                raise InputError(f"{arguments.si}: column '{column}' is missing (needs k, si_distr)")
        days = _numbers(si, "k", arguments.si, required=True)
        if not days.tolist() == list(range(len(days))):
            raise InputError(f"{arguments.si}: column 'k' must count the days 0, 1, 2, … in order")
        si_distr = _numbers(si, "si_distr", arguments.si, required=True).to_numpy()
    elif arguments.si_sd is None:
        raise InputError("--si-mean needs --si-sd")
    try:
        result = rt.estimate_r(incidence, si_distr=si_distr, mean_si=arguments.si_mean, std_si=arguments.si_sd,
                               window=arguments.window, max_cv=arguments.max_cv)
    except ValueError as error:
        source = arguments.si if si_distr is not None else "--si-mean/--si-sd"
        raise InputError(f"{source}: {error}") from None
    _write(result, arguments.output)


def run_rulesets(arguments: argparse.Namespace) -> None:
    for ruleset in list_rulesets():
        numbers = [level.number for level in ruleset.levels]
        unverified = "  [some thresholds unverified]" if ruleset.has_unverified else ""
        local = f"  (local, extends {ruleset.extends})" if ruleset.extends else ""
        print(f"{ruleset.id}{local}{unverified}")
        print(f"    {ruleset.name_vi}")
        print(f"    {ruleset.name_en}")
        print(f"    {ruleset.legal_basis}")
        print(f"    levels {min(numbers)}–{max(numbers)}; applies to {', '.join(ruleset.applies_to)}")
        print(f"    inputs: {', '.join(ruleset.input_columns)}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m indicators", description="Epidemic rule sets, levels and Rt.",
                     epilog="python -m indicators levels --date YYYY-MM-DD --unit district|province [--ruleset ID] "
                            "[--db PATH] [--lang vi|en] [-o FILE]: the week's stored levels of every unit as CSV.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser("rulesets", help="list the rule sets (shipped and local)").set_defaults(run=run_rulesets)

    classify_parser = commands.add_parser("classify", help="add level, labels and reasons to a CSV")
    classify_parser.add_argument("--ruleset", required=True, help="rule-set id or path of a .toml file")
    classify_parser.add_argument("input", help="CSV with the rule set's input columns")
    classify_parser.add_argument("-o", "--output", help="output CSV (default: standard output)")
    classify_parser.add_argument("--reasons", choices=("vi", "en", "json"), default="vi",
                                 help="reasons as Vietnamese or English text, or as JSON (default vi)")
    classify_parser.set_defaults(run=run_classify)

    rt_parser = commands.add_parser("rt", help="Rt by Cori et al. (EpiEstim) from daily incidence")
    rt_parser.add_argument("incidence", help="CSV with I, or I_local and I_imported (optional date)")
    serial_interval = rt_parser.add_mutually_exclusive_group(required=True)
    serial_interval.add_argument("--si", help="CSV with k, si_distr (the serial interval, day 0 first)")
    serial_interval.add_argument("--si-mean", type=float, help="mean serial interval (days)")
    rt_parser.add_argument("--si-sd", type=float, help="standard deviation of the serial interval (days)")
    rt_parser.add_argument("--window", type=int, default=7, help="window length in days (default 7)")
    rt_parser.add_argument("--max-cv", type=float, default=None,
                           help="leave windows whose posterior CV exceeds this empty (EpiEstim's default 0.3)")
    rt_parser.add_argument("-o", "--output", help="output CSV (default: standard output)")
    rt_parser.set_defaults(run=run_rt)

    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        arguments.run(arguments)
    except (InputError, RuleSetError) as error:
        print(f"error: {error}", file=sys.stderr)
        return BAD_INPUT
    except BrokenPipeError:  # output piped into `head`: stop quietly
        sys.stdout = open(os.devnull, "w")
    return 0
