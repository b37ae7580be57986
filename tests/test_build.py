"""The built-in database: schema, real data kept exactly, estimates and simulations within their invariants."""
from __future__ import annotations

import re

import duckdb
import pandas as pd
import pytest

from data import build as build_module
from data import simulate
from data.db import SCHEMA_SQL, connect, query
from tests.conftest import SMALL_END, SMALL_PROVINCES, SMALL_START

SOURCES = build_module.SOURCES
FACT_TABLES = ["province_cases", "cases", "beds", "tests", "vaccinations", "checkpoint_counts", "tracing"]


def schema_columns() -> dict[str, list[str]]:
    """Columns per table as written in data/schema.sql (the public contract)."""
    con = duckdb.connect()
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    rows = con.execute("SELECT table_name, column_name FROM information_schema.columns ORDER BY table_name, ordinal_position").fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


def test_schema_has_the_public_tables_and_views():
    columns = schema_columns()
    for table in ["provinces", "districts", "communes", "population_by_age", *FACT_TABLES, "checkpoints",
                  "province_daily", "country_daily", "province_vaccination_snapshots", "national_owid"]:
        assert table in columns, table
    assert columns["districts"][:6] == ["district_code", "district_name", "district_type", "province_code",
                                        "province_name", "population"]
    for table in FACT_TABLES:
        assert "source" in columns[table] and "reported_at" in columns[table], table


def test_small_database_matches_the_schema(small_con):
    expected = schema_columns()
    actual = query(small_con, "SELECT table_name, column_name FROM information_schema.columns")
    for table, columns in expected.items():
        assert list(actual.loc[actual.table_name == table, "column_name"]) == columns, table


def test_sources_are_labelled(small_con):
    for table in FACT_TABLES:
        sources = set(query(small_con, f"SELECT DISTINCT source FROM {table}")["source"])
        assert sources <= {"observed", "estimated", "simulated"}, (table, sources)
    assert set(query(small_con, "SELECT DISTINCT source FROM province_cases")["source"]) == {"observed"}
    for table in ("beds", "tests", "vaccinations", "checkpoint_counts", "tracing"):
        assert set(query(small_con, f"SELECT DISTINCT source FROM {table}")["source"]) == {"simulated"}, table
    load = query(small_con, "SELECT DISTINCT load_source, split_source FROM cases")
    assert set(load["load_source"]) == {"simulated"} and set(load["split_source"]) == {"simulated", "estimated"}
    # The split is estimated where the record gives it: the preventive-medicine portal (to 2021-09-15), a province's
    # own reports after it and the share carried from them (Điện Biên, November 2021), or the record saying no case
    # was in the community (simulation.toml); simulated everywhere else.
    rows = query(small_con, """SELECT c.date, d.province_code, c.split_source = 'estimated' AS estimated
                               FROM cases c JOIN districts d USING (district_code)""")
    params = simulate.load_params()["case_split"]
    without_community = simulate.recorded_no_community(rows["date"].to_numpy(), rows["province_code"].to_numpy(dtype=str),
                                                       params["no_community"])
    origin = build_module.case_origin(build_module.load_real()["districts"], params["recorded_share"])
    from_record = pd.MultiIndex.from_frame(rows[["date", "province_code"]]).isin(
        pd.MultiIndex.from_frame(origin[["date", "province_code"]]))
    after_portal = (rows["date"] > pd.Timestamp("2021-09-15")).to_numpy()
    known = without_community | from_record
    assert (rows["estimated"].to_numpy()[after_portal] == known[after_portal]).all()
    assert without_community.any() and rows["estimated"].to_numpy()[without_community].all()
    assert (from_record & after_portal).any()


def test_codes_are_text_with_leading_zeros(small_con):
    codes = query(small_con, "SELECT province_code, district_code FROM districts")
    assert codes["province_code"].str.fullmatch(r"\d{2}").all()
    assert codes["district_code"].str.fullmatch(r"\d{3}").all()
    assert "094" in set(codes["district_code"])


