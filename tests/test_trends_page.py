"""The Trends page (Diễn biến dịch) in AppTest, on the small database: every view, filters in the URL, downloads."""
from __future__ import annotations

import pytest

from tests.apptest import charts as page_charts, open_page, series_names

PAGE = "app_pages/trends.py"
MAY = {"area": "11", "date": "2021-05-31", "from": "2021-05-01"}


def charts(at) -> list[dict]:
    return list(page_charts(at).values())


def element_keys(at, kind: str) -> set[str]:
    return {element.proto.id.rsplit("-", 1)[-1] for element in at.get(kind)}


def trace_names(at) -> list[str]:
    """The names of every chart's series (the legends' entries)."""
    return [name for spec in charts(at) for name in series_names(spec)]


@pytest.mark.parametrize("view, expected_charts", [
    ("curve", {"chart_cases", "chart_cases_levels", "chart_deaths"}),
    ("compare", {"chart_compare", "chart_small_multiples"}),
    ("rt", {"chart_rt", "chart_growth", "chart_positivity"}),
    ("load", {"chart_load", "chart_capacity"}),
    ("vaccination", {"chart_targets", "chart_bands", "chart_whole_population"}),
])
def test_each_view_draws_its_charts_with_a_csv_each_and_a_parquet_table(app_env, view, expected_charts):
    at = open_page(PAGE, query={**MAY, "view": view})
    assert not at.exception
    assert at.title[0].value == "Diễn biến dịch — Tỉnh Điện Biên"
    assert set(page_charts(at)) == expected_charts
    downloads = element_keys(at, "download_button")
    assert {name.replace("chart_", "csv_") for name in expected_charts if not name.endswith("_levels")} <= downloads
    assert f"parquet_{view}" not in downloads and not at.dataframe, "the table is sent only once its expander opens"
    at.session_state[f"table_open_{view}"] = True
    at.run()
    assert f"parquet_{view}" in element_keys(at, "download_button") and len(at.dataframe) == 1
    assert "Từ 01/05/2021 đến hết 31/05/2021" in [caption.value for caption in at.caption]


def test_every_trace_says_where_its_figures_come_from(app_env):
    sources = ("số liệu thực", "ước tính", "mô phỏng", "một phần thực")
    unlabelled_ok = {"Trung bình 7 ngày", "Khoảng tin cậy 95%", "Rt toàn quốc do Our World in Data công bố", ""}
    for view in ("curve", "rt", "load", "vaccination"):
        at = open_page(PAGE, query={**MAY, "view": view})
        for name in trace_names(at):
            assert name in unlabelled_ok or any(source in name for source in sources), (view, name)


def test_curve_of_dien_bien_in_may_2021_is_the_published_series(app_env):
    at = open_page(PAGE, query=MAY)
    cases = page_charts(at)["chart_cases"]
    frames = cases["datasets"].values()
    bars = next(frame for frame in frames if "series" in frame and frame["series"].str.contains("Ca mắc mới").any())
    observed = bars[bars["series"] == "Ca mắc mới — số liệu thực"]
    assert observed["value"].sum() == 56  # what the Ministry published for Điện Biên in May 2021
    assert any("label" in frame and "tạm tính" in set(frame["label"]) and frame["opacity"].gt(0).all()
               for frame in frames), "the last days are shaded as provisional"
    assert {metric.label for metric in at.metric} >= {"Ca mắc 7 ngày", "Ca mắc/100.000 dân/7 ngày"}


@pytest.mark.parametrize("day, words", [("2021-06-30", "Không có ca"), ("2021-07-23", "Tăng từ 0")])
def test_growth_without_a_doubling_time_is_said_in_words(app_env, day, words):
    """Lai Châu had no case until 23/07/2021: the card says so, under the weeks' own origin, instead of a dash."""
    at = open_page(PAGE, query={"area": "12", "date": day})
    card = next(metric for metric in at.metric if metric.label == "Thời gian nhân đôi / giảm một nửa")
    assert card.value == words


