"""Rule sets as data files, and a loader that refuses a file it cannot apply faithfully.

A rule set (``rules/<id>.toml``) grades each input column into bands (criteria), combines the grades of
related criteria into factors (the highest grade wins), looks the level up in a table indexed by the
factor grades, then adds the grades of any "add" criteria (e.g. treatment capacity not met: +1 level).
This one model covers the Vietnamese matrix rules, CDC's "higher of the two" rules and the 2023 variant
plan's "an epidemic criterion and a capacity criterion" rule, so every rule set is data, not code.

A province adjusts thresholds with its own file in the local folder (``rules/local/`` or the folder named
by ``$INDICATORS_LOCAL_RULES``): ``extends = "<shipped id>"``, a new id, its own legal basis and
``[criteria.<criterion id>] thresholds = [...]``, and for a case criterion the measure it uses
(``cases = "community" | "all"``, ``window = "7d" | "14d_mean"``). The thresholds table shows what is in force,
what the national file says, and which thresholds nobody could check against the official text.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from i18n import t
from indicators.formatting import format_threshold

RULES_DIR = Path(__file__).parent / "rules"
DEFAULT_LOCAL_DIR = RULES_DIR / "local"
LOCAL_DIR_ENV = "INDICATORS_LOCAL_RULES"

# The first national rule set: Resolution 128/NQ-CP with Decision 4800/QĐ-BYT, the levels provinces assessed
# from October 2021. Each shipped rule set that `replaces` another takes over from its legal date (`in_force`):
# what the pages, the briefing, the reports and the CLI open with on a day.
DEFAULT_RULESET = "vn-2021-qd4800"
# What a level that cannot be judged is called unless a rule set names it (`unknown_label_vi/_en`): grey
# "no data", never a level. Its colour is indicators.levelstyle.UNKNOWN_COLOR.
UNKNOWN_LABEL = {"vi": "Không có số liệu", "en": "No data"}
YES_NO_LABEL = {"vi": ("không", "có"), "en": ("no", "yes")}

UNIT_LEVELS = ("commune", "district", "province", "country")
# Criterion 1 of the Vietnamese rules can be measured several ways (provinces differed): which cases and which
# window are rule-set data, and name the input column of the metrics frame.
MEASURE_CASES = {"community": "community_cases", "all": "cases"}
MEASURE_WINDOWS = {"7d": "7d", "14d_mean": "14d_mean"}  # one week; the mean of the last two weekly sums
WHEN_MISSING = ("unknown", "ignore", "assume_no")
# What the classified view stores per row (data.levels packs them in integers); plans have up to six criteria.
MAX_CRITERIA, MAX_FACTORS = 8, 8
_HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class RuleSetError(ValueError):
    """A rule-set file that cannot be applied; the message names the file and the offending entry."""


@dataclass(frozen=True)
class Level:
    number: int
    label_vi: str
    label_en: str
    color: str
    color_colorblind: str

    def label(self, lang: str) -> str:
        return self.label_vi if lang == "vi" else self.label_en


@dataclass(frozen=True)
class Criterion:
    """One input column graded into bands; `grades[i]` is what band i contributes to its factor."""

    id: str
    label_vi: str
    label_en: str
    input: str
    kind: str  # "number" | "yes_no"
    thresholds: tuple[float, ...]
    at_threshold: str  # "upper": a value equal to a threshold is in the band above it; "lower": below
    grades: tuple[int, ...]
    when_missing: str  # "unknown" | "ignore" (grade on the inputs present) | "assume_no" (yes/no only)
    unit_vi: str
    unit_en: str
    source: str
    verified: bool
    note: str
    national_thresholds: tuple[float, ...] | None = None  # set when a local file changed the thresholds
    measure: tuple[str, str] | None = None  # (cases, window) when the input is a case measure chosen by the file
    waived_where_zero: str = ""  # a criterion id: where its value is 0 (no case), this one adds nothing

    def label(self, lang: str) -> str:
        return self.label_vi if lang == "vi" else self.label_en

    def unit(self, lang: str) -> str:
        return self.unit_vi if lang == "vi" else self.unit_en

    def bands(self, values: np.ndarray) -> np.ndarray:
        """0-based band of each (non-missing) value."""
        if self.kind == "yes_no":
            return (values != 0).astype(np.int8)
        side = "right" if self.at_threshold == "upper" else "left"
        return np.searchsorted(np.asarray(self.thresholds), values, side=side).astype(np.int8)

    def band_bound(self, band: int) -> tuple[str, float] | None:
        """The comparison that puts a value in `band`, as the texts write it: ('≥', 50) or ('<', 20)."""
        if self.kind == "yes_no":
            return None
        if band == 0:
            return ("<" if self.at_threshold == "upper" else "≤"), self.thresholds[0]
        return ("≥" if self.at_threshold == "upper" else ">"), self.thresholds[band - 1]

    def band_label(self, band: int, lang: str = "vi") -> str:
        """'< 20', '≥ 20 và < 50', '≥ 150' (English: 'and'); 'có'/'không' for yes/no."""
        if self.kind == "yes_no":
            return YES_NO_LABEL[lang][band]
        comparison, threshold = self.band_bound(band)
        label = f"{comparison} {format_threshold(threshold, lang)}"
        if 0 < band < len(self.thresholds):
            below = self.band_bound(0)[0]
            label += f" {'và' if lang == 'vi' else 'and'} {below} {format_threshold(self.thresholds[band], lang)}"
        return label

    @property
    def band_count(self) -> int:
        return 2 if self.kind == "yes_no" else len(self.thresholds) + 1


@dataclass(frozen=True)
class Factor:
    """Criteria judged together: the factor's grade is the highest grade among them."""

    id: str
    label_vi: str
    label_en: str
    criteria: tuple[str, ...]
    grade_labels_vi: tuple[str, ...]
    grade_labels_en: tuple[str, ...]

    def label(self, lang: str) -> str:
        return self.label_vi if lang == "vi" else self.label_en