def test_dien_bien_observed_district_cases_to_24_may_2021(small_con):
    """The check that ties the data to the seed documents (data/sources/SOURCES.md)."""
    observed = query(
        small_con,
        """SELECT c.district_code, SUM(c.observed_cases) AS cases FROM cases c JOIN districts d USING (district_code)
           WHERE d.province_code = '11' AND c.date <= DATE '2021-05-24' GROUP BY 1 HAVING SUM(c.observed_cases) > 0""",
    )
    # Nậm Pồ 41, TP Điện Biên Phủ 7, Huyện Điện Biên 3, TX Mường Lay 1
    assert dict(zip(observed["district_code"], observed["cases"].astype(int))) == {"103": 41, "094": 7, "100": 3, "095": 1}


def test_province_cases_are_the_source_exactly(small_con):
    stored = query(small_con, "SELECT strftime(date, '%Y-%m-%d') AS date, province_code, new_cases FROM province_cases ORDER BY 1, 2")
    source = pd.read_csv(SOURCES / "covid/province_daily_cases.csv", dtype={"province_code": str})
    source = source[source.province_code.isin(SMALL_PROVINCES) & source.date.between(SMALL_START, SMALL_END)]
    assert stored.reset_index(drop=True).equals(source.sort_values(["date", "province_code"]).reset_index(drop=True).astype(stored.dtypes))


def test_district_cases_sum_to_the_province_series(small_con):
    """Every day outside the announcement window; over the window as a whole (data/estimate.py reconciles the
    days on which a case was counted by the province and announced by district)."""
    both = query(
        small_con,
        """SELECT p.date, p.province_code, p.new_cases AS official, v.new_cases AS districts,
                  p.new_deaths AS official_deaths, v.new_deaths AS district_deaths,
                  (SELECT SUM(observed_cases) FROM cases c JOIN districts d USING (district_code)
                   WHERE c.date = p.date AND d.province_code = p.province_code) AS announced
           FROM province_cases p JOIN province_daily v USING (date, province_code)""",
    )
    assert (both["district_deaths"] == both["official_deaths"]).all()
    inside = both["date"].between(pd.Timestamp("2021-04-27"), pd.Timestamp("2021-07-13"))
    assert (both.loc[~inside, "districts"] == both.loc[~inside, "official"]).all()
    window = both[inside].groupby("province_code")[["districts", "official", "announced"]].sum()
    assert (window["districts"] == window[["official", "announced"]].max(axis=1)).all()


def test_no_negative_counts_and_cumulative_falls_only_with_the_published_figure(small_con):
    for table, columns in {
        "cases": ["new_cases", "new_deaths", "community_cases", "quarantine_cases", "imported_cases", "in_treatment", "oxygen", "icu"],
        "beds": ["covid_beds_total", "covid_beds_occupied", "icu_beds_staffed", "icu_beds_occupied"],
        "tests": ["samples", "positives", "pcr_capacity"],
        "tracing": ["f1_identified", "f2_identified", "centralized_quarantine", "home_isolation"],
        "checkpoint_counts": ["people_in", "people_out", "vehicles", "tested", "positive"],
    }.items():
        negatives = query(small_con, f"SELECT COUNT(*) FROM {table} WHERE " + " OR ".join(f"{c} < 0" for c in columns))
        assert negatives.iloc[0, 0] == 0, table
    # A district figure falls only on a date its province's published figure (a snapshot) fell.
    falls = query(
        small_con,
        """WITH steps AS (SELECT v.date, d.province_code, v.dose,
                                 people - LAG(people) OVER (PARTITION BY district_code, age_group, dose ORDER BY date) AS step
                          FROM vaccinations v JOIN districts d USING (district_code)),
                province AS (SELECT date, province_code, 'dose1' AS dose, people_dose1 AS people FROM province_vaccination_estimates
                             UNION ALL SELECT date, province_code, 'full', people_full FROM province_vaccination_estimates
                             UNION ALL SELECT date, province_code, 'booster', people_booster FROM province_vaccination_estimates),
                fell AS (SELECT date, province_code, dose FROM (
                             SELECT *, people - LAG(people) OVER (PARTITION BY province_code, dose ORDER BY date) AS change
                             FROM province) WHERE change < 0)
           SELECT COUNT(*) FROM steps WHERE step < 0 AND (date, province_code, dose) NOT IN (SELECT * FROM fell)""",
    )
    assert falls.iloc[0, 0] == 0


