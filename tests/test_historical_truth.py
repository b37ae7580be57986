"""The whole built-in database against the published record: hard constraints of the simulation, calibration
targets from the seed documents and the calibration series, and Rt. Builds the full database once (about 15 s)."""
from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from data import carry_calibration, simulate
from data import operations as operations_data
from data import trends as trend_data
from data.build import SOURCES, build
from data.db import COUNTRY, DISTRICT, PROVINCE, Area, connect, query
from indicators.rt import MAX_RELIABLE_RT
from operations.response import with_totals
from trends import rt

ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = 0.30  # every calibration target within ±30 %


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = connect(build(tmp_path_factory.mktemp("full") / "full.duckdb"), read_only=True)
    yield connection
    connection.close()


def one(con, sql: str, params=()) -> float:
    return query(con, sql, list(params)).iloc[0, 0]


def within(value: float, target: float) -> bool:
    return abs(value / target - 1) <= TOLERANCE


# ------------------------------------------------------------------ hard constraints, every row


def test_checkpoint_positives_never_exceed_the_provinces_cases(con):
    assert one(con, """SELECT COUNT(*) FROM (SELECT k.date, c.province_code, SUM(k.positive) AS positive
                                           FROM checkpoint_counts k JOIN checkpoints c USING (checkpoint_id)
                                           GROUP BY ALL) k
                       JOIN province_cases p USING (date, province_code)
                       WHERE k.positive > p.new_cases_adjusted""") == 0


def test_no_community_case_where_the_record_says_none(con):
    """Every span data/simulation.toml quotes from the record: Viet Nam 16/4 - 24/7/2020, Quảng Ninh's 73 days to
    5/9/2021 (seeds/001), the 16 provinces without secondary transmission 10-24/10/2021, Sơn La, Kon Tum, Cần Thơ."""
    spans = tomllib.loads((ROOT / "data/simulation.toml").read_text(encoding="utf-8"))["case_split"]["no_community"]
    assert len(spans) == 19
    for area, periods in spans.items():
        for first, last in periods:
            assert one(con, """SELECT COALESCE(SUM(community_cases), 0) FROM cases JOIN districts USING (district_code)
                               WHERE (? = 'VN' OR province_code = ?) AND date BETWEEN ? AND ?""",
                       (area, area, first, last)) == 0, (area, first, last)


def test_f1_found_are_never_fewer_than_the_cases(con):
    assert one(con, """SELECT COUNT(*) FROM tracing t JOIN cases c USING (date, district_code)
                       WHERE t.f1_identified < c.new_cases_adjusted""") == 0


def test_a_quiet_week_never_trips_the_capacity_criteria(con):
    assert one(con, """SELECT COUNT(*) FROM beds b JOIN districts d USING (district_code)
                       WHERE d.population > 0 AND b.icu_beds_staffed * 1e5 / d.population < 4""") == 0
    assert one(con, """SELECT COUNT(*) FROM beds b JOIN districts d USING (district_code)
                       WHERE d.population > 0 AND b.covid_beds_occupied = 0
                         AND b.covid_beds_total * 1e5 / d.population <= 10""") == 0


def test_beds_in_use_never_empty_overnight_when_home_care_begins(con):
    """Hà Nội's beds in use fell from 9,055 to 2,999 on 1/2/2022 when the hospitalised share of every patient then in
    treatment changed at once; patients already in hospital finish their stay, so no province loses more than a
    third of them in a day (the steepest left: a wave's end with 7-day stays, under a quarter)."""
    assert one(con, """WITH days AS (
                           SELECT d.province_code, b.date, SUM(b.covid_beds_occupied) AS occupied
                           FROM beds b JOIN districts d USING (district_code) GROUP BY ALL),
                       falls AS (
                           SELECT occupied, LAG(occupied) OVER (PARTITION BY province_code ORDER BY date) AS before
                           FROM days)
                       SELECT COUNT(*) FROM falls WHERE before >= 200 AND occupied < before * 2 / 3""") == 0


def test_the_case_split_adds_up_to_the_adjusted_series(con):
    assert one(con, """SELECT COUNT(*) FROM cases WHERE community_cases < 0 OR quarantine_cases < 0
                          OR community_cases + quarantine_cases + imported_cases <> new_cases_adjusted""") == 0


