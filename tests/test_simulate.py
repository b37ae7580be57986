"""Tests of the simulated operational data (data/simulate.py).

Small inputs: the real districts, census bands and vaccination snapshots of three provinces (Điện Biên,
Quảng Ninh, Cần Thơ: the last reports more second doses than first), with synthetic case curves.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from data import simulate, vaccination

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "data" / "sources"
PROVINCES = ["11", "22", "92"]
SEED = 17
CODES = {"province_code": str, "district_code": str}


def _synthetic_cases(districts: pd.DataFrame) -> pd.DataFrame:
    """Poisson cases from three waves (2020 small, Delta, Omicron large) scaled by district population."""
    rng = np.random.default_rng(0)
    dates = pd.date_range("2020-03-18", "2023-02-13", freq="D")
    day = np.arange(len(dates))[:, None]
    waves = [(pd.Timestamp("2020-08-01"), 30, 0.05), (pd.Timestamp("2021-08-20"), 40, 20.0), (pd.Timestamp("2022-03-10"), 25, 150.0)]
    rate = sum(peak * np.exp(-(((day - (when - dates[0]).days) / width) ** 2)) for when, width, peak in waves)
    cases = rng.poisson(rate * districts["population"].to_numpy()[None, :] / 1e5)
    deaths = rng.binomial(cases, np.where(dates < pd.Timestamp("2022-01-01"), 0.02, 0.001)[:, None])
    return pd.DataFrame({
        "date": np.repeat(dates, len(districts)),
        "district_code": np.tile(districts["district_code"].to_numpy(), len(dates)),
        "new_cases": cases.reshape(-1),
        "new_cases_adjusted": cases.reshape(-1),
        "new_deaths": deaths.reshape(-1),
    })


def _province_people() -> pd.DataFrame:
    snapshots = pd.read_csv(SOURCES / "covid/province_vaccination_snapshots.csv", dtype=CODES)
    people = vaccination.province_vaccinations(
        snapshots, pd.read_csv(SOURCES / "covid/national_owid_vietnam_to_2022-01-10.csv"),
        pd.read_csv(SOURCES / "covid/province_vaccination_anchors.csv", dtype=CODES),
        snapshots["province_code"].unique(), pd.date_range("2021-03-08", "2023-02-13", freq="7D"))
    return people[people["province_code"].isin(PROVINCES)]


@pytest.fixture(scope="module")
def inputs() -> dict:
    units = pd.read_csv(SOURCES / "admin/districts_2021.csv", dtype=CODES)
    population = pd.read_csv(SOURCES / "population/district_population_2019.csv", dtype=CODES)
    districts = units[units["province_code"].isin(PROVINCES)].merge(
        population[["district_code", "pop_total_2019"]], on="district_code").rename(columns={"pop_total_2019": "population"})
    by_age = pd.read_csv(SOURCES / "population/district_population_by_age_2019.csv", dtype=CODES)
    return {
        "district_cases": _synthetic_cases(districts),
        "districts": districts[["district_code", "district_name", "district_type", "province_code", "population"]],
        "population_by_age": by_age[by_age["district_code"].isin(districts["district_code"])],
        "province_people": _province_people(),
        "params": simulate.load_params(),
    }


@pytest.fixture(scope="module")
def tables(inputs) -> dict[str, pd.DataFrame]:
    return simulate.simulate(**inputs, seed=SEED)


def _schema_columns() -> dict[str, list[str]]:
    text = (ROOT / "data" / "schema.sql").read_text(encoding="utf-8")
    tables = {}
    for name, body in re.findall(r"CREATE TABLE (\w+) \((.*?)\n\);", text, flags=re.S):
        lines = [line.strip() for line in body.splitlines()]
        tables[name] = [line.split()[0] for line in lines if line and not line.startswith(("--", "PRIMARY"))]
    return tables


def test_columns_are_the_schema_columns_without_reported_at(tables):
    schema = _schema_columns()
    expected = {name: [c for c in schema[name] if c != "reported_at"]
                for name in ("beds", "tests", "vaccinations", "checkpoints", "checkpoint_counts", "tracing")}
    set_by_build = {"new_cases", "new_cases_adjusted", "artefact", "new_deaths", "observed_cases", "source", "deaths_source", "split_source", "load_source", "reported_at"}
    expected["case_details"] = [c for c in schema["cases"] if c not in set_by_build]
    assert {name: list(frame.columns) for name, frame in tables.items()} == expected


def test_counts_are_non_negative_integers(tables):
    for name, frame in tables.items():
        for column in frame.columns:
            if column in ("date", "district_code", "checkpoint_id", "age_group", "dose", "source", "name", "kind", "province_code"):
                continue
            values = frame[column]
            if column not in ("lon", "lat", "oxygen_supply_m3_per_day"):
                assert pd.api.types.is_integer_dtype(values), f"{name}.{column} is {values.dtype}"
            assert (values >= 0).all(), f"{name}.{column} has negative values"


def test_sources_say_simulated_and_checkpoint_places_observed(tables):
    for name in ("beds", "tests", "vaccinations", "checkpoint_counts", "tracing"):
        assert set(tables[name]["source"]) == {"simulated"}
    places = tables["checkpoints"].set_index("checkpoint_id")["source"]
    assert set(places) == {"observed", "estimated"}
    assert set(places[places == "estimated"].index) == {"DB-PHADIN", "DB-MUONGLAY", "DB-QL279", "DB-NAMPO"}


def test_same_seed_gives_the_same_tables_and_another_seed_does_not(inputs, tables):
    again = simulate.simulate(**inputs, seed=SEED)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, again[name])
    other = simulate.simulate(**inputs, seed=SEED + 1)
    assert not other["tests"]["samples"].equals(tables["tests"]["samples"])


def test_a_province_change_leaves_the_other_provinces_draws_alone(inputs, tables):
    """Each [day, district] cell has its own random numbers (data/draws.py): Điện Biên's cases doubled in 2021
    change none of Quảng Ninh's and Cần Thơ's case split or tests (they rest on their own cases), and a build of
    those two provinces alone draws the same figures for them."""
    cases, districts = inputs["district_cases"], inputs["districts"]
    dien_bien = cases["district_code"].isin(districts.loc[districts["province_code"] == "11", "district_code"])
    doubled = cases.assign(new_cases_adjusted=np.where(dien_bien & (cases["date"].dt.year == 2021),
                                                       2 * cases["new_cases_adjusted"], cases["new_cases_adjusted"]))
    others = districts.loc[districts["province_code"] != "11", "district_code"]
    alone = {**inputs, "district_cases": cases[~dien_bien], "districts": districts[districts["district_code"].isin(others)]}
    for variant in (simulate.simulate(**{**inputs, "district_cases": doubled}, seed=SEED),
                    simulate.simulate(**alone, seed=SEED)):
        for name, columns in (("case_details", ["community_cases", "quarantine_cases", "imported_cases"]),
                              ("tests", ["samples", "pooled_samples", "positives"])):
            before, after = (frame[frame["district_code"].isin(others)].reset_index(drop=True)
                             for frame in (tables[name], variant[name]))
            pd.testing.assert_frame_equal(before[columns], after[columns])
    changed = simulate.simulate(**{**inputs, "district_cases": doubled}, seed=SEED)["case_details"]
    assert not changed.loc[changed["district_code"].isin(districts.loc[districts["province_code"] == "11", "district_code"]),
                           "community_cases"].equals(tables["case_details"].loc[dien_bien.to_numpy(), "community_cases"])


def test_case_split_adds_up_and_load_is_nested(inputs, tables):
    both = inputs["district_cases"].merge(tables["case_details"], on=["date", "district_code"], validate="1:1")
    assert len(both) == len(inputs["district_cases"])
    assert (both["community_cases"] + both["quarantine_cases"] + both["imported_cases"] == both["new_cases"]).all()
    assert (both["icu"] <= both["oxygen"]).all() and (both["oxygen"] <= both["in_treatment"]).all()
    imported = both.groupby(both["date"].dt.year)["imported_cases"].sum() / both.groupby(both["date"].dt.year)["new_cases"].sum()
    assert imported[2020] > 0.2 > 0.01 > imported[2022]


def test_icu_load_follows_the_deaths_of_each_period(inputs, tables):
    both = inputs["district_cases"].merge(tables["case_details"], on=["date", "district_code"])
    delta = both[both["date"].between("2021-07-01", "2021-10-31")]
    omicron = both[both["date"].between("2022-02-15", "2022-05-31")]
    assert delta["icu"].sum() / delta["in_treatment"].sum() > 5 * omicron["icu"].sum() / omicron["in_treatment"].sum()


def test_beds_occupancy_stays_within_capacity(tables):
    beds = tables["beds"]
    assert (beds["covid_beds_occupied"] <= beds["covid_beds_total"]).all()
    assert (beds["icu_beds_occupied"] <= beds["icu_beds_staffed"]).all()
    assert (beds["icu_beds_staffed"] <= beds["covid_beds_total"]).all()
    assert (beds["ventilators_in_use"] <= beds["ventilators"]).all()
    assert beds["covid_beds_total"].max() > beds["covid_beds_total"].min()  # surges open beds


def test_positives_are_pcr_confirmed_cases(inputs, tables):
    both = inputs["district_cases"].merge(tables["tests"], on=["date", "district_code"])
    assert (both["positives"] <= both["new_cases"]).all()
    assert (both["positives"] <= both["samples"]).all() and (both["pooled_samples"] <= both["samples"]).all()
    before_rapid_tests = both[both["date"] < "2021-10-11"]
    assert (before_rapid_tests["positives"] == before_rapid_tests["new_cases"]).all()


def test_vaccinations_match_the_province_figures_on_every_date(inputs, tables):
    vaccinated = tables["vaccinations"].merge(inputs["districts"][["district_code", "province_code"]], on="district_code")
    totals = vaccinated.pivot_table(index=["date", "province_code"], columns="dose", values="people", aggfunc="sum")
    people = inputs["province_people"].set_index(["date", "province_code"])
    both = people.join(totals, how="inner")
    assert len(both) == len(people)
    for dose, column in zip(simulate.DOSES, ("people_dose1", "people_full")):
        assert (both[dose] == both[column]).all(), dose
    assert (both["booster"] <= both["people_booster"]).all()  # people, at most the fully vaccinated of each band
    per_band = tables["vaccinations"].pivot_table(index=["date", "district_code", "age_group"], columns="dose",
                                                  values="people")
    over = per_band[per_band["booster"] > per_band["full"]]
    assert over.empty, over.head(20).to_string()


def test_vaccinations_fall_only_where_a_published_figure_fell(inputs, tables):
    frame = tables["vaccinations"].merge(inputs["districts"][["district_code", "province_code"]], on="district_code")
    frame = frame.sort_values(["district_code", "age_group", "dose", "date"])
    frame["step"] = frame.groupby(["district_code", "age_group", "dose"])["people"].diff()
    falls = frame[frame["step"] < 0]
    people = inputs["province_people"].sort_values(["province_code", "date"])
    fell = people.groupby("province_code")[["people_dose1", "people_full", "people_booster"]].diff().lt(0).any(axis=1)
    fell_on = set(zip(people.loc[fell, "date"], people.loc[fell, "province_code"]))
    assert set(zip(falls["date"], falls["province_code"])) <= fell_on


def test_vaccination_dates_are_mondays_and_snapshot_dates(inputs, tables):
    dates = pd.DatetimeIndex(tables["vaccinations"]["date"].unique())
    snapshots = pd.to_datetime(inputs["province_people"].query("source == 'observed'")["date"]).unique()
    mondays = pd.date_range("2021-03-08", "2023-02-13", freq="W-MON")
    assert set(dates) == set(mondays) | set(snapshots)


def test_bands_follow_eligibility_and_census(inputs, tables):
    vaccine = inputs["params"]["vaccination"]
    frame = tables["vaccinations"]
    for band, start in vaccine["primary_start"].items():
        early = frame[(frame["age_group"] == band) & (frame["date"] < pd.Timestamp(start))]
        assert (early["people"] == 0).all(), band
    assert (frame.loc[frame["age_group"] == "05-11"].query("dose == 'booster'")["people"] == 0).all()

    codes = np.sort(inputs["districts"]["district_code"].to_numpy())
    census = pd.DataFrame(simulate.band_population(inputs["population_by_age"], codes), index=codes,
                          columns=simulate.VACCINE_BANDS).rename_axis("district_code").melt(ignore_index=False,
                          var_name="age_group", value_name="census").reset_index()
    with_census = frame.merge(census, on=["district_code", "age_group"])
    over = with_census[with_census["people"] > with_census["census"]]
    assert set(over["age_group"]) <= set(vaccine["beyond_census_bands"])


def test_band_population_keeps_the_census_total(inputs):
    codes = np.sort(inputs["districts"]["district_code"].to_numpy())
    bands = simulate.band_population(inputs["population_by_age"], codes)
    five_plus = inputs["population_by_age"].query("age_group != '00-04'").groupby("district_code")["population"].sum()
    assert (bands.sum(axis=1) == five_plus.reindex(codes).to_numpy()).all()


def test_checkpoint_places_are_real_units():
    places = pd.read_csv(SOURCES / "checkpoints.csv", dtype=CODES)
    required = {"DB-TAYTRANG", "DB-HUOIPUOC", "LCH-MALUTHANG", "QN-MONGCAI", "QN-HOANHMO", "QN-BACPHONGSINH", "BP-HOALU",
                "LS-HUUNGHI", "LS-TANTHANH", "LCI-LAOCAI", "TN-MOCBAI", "HT-CAUTREO", "QT-LAOBAO",
                "QN-BACHDANG", "QN-DABAC", "QN-DAVACH", "QN-CONGTINH"}
    assert required <= set(places["id"]) and places["id"].is_unique
    assert set(places["kind"]) == {"border_gate", "control_post"}
    units = pd.read_csv(SOURCES / "admin/districts_2021.csv", dtype=CODES).set_index("district_code")
    assert (units.loc[places["district_code"], "province_code"].to_numpy() == places["province_code"].to_numpy()).all()
    assert set(places["id"]) <= set(simulate.load_params()["checkpoints"]["sites"])


def test_checkpoints_lie_in_their_district_polygons():
    """Official polygons must contain the point; Quảng Ninh's are approximate, so nearness is enough there."""
    polygons = gpd.read_file(ROOT / "geo" / "districts_2021.geojson").set_index("district_code")
    places = pd.read_csv(SOURCES / "checkpoints.csv", dtype=CODES)
    for place in places.itertuples():
        point = shapely.Point(place.lon, place.lat)
        code = place.district_code
        polygon = shapely.make_valid(polygons.loc[code, "geometry"])
        if polygons.loc[code, "boundary_source"].startswith("approximate"):
            assert polygon.distance(point) < 0.1, place.id
        else:
            assert polygon.contains(point), place.id


