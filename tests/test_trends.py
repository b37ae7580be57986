"""The data behind the Trends page's charts: pure frames, their SQL, golden series for Điện Biên in May 2021."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from charts import epicurve as epicurve_module
from charts.epicurve import curve_figure, epicurve
from charts.rt import growth_figure, positivity_figure, rt_figure
from charts.trends import (bands_figure, capacity_figure, comparison_figure, load_figure, portal_figure,
                           small_multiples_figure, targets_figure)
from data import db, metrics
from data import trends as trend_data
from data.db import Area, query
from indicators.levelstyle import UNKNOWN_COLOR
from indicators.rulesets import load_ruleset
from tests.apptest import chart_words, series_names
from trends import compare, levels, load, rt, series, vaccination, views

GOLDEN = Path(__file__).parent / "golden" / "trends_dien_bien_2021-05.csv"
DIEN_BIEN = Area(db.PROVINCE, "11")
MAY_START, MAY_END = dt.date(2021, 5, 1), dt.date(2021, 5, 31)


def golden_frame(con) -> pd.DataFrame:
    """Điện Biên, May 2021: the published daily cases, their 7-day average, growth and Rt, as the page draws them."""
    history = trend_data.case_series(con, DIEN_BIEN, series.lead_start(MAY_START), MAY_END)
    curve = series.curve(metrics.of_area(con, DIEN_BIEN, MAY_START, MAY_END), "new_cases", MAY_END)
    transmission = trend_data.transmission_series(con, DIEN_BIEN, series.lead_start(MAY_START), MAY_END)
    estimate = rt.rt(transmission, MAY_START, MAY_END)
    columns = ["date", "value", "avg7", "avg7_per_100k", "cases_7d", "growth_per_day"]
    return curve[columns].merge(estimate[["date", "mean", "lower", "upper", "reliable"]], on="date", how="left")


def write_golden(db_path: Path) -> None:
    """Regenerate the golden file (run by hand after a deliberate change, then review the diff)."""
    con = db.connect(db_path, read_only=True)
    GOLDEN.parent.mkdir(exist_ok=True)
    golden_frame(con).to_csv(GOLDEN, index=False, float_format="%.10g")


# ------------------------------------------------------------------ golden: Điện Biên, May 2021


def test_dien_bien_may_2021_matches_the_golden_series(small_con):
    expected = pd.read_csv(GOLDEN, parse_dates=["date"])
    actual = golden_frame(small_con)
    pd.testing.assert_frame_equal(actual.reset_index(drop=True), expected, check_dtype=False, rtol=1e-8)


def test_dien_bien_golden_series_is_the_published_one(small_con):
    """Anchors the golden file to the Ministry's figures: 1, 2, 12, 7, 7, 1, 9 cases on 14–20 May."""
    frame = golden_frame(small_con).set_index("date")
    assert frame.loc["2021-05-14":"2021-05-20", "value"].tolist() == [1, 2, 12, 7, 7, 1, 9]
    assert frame.loc["2021-05-20", "avg7"] == pytest.approx(39 / 7)
    assert frame["value"].sum() == 56
    rt_may = frame.loc[frame["reliable"].astype(bool), "mean"]
    assert len(rt_may) and (rt_may.loc[:"2021-05-20"] > 1).all(), "the May cluster grew before it was contained"
    estimated = frame.dropna(subset=["mean"])
    assert (estimated["lower"] <= estimated["mean"]).all() and (estimated["mean"] <= estimated["upper"]).all()


# ------------------------------------------------------------------ series


def frame_like(values, observed=None, start="2021-05-01") -> pd.DataFrame:
    """A few rows shaped like an area's metrics frame (data.metrics), for the layout of a curve."""
    dates = pd.date_range(start, periods=len(values), freq="D")
    values = pd.Series(values, dtype="float64")
    return pd.DataFrame({"date": dates, "new_cases": values,
                         "observed_cases": values if observed is None else pd.Series(observed, dtype="float64"),
                         "new_cases_7d": values * 7, "new_cases_prev_7d": values * 7, "cases_per_100k_7d": values * 7,
                         "new_cases_per_100k": values,
                         "cases_growth_rate": 0.0, "cases_doubling_time_days": np.nan,
                         "cases_halving_time_days": np.nan, "cases_origin": "observed",
                         "cases_7d_origin": "observed", "cases_14d_origin": "observed"})