# ------------------------------------------------------------------ calibration targets


DIEN_BIEN = "province_code = '11'"


def test_dien_bien_tracing_and_quarantine_on_24_may_2021(con):
    """Report 88-BC/BCS of 24/5/2021 (seeds/003): F1 2,380 and F2 8,717 from 7/5; 2,468 in centralised
    quarantine and 9,044 isolated at home on the day."""
    traced = query(con, f"""SELECT SUM(f1_identified) AS f1, SUM(f2_identified) AS f2 FROM tracing
                            JOIN districts USING (district_code)
                            WHERE {DIEN_BIEN} AND date BETWEEN '2021-05-07' AND '2021-05-24'""").iloc[0]
    assert within(traced["f1"], 2_380) and within(traced["f2"], 8_717)
    held = query(con, f"""SELECT SUM(centralized_quarantine) AS centralized, SUM(home_isolation) AS home
                          FROM tracing JOIN districts USING (district_code)
                          WHERE {DIEN_BIEN} AND date = '2021-05-24'""").iloc[0]
    assert within(held["centralized"], 2_468) and within(held["home"], 9_044)


TIEN_GIANG = "province_code = '82'"


def test_tien_giang_quarantine_on_13_september_2021(con):
    """Tiền Giang's bulletin of 18:00, 13/9/2021 (tuyengiaotiengiang.vnpttiengiang.vn, data/simulation.toml [tracing]):
    1,414 F1 in centralised quarantine; 1,253 F1 and 2,744 F2 at home. Before, Điện Biên's 44 F1 per case of May
    applied to the whole Delta wave held 96,451 in centralised quarantine and 372,151 at home that day."""
    held = query(con, f"""SELECT SUM(centralized_quarantine) AS centralized, SUM(home_isolation) AS home
                          FROM tracing JOIN districts USING (district_code)
                          WHERE {TIEN_GIANG} AND date = '2021-09-13'""").iloc[0]
    assert within(held["centralized"], 1_414) and within(held["home"], 1_253 + 2_744)


def test_hcmc_patients_in_treatment_and_in_a_bed_on_25_september_2021(con):
    """HCDC (via Soha, data/simulation.toml [treatment]): 94,574 patients in treatment on 25/9/2021, of whom 21,752
    in centralised isolation and 38,659 in tier 2-3 hospitals (60,411 in a facility bed), 34,163 at home."""
    in_treatment = one(con, """SELECT SUM(c.in_treatment) FROM cases c JOIN districts d USING (district_code)
                               WHERE d.province_code = '79' AND c.date = DATE '2021-09-25'""")
    in_a_bed = one(con, """SELECT SUM(b.covid_beds_occupied) FROM beds b JOIN districts d USING (district_code)
                           WHERE d.province_code = '79' AND b.date = DATE '2021-09-25'""")
    assert within(in_treatment, 94_574) and within(in_a_bed, 21_752 + 38_659)


def test_a_province_with_a_few_cases_traces_widely_in_the_delta_wave(con):
    """From 14/7/2021 tracing saturates with a district's incidence, not one national ratio: Quảng Ninh's 14 cases of
    26/8-1/9/2021 (the first after 73 days without a community case) list more than ten F1 each (one ratio of 1.35,
    Tiền Giang's, gave 17 F1 for them), while Tiền Giang's outbreak lists fewer than two."""
    def per_case(province: str, start: str, end: str) -> float:
        return one(con, """SELECT SUM(t.f1_identified) / SUM(c.new_cases_adjusted) FROM tracing t
                           JOIN cases c USING (date, district_code) JOIN districts d USING (district_code)
                           WHERE d.province_code = ? AND date BETWEEN ? AND ?""",
                   [province, dt.date.fromisoformat(start), dt.date.fromisoformat(end)])
    assert per_case("22", "2021-08-26", "2021-09-01") > 10
    assert per_case("82", "2021-08-31", "2021-09-13") < 2


def test_dien_bien_cumulative_centralised_quarantine_on_24_may_2021(con):
    """The same report: 9,414 taken into centralised quarantine to date (6,946 done, 2,468 present), arrivals through
    the Tây Trang and Huổi Puốc gates since 2020 as well as the F1 of May. Read as the response page shows it, with
    its cumulative count from the first day of data."""
    daily = operations_data.response_daily(con, Area(PROVINCE, "11"), None, dt.date(2021, 5, 24))
    today = with_totals(daily, pd.Timestamp(daily["date"].min()).date()).iloc[-1]
    assert within(today["cum_centralized_quarantine"], 9_414) and within(today["centralized_quarantine"], 2_468)


