"""The engine: boundary tables on every threshold ± epsilon, monotonicity, unknown handling, reasons."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.engine import MissingInputError, classify, reasons_text, reasons_texts
from indicators import levelstyle
from indicators.levelstyle import UNKNOWN_COLOR
from indicators.rulesets import list_rulesets, load_ruleset

EPS = 1e-9


def _levels(ruleset_id: str, rows: list[dict]) -> list:
    result = classify(pd.DataFrame(rows), ruleset_id)
    return [None if pd.isna(level) else int(level) for level in result["level"]]


# ------------------------------------------------------------------ vn-2021-qd4800 and vn-2022-qd218

# The matrix as the issue states it: band -> level for (a and b), (a only), (neither / b only).
QD4800_MATRIX = {1: (1, 1, 2), 2: (1, 2, 3), 3: (2, 3, 4), 4: (3, 4, 4)}
BAND_VALUES = {1: 10.0, 2: 30.0, 3: 100.0, 4: 200.0}
COVERAGE_VALUES = {"a_and_b": (75.0, 85.0), "a_only": (75.0, 60.0), "b_only": (60.0, 85.0), "neither": (60.0, 60.0)}


def _vn_row(ruleset_id, cases, dose, full, capacity_met):
    coverage_a, coverage_b = (("pct_18plus_dose1", "pct_50plus_full") if ruleset_id == "vn-2021-qd4800"
                              else ("pct_18plus_full", "pct_50plus_booster"))
    return {"community_cases_per_100k_7d": cases, coverage_a: dose, coverage_b: full,
            "treatment_capacity_met": capacity_met}


@pytest.mark.parametrize("ruleset_id", ["vn-2021-qd4800", "vn-2022-qd218"])
def test_vn_matrix_every_cell(ruleset_id):
    rows, expected = [], []
    for band, cells in QD4800_MATRIX.items():
        for coverage, level in zip(("a_and_b", "a_only", "b_only"), cells):
            for capacity_met in (True, False):
                rows.append(_vn_row(ruleset_id, BAND_VALUES[band], *COVERAGE_VALUES[coverage], capacity_met))
                expected.append(level if capacity_met else min(level + 1, 4))
        rows.append(_vn_row(ruleset_id, BAND_VALUES[band], *COVERAGE_VALUES["neither"], True))
        expected.append(cells[2])
    assert _levels(ruleset_id, rows) == expected


@pytest.mark.parametrize("ruleset_id", ["vn-2021-qd4800", "vn-2022-qd218"])
@pytest.mark.parametrize("cases, level", [
    (0, 1), (20 - EPS, 1), (20, 2), (20 + EPS, 2), (50 - EPS, 2), (50, 3), (50 + EPS, 3),
    (150 - EPS, 3), (150, 4), (150 + EPS, 4), (10_000, 4)])
def test_vn_case_band_boundaries(ruleset_id, cases, level):  # coverage "a only" separates all four bands
    assert _levels(ruleset_id, [_vn_row(ruleset_id, cases, 75.0, 60.0, True)]) == [level]


@pytest.mark.parametrize("ruleset_id", ["vn-2021-qd4800", "vn-2022-qd218"])
@pytest.mark.parametrize("dose, full, level", [
    (70 - EPS, 85, 3), (70, 85, 1), (70 + EPS, 85, 1),      # (a) at band 2, (b) met
    (75, 80 - EPS, 2), (75, 80, 1), (75, 80 + EPS, 1),      # (b) at band 2, (a) met
])
def test_vn_coverage_boundaries(ruleset_id, dose, full, level):
    assert _levels(ruleset_id, [_vn_row(ruleset_id, 30.0, dose, full, True)]) == [level]


def test_vn_capacity_not_met_raises_one_level_at_most_to_four():
    rows = [_vn_row("vn-2021-qd4800", 30.0, 75.0, 60.0, met) for met in (True, False)]
    rows += [_vn_row("vn-2021-qd4800", 200.0, 60.0, 60.0, met) for met in (True, False)]
    assert _levels("vn-2021-qd4800", rows) == [2, 3, 4, 4]


# ------------------------------------------------------------------ vn-variant-surge-2023

def _variant_row(cases=0.0, oxygen=0.0, vacant=50.0, icu=10.0, **flags):
    return {"cases_per_100k_7d": cases, "oxygen_cases_per_100k_7d_avg": oxygen,
            "vacant_covid_beds_per_100k": vacant, "staffed_icu_beds_per_100k": icu, **flags}


@pytest.mark.parametrize("row, level", [
    (_variant_row(cases=450 - EPS, vacant=5), 0), (_variant_row(cases=450, vacant=5), 1),
    (_variant_row(cases=450 + EPS, vacant=5), 1),
    (_variant_row(oxygen=32 - EPS, vacant=5), 0), (_variant_row(oxygen=32, vacant=5), 1),
    (_variant_row(cases=500, vacant=10 - EPS), 1), (_variant_row(cases=500, vacant=10), 1),
    (_variant_row(cases=500, vacant=10 + EPS), 0),
    (_variant_row(cases=500, icu=4 - EPS), 1), (_variant_row(cases=500, icu=4), 0), (_variant_row(cases=500, icu=4 + EPS), 0),
    (_variant_row(cases=500, oxygen=40), 0),                          # epidemic without a capacity criterion
    (_variant_row(vacant=1, icu=1), 0),                               # capacity without an epidemic criterion
    (_variant_row(vacant=1, more_virulent_variant=True, reduced_vaccine_effectiveness=False), 1),
    (_variant_row(vacant=1, more_virulent_variant=False, reduced_vaccine_effectiveness=True), 1),
    (_variant_row(vacant=1, more_virulent_variant=False, reduced_vaccine_effectiveness=False), 0),
])
def test_variant_boundaries(row, level):
    assert _levels("vn-variant-surge-2023", [row]) == [level]


def test_variant_absent_declarations_count_as_no_but_missing_measures_are_unknown():
    rows = [_variant_row(vacant=1), _variant_row(cases=np.nan, vacant=1), _variant_row(cases=500, vacant=np.nan),
            _variant_row(cases=500, vacant=np.nan, icu=2), _variant_row(cases=np.nan, vacant=50)]
    assert _levels("vn-variant-surge-2023", rows) == [0, None, None, 1, 0]


# ------------------------------------------------------------------ CDC

def _cdc_row(cases, admissions=0.0, beds=0.0):
    return {"cases_per_100k_7d": cases, "admissions_per_100k_7d": admissions, "inpatient_beds_covid_pct": beds}


@pytest.mark.parametrize("row, level", [
    (_cdc_row(200 - EPS), 1), (_cdc_row(200), 2), (_cdc_row(200 + EPS), 2),
    (_cdc_row(100, admissions=10 - EPS), 1), (_cdc_row(100, admissions=10), 2),
    (_cdc_row(100, admissions=20 - EPS), 2), (_cdc_row(100, admissions=20), 3),
    (_cdc_row(100, beds=10 - EPS), 1), (_cdc_row(100, beds=10), 2),
    (_cdc_row(100, beds=15 - EPS), 2), (_cdc_row(100, beds=15), 3),
    (_cdc_row(300, admissions=10 - EPS), 2), (_cdc_row(300, admissions=10), 3),
    (_cdc_row(300, beds=10 - EPS), 2), (_cdc_row(300, beds=10), 3), (_cdc_row(300, admissions=50, beds=50), 3),
])
def test_cdc_community_level_boundaries(row, level):
    assert _levels("us-cdc-community-levels-2022", [row]) == [level]


def test_cdc_community_levels_grade_on_the_hospital_metrics_present():
    rows = [_cdc_row(100, admissions=np.nan, beds=16), _cdc_row(300, admissions=0, beds=np.nan),
            _cdc_row(100, admissions=np.nan, beds=np.nan), _cdc_row(np.nan, admissions=1, beds=1)]
    assert _levels("us-cdc-community-levels-2022", rows) == [3, 2, None, None]


@pytest.mark.parametrize("cases, positivity, level", [
    (10 - EPS, 0, 1), (10, 0, 2), (50 - EPS, 0, 2), (50, 0, 3), (100 - EPS, 0, 3), (100, 0, 4),
    (0, 5 - EPS, 1), (0, 5, 2), (0, 8 - EPS, 2), (0, 8, 3), (0, 10 - EPS, 3), (0, 10, 4),
    (60, 9, 3), (5, 12, 4), (np.nan, 6, 2), (30, np.nan, 2), (np.nan, np.nan, None),
])
def test_cdc_transmission_boundaries_and_missing(cases, positivity, level):
    row = {"cases_per_100k_7d": cases, "test_positivity_pct": positivity}
    assert _levels("us-cdc-transmission-2021", [row]) == [level]


# ------------------------------------------------------------------ unknown handling

@pytest.mark.parametrize("ruleset", list_rulesets(), ids=lambda r: r.id)
def test_all_missing_is_unknown_and_grey_never_the_lowest_level(ruleset):
    frame = pd.DataFrame({column: [np.nan] for column in ruleset.input_columns})
    result = classify(frame, ruleset)
    assert result["level"].isna().all() and (levelstyle.colors(result["level"], ruleset) == UNKNOWN_COLOR).all()
    assert result["label_vi"].iloc[0] == "Không có số liệu" and result["label_en"].iloc[0] == "No data"


@pytest.mark.parametrize("row, level", [
    (_vn_row("vn-2021-qd4800", np.nan, 75, 85, True), None),     # no case rate: any band possible
    (_vn_row("vn-2021-qd4800", 10, np.nan, 85, True), None),     # band 1: 1 with (a), 2 without
    (_vn_row("vn-2021-qd4800", 30, 75, 60, None), None),         # capacity unknown: 2 or 3
    (_vn_row("vn-2021-qd4800", 200, 60, np.nan, np.nan), 4),     # >= 150 without (a): 4 whatever the rest
    (_vn_row("vn-2021-qd4800", 200, np.nan, 60, False), 4),      # 4 with (b) failing and capacity not met
])
def test_vn_missing_inputs_give_a_level_only_when_it_cannot_change(row, level):
    assert _levels("vn-2021-qd4800", [row]) == [level]


def test_missing_input_column_is_an_error_not_grey():
    with pytest.raises(MissingInputError, match="pct_50plus_full"):
        classify(pd.DataFrame({"community_cases_per_100k_7d": [1.0], "pct_18plus_dose1": [80.0],
                               "treatment_capacity_met": [True]}), "vn-2021-qd4800")


def test_text_input_is_refused():
    with pytest.raises(TypeError, match="numeric or boolean"):
        classify(pd.DataFrame({"cases_per_100k_7d": ["12"], "test_positivity_pct": [1.0]}), "us-cdc-transmission-2021")


# ------------------------------------------------------------------ properties

def _worsen(ruleset, frame, criterion, step):
    """Move one criterion's input in the direction that can only raise its grade."""
    rising = criterion.grades[-1] > criterion.grades[0]
    changed = frame.copy()
    if criterion.kind == "yes_no":
        changed[criterion.input] = rising
        return changed
    changed[criterion.input] = frame[criterion.input] + (step if rising else -step)
    return changed


