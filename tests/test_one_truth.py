"""One truth: every surface shows the same figure, level and origin for an area and a day.

The expected values are the metrics frame's and the classified view's, as the command line prints them
(`python -m data figures`); the Overview, the map, Trends, Capacity, the briefing deck and the daily report
must show exactly those (formatted the Vietnamese way). Days are Sundays, so the map's week ends on the day.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import shutil

import pytest

import auth
from data import db, ingest
from data import __main__ as figures_cli
from data.db import Area
from data.levels import level_week, ruleset_in_force
from i18n import fmt_int, fmt_number, fmt_pct, t
from indicators import levelstyle
from indicators.rulesets import load_ruleset
from reports.briefing import build_deck
from reports.daily import build_report
from reports.document import to_markdown
from reports.model import Metrics
from tests.apptest import open_page
from tests.conftest import app_on
from tests.ingest_corpus import DIEN_BIEN, REPORT_DATE, good_rows, header, xlsx

CLERK = auth.User("canbo_dienbien", auth.CLERK, "11", "Cán bộ Điện Biên")
UPLOADED_PER_DISTRICT = 5
CASES = [  # (area key, day, after an upload?) — the real district window is 27/04–13/07/2021
    ("11", dt.date(2021, 5, 23), False),
    ("103", dt.date(2021, 5, 23), False),
    ("VN", dt.date(2021, 5, 23), False),
    ("11", dt.date(2021, 11, 28), False),
    ("094", dt.date(2021, 11, 28), False),
    ("11", dt.date(2021, 7, 4), True),
    ("094", dt.date(2021, 7, 4), True),
    ("11", dt.date(2022, 1, 30), False),  # a week judged by QĐ 218, which replaced QĐ 4800 on 27/01/2022
]


def upload_as_clerk(path, rows: list[dict]) -> None:
    """Upload a filled template as Điện Biên's clerk (the store then refreshes the classified view)."""
    con = db.connect(path)
    try:
        plan = ingest.prepare(con, xlsx(rows), "bao_cao.xlsx", "11", today=dt.date(2022, 2, 15))
        assert plan.ok, [problem.text() for problem in plan.problems]
        ingest.commit(con, plan, CLERK, today=dt.date(2022, 2, 15))
    finally:
        con.close()


def upload_dien_bien_cases(path) -> None:
    """The issue's clerk: 5 new cases for each of Điện Biên's 10 districts on 01/07/2021."""
    rows = good_rows(REPORT_DATE)
    for row in rows:
        row[header("new_cases")] = UPLOADED_PER_DISTRICT
        row[header("community_cases")], row[header("quarantine_cases")], row[header("imported_cases")] = 5, 0, 0
    upload_as_clerk(path, rows)


def upload_dien_bien_beds(path) -> None:
    """Observed beds for every district of Điện Biên on 01/07/2021."""
    from data.ingest.specs import SPECS

    beds = SPECS["beds"]
    rows = [{beds.header("date"): REPORT_DATE, beds.header("district_code"): code, beds.header("district_name"): name,
             beds.header("covid_beds_total"): 100, beds.header("covid_beds_occupied"): 10,
             beds.header("icu_beds_staffed"): 10, beds.header("icu_beds_occupied"): 1, beds.header("ventilators"): 5,
             beds.header("ventilators_in_use"): 1, beds.header("oxygen_supply_m3_per_day"): 50}
            for code, name in DIEN_BIEN.items()]
    upload_as_clerk(path, rows)