def test_a_curve_lays_out_the_frame_and_marks_the_last_three_days_provisional():
    curve = series.curve(frame_like([5, 5, 5, 5]), "new_cases", "2021-05-04")
    assert curve["avg7"].tolist() == [5, 5, 5, 5] and curve["per_100k_7d"].iloc[0] == 35
    assert curve["provisional"].tolist() == [False, True, True, True]


def test_span_labels_never_overlap_and_the_last_days_keep_theirs():
    """Six months of July 2021 gaps (HCMC): one top row of words, right to left, none over another."""
    day = pd.Timestamp
    spans = pd.DataFrame({"start": [day("2021-07-21"), day("2021-06-05"), day("2021-07-01"), day("2021-07-08"),
                                    day("2021-07-15")],
                          "end": [day("2021-07-24"), day("2021-06-06"), day("2021-07-03"), day("2021-07-09"),
                                  day("2021-07-19")],
                          "label": ["tạm tính", *["chưa có số liệu"] * 4], "opacity": 0.2})
    placed = epicurve_module._fitting_labels(spans, day("2021-01-24"), day("2021-07-24"))
    kept = placed[placed["label"] != ""].sort_values("at")
    assert kept["label"].tolist() == ["chưa có số liệu", "chưa có số liệu", "tạm tính"]
    assert (kept["align"] == "right").all()
    day_px = epicurve_module.PLOT_MIN_PX / 181
    widths = kept["label"].str.len() * epicurve_module.CHAR_PX / day_px
    starts = kept["at"] - pd.to_timedelta(widths, unit="D")
    assert (starts.iloc[1:].to_numpy() >= kept["at"].iloc[:-1].to_numpy()).all(), "a label over the one on its left"
    # a gap running into the last days is labelled just left of their label, not under it
    under = pd.DataFrame({"start": [day("2022-06-08"), day("2022-05-26")], "end": [day("2022-06-11")] * 2,
                          "label": ["tạm tính", "chưa có số liệu"], "opacity": 0.2})
    placed = epicurve_module._fitting_labels(under, day("2022-05-01"), day("2022-06-11"))
    assert placed["label"].tolist() == ["tạm tính", "chưa có số liệu"] and placed["at"].iloc[1] < day("2022-06-11")
    # a gap at the chart's left edge starts its words at the gap, inside the chart
    edge = pd.DataFrame({"start": [day("2021-10-15"), day("2021-07-20")], "end": [day("2021-10-18"), day("2021-07-23")],
                         "label": ["tạm tính", "chưa có số liệu"], "opacity": 0.2})
    placed = epicurve_module._fitting_labels(edge, day("2021-07-20"), day("2021-10-18"))
    assert placed[["label", "align"]].values.tolist() == [["tạm tính", "right"], ["chưa có số liệu", "left"]]
    assert placed["at"].iloc[1] == day("2021-07-20")


def test_stacked_words_are_spaced_for_the_type_they_are_drawn_in():
    """The curve's labelled dumps stand in rows one line of text apart, on the page and on a slide's larger type."""
    import altair as alt

    from charts import TEXT_ROW, finish, presentation, text_row_param, text_row_px

    words = alt.Chart(pd.DataFrame({"x": [1, 2], "row": [1, 2], "label": ["a", "b"]})).mark_text().encode(
        x="x:Q", y=alt.Y("top:Q", scale=None), text="label:N").transform_calculate(top=f"4 + {TEXT_ROW} * datum.row")
    page = finish(alt.layer(words).add_params(text_row_param()), "vi")
    slide = presentation(page, "vi", 24)
    page_row, slide_row = (next(p["value"] for p in chart.to_dict()["params"] if p["name"] == TEXT_ROW)
                           for chart in (page, slide))
    assert page_row == text_row_px() and slide_row == text_row_px(24) > page_row


def test_estimated_part_and_source_of_each_day():
    curve = series.curve(frame_like([4, 4, 4], observed=[4, 1, 0]), "new_cases", "2021-05-03")
    assert curve["estimated"].tolist() == [0, 3, 4]
    assert curve["source"].tolist() == ["observed", "mixed", "estimated"]
    assert series.overall_source(curve["source"]) == "mixed"
    assert series.overall_source(pd.Series(["estimated", "estimated"])) == "estimated"