def test_dien_bien_ventilators_and_checkpoints(con):
    """89 ventilators in operation; 4 posts from 20/5/2021 checked 1,719 people to 23/5, 146 from outbreak areas."""
    assert within(one(con, f"""SELECT SUM(ventilators) FROM beds JOIN districts USING (district_code)
                               WHERE {DIEN_BIEN} AND date = '2021-05-24'"""), 89)
    posts = query(con, """SELECT COUNT(DISTINCT checkpoint_id) AS posts, SUM(people_in) AS people,
                                 SUM(from_outbreak_areas) AS from_outbreak, MIN(date) AS first
                          FROM checkpoint_counts JOIN checkpoints USING (checkpoint_id)
                          WHERE province_code = '11' AND kind = 'control_post'
                            AND date BETWEEN '2021-05-01' AND '2021-05-23'""").iloc[0]
    assert posts["posts"] == 4 and pd.Timestamp(posts["first"]) == pd.Timestamp("2021-05-20")
    assert within(posts["people"], 1_719) and within(posts["from_outbreak"], 146)


def test_dong_trieu_traffic_surges_in_the_week_before_5_september_2021(con):
    daily = query(con, """SELECT date, people_in FROM checkpoint_counts WHERE checkpoint_id = 'QN-CONGTINH'
                          AND date BETWEEN '2021-08-01' AND '2021-09-05' ORDER BY date""").set_index("date")
    surge = daily.loc["2021-08-28":, "people_in"].mean()
    before = daily.loc[:"2021-08-27", "people_in"].mean()
    assert surge >= 1.8 * before


def test_national_patients_under_treatment_within_30_percent(con):
    published = pd.read_csv(SOURCES / "covid/national_under_treatment_2021-04-27_to_2021-09-15.csv",
                            parse_dates=["date"]).set_index("date")["currently_infected"]
    simulated = query(con, """SELECT date, SUM(in_treatment) AS in_treatment FROM cases
                              WHERE date BETWEEN '2021-05-16' AND '2021-09-15' GROUP BY date""")
    ratio = simulated.set_index("date")["in_treatment"] / published.reindex(pd.to_datetime(simulated["date"])).values
    assert len(ratio) == 123 and ((ratio - 1).abs() <= TOLERANCE).all(), ratio.describe()


def test_national_community_share_within_30_percent(con):
    """The country's community cases as a share of its domestic cases, against MOH's bulletins of October and
    December 2021 (the split after 15/9/2021 is simulated where no record gives it)."""
    spotcheck = pd.read_csv(SOURCES / "covid/national_community_cases_spotcheck.csv", parse_dates=["date"])
    assert len(spotcheck) == 6 and spotcheck["source_url"].str.startswith("https://").all()
    for row in spotcheck.itertuples():
        community, cases = query(con, """SELECT SUM(community_cases), SUM(new_cases_adjusted) FROM cases
                                         WHERE date = ?""", [row.date.date()]).iloc[0]
        assert within(community / cases, row.community_cases / row.domestic_cases), (row.date, community, cases)


def test_a_province_split_is_carried_forward_from_its_own_record(con):
    """After the portal's split stops (15/9/2021), Bình Dương's community share is its recorded one (11 % over
    1-14/9/2021), which its own reports of October confirm (5 % and 10 %); a model of tracing by incidence gave
    it 66 % (92 community cases per 100,000 in 11-17/10/2021, level 3)."""
    spotcheck = pd.read_csv(SOURCES / "covid/province_case_origin_spotcheck.csv", parse_dates=["date"],
                            dtype={"province_code": str})
    assert spotcheck["source_url"].str.startswith("https://").all()
    for row in spotcheck.itertuples():
        community, cases, sources = query(con, """SELECT SUM(c.community_cases), SUM(c.new_cases_adjusted),
                                                         LIST(DISTINCT c.split_source)
                                                  FROM cases c JOIN districts d USING (district_code)
                                                  WHERE d.province_code = ? AND c.date BETWEEN ? - 3 AND ? + 3""",
                                          [row.province_code, row.date.date(), row.date.date()]).iloc[0]
        assert community / cases < 0.15 and row.community_cases / row.cases < 0.15, (row.date, community, cases)
        assert list(sources) == ["estimated"], "carried from the record, not simulated"