ROW_VALUES = st.one_of(st.just(np.nan), st.floats(min_value=0, max_value=600, allow_nan=False))


@pytest.mark.parametrize("ruleset", list_rulesets(), ids=lambda r: r.id)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_worse_inputs_never_lower_a_known_level(ruleset, data):
    """More cases never lower a level; more coverage never raises one; and so on for every criterion."""
    rows = data.draw(st.integers(min_value=1, max_value=30))
    frame = pd.DataFrame({
        c.input: (data.draw(st.lists(st.sampled_from([True, False, None]), min_size=rows, max_size=rows))
                  if c.kind == "yes_no" else
                  data.draw(st.lists(ROW_VALUES, min_size=rows, max_size=rows)))
        for c in ruleset.criteria})
    for c in ruleset.criteria:
        if c.kind == "yes_no":
            frame[c.input] = frame[c.input].astype("boolean")
    before = classify(frame, ruleset)["level"]
    for criterion in ruleset.criteria:
        step = data.draw(st.floats(min_value=0, max_value=300))
        after = classify(_worsen(ruleset, frame, criterion, step), ruleset)["level"]
        both = before.notna() & after.notna()
        assert (after[both] >= before[both]).all(), criterion.id


@settings(max_examples=40, deadline=None)
@given(cases=st.floats(0, 500), extra=st.floats(0, 500), dose=st.floats(0, 100), full=st.floats(0, 100),
       more=st.floats(0, 100), met=st.booleans())
