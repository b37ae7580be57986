"""Backlog dumps and gaps of the published province series: detected, adjusted, totals kept; collection errors
corrected from the Ministry's bulletins (data/artefacts.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data import artefacts
from data.build import SOURCES, load_real

CODES = {"province_code": str}


@pytest.fixture(scope="module")
def collected() -> pd.DataFrame:
    return pd.read_csv(SOURCES / "covid/province_daily_cases.csv", dtype=CODES, parse_dates=["date"])


@pytest.fixture(scope="module")
def corrections() -> pd.DataFrame:
    return pd.read_csv(SOURCES / "covid/province_daily_case_corrections.csv", dtype=CODES, parse_dates=["date"])


@pytest.fixture(scope="module")
def published(collected, corrections) -> pd.DataFrame:
    return artefacts.correct(collected, corrections)


@pytest.fixture(scope="module")
def adjusted(published) -> pd.DataFrame:
    return artefacts.adjust_province_cases(published)


def _wide(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame.pivot(index="date", columns="province_code", values=column).sort_index()


def test_no_province_day_above_twenty_times_its_trailing_mean_goes_unadjusted(published, adjusted):
    values = _wide(published, "new_cases").to_numpy()
    flagged = artefacts.over_threshold(values)
    rising = (values >= artefacts.MIN_BACKLOG_CASES) & (
        values > artefacts.THRESHOLD_RATIO * artefacts.trailing_mean(values, artefacts.TRAILING_DAYS))
    # the published record (2020-03-18 .. 2023-02-13): 50 days above 20x their trailing mean, 23 more lone spikes
    assert (rising.sum(), flagged.sum()) == (50, 73) and not (rising & ~flagged).any()
    labels = _wide(adjusted, "artefact").to_numpy()
    assert (labels[flagged] == artefacts.BACKLOG).all()
    assert not artefacts.over_threshold(_wide(adjusted, "new_cases_adjusted").to_numpy()).any()


def test_a_lone_spike_between_two_ordinary_weeks_is_a_backlog(published, adjusted):
    """Khánh Hòa's 12,928 of 2022-01-12, between weeks of about 790 and 630 cases a day: 16x its trailing mean,
    under the 20x test, but ten times both weeks around it. A day without its following week is not judged so:
    today's jump may be an outbreak."""
    day = adjusted[(adjusted["province_code"] == "56") & (adjusted["date"] == pd.Timestamp("2022-01-12"))].iloc[0]
    assert day["new_cases"] == 12928 and day["artefact"] == artefacts.BACKLOG and day["new_cases_adjusted"] < 1000
    quiet_then_jump = np.array([[10.0]] * 14 + [[150.0]])
    assert not artefacts.over_threshold(quiet_then_jump)[-1, 0]  # 15x the week before, no week after yet
    assert artefacts.over_threshold(np.vstack([quiet_then_jump, [[10.0]] * 7]))[14, 0]


def test_published_total_equals_adjusted_total_for_every_province(adjusted):
    totals = adjusted.groupby("province_code")[["new_cases", "new_cases_adjusted"]].sum()
    assert len(totals) == 63
    assert (totals["new_cases"] == totals["new_cases_adjusted"]).all()
    assert (adjusted["new_cases_adjusted"] >= 0).all()


@pytest.mark.parametrize("province, day, published_count", [
    ("31", "2022-08-04", 200_012),  # Hải Phòng
    ("94", "2021-10-14", 1_057),  # Sóc Trăng, after four days of zeros
    ("22", "2022-02-28", 36_587),  # Quảng Ninh
])
def test_backlog_dumps_are_spread_back(adjusted, province, day, published_count):
    rows = adjusted[adjusted["province_code"] == province].set_index("date")
    dump = rows.loc[pd.Timestamp(day)]
    assert dump["new_cases"] == published_count and dump["artefact"] == artefacts.BACKLOG
    week_before = rows.loc[pd.Timestamp(day) - pd.Timedelta(days=7):pd.Timestamp(day) - pd.Timedelta(days=1)]
    assert dump["new_cases_adjusted"] <= 2 * week_before["new_cases_adjusted"].max()


def test_each_correction_makes_its_day_sum_to_the_bulletins_domestic_total(collected, corrections, published):
    """The collected copy's 151,919 (Cà Mau, 25/10/2021) and 49,170 (Kiên Giang, 28/9/2021) are not backlogs: the
    bulletin of the same day gives the province 42 and 70, and only with those do the provinces sum to its total."""
    assert corrections["source_url"].str.startswith("http").all() and corrections["note"].str.contains("Bản tin").all()
    day_totals = published.groupby("date")["new_cases"].sum()
    assert (day_totals.loc[corrections["date"]].to_numpy() == corrections["domestic_total"].to_numpy()).all()
    fixed = published.dropna(subset=["new_cases_collected"]).sort_values(["date", "province_code"])
    assert fixed[["province_code", "new_cases_collected", "new_cases"]].values.tolist() == [
        ["91", 49_170, 70], ["91", 0, 82], ["96", 151_919, 42], ["96", 0, 32]]
    assert len(published) == len(collected) and published["new_cases"].sum() == collected["new_cases"].sum() - 200_863