def test_a_province_own_reports_after_the_portal_set_its_split(con):
    """Tây Ninh's CDC reported 9 of 29 cases (12/10/2021) and 9 of 273 (13/10) found outside quarantine and
    lockdown; its portal record of 1-14/9 carried alone gave 68 % in the community (46 community cases per 100,000
    in 11-17/10/2021, level 3). Its reports take over from the record they follow."""
    community, cases, sources = query(con, """SELECT SUM(c.community_cases), SUM(c.new_cases_adjusted),
                                                     LIST(DISTINCT c.split_source)
                                              FROM cases c JOIN districts d USING (district_code)
                                              WHERE d.province_code = '72' AND c.date BETWEEN '2021-10-11' AND '2021-10-17'
                                              """).iloc[0]
    assert community / cases < 0.15, (community, cases)
    assert list(sources) == ["estimated"]


def test_national_severe_patients_within_30_percent(con):
    spotcheck = pd.read_csv(SOURCES / "covid/national_severe_patients_spotcheck.csv", parse_dates=["date"])
    for row in spotcheck.itertuples():
        on_oxygen = one(con, "SELECT SUM(oxygen) FROM cases WHERE date = ?", [row.date.date()])
        assert within(on_oxygen, row.severe_total), (row.date, on_oxygen, row.severe_total)


def test_national_patients_on_a_ventilator_within_30_percent(con):
    """Ventilators in use against MOH's severe patients on non-invasive or invasive ventilation or ECMO."""
    spotcheck = pd.read_csv(SOURCES / "covid/national_severe_patients_spotcheck.csv", parse_dates=["date"])
    for row in spotcheck.itertuples():
        in_use = one(con, "SELECT SUM(ventilators_in_use) FROM beds WHERE date = ?", [row.date.date()])
        ventilated = row.niv + row.imv + row.ecmo
        assert within(in_use, ventilated), (row.date, in_use, ventilated)


# ------------------------------------------------------------------ vaccination coverage


def test_coverage_is_never_above_100_percent_and_says_why_where_capped(con):
    """Every unit and week: 18+ coverage against the snapshot's own adults, capped at 100 % with the flag set."""
    coverage = ["pct_18plus_dose1", "pct_18plus_full", "pct_50plus_full", "pct_50plus_booster", "pct_65plus_full"]
    worst = query(con, f"SELECT {', '.join(f'MAX({c}) AS {c}' for c in coverage)} FROM weekly_metrics").iloc[0]
    assert (worst <= 100.0).all(), worst
    unexplained = one(con, """SELECT COUNT(*) FROM weekly_metrics WHERE people_18plus_dose1 > coverage_population_18plus
                                AND NOT vaccinated_beyond_population""")
    assert unexplained == 0
    boosted_beyond_full = one(con, "SELECT COUNT(*) FROM weekly_metrics WHERE people_50plus_booster > people_50plus_full")
    assert boosted_beyond_full == 0


def test_hcmc_adults_are_a_share_of_the_snapshots_adults(con):
    """Hồ Chí Minh City's districts add up to the portal's adults, not the 2019 census's."""
    adults, snapshot = query(con, """
        SELECT w.coverage_population_18plus, e.population_18plus FROM weekly_metrics w
        JOIN province_vaccination_estimates e ON e.province_code = w.unit_code AND e.date = DATE '2021-11-15'
        WHERE w.unit_level = 'province' AND w.unit_code = '79' AND w.week = DATE '2021-11-15'""").iloc[0]
    assert adults == pytest.approx(snapshot, abs=50)  # whole people per district


# ------------------------------------------------------------------ Rt


def test_rt_is_never_above_10_and_reliable_in_2020_2023(con):
    areas = [Area(COUNTRY, None)] + [Area(PROVINCE, code) for code in
                                     query(con, "SELECT province_code FROM provinces")["province_code"]]
    start, end = dt.date(2020, 3, 1), dt.date(2023, 2, 13)
    worst = 0.0
    for area in areas:
        estimate = rt.rt(trend_data.transmission_series(con, area, "2020-01-01", end), start, end)
        assert not (estimate["reliable"] & (estimate["mean"] > MAX_RELIABLE_RT)).any(), area
        worst = max(worst, estimate.loc[estimate["reliable"], "mean"].max())
    assert worst <= MAX_RELIABLE_RT


