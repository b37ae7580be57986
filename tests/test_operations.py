"""The arithmetic of the operations pages, against cases worked out by hand in the comments."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from geo.checkpoints import CHECKPOINT_LAYER, GROUND_FILL, GROUND_LAYER, checkpoint_deck, checkpoint_points, positive_class, radius_px
from geo.layers import UNKNOWN_COLOR, rgba
from tests.test_geo import fills_of
from operations.capacity import crossing, surge_table
from operations.checkpoints import catalogue, catalogue_totals, day_summary, end_of_day_report, risk_notes, target_progress, total, with_rates
from operations.oxygen import default_mix, m3_per_day, plan_oxygen
from operations.projection import daily_growth, days_until_full, district_projection, doubling_days, project
from operations.response import estimated_admissions, pcr_workload, stay_days, with_totals
from operations.supplies import days_of_cover

# ---------------------------------------------------------------- oxygen


def test_litres_per_minute_to_cubic_metres_per_day():
    # 10 L/min x 1,440 min = 14,400 L = 14.4 m3; 1 L/min = 1.44 m3
    assert m3_per_day(10) == pytest.approx(14.4)
    assert m3_per_day(np.array([1.0, 60.0])) == pytest.approx([1.44, 86.4])


def test_default_mix_adds_up_and_says_where_it_comes_from():
    mix = default_mix()
    assert mix["share"].sum() == pytest.approx(1.0)
    assert mix["source"].str.contains("WHO").all()


def test_oxygen_plan_for_1000_patients_with_the_default_mix():
    # 1,000 patients: 150 severe x 10 L/min + 50 critical x 30 L/min = 1,500 + 1,500 = 3,000 L/min
    # 3,000 x 1,440 / 1,000 = 4,320 m3/day = 720 cylinders of 6 m3 = 4,320 / 0.86 = 5,023.26 L of liquid
    # supply 3,000 m3/day -> shortfall 1,320; stock 2,640 m3 -> 2 days (0.61 days if deliveries stopped)
    plan = plan_oxygen(1000, default_mix(), supply_m3_per_day=3000, stock_m3=2640)
    assert plan.litres_per_minute == pytest.approx(3000)
    assert plan.m3_per_day == pytest.approx(4320)
    assert plan.cylinders_per_day == pytest.approx(720)
    assert plan.liquid_litres_per_day == pytest.approx(5023.2558, rel=1e-6)
    tanks = plan.tanks.set_index("tank_litres")
    assert tanks.loc[10000, "days_per_tank"] == pytest.approx(1.990741, rel=1e-5)  # 10,000 / 5,023.26
    assert tanks.loc[5000, "tanks_per_day"] == pytest.approx(1.004651, rel=1e-5)
    assert plan.shortfall_m3_per_day == pytest.approx(1320)
    assert plan.days_of_stock == pytest.approx(2.0)
    assert plan.days_of_stock_alone == pytest.approx(2640 / 4320)
    assert plan.by_severity.set_index("id").loc["critical", "m3_per_day"] == pytest.approx(2160)  # 1,500 L/min


def test_supply_that_covers_demand_never_draws_on_stock():
    plan = plan_oxygen(1000, default_mix(), supply_m3_per_day=5000, stock_m3=100)
    assert plan.shortfall_m3_per_day == 0
    assert math.isinf(plan.days_of_stock)


def test_shares_that_do_not_add_up_are_rescaled_and_unknown_supply_stays_unknown():
    # shares 40/10/10 -> 2/3, 1/6, 1/6 of 600 patients: 100 severe x 10 + 100 critical x 30 = 4,000 L/min = 5,760 m3
    mix = pd.DataFrame({"id": ["no_oxygen", "severe", "critical"], "share": [0.4, 0.1, 0.1],
                        "litres_per_minute": [0.0, 10.0, 30.0]})
    plan = plan_oxygen(600, mix)
    assert plan.by_severity["patients"].tolist() == pytest.approx([400, 100, 100])
    assert plan.m3_per_day == pytest.approx(5760)
    assert math.isnan(plan.shortfall_m3_per_day) and math.isnan(plan.days_of_stock)


def test_other_cylinders_and_tanks():
    # 4,320 m3 in 50-litre cylinders of 7.5 m3 = 576; one 8,640-litre tank at 0.8 m3/L lasts 8,640 x 0.8 / 4,320 = 1.6 days
    plan = plan_oxygen(1000, default_mix(), cylinder_gas_m3=7.5, liquid_gas_m3_per_litre=0.8, tank_litres=[8640])
    assert plan.cylinders_per_day == pytest.approx(576)
    assert plan.tanks["days_per_tank"].iloc[0] == pytest.approx(1.6)


# ---------------------------------------------------------------- projection


def test_days_until_full_by_hand():
    # 500 of 1,000 beds growing 10% a day: ln(2) / ln(1.1) = 7.27 days; 20 of 25 ICU beds at 5%: ln(1.25)/ln(1.05) = 4.57
    days = days_until_full([500, 20], [1000, 25], [0.10, 0.05])
    assert days == pytest.approx([7.2725, 4.5735], rel=1e-4)


@pytest.mark.parametrize("occupied, capacity, growth, expected", [
    (1000, 1000, 0.1, 0.0),        # full already
    (1200, 1000, -0.1, 0.0),       # over capacity, even while falling
    (500, 1000, 0.0, math.inf),    # flat: never
    (500, 1000, -0.05, math.inf),  # falling: never
    (0, 1000, 0.2, math.inf),      # nobody to grow from
])
def test_days_until_full_edge_cases(occupied, capacity, growth, expected):
    assert days_until_full(occupied, capacity, growth) == expected


def test_days_until_full_unknown_input_is_unknown():
    assert np.isnan(days_until_full([np.nan, 5], [10, np.nan], [0.1, 0.1])).all()


def test_daily_growth_over_a_window():
    # a: 100 -> 200 in 7 days: 2 ** (1/7) - 1 = 0.10409; b grows from 0: no rate; c is flat
    dates = pd.date_range("2021-07-01", periods=8)
    occupied = pd.DataFrame({"a": np.linspace(100, 200, 8), "b": [0, 0, 0, 0, 1, 2, 3, 4], "c": [50] * 8}, index=dates)
    growth = daily_growth(occupied, 7)
    assert growth["a"] == pytest.approx(0.104090, rel=1e-5)
    assert np.isnan(growth["b"])
    assert growth["c"] == 0
    assert doubling_days(growth["a"]) == pytest.approx(7.0)
    assert np.isinf(doubling_days(0.0))


def test_daily_growth_needs_the_first_day_of_the_window():
    occupied = pd.DataFrame({"a": [10.0, 20.0]}, index=pd.to_datetime(["2021-07-01", "2021-07-03"]))
    assert np.isnan(daily_growth(occupied, 7)["a"])
    assert daily_growth(occupied, 2)["a"] == pytest.approx(2 ** 0.5 - 1)


def test_projection_compounds_daily():
    frame = project(pd.Timestamp("2021-08-01"), 100, 0.1, 2)
    assert frame["occupied"].tolist() == pytest.approx([100, 110, 121])
    assert frame["date"].iloc[-1] == pd.Timestamp("2021-08-03")


def test_district_projection_writes_beds_as_the_language_writes_numbers():
    occupancy = pd.DataFrame({"date": pd.to_datetime(["2021-07-01", "2021-07-08"] * 2),
                              "district_code": ["760", "760", "761", "761"],
                              "covid_beds_occupied": [1000, 2000, 50, 50], "covid_beds_total": [5730, 5730, 90, 90],
                              "icu_beds_occupied": [10, 20, 1, 1], "icu_beds_staffed": [40, 40, 4, 4]})
    names = pd.Series({"760": "Quận 1", "761": "Quận 12"})
    soon = district_projection(occupancy, names, "2021-07-08", 7, "vi")
    assert soon["occupied_beds"].tolist() == ["2.000 / 5.730"], "the growing district only, in Vietnamese numbers"
    assert district_projection(occupancy, names, "2021-07-08", 7, "en")["occupied_beds"].tolist() == ["2,000 / 5,730"]


# ---------------------------------------------------------------- surge thresholds


def test_surge_flags_by_hand():
    # The figures are the metrics frame's; the thresholds the variant-surge rule set's (≤ 10 vacant, < 4 ICU).
    # A: 5 vacant beds per 100k (<= 10: alert); 5 ICU per 100k (>= 4: fine)
    # B: 15 per 100k (fine); 3 ICU per 100k (< 4: alert)
    # C: exactly 10 vacant per 100k (alert, <=) and exactly 4 ICU per 100k (fine, not < 4)
    # D: nobody lives there: no figure, no flag
    units = pd.DataFrame({"name": ["A", "B", "C", "D"],
                          "vacant_covid_beds_per_100k": [5, 15, 10, np.nan],
                          "staffed_icu_beds_per_100k": [5, 3, 4, np.nan]})
    table = surge_table(units).set_index("name")
    assert [table.loc[n, "beds_surge"] for n in "ABC"] == [True, False, True]
    assert [table.loc[n, "icu_surge"] for n in "ABC"] == [False, True, False]
    assert pd.isna(table.loc["D", "beds_surge"]) and pd.isna(table.loc["D", "icu_surge"])
    assert crossing(table.reset_index())["name"].tolist() == ["A", "C", "B"]


# ---------------------------------------------------------------- checkpoints


def checkpoint_days() -> pd.DataFrame:
    """X reports 8 days: 7 quiet ones (50 in, 50 out, 10 from outbreak areas, all declared and tested), then
    160 passages, 2 positives of 40 tested, 50 from outbreak areas of whom 48 declared. Y reports only day 8."""
    dates = pd.date_range("2021-08-01", periods=8)
    quiet = dict(people_in=50, people_out=50, vehicles=20, from_outbreak_areas=10, declared=10, tested=10, positive=0,
                 quarantined=0)
    rows = [dict(date=d, checkpoint_id="X", **quiet) for d in dates[:7]]
    rows.append(dict(date=dates[7], checkpoint_id="X", people_in=100, people_out=60, vehicles=30, from_outbreak_areas=50,
                     declared=48, tested=40, positive=2, quarantined=12))
    rows.append(dict(date=dates[7], checkpoint_id="Y", people_in=900, people_out=900, vehicles=5, from_outbreak_areas=10,
                     declared=10, tested=10, positive=0, quarantined=0))
    return pd.DataFrame(rows)


def test_rates_of_a_day():
    summary = day_summary(checkpoint_days(), "2021-08-08").set_index("checkpoint_id")
    assert summary.loc["X", "flow"] == 160
    assert summary.loc["X", "positivity_pct"] == pytest.approx(5.0)  # 2 / 40
    assert summary.loc["X", "declared_pct"] == pytest.approx(96.0)   # 48 / 50
    assert summary.loc["X", "tested_pct"] == pytest.approx(80.0)     # 40 / 50
    both = total(summary)
    assert both["people_in"] == 1000 and both["positivity_pct"] == pytest.approx(4.0)  # 2 / 50


def test_risk_notes_by_hand():
    # X: positive (2 of 40); flow 160 > 1.5 x 100 (mean of the previous 7 days); 50 - 40 = 10 untested.
    # Y: no history, so no flow note however busy; no positive; everybody tested.
    notes = risk_notes(checkpoint_days(), "2021-08-08")
    assert notes[["checkpoint_id", "kind", "value", "reference"]].values.tolist() == [
        ["X", "positive", 2, 40], ["X", "flow_surge", 160, 100], ["X", "untested", 10, 50]]
    assert risk_notes(checkpoint_days(), "2021-08-08", ratio=1.7)["kind"].tolist() == ["positive", "untested"]
    assert risk_notes(checkpoint_days(), "2021-08-05").empty


def test_the_95_percent_target_over_7_days():
    # days 1-7: 70 of 70 declared and tested -> met on day 7 (the first full week), unknown before.
    # days 2-8: 60 + 48 = 108 of 110 declared (98.2%), 60 + 40 = 100 tested (90.9%) -> missed.
    progress = target_progress(checkpoint_days()[lambda f: f["checkpoint_id"] == "X"]).set_index("date")
    assert pd.isna(progress.loc["2021-08-06", "target_met"])
    assert progress.loc["2021-08-07", "target_met"] == True  # noqa: E712 (a nullable boolean)
    assert progress.loc["2021-08-08", "declared_pct"] == pytest.approx(108 / 110 * 100)
    assert progress.loc["2021-08-08", "tested_pct"] == pytest.approx(100 / 110 * 100)
    assert progress.loc["2021-08-08", "target_met"] == False  # noqa: E712


def test_end_of_day_report_in_both_languages():
    counts = checkpoint_days()
    notes = risk_notes(counts, "2021-08-08")
    summary = total(day_summary(counts, "2021-08-08"))
    vi = end_of_day_report(summary, notes, {"X": "Cửa khẩu X"}, "Tất cả", "2021-08-08", "simulated", "vi")
    assert "08/08/2021" in vi and "Cửa khẩu X: 2 ca dương tính trên 40 người được xét nghiệm" in vi
    assert "Lượt người vào: 1.000" in vi and "mô phỏng" in vi
    en = end_of_day_report(summary, notes.iloc[0:0], {}, "All", "2021-08-08", "observed", "en")
    assert "No risk note." in en and "observed" in en


def test_checkpoint_points_and_map():
    sites = pd.DataFrame({"checkpoint_id": ["X", "Y", "Z"], "name": ["Gate X", "Post <Y>", "Z"],
                          "kind": ["border_gate", "control_post", "control_post"], "district_name": ["A", "B", "C"],
                          "lon": [107.9, 106.8, 106.5], "lat": [21.5, 20.9, 21.1]})
    day = with_rates(checkpoint_days()[lambda f: f["date"] == "2021-08-08"])
    points = checkpoint_points(sites, day, "vi").set_index("checkpoint_id")
    assert points.loc["X", "fill"][:3] == rgba("#F2A93B")[:3], "2 positives: the 1-2 class"
    assert points.loc["Z", "fill"][:3] == rgba(UNKNOWN_COLOR)[:3], "a checkpoint without a report is grey"
    assert "không báo cáo" in points.loc["Z", "tooltip"]
    assert "&lt;Y&gt;" in points.loc["Y", "tooltip"], "names are escaped in the tooltip HTML"
    assert points.loc["Y", "radius"] == pytest.approx(28) and points.loc["X", "radius"] < 28
    deck = json.loads(checkpoint_deck(points.reset_index(), ["193", "194"], "vi").to_json())
    layer = next(l for l in deck["layers"] if l["id"] == CHECKPOINT_LAYER)
    assert layer["radiusUnits"] == "pixels" and len(layer["data"]) == 3
    ground = next(l for l in deck["layers"] if l["id"] == GROUND_LAYER)
    assert isinstance(ground["data"], str) and '"coordinates"' not in json.dumps(deck), \
        "the outlines come from the static map files, not with every run"
    assert "provinces_map" in ground["data"] and fills_of(ground["getFillColor"])[22] == rgba(GROUND_FILL), \
        "Quảng Ninh's districts lie on its province's ground (63 polygons, not 705)"
    one = json.loads(checkpoint_deck(points.reset_index(), ["193"], "vi").to_json())
    ground = next(l for l in one["layers"] if l["id"] == GROUND_LAYER)
    assert "districts_map" in ground["data"] and fills_of(ground["getFillColor"])[193] == rgba(GROUND_FILL), \
        "a single district's view fills that district"
    view = deck["initialViewState"]  # Z (106.5 E) is west of Hạ Long and Móng Cái: the view reaches it
    west = view["longitude"] - 900 / 2 / (512 * 2 ** view["zoom"] / 360)
    assert west < 106.5 < view["longitude"]


def test_positive_classes_and_radius():
    classes = positive_class(pd.Series([0, 1, 2, 3, 9, 10, np.nan]))
    assert classes.tolist()[:6] == [0, 1, 1, 2, 2, 3] and pd.isna(classes.iloc[6])
    assert radius_px(pd.Series([0.0, 25.0, 100.0])).tolist() == pytest.approx([5, 14, 28])  # 28 x sqrt(1/4) = 14
    assert radius_px(pd.Series([np.nan, np.nan])).tolist() == [5, 5]


# ---------------------------------------------------------------- supplies, tracing, testing


def test_days_of_cover_by_hand():
    # a: 700 in stock, 100 used a day -> 7 days (low, under 14); b: never used -> infinite cover;
    # c: 30 used over the last 7 days -> 30/7 a day, 60 in stock -> 14 days (not low)
    dates = pd.date_range("2021-08-01", periods=7)
    rows = [dict(date=d, item="a", unit="set", stock=700, used=100) for d in dates]
    rows += [dict(date=d, item="b", unit="kg", stock=5, used=0) for d in dates]
    rows += [dict(date=d, item="c", unit="litre", stock=60, used=10 if i >= 4 else 0) for i, d in enumerate(dates)]
    cover = days_of_cover(pd.DataFrame(rows), "2021-08-07", window=7, low_days=14).set_index("item")
    assert cover.loc["a", "days_of_cover"] == pytest.approx(7) and cover.loc["a", "low"] == True  # noqa: E712
    assert math.isinf(cover.loc["b", "days_of_cover"]) and cover.loc["b", "low"] == False  # noqa: E712
    assert cover.loc["c", "used_per_day"] == pytest.approx(30 / 7)
    assert cover.loc["c", "days_of_cover"] == pytest.approx(14) and cover.loc["c", "low"] == False  # noqa: E712


def test_admissions_estimated_from_people_present():
    # 140 present every day with 14-day stays: 140 / 14 = 10 leave and 10 arrive each day; the first day
    # counts all 140; then 150 present: 150 - 140 + 10 = 20 arrived.
    admitted = estimated_admissions(pd.Series([140.0, 140.0, 140.0, 150.0]), np.full(4, 14.0))
    assert admitted.tolist() == pytest.approx([140, 10, 10, 20])
    assert estimated_admissions(pd.Series([100.0, 0.0]), np.full(2, 10.0)).tolist() == [100, 0], "never negative"


def test_stays_follow_the_periods():
    dates = pd.Series(pd.to_datetime(["2021-05-04", "2021-05-05", "2021-10-11", "2022-03-01"]))
    assert stay_days(dates, "centralized_days").tolist() == [14, 21, 10, 7]
    assert stay_days(dates, "home_days").tolist() == [14, 14, 7, 7]


def test_cumulative_totals_start_on_the_chosen_day():
    daily = pd.DataFrame({"date": pd.date_range("2021-05-10", periods=4), "new_cases": [5, 1, 2, 3],
                          "f1_identified": [50, 10, 20, 30], "f2_identified": [0, 1, 1, 1],
                          "centralized_quarantine": [210, 210, 210, 231], "home_isolation": [0, 0, 14, 14],
                          "tracing_source": ["simulated"] * 4})
    frame = with_totals(daily, "2021-05-11")
    assert frame["cum_new_cases"].tolist() == [1, 3, 6]
    assert frame["cum_f1_identified"].tolist() == [10, 30, 60]
    # 210 present with 21-day stays: 210 on the first day, then 10 a day, then 231 - 210 + 10 = 31
    assert frame["cum_centralized_quarantine"].tolist() == pytest.approx([210, 220, 251])
    # home: 0, then 14 arrive, then 14 - 14 + 14/14 = 1
    assert frame["cum_home_isolation"].tolist() == pytest.approx([0, 14, 15])


def test_a_cumulative_total_estimated_from_simulated_counts_is_simulated():
    """Least real wins (indicators.origin): the totals are estimated from the present counts, so simulated
    counts give a simulated total and observed ones an estimated total, never the other way round."""
    daily = pd.DataFrame({"date": pd.date_range("2021-05-10", periods=3), "new_cases": [1, 1, 1],
                          "f1_identified": [1, 1, 1], "f2_identified": [1, 1, 1],
                          "centralized_quarantine": [10, 10, 10], "home_isolation": [5, 5, 5],
                          "tracing_source": ["simulated", "observed", "mixed"]})
    assert with_totals(daily, "2021-05-10")["cumulative_quarantine_source"].tolist() == [
        "simulated", "estimated", "estimated"]


def test_pcr_reactions_and_positivity():
    # 100 samples of which 50 pooled by 5 -> 50 + 10 = 60 reactions of 120 (50%); 52 pooled -> ceil(10.4) = 11
    daily = pd.DataFrame({"samples": [100, 102, 0], "pooled_samples": [50, 52, 0], "positives": [2, 0, 0],
                          "pcr_capacity": [120, 120, 0]})
    out = pcr_workload(daily, pool_size=5)
    assert out["pcr_reactions"].tolist() == [60, 61, 0]
    assert out["capacity_used_pct"].iloc[0] == pytest.approx(50)
    assert out["positivity_pct"].iloc[0] == pytest.approx(2)
    assert out[["capacity_used_pct", "positivity_pct"]].iloc[2].isna().all(), "no samples, no rate"


def test_the_checkpoint_catalogue_counts_each_kind_per_province():
    sites = pd.DataFrame({"province_code": ["11", "11", "11", "22"],
                          "province_name": ["Điện Biên", "Điện Biên", "Điện Biên", "Quảng Ninh"],
                          "kind": ["border_gate", "control_post", "control_post", "border_gate"]})
    listed = catalogue(sites)
    assert listed.to_dict("records") == [
        {"province_code": "11", "province_name": "Điện Biên", "border_gate": 1, "control_post": 2},
        {"province_code": "22", "province_name": "Quảng Ninh", "border_gate": 1, "control_post": 0}]
    assert catalogue_totals(listed) == {"gates": 2, "gate_provinces": 2, "posts": 2, "post_provinces": 1}