@dataclass(frozen=True, eq=False)
class RuleSet:
    id: str
    name_vi: str
    name_en: str
    legal_basis: str
    legal_date: dt.date | None
    applies_to: tuple[str, ...]
    levels: tuple[Level, ...]
    criteria: tuple[Criterion, ...]
    factors: tuple[Factor, ...]
    table: np.ndarray  # level by factor grades, one axis per factor in `factors` order
    add: tuple[str, ...]  # criteria whose grade is added to the table's level
    notes_vi: str
    notes_en: str
    path: Path
    extends: str | None = None
    rests_on: str = "day"  # "day": a level announced on day D rests on the data to D; "last_week": on the last
                           # complete reporting week (Monday to Sunday) before D
    unknown_label_vi: str = UNKNOWN_LABEL["vi"]
    unknown_label_en: str = UNKNOWN_LABEL["en"]
    replaces: str | None = None  # the national rule set this one replaced from its legal_date
    provinces: tuple[str, ...] = ()  # a local file: the provinces that judge by it from its legal_date

    def name(self, lang: str) -> str:
        return self.name_vi if lang == "vi" else self.name_en

    def notes(self, lang: str) -> str:
        """What the file says it follows (which text, which reading of it): shown under its thresholds."""
        return self.notes_vi if lang == "vi" else self.notes_en

    def judges(self, province: str | None) -> bool:
        """Whether the rule set judges the province's units (None: the whole country): a local file that names
        its provinces judges only theirs."""
        return not self.provinces or province in self.provinces

    def unknown_label(self, lang: str) -> str:
        """The one name of a level that cannot be judged (grey)."""
        return self.unknown_label_vi if lang == "vi" else self.unknown_label_en

    def level(self, number: int) -> Level:
        return next(level for level in self.levels if level.number == number)

    def criterion(self, criterion_id: str) -> Criterion:
        return next(criterion for criterion in self.criteria if criterion.id == criterion_id)

    @property
    def input_columns(self) -> list[str]:
        return list(dict.fromkeys(criterion.input for criterion in self.criteria))

    @property
    def has_unverified(self) -> bool:
        return not all(criterion.verified for criterion in self.criteria)

    def unverified_warning(self, lang: str) -> str:
        """The warning every surface that grades by this rule set shows ('' when every threshold is checked)."""
        return t("rules.unverified", lang, ruleset=self.name(lang)) if self.has_unverified else ""

    def thresholds_table(self) -> pd.DataFrame:
        """The thresholds in force, one row per threshold, for the UI: what, where from, checked or not.

        `worse_when` is the side of the threshold that pushes the level up ('≥ 150', '< 70', '≤ 10');
        yes/no criteria read '=' with threshold 1 (yes) or 0 (no).
        """
        rows = []
        for criterion in self.criteria:
            rising = criterion.grades[-1] > criterion.grades[0]
            national = criterion.national_thresholds or criterion.thresholds
            if criterion.kind == "yes_no":
                bounds = [("=", float(rising), float(rising))]
            else:
                upper = criterion.at_threshold == "upper"
                worse_when = ("≥" if upper else ">") if rising else ("<" if upper else "≤")
                bounds = [(worse_when, value, base) for value, base in zip(criterion.thresholds, national)]
            for worse_when, threshold, national_threshold in bounds:
                rows.append({
                    "criterion": criterion.id,
                    "label_vi": criterion.label_vi,
                    "label_en": criterion.label_en,
                    "input": criterion.input,
                    "worse_when": worse_when,
                    "threshold": threshold,
                    "unit_vi": criterion.unit_vi,
                    "unit_en": criterion.unit_en,
                    "national_threshold": national_threshold,
                    "overridden": threshold != national_threshold,
                    "verified": criterion.verified,
                    "source": criterion.source,
                    "note": criterion.note,
                })
        return pd.DataFrame(rows)


