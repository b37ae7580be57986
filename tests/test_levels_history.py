"""Decision 4800 as provinces applied it: the criterion-1 measure as rule-set data, no raise where there is no
case, and Hồ Chí Minh City's announced levels of October 2021 reproduced with its override file."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data import metrics
from data.build import build
from data.db import PROVINCE, Area, connect
from indicators import engine
from indicators.rulesets import RuleSetError, load_ruleset


@pytest.fixture(scope="module")
def hcm_inputs(tmp_path_factory) -> pd.DataFrame:
    """Daily inputs of Hồ Chí Minh City, September to October 2021, from a one-province build."""
    path = build(tmp_path_factory.mktemp("hcm") / "hcm.duckdb", provinces=["79"], start="2021-08-01",
                 end="2021-10-31")
    con = connect(path, read_only=True)
    try:
        daily = metrics.daily(con, PROVINCE, ["79"], dt.date(2021, 9, 1), dt.date(2021, 10, 31))
    finally:
        con.close()
    return daily.rename(columns={"unit_code": "province_code"})


def test_hcmc_city_level_is_3_on_16_october_and_2_on_19_october_with_its_override(hcm_inputs):
    levels = engine.classify_on(hcm_inputs, "vn-2021-qd4800-hcm", ["2021-10-16", "2021-10-19"])
    assert levels["level"].tolist() == [3, 2]
    assert (levels["pct_18plus_dose1"] >= 95).all()  # "about 98 % of adults with one dose"


def test_the_override_changes_only_the_measure_of_criterion_1():
    national, hcm = load_ruleset("vn-2021-qd4800"), load_ruleset("vn-2021-qd4800-hcm")
    assert national.criterion("community_cases").input == "community_cases_per_100k_7d"
    assert hcm.criterion("community_cases").input == "cases_per_100k_14d_mean"
    assert hcm.criterion("community_cases").thresholds == national.criterion("community_cases").thresholds
    assert hcm.rests_on == national.rests_on == "last_week"
    assert "sggp.org.vn" in hcm.legal_basis


def test_the_national_default_says_which_text_it_follows():
    national = load_ruleset("vn-2021-qd4800")
    assert "4800" in national.notes_vi and "9/2021" in national.notes_vi
    assert "September 2021" in national.notes_en


def _frame(**columns) -> pd.DataFrame:
    base = {"community_cases_per_100k_7d": [0.0], "pct_18plus_dose1": [90.0], "pct_50plus_full": [50.0],
            "treatment_capacity_met": [True]}
    return pd.DataFrame(base | {name: [value] for name, value in columns.items()})


def test_low_50_plus_coverage_does_not_raise_where_there_is_no_case():
    ruleset = load_ruleset("vn-2021-qd4800")
    no_case = engine.classify(_frame(), ruleset).iloc[0]
    entry = next(e for e in no_case["reasons"]["criteria"] if e["criterion"] == "coverage_50plus_full")
    assert entry["grade"] == 0 and no_case["level"] == 1
    with_cases = engine.classify(_frame(community_cases_per_100k_7d=30.0), ruleset).iloc[0]
    assert with_cases["level"] == 2  # 20 - < 50 with only (a) met


def test_a_waived_coverage_criterion_is_never_named_as_deciding():
    """Sơn La on 22/10/2021: no community case and adults' first doses under 70 %, level 1. The reasons decide it by
    the cases alone and say the low coverage raised nothing, not "decided by coverage < 70 %"."""
    ruleset = load_ruleset("vn-2021-qd4800")
    quiet = engine.classify(_frame(pct_18plus_dose1=40.0, pct_50plus_full=9.8), ruleset).iloc[0]
    decided = [e["criterion"] for e in quiet["reasons"]["criteria"] if e["decided"]]
    assert quiet["level"] == 1 and decided == ["community_cases"]
    text = engine.reasons_text(quiet["reasons"], ruleset, "vi")
    assert text.startswith("Căn cứ: Ca mắc mới tại cộng đồng: 0,0 ca/100.000 dân/7 ngày (< 20). Tiêu chí khác:")
    assert text.count("không nâng cấp vì địa bàn không có ca mắc tại cộng đồng") == 2
    busy = engine.classify(_frame(community_cases_per_100k_7d=0.3, pct_18plus_dose1=40.0), ruleset).iloc[0]
    assert busy["level"] == 2 and "không nâng cấp" not in engine.reasons_text(busy["reasons"], ruleset, "vi")


def test_a_local_file_may_choose_the_measure_but_only_a_known_one(tmp_path):
    path = tmp_path / "vn-2021-qd4800-test.toml"
    path.write_text('extends = "vn-2021-qd4800"\nid = "vn-2021-qd4800-test"\nlegal_basis = "x"\n'
                    '[criteria.community_cases]\ncases = "all"\nwindow = "30d"\n', encoding="utf-8")
    with pytest.raises(RuleSetError, match="window"):
        load_ruleset(path)
    path.write_text('extends = "vn-2021-qd4800"\nid = "vn-2021-qd4800-test"\nlegal_basis = "x"\n'
                    '[criteria.coverage_18plus_dose1]\ncases = "all"\n', encoding="utf-8")
    with pytest.raises(RuleSetError, match="case criterion"):
        load_ruleset(path)


def test_the_variant_surge_rule_set_cites_the_lai_chau_plan_and_applies_to_provinces():
    surge = load_ruleset("vn-variant-surge-2023")
    assert "Lai Châu" in surge.legal_basis and "216/KH-SYT" in surge.legal_basis
    assert not surge.has_unverified
    assert surge.applies_to == ("province",)
    assert all("II.2" in criterion.source for criterion in surge.criteria)