# ------------------------------------------------------------------ comparisons


UNITS = pd.DataFrame({
    "unit": ["VN", "11", "103", "498"],
    "level": ["country", "province", "district", "district"],
    "name": ["", "Tỉnh Điện Biên", "Huyện Nậm Pồ", "Huyện Hoàng Sa"],
    "parent": ["", "", "Tỉnh Điện Biên", "Thành phố Đà Nẵng"],
    "province_code": [None, "11", "11", "48"],
    "population": [1_000_000, 600_000, 70_000, 0],
})


def test_labels_name_the_province_of_a_district():
    labels = compare.unit_labels(UNITS, "Toàn quốc")
    assert labels.to_dict() == {"VN": "Toàn quốc", "11": "Tỉnh Điện Biên", "103": "Huyện Nậm Pồ (Điện Biên)",
                                "498": "Huyện Hoàng Sa (Đà Nẵng)"}
    assert compare.unit_labels(UNITS, "Toàn quốc", with_parent=False)["103"] == "Huyện Nậm Pồ"


def test_incidence_of_several_units_ranked_by_the_last_day(small_con):
    frame = views.incidence(small_con, ("VN", "11", "103", "498"), dt.date(2021, 5, 8), dt.date(2021, 5, 24),
                            "Toàn quốc", True)
    last = frame[frame["date"] == "2021-05-24"].set_index("unit")
    on_day = metrics.of_keys(small_con, ["VN", "11", "103"], dt.date(2021, 5, 24), dt.date(2021, 5, 24))
    for unit, row in on_day.set_index("unit_code").iterrows():
        assert last.loc[unit, "avg7_per_100k"] == pytest.approx(row["cases_per_100k_7d"] / 7)
    assert "498" not in last.index or np.isnan(last.loc["498", "avg7_per_100k"]), "no population, no rate"
    assert last.loc["11", "source"] == "observed"
    assert compare.ranked(frame)[0] in {"103", "11", "VN"}


def test_level_changes_are_judged_against_the_last_known_level():
    weekly = pd.DataFrame({"week_start": pd.date_range("2021-05-03", periods=5, freq="W-MON"),
                           "level": pd.array([1, 2, None, 2, 4], dtype="Int64"), "inputs_source": "simulated"})
    ruleset = load_ruleset("vn-2021-qd4800")
    band = levels.bands(weekly, ruleset, "vi")
    assert band["changed"].tolist() == [False, True, False, False, True]
    assert band["change_text"].tolist() == ["", "1→2", "", "", "2→4"]
    assert band["color"].iloc[2] == UNKNOWN_COLOR, "an unknown week is grey, never green"
    english = levels.bands(weekly, ruleset, "en", colorblind=True)
    assert english["label"].iloc[2] == "No data" and english["color"].iloc[0] == ruleset.level(1).color_colorblind


def test_band_reads_the_classified_view_the_map_reads(small_con):
    """The band is the stored history of the unit (data.levels), so it agrees with the map by construction."""
    from data import levels as stored

    ruleset = load_ruleset("vn-2021-qd4800")
    band = levels.stored_band(stored.history(small_con, ruleset.id, Area(db.DISTRICT, "103"),
                                             dt.date(2021, 9, 6), dt.date(2021, 12, 27))).set_index("week_start")
    assert len(band) > 10 and (band.index.day_of_week == 0).all()
    for week in band.index[::4]:
        on_map = stored.week_levels(small_con, ruleset.id, week.date()).loc["103", "level"]
        assert band.loc[week, "level"] is pd.NA and on_map is pd.NA or band.loc[week, "level"] == on_map
    province = stored.history(small_con, ruleset.id, DIEN_BIEN, dt.date(2021, 9, 6), dt.date(2021, 12, 27))
    assert province["level"].dropna().between(1, 4).all() and len(province) == len(band)
    assert set(province["inputs_origin"]) == {"simulated"}, "coverage and beds are simulated in the built-in data"