def test_district_curve_in_english_shows_estimated_days_and_the_level_band(app_env):
    at = open_page(PAGE, query={"area": "103", "date": "2021-12-31", "from": "2021-05-01", "lang": "en",
                                "per100k": "1", "log": "1"})
    assert not at.exception
    assert "Epidemic trends — Huyện Nậm Pồ" in at.title[0].value
    names = trace_names(at)
    assert any("observed" in name for name in names) and any("estimated" in name for name in names)
    band = next(frame for frame in page_charts(at)["chart_cases_levels"]["datasets"].values() if "color" in frame)
    assert len(band) and all(color.startswith("#") for color in band["color"]), "the weekly level band"
    assert at.toggle(key="trends_per100k").value and at.toggle(key="trends_log").value


def test_country_rt_shows_the_published_national_series(app_env):
    at = open_page(PAGE, query={"area": "VN", "date": "2021-12-31", "from": "2021-07-01", "view": "rt"})
    assert not at.exception
    names = trace_names(at)
    assert "Rt toàn quốc do Our World in Data công bố" in names
    assert any("Our World in Data" in name and "số liệu thực" in name for name in names)
    assert any("Rt" in metric.label for metric in at.metric)


def test_comparison_units_come_from_the_url_and_go_back_to_it(app_env):
    at = open_page(PAGE, query={**MAY, "view": "compare", "compare": "11,103,xyz,12"})
    assert not at.exception
    assert at.multiselect(key="trends_compare_areas").value == ["11", "12"], "unknown units are ignored"
    assert at.multiselect(key="trends_compare_districts").value == ["103"]
    lines = series_names(page_charts(at)["chart_compare"])
    assert [name.split(" — ")[0] for name in lines] == ["Tỉnh Điện Biên", "Tỉnh Lai Châu", "Huyện Nậm Pồ (Điện Biên)"]
    at.multiselect(key="trends_compare_districts").unselect("103").run()
    assert at.query_params["compare"] == "11,12"


def test_typing_a_province_in_the_comparison_box_cannot_pick_its_districts(app_env):
    """Typed "Hồ Chí Minh" + Enter picks every matching option: the provinces' box holds no district."""
    at = open_page(PAGE, query={**MAY, "view": "compare"})
    areas = at.multiselect(key="trends_compare_areas")
    assert "11" in areas.options or "Tỉnh Điện Biên" in areas.options
    assert not any("(" in option for option in areas.options), "no 'District (Province)' among the provinces"


def test_filters_are_written_to_the_url_and_bad_values_ignored(app_env):
    at = open_page(PAGE, query={**MAY, "view": "nope", "from": "not-a-date", "dose": "fourth"})
    assert not at.exception
    assert at.segmented_control(key="trends_view").value == "curve"
    at.segmented_control(key="trends_view").set_value("vaccination").run()
    assert at.query_params["view"] == "vaccination"
    assert at.segmented_control(key="trends_dose").value == "full"
    at.segmented_control(key="trends_dose").set_value("booster").run()
    assert at.query_params["dose"] == "booster"
    assert "from" not in at.query_params, "the default period stays out of the link"


def test_a_province_band_marks_the_levels_it_announced(app_env):
    """Quảng Ninh, autumn 2021: a diamond in the colour of level 1 on the weeks the lists of ~16/10 and 22-23/10/2021
    rest on (4-10/10 and 11-17/10), its tooltip naming the level and the day of the week's latest list (MOH's of
    23/10 replaced that of 22/10 on the same data); the caption says what they are."""
    at = open_page(PAGE, query={"area": "22", "date": "2021-11-30", "from": "2021-09-01"})
    assert not at.exception
    spec = page_charts(at)["chart_cases_levels"]
    marked = [frame for frame in spec["datasets"].values() if "announced_text" in frame and "middle" in frame]
    assert len(marked) == 1 and len(marked[0]) == 2
    assert all(text.startswith("Cấp 1") for text in marked[0]["announced_text"])
    assert {"16/10/2021", "23/10/2021"} == {text.rsplit(" ", 1)[-1] for text in marked[0]["announced_text"]}
    assert any("Hình thoi trên dải" in caption.value for caption in at.caption)


def test_a_period_without_any_published_death_count_says_so_instead_of_an_empty_chart(record_env):
    """Deaths were not published after 25/5/2022: June 2022 has no death chart of "no data" only, but a line that
    says no count was published (not zero deaths), and the note of the record."""
    at = open_page(PAGE, query={"area": "94", "date": "2022-06-30", "from": "2022-06-01"})
    assert not at.exception
    assert "chart_deaths" not in page_charts(at) and "chart_cases" in page_charts(at)
    assert any("Không có số tử vong nào được công bố" in box.value for box in at.info)