def declared_keys() -> dict[str, str]:
    """Each fact table's key, as its `-- key: (…)` comment in data/schema.sql declares it."""
    return dict(re.findall(r"CREATE TABLE (\w+) \(  -- key: \(([^)]*)\)", SCHEMA_SQL.read_text(encoding="utf-8")))


def test_every_fact_table_key_is_unique(small_con):
    keys = declared_keys()
    assert set(FACT_TABLES) <= set(keys)
    for table, key in keys.items():
        duplicates = query(small_con, f"SELECT COUNT(*) FROM (SELECT {key} FROM {table} GROUP BY ALL HAVING COUNT(*) > 1)")
        assert duplicates.iloc[0, 0] == 0, f"{table} has duplicate keys ({key})"


def test_build_is_deterministic(small_db, tmp_path):
    again = build_module.build(tmp_path / "again.duckdb", provinces=SMALL_PROVINCES, start=SMALL_START, end=SMALL_END)
    first, second = connect(small_db, read_only=True), connect(again, read_only=True)
    try:
        for table in ["districts", *FACT_TABLES, "checkpoints"]:
            order = "ORDER BY ALL"
            assert query(first, f"SELECT * FROM {table} {order}").equals(query(second, f"SELECT * FROM {table} {order}")), table
    finally:
        first.close()
        second.close()


