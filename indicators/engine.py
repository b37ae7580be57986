"""Classify every row of a frame at once and say why: each criterion's value, band, threshold and role.

Missing inputs are handled by bounds, not guesses. Each criterion's grade is a range: one grade when its
value is present; for a missing value, every grade it could have ("unknown"), no contribution ("ignore":
graded on the metrics present, as CDC did), or the "no" grade ("assume_no": a declaration not made).
Because the loader only accepts rule sets whose grades and table never fall as a value worsens, the
level of a row is known exactly when the lowest and the highest possible levels agree; otherwise it is
unknown (grey) — never the lowest level by default.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from indicators import origin as origins_
from indicators.formatting import format_number, format_threshold
from i18n import t
from indicators.rulesets import YES_NO_LABEL, Criterion, RuleSet, load_ruleset

COMPARISONS = ("<", "≤", "≥", ">")  # how a value stands to the threshold of its band, in the reasons


class MissingInputError(KeyError):
    """The frame lacks an input column the rule set needs (a typo would otherwise make every row grey)."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass
class _CriterionGrades:
    """One criterion over all rows: value, band (-1 missing), grade (-1 missing) and its possible range."""

    values: np.ndarray
    present: np.ndarray
    band: np.ndarray
    grade: np.ndarray
    low: np.ndarray
    high: np.ndarray


def _input_values(frame: pd.DataFrame, criterion: Criterion) -> np.ndarray:
    if criterion.input not in frame.columns:
        return np.full(len(frame), np.nan)
    column = frame[criterion.input]
    if column.dtype == np.float64:
        return column.to_numpy()  # the metrics frame's rates: no conversion (1.6 M rows per rule set at scale)
    try:
        if pd.api.types.is_string_dtype(column.dtype) and column.dtype != object:
            raise TypeError
        return column.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    except (TypeError, ValueError):
        raise TypeError(f"column '{criterion.input}' must be numeric or boolean, not text") from None


def _grade(frame: pd.DataFrame, criterion: Criterion) -> _CriterionGrades:
    values = _input_values(frame, criterion)
    present = ~np.isnan(values)
    grades = np.asarray(criterion.grades, dtype=np.int16)
    band = np.where(present, criterion.bands(values), np.int8(-1))  # a missing value's band is dropped here
    if criterion.when_missing == "assume_no":
        band = np.where(present, band, 0).astype(np.int8)
    grade = np.where(band >= 0, grades[band], -1).astype(np.int16)
    if criterion.when_missing == "unknown":
        low, high = np.where(present, grade, grades.min()), np.where(present, grade, grades.max())
    else:  # "ignore": -1 is neutral for max(); "assume_no": the grade of "no" is already in `grade`
        low = high = grade
    return _CriterionGrades(values, present, band, grade, low, high)


def _waive(graded: _CriterionGrades, by: _CriterionGrades, lowest: int) -> np.ndarray:
    """Where `by` is known to be 0 (no case), the criterion contributes only its lowest grade (in place); returns
    where it was waived, so the reasons never name it as deciding there.

    Why: QĐ 4800 as provinces applied it (the MOH text of September 2021) does not raise the level for low
    coverage where the area has no case.
    """
    no_case = by.present & (by.values == 0)
    for name in ("grade", "low", "high"):
        setattr(graded, name, np.where(no_case, lowest, getattr(graded, name)).astype(np.int16))
    return no_case


def _factor_bounds(graded: list[_CriterionGrades], criteria: list[Criterion]) -> tuple[np.ndarray, np.ndarray]:
    low = np.max([g.low for g in graded], axis=0)
    high = np.max([g.high for g in graded], axis=0)
    nothing_present = high < 0  # only "ignore" criteria, all missing: any grade is possible
    low = np.where(nothing_present, min(min(c.grades) for c in criteria), low)
    high = np.where(nothing_present, max(max(c.grades) for c in criteria), high)
    return low, high


@dataclass
class Verdict:
    """A rule set's verdict on every row, in arrays (what the classified view stores; `described` builds the
    structured reasons from it). Per row: `level` and `table_level` (-1 unknown); per row and factor:
    `factor_grades` (-1 unknown); per row and criterion (the rule set's order): `values` (NaN missing),
    `bands` (0-based, -1 missing), `grades` (-1 missing), `decided`, `origins` (rank, -1 unknown)."""

    level: np.ndarray
    table_level: np.ndarray
    factor_grades: np.ndarray
    values: np.ndarray
    bands: np.ndarray
    grades: np.ndarray
    decided: np.ndarray
    origins: np.ndarray


