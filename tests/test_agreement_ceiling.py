"""The ceiling of agreement with announced levels: the most any rule monotone in the inputs can reach."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators import agreement

SIGNS = {"cases": 1, "coverage": -1}


def places(*rows):
    return pd.DataFrame(rows, columns=["cases", "coverage", "announced"])


@pytest.mark.parametrize("frame, expected", [
    # consistent with a threshold on cases: every level can be met
    (places((0, 50, 1), (10, 50, 2), (200, 50, 4)), 3),
    # the same inputs, two levels: one of the two at most
    (places((0, 50, 1), (0, 50, 2), (10, 30, 2)), 2),
    # worse on every input (more cases, less coverage) yet announced lower
    (places((5, 80, 2), (10, 40, 1)), 1),
    # worse on one input, better on the other: not comparable, both can be met
    (places((5, 40, 2), (10, 80, 1)), 2),
    # a missing input is compared with nothing
    (places((5, 80, 2), (np.nan, 40, 1)), 2),
    # three places in a chain announced 2, 1, 2: the middle one or the first must give way
    (places((1, 50, 2), (2, 50, 1), (3, 50, 2)), 2),
])
def test_ceiling_counts_the_most_a_monotone_rule_can_agree_with(frame, expected):
    assert agreement.ceiling(frame, frame["announced"], SIGNS) == expected


def test_directions_follow_the_rule_set():
    """Decision 4800: more community cases never lower the level; coverage and capacity met never raise it."""
    assert agreement.directions("vn-2021-qd4800") == {
        "community_cases_per_100k_7d": 1, "pct_18plus_dose1": -1, "pct_50plus_full": -1, "treatment_capacity_met": -1}


def test_the_announcements_resting_on_a_week():
    """MOH's list of Friday 22/10/2021 rests on 11-17/10 (the last complete week before it); the provinces' list of
    Saturday ~16/10 on 4-10/10."""
    announced = pd.DataFrame({"announced_date": ["2021-10-16", "2021-10-22", "2021-10-22"],
                              "province_code": ["22", "22", "79"], "level": [1, 1, 2]})
    week = agreement.resting_on(announced, "vn-2021-qd4800", pd.Timestamp("2021-10-11"), "22")
    assert week["announced_date"].tolist() == ["2021-10-22"]
    assert agreement.resting_on(announced, "vn-2021-qd4800", pd.Timestamp("2021-10-04"), "22")["level"].tolist() == [1]
    assert agreement.resting_on(announced, "vn-2021-qd4800", pd.Timestamp("2021-10-18"), "22").empty


def test_tallies_count_the_national_lists_only():
    """A date that names 20 provinces or more is a national list, tallied by level with MOH's district counts of
    that day; one province's own announcement is not a list."""
    announced = pd.DataFrame({"announced_date": ["2021-10-22"] * 20 + ["2021-10-24"],
                              "province_code": [f"{n:02d}" for n in range(20)] + ["79"],
                              "level": [1] * 12 + [2] * 8 + [2], "source_url": ["https://moh"] * 20 + ["https://hcm"]})
    counted = pd.DataFrame({"announced_date": ["2021-10-22"] * 2, "unit_level": ["district"] * 2, "level": [1, 2],
                            "units": [372, 287]})
    lists = agreement.tallies(announced, counted)
    assert lists == [{"announced_date": "2021-10-22", "source_url": "https://moh", "provinces": {1: 12, 2: 8},
                      "districts": {1: 372, 2: 287}}]


def test_announced_levels_are_read_under_the_rules_each_province_announced_them_by():
    announced = pd.DataFrame({"announced_date": ["2021-10-16", "2021-10-19", "2021-10-22", "2022-01-22"],
                              "province_code": ["79", "79", "01", "01"], "level": [3, 2, 1, 2]})
    assert agreement.announced_under(announced, "79").id == "vn-2021-qd4800-hcm", "the city's own file"
    assert agreement.announced_under(announced, "01").id == "vn-2021-qd4800", "22/01/2022: before QĐ 218"
    assert agreement.announced_under(announced, "11") is None, "a province that announced none here"


def test_an_announcement_is_named_only_under_the_rules_it_was_made_by():
    """HCMC announced under its own file, Sóc Trăng under the national one (Decision 4800, from 12/10/2021); an
    empty frame stays an empty frame with its columns."""
    announced = pd.DataFrame({"announced_date": ["2021-11-12", "2021-11-28"], "province_code": ["79", "94"],
                              "level": [2, 3]})
    assert agreement.made_under(announced, "vn-2021-qd4800")["province_code"].tolist() == ["94"]
    assert agreement.made_under(announced, "vn-2021-qd4800-hcm")["province_code"].tolist() == ["79"]
    assert agreement.made_under(announced, "us-cdc-community-levels-2022").empty
    assert list(agreement.made_under(announced.iloc[:0], "vn-2021-qd4800").columns) == list(announced.columns)


def test_own_announcements_are_the_days_that_name_fewer_provinces_than_a_national_list():
    national = pd.DataFrame({"announced_date": pd.Timestamp("2021-10-22"),
                             "province_code": [f"{code:02d}" for code in range(agreement.NATIONAL_LIST)]})
    own = pd.DataFrame({"announced_date": pd.to_datetime(["2021-11-12", "2021-11-12", "2021-11-20"]),
                        "province_code": ["01", "60", "08"]})
    picked = agreement.own_announcements(pd.concat([national, own], ignore_index=True))
    assert picked["province_code"].tolist() == ["01", "60", "08"]