def test_the_default_band_judges_each_week_by_the_rules_in_force_when_it_ended(small_con):
    """Over a period across 27/01/2022 the band does not judge October 2021 by a decision of 2022, nor January's
    last week by the one QĐ 218 replaced: each week is stored under both and shown under the one in force."""
    from data import levels as stored

    band = views.level_band_in_force(small_con, DIEN_BIEN, dt.date(2021, 12, 1), dt.date(2022, 1, 31))
    by_week = band.set_index("week_start")["ruleset_id"]
    assert by_week[pd.Timestamp("2022-01-17")] == "vn-2021-qd4800", "ended 23/01, before QĐ 218"
    assert by_week[pd.Timestamp("2022-01-24")] == "vn-2022-qd218", "ended 30/01, under QĐ 218"
    assert band["week_start"].is_monotonic_increasing and band["week_start"].is_unique
    for week, ruleset_id in by_week.items():
        stored_level = stored.week_levels(small_con, ruleset_id, week.date(), db.PROVINCE).loc["11", "level"]
        shown = band.set_index("week_start").loc[week, "level"]
        assert shown is pd.NA and stored_level is pd.NA or shown == stored_level
    rulesets = {ruleset_id: load_ruleset(ruleset_id) for ruleset_id in ("vn-2021-qd4800", "vn-2022-qd218")}
    styled = levels.bands(band, rulesets, "vi").set_index("week_start")
    last = styled.loc[pd.Timestamp("2022-01-24")]
    assert last["label"] == rulesets["vn-2022-qd218"].level(int(last["level"])).label("vi")
    assert last["ruleset_name"] == rulesets["vn-2022-qd218"].name("vi"), "a week's tooltip names its rules"
    assert styled.loc[pd.Timestamp("2022-01-17"), "ruleset_name"] == rulesets["vn-2021-qd4800"].name("vi")


def test_positivity_is_the_frame_s_and_the_national_rate_is_in_percent(small_con):
    national = pd.DataFrame({"date": pd.date_range("2021-05-23", periods=2), "positive_rate": [0.031, 0.05]})
    area_metrics = metrics.of_area(small_con, DIEN_BIEN, dt.date(2021, 5, 23), dt.date(2021, 5, 24))
    frame = rt.positivity(area_metrics, national).set_index("date")
    assert frame["positivity_pct"].tolist() == area_metrics["test_positivity_pct"].tolist()
    assert frame.loc["2021-05-23", "national_positivity_pct"] == pytest.approx(3.1)
    assert frame["national_source"].eq("observed").all() and frame["source"].eq("simulated").all()


def census_bands() -> pd.DataFrame:
    bands = [f"{age:02d}-{age + 4:02d}" for age in range(0, 85, 5)] + ["85+"]
    return pd.DataFrame({"age_group": bands, "population": [1000] * len(bands)})


def test_band_populations_split_census_bands_by_years():
    population = vaccination.band_population(census_bands())
    assert population["05-11"] == pytest.approx(1000 + 2 / 5 * 1000)
    assert population["12-17"] == pytest.approx(3 / 5 * 1000 + 3 / 5 * 1000)
    assert population["18-49"] == pytest.approx(2 / 5 * 1000 + 6 * 1000)
    assert population.sum() == pytest.approx(17 * 1000)  # everyone aged 5 and over


def test_an_area_the_census_counts_nobody_in_has_bands_of_nobody_and_coverage_unknown():
    """Huyện Hoàng Sa has no census rows: its briefing's vaccination slide crashed on the empty lookup."""
    population = vaccination.band_population(census_bands().iloc[0:0])
    assert list(population) == [0.0] * len(population)
    shares = vaccination.capped(pd.DataFrame({"people": [0.0], "population": [population["18-49"]]}))
    assert shares["coverage_pct"].isna().all() and not shares["beyond_population"].any()