def test_the_province_count_after_correction_agrees_with_what_ca_mau_published():
    """Cà Mau counted 3,235 cases from 27/4 to 9/11/2021 (thanhnien.vn quoting its steering committee); the corrected
    series has 3,233, where the spread backlog put 155,000 there."""
    cases = load_real(provinces=["96"], start="2021-04-27", end="2021-11-09")["province_cases"]
    assert cases["new_cases"].sum() == 3_233


def test_a_stale_correction_is_refused(collected, corrections):
    moved = corrections.assign(collected_cases=corrections["collected_cases"] + 1)
    with pytest.raises(ValueError, match="2021-09-28 91"):
        artefacts.correct(collected, moved)


def test_a_correction_is_labelled_and_is_its_own_adjusted_count(adjusted):
    fixed = adjusted[adjusted["artefact"] == artefacts.CORRECTION]
    assert len(fixed) == 4 and (fixed["new_cases"] == fixed["new_cases_adjusted"]).all()


def test_days_the_collection_missed_are_found_from_the_national_series():
    """The collected series has 0 cases in the whole country on 19/7/2021 (4,335 in MOH's national count) and 14,110
    the next day (5,427): days the collection missed, in the district-data months of 2021 only."""
    real = load_real()
    gaps = real["province_cases"].loc[real["province_cases"]["collection_gap"], "date"].drop_duplicates()
    assert [day.strftime("%Y-%m-%d") for day in gaps] == [
        "2021-05-15", "2021-06-08", "2021-07-04", "2021-07-06", "2021-07-08", "2021-07-09", "2021-07-11",
        "2021-07-15", "2021-07-19", "2021-07-21", "2021-07-22"]
    adjusted = artefacts.adjust_province_cases(real["province_cases"], real["national"])
    hcm = adjusted[adjusted["province_code"] == "79"].set_index("date")
    assert hcm.loc["2021-07-19":"2021-07-23", "artefact"].tolist() == ["gap", "backlog", "gap", "gap", "backlog"]
    assert hcm.loc["2021-07-19":"2021-07-23", "new_cases_adjusted"].tolist() == [4_446, 5_565, 4_156, 5_347, 6_521]
    country = adjusted.groupby("date")["new_cases_adjusted"].sum()
    national = real["national"].set_index("date")["new_cases"]
    ratio = country.loc["2021-05-15":"2021-07-23"] / national.loc["2021-05-15":"2021-07-23"]
    assert (ratio.loc[gaps] >= 0.25).all(), ratio  # the collected series had at most 0.21 of it on these days
    totals = adjusted.groupby("province_code")[["new_cases", "new_cases_adjusted"]].sum()
    assert (totals["new_cases"] == totals["new_cases_adjusted"]).all()


def test_days_missed_after_the_national_series_ends_are_labelled_and_change_no_count():
    """After 10/1/2022 there is no national count to compare with: the whole country's 0 on 14/8/2022 (between
    1,815 and 1,695 cases) and on the series' last day, 13/2/2023 (after 41), are days the collection missed, not
    days without cases; nothing makes them up, so they are labelled and no count moves."""
    real = load_real()
    cases = real["province_cases"]
    missed = cases.loc[cases["missed_day"], "date"].drop_duplicates()
    assert [day.strftime("%Y-%m-%d") for day in missed] == ["2022-08-14", "2023-02-13"]
    adjusted = artefacts.adjust_province_cases(cases, real["national"])
    labelled = adjusted[adjusted["artefact"] == artefacts.MISSED]
    assert set(labelled["date"]) == set(missed) and (labelled["new_cases"] == 0).all()
    assert len(labelled[labelled["date"] == "2023-02-13"]) == 63
    unlabelled = artefacts.adjust_province_cases(cases.drop(columns="missed_day"), real["national"])
    assert adjusted["new_cases_adjusted"].equals(unlabelled["new_cases_adjusted"]), "a missed day moves no count"


def test_a_missed_day_needs_days_with_cases_around_it_and_no_national_count():
    days = pd.date_range("2022-03-01", periods=30)
    counts = np.full(30, 20)
    counts[10] = 0  # all provinces 0 between days of 20 cases: missed
    counts[15:25] = [1, 0] * 5  # 0s in quiet weeks: real zeros
    counts[-1] = 0  # the series' last day, after days of cases: missed
    cases = pd.DataFrame({"date": np.repeat(days, 2), "province_code": ["01", "79"] * 30,
                          "new_cases": np.column_stack([counts // 2, counts - counts // 2]).reshape(-1)})
    assert list(artefacts.missed_days(cases, pd.DataFrame({"date": days[:5], "new_cases": 40}))) == [days[10], days[-1]]
    covered = pd.DataFrame({"date": days, "new_cases": 40})  # the national series has these days: not "missed"
    assert list(artefacts.missed_days(cases, covered)) == []


def test_a_report_after_a_missed_day_is_spread_in_proportion_to_the_country():
    series = np.array([[10, 5], [0, 3], [30, 9], [10, 5]])  # day 1 missed: province 0 shows 0, province 1 reported
    adjusted, labels = artefacts.adjust(series, np.array([False, True, False, False]), np.array([100, 200, 100, 100]))
    assert adjusted[:, 0].tolist() == [10, 20, 10, 10] and adjusted[:, 1].tolist() == [5, 3, 9, 5]
    assert labels[:, 0].tolist() == [None, artefacts.GAP, artefacts.BACKLOG, None] and (labels[:, 1] == None).all()  # noqa: E711


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