# ----------------------------------------------------------------------------------------- reading files

def _is_a(value: object, kind: type | tuple[type, ...]) -> bool:
    """isinstance, except that TOML true/false is not accepted where a number is expected."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


class _Entry:
    """A TOML table being read: typed access, and an error for every key nobody asked for (typos)."""

    _REQUIRED = object()

    def __init__(self, data: object, where: str, path: Path):
        if not isinstance(data, dict):
            raise RuleSetError(f"{path}: {where} must be a table")
        self.data, self.where, self.path, self.seen = data, where, path, set()

    def fail(self, message: str) -> RuleSetError:
        return RuleSetError(f"{self.path}: {self.where}: {message}")

    def get(self, key: str, kind: type | tuple[type, ...], default: object = _REQUIRED) -> object:
        self.seen.add(key)
        if key not in self.data:
            if default is self._REQUIRED:
                raise self.fail(f"missing required key '{key}'")
            return default
        value = self.data[key]
        if not _is_a(value, kind):
            raise self.fail(f"'{key}' must be {_kind_name(kind)}, got {value!r}")
        return value

    def get_list(self, key: str, item_kind: type | tuple[type, ...], default: object = _REQUIRED) -> list:
        items = self.get(key, list, default)
        for item in items:
            if not _is_a(item, item_kind):
                raise self.fail(f"'{key}' entries must be {_kind_name(item_kind)}, got {item!r}")
        return items

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise self.fail(f"unknown key(s) {', '.join(unknown)}")


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise RuleSetError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise RuleSetError(f"{path}: not valid TOML: {error}") from None


def _parse_level(data: object, where: str, path: Path) -> Level:
    entry = _Entry(data, where, path)
    level = Level(
        number=entry.get("number", int),
        label_vi=entry.get("label_vi", str),
        label_en=entry.get("label_en", str),
        color=entry.get("color", str),
        color_colorblind=entry.get("color_colorblind", str),
    )
    entry.done()
    for key in ("color", "color_colorblind"):
        if not _HEX_COLOR.match(getattr(level, key)):
            raise entry.fail(f"'{key}' must be a colour like #1A2B3C, got {getattr(level, key)!r}")
    return level


def _check_thresholds(entry: _Entry, thresholds: list) -> tuple[float, ...]:
    if not thresholds or any(b <= a for a, b in zip(thresholds, thresholds[1:])):
        raise entry.fail(f"'thresholds' must be strictly ascending numbers, got {thresholds}")
    return tuple(float(value) for value in thresholds)


def measure_input(cases: str, window: str) -> str:
    """The metrics-frame column of a case measure: ('all', '14d_mean') -> 'cases_per_100k_14d_mean'."""
    return f"{MEASURE_CASES[cases]}_per_100k_{MEASURE_WINDOWS[window]}"


def _parse_measure(entry: _Entry, default: tuple[str, str] | None = None) -> tuple[str, str] | None:
    """`cases` and `window` of a case criterion (both or neither), checked against the known measures."""
    cases = entry.get("cases", str, default[0] if default else None)
    window = entry.get("window", str, default[1] if default else None)
    if cases is None and window is None:
        return None
    if cases not in MEASURE_CASES or window not in MEASURE_WINDOWS:
        raise entry.fail(f"'cases' must be one of {', '.join(MEASURE_CASES)} and 'window' one of "
                         f"{', '.join(MEASURE_WINDOWS)}, got {cases!r} and {window!r}")
    return cases, window


def _parse_criterion(data: object, where: str, path: Path) -> Criterion:
    entry = _Entry(data, where, path)
    measure = _parse_measure(entry)
    if measure and "input" in entry.data and entry.data["input"] != measure_input(*measure):
        raise entry.fail(f"'input' {entry.data['input']!r} contradicts cases/window ({measure_input(*measure)})")
    kind = entry.get("kind", str)
    if kind not in ("number", "yes_no"):
        raise entry.fail(f"'kind' must be 'number' or 'yes_no', got {kind!r}")
    if kind == "number":
        thresholds = _check_thresholds(entry, entry.get_list("thresholds", (int, float)))
        at_threshold = entry.get("at_threshold", str)
        if at_threshold not in ("upper", "lower"):
            raise entry.fail(f"'at_threshold' must be 'upper' or 'lower', got {at_threshold!r}")
    else:
        thresholds, at_threshold = (), ""
    grades = tuple(entry.get_list("grades", int))
    band_count = len(thresholds) + 1 if kind == "number" else 2
    if len(grades) != band_count:
        raise entry.fail(f"'grades' needs one grade per band ({band_count}), got {len(grades)}")
    steps = np.diff(grades)
    if min(grades) < 0 or not (np.all(steps >= 0) or np.all(steps <= 0)):
        raise entry.fail(f"'grades' must be non-negative and only rise or only fall, got {list(grades)}")
    when_missing = entry.get("when_missing", str)
    if when_missing not in WHEN_MISSING or (when_missing == "assume_no" and kind != "yes_no"):
        raise entry.fail(f"'when_missing' must be one of {WHEN_MISSING} ('assume_no' only for yes_no), "
                         f"got {when_missing!r}")
    criterion = Criterion(
        id=entry.get("id", str), label_vi=entry.get("label_vi", str), label_en=entry.get("label_en", str),
        input=entry.get("input", str, measure_input(*measure) if measure else _Entry._REQUIRED), kind=kind,
        thresholds=thresholds, at_threshold=at_threshold, grades=grades, when_missing=when_missing,
        unit_vi=entry.get("unit_vi", str, ""), unit_en=entry.get("unit_en", str, ""),
        source=entry.get("source", str), verified=entry.get("verified", bool), note=entry.get("note", str, ""),
        measure=measure, waived_where_zero=entry.get("waived_where_zero", str, ""),
    )
    entry.done()
    return criterion


def _parse_factor(data: object, where: str, path: Path) -> Factor:
    entry = _Entry(data, where, path)
    factor = Factor(
        id=entry.get("id", str), label_vi=entry.get("label_vi", str), label_en=entry.get("label_en", str),
        criteria=tuple(entry.get_list("criteria", str)),
        grade_labels_vi=tuple(entry.get_list("grade_labels_vi", str, [])),
        grade_labels_en=tuple(entry.get_list("grade_labels_en", str, [])),
    )
    entry.done()
    if not factor.criteria:
        raise entry.fail("'criteria' must name at least one criterion")
    return factor


def _parse_entries(entry: _Entry, key: str, parse) -> tuple:
    items = entry.get_list(key, dict)
    if not items:
        raise entry.fail(f"'{key}' must have at least one entry")
    parsed = tuple(parse(item, f"{key}[{index}]", entry.path) for index, item in enumerate(items))
    ids = [getattr(item, "id", getattr(item, "number", None)) for item in parsed]
    duplicates = sorted({str(i) for i in ids if ids.count(i) > 1})
    if duplicates:
        raise entry.fail(f"duplicate {key}: {', '.join(duplicates)}")
    return parsed


def _check_structure(ruleset: RuleSet, fail) -> None:
    """The combination must be applicable to every possible grade, and monotone (see engine.classify)."""
    if len(ruleset.criteria) > MAX_CRITERIA or len(ruleset.factors) > MAX_FACTORS:
        raise fail(f"at most {MAX_CRITERIA} criteria and {MAX_FACTORS} factors, got {len(ruleset.criteria)} "
                   f"and {len(ruleset.factors)}")
    numbers = sorted(level.number for level in ruleset.levels)
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        raise fail(f"level numbers must be consecutive, got {numbers}")
    criteria = {criterion.id: criterion for criterion in ruleset.criteria}
    used = [cid for factor in ruleset.factors for cid in factor.criteria] + list(ruleset.add)
    for cid in used:
        if cid not in criteria:
            raise fail(f"unknown criterion '{cid}' in factors/add")
    unused_or_twice = sorted(cid for cid in criteria if used.count(cid) != 1)
    if unused_or_twice:
        raise fail(f"every criterion must be used exactly once (in one factor or in add): {unused_or_twice}")
    expected_shape = tuple(max(max(criteria[cid].grades) for cid in factor.criteria) + 1
                           for factor in ruleset.factors)
    if ruleset.table.shape != expected_shape:
        raise fail(f"combine.table must have shape {expected_shape} (factor grades), got {ruleset.table.shape}")
    if not np.isin(ruleset.table, numbers).all():
        raise fail(f"combine.table may only hold level numbers {numbers}")
    for axis, factor in enumerate(ruleset.factors):
        if (np.diff(ruleset.table, axis=axis) < 0).any():
            raise fail(f"combine.table must not fall as the grade of '{factor.id}' rises")
        for labels in (factor.grade_labels_vi, factor.grade_labels_en):
            if labels and len(labels) != expected_shape[axis]:
                raise fail(f"factor '{factor.id}' needs {expected_shape[axis]} grade labels, got {len(labels)}")
    for criterion in ruleset.criteria:
        if criterion.waived_where_zero and criterion.waived_where_zero not in criteria:
            raise fail(f"criterion '{criterion.id}': waived_where_zero names unknown criterion "
                       f"'{criterion.waived_where_zero}'")
    for cid in ruleset.add:
        if criteria[cid].when_missing == "ignore":
            raise fail(f"criterion '{cid}' is added to the level, so it cannot be 'ignore' when missing")
    for unit_level in ruleset.applies_to:
        if unit_level not in UNIT_LEVELS:
            raise fail(f"applies_to: unknown unit level {unit_level!r} (use {', '.join(UNIT_LEVELS)})")


RESTS_ON = ("day", "last_week")


def _rests_on(entry: _Entry, value: str) -> str:
    if value not in RESTS_ON:
        raise entry.fail(f"'rests_on' must be one of {', '.join(RESTS_ON)}, got {value!r}")
    return value


def _parse_ruleset(data: dict, path: Path) -> RuleSet:
    entry = _Entry(data, "rule set", path)
    combine = _Entry(entry.get("combine", dict), "combine", path)
    table = combine.get("table", list)
    try:
        table_array = np.array(table)
    except ValueError:
        raise combine.fail("'table' must be a rectangular nested list of level numbers") from None
    if table_array.dtype.kind != "i":
        raise combine.fail("'table' must be a rectangular nested list of level numbers")
    ruleset = RuleSet(
        id=entry.get("id", str), name_vi=entry.get("name_vi", str), name_en=entry.get("name_en", str),
        legal_basis=entry.get("legal_basis", str), legal_date=entry.get("legal_date", dt.date, None),
        applies_to=tuple(entry.get_list("applies_to", str)),
        levels=_parse_entries(entry, "levels", _parse_level),
        criteria=_parse_entries(entry, "criteria", _parse_criterion),
        factors=_parse_entries(entry, "factors", _parse_factor),
        table=table_array, add=tuple(combine.get_list("add", str, [])),
        notes_vi=entry.get("notes_vi", str, ""), notes_en=entry.get("notes_en", str, ""), path=path,
        rests_on=_rests_on(entry, entry.get("rests_on", str, "day")),
        unknown_label_vi=entry.get("unknown_label_vi", str, UNKNOWN_LABEL["vi"]),
        unknown_label_en=entry.get("unknown_label_en", str, UNKNOWN_LABEL["en"]),
        replaces=entry.get("replaces", str, None),
    )
    combine.done()
    entry.done()
    if ruleset.id != path.stem:
        raise entry.fail(f"id '{ruleset.id}' must match the file name '{path.stem}'")
    _check_structure(ruleset, entry.fail)
    return ruleset


def _province_codes(entry: _Entry, codes: list[str]) -> tuple[str, ...]:
    for code in codes:
        if not re.fullmatch(r"\d{2}", code):
            raise entry.fail(f"'provinces' holds two-digit GSO province codes (\"79\"), got {code!r}")
    return tuple(codes)


def _apply_local(base: RuleSet, data: dict, path: Path) -> RuleSet:
    """A province's file: new id, own legal basis, changed thresholds; structure stays the national one."""
    entry = _Entry(data, "local rule set", path)
    entry.get("extends", str)
    changed = entry.get("criteria", dict, {})
    criteria, measured_otherwise = [], False
    known = {criterion.id for criterion in base.criteria}
    for cid in changed:
        if cid not in known:
            raise entry.fail(f"criteria.{cid}: '{base.id}' has no such criterion (has {', '.join(sorted(known))})")
    for criterion in base.criteria:
        if criterion.id not in changed:
            criteria.append(criterion)
            continue
        override = _Entry(changed[criterion.id], f"criteria.{criterion.id}", path)
        thresholds = _check_thresholds(override, override.get_list("thresholds", (int, float),
                                                                   list(criterion.thresholds)))
        if len(thresholds) != len(criterion.thresholds):
            raise override.fail(f"needs {len(criterion.thresholds)} thresholds like the national file, "
                                f"got {len(thresholds)}")
        if criterion.measure is None and {"cases", "window"} & set(override.data):
            raise override.fail("only a case criterion with cases/window in the national file can change them")
        measure = _parse_measure(override, criterion.measure) if criterion.measure else None
        note = override.get("note", str, criterion.note)
        # a criterion measured another way says so in its name, wherever its reasons are written
        label_vi = override.get("label_vi", str, criterion.label_vi)
        label_en = override.get("label_en", str, criterion.label_en)
        if measure != criterion.measure and (label_vi, label_en) == (criterion.label_vi, criterion.label_en):
            raise override.fail("measured another way (cases/window), so it needs its own label_vi and label_en")
        measured_otherwise |= measure != criterion.measure
        override.done()
        criteria.append(replace(criterion, thresholds=thresholds, national_thresholds=criterion.thresholds,
                                measure=measure, input=measure_input(*measure) if measure else criterion.input,
                                note=note, label_vi=label_vi, label_en=label_en,
                                source=str(entry.data.get("legal_basis", ""))))
    ruleset = replace(
        base, id=entry.get("id", str),
        name_vi=entry.get("name_vi", str, f"{base.name_vi} (điều chỉnh địa phương)"),
        name_en=entry.get("name_en", str, f"{base.name_en} (local adjustment)"),
        legal_basis=f"{entry.get('legal_basis', str)}; {base.legal_basis}",
        legal_date=entry.get("legal_date", dt.date, base.legal_date),
        applies_to=tuple(entry.get_list("applies_to", str, list(base.applies_to))),
        notes_vi=entry.get("notes_vi", str, base.notes_vi), notes_en=entry.get("notes_en", str, base.notes_en),
        criteria=tuple(criteria), path=path, extends=base.id, replaces=None,
        provinces=_province_codes(entry, entry.get_list("provinces", str, [])),
        rests_on=_rests_on(entry, entry.get("rests_on", str, base.rests_on)),
    )
    if measured_otherwise and (ruleset.notes_vi, ruleset.notes_en) == (base.notes_vi, base.notes_en):
        # the national notes say how the national file measures its criteria: shown under this file's thresholds
        # they would contradict it
        raise entry.fail("a criterion is measured another way, so the file needs its own notes_vi and notes_en")
    entry.done()
    if ruleset.id != path.stem:
        raise entry.fail(f"id '{ruleset.id}' must match the file name '{path.stem}'")
    if ruleset.id == base.id:
        raise entry.fail("a local file needs its own id, so national and local levels are never confused")
    return ruleset