def verdict(frame: pd.DataFrame, ruleset: RuleSet | str) -> Verdict:
    """The verdict of a rule set on every row of a frame of its inputs (see `classify`)."""
    ruleset = load_ruleset(ruleset)
    absent = [c.input for c in ruleset.criteria if c.input not in frame.columns and c.when_missing != "assume_no"]
    if absent:
        raise MissingInputError(f"rule set '{ruleset.id}' needs column(s) {', '.join(absent)}")
    graded = {criterion.id: _grade(frame, criterion) for criterion in ruleset.criteria}
    waived = {criterion.id: _waive(graded[criterion.id], graded[criterion.waived_where_zero], min(criterion.grades))
              for criterion in ruleset.criteria if criterion.waived_where_zero}

    factor_low, factor_high = [], []
    for factor in ruleset.factors:
        low, high = _factor_bounds([graded[cid] for cid in factor.criteria],
                                   [ruleset.criterion(cid) for cid in factor.criteria])
        factor_low.append(low)
        factor_high.append(high)
    table_low, table_high = ruleset.table[tuple(factor_low)], ruleset.table[tuple(factor_high)]
    added_low = sum((graded[cid].low for cid in ruleset.add), np.zeros(len(frame), dtype=np.int16))
    added_high = sum((graded[cid].high for cid in ruleset.add), np.zeros(len(frame), dtype=np.int16))
    numbers = [level.number for level in ruleset.levels]
    level_low = np.clip(table_low + added_low, min(numbers), max(numbers))
    level_high = np.clip(table_high + added_high, min(numbers), max(numbers))
    known = level_low == level_high

    factor_grades = [np.where(low == high, low, -1) for low, high in zip(factor_low, factor_high)]
    decided = {}
    for factor, low in zip(ruleset.factors, factor_low):  # the criterion that sets the factor's (lowest) grade
        for cid in factor.criteria:
            decided[cid] = known & graded[cid].present & (graded[cid].grade == low)
            if cid in waived:
                decided[cid] &= ~waived[cid]
    for cid in ruleset.add:
        decided[cid] = known & (graded[cid].grade > 0) & (table_low < max(numbers))

    def stacked(arrays, dtype) -> np.ndarray:  # rows × criteria (or factors), in the rule set's order
        return np.stack(arrays, axis=1, dtype=dtype) if arrays else np.empty((len(frame), 0), dtype=dtype)

    criteria = ruleset.criteria
    return Verdict(
        level=np.where(known, level_low, -1).astype(np.int16),
        table_level=np.where(np.all([g >= 0 for g in factor_grades], axis=0), table_low, -1).astype(np.int16),
        factor_grades=stacked(factor_grades, np.int8),
        values=stacked([graded[c.id].values for c in criteria], np.float64),
        bands=stacked([graded[c.id].band for c in criteria], np.int8),
        grades=stacked([graded[c.id].grade for c in criteria], np.int8),
        decided=stacked([decided[c.id] for c in criteria], bool),
        origins=stacked([_origin_codes(frame, c) for c in criteria], np.int8),
    )


def classify(frame: pd.DataFrame, ruleset: RuleSet | str) -> pd.DataFrame:
    """Level, labels and structured reasons for every row; same index as `frame`.

    `level` is nullable Int64 (<NA> = unknown, grey). `label_vi` and `label_en` are categoricals (colours:
    indicators.levelstyle). Where the frame carries `<input>_origin` columns (the metrics frame does), each
    criterion entry says the origin of its input in `origin`.
    `reasons` holds one dict per row: {"level", "table_level", "factors": [{factor, grade}],
    "criteria": [{criterion, input, value, band (1-based), comparison, threshold, grade, decided}]}.
    A criterion "decided" when it set its factor's grade, or, for an added criterion, raised the level.
    """
    ruleset = load_ruleset(ruleset)
    return described(verdict(frame, ruleset), ruleset, frame.index)


def described(judged: Verdict, ruleset: RuleSet, index: pd.Index | None = None) -> pd.DataFrame:
    """A verdict (`verdict`, or as the classified view stored it) as `classify` returns it."""
    known = judged.level >= 0
    numbers = [level.number for level in ruleset.levels]
    codes = np.where(known, judged.level - min(numbers), -1)
    levels_sorted = sorted(ruleset.levels, key=lambda level: level.number)
    result = pd.DataFrame({
        "level": pd.arrays.IntegerArray(np.where(known, judged.level, 0).astype("int64"), ~known),
        "label_vi": _categorical(codes, [level.label_vi for level in levels_sorted], ruleset.unknown_label("vi")),
        "label_en": _categorical(codes, [level.label_en for level in levels_sorted], ruleset.unknown_label("en")),
    }, index=index)
    result["reasons"] = pd.Series(_reasons_array(ruleset, judged), index=result.index)
    return result