def test_national_rt_of_may_2020_is_not_reliable(con):
    """Every case of early May 2020 was a quarantined arrival: no Rt describes spread (it was 14.7, "reliable")."""
    estimate = rt.rt(trend_data.transmission_series(con, Area(COUNTRY, None), "2020-03-01", "2020-06-30"),
                     dt.date(2020, 4, 16), dt.date(2020, 6, 30)).set_index("date")
    assert not estimate.loc["2020-04-22":"2020-06-30", "reliable"].any()


# ------------------------------------------------------------------ announced levels, October 2021


def test_agreement_with_the_levels_provinces_announced_in_october_2021(con):
    """MOH's lists of 22/10/2021, 23/10/2021 (22 provinces at level 1: Tây Ninh, Bình Thuận, Trà Vinh and Đồng Nai
    moved to 2) and 22/1/2022 (all 63 provinces) and the first provinces' levels of about 16/10/2021, with the
    national default and Hồ Chí Minh City's own file; the figures the README gives."""
    from data import levels
    from indicators import agreement

    announced = pd.read_csv(SOURCES / "covid/announced_province_levels.csv", dtype={"province_code": str})
    assert announced["source_url"].str.match(r"https?://").all()
    comparison = levels.agreement_with_announced(con)
    summary = agreement.summary(comparison).set_index("announced_date")
    assert (summary.loc["2021-10-22", "provinces"], summary.loc["2021-10-22", "agree"]) == (63, 48)  # 76.2 %
    assert (summary.loc["2021-10-23", "provinces"], summary.loc["2021-10-23", "agree"]) == (63, 50)  # 79.4 %
    assert (summary.loc["2021-10-16", "provinces"], summary.loc["2021-10-16", "agree"]) == (21, 14)
    october = comparison[comparison["announced_date"] < "2021-11-01"]
    dong_nai = october[october["province_code"] == "75"].set_index("announced_date")  # its own split, carried
    assert dong_nai.loc[["2021-10-16", "2021-10-22"], "level"].tolist() == [1, 1]
    assert dong_nai.loc[["2021-10-16", "2021-10-22", "2021-10-23"], "announced"].tolist() == [1, 1, 2]
    ca_mau = october[october["province_code"] == "96"]  # level 2 on the bulletin's count, not the collected dump
    assert ca_mau[["announced", "level"]].values.tolist() == [[2, 2], [2, 2]]
    assert summary.loc["2021-10-24", "agree"] == 1  # Hồ Chí Minh City, level 2
    # MOH's list of 22/1/2022, the last under Decision 4800: the split of cases is simulated by then but for a few
    # provinces' reports and the shares carried from their November reports
    assert (summary.loc["2022-01-22", "provinces"], summary.loc["2022-01-22", "agree"]) == (63, 43)  # 68.3 %


def test_moh_lists_of_february_march_2022_under_decision_218_whose_thresholds_are_unverified(con):
    """MOH's lists of 6/2, 9/2, 22/2, 1/3 and 28/3/2022 (two name 62 provinces: the press's lists repeat one and
    leave one out) were made under Decision 218, whose text this project has not read: its rule set keeps Decision
    4800's case bands and matrix and says so on every page (the press reported other indicators, a top band above
    600 cases and coverage of the whole population: its file's header). The record shows the assumption is wrong
    for the Omicron months: compared under the rule set in force on each list's day, the dashboard agrees with 16,
    16, 13, 14 and 11 of them, almost always above MOH's level (most provinces at 3 or 4 where MOH had 1), the
    README's figures, while a monotone rule could agree with 51, 54, 51, 51 and 42. The levels stay as the rule set
    computes them, with its warning, not fitted to the lists."""
    from data import levels
    from indicators import agreement

    comparison = levels.agreement_with_announced(con)
    later = comparison[comparison["announced_date"] > "2022-01-27"]
    assert set(later["ruleset"]) == {"vn-2022-qd218"}
    summary = agreement.summary(later).set_index("announced_date")
    days = ["2022-02-06", "2022-02-09", "2022-02-22", "2022-03-01", "2022-03-28"]
    assert summary.loc[days, "provinces"].tolist() == [62, 63, 63, 62, 63]
    assert summary.loc[days, "agree"].tolist() == [16, 16, 13, 14, 11]
    differ = later[~later["agrees"]]
    assert (differ["level"] > differ["announced"]).mean() > 0.9
    ceilings = levels.agreement_ceilings(con).set_index("announced_date")["ceiling"]
    assert ceilings.loc[days].tolist() == [51, 54, 51, 51, 42]
    assert ceilings.loc["2021-10-23"] == 56  # on 23/10/2021 a monotone rule could reach 85 %; Decision 4800's gets 50