# ----------------------------------------------------------------------------------------- public API

def local_rules_dir() -> Path:
    return Path(os.environ.get(LOCAL_DIR_ENV, DEFAULT_LOCAL_DIR))


def _load_file(path: Path) -> RuleSet:
    data = _read_toml(path)
    if "extends" not in data:
        return _parse_ruleset(data, path)
    base_path = RULES_DIR / f"{data['extends']}.toml"
    if not base_path.is_file():
        raise RuleSetError(f"{path}: extends unknown national rule set {data['extends']!r}")
    return _apply_local(_parse_ruleset(_read_toml(base_path), base_path), data, path)


def _rule_files(local_dir: Path | None) -> list[Path]:
    local = local_dir if local_dir is not None else local_rules_dir()
    return sorted(RULES_DIR.glob("*.toml")) + (sorted(local.glob("*.toml")) if local.is_dir() else [])


def list_rulesets(local_dir: Path | None = None) -> list[RuleSet]:
    """Every shipped rule set, then the local ones; a local id that repeats a shipped one is an error."""
    rulesets = [_load_file(path) for path in _rule_files(local_dir)]
    ids = [ruleset.id for ruleset in rulesets]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RuleSetError(f"rule set id(s) defined twice: {', '.join(duplicates)}")
    return rulesets