@pytest.fixture(scope="module")
def uploaded_db(small_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("uploaded") / "uploaded.duckdb"
    shutil.copy(small_db, path)
    upload_dien_bien_cases(path)
    return path


def cli_figures(path, key: str, day: dt.date) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert figures_cli.main(["figures", key, day.isoformat(), "--db", str(path)]) == 0
    return json.loads(out.getvalue())


def metric_values(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def metric_origins(at) -> dict[str, str]:
    """Each card's origin as its badge and help say it (ui.widgets.metric)."""
    return {m.label: m.proto.help for m in at.metric}


@pytest.mark.parametrize("key, day, after_upload", CASES, ids=lambda v: str(v))
def test_every_surface_shows_the_same_figures(small_db, uploaded_db, monkeypatch, key, day, after_upload):
    path = uploaded_db if after_upload else small_db
    area = Area.from_key(key)
    expected = cli_figures(path, key, day)
    con = db.connect(path, read_only=True)
    try:
        assert expected == figures_cli.figures(con, area, day)
        deck = build_deck(con, area, day)
        report = to_markdown(build_report(con, area, day))
    finally:
        con.close()
    ruleset = load_ruleset(expected["level"]["ruleset"])
    assert ruleset.id == ruleset_in_force(day)[0].id, "every surface opens with the rule set in force"
    per_100k = fmt_number(expected["cases_per_100k_7d"]["value"], 1, "vi")
    dose1 = fmt_pct(expected["pct_18plus_dose1"]["value"], 1, "vi")
    vacant = fmt_number(expected["vacant_covid_beds_per_100k"]["value"], 1, "vi")
    level_label = levelstyle.label(expected["level"]["value"], ruleset, "vi")
    rate_origin = t(f"common.source_{expected['cases_per_100k_7d']['origin']}")
    query = {"area": key, "date": day.isoformat()}

    # the briefing deck model
    headline = next(block for block in deck.slides[0].blocks if isinstance(block, Metrics))
    tiles = {figure.label: figure for figure in headline.figures}
    assert tiles[t("overview.cases_per_100k")].value == per_100k
    assert tiles[t("overview.cases_per_100k")].source == expected["cases_per_100k_7d"]["origin"]
    assert tiles[t("overview.dose1_18plus")].value == dose1

    with app_on(path, monkeypatch):
        overview = open_page(query=query)
        assert not overview.exception
        values = metric_values(overview)
        assert values[t("overview.cases_per_100k")] == per_100k
        assert metric_origins(overview)[t("overview.cases_per_100k")] == rate_origin
        assert values[t("overview.dose1_18plus")] == dose1
        assert level_label in " ".join(h.value for h in overview.html)
        assert ruleset.name("vi") in " ".join(c.value for c in overview.caption), "the level says its rules"

        capacity = open_page("app_pages/capacity.py", query)
        assert not capacity.exception
        assert metric_values(capacity)[t("capacity.vacant_per_100k")] == vacant

        trends = open_page("app_pages/trends.py", query)
        assert not trends.exception
        assert metric_values(trends)[t("trends.cases_7d_per_100k")] == per_100k
        # the week's origin, not that of the whole curve drawn (a backlog spread back months ago is not this week's)
        assert metric_origins(trends)[t("trends.cases_7d_per_100k")] == rate_origin

        if area.level == db.DISTRICT:
            the_map = open_page("app_pages/map.py", {**query, "week": level_week(day).isoformat(), "unit": key})
            assert not the_map.exception
            panel = " ".join(h.value for h in the_map.html)
            assert per_100k in panel and dose1 in panel and level_label in panel
            assert the_map.selectbox(key="map_rules").value == ruleset.id

    # the daily report states the area's cases of the day as the metrics frame has them
    con = db.connect(path, read_only=True)
    try:
        from data import metrics
        row = metrics.on_day(con, area, day)
    finally:
        con.close()
    assert fmt_int(row["new_cases"], "vi") in report
    assert ruleset.name("vi") in report and deck.slides[1].subtitle.startswith(ruleset.name("vi"))


def test_an_upload_shows_the_district_sum_and_the_conflict_everywhere(uploaded_db, monkeypatch):
    """After the clerk's upload the province shows 50 cases that day (its districts' sum), never the published
    0, and every surface that shows the day says both numbers."""
    day = REPORT_DATE
    area = Area.from_key("11")
    districts_sum = UPLOADED_PER_DISTRICT * len(DIEN_BIEN)
    con = db.connect(uploaded_db, read_only=True)
    try:
        from data import metrics
        row = metrics.on_day(con, area, day)
        assert row["new_cases"] == districts_sum and row["cases_origin"] == "observed"
        assert row["cases_conflict"] and row["published_new_cases"] != districts_sum
        warning_numbers = (fmt_int(districts_sum, "vi"), fmt_int(row["published_new_cases"], "vi"))
        report = to_markdown(build_report(con, area, day))
        deck = build_deck(con, area, day)
    finally:
        con.close()
    assert all(number in report for number in warning_numbers) and "⚠" in report
    assert all(number in deck.slides[0].subtitle for number in warning_numbers)
    with app_on(uploaded_db, monkeypatch):
        overview = open_page(query={"area": "11", "date": day.isoformat()})
        warnings = " ".join(w.value for w in overview.warning)
        assert all(number in warnings for number in warning_numbers)


def test_an_upload_of_observed_beds_and_load_turns_the_badges_observed(small_db, tmp_path, monkeypatch):
    """Badges show the origin the data carries: after the clerk uploads beds (and patients) for every district
    of Điện Biên, the Capacity and Overview badges of those figures say observed, never "simulated"."""
    path = tmp_path / "beds.duckdb"
    shutil.copy(small_db, path)
    upload_dien_bien_beds(path)
    upload_dien_bien_cases(path)
    observed, simulated = t("common.source_observed"), t("common.source_simulated")
    query = {"area": "11", "date": REPORT_DATE.isoformat()}
    with app_on(path, monkeypatch):
        capacity = open_page("app_pages/capacity.py", query)
        assert not capacity.exception
        badges = " ".join(m.value for m in capacity.markdown)
        assert f"green-badge[{observed}]" in badges, "the uploaded beds are observed"
        overview = open_page(query=query)
        helps = {m.label: m.help for m in overview.metric}
        assert helps[t("overview.in_treatment")] == observed and helps[t("overview.cases_7d")] != simulated