def test_agreement_with_the_levels_provinces_announced_on_their_own_in_october_november_2021(con):
    """Between MOH's lists of 22/10/2021 and 22/1/2022 each province announced its own level (a People's
    Committee decision or a health department notice, cited in the file): 39 announcements of 21 provinces from
    24/10 to 30/11/2021. 22 agree and 38 are within one level, the README's figures. Of the 17 that differ, 11
    announced a level above the dashboard's (Vĩnh Phúc three times, Gia Lai twice, Hà Nội twice, Bình Phước, Hậu
    Giang: 2 for 1; An Giang on 12/11: 3 for 2; Cần Thơ on 11/11: 3 for 1, its report of 7/10 (28 cases, all in
    quarantine) carried at 58 % credibility onto ~1,200 cases a week); 6 announced a level below it: Sóc Trăng on
    31/10 and 20/11 and Ninh Thuận on 12/11 (2 for 3), Kon Tum on 2/11, Tuyên Quang on 20/11 and Hà Giang on 30/11
    (1 for 2)."""
    from data import levels
    from indicators import agreement

    own = agreement.own_announcements(levels.agreement_with_announced(con))
    assert own["announced_date"].between("2021-10-24", "2021-11-30").all()
    assert (len(own), own["province_code"].nunique(), int(own["agrees"].sum())) == (39, 21, 22)
    far = own[(own["announced"] - own["level"]).abs() > 1]
    assert far[["province_code", "announced", "level"]].values.tolist() == [["92", 3, 1]]
    differ = own[~own["agrees"]]
    above = differ[differ["announced"] > differ["level"]]
    assert sorted(above["province_code"]) == ["01", "01", "26", "26", "26", "64", "64", "70", "89", "92", "93"]
    below = differ[differ["announced"] < differ["level"]]
    assert below[["province_code", "announced", "level"]].values.tolist() == [
        ["94", 2, 3], ["62", 1, 2], ["58", 2, 3], ["08", 1, 2], ["94", 2, 3], ["02", 1, 2]]


def test_district_levels_the_provinces_announced_in_october_november_2021(con):
    """25 of those announcements gave every district's level too (by name, or by counts that fix each district,
    such as "11/11 huyện cấp 1"): 290 district levels, each district of its province and cited. The map agrees on
    135 and is within one level on 266 (the README's figures): a district's cases after 13/7/2021 are the
    province's split among its districts by the estimate, not a district's own count, so a district's level is
    less sure than its province's."""
    from data import levels

    announced = levels.announced_district_levels()
    assert announced["source_url"].str.match(r"https?://").all()
    districts = query(con, "SELECT district_code, province_code FROM districts")
    placed = announced.merge(districts, on="district_code", suffixes=("", "_of_district"))
    assert len(placed) == len(announced) == 290
    assert (placed["province_code"] == placed["province_code_of_district"]).all()
    every_district = placed.groupby(["announced_date", "province_code"]).size()
    in_province = districts.groupby("province_code").size()
    assert (every_district.to_numpy() == in_province[every_district.index.get_level_values(1)].to_numpy()).all()
    compared = levels.district_agreement_with_announced(con)
    assert compared["level"].notna().all(), "every district announced has a stored level that week"
    within_one = (compared["level"] - compared["announced"]).abs() <= 1
    assert (int(compared["agrees"].sum()), int(within_one.sum())) == (135, 266)