def load_ruleset(id_or_path: str | Path, local_dir: Path | None = None) -> RuleSet:
    """By id (shipped, then local folder) or by the path of a .toml file."""
    if isinstance(id_or_path, RuleSet):
        return id_or_path
    candidate = Path(id_or_path)
    if candidate.suffix == ".toml" or candidate.is_file():
        return _load_file(candidate)
    paths = {path.stem: path for path in _rule_files(local_dir)}
    if str(id_or_path) not in paths:
        raise RuleSetError(f"unknown rule set {str(id_or_path)!r}; known: {', '.join(sorted(paths))}")
    return _load_file(paths[str(id_or_path)])


@lru_cache(maxsize=1)
def _shipped() -> dict[str, RuleSet]:
    """The national rule sets shipped with the dashboard (never a province's local file), by id."""
    return {ruleset.id: ruleset for ruleset in (_load_file(path) for path in sorted(RULES_DIR.glob("*.toml")))}


def in_force(day: dt.date, province: str | None = None) -> tuple[RuleSet, bool]:
    """The rule set in force on `day` — DEFAULT_RULESET, then each shipped rule set that `replaces` the one
    before it, from its legal date; in `province`, a local file that extends that one and names the province
    (`provinces`), from its own legal date — and whether any was: before DEFAULT_RULESET's legal date there
    were no epidemic levels, and it is given for reference (in a province with its own file, that file: HCMC
    announced its first level, on 16/10/2021, on the week to 10/10 measured its own way). Every surface opens
    with it.
    """
    shipped = _shipped()
    for ruleset in shipped.values():
        if ruleset.replaces is not None and (ruleset.replaces not in shipped or ruleset.legal_date is None):
            raise RuleSetError(f"{ruleset.path}: 'replaces' needs a legal_date and a shipped rule set's id, "
                               f"got {ruleset.replaces!r}")
    current, seen = shipped[DEFAULT_RULESET], {DEFAULT_RULESET}
    while True:
        successor = next((ruleset for ruleset in shipped.values() if ruleset.replaces == current.id
                          and ruleset.legal_date <= day), None)
        if successor is None:
            in_force_then = current.legal_date is None or current.legal_date <= day
            return _local_in_force(current, day, province, in_force_then), in_force_then
        if successor.id in seen:
            raise RuleSetError(f"{successor.path}: 'replaces' makes a loop through {successor.id!r}")
        current = successor
        seen.add(current.id)


def _local_in_force(national: RuleSet, day: dt.date, province: str | None, national_in_force: bool) -> RuleSet:
    """The province's own file extending `national` in force on `day` (the latest; any of them while `national`
    itself is only given for reference), else `national`."""
    if province is None:
        return national
    own = [ruleset for ruleset in _local_rulesets(_local_files_key()) if ruleset.extends == national.id
           and province in ruleset.provinces
           and (not national_in_force or ruleset.legal_date is None or ruleset.legal_date <= day)]
    return max(own, key=lambda ruleset: ruleset.legal_date or dt.date.min, default=national)


def _local_files_key() -> tuple:
    """The local folder's files and their times: `_local_rulesets` is read again when one changes."""
    folder = local_rules_dir()
    files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    return str(folder), tuple((path.name, path.stat().st_mtime_ns) for path in files)


@lru_cache(maxsize=4)
def _local_rulesets(files_key: tuple) -> tuple[RuleSet, ...]:
    folder = Path(files_key[0])
    return tuple(_load_file(folder / name) for name, _ in files_key[1])