def test_target_lines_are_the_metrics_frames_and_no_band_shows_above_100_percent():
    weeks = pd.date_range("2021-09-06", periods=2, freq="7D")
    rows = [(week, band, dose, 100 * (i + 1) if band != "18-49" else 10_000, "simulated")
            for i, week in enumerate(weeks) for band in ("05-11", "12-17", "18-49", "50-64", "65+")
            for dose in vaccination.DOSES]
    days = pd.date_range("2021-09-06", "2021-09-19")
    figures = pd.DataFrame({"date": days, "pct_18plus_dose1": 100.0, "people_18plus_dose1": 20_200,
                            "coverage_population_18plus": 14_400, "pct_50plus_full": 5.0, "people_50plus_full": 400,
                            "population_50plus": 8000, "vaccinated_beyond_population": True,
                            "pct_18plus_dose1_origin": "simulated", "pct_50plus_full_origin": "simulated"})
    frame = vaccination.coverage(pd.DataFrame(rows, columns=["date", "age_group", "dose", "people", "source"]),
                                 census_bands(), figures)
    adults = frame[frame["group"] == "adults_dose1"].set_index("date")
    assert list(adults.index) == list(weeks)  # on the weekly records only
    assert adults["coverage_pct"].eq(100.0).all() and adults["beyond_population"].all()
    assert adults["target_pct"].eq(70).all()
    over_50 = frame[frame["group"] == "over50_full"]
    assert over_50["target_pct"].eq(80).all() and over_50["coverage_pct"].eq(5.0).all()
    band = frame[(frame["group"] == "18-49") & (frame["dose"] == "dose1")]
    assert band["coverage_pct"].eq(100.0).all() and band["beyond_population"].all()  # 10,000 of 6,400
    assert frame["coverage_pct"].max() <= 100.0


def test_whole_population_keeps_the_portal_figures_as_published():
    snapshots = pd.DataFrame({"date": [pd.Timestamp("2021-11-15")], "population": [600_000],
                              "population_18plus": [400_000], "people_dose1": [300_000], "people_dose2": [120_000],
                              "doses_total": [420_000], "source": ["observed"]})
    empty = pd.DataFrame(columns=["date", "age_group", "dose", "people", "source"])
    frame = vaccination.whole_population(empty, 0, snapshots)
    assert frame[["dose", "people", "coverage_pct"]].values.tolist() == [["dose1", 300_000, 50.0],
                                                                         ["full", 120_000, 20.0]]


def test_whole_population_shows_a_provinces_published_figures_as_points_the_line_goes_through(small_con):
    """Yên Bái's bulletin of 11/10/2021 (province_vaccination_anchors.csv): 405,726 people with a dose, drawn over the
    portal's population beside the estimate, as points of their own in the legend. A percentage of adults is a point
    too, of the first snapshot's adults as the estimate reads it (Quảng Ninh, 31/10/2021: 96 % with a dose); a floor
    ("at least 95 %") is not a figure."""
    anchors = trend_data.vaccination_anchors(small_con, Area(db.PROVINCE, "15"), dt.date(2021, 10, 1),
                                             dt.date(2021, 10, 20))
    assert anchors[["dose", "people"]].values.tolist() == [["dose1", 405_726], ["full", 50_694]]
    assert anchors["source_url"].str.contains("baoyenbai").all()
    assert trend_data.vaccination_anchors(small_con, Area(db.COUNTRY, None)).empty  # each anchor is one province's
    quang_ninh = trend_data.vaccination_anchors(small_con, Area(db.PROVINCE, "22"), dt.date(2021, 10, 31),
                                                dt.date(2021, 11, 14))
    adults = query(small_con, """SELECT population_18plus FROM province_vaccination_snapshots
                                 WHERE province_code = '22' ORDER BY date LIMIT 1""").iloc[0, 0]
    assert quang_ninh[["dose", "people"]].values.tolist() == [["dose1", round(0.96 * adults)],  # 31/10
                                                              ["full", round(0.868 * adults)]]  # MOH, ~7/11
    estimates = pd.DataFrame({"date": [pd.Timestamp("2021-10-11")], "province_code": ["15"],
                              "people_dose1": [405_726], "people_full": [50_694], "population": [821_030],
                              "source": ["estimated"]})
    empty = pd.DataFrame(columns=["date", "age_group", "dose", "people", "source"])
    no_snapshot = pd.DataFrame(columns=["date", "population", "people_dose1", "people_dose2", "source"])
    frame = vaccination.whole_population(empty, 0, no_snapshot, estimates, anchors)
    points = frame[frame["kind"] == vaccination.ANCHOR]
    assert points["source"].eq("observed").all() and points["population"].eq(821_030).all()
    assert points["coverage_pct"].round(1).tolist() == [49.4, 6.2]
    names = trace_names(portal_figure(frame, "vi"))
    assert {"≥1 mũi, số tỉnh công bố — số liệu thực", "Đủ liều, số tỉnh công bố — số liệu thực"} <= set(names)