def test_district_levels_spread_as_moh_counted_them_on_22_10_2021(con):
    """MOH counted 372 districts at level 1, 287 at 2, 14 at 3 and 2 at 4 on 22/10/2021 (675 judged); the
    dashboard's districts in the week that announcement rests on (11-17/10) spread alike: 468, 215, 18 and 3 of 704
    judged (the README's figures), levels 1 and 2 within 12.5 points (11.4 and 12.0: the provinces' own reports of
    September-October, Quảng Bình, Quảng Ngãi, Quảng Nam and Cần Thơ with every case in quarantine, leave more
    districts without a community case, at level 1, than MOH's count has) and levels 3-4 within a factor of two."""
    from data import levels

    counted = pd.read_csv(SOURCES / "covid/announced_level_counts.csv")
    assert counted["source_url"].str.startswith("https://").all()
    moh = counted[counted["unit_level"] == "district"].set_index("level")["units"]
    ours = levels.week_levels(con, "vn-2021-qd4800", dt.date(2021, 10, 11))["level"].value_counts()
    assert [int(ours.get(level, 0)) for level in (1, 2, 3, 4)] == [468, 215, 18, 3]
    for level in (1, 2):
        assert abs(ours[level] / ours.sum() - moh[level] / moh.sum()) < 0.125, level
    assert 0.5 <= (ours[3] + ours[4]) / (moh[3] + moh[4]) <= 2


def test_no_rule_monotone_in_the_inputs_agrees_with_more_than_the_ceiling(con):
    """The announced lists give different levels to provinces with the same inputs; on the dashboard's inputs of
    11-17/10/2021 no rule that rises with community cases and falls with coverage (whatever its thresholds) agrees
    with more than 52 of MOH's 63 levels of 22/10/2021, nor with more than 18 of the 21 of about 16/10: the figures
    the README gives beside the agreement. The national rule set is such a rule, so it is never above them."""
    from data import levels
    from indicators import agreement

    ceilings = levels.agreement_ceilings(con).set_index("announced_date")["ceiling"]
    assert (ceilings.loc["2021-10-22"], ceilings.loc["2021-10-16"], ceilings.loc["2022-01-22"]) == (52, 18, 52)
    national = agreement.summary(levels.agreement_with_announced(con)).set_index("announced_date")["agree"]
    assert (national <= ceilings.reindex(national.index)).all()


def test_an_adjusted_day_is_shown_as_estimated_never_as_the_published_record(con):
    """Sóc Trăng's backlog of 14/10/2021 (1,057 published) spread back: the frame shows the adjusted count, and says
    it is estimated; a day the adjustment left alone keeps the Ministry's figure as observed."""
    from data import metrics

    dump = metrics.on_day(con, Area(PROVINCE, "94"), dt.date(2021, 10, 14))
    assert dump["new_cases"] < 100 and dump["cases_origin"] == "estimated"
    plain = metrics.on_day(con, Area(PROVINCE, "11"), dt.date(2021, 5, 24))
    assert plain["new_cases"] == 2 and plain["cases_origin"] == "observed"


def test_a_vaccination_slide_at_100_percent_says_why(con):
    """Hà Nội vaccinated more adults than live there by 18/2/2022 (people who work in the city): the briefing's
    vaccination slide shows 100 % and its notes say why, as the Overview and Trends do."""
    from reports.briefing import SLIDE_KEYS, build_deck

    slide = build_deck(con, Area(PROVINCE, "01"), dt.date(2022, 2, 20)).slides[SLIDE_KEYS.index("vaccination")]
    assert slide.blocks[0].figures[0].value == "100,0%"
    assert any("vượt dân số" in note for note in slide.notes), "in the notes above the footer: a tile has no room"


def test_the_daily_report_says_why_a_coverage_reads_100_percent(con):
    """The same in the written report's vaccination section (VIII), where a coverage it gives reads 100 % (Long An,
    whose factories vaccinated workers from elsewhere); not where none does (Hà Nội's criteria read 96.4 and 99.8 %)."""
    from reports.daily import build_report
    from reports.document import to_markdown

    def section(province: str) -> str:
        report = to_markdown(build_report(con, Area(PROVINCE, province), dt.date(2022, 2, 20)))
        return report.split("VIII.")[1].split("IX.")[0]

    assert "100,0%" in section("80") and "vượt dân số" in section("80")
    assert "100,0%" not in section("01") and "vượt dân số" not in section("01")


