"""The Overview page in AppTest, on the small database."""
from __future__ import annotations

from charts.epicurve import epicurve
from tests.apptest import open_page


def metric_values(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_in_vietnamese_by_default(app_env):
    at = open_page(query={"area": "11", "date": "2021-05-24"})
    assert not at.exception
    assert "Tổng quan tình hình dịch" in at.title[0].value
    assert "Điện Biên" in at.title[0].value
    values = metric_values(at)
    assert "Ca mắc mới 7 ngày" in values
    assert all(v for v in values.values())
    assert "24/05/2021" in " ".join(c.value for c in at.caption)
    assert any("mô phỏng" in m.value for m in at.markdown), "simulated figures must say so"
    level = " ".join(h.value for h in at.html)
    assert "Cấp độ dịch tuần 17/05/2021 – 23/05/2021" in level and "Cấp 2" in level


def test_overview_in_english_for_a_district(app_env):
    at = open_page(query={"area": "103", "date": "2021-05-24", "lang": "en"})
    assert not at.exception
    assert "Nậm Pồ" in at.title[0].value and "Situation overview" in at.title[0].value
    assert "New cases, 7 days" in metric_values(at)


def test_overview_for_the_whole_country_and_bad_url_values(app_env):
    at = open_page(query={"area": "xyz", "date": "not-a-date", "lang": "fr"})
    assert not at.exception
    assert "Toàn quốc" in at.title[0].value



BUILT = []


def counted_epicurve(*args, **kwargs):
    BUILT.append(1)
    return epicurve(*args, **kwargs)


def test_the_trend_chart_sends_its_rows_as_arrow_and_is_made_once(app_env, monkeypatch):
    """The cached spec (ui.widgets.chart) carries its rows as Arrow datasets, as st.altair_chart does, never as
    JSON records in the spec; a rerun with the same figures does not build the chart again."""
    import charts.epicurve

    monkeypatch.setattr(charts.epicurve, "epicurve", counted_epicurve)
    BUILT.clear()
    at = open_page(query={"area": "11", "date": "2021-05-24"})
    chart = at.get("vega_lite_chart")[0]
    assert chart.proto.datasets and '"values"' not in chart.proto.spec
    at.run()
    assert at.get("vega_lite_chart")[0].proto.spec == chart.proto.spec
    assert len(BUILT) == 1


def test_a_province_overview_shows_the_level_it_announced_on_the_same_week(app_env):
    """Quảng Ninh on 22/10/2021: the week shown (11-17/10) is the one MOH's lists of 22 and 23/10 rest on; the page
    says which level each announced, when, and links its source, latest first."""
    at = open_page(query={"area": "22", "date": "2021-10-22"})
    assert not at.exception
    captions = [c.value for c in at.caption if "đã công bố" in c.value]
    assert len(captions) == 2 and all("Cấp 1" in text and "(https://" in text for text in captions)
    assert "23/10/2021" in captions[0] and "22/10/2021" in captions[1]
    at = open_page(query={"area": "22", "date": "2021-10-30"})
    assert not [c.value for c in at.caption if "đã công bố" in c.value], "no list rests on 18-24/10"


def test_a_district_the_census_counts_nobody_in_says_why_its_rates_are_blank(small_db, tmp_path, monkeypatch):
    """Huyện Hoàng Sa has no residents in the 2019 census: its pages say so under the title, instead of leaving a
    row of "—" unexplained (here Nậm Pồ stands in for it, its population set to 0)."""
    import shutil

    import duckdb

    from tests.conftest import app_on

    nobody = tmp_path / "nobody.duckdb"
    shutil.copy(small_db, nobody)
    with duckdb.connect(str(nobody)) as con:
        con.execute("UPDATE districts SET population = 0 WHERE district_code = '103'")
    with app_on(nobody, monkeypatch):
        at = open_page(query={"area": "103", "date": "2021-05-24"})
        assert not at.exception
        assert any("không ghi nhận người dân sinh sống ở Huyện Nậm Pồ" in c.value for c in at.caption)
        assert metric_values(at)["Ca mắc/100.000 dân/7 ngày"] == "—"
        at = open_page(query={"area": "104", "date": "2021-05-24"})
        assert not any("không ghi nhận người dân" in c.value for c in at.caption)