# ------------------------------------------------------------------ SQL on the small database


def test_province_and_country_cases_are_the_published_series(small_con):
    published = db.query(small_con, "SELECT date, new_cases, new_deaths FROM province_cases WHERE province_code = '11' "
                                    "ORDER BY date")
    served = trend_data.case_series(small_con, DIEN_BIEN)
    pd.testing.assert_frame_equal(served[["date", "new_cases", "new_deaths"]], published, check_dtype=False)
    assert (served["observed_cases"] == served["new_cases"]).all()
    country = trend_data.case_series(small_con, Area(db.COUNTRY), "2021-07-01", "2021-07-31")
    total = db.query(small_con, "SELECT SUM(new_cases) FROM province_cases WHERE date BETWEEN '2021-07-01' AND "
                                "'2021-07-31'").iloc[0, 0]
    assert country["new_cases"].sum() == total


def test_district_cases_say_which_are_observed(small_con):
    frame = trend_data.case_series(small_con, Area(db.DISTRICT, "103"), "2021-05-01", "2021-08-31")
    july = frame[pd.to_datetime(frame["date"]) > "2021-07-13"]
    assert (july["observed_cases"] == 0).all(), "after the announcement window district cases are estimated"
    assert frame["observed_cases"].sum() > 0


def test_metrics_of_a_mix_of_unit_levels(small_con):
    frame = metrics.of_keys(small_con, ["VN", "11", "103"], dt.date(2021, 5, 1), dt.date(2021, 5, 31))
    assert set(frame["unit_code"]) == {"VN", "11", "103"}
    by_unit = frame.groupby("unit_code")["new_cases"].sum()
    assert by_unit["11"] == 56 and by_unit["VN"] >= by_unit["11"]
    units = trend_data.units(small_con)
    assert {"VN", "11", "103"} <= set(units["unit"]) and units.set_index("unit").at["103", "parent"] == "Tỉnh Điện Biên"


def test_vaccination_series_and_snapshots(small_con):
    weekly = trend_data.vaccination_series(small_con, DIEN_BIEN, "2021-04-01", "2022-01-31")
    assert set(weekly["dose"]) <= set(vaccination.DOSES) and (weekly["source"] == "simulated").all()
    snapshots = trend_data.vaccination_snapshots(small_con, DIEN_BIEN)
    assert len(snapshots) and (snapshots["source"] == "observed").all()
    assert trend_data.vaccination_snapshots(small_con, Area(db.DISTRICT, "103")).empty


# ------------------------------------------------------------------ figures say where their figures come from


def trace_names(chart) -> list[str]:
    """The chart's series names (its legend's entries)."""
    return series_names(chart.to_dict())


def rows_of(spec: dict) -> list[dict]:
    """Every row of every dataset of a chart's spec."""
    return [row for dataset in spec["datasets"].values() for row in dataset]