def test_checkpoint_counts_are_consistent(inputs, tables):
    counts = tables["checkpoint_counts"].merge(tables["checkpoints"][["checkpoint_id", "kind"]], on="checkpoint_id")
    assert (counts["declared"] <= counts["from_outbreak_areas"]).all()
    assert (counts["from_outbreak_areas"] <= counts["people_in"]).all()
    assert (counts["positive"] <= counts["tested"]).all() and (counts["tested"] <= counts["people_in"]).all()
    assert (counts["quarantined"] <= counts["people_in"]).all()
    busy = counts[counts["from_outbreak_areas"] >= 100]
    assert (busy["declared"] / busy["from_outbreak_areas"]).median() >= 0.95
    days = inputs["district_cases"]["date"].nunique()
    per_place = counts.groupby(["checkpoint_id", "kind"]).size()
    assert (per_place.xs("border_gate", level="kind") == days).all()
    assert (per_place.xs("control_post", level="kind") < days).all()  # posts count only while they operated
    laos_gate = counts[counts["checkpoint_id"] == "DB-TAYTRANG"].set_index("date")  # Laos reopened in May 2022
    assert laos_gate.loc["2020-06", "people_in"].mean() < laos_gate.loc["2022-12", "people_in"].mean() / 3


def test_centralized_quarantine_empties_once_home_isolation_took_over(tables):
    tracing = tables["tracing"]
    assert tracing.loc[tracing["date"] >= "2022-04-01", "centralized_quarantine"].sum() == 0
    assert tracing.loc[tracing["date"].between("2021-07-01", "2021-09-30"), "centralized_quarantine"].sum() > 0
    assert (tracing["f2_identified"][tracing["date"] >= "2022-02-01"] == 0).all()


def test_every_parameter_says_where_its_value_comes_from():
    """A comment stands above every parameter, or above the block of parameters it explains together."""
    section, previous = "", ""
    for line in simulate.PARAMS_PATH.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            section = line
        elif re.match(r"^[\w\"-]+\s*=", line) and section != "[checkpoints.sites]":
            documented = previous.startswith("#") or re.match(r"^[\w\"-]+\s*=", previous)
            assert documented, f"{section} {line.split('=')[0].strip()} has no comment above it"
        if line.strip():
            previous = line
    with open(simulate.PARAMS_PATH, "rb") as handle:
        assert tomllib.load(handle) == simulate.load_params()
