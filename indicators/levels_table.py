"""The week's levels of every unit as one flat table: what `python -m data levels` writes and what the
map page shows, sorts, filters and downloads. One pure function builds it, so the two cannot disagree.

It reads a classified-levels frame (data.levels.levels_of_weeks: one row per unit and week with level, label_vi,
label_en and reasons, each criterion carrying its input's value and origin) and never the database.
"""
from __future__ import annotations

import datetime as dt
from typing import Mapping

import pandas as pd

from indicators.engine import reasons_text
from indicators.rulesets import RuleSet

FIXED_COLUMNS = ("code", "name", "week_start", "week_end", "level", "label", "previous_level", "change", "reasons")


def _inputs(reasons) -> dict[str, tuple]:
    """{input: (value, origin)} of the criteria a level was decided on."""
    if not isinstance(reasons, dict):
        return {}
    return {entry["input"]: (entry.get("value"), entry.get("origin")) for entry in reasons.get("criteria", [])
            if entry.get("input")}


def levels_table(classified: pd.DataFrame, week: dt.date, names: Mapping[str, str], ruleset: RuleSet,
                 lang: str = "vi", code_column: str = "unit_code") -> pd.DataFrame:
    """One row per unit of `names` (code -> name) for the week starting on Monday `week`, sorted by code.

    Columns: code, name, week_start, week_end (ISO dates), level (Int64, empty when unknown), label,
    previous_level, change (level minus last week's, empty when either is unknown), reasons (the deciding
    criteria with their values and thresholds, then the others), then for each input of the rule set its
    value and `<input>_origin` (observed | estimated | simulated, as the stored reasons carry it).
    """
    monday = pd.Timestamp(week)
    weeks = pd.to_datetime(classified["week"])
    this_week = classified.loc[weeks == monday].set_index(code_column)
    previous = classified.loc[weeks == monday - pd.Timedelta(weeks=1)].set_index(code_column)
    codes = sorted(names)
    rows = this_week.reindex(codes)
    level = rows["level"].astype("Int64").reset_index(drop=True)
    previous_level = previous["level"].reindex(codes).astype("Int64").reset_index(drop=True)
    table = pd.DataFrame({
        "code": codes,
        "name": [names[code] for code in codes],
        "week_start": monday.date().isoformat(),
        "week_end": (monday + pd.Timedelta(days=6)).date().isoformat(),
        "level": level,
        "label": rows[f"label_{lang}"].astype("object").fillna("").to_numpy(),
        "previous_level": previous_level,
        "change": level - previous_level,
        "reasons": [reasons_text(reasons, ruleset, lang) if isinstance(reasons, dict) else ""
                    for reasons in rows["reasons"]],
    })
    inputs = [_inputs(reasons) for reasons in rows["reasons"]]
    for column in ruleset.input_columns:
        values = [entry.get(column, (None, None)) for entry in inputs]
        table[column] = pd.to_numeric(pd.Series([value for value, _ in values], dtype="object"),
                                      errors="coerce").round(3).to_numpy()
        table[f"{column}_origin"] = [origin or "" for _, origin in values]
    return table


def announced_beside(compared: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """The levels announced on a week's data beside the units' rows of that week's `levels_table`: one row per
    announcement of a unit in the table (agreement.compare_stored rows: announced_date, unit_code, announced,
    agrees, source_url), those that differ first, then the latest first, so a committee reads at once where the
    record and the dashboard part and on which inputs. Columns: announced_date (ISO), announced, agrees,
    source_url, then the table's."""
    announced = compared.assign(announced_date=pd.to_datetime(compared["announced_date"]).dt.date.astype(str),
                                code=compared["unit_code"].astype(str),
                                announced=compared["announced"].astype("Int64"))
    rows = announced[["announced_date", "code", "announced", "agrees", "source_url"]].merge(table, on="code")
    return rows.sort_values(["agrees", "announced_date", "code"], ascending=[True, False, True],
                            kind="stable").reset_index(drop=True)