def data_day(announced: pd.Series, ruleset: RuleSet) -> pd.Series:
    """The last day of the data a level announced on each day rests on (see RuleSet.rests_on): the day itself,
    or the Sunday that closed the last complete reporting week before it."""
    announced = pd.to_datetime(announced)
    if ruleset.rests_on == "day":
        return announced
    back = announced.dt.day_of_week + 1  # Monday -> the day before; Sunday -> a week before
    return announced - pd.to_timedelta(back, unit="D")


def classify_on(daily: pd.DataFrame, ruleset: RuleSet | str, days, *, date: str = "date") -> pd.DataFrame:
    """The levels announced on `days` from a frame of daily inputs, each from the data it rests on
    (`data_day`). Returns the rows read with their `classify` result and `announced` (the day of the level)."""
    ruleset = load_ruleset(ruleset)
    announced = pd.to_datetime(pd.Series(list(days)))
    rows = daily.assign(**{date: pd.to_datetime(daily[date])}).merge(
        pd.DataFrame({date: data_day(announced, ruleset), "announced": announced}), on=date)
    return pd.concat([rows, classify(rows, ruleset)], axis=1)


def _categorical(codes: np.ndarray, per_level: list[str], unknown: str) -> pd.Categorical:
    """Labels as categoricals: 750k rows cost a code each, not a Python string each.

    `codes` index `per_level` (-1: unknown); levels may share a value.
    """
    distinct = list(dict.fromkeys([*per_level, unknown]))
    lookup = np.array([distinct.index(value) for value in [*per_level, unknown]])
    return pd.Categorical.from_codes(lookup[codes], categories=distinct)  # code -1 takes the last: unknown


def _origin_codes(frame: pd.DataFrame, criterion: Criterion) -> np.ndarray:
    """Rank of the origin of a criterion's input per row (indicators.origin.ORIGINS; -1 unknown)."""
    column = f"{criterion.input}_origin"
    if column not in frame.columns:
        return np.full(len(frame), -1, dtype=np.int8)
    origins = frame[column].astype("category")  # a categorical (the metrics frame's) is taken as it is
    lookup = np.array([origins_.RANK.get(word, -1) for word in origins.cat.categories] + [-1], dtype=np.int8)
    return lookup[origins.cat.codes.to_numpy()]  # code -1 (missing) takes the last: unknown


def _dictionary(indices: np.ndarray, words: list[str], valid: np.ndarray | None = None) -> pa.Array:
    mask = None if valid is None else ~valid
    return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int8), mask=mask), pa.array(words))


