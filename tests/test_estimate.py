"""Tests of data/estimate.py: exact sums, announced figures kept, determinism, clustering, real Điện Biên."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.estimate import district_adjacency, estimate_district_cases, over_reported_provinces

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "data" / "sources"
DISTRICTS_GEOJSON = ROOT / "geo" / "districts_2021.geojson"

# Three provinces: 01 with six districts in a chain, 02 with four, 03 with three (one an island).
DISTRICTS = pd.DataFrame(
    {
        "district_code": ["001", "002", "003", "004", "005", "006", "101", "102", "103", "104", "201", "202", "203"],
        "province_code": ["01"] * 6 + ["02"] * 4 + ["03"] * 3,
        "population": [300_000, 120_000, 80_000, 200_000, 60_000, 150_000,
                       90_000, 40_000, 70_000, 30_000,
                       50_000, 20_000, 0],
    }
)
CHAIN = [("001", "002"), ("002", "003"), ("003", "004"), ("004", "005"), ("005", "006"), ("101", "102"),
         ("102", "103"), ("103", "104"), ("201", "202"), ("006", "101")]  # 006-101 crosses a province border
ADJACENCY = pd.DataFrame(CHAIN + [(b, a) for a, b in CHAIN], columns=["district_code", "neighbour_code"])
DATES = pd.date_range("2021-04-01", "2021-06-30")
WINDOW = pd.date_range("2021-05-01", "2021-05-20")


def _province_cases(seed: int = 7) -> pd.DataFrame:
    """A wave in each province: Poisson cases around a bell curve, and a few deaths."""
    rng = np.random.default_rng(seed)
    day = np.arange(len(DATES))
    rows = []
    for code, peak, size in [("01", 45, 80), ("02", 60, 30), ("03", 30, 5)]:
        curve = size * np.exp(-0.5 * ((day - peak) / 10) ** 2)
        cases = rng.poisson(curve)
        rows.append(pd.DataFrame({"date": DATES, "province_code": code, "new_cases": cases,
                                  "new_deaths": rng.binomial(cases, 0.02)}))
    return pd.concat(rows, ignore_index=True)


def _observed(province_cases: pd.DataFrame) -> pd.DataFrame:
    """Announced cases for part of the window, plus one province-day announced above the province figure."""
    in_window = province_cases[province_cases["date"].isin(WINDOW) & (province_cases["province_code"] == "01")]
    announced = in_window.assign(district_code="004", new_cases=in_window["new_cases"] // 2)
    announced = announced[announced["new_cases"] > 0]
    over = pd.DataFrame({"date": [WINDOW[3]], "province_code": ["02"], "district_code": ["103"], "new_cases": [500]})
    return pd.concat([announced[["date", "province_code", "district_code", "new_cases"]], over], ignore_index=True)


@pytest.fixture(scope="module")
def synthetic():
    province_cases = _province_cases()
    observed = _observed(province_cases)
    estimate = estimate_district_cases(province_cases, observed, DISTRICTS, ADJACENCY, seed=3)
    return province_cases, observed, estimate


def _with_province(estimate: pd.DataFrame, districts: pd.DataFrame) -> pd.DataFrame:
    return estimate.merge(districts[["district_code", "province_code", "population"]], on="district_code")


def _sums_against_province(estimate, province_cases, districts) -> pd.DataFrame:
    sums = _with_province(estimate, districts).groupby(["date", "province_code"], as_index=False)[
        ["new_cases", "new_deaths", "observed_cases"]
    ].sum()
    official = province_cases.assign(date=pd.to_datetime(province_cases["date"]))
    return sums.merge(official, on=["date", "province_code"], suffixes=("", "_province"), validate="1:1")


def _assert_sums_reconciled(estimate, province_cases, observed, districts):
    """Deaths match every day; cases match every day outside the window and, inside it, the districts' running
    total never exceeds the province's (unless the announced cases alone do) and ends equal to it, or to the
    announced total where that is larger."""
    both = _sums_against_province(estimate, province_cases, districts)
    assert (both["new_deaths"] == both["new_deaths_province"]).all()
    window = pd.to_datetime(observed["date"])
    inside = both["date"].between(window.min(), window.max())
    outside = both[~inside]
    assert (outside["new_cases"] == outside["new_cases_province"]).all()
    running = both[inside].sort_values("date").groupby("province_code")[
        ["new_cases", "new_cases_province", "observed_cases"]].cumsum()
    ceiling = running[["new_cases_province", "observed_cases"]].max(axis=1)
    assert (running["new_cases"] <= ceiling).all()
    last = both[inside].groupby("province_code")[["new_cases", "new_cases_province", "observed_cases"]].sum()
    assert (last["new_cases"] == last[["new_cases_province", "observed_cases"]].max(axis=1)).all()


def test_one_row_per_date_and_district_with_integer_non_negative_counts(synthetic):
    _, _, estimate = synthetic
    assert list(estimate.columns) == [
        "date", "district_code", "new_cases", "new_cases_adjusted", "artefact", "new_deaths", "source",
        "deaths_source", "observed_cases",
    ]
    assert len(estimate) == len(DATES) * len(DISTRICTS)
    assert not estimate.duplicated(["date", "district_code"]).any()
    for column in ("new_cases", "new_cases_adjusted", "new_deaths", "observed_cases"):
        assert pd.api.types.is_integer_dtype(estimate[column])
        assert (estimate[column] >= 0).all()
    assert set(estimate["source"]) == {"observed", "estimated"}
    assert (estimate["deaths_source"] == "estimated").all()


def test_districts_sum_to_the_province_reconciled_over_the_window(synthetic):
    province_cases, observed, estimate = synthetic
    _assert_sums_reconciled(estimate, province_cases, observed, DISTRICTS)


def test_a_province_announcing_more_than_it_counted_is_listed_with_its_excess(synthetic):
    province_cases, observed, estimate = synthetic
    over = over_reported_provinces(province_cases, observed).set_index("province_code")
    window = pd.to_datetime(observed["date"])
    official = province_cases.assign(date=pd.to_datetime(province_cases["date"]))
    counted = official[official["date"].between(window.min(), window.max())].groupby("province_code")["new_cases"].sum()
    announced = observed.groupby("province_code")["new_cases"].sum()
    assert set(over.index) == set(announced[announced > counted.reindex(announced.index)].index)
    assert estimate["new_cases"].sum() == province_cases["new_cases"].sum() + over["excess"].sum()


def test_announced_figures_are_kept_and_labelled(synthetic):
    _, observed, estimate = synthetic
    kept = observed.merge(estimate, on=["date", "district_code"], suffixes=("_announced", ""))
    assert (kept["observed_cases"] == kept["new_cases_announced"]).all()
    assert estimate["observed_cases"].sum() == observed["new_cases"].sum()
    assert (estimate["new_cases"] >= estimate["observed_cases"]).all()
    labelled_observed = estimate["source"] == "observed"
    assert (estimate.loc[labelled_observed, "new_cases"] == estimate.loc[labelled_observed, "observed_cases"]).all()
    assert estimate.loc[labelled_observed, "date"].between(WINDOW[0], WINDOW[-1]).all()
    in_window_with_additions = estimate["date"].isin(WINDOW) & (estimate["new_cases"] > estimate["observed_cases"])
    assert (estimate.loc[in_window_with_additions, "source"] == "estimated").all()


def test_same_seed_gives_the_same_frame_and_another_seed_another_split(synthetic):
    province_cases, observed, estimate = synthetic
    again = estimate_district_cases(province_cases, observed, DISTRICTS, ADJACENCY, seed=3)
    pd.testing.assert_frame_equal(estimate, again)
    other = estimate_district_cases(province_cases, observed, DISTRICTS, ADJACENCY, seed=4)
    assert not other["new_cases"].equals(estimate["new_cases"])


def test_deaths_go_where_recent_cases_were(synthetic):
    province_cases, _, estimate = synthetic
    cases = estimate.pivot(index="date", columns="district_code", values="new_cases")
    recent = cases.rolling(21, min_periods=1).sum()
    deaths = estimate.pivot(index="date", columns="district_code", values="new_deaths")
    province_has_recent = recent.T.groupby(DISTRICTS.set_index("district_code")["province_code"]).transform("sum").T > 0
    assert deaths.where(province_has_recent & (recent == 0), 0).to_numpy().sum() == 0
    assert deaths.to_numpy().sum() == province_cases["new_deaths"].sum()


def test_the_island_without_population_never_gets_a_case(synthetic):
    _, _, estimate = synthetic
    assert estimate.loc[estimate["district_code"] == "203", ["new_cases", "new_deaths"]].to_numpy().sum() == 0


def test_one_province_change_leaves_another_province_split_alone():
    """Each province draws from its own generator: doubling province 01's cases moves none of 02's between its
    districts, and 02 estimated alone gets the same split."""
    codes = {"01": ["001", "002", "003"], "02": ["010", "011", "012"]}
    districts = pd.DataFrame([(code, province, 50_000 * (i + 1)) for province, members in codes.items()
                              for i, code in enumerate(members)], columns=["district_code", "province_code", "population"])
    adjacency = pd.DataFrame([("001", "002"), ("011", "012")], columns=["district_code", "neighbour_code"])
    days = pd.date_range("2021-08-01", "2021-08-31")
    counts = np.arange(len(days)) % 7 + 3
    province_cases = pd.DataFrame({"date": np.tile(days, 2), "province_code": np.repeat(["01", "02"], len(days)),
                                   "new_cases": np.concatenate([counts, counts]), "new_deaths": 1})
    none = pd.DataFrame(columns=["date", "province_code", "district_code", "new_cases"])
    before = estimate_district_cases(province_cases, none, districts, adjacency, 3)
    doubled = province_cases.assign(new_cases=np.where(province_cases["province_code"] == "01",
                                                       2 * province_cases["new_cases"], province_cases["new_cases"]))
    alone = province_cases[province_cases["province_code"] == "02"]
    for other in (estimate_district_cases(doubled, none, districts, adjacency, 3),
                  estimate_district_cases(alone, none, districts[districts["province_code"] == "02"], adjacency, 3)):
        pick = [frame[frame["district_code"].isin(codes["02"])].reset_index(drop=True) for frame in (before, other)]
        pd.testing.assert_frame_equal(pick[0][["date", "district_code", "new_cases", "new_deaths"]],
                                      pick[1][["date", "district_code", "new_cases", "new_deaths"]])


def test_an_outbreak_clusters_instead_of_following_population():
    """Ten equal districts in a chain, a month of a growing outbreak: a flat split would give each about a tenth."""
    codes = [f"{i:03d}" for i in range(10)]
    districts = pd.DataFrame({"district_code": codes, "province_code": "01", "population": 100_000})
    links = [(a, b) for a, b in zip(codes, codes[1:])]
    adjacency = pd.DataFrame(links + [(b, a) for a, b in links], columns=["district_code", "neighbour_code"])
    month = pd.date_range("2021-08-01", "2021-08-31")
    growing = np.round(np.exp(0.12 * np.arange(len(month)))).astype("int64")  # 1 case a day, then 37 a day
    province_cases = pd.DataFrame({"date": month, "province_code": "01", "new_cases": growing, "new_deaths": 0})
    no_announcements = pd.DataFrame(columns=["date", "province_code", "district_code", "new_cases"])
    neighbours = 0
    for seed in range(10):
        estimate = estimate_district_cases(province_cases, no_announcements, districts, adjacency, seed)
        shares = estimate.groupby("district_code")["new_cases"].sum().sort_values(ascending=False) / growing.sum()
        assert shares.iloc[0] > 0.25  # a population split stays under 0.18 in a thousand draws
        assert shares.iloc[:3].sum() > 0.6
        neighbours += abs(int(shares.index[0]) - int(shares.index[1])) == 1
    # the two largest are neighbours (28 seeds in 30; two introductions can grow apart): a flat split, 9 pairs in 45
    assert neighbours >= 8


@settings(max_examples=25, deadline=None)
@given(
    cases=st.lists(st.integers(0, 40), min_size=20, max_size=20),
    announced=st.lists(st.integers(0, 30), min_size=5, max_size=5),
    seed=st.integers(0, 2**32 - 1),
)
def test_invariants_hold_for_any_series(cases, announced, seed):
    dates = pd.date_range("2021-05-01", periods=10)
    province_cases = pd.DataFrame(
        {"date": np.tile(dates, 2), "province_code": ["01"] * 10 + ["02"] * 10, "new_cases": cases,
         "new_deaths": [c // 10 for c in cases]}
    )
    observed = pd.DataFrame(
        {"date": dates[3:8], "province_code": "01", "district_code": "002", "new_cases": announced}
    )
    observed = observed[observed["new_cases"] > 0]
    estimate = estimate_district_cases(province_cases, observed, DISTRICTS[DISTRICTS["province_code"] != "03"],
                                       ADJACENCY, seed)
    assert (estimate[["new_cases", "new_deaths"]] >= 0).all().all()
    _assert_sums_reconciled(estimate, province_cases, observed, DISTRICTS)


def test_unknown_announced_district_is_refused():
    province_cases = _province_cases()
    observed = pd.DataFrame({"date": [DATES[0]], "province_code": ["01"], "district_code": ["999"], "new_cases": [1]})
    with pytest.raises(ValueError, match="district_code"):
        estimate_district_cases(province_cases, observed, DISTRICTS, ADJACENCY, seed=0)


@pytest.fixture(scope="module")
def real_adjacency():
    return district_adjacency(DISTRICTS_GEOJSON)


def test_adjacency_is_symmetric_and_leaves_islands_alone(real_adjacency):
    pairs = set(zip(real_adjacency["district_code"], real_adjacency["neighbour_code"]))
    assert pairs == {(b, a) for a, b in pairs}
    assert ("001", "002") in pairs  # Ba Đình - Hoàn Kiếm
    assert ("094", "100") in pairs  # TP Điện Biên Phủ - Huyện Điện Biên
    assert not {"911", "755", "318"} & set(real_adjacency["district_code"])  # Phú Quốc, Côn Đảo, Bạch Long Vĩ
    assert real_adjacency["district_code"].nunique() == 705 - 10


def test_dien_bien_keeps_its_announced_cases(real_adjacency):
    """The check of SOURCES.md: announced up to 2021-05-24, Nậm Pồ 41, TP Điện Biên Phủ 7, Huyện Điện Biên 3,
    TX Mường Lay 1 (and no other district)."""
    codes = {"province_code": str, "district_code": str}
    population = pd.read_csv(SOURCES / "population" / "district_population_2019.csv", dtype=codes)
    districts = population.rename(columns={"pop_total_2019": "population"})
    districts = districts.loc[districts["province_code"] == "11", ["district_code", "province_code", "population"]]
    cases = pd.read_csv(SOURCES / "covid" / "province_daily_cases.csv", dtype=codes)
    deaths = pd.read_csv(SOURCES / "covid" / "province_daily_deaths.csv", dtype=codes)
    province_cases = cases.merge(deaths, on=["date", "province_code"], how="left").fillna({"new_deaths": 0})
    province_cases = province_cases[province_cases["province_code"] == "11"].astype({"new_deaths": "int64"})
    announced = pd.read_csv(SOURCES / "covid" / "district_announced_cases_2021-04-27_to_07-13.csv", dtype=codes)
    announced = announced[announced["province_code"] == "11"]

    estimate = estimate_district_cases(province_cases, announced, districts, real_adjacency, seed=11)

    to_may_24 = estimate[estimate["date"] <= "2021-05-24"]
    kept = to_may_24.groupby("district_code")["observed_cases"].sum()
    assert kept[kept > 0].to_dict() == {"094": 7, "095": 1, "100": 3, "103": 41}
    assert (estimate["new_cases"] >= estimate["observed_cases"]).all()
    _assert_sums_reconciled(estimate, province_cases, announced, districts)
    assert estimate["new_cases"].sum() == province_cases["new_cases"].sum() + over_reported_provinces(
        province_cases, announced
    )["excess"].sum()