def test_qd4800_monotone_in_cases_and_coverage(cases, extra, dose, full, more, met):
    rows = [_vn_row("vn-2021-qd4800", cases, dose, full, met), _vn_row("vn-2021-qd4800", cases + extra, dose, full, met),
            _vn_row("vn-2021-qd4800", cases, min(dose + more, 100), full, met),
            _vn_row("vn-2021-qd4800", cases, dose, min(full + more, 100), met),
            _vn_row("vn-2021-qd4800", cases, dose, full, True)]
    base, more_cases, more_dose1, more_full, capacity_met = _levels("vn-2021-qd4800", rows)
    assert more_cases >= base and more_dose1 <= base and more_full <= base and capacity_met <= base


# ------------------------------------------------------------------ output shape and reasons

def test_output_keeps_the_index_and_types():
    frame = pd.DataFrame([_vn_row("vn-2021-qd4800", 52.3, 75.0, 60.0, True),
                          _vn_row("vn-2021-qd4800", np.nan, 75.0, 60.0, True)], index=[101, 7])
    result = classify(frame, load_ruleset("vn-2021-qd4800"))
    assert list(result.columns) == ["level", "label_vi", "label_en", "reasons"]
    assert list(result.index) == [101, 7] and str(result["level"].dtype) == "Int64"
    assert result.loc[101, "label_vi"] == "Cấp 3 – Nguy cơ cao" and pd.isna(result.loc[7, "level"])


