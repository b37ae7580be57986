"""Rule-set files: every shipped one loads, the loader names what is wrong, provinces can override."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from indicators import rulesets
from indicators.rulesets import DEFAULT_RULESET, RULES_DIR, RuleSetError, in_force, list_rulesets, load_ruleset

SHIPPED = ["us-cdc-community-levels-2022", "us-cdc-transmission-2021", "vn-2021-qd4800", "vn-2022-qd218",
           "vn-variant-surge-2023"]


def test_every_required_rule_set_ships(tmp_path):
    rulesets = list_rulesets(local_dir=tmp_path)
    assert [r.id for r in rulesets] == SHIPPED
    for ruleset in rulesets:
        assert ruleset.name_vi and ruleset.name_en and ruleset.legal_basis and ruleset.legal_date
        for level in ruleset.levels:
            assert level.color.startswith("#") and level.color_colorblind.startswith("#") and level.label_vi


def test_qd4800_has_the_issue_s_inputs_and_matrix():
    ruleset = load_ruleset("vn-2021-qd4800")
    assert ruleset.input_columns == ["community_cases_per_100k_7d", "pct_18plus_dose1", "pct_50plus_full",
                                     "treatment_capacity_met"]
    assert ruleset.criterion("community_cases").thresholds == (20, 50, 150)
    assert ruleset.table.tolist() == [[1, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 4]]
    assert "4800/QĐ-BYT" in ruleset.legal_basis and "128/NQ-CP" in ruleset.legal_basis
    assert all("4800" in criterion.source for criterion in ruleset.criteria)


def test_input_columns_of_the_other_rule_sets():
    assert load_ruleset("vn-variant-surge-2023").input_columns[:2] == ["cases_per_100k_7d",
                                                                       "oxygen_cases_per_100k_7d_avg"]
    assert set(load_ruleset("vn-variant-surge-2023").input_columns) >= {"vacant_covid_beds_per_100k",
                                                                        "staffed_icu_beds_per_100k"}
    assert load_ruleset("us-cdc-community-levels-2022").input_columns == [
        "cases_per_100k_7d", "admissions_per_100k_7d", "inpatient_beds_covid_pct"]
    assert load_ruleset("us-cdc-transmission-2021").input_columns == ["cases_per_100k_7d", "test_positivity_pct"]


def test_unverified_thresholds_are_marked_and_shown():
    table = load_ruleset("vn-2022-qd218").thresholds_table()
    assert not table["verified"].all() and table.loc[~table["verified"], "note"].str.len().gt(0).all()
    assert load_ruleset("vn-2022-qd218").has_unverified and not load_ruleset("vn-2021-qd4800").has_unverified


def test_thresholds_table_reads_like_the_texts():
    table = load_ruleset("vn-variant-surge-2023").thresholds_table().set_index("criterion")
    assert (table.loc["vacant_covid_beds", "worse_when"], table.loc["vacant_covid_beds", "threshold"]) == ("≤", 10)
    assert (table.loc["staffed_icu_beds", "worse_when"], table.loc["staffed_icu_beds", "threshold"]) == ("<", 4)
    assert (table.loc["weekly_cases", "worse_when"], table.loc["weekly_cases", "threshold"]) == ("≥", 450)


LOCAL = '''extends = "vn-2021-qd4800"
id = "vn-2021-qd4800-test"
legal_basis = "Quyết định 1/QĐ-UBND (thử nghiệm)"

[criteria.community_cases]
thresholds = [25, 60, 160]
note = "tested"
'''


def test_a_criterion_measured_another_way_is_named_for_its_measure():
    """HCMC's criterion 1 counts all new cases over two weeks: no reason, table or slide calls it community cases."""
    criterion = load_ruleset("vn-2021-qd4800-hcm").criterion("community_cases")
    assert criterion.measure == ("all", "14d_mean") and "cộng đồng" not in criterion.label_vi
    assert criterion.label("en") == "New cases (all cases, two-week mean)"
    hcm, national = load_ruleset("vn-2021-qd4800-hcm"), load_ruleset("vn-2021-qd4800")
    assert "trung bình 2 tuần" in hcm.notes("vi") and hcm.notes("en") != national.notes("en"), "its own notes"


