"""Backlog dumps and gaps of the published province series: detected, adjusted, totals kept (data/artefacts.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data import artefacts
from data.build import SOURCES, load_real

CODES = {"province_code": str}


@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    return pd.read_csv(SOURCES / "covid/province_daily_cases.csv", dtype=CODES, parse_dates=["date"])


@pytest.fixture(scope="module")
def adjusted(published) -> pd.DataFrame:
    return artefacts.adjust_province_cases(published)


def _wide(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame.pivot(index="date", columns="province_code", values=column).sort_index()


def test_no_province_day_above_twenty_times_its_trailing_mean_goes_unadjusted(published, adjusted):
    flagged = artefacts.over_threshold(_wide(published, "new_cases").to_numpy())
    assert flagged.sum() == 52  # the published record (2020-03-18 .. 2023-02-13) has 52 such days
    labels = _wide(adjusted, "artefact").to_numpy()
    assert (labels[flagged] == artefacts.BACKLOG).all()
    assert not artefacts.over_threshold(_wide(adjusted, "new_cases_adjusted").to_numpy()).any()


def test_published_total_equals_adjusted_total_for_every_province(adjusted):
    totals = adjusted.groupby("province_code")[["new_cases", "new_cases_adjusted"]].sum()
    assert len(totals) == 63
    assert (totals["new_cases"] == totals["new_cases_adjusted"]).all()
    assert (adjusted["new_cases_adjusted"] >= 0).all()


@pytest.mark.parametrize("province, day, published_count", [
    ("96", "2021-10-25", 151_919),  # Cà Mau
    ("31", "2022-08-04", 200_012),  # Hải Phòng
    ("91", "2021-09-28", 49_170),  # Kiên Giang
])
def test_the_dumps_named_in_the_issue_are_spread_back(adjusted, province, day, published_count):
    rows = adjusted[adjusted["province_code"] == province].set_index("date")
    dump = rows.loc[pd.Timestamp(day)]
    assert dump["new_cases"] == published_count and dump["artefact"] == artefacts.BACKLOG
    week_before = rows.loc[pd.Timestamp(day) - pd.Timedelta(days=7):pd.Timestamp(day) - pd.Timedelta(days=1)]
    assert dump["new_cases_adjusted"] <= 2 * week_before["new_cases_adjusted"].max()


def test_a_gap_of_zeros_before_a_dump_is_marked_and_filled():
    series = np.array([[10]] * 40 + [[0]] * 5 + [[600]] + [[10]] * 5)
    adjusted, labels = artefacts.adjust(series)
    assert labels[45, 0] == artefacts.BACKLOG
    assert (labels[40:45, 0] == artefacts.GAP).all()
    assert (adjusted[40:45, 0] > 0).all()
    assert adjusted.sum() == series.sum()
    assert not artefacts.over_threshold(adjusted).any()


def test_a_small_new_cluster_is_not_a_dump():
    series = np.array([[0]] * 40 + [[60]] + [[30]] * 5)
    adjusted, labels = artefacts.adjust(series)
    assert (adjusted == series).all() and (labels == None).all()  # noqa: E711


def test_deaths_are_unknown_after_the_source_stops_never_zero():
    deaths = load_real(provinces=["79"], start="2022-05-01", end="2022-06-30")["province_cases"].set_index("date")
    assert deaths.loc[:"2022-05-25", "new_deaths"].notna().all()
    assert deaths.loc["2022-05-26":, "new_deaths"].isna().all()


def test_the_database_keeps_both_series_and_the_labels(small_con):
    rows = small_con.cursor().execute(
        """SELECT SUM(new_cases), SUM(new_cases_adjusted), COUNT(*) FILTER (WHERE new_deaths IS NULL) FROM province_cases"""
    ).fetchone()
    assert rows[0] == rows[1] and rows[2] == 0  # the small build ends in January 2022, when deaths were known
    districts = small_con.cursor().execute(
        """SELECT d.province_code, SUM(c.new_cases) AS published, SUM(c.new_cases_adjusted) AS adjusted
           FROM cases c JOIN districts d USING (district_code) GROUP BY 1"""
    ).fetchall()
    assert all(published == adjusted for _, published, adjusted in districts)