def test_the_report_lists_supplies_running_low_among_the_difficulties(con):
    """HCMC, 15/8/2021: oxygen for 4 days and N95 masks for 11 at the week's use, under the 14-day warning of the
    supplies table; section X said nothing of them."""
    from reports.daily import suggestions

    difficulties, tasks = suggestions(con, Area(PROVINCE, "79"), dt.date(2021, 8, 15))
    low = next(line for line in difficulties if line.startswith("Vật tư sắp hết"))
    assert "Oxy y tế (trong bồn, bình) 4 ngày" in low and "Khẩu trang N95 11 ngày" in low
    assert any(task.startswith("Bổ sung ngay các vật tư sắp hết") for task in tasks)


def test_hcmc_opens_with_its_own_rules_and_shows_the_level_it_announced(con):
    """Hồ Chí Minh City judged criterion 1 its own way (rules/local/vn-2021-qd4800-hcm.toml, provinces = ["79"]):
    its report and briefing of 24/10/2021 (the week of 11–17/10) open with that file and give level 2, the level
    the city announced on 19/10 on that week; Hà Nội's open with the national file."""
    from data import levels
    from reports.briefing import build_deck
    from reports.daily import build_report
    from reports.document import to_markdown

    day, city = dt.date(2021, 10, 24), Area(PROVINCE, "79")
    ruleset, in_force = levels.ruleset_in_force(day, "79")
    assert ruleset.id == "vn-2021-qd4800-hcm" and in_force
    assert levels.week_levels(con, ruleset.id, levels.level_week(day), PROVINCE).loc["79", "level"] == 2
    report = to_markdown(build_report(con, city, day))
    assert ruleset.name("vi") in report and "Thành phố Hồ Chí Minh: Cấp 2" in report
    assert build_deck(con, city, day).slides[1].subtitle.startswith(ruleset.name("vi"))
    assert levels.ruleset_in_force(day, "01")[0].id == "vn-2021-qd4800"
    # its first level, announced on 16/10 at 3, rests on the week to 10/10, before QĐ 4800 took effect: that week
    # is given for reference under the city's own file, and shows the 3 it announced
    first, in_force = levels.ruleset_in_force(dt.date(2021, 10, 16), "79")
    assert first.id == ruleset.id and in_force
    assert levels.week_levels(con, first.id, dt.date(2021, 10, 4), PROVINCE).loc["79", "level"] == 3
    judged = query(con, """SELECT DISTINCT l.unit_level, COALESCE(d.province_code, l.unit_code) AS province
                           FROM levels l LEFT JOIN districts d ON l.unit_level = 'district' AND d.district_code = l.unit_code
                           WHERE l.ruleset_id = ?""", [ruleset.id])
    assert set(judged["province"]) == {"79"} and set(judged["unit_level"]) == {"province", "district"}, \
        "the city's own file judges the city and its districts only"
    from data import metrics
    from indicators import engine

    week = levels.level_week(day)
    stored = levels.week_levels(con, ruleset.id, week, DISTRICT)
    weekly = metrics.weekly(con, DISTRICT, list(stored.index), week, week + dt.timedelta(days=6))
    fresh = engine.classify(weekly, ruleset).set_index(weekly["unit_code"])
    assert len(stored) == 22 and stored["level"].reindex(fresh.index).fillna(0).tolist() == \
        fresh["level"].fillna(0).tolist(), "its 22 districts (2021) stored as the engine judges them"


def test_a_carried_share_counts_as_its_calibrated_credibility(con):
    """simulation.toml's credibility_cases is the smallest K whose error in predicting each province's next report is
    within 0.5 % of the least (data/carry_calibration.py); the carry beats the model alone, and a weight falling as the
    province's cases outgrow the sample does worse than the carry at full weight."""
    carry = simulate.load_params()["case_split"]["recorded_share"]
    tests = carry_calibration.targets(con, carry)
    scores = {name: carry_calibration.errors(tests, weight)[0]
              for name, weight in carry_calibration.weights(tests, carry)}
    by_k = {int(name.split("+ ")[1].rstrip(")")): error for name, error in scores.items() if "n + " in name}
    least = min(by_k.values())
    assert carry["credibility_cases"] == min(k for k, error in by_k.items() if error <= least * 1.005)
    assert scores["model alone"] > by_k[0] < scores["held x min(1, n / 14-day cases)"]