def test_a_province_overrides_thresholds_with_its_own_file(tmp_path):
    (tmp_path / "vn-2021-qd4800-test.toml").write_text(LOCAL, encoding="utf-8")
    ruleset = load_ruleset("vn-2021-qd4800-test", local_dir=tmp_path)
    assert ruleset.extends == "vn-2021-qd4800" and ruleset.criterion("community_cases").thresholds == (25, 60, 160)
    assert ruleset.legal_basis.startswith("Quyết định 1/QĐ-UBND") and "4800" in ruleset.legal_basis
    table = ruleset.thresholds_table()
    changed = table[table["overridden"]]
    assert changed["threshold"].tolist() == [25, 60, 160] and changed["national_threshold"].tolist() == [20, 50, 150]
    assert [r.id for r in list_rulesets(local_dir=tmp_path)][-1] == "vn-2021-qd4800-test"
    assert load_ruleset(tmp_path / "vn-2021-qd4800-test.toml").id == "vn-2021-qd4800-test"


def test_local_folder_from_the_environment(tmp_path, monkeypatch):
    (tmp_path / "vn-2021-qd4800-test.toml").write_text(LOCAL, encoding="utf-8")
    monkeypatch.setenv("INDICATORS_LOCAL_RULES", str(tmp_path))
    assert load_ruleset("vn-2021-qd4800-test").criterion("community_cases").thresholds[0] == 25


@pytest.mark.parametrize("change, message", [
    (('thresholds = [25, 60, 160]', 'thresholds = [25, 60]'), "needs 3 thresholds"),
    (('thresholds = [25, 60, 160]', 'thresholds = [60, 25, 160]'), "strictly ascending"),
    (('[criteria.community_cases]', '[criteria.no_such_criterion]'), "has no such criterion"),
    (('id = "vn-2021-qd4800-test"', 'id = "vn-2021-qd4800"'), "must match the file name"),
    (('extends = "vn-2021-qd4800"', 'extends = "nowhere"'), "extends unknown"),
    (('note = "tested"', 'notes = "typo"'), "unknown key"),
    (('legal_basis = "Quyết định 1/QĐ-UBND (thử nghiệm)"',
      'legal_basis = "Quyết định 1/QĐ-UBND (thử nghiệm)"\nprovinces = ["Hồ Chí Minh"]'), "two-digit GSO province codes"),
    (('note = "tested"', 'note = "tested"\ncases = "all"\nwindow = "14d_mean"'), "needs its own label_vi and label_en"),
    (('note = "tested"', 'note = "tested"\ncases = "all"\nwindow = "14d_mean"\nlabel_vi = "Ca mắc mới (mọi ca)"\n'
                         'label_en = "New cases (all)"'), "needs its own notes_vi and notes_en"),
])
def test_local_file_errors(tmp_path, change, message):
    (tmp_path / "vn-2021-qd4800-test.toml").write_text(LOCAL.replace(*change), encoding="utf-8")
    with pytest.raises(RuleSetError, match=message) as error:
        load_ruleset(tmp_path / "vn-2021-qd4800-test.toml")
    assert "vn-2021-qd4800-test.toml" in str(error.value)


