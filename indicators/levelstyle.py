"""How a level looks, in one place: its colour (official or colour-blind-safe palette), its label, and the one
grey "no data" of a level that cannot be judged (named by the rule set). Maps, bands, tables and documents
all ask here, so a level never has two colours or the unknown level two names.
"""
from __future__ import annotations

import pandas as pd

from indicators.rulesets import RuleSet

UNKNOWN_COLOR = "#9E9E9E"  # the one grey of "no data": never a level's colour


def palette(ruleset: RuleSet, colorblind: bool = False) -> dict[int, str]:
    """Level number -> colour in the official or the colour-blind-safe palette."""
    return {level.number: level.color_colorblind if colorblind else level.color for level in ruleset.levels}


def color(number, ruleset: RuleSet, colorblind: bool = False) -> str:
    """The colour of one level; grey when it is unknown."""
    return UNKNOWN_COLOR if pd.isna(number) else palette(ruleset, colorblind)[int(number)]


def label(number, ruleset: RuleSet, lang: str) -> str:
    """The label of one level; the rule set's name for unknown when it is unknown."""
    return ruleset.unknown_label(lang) if pd.isna(number) else ruleset.level(int(number)).label(lang)


def colors(levels: pd.Series, ruleset: RuleSet, colorblind: bool = False) -> pd.Series:
    """The colour of each level of a column (nullable levels; grey where unknown)."""
    mapped = levels.astype("Int64").map(palette(ruleset, colorblind), na_action="ignore")
    return mapped.astype("object").where(levels.notna(), UNKNOWN_COLOR).astype("str")


def labels(levels: pd.Series, ruleset: RuleSet, lang: str) -> pd.Series:
    """The label of each level of a column (the unknown name where unknown)."""
    names = {level.number: level.label(lang) for level in ruleset.levels}
    mapped = levels.astype("Int64").map(names, na_action="ignore")
    return mapped.astype("object").where(levels.notna(), ruleset.unknown_label(lang)).astype("str")


def colors_by(levels: pd.Series, ruleset_ids: pd.Series, rulesets: dict[str, RuleSet],
              colorblind: bool = False) -> pd.Series:
    """`colors` of each row under the rule set its `ruleset_ids` names: a history that spans the day one rule
    set replaced another (data.levels.history_in_force) takes each week's colour from its own rules."""
    return _by_ruleset(lambda rows, ruleset: colors(rows, ruleset, colorblind), levels, ruleset_ids, rulesets)


def labels_by(levels: pd.Series, ruleset_ids: pd.Series, rulesets: dict[str, RuleSet], lang: str) -> pd.Series:
    """`labels` of each row under the rule set its `ruleset_ids` names (as `colors_by`)."""
    return _by_ruleset(lambda rows, ruleset: labels(rows, ruleset, lang), levels, ruleset_ids, rulesets)


def _by_ruleset(style, levels: pd.Series, ruleset_ids: pd.Series, rulesets: dict[str, RuleSet]) -> pd.Series:
    styled = pd.Series("", index=levels.index, dtype="object")
    for ruleset_id, rows in ruleset_ids.groupby(ruleset_ids).groups.items():
        styled[rows] = style(levels[rows], rulesets[ruleset_id])
    return styled.astype("str")
