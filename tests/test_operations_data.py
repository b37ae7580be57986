"""The operations SQL (data.operations) and the supplies simulator (data.supplies) on the small database."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from data import db, metrics, operations
from data.supplies import load_params, simulate_supplies

DAY = dt.date(2021, 5, 24)


@pytest.fixture(scope="module")
def inputs(small_db):
    con = db.connect(small_db, read_only=True)
    frames = {name: db.query(con, f"SELECT * FROM {name}") for name in ("districts", "cases", "beds", "tracing")}
    con.close()
    return frames


@pytest.fixture(scope="module")
def supplies(inputs):
    return simulate_supplies(inputs["districts"], inputs["cases"], inputs["beds"], inputs["tracing"], seed=7)


def test_supplies_cover_every_district_item_and_day(inputs, supplies):
    items = [*load_params()["items"], "oxygen"]
    assert len(supplies) == inputs["districts"].shape[0] * inputs["cases"]["date"].nunique() * len(items)
    assert set(supplies["item"]) == set(items)
    assert (supplies["source"] == "simulated").all()
    assert not supplies.duplicated(["date", "district_code", "item"]).any()
    assert (supplies[["stock", "received", "used"]] >= 0).all().all()


def test_supplies_stock_accounting_holds_on_every_row(supplies):
    ordered = supplies.sort_values(["district_code", "item", "date"])
    before = ordered.groupby(["district_code", "item"])["stock"].shift()
    balance = ordered["stock"] - before - ordered["received"] + ordered["used"]
    assert balance.dropna().abs().max() < 1e-6
    whole = ordered[ordered["unit"].isin(["set", "piece"])]
    assert (whole[["stock", "received", "used"]] % 1 == 0).all().all(), "pieces and sets are whole numbers"


def test_supplies_are_seeded_and_follow_the_epidemic(inputs, supplies):
    again = simulate_supplies(inputs["districts"], inputs["cases"], inputs["beds"], inputs["tracing"], seed=7)
    pd.testing.assert_frame_equal(supplies, again)
    province = supplies.merge(inputs["districts"][["district_code", "province_code"]], on="district_code")
    suits = province[(province["item"] == "protective_suit") & (province["province_code"] == "22")]
    used = suits.groupby("date")["used"].sum()
    # Quảng Ninh: quiet summer 2021, Omicron-era wave in January 2022
    assert used.loc["2022-01-15":"2022-01-31"].mean() > 5 * used.loc["2021-08-01":"2021-08-31"].mean()


def test_supplies_oxygen_is_refilled_within_storage(inputs, supplies):
    oxygen = supplies[supplies["item"] == "oxygen"].merge(inputs["beds"][["date", "district_code", "oxygen_supply_m3_per_day"]],
                                                          on=["date", "district_code"])
    assert (oxygen["stock"] <= 3.0 * oxygen["oxygen_supply_m3_per_day"] + 0.2).all()
    assert (oxygen["received"] <= oxygen["oxygen_supply_m3_per_day"] + 0.2).all()


def test_units_of_an_area_sum_districts_into_provinces(small_con):
    units = metrics.units_of(small_con, db.Area(db.COUNTRY), DAY)
    assert set(units["unit_level"]) == {"district", "province"}
    provinces = units[units["unit_level"] == "province"].set_index("unit_code")
    districts = units[units["unit_level"] == "district"]
    summed = districts.merge(db.districts(small_con)[["district_code", "province_code"]], left_on="unit_code",
                             right_on="district_code").groupby("province_code")[["covid_beds_total", "population"]].sum()
    pd.testing.assert_frame_equal(provinces.loc[summed.index, ["covid_beds_total", "population"]], summed,
                                  check_dtype=False, check_names=False)
    one = metrics.units_of(small_con, db.Area(db.DISTRICT, "103"), DAY)
    assert one["unit_level"].tolist() == ["district"] and one["unit_code"].tolist() == ["103"]


def test_district_occupancy_returns_the_days_asked(small_con):
    frame = operations.district_occupancy(small_con, db.Area(db.PROVINCE, "11"), [DAY - dt.timedelta(days=7), DAY])
    assert sorted(pd.to_datetime(frame["date"]).dt.date.unique()) == [DAY - dt.timedelta(days=7), DAY]
    assert frame.groupby("date").size().eq(len(db.districts(small_con, "11"))).all()


def test_response_daily_matches_the_case_series(small_con):
    area = db.Area(db.PROVINCE, "11")
    daily = operations.response_daily(small_con, area, DAY - dt.timedelta(days=13), DAY)
    cases = db.daily_cases(small_con, area, DAY - dt.timedelta(days=13), DAY)
    assert daily["new_cases"].tolist() == cases["new_cases"].tolist()
    assert (daily["tracing_source"] == "simulated").all() and (daily["tests_source"] == "simulated").all()
    assert (daily["pooled_samples"] <= daily["samples"]).all()


def test_checkpoints_of_an_area(small_con):
    everywhere = operations.checkpoint_sites(small_con, db.Area(db.COUNTRY))
    quang_ninh = operations.checkpoint_sites(small_con, db.Area(db.PROVINCE, "22"))
    assert set(quang_ninh["checkpoint_id"]) < set(everywhere["checkpoint_id"])
    assert {"border_gate", "control_post"} == set(quang_ninh["kind"])
    counts = operations.checkpoint_counts(small_con, db.Area(db.PROVINCE, "22"), DAY, DAY)
    assert set(counts["checkpoint_id"]) <= set(quang_ninh["checkpoint_id"]) and len(counts)
    assert np.all(counts["declared"] <= counts["from_outbreak_areas"])


def test_supplies_query_sums_over_the_area(small_con):
    frame = operations.supplies(small_con, db.Area(db.PROVINCE, "11"), DAY, DAY)
    assert frame.empty or set(frame.columns) >= {"item", "unit", "stock", "received", "used", "source"}