QD4800 = (RULES_DIR / "vn-2021-qd4800.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("change, message", [
    (("thresholds = [20, 50, 150]", "thresholds = [20, 150, 50]"), r"criteria\[0\].*strictly ascending"),
    (("thresholds = [20, 50, 150]", "thresholds = [20, 50]"), r"criteria\[0\].*one grade per band \(3\)"),
    (("grades = [0, 1, 2, 3]", "grades = [0, 2, 1, 3]"), "only rise or only fall"),
    (('color = "#43A047"', 'color = "green"'), r"levels\[0\].*colour like"),
    (('at_threshold = "upper"          # 20', 'at_threshold = "up"          # 20'), "'upper' or 'lower'"),
    (('when_missing = "unknown"\nsource = "QĐ 4800/QĐ-BYT, Tiêu chí 1',
      'when_missing = "assume_no"\nsource = "QĐ 4800/QĐ-BYT, Tiêu chí 1'), "only for yes_no"),
    (('criteria = ["community_cases"]', 'criteria = ["community_case"]'), "unknown criterion 'community_case'"),
    (('criteria = ["coverage_18plus_dose1", "coverage_50plus_full"]', 'criteria = ["coverage_18plus_dose1"]'),
     "used exactly once"),
    (("[3,       4,       4]]    # ≥ 150", "[3,       4,       3]]    # ≥ 150"), "must not fall"),
    (("[3,       4,       4]]    # ≥ 150", "[3,       4,       9]]    # ≥ 150"), "only hold level numbers"),
    (("[3,       4,       4]]    # ≥ 150", "]    # ≥ 150"), "shape"),
    (('label_en = "Level 1 – Low risk (new normal)"', ''), r"levels\[0\]: missing required key 'label_en'"),
    (('number = 2', 'number = "2"'), r"'number' must be int"),
    (('number = 4', 'number = 5'), "consecutive"),
    (('applies_to = ["commune", "district", "province"]', 'applies_to = ["ward"]'), "unknown unit level"),
    (('verified = true\n\n[[criteria]]\nid = "coverage_18plus_dose1"',
      'verified = true\nverifed = true\n\n[[criteria]]\nid = "coverage_18plus_dose1"'), "unknown key.*verifed"),
    (('id = "vn-2021-qd4800"', 'id = "other"'), "must match the file name"),
    (('legal_date = 2021-10-12', 'legal_date = 2021-10-12\nlegal_date = 2021-10-13'), "not valid TOML"),
])
def test_loader_names_what_is_wrong(tmp_path, change, message):
    assert change[0] in QD4800
    path = tmp_path / "vn-2021-qd4800.toml"
    path.write_text(QD4800.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(RuleSetError, match=message) as error:
        load_ruleset(path)
    assert str(path) in str(error.value)


def test_unknown_id_lists_the_known_ones(tmp_path):
    with pytest.raises(RuleSetError, match="unknown rule set 'vn-1999'.*vn-2021-qd4800"):
        load_ruleset("vn-1999", local_dir=tmp_path)


def test_a_local_id_may_not_repeat_a_shipped_one(tmp_path):
    (tmp_path / "vn-2021-qd4800.toml").write_text(QD4800, encoding="utf-8")
    with pytest.raises(RuleSetError, match="defined twice"):
        list_rulesets(local_dir=tmp_path)


def test_band_labels_as_the_texts_write_them():
    cases = load_ruleset("vn-2021-qd4800").criterion("community_cases")
    assert [cases.band_label(band) for band in range(4)] == ["< 20", "≥ 20 và < 50", "≥ 50 và < 150", "≥ 150"]
    assert cases.band_label(1, "en") == "≥ 20 and < 50"
    vacant = load_ruleset("vn-variant-surge-2023").criterion("vacant_covid_beds")
    assert [vacant.band_label(band) for band in range(2)] == ["≤ 10", "> 10"]
    capacity = load_ruleset("vn-2021-qd4800").criterion("treatment_capacity")
    assert [capacity.band_label(band, "vi") for band in range(2)] == ["không", "có"]


@pytest.mark.parametrize("criteria, loads", [(8, True), (9, False)])
def test_a_rule_set_has_at_most_the_criteria_the_classified_view_stores(tmp_path, criteria, loads):
    """data.levels packs MAX_CRITERIA criteria per row: one more is refused when the file is read, not at a refresh."""
    from indicators.rulesets import MAX_CRITERIA

    block = QD4800[QD4800.index('[[criteria]]\nid = "coverage_50plus_full"'):QD4800.index('[[criteria]]\nid = "treatment_capacity"')]
    extra = [f"extra_{i}" for i in range(criteria - 4)]
    text = QD4800.replace(block, block + "".join(block.replace('"coverage_50plus_full"', f'"{cid}"') for cid in extra))
    text = text.replace('criteria = ["coverage_18plus_dose1", "coverage_50plus_full"]',
                        f'criteria = ["coverage_18plus_dose1", "coverage_50plus_full", {", ".join(map(repr, extra))}]'
                        .replace("'", '"'))
    path = tmp_path / "vn-2021-qd4800.toml"
    path.write_text(text, encoding="utf-8")
    assert criteria - MAX_CRITERIA == (0 if loads else 1)
    if loads:
        assert len(load_ruleset(path).criteria) == criteria
    else:
        with pytest.raises(RuleSetError, match="at most 8 criteria"):
            load_ruleset(path)


@pytest.mark.parametrize("day, expected, was_in_force", [
    (dt.date(2020, 3, 18), "vn-2021-qd4800", False),   # before any epidemic-level rules: for reference
    (dt.date(2021, 10, 11), "vn-2021-qd4800", False),
    (dt.date(2021, 10, 12), "vn-2021-qd4800", True),   # QĐ 4800's legal date
    (dt.date(2022, 1, 26), "vn-2021-qd4800", True),
    (dt.date(2022, 1, 27), "vn-2022-qd218", True),     # QĐ 218 replaced it
    (dt.date(2023, 2, 13), "vn-2022-qd218", True),
])
def test_the_rule_set_in_force_follows_the_decisions_that_replaced_each_other(day, expected, was_in_force):
    ruleset, in_force_then = in_force(day)
    assert (ruleset.id, in_force_then) == (expected, was_in_force)


def test_a_replaces_that_names_no_shipped_rule_set_or_loops_is_an_error(monkeypatch):
    shipped = rulesets._shipped()
    broken = {**shipped, "vn-2022-qd218": replace(shipped["vn-2022-qd218"], replaces="no-such-rules")}
    monkeypatch.setattr(rulesets, "_shipped", lambda: broken)
    with pytest.raises(RuleSetError, match="replaces"):
        in_force(dt.date(2022, 2, 1))
    looped = {**shipped, DEFAULT_RULESET: replace(shipped[DEFAULT_RULESET], replaces="vn-2022-qd218")}
    monkeypatch.setattr(rulesets, "_shipped", lambda: looped)
    with pytest.raises(RuleSetError, match="loop"):
        in_force(dt.date(2022, 2, 1))


@pytest.mark.parametrize("day, province, expected", [
    (dt.date(2021, 10, 10), "79", "vn-2021-qd4800-hcm"),   # no rules in force yet: its own file, for reference
    (dt.date(2021, 10, 15), "79", "vn-2021-qd4800"),       # QĐ 4800 in force, the city's file not yet
    (dt.date(2021, 10, 16), "79", "vn-2021-qd4800-hcm"),   # the city's first level measured its own way
    (dt.date(2021, 10, 16), "01", "vn-2021-qd4800"),       # another province: the national file
    (dt.date(2021, 10, 16), None, "vn-2021-qd4800"),       # the whole country
    (dt.date(2022, 1, 27), "79", "vn-2022-qd218"),         # the city's file extends QĐ 4800, which was replaced
])
def test_a_province_opens_with_its_own_file_while_the_rules_it_extends_are_in_force(day, province, expected):
    assert in_force(day, province)[0].id == expected


def test_a_local_file_takes_effect_for_its_provinces_from_its_legal_date(tmp_path, monkeypatch):
    own = LOCAL.replace('legal_basis = "Quyết định 1/QĐ-UBND (thử nghiệm)"',
                        'legal_basis = "Quyết định 1/QĐ-UBND (thử nghiệm)"\nlegal_date = 2021-11-01\nprovinces = ["11"]')
    (tmp_path / "vn-2021-qd4800-test.toml").write_text(own, encoding="utf-8")
    monkeypatch.setenv(rulesets.LOCAL_DIR_ENV, str(tmp_path))
    assert in_force(dt.date(2021, 10, 31), "11")[0].id == "vn-2021-qd4800"
    assert in_force(dt.date(2021, 11, 1), "11")[0].id == "vn-2021-qd4800-test"
    assert in_force(dt.date(2021, 11, 1), "79")[0].id == "vn-2021-qd4800", "the folder holds no file of the city"