def test_build_command_rejects_a_bad_date(capsys):
    assert build_module.main(["--db", "/tmp/never.duckdb", "--start", "24/05/2021"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


@pytest.mark.full_build
def test_full_build_counts_and_invariants(tmp_path):
    """The one test that builds the whole country (about a minute)."""
    path = build_module.build(tmp_path / "full.duckdb")
    con = connect(path, read_only=True)
    try:
        counts = {t: query(con, f"SELECT COUNT(*) FROM {t}").iloc[0, 0] for t in ["provinces", "districts", "communes", "population_by_age"]}
        # 704 districts x 18 census bands: Hoàng Sa (498) has no census rows (SOURCES.md's 12,690 counts it too)
        assert counts == {"provinces": 63, "districts": 705, "communes": 10599, "population_by_age": 12672}
        assert query(con, "SELECT SUM(population) FROM districts").iloc[0, 0] == 96_208_984
        first, last = query(con, "SELECT MIN(date), MAX(date) FROM cases").iloc[0]
        assert (str(first.date()), str(last.date())) == ("2020-03-18", "2023-02-13")
        assert query(con, "SELECT COUNT(*) FROM cases").iloc[0, 0] == 705 * 1063
        # the collected series' 10,355,718 less the 200,863 its four days contradicting MOH's bulletins carried
        assert query(con, "SELECT SUM(new_cases) FROM province_cases").iloc[0, 0] == 10_154_855
        assert query(con, "SELECT SUM(new_cases_collected - new_cases) FROM province_cases").iloc[0, 0] == 200_863
        assert query(con, "SELECT SUM(new_deaths) FROM cases").iloc[0, 0] == 43_056
    finally:
        con.close()


def test_units_and_snapshots_are_the_sources_exactly(small_con):
    districts = query(small_con, "SELECT district_code, district_name, district_type, province_code, province_name FROM districts ORDER BY 1")
    source = pd.read_csv(SOURCES / "admin/districts_2021.csv", dtype=str)
    source = source[source.province_code.isin(SMALL_PROVINCES)].sort_values("district_code")
    assert districts.to_dict("records") == source[list(districts.columns)].to_dict("records")

    stored = query(small_con, "SELECT strftime(date, '%Y-%m-%d') AS date, province_code, people_dose1, people_dose2, doses_total "
                              "FROM province_vaccination_snapshots ORDER BY 1, 2")
    snapshots = pd.read_csv(SOURCES / "covid/province_vaccination_snapshots.csv", dtype={"province_code": str})
    snapshots = snapshots[snapshots.province_code.isin(SMALL_PROVINCES)].sort_values(["date", "province_code"])
    assert stored.to_dict("records") == snapshots[list(stored.columns)].to_dict("records")


def test_a_writer_holds_a_bounded_memory_unless_told_otherwise(monkeypatch):
    """Writers share the machine with the app servers: DuckDB's memory_limit is set, and can be raised."""
    import duckdb

    from data.db import WRITER_MEMORY_DEFAULT, writer_config

    monkeypatch.delenv("SITUATION_WRITER_MEMORY", raising=False)
    assert writer_config() == {"memory_limit": WRITER_MEMORY_DEFAULT}
    monkeypatch.setenv("SITUATION_WRITER_MEMORY", "3GB")
    con = duckdb.connect(config=writer_config())
    assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "2.7 GiB"  # 3 GB
    con.close()


def test_a_province_recorded_split_is_held_then_fades_into_the_model():
    """Bình Dương's share found in quarantine or lockdown over its last 14 recorded days (1-14/9/2021: 42,447 of
    47,847) is carried from 15/9: full weight for 45 days (its credibility, 47,847 / (47,847 + 20): 99.96 %), then
    falling to 0 over 30; a province with under 20 local cases in those days carries nothing."""
    districts = build_module.load_real()["districts"]
    carry = simulate.load_params()["case_split"]["recorded_share"]
    origin = build_module.case_origin(districts, carry)
    after = origin[(origin["province_code"] == "74") & (origin["date"] > "2021-09-14")].set_index("date")
    assert len(after) == carry["hold_days"] + carry["fade_days"]
    assert after["value"].round(4).unique().tolist() == [round(42447 / 47847, 4)]
    weights = after["weight"].to_numpy()
    credibility = 47847 / (47847 + carry["credibility_cases"])
    assert weights[:carry["hold_days"]] == pytest.approx([credibility] * carry["hold_days"])
    assert (pd.Series(weights).diff().dropna() <= 1e-12).all()
    assert 0 < weights[-1] < 0.05
    records, _ = build_module.origin_records(districts)
    recorded = origin.merge(records[["date", "province_code"]].drop_duplicates(), on=["date", "province_code"])
    assert (recorded["weight"] == 1).all() and recorded["value"].between(0, 1).all()
    dien_bien = origin[(origin["province_code"] == "11") & (origin["date"] > "2021-09-15")]
    # a handful of recorded cases is no share to carry: nothing until its own reports begin (9/11/2021)
    assert dien_bien["date"].min() == pd.Timestamp("2021-11-09")


def test_a_province_own_report_after_the_portal_takes_over_the_carried_share():
    """Tây Ninh's CDC published its daily split after the portal's last day: each report is a recorded day, and the
    share carried from it pools the recorded days of the 14 before it (13/10/2021: the reports of 12 and 13/10,
    284 of 302 cases in quarantine or lockdown); a later report cuts the carry of an earlier one."""
    districts = build_module.load_real()["districts"]
    carry = simulate.load_params()["case_split"]["recorded_share"]
    origin = build_module.case_origin(districts, carry)
    tay_ninh = origin[origin["province_code"] == "72"].set_index("date").sort_index()
    reports = pd.read_csv(build_module.SOURCES / "covid/province_case_origin_reports.csv", parse_dates=["date"],
                          dtype={"province_code": str})
    assert reports["source_url"].str.startswith(("http://", "https://")).all()
    for row in reports[reports["province_code"] == "72"].itertuples():
        assert tay_ninh.loc[row.date, "weight"] == 1
        assert tay_ninh.loc[row.date, "value"] == pytest.approx(1 - row.community_cases / row.cases)
    assert tay_ninh.loc["2021-10-14", "value"] == pytest.approx((20 + 264) / 302)
    assert tay_ninh.loc["2021-09-30", "value"] == pytest.approx((46 + 62 + 21) / 195)  # 21, 22 and 29/9
    assert not tay_ninh.index.duplicated().any()
    assert tay_ninh.index.max() == pd.Timestamp("2021-10-13") + pd.Timedelta(days=carry["hold_days"] + carry["fade_days"])