def _reasons_array(ruleset: RuleSet, judged: Verdict) -> pd.arrays.ArrowExtensionArray:
    """Per-row reasons built column-wise in Arrow: no Python object per row, yet each row reads as a dict."""
    rows, criteria = len(judged.level), ruleset.criteria
    bands = judged.bands.ravel()  # row-major: row 0's criteria, then row 1's...
    band_valid = bands >= 0
    comparison_words = list(COMPARISONS)
    comparison_codes = np.full(judged.bands.shape, -1, dtype=np.int8)
    thresholds = np.full(judged.bands.shape, np.nan)
    for position, criterion in enumerate(criteria):
        bounds = [criterion.band_bound(band) for band in range(criterion.band_count)]
        band = np.maximum(judged.bands[:, position], 0)
        comparison_codes[:, position] = np.array([comparison_words.index(b[0]) if b else -1 for b in bounds])[band]
        thresholds[:, position] = np.array([b[1] if b else np.nan for b in bounds])[band]
    comparison_index, threshold_values = comparison_codes.ravel(), thresholds.ravel()
    values, grades, origin_codes = judged.values.ravel(), judged.grades.ravel(), judged.origins.ravel()
    criterion_index = np.tile(np.arange(len(criteria)), rows)
    criteria_struct = pa.StructArray.from_arrays([
        _dictionary(criterion_index, [c.id for c in criteria]),
        _dictionary(criterion_index, [c.input for c in criteria]),
        pa.array(values, mask=np.isnan(values)),
        pa.array((bands + 1).astype(np.int8), mask=~band_valid),
        _dictionary(np.maximum(comparison_index, 0), comparison_words, band_valid & (comparison_index >= 0)),
        pa.array(threshold_values, mask=np.isnan(threshold_values) | ~band_valid),
        pa.array(grades.astype(np.int8), mask=grades < 0),
        pa.array(judged.decided.ravel()),
        _dictionary(np.maximum(origin_codes, 0), list(origins_.ORIGINS), origin_codes >= 0),
    ], names=["criterion", "input", "value", "band", "comparison", "threshold", "grade", "decided", "origin"])
    offsets = pa.array(np.arange(0, rows * len(criteria) + 1, len(criteria), dtype=np.int32))

    factor_values = judged.factor_grades.ravel()
    factor_struct = pa.StructArray.from_arrays([
        _dictionary(np.tile(np.arange(len(ruleset.factors)), rows), [f.id for f in ruleset.factors]),
        pa.array(factor_values.astype(np.int8), mask=factor_values < 0),
    ], names=["factor", "grade"])
    factor_offsets = pa.array(np.arange(0, rows * len(ruleset.factors) + 1, len(ruleset.factors), dtype=np.int32))

    reasons = pa.StructArray.from_arrays([
        pa.array(judged.level.astype(np.int16), mask=judged.level < 0),
        pa.array(judged.table_level.astype(np.int16), mask=judged.table_level < 0),
        pa.ListArray.from_arrays(factor_offsets, factor_struct),
        pa.ListArray.from_arrays(offsets, criteria_struct),
    ], names=["level", "table_level", "factors", "criteria"])
    return pd.arrays.ArrowExtensionArray(reasons)


# ------------------------------------------------------------------------------------------- as text

def origin_note(entry: dict, lang: str = "vi") -> str:
    """' (số liệu mô phỏng)' when a criterion's input is not plainly observed, else ''."""
    origin = entry.get("origin")
    return f" ({t(f'reasons.rests_on_{origin}', lang)})" if origin and not origins_.is_real(origin) else ""


def criterion_text(entry: dict, criterion: Criterion, lang: str = "vi") -> str:
    """'Ca mắc mới tại cộng đồng: 52,3 ca/100.000 dân/7 ngày (≥ 50)', with the origin of its input when that
    is simulated or estimated."""
    label = criterion.label(lang)
    if entry["value"] is None:
        missing = t("reasons.not_declared" if entry["band"] is not None else "reasons.no_data", lang)
        return f"{label}: {missing}"
    if criterion.kind == "yes_no":
        return f"{label}: {YES_NO_LABEL[lang][entry['band'] - 1]}{origin_note(entry, lang)}"
    unit = criterion.unit(lang)
    value = format_number(entry["value"], lang) + (unit if unit == "%" else f" {unit}" if unit else "")
    waived = (bool(criterion.waived_where_zero) and entry["band"] is not None
              and entry["grade"] != criterion.grades[entry["band"] - 1])  # no raise where the area has no case
    return (f"{label}: {value} ({entry['comparison']} {format_threshold(entry['threshold'], lang)}"
            f"{'; ' + t('reasons.waived', lang) if waived else ''}){origin_note(entry, lang)}")


def reasons_text(reasons: dict, ruleset: RuleSet, lang: str = "vi") -> str:
    """Short human explanation of one row's level, deciding criteria first."""
    words = {key: t(f"reasons.{key}", lang) for key in ("decided_by", "others", "missing")}
    entries = [(entry, ruleset.criterion(entry["criterion"])) for entry in reasons["criteria"]]
    decided = [criterion_text(e, c, lang) for e, c in entries if e["decided"]]
    if reasons["level"] is None:
        missing = [c.label(lang) for e, c in entries if e["value"] is None and e["band"] is None]
        return f"{ruleset.unknown_label(lang)}: {words['missing']} – {', '.join(missing)}."
    others = [criterion_text(e, c, lang) for e, c in entries if not e["decided"]]
    text = f"{words['decided_by']}: {'; '.join(decided)}."
    return text + (f" {words['others']}: {'; '.join(others)}." if others else "")


def reasons_texts(result: pd.DataFrame, ruleset: RuleSet | str, lang: str = "vi") -> pd.Series:
    """`reasons_text` for every row of a `classify` result (a per-row loop: meant for display-sized frames)."""
    ruleset = load_ruleset(ruleset)
    return pd.Series([reasons_text(r, ruleset, lang) for r in result["reasons"]], index=result.index,
                     dtype="str")
