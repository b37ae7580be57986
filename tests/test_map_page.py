"""The map page (/ban-do) in AppTest, on the small database."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from geo.layers import rgba
from indicators.levelstyle import UNKNOWN_COLOR
from indicators.rulesets import load_ruleset
from geo.shapes import map_file_url
from tests.apptest import open_page
from tests.test_geo import fills_of

RULESET = load_ruleset("vn-2021-qd4800")


def rgb(color: str) -> tuple[int, ...]:
    return tuple(rgba(color)[:3])


def html_text(at) -> str:
    return " ".join(element.proto.body for element in at.get("html"))


def captions(at) -> str:
    return " ".join(caption.value for caption in at.caption)


def deck_spec(at) -> dict:
    return json.loads(next(element for element in at.get("deck_gl_json_chart")).proto.json)


def test_province_week_map_legend_legal_basis_and_url(app_env):
    at = open_page("app_pages/map.py", query={"area": "11", "week": "2021-05-19"})
    assert not at.exception
    assert "Bản đồ cấp độ dịch" in at.title[0].value and "Điện Biên" in at.title[0].value
    assert "Căn cứ: Nghị quyết 128/NQ-CP" in captions(at)
    assert "mô phỏng" in captions(at), "simulated inputs must say so"
    legend = html_text(at)
    assert "Cấp 1 – Nguy cơ thấp" in legend and "Không có số liệu" in legend
    spec = deck_spec(at)
    units = next(layer for layer in spec["layers"] if layer["id"] == "units")
    assert len(units["data"]["features"]) == 10, "the ten districts of Điện Biên"
    official = {rgb(level.color) for level in RULESET.levels} | {rgb(UNKNOWN_COLOR)}
    assert {tuple(f["properties"]["fill"][:3]) for f in units["data"]["features"]} <= official
    assert all(f["properties"]["reasons"] for f in units["data"]["features"]), "tooltips say why"
    assert "mapProvider" not in spec, "no basemap, no network, unless switched on"
    assert {"edges", "borders", "labels", "selected"} <= {layer["id"] for layer in spec["layers"]}
    assert at.query_params["week"] == "2021-05-17", "a week is shown and linked by its Monday"
    assert "rules" not in at.query_params, "the rule set in force is left out of the link (it follows the date)"


def test_a_linked_district_opens_its_detail_panel_and_is_the_sidebars_district(app_env):
    at = open_page("app_pages/map.py", query={"area": "11", "week": "2021-05-17", "unit": "103"})  # an old link
    assert not at.exception
    assert any("Huyện Nậm Pồ" in markdown.value for markdown in at.markdown)
    assert at.selectbox(key="map_unit").value == "103"
    assert at.selectbox(key="district").value == "103", "one selection: the sidebar shows the map's district"
    assert len(at.dataframe) >= 2, "the rule's reasoning table and the table of every district"
    assert "Tổng ca mắc mới 7 ngày" in html_text(at)
    assert at.query_params["area"] == "103" and "unit" not in at.query_params
    spec = deck_spec(at)
    units = next(layer for layer in spec["layers"] if layer["id"] == "units")
    assert len(units["data"]["features"]) == 10, "the district is shown within its province"
    at.button(key="map_clear").click().run()
    assert not at.exception and at.query_params["area"] == "11"
    assert at.selectbox(key="district").value == "" and at.selectbox(key="map_unit").value is None


def test_picking_a_district_on_the_map_picks_it_in_the_sidebar(app_env):
    at = open_page("app_pages/map.py", query={"area": "11", "week": "2021-05-17"})
    at.selectbox(key="map_unit").set_value("103").run()
    assert not at.exception
    assert at.selectbox(key="district").value == "103" and at.query_params["area"] == "103"


def test_week_slider_rule_set_and_play(app_env):
    at = open_page("app_pages/map.py", query={"area": "22", "week": "2021-12-06", "lang": "en"})
    assert not at.exception
    assert "Epidemic level map" in at.title[0].value
    assert "those of 2009" in captions(at), "Quảng Ninh's boundaries are of 2009"
    at.select_slider(key="map_week").set_value(dt.date(2021, 12, 13)).run()
    assert not at.exception and at.query_params["week"] == "2021-12-13"
    assert any("What changed" in header.value for header in at.subheader)
    at.selectbox(key="map_rules").set_value("us-cdc-community-levels-2022").run()
    assert not at.exception and at.query_params["rules"] == "us-cdc-community-levels-2022"
    at.button(key="map_play").click().run()
    assert not at.exception
    assert at.session_state["map_playing"] and at.query_params["week"] == "2021-12-20", "play steps a week on"


def test_whole_country_on_a_three_province_database(app_env):
    at = open_page("app_pages/map.py", query={"week": "not-a-week", "rules": "no-such-rules", "unit": "999",
                                          "palette": "cb", "basemap": "1"})
    assert not at.exception
    spec = deck_spec(at)
    units = next(layer for layer in spec["layers"] if layer["id"] == "units")
    assert units["data"] == map_file_url("district"), "the whole country's outlines come from the static file"
    painted = {code: fill for code, fill in fills_of(units["getFillColor"]).items() if fill[3]}
    assert len(painted) == 31, "the districts the database holds"
    safe = {rgb(level.color_colorblind) for level in RULESET.levels} | {rgb(UNKNOWN_COLOR)}
    assert {tuple(fill[:3]) for fill in painted.values()} <= safe
    assert spec["mapProvider"] == "carto" and at.query_params["basemap"] == "1"
    assert "unit" not in at.query_params and "rules" not in at.query_params, "a bad link falls back to the default"
    # the default: the rule set in force when the week shown (the database's last, to Sunday 30/01/2022) ended
    assert at.selectbox(key="map_rules").value == "vn-2022-qd218"


def test_a_named_district_is_filled_with_its_own_level_s_colour(app_env, small_db):
    """Nậm Pồ's polygon has the colour of Nậm Pồ's stored level that week, and each district of the view has
    its own (an all-grey or shuffled map fails, unlike a check that the colours are a subset of the palette)."""
    from data import db, levels

    week = dt.date(2021, 8, 9)
    con = db.connect(small_db, read_only=True)
    try:
        stored = levels.week_levels(con, RULESET.id, week)
    finally:
        con.close()
    at = open_page("app_pages/map.py", query={"area": "11", "week": week.isoformat()})
    assert not at.exception
    units = next(layer for layer in deck_spec(at)["layers"] if layer["id"] == "units")
    fills = {feature["properties"]["code"]: tuple(feature["properties"]["fill"][:3])
             for feature in units["data"]["features"]}
    assert pd.notna(stored.loc["103", "level"]), "Nậm Pồ has a level that week"
    assert fills["103"] == rgb(RULESET.level(int(stored.loc["103", "level"])).color)
    for code, fill in fills.items():
        level = stored.loc[code, "level"]
        assert fill == rgb(UNKNOWN_COLOR if pd.isna(level) else RULESET.level(int(level)).color), code


def test_the_country_map_sends_colours_not_outlines_and_a_districts_colour_is_its_level_s(app_env, small_db):
    """The whole country's deck is small (no polygons: the browser has the static file) and Nậm Pồ's entry of
    the colour table is the colour of its stored level that week."""
    from data import db, levels

    week = dt.date(2021, 8, 9)
    con = db.connect(small_db, read_only=True)
    try:
        stored = levels.week_levels(con, RULESET.id, week)
    finally:
        con.close()
    at = open_page("app_pages/map.py", query={"area": "VN", "week": week.isoformat()})
    assert not at.exception
    element = next(element for element in at.get("deck_gl_json_chart"))
    assert len(element.proto.json.encode()) < 10_000 and '"coordinates"' not in element.proto.json
    units = next(layer for layer in deck_spec(at)["layers"] if layer["id"] == "units")
    fills = fills_of(units["getFillColor"])
    assert pd.notna(stored.loc["103", "level"])
    assert tuple(fills[103][:3]) == rgb(RULESET.level(int(stored.loc["103", "level"])).color)
    tooltip = json.loads(element.proto.tooltip)["html"]
    assert ".u103 .lv" in tooltip and RULESET.level(int(stored.loc["103", "level"])).label("vi") in tooltip


def test_the_map_shows_what_was_announced_on_its_week(app_env):
    """The week of 11-17/10/2021: the whole country's map tallies MOH's lists of 23/10/2021 (22 provinces at level 1,
    41 at 2) and 22/10/2021 (26 and 37; 372/287/14/2 districts), latest first, each with its source and how many
    of the provinces the map has a level for agree (the small database's three); a province's map shows the levels
    announced for that province on that week's data."""
    at = open_page("app_pages/map.py", query={"area": "VN", "week": "2021-10-11"})
    assert not at.exception
    announced = [c.value for c in at.caption if "Đã công bố" in c.value]
    assert len(announced) == 2 and "23/10/2021" in announced[0] and "22/10/2021" in announced[1]
    assert "tỉnh cấp 1: 22, cấp 2: 41 — bản đồ khớp 3/3 tỉnh" in announced[0]
    assert "tỉnh cấp 1: 26, cấp 2: 37" in announced[1] and "huyện cấp 1: 372, cấp 2: 287, cấp 3: 14, cấp 4: 2" in announced[1]
    assert "bản đồ khớp 3/3 tỉnh" in announced[1]
    at = open_page("app_pages/map.py", query={"area": "22", "week": "2021-10-11", "lang": "en"})
    announced = [c.value for c in at.caption if "announced on this week" in c.value]
    assert len(announced) == 2 and all("Level 1" in text and "(https://" in text for text in announced)
    at = open_page("app_pages/map.py", query={"area": "22", "week": "2021-10-18"})
    assert not [c.value for c in at.caption if "công bố dựa trên tuần này" in c.value]


def test_a_provinces_own_district_levels_are_set_beside_the_map(record_env):
    """Sóc Trăng announced its province and its districts on 28/11/2021, on the data of 15-21/11: the map of that
    week says so, with how many of its districts the map agrees on and each that differs; the country's map of that
    week lists the nine provinces that announced their own level on it, each with its source."""
    at = open_page("app_pages/map.py", query={"area": "94", "week": "2021-11-15"})
    assert not at.exception
    text = captions(at)
    assert "Cấp độ tỉnh đã công bố dựa trên tuần này: Cấp 3 – Nguy cơ cao, ngày 28/11/2021" in text
    assert "Cấp độ quận/huyện tỉnh công bố dựa trên tuần này, ngày 28/11/2021: bản đồ khớp" in text
    assert "/11" in text and "(công bố" in text
    at = open_page("app_pages/map.py", query={"area": "VN", "week": "2021-11-15"})  # the country: every province's own
    own = [c.value for c in at.caption if c.value.startswith("Các tỉnh tự công bố dựa trên tuần này: bản đồ khớp")]
    assert len(own) == 1 and "/9 — " in own[0] and "[Tỉnh Sóc Trăng](https://" in own[0] and "khác: " in own[0]
    assert "28/11/2021" in own[0], "each announcement with its date (a province may announce twice on one week's data)"
    at = open_page("app_pages/map.py", query={"area": "950", "week": "2021-11-15"})  # Vĩnh Châu, picked
    assert not at.exception
    assert "Tỉnh công bố cho quận/huyện này dựa trên tuần đang xem: Cấp 3 – Nguy cơ cao, ngày 28/11/2021" in captions(at)