def test_every_figure_labels_its_sources(small_con):
    # Nậm Pồ, May to December 2021: announced by district in May, estimated from the province's count later
    history = trend_data.case_series(small_con, Area(db.DISTRICT, "103"), series.lead_start(MAY_START),
                                     dt.date(2021, 12, 31))
    curve = views.curve(small_con, Area(db.DISTRICT, "103"), "new_cases", MAY_START, dt.date(2021, 12, 31))
    names = trace_names(curve_figure(curve, "vi", "Ca mắc mới", per_100k=True, log=True))
    assert any("số liệu thực" in name for name in names) and any("ước tính" in name for name in names)

    load_frame = load.load(metrics.of_area(small_con, DIEN_BIEN, MAY_START, MAY_END))
    for fig in (load_figure(load_frame, "en"), capacity_figure(load_frame, "en")):
        assert all("simulated" in name for name in trace_names(fig))

    coverage = views.coverage(small_con, DIEN_BIEN, dt.date(2021, 3, 1), dt.date(2022, 12, 31))
    assert all("mô phỏng" in name for name in trace_names(targets_figure(coverage, "vi")))
    assert all("mô phỏng" in name for name in trace_names(bands_figure(coverage, "full", "vi")))
    whole = vaccination.whole_population(trend_data.vaccination_series(small_con, DIEN_BIEN), 598_856,
                                         trend_data.vaccination_snapshots(small_con, DIEN_BIEN))
    names = trace_names(portal_figure(whole, "vi"))
    assert any("số liệu thực" in name for name in names) and any("mô phỏng" in name for name in names)
    estimated = views.whole_population(small_con, DIEN_BIEN, dt.date(2021, 3, 1), dt.date(2022, 12, 31))
    names = trace_names(portal_figure(estimated, "vi"))
    assert sorted(names) == sorted([f"Toàn dân {dose} — {origin}" for dose in ("≥1 mũi", "đủ liều")
                                    for origin in ("số liệu thực", "một phần thực, một phần ước tính")]), \
        "a province's lines are its estimate from the record, not the simulated split"

    tests = views.positivity(small_con, DIEN_BIEN, MAY_START, MAY_END)
    assert all("mô phỏng" in name for name in trace_names(positivity_figure(tests, "vi")))
    assert any("số liệu thực" in name for name in trace_names(rt_figure(rt.rt(
        trend_data.transmission_series(small_con, DIEN_BIEN, series.lead_start(MAY_START), MAY_END), MAY_START, MAY_END),
        "vi", "observed")))
    assert "số liệu thực" in chart_words(growth_figure(curve, "vi", "observed").to_dict()), "in its hover"


def test_the_growth_chart_spans_the_whole_period_where_growth_is_not_computed():
    """Điện Biên's last days of May 2021 have too few cases for a growth (data.metrics): the bars stop, the time axis
    does not, so the chart never seems to end early."""
    frame = pd.DataFrame({"date": pd.date_range("2021-05-01", periods=10), "growth_per_day": [0.1] * 3 + [np.nan] * 7,
                          "doubling_days": [6.9] * 3 + [np.nan] * 7, "halving_days": np.nan})
    first, last = growth_figure(frame, "vi", "observed").to_dict()["encoding"]["x"]["scale"]["domain"]
    assert first < "2021-05-01" < "2021-05-10" < last


def test_comparison_and_small_multiples_figures(small_con):
    units = trend_data.units(small_con)
    members = units[(units["province_code"] == "11") & (units["level"] == "district")]
    frame = views.incidence(small_con, tuple(members["unit"]), MAY_START, MAY_END, "Toàn quốc", True)
    assert len(trace_names(comparison_figure(frame, "vi"))) == len(members) == 10
    grid = small_multiples_figure(frame, compare.ranked(frame), "vi", highlight="103").to_dict()
    panels = grid["facet"]["sort"]
    assert len(panels) == len({row["unit"] for row in rows_of(grid)}) == len(members)
    first = frame.loc[frame["unit"] == compare.ranked(frame)[0], "label"].iloc[0]
    assert panels[0].startswith(first), "the panel with the highest incidence comes first"


def test_overview_epicurve_keeps_its_signature(small_con):
    spec = epicurve(metrics.of_area(small_con, DIEN_BIEN, MAY_START, MAY_END), "vi").to_dict()
    assert spec["datasets"] and spec["config"]["locale"]["number"]["decimal"] == ","


if __name__ == "__main__":
    import sys

    write_golden(Path(sys.argv[1]))


# ------------------------------------------------------------------ Rt with imported cases


def _transmission(local, imported, community, start="2020-04-01") -> pd.DataFrame:
    dates = pd.date_range(start, periods=len(local), freq="D")
    return pd.DataFrame({"date": dates, "new_cases": np.add(local, imported), "imported_cases": imported,
                         "community_cases": community})


def test_rt_is_not_reliable_where_every_case_was_imported_or_in_quarantine():
    days = 60
    imported = [20] * days
    local = [15] * days  # infected, but all found already in quarantine
    frame = rt.rt(_transmission(local, imported, [0] * days), dt.date(2020, 4, 15), dt.date(2020, 5, 30))
    assert frame["mean"].notna().any() and not frame["reliable"].any()