def test_reasons_are_structured_and_say_what_decided():
    frame = pd.DataFrame([_vn_row("vn-2021-qd4800", 52.3, 75.0, 60.0, False)])
    reasons = classify(frame, "vn-2021-qd4800")["reasons"].iloc[0]
    by_id = {entry["criterion"]: entry for entry in reasons["criteria"]}
    assert by_id["community_cases"] | {} == {
        "criterion": "community_cases", "input": "community_cases_per_100k_7d", "value": 52.3, "band": 3,
        "comparison": "≥", "threshold": 50.0, "grade": 2, "decided": True, "origin": None}
    assert by_id["coverage_50plus_full"]["decided"] and not by_id["coverage_18plus_dose1"]["decided"]
    assert by_id["treatment_capacity"]["decided"]  # not met: it raised the level from 3 to 4
    assert reasons["level"] == 4 and reasons["table_level"] == 3 and {f["factor"]: f["grade"] for f in reasons["factors"]} == {
        "case_band": 2, "coverage": 1}


def test_reasons_text_in_vietnamese_and_english():
    ruleset = load_ruleset("vn-2021-qd4800")
    frame = pd.DataFrame([_vn_row("vn-2021-qd4800", 52.3, 75.0, 60.0, True),
                          _vn_row("vn-2021-qd4800", 1234.56, np.nan, 60.0, False),
                          _vn_row("vn-2021-qd4800", np.nan, 75.0, 60.0, True)])
    result = classify(frame, ruleset)
    vi, en = reasons_texts(result, ruleset, "vi"), reasons_texts(result, ruleset, "en")
    assert vi[0].startswith("Căn cứ: Ca mắc mới tại cộng đồng: 52,3 ca/100.000 dân/7 ngày (≥ 50); ")
    assert "Tỷ lệ người ≥ 50 tuổi tiêm đủ liều: 60,0% (< 80)" in vi[0]
    assert "Đáp ứng khả năng thu dung, điều trị: có" in vi[0]
    assert en[0].startswith("Decided by: New community cases: 52.3 cases/100,000/7 days (≥ 50); ")
    assert "1.234,6 ca/100.000 dân/7 ngày (≥ 150)" in vi[1] and "1,234.6 cases" in en[1]
    assert "không có số liệu" in vi[1]
    assert vi[2] == "Không có số liệu: thiếu số liệu – Ca mắc mới tại cộng đồng."
    assert reasons_text(result["reasons"].iloc[2], ruleset, "en") == "No data: missing data – New community cases."


def test_whole_frame_at_once_matches_row_by_row():
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"community_cases_per_100k_7d": rng.uniform(0, 300, 60),
                          "pct_18plus_dose1": rng.uniform(40, 100, 60), "pct_50plus_full": rng.uniform(40, 100, 60),
                          "treatment_capacity_met": rng.random(60) > 0.3})
    frame.loc[::7, "pct_18plus_dose1"] = np.nan
    whole = classify(frame, "vn-2021-qd4800")
    one_by_one = pd.concat([classify(frame.iloc[[i]], "vn-2021-qd4800") for i in range(len(frame))])
    pd.testing.assert_series_equal(whole["level"], one_by_one["level"])
    assert whole["reasons"].tolist() == one_by_one["reasons"].tolist()