def test_imported_cases_lower_rt_against_counting_them_as_local():
    days = 60
    community = [30] * days
    with_imports = rt.rt(_transmission(community, [30] * days, community), dt.date(2020, 4, 20), dt.date(2020, 5, 30))
    as_local = rt.rt(_transmission([60] * days, [0] * days, community), dt.date(2020, 4, 20), dt.date(2020, 5, 30))
    assert (with_imports["mean"] < as_local["mean"]).all()
    assert with_imports["mean"].iloc[-1] == pytest.approx(0.5, rel=0.05)


def test_rt_above_ten_is_never_reliable():
    local = [1] * 20 + [500] * 10
    frame = rt.rt(_transmission(local, [0] * 30, local), dt.date(2020, 4, 10), dt.date(2020, 4, 30))
    assert (frame["mean"] > 10).any()
    assert not frame.loc[frame["mean"] > 10, "reliable"].any()


def test_the_interval_band_is_not_drawn_across_hidden_windows():
    dates = pd.date_range("2021-05-01", periods=6, freq="D")
    frame = pd.DataFrame({"date": dates, "mean": [1.0, 1.1, 9.0, 9.0, 1.2, 1.3], "lower": 0.5, "upper": 2.0,
                          "reliable": [True, True, False, False, True, True]})
    spec = rt_figure(frame, "vi", "observed").to_dict()
    band = next(layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "area")
    assert band["encoding"]["y"]["field"] == "lower" and band["encoding"]["y2"]["field"] == "upper"
    days = spec["datasets"][band["data"]["name"]]
    hidden = [row["lower"] is None and row["upper"] is None for row in days]
    assert hidden == [False, False, True, True, False, False]  # the area breaks there: 1-2 May and 5-6 May


def test_a_fall_in_the_published_record_is_said_in_words():
    """Sơn La's portal figures of 18/2/2022 (1.41 M fully vaccinated between 0.77 M and 0.78 M) are kept as published;
    the chart's caption names the fall that follows them."""
    whole = pd.DataFrame({
        "date": pd.to_datetime(["2022-02-11", "2022-02-18", "2022-03-10", "2022-03-10", "2022-02-14"]),
        "dose": ["full", "full", "full", "dose1", "full"],
        "people": [770_000, 1_414_021, 778_407, 900_000, 5],
        "source": ["observed", "observed", "observed", "observed", "observed"],
        "kind": ["snapshot"] * 4 + ["series"]})  # a series row is never a published figure, observed or not
    falls = vaccination.published_falls(whole)
    assert falls[["dose", "before", "people"]].values.tolist() == [["full", 1_414_021, 778_407]]
    assert vaccination.falls_text(falls, "vi") == ("Cổng tiêm chủng công bố số thấp hơn lần trước 1 lần (giữ nguyên như "
                                                   "công bố): 10/03/2022, đủ liều cơ bản: 1.414.021 → 778.407.")


@pytest.mark.parametrize("cases_7d, cases_prev_7d, growth, doubling, halving, expected", [
    (140, 70, 0.1, 6.93, np.nan, ("Thời gian nhân đôi", "6,9 ngày")),
    (40, 80, -0.1, np.nan, 6.93, ("Thời gian giảm một nửa", "6,9 ngày")),
    (0, 5, np.nan, np.nan, np.nan, ("Thời gian nhân đôi / giảm một nửa", "Không có ca")),
    (3, 0, np.nan, np.nan, np.nan, ("Thời gian nhân đôi / giảm một nửa", "Tăng từ 0")),
    (17, 1, np.nan, np.nan, np.nan, ("Thời gian nhân đôi / giảm một nửa", "Quá ít ca để tính")),
    (25, 25, 0.0, np.nan, np.nan, ("Thời gian nhân đôi / giảm một nửa", "Không đổi")),
    (np.nan, np.nan, np.nan, np.nan, np.nan, ("Thời gian nhân đôi / giảm một nửa", "—")),
])
def test_the_doubling_card_says_in_words_why_it_has_no_time(cases_7d, cases_prev_7d, growth, doubling, halving,
                                                            expected):
    last = pd.Series({"cases_7d": cases_7d, "cases_prev_7d": cases_prev_7d, "growth_per_day": growth,
                      "doubling_days": doubling, "halving_days": halving})
    assert series.doubling_card(last, "vi") == expected
