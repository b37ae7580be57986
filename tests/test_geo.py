"""The geo package: the map files, views, layers (by their JSON), tooltips, selection and the map's texts."""
from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import geopandas as gpd
import shapely

from geo import layers, lettering, shapes, situation, tooltips, view
from tests.conftest import ROOT
from geo.selection import selected_code
from indicators.engine import classify
from indicators import levelstyle
from indicators.levelstyle import UNKNOWN_COLOR
from indicators.rulesets import load_ruleset

RULESET = load_ruleset("vn-2021-qd4800")
LEVEL_COLORS = {level.number: level.color for level in RULESET.levels}


# ------------------------------------------------------------------------------------------ map files

def test_map_files_are_small_and_carry_only_what_the_map_uses():
    for level, path in shapes.MAP_FILES.items():
        assert path.stat().st_size <= 1_500_000, f"{path.name} is over the 1.5 MB budget"
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        assert len(features) == {"district": 705, "province": 63}[level]
        assert all(set(f["properties"]) == set(shapes.UNIT_COLUMNS) for f in features)
    text = shapes.MAP_FILES["district"].read_text(encoding="utf-8")
    assert not re.search(r"\d\.\d{5,}", text), "coordinates must be rounded to 4 decimals"


def test_committed_map_files_are_what_write_map_files_makes(tmp_path):
    written = shapes.write_map_files(tmp_path)
    assert set(written) == set(shapes.STATIC_FILES)
    for key, path in written.items():
        assert path.read_bytes() == shapes.STATIC_FILES[key].read_bytes(), f"regenerate with python -m geo.shapes"


def test_the_country_map_names_the_archipelagos_under_their_islands():
    """Every map of Viet Nam names Hoàng Sa and Trường Sa. The country's map letters them in its borders' file (a text
    layer would cost a browser without a GPU ~0.4 s), each just under its district's island, inside the map's east
    edge."""
    drawn = {tuple(segment) for segment in json.loads(shapes.STATIC_FILES[shapes.BORDERS].read_text())}
    districts = shapes.units(shapes.DISTRICT)
    east_edge = districts.total_bounds[2]
    for code, name in shapes.ARCHIPELAGO_NAMES.items():
        letters = np.array(shapes.archipelago_names(districts, {code: name}))
        assert {tuple(segment) for segment in letters.tolist()} <= drawn
        west, south, east, _ = districts.loc[districts["code"] == code].total_bounds
        xs, ys = letters[:, [0, 2]], letters[:, [1, 3]]
        assert south - 1.0 < ys.min() and ys.max() < south, f"{name}: not just under its island"
        middle = (west + east) / 2
        centred = xs.max() - middle == pytest.approx(middle - xs.min(), abs=0.1)
        assert xs.max() <= east_edge and (centred or east_edge - xs.max() < 0.1), f"{name}: not under its island"


def test_the_islands_far_out_at_sea_are_found_from_the_polygons():
    """Units over OUTLYING_DEGREES (about 55 km) of sea from the rest of their province; Phú Quốc (Kiên Giang) and
    Cô Tô (Quảng Ninh) are nearer and framed with their province."""
    assert shapes.outlying() == {"318", "498", "576", "755"}  # Bạch Long Vĩ, Hoàng Sa, Trường Sa, Côn Đảo


@pytest.mark.parametrize("province, island, km, direction", [
    ("31", "318", 80, "se"), ("48", "498", 430, "e"), ("56", "576", 530, "e"), ("77", "755", 180, "s")])
def test_a_province_view_frames_its_mainland_and_draws_its_far_island_in_a_box(province, island, km, direction):
    """Hải Phòng's, Đà Nẵng's, Khánh Hòa's and Bà Rịa - Vũng Tàu's maps fit their mainland (an island 80-530 km out
    would shrink them to a corner of the sea) and draw the island at the map's scale in a box of sea inside the
    view, as a printed provincial map does; the country's box reaches the real islands."""
    codes = shapes.area_units("province", province)
    assert island in codes and shapes.framed(codes) == [code for code in codes if code != island]
    assert shapes.offshore(island, codes) == (km, direction)
    area = view.area_view("province", province, set(codes), 680, 720)
    assert area.outside == () and [inset.code for inset in area.insets] == [island]
    inset = area.insets[0]
    west, south, east, north = area.box
    assert west <= inset.box[0] < inset.box[2] <= east and south <= inset.box[1] < inset.box[3] <= north, "in view"
    assert not shapely.intersects(shapely.box(*inset.box), shapes.units(shapes.PROVINCE).union_all()), "on open sea"
    real = shapes.units(detailed=True).set_index("code").geometry[island]
    drawn = shapes.moved(real, inset.shift)
    assert shapely.within(drawn, shapely.box(*inset.box)), "the island inside its box"
    assert drawn.area == pytest.approx(real.area, rel=1e-3), "at the map's scale"
    assert inset.box[1] < inset.label[1] < inset.box[3] and drawn.bounds[3] < inset.label[1], "its name above it"
    mainland = shapes.bounds(codes)
    grew = (mainland[2] - mainland[0]) * (mainland[3] - mainland[1])
    assert (east - west) * (north - south) <= 1.5 * grew, "the box holds the mainland, not the sea around it"
    country = view.area_view("country", None, set(shapes.area_units("country")), 680, 720)
    assert country.outside == () and country.insets == () and country.box[2] > 114


def test_an_island_in_a_box_is_drawn_picked_named_and_outlined_there():
    """Côn Đảo on Bà Rịa - Vũng Tàu's map: its polygon, outline, selected outline and name where its box is; the box's
    frame is drawn with the borders (no new layer: each kind costs a browser without a GPU ~0.5 s)."""
    codes = shapes.area_units("province", "77")
    area = view.area_view("province", "77", set(codes), 680, 720)
    (inset,) = area.insets
    units = shapes.units()[["code", "name", "province_name", "approximate"]]
    classified = pd.DataFrame({"level": pd.array([1] * len(codes), dtype="Int64"), "label_vi": "Cấp 1",
                               "label_en": "Level 1", "reasons": None}, index=pd.Index(codes))
    styles = view.unit_styles(units[units["code"].isin(codes)], classified, RULESET, "vi")
    spec = json.loads(view.map_deck(area, styles, selected="755").to_json())
    by_id = {layer["id"]: layer for layer in spec["layers"]}
    assert list(by_id) == ["units", "edges", "borders", "labels", "selected"]
    feature = next(f for f in by_id["units"]["data"]["features"] if f["properties"]["code"] == "755")
    assert shapely.within(shapely.geometry.shape(feature["geometry"]), shapely.box(*inset.box))
    inside = shapely.box(*inset.box).buffer(1e-3)
    assert by_id["selected"]["data"] and all(shapely.within(shapely.Point(x, y), inside)
                                             for x1, y1, x2, y2 in by_id["selected"]["data"] for x, y in ((x1, y1), (x2, y2)))
    assert shapes.box_segments(inset.box)[0] in by_id["borders"]["data"], "the box's frame"
    assert {"name": "Côn Đảo", "lon": inset.label[0], "lat": inset.label[1]} in by_id["labels"]["data"]


def test_lettering_draws_every_vietnamese_letter_at_the_size_asked():
    cap, left, baseline = 0.25, 110.0, 16.0
    capital = np.array(lettering.text_segments("H", left, baseline, cap))
    assert capital[:, [1, 3]].min() == pytest.approx(baseline, abs=1e-3)
    assert capital[:, [1, 3]].max() == pytest.approx(baseline + cap, abs=1e-3)
    word = np.array(lettering.text_segments("Trường", left, baseline, cap))
    assert word[:, [0, 2]].max() <= left + lettering.text_width("Trường", cap, baseline)
    assert word[:, [1, 3]].max() > baseline + cap, "the tone mark above ờ is drawn"
    with pytest.raises(ValueError, match="中"):
        lettering.text_segments("中", left, baseline, cap)


def test_nginx_caches_the_apps_static_map_files():
    """The map's outlines (static/geo/, at /app/static/ with a content hash in the URL) are kept by nginx and
    browsers: a week move never asks for them again."""
    import deploy

    site = deploy.render([8501], "127.0.0.1:8080", "/tmp/cache")
    block = site[site.index("location /app/static/"):]
    block = block[:block.index("}")]
    assert "proxy_cache situation_static" in block and "max-age=604800" in block


def test_simplified_districts_keep_their_area_and_quang_ninh_is_flagged():
    simple, real = shapes.units(), shapes.units(detailed=True)
    assert shapely.get_num_coordinates(simple.geometry.values).sum() < 0.8 * shapely.get_num_coordinates(
        real.geometry.values).sum()
    assert simple.geometry.is_valid.all()
    ratio = shapely.area(simple.geometry.values) / shapely.area(real.set_index("code").loc[simple["code"]].geometry.values)
    assert np.nanmedian(ratio) == pytest.approx(1, abs=0.01)
    approximate = simple.loc[simple["approximate"], "province_code"]
    assert len(approximate) == 13 and set(approximate) == {"22"}


def test_neighbours_share_a_border_both_ways():
    neighbours = shapes.adjacency()
    assert set(neighbours["103"]) == {"096", "097", "112"}  # Mường Nhé, Mường Chà and Nậm Nhùn (Lai Châu)
    assert all(code in neighbours[other] for code, others in neighbours.items() for other in others)
    assert shapes.area_units("district", "103")[0] == "103"
    assert set(shapes.area_units("district", "103")[1:]) == set(neighbours["103"])
    assert len(shapes.area_units("country")) == 705
    dien_bien = shapes.area_units("province", "11")
    assert len(dien_bien) == 10 and all(shapes.units().set_index("code").loc[dien_bien, "province_code"] == "11")


def test_fit_view_centres_the_box_and_zooms_in_for_smaller_areas():
    country = shapes.fit_view(shapes.bounds(shapes.area_units("country")))
    province = shapes.fit_view(shapes.bounds(shapes.area_units("province", "11")))
    west, south, east, north = shapes.bounds(shapes.area_units("province", "11"))
    assert west < province["longitude"] < east and south < province["latitude"] < north
    assert 4 < country["zoom"] < province["zoom"] < 12
    # the whole box fits: its width in pixels at that zoom is at most the map's width
    assert (east - west) / 360 * 512 * 2 ** province["zoom"] <= 800


def test_labels_are_short_names_inside_their_unit():
    labels = shapes.label_points().set_index("code")
    assert labels.loc["103", "name"] == "Nậm Pồ"
    real = shapes.units(detailed=True).set_index("code")
    assert real.loc["103"].geometry.contains(shapely.Point(labels.loc["103", ["lon", "lat"]].to_numpy()))


# ------------------------------------------------------------------------------------------ layers

def styles_frame() -> pd.DataFrame:
    return pd.DataFrame({"code": ["103", "094", "095"], "color": ["#E53935", "#43A047", None],
                         "name": ["Huyện Nậm Pồ", "Thành phố Điện Biên Phủ", "Thị xã Mường Lay"]})


def test_unit_features_colour_each_level_and_grey_the_unknown():
    collection = layers.unit_features(shapes.geometries(), styles_frame())
    fills = {f["properties"]["code"]: f["properties"]["fill"] for f in collection["features"]}
    assert fills["103"][:3] == [0xE5, 0x39, 0x35]
    assert fills["094"][:3] == [0x43, 0xA0, 0x47]
    assert fills["095"][:3] == layers.rgba(UNKNOWN_COLOR)[:3]
    assert all(f["properties"]["name"] for f in collection["features"])


def test_deck_json_has_the_layer_ids_no_basemap_and_literal_strings():
    collection = layers.unit_features(shapes.geometries(), styles_frame())
    deck = layers.situation_deck(
        [layers.unit_layer(collection), layers.border_lines_layer(shapes.unit_segments(("11",), "province")),
         layers.label_layer(shapes.label_points().head(3)), layers.selected_layer(shapes.unit_segments(("103",)))],
        shapes.fit_view(shapes.bounds(["103"])), tooltips.tooltip("Tuần 17/05/2021 – 23/05/2021"))
    spec = json.loads(deck.to_json())
    assert [layer["id"] for layer in spec["layers"]] == ["units", "borders", "labels", "selected"]
    units = spec["layers"][0]
    assert units["pickable"] is True and units["getFillColor"] == "@@=properties.fill"
    assert units["stroked"] is False and spec["layers"][2]["characterSet"] == "auto"
    assert spec["layers"][1]["widthUnits"] == "pixels" and spec["layers"][1]["data"][0] == shapes.unit_segments(("11",), "province")[0]
    assert "mapProvider" not in spec and spec["mapStyle"] == "__MAP_STYLE__", "no tiles unless asked for"
    assert "\n" not in deck.to_json(), "compact JSON: pydeck's indentation doubles the payload"
    assert "{name}" in deck._tooltip["html"] and "17/05/2021" in deck._tooltip["html"]
    with_tiles = json.loads(layers.situation_deck([], {"latitude": 21, "longitude": 105, "zoom": 6},
                                                  basemap=True).to_json())
    assert with_tiles["mapProvider"] == "carto" and "cartocdn" in with_tiles["mapStyle"]


def test_selected_layer_is_empty_but_present_when_nothing_is_picked():
    spec = json.loads(layers.situation_deck([layers.selected_layer(None)], {"latitude": 0, "longitude": 0,
                                                                           "zoom": 5}).to_json())
    assert spec["layers"][0]["id"] == "selected" and spec["layers"][0]["data"] == []


# ------------------------------------------------------------------------------------------ selection

@pytest.mark.parametrize("state, expected", [
    ({"selection": {"indices": {"units": [4]}, "objects": {"units": [{"type": "Feature",
                                                                       "properties": {"code": "103"}}]}}}, "103"),
    ({"indices": {"units": [0]}, "objects": {"units": [{"code": "094"}]}}, "094"),
    ({"selection": {"indices": {}, "objects": {}}}, None),
    ({"selection": {"indices": {"other": [1]}, "objects": {"other": [{"properties": {"code": "1"}}]}}}, None),
    (None, None),
    ({}, None),
])
def test_selected_code(state, expected):
    assert selected_code(state) == expected


# ------------------------------------------------------------------------------------------ tooltips and texts

def classified_frame() -> pd.DataFrame:
    """Four districts through the real engine: level 4 (cases), level 1, unknown (no inputs), level 2."""
    inputs = pd.DataFrame({
        "community_cases_per_100k_7d": [160.0, 5.0, np.nan, 25.0],
        "pct_18plus_dose1": [80.0, 90.0, np.nan, 75.0],
        "pct_50plus_full": [85.0, 85.0, np.nan, 85.0],
        "treatment_capacity_met": pd.array([False, True, pd.NA, True], dtype="boolean"),
    }, index=pd.Index(["103", "094", "095", "193"], name="code"))
    return classify(inputs, RULESET)


def units_frame() -> pd.DataFrame:
    return pd.DataFrame({"code": ["103", "094", "095", "193"],
                         "name": ["Huyện Nậm Pồ", "Thành phố Điện Biên Phủ", "Thị xã Mường Lay", "Thành phố Hạ Long"],
                         "province_name": ["Tỉnh Điện Biên"] * 3 + ["Tỉnh Quảng Ninh"],
                         "approximate": [False, False, False, True]})


def test_tooltip_fields_give_level_reasons_with_values_and_approximate_flag():
    classified = classified_frame()
    colors = levelstyle.colors(classified["level"], RULESET)
    fields = tooltips.unit_tooltip_fields(units_frame(), classified, colors, RULESET, "vi")
    assert list(fields.columns) == [*tooltips.FIELDS[1:], "label", "color", tooltips.REASONS]
    assert fields.loc["103", "label"].startswith("Cấp 4")
    assert "160,0 ca/100.000 dân/7 ngày (≥ 150)" in fields.loc["103", "reasons"]
    assert fields.loc["103", "color"] == LEVEL_COLORS[4]
    assert fields.loc["095", "label"] == "Không có số liệu" and fields.loc["095", "color"] == UNKNOWN_COLOR
    assert "không có số liệu" in fields.loc["095", "reasons"]
    assert fields.loc["193", "approximate"] and not fields.loc["103", "approximate"]
    english = tooltips.unit_tooltip_fields(units_frame(), classified, colors, RULESET, "en")
    assert english.loc["103", "label"].startswith("Level 4") and "160.0 cases" in english.loc["103", "reasons"]
    assert english.loc["095", "label"] == "No data"


def test_tooltip_shows_each_units_level_from_one_label_per_level():
    """The template holds each level's label once; a style rule per level shows it for that level's codes."""
    levels = pd.DataFrame({"code": ["103", "094", "095"], "label": ["Cấp 4 – Nguy cơ rất cao", "Cấp 1 – x", "Cấp 4 – Nguy cơ rất cao"],
                           "color": [LEVEL_COLORS[4], LEVEL_COLORS[1], LEVEL_COLORS[4]]})
    html = tooltips.tooltip("Tuần", levels, "vi", reasons=False)["html"]
    assert html.count("Cấp 4 – Nguy cơ rất cao") == 1 and html.count("Cấp 1 – x") == 1
    assert ".u103 .lv0,.u094 .lv1,.u095 .lv0{display:inline}" in html
    assert "{reasons}" not in html and "Bấm vào để xem lý do" in html
    assert "năm 2009" in html, "the approximate-boundary note, shown for units flagged approximate"
    assert "{reasons}" in tooltips.tooltip("", levels, "vi")["html"]


def test_tooltip_template_escapes_its_caption():
    assert "&lt;b&gt;" in tooltips.tooltip("<b>")["html"]
    assert all(f"{{{field}}}" in tooltips.tooltip()["html"] for field in tooltips.FIELDS)


def test_static_map_files_carry_every_tooltip_field_and_numeric_codes():
    for level, path in shapes.MAP_FILES.items():
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        assert all(set(tooltips.FIELDS) <= set(f["properties"]) and f["properties"]["code"].isdigit()
                   for f in features)
    assert shapes.map_file_url("district").startswith("app/static/geo/districts_map.geojson?v=")
    segments = json.loads(shapes.STATIC_FILES[shapes.BORDERS].read_text())
    assert all(len(segment) == 4 for segment in segments)
    assert len({tuple(segment) for segment in segments}) == len(segments), "a shared border is drawn once"


def test_level_colours_never_paint_unknown_green():
    levels = pd.Series([1, 4, pd.NA], dtype="Int64")
    official = levelstyle.colors(levels, RULESET)
    safe = levelstyle.colors(levels, RULESET, colorblind=True)
    assert list(official) == [LEVEL_COLORS[1], LEVEL_COLORS[4], UNKNOWN_COLOR]
    assert safe.iloc[0] == RULESET.level(1).color_colorblind and safe.iloc[2] == UNKNOWN_COLOR


def test_legend_counts_every_level_and_no_data():
    table = situation.legend(pd.Series([1, 1, 2, 4, pd.NA], dtype="Int64"), RULESET, "vi")
    assert list(table["count"]) == [2, 1, 0, 1, 1]
    assert situation.legend_text(table, "vi") == "Cấp 1: 2 · Cấp 2: 1 · Cấp 3: 0 · Cấp 4: 1 · Không có số liệu: 1"
    html = situation.legend_html(table, "vi")
    assert LEVEL_COLORS[3] in html and UNKNOWN_COLOR in html


def test_changes_list_most_severe_first_with_the_reason_that_moved():
    current = classified_frame()
    previous_inputs = pd.DataFrame({
        "community_cases_per_100k_7d": [30.0, 60.0, 5.0, 25.0],
        "pct_18plus_dose1": [80.0, 90.0, 80.0, 75.0],
        "pct_50plus_full": [85.0, 85.0, 85.0, 85.0],
        "treatment_capacity_met": pd.array([True, True, True, True], dtype="boolean"),
    }, index=current.index)
    previous = classify(previous_inputs, RULESET)
    changes = situation.level_changes(current, previous, RULESET, "vi")
    assert list(changes["code"]) == ["103", "094"], "unknown this week is not a change; highest level first"
    assert list(changes["step"]) == [3, -1]
    assert "Ca mắc mới tại cộng đồng: 30,0 → 160,0 ca/100.000 dân/7 ngày (≥ 150)" in changes["reason"].iloc[0]
    assert "Đáp ứng khả năng thu dung, điều trị: có → không" in changes["reason"].iloc[0]
    html = situation.changes_html(changes.assign(name=["Huyện Nậm Pồ", "TP Điện Biên Phủ"],
                                                 province=["Tỉnh Điện Biên"] * 2), RULESET, "vi")
    assert html.index("Nậm Pồ") < html.index("Điện Biên Phủ") and "▲" in html and "▼" in html


def test_reasoning_table_and_history_strip():
    classified = classified_frame()
    table = situation.reasoning_table(classified.loc["103", "reasons"], RULESET, "vi")
    assert len(table) == len(RULESET.criteria) and table.iloc[0, 3] == "✔"
    assert situation.reasoning_table(None, RULESET, "en").empty
    history = pd.DataFrame({"week": pd.date_range("2021-07-05", periods=3, freq="7D"),
                            "color": [LEVEL_COLORS[1], UNKNOWN_COLOR, LEVEL_COLORS[3]],
                            "label": ["Cấp 1", "Không có số liệu", "Cấp 3"]})
    spec = situation.history_strip(history, "vi", current_week=pd.Timestamp("2021-07-19")).to_dict()
    weeks, = spec["datasets"].values()
    assert [week["color"] for week in weeks] == list(history["color"]) and weeks[-1]["outline"] > 0


def test_thresholds_view_reads_in_the_ui_language():
    view = situation.thresholds_view(RULESET, "en")
    assert "Threshold" in view.columns and "150" in set(view["Threshold"]) and "no" in set(view["Threshold"])
    assert "Ngưỡng" in situation.thresholds_view(RULESET, "vi").columns


def test_under_the_thresholds_the_text_followed_and_the_policy_numbers_in_use():
    """#12: the national default says on screen which text it follows; #11: a policy number is shown where it is
    used (the treatment-capacity limits of indicators/policy.toml), and no note names a module that is gone."""
    vi, en = situation.measured_as(RULESET, "vi"), situation.measured_as(RULESET, "en")
    assert vi[0].startswith("Theo văn bản: ma trận và ngưỡng của Quyết định 4800") and en[0].startswith("Follows:")
    assert "dưới 80%" in vi[1] and "below 80%" in en[1]
    assert not any("indicators.inputs" in line for line in vi + en)
    cdc = situation.measured_as(load_ruleset("us-cdc-community-levels-2022"), "en")
    assert any("mean stay of 10 days" in line for line in cdc)


# ------------------------------------------------------------------------------------------ one map

def fills_of(expression: str) -> dict[str, list[int]]:
    """What deck.gl computes from a layers.fill_expression: each numeric code's colour."""
    match = re.fullmatch(r'\((\[.*\])\)\[\("(\w*)"\)\[properties\.code\*1\]\]', expression.removeprefix("@@="))
    table, chars = json.loads(match[1]), match[2]
    return {number: table[layers.TABLE_CHARS.index(char)] for number, char in enumerate(chars)}


def test_country_map_sends_no_outlines_and_colours_each_district_by_its_level():
    everywhere = shapes.area_units("country")
    country = view.area_view("country", None, set(everywhere), 800, 680)
    assert len(country.codes) == 705 and not country.detailed
    units = shapes.units()[["code", "name", "province_name", "approximate"]]
    reason = "• Ca mắc mới tại cộng đồng: 152,3 ca/100.000 dân/7 ngày (≥ 150)\n• Tỷ lệ người ≥ 18 tuổi tiêm ít nhất 1 mũi: 68,0% (< 70)"
    levels = pd.array([3] * 700 + [1, 4, pd.NA, 2, 3], dtype="Int64")
    classified = pd.DataFrame({"level": levels, "label_vi": [f"Cấp {n}" if pd.notna(n) else None for n in levels],
                               "label_en": "Level", "reasons": None}, index=pd.Index(everywhere))
    styles = view.unit_styles(units, classified, RULESET, "vi").assign(reasons=reason)
    payload = view.map_deck(country, styles, caption="Tuần 16/08/2021 – 22/08/2021").to_json()
    assert len(payload.encode()) <= 20_000, "colours and the tooltip's levels, not 705 outlines"
    assert '"coordinates"' not in payload and reason.split(":")[0] not in payload
    spec = json.loads(payload)
    units_layer = next(layer for layer in spec["layers"] if layer["id"] == "units")
    assert units_layer["data"] == shapes.map_file_url("district")
    assert units_layer["updateTriggers"]["getFillColor"], "a new week's colours redraw the fill"
    assert units_layer["stroked"] is False, "705 sub-pixel outlines cost most of a redraw"
    fills = fills_of(units_layer["getFillColor"])
    for code, level in zip(everywhere[-5:], levels[-5:]):
        expected = UNKNOWN_COLOR if pd.isna(level) else LEVEL_COLORS[int(level)]
        assert fills[int(code)] == layers.rgba(expected), code
    assert fills[0] == layers.TRANSPARENT, "a code not in the view is not painted"
    borders = next(layer for layer in spec["layers"] if layer["id"] == "borders")
    assert borders["@@type"] == "LineLayer" and borders["data"] == shapes.map_file_url(shapes.BORDERS)

    province = view.area_view("province", "11", set(everywhere), 800, 680)
    spec = json.loads(view.map_deck(province, styles[styles["code"].isin(province.codes)], "103").to_json())
    assert [layer["id"] for layer in spec["layers"]] == ["units", "edges", "borders", "labels", "selected"]
    assert {layer["@@type"] for layer in spec["layers"][1:3] + spec["layers"][4:]} == {"LineLayer"}, \
        "outlines as segments: GeoJSON outlines (PathLayer) cost a browser without a GPU 1.3 s each"
    assert spec["layers"][4]["data"] == shapes.unit_segments(("103",)), "the selected district's outline"
    assert all(f["properties"]["reasons"] == reason for f in spec["layers"][0]["data"]["features"])
    known_only = view.area_view("province", "11", {"103", "094"}, 800, 680)
    assert set(known_only.codes) == {"103", "094"}, "only the units the database holds"


def test_units_above_the_coloured_codes_are_transparent_not_black():
    """The checkpoint map colours one province's districts: its neighbours with higher codes stay unpainted."""
    fills = fills_of(layers.fill_expression(pd.DataFrame({"code": ["193", "195"], "color": "#EEF2F7"})))
    assert fills[195] == layers.rgba("#EEF2F7") and fills[973] == layers.TRANSPARENT


def test_sin_ho_and_phong_tho_polygons_are_the_right_way_round():
    """The source swapped them (geo/SOURCES.md): Phong Thổ is the smaller district on the Chinese border."""
    import geopandas as gpd

    polygons = gpd.read_file(shapes.GEO_DIR / "districts_2021.geojson").set_index("district_code").to_crs("EPSG:32648")
    sin_ho, phong_tho = polygons.loc["108", "geometry"], polygons.loc["109", "geometry"]
    assert round(sin_ho.area / 1e6, -1) == 1530 and round(phong_tho.area / 1e6, -1) == 1030
    assert phong_tho.centroid.y > sin_ho.centroid.y


def test_quang_ninh_has_its_2009_districts_under_the_2021_codes_and_fills_its_outline():
    from geo import quang_ninh

    real = shapes.units(detailed=True)
    ours = real.loc[real["province_code"] == "22"].set_index("code")
    admin = pd.read_csv(ROOT / "data" / "sources" / "admin" / "districts_2021.csv", dtype=str)
    assert sorted(ours.index) == sorted(admin.loc[admin["province_code"] == "22", "district_code"])
    assert len(ours) == 13 and ours["approximate"].all(), "the map notes 'boundaries of 2009' for Quảng Ninh"
    assert not real.loc[real["province_code"] != "22", "approximate"].any(), "the note is for Quảng Ninh only"
    old = quang_ninh.districts_2009_by_code({quang_ninh.bare_name(name): code for code, name in ours["name"].items()})
    assert len(old) == 13, "Hoành Bồ is dissolved into Hạ Long"
    metric = "EPSG:3405"  # VN-2000 / UTM 48N: areas in m²
    outline = gpd.GeoSeries(gpd.read_file(shapes.SOURCE_FILES[shapes.PROVINCE]).set_index("province_code")
                            .geometry.loc[["22"]].values, crs=4326).to_crs(metric).iloc[0]
    districts = gpd.GeoSeries(ours.geometry.values, index=ours.index, crs=4326).to_crs(metric)
    assert outline.difference(districts.union_all()).area < 0.005 * outline.area, "the outline is covered"
    assert districts.area.sum() < 1.005 * outline.area, "no overlaps"
    old_area = gpd.GeoSeries(old.geometry.values, index=old["code"], crs=4326).to_crs(metric)
    agreement = districts.intersection(old_area.reindex(districts.index), align=True).area / old_area.area
    # Đông Triều keeps the least (56%): the coarse 2009 western border reaches into the neighbours' official polygons.
    assert agreement.min() > 0.5 and agreement.median() > 0.9, "each district keeps most of its 2009 polygon"
    assert old_area.loc["193"].area > 1.0e9, "Hạ Long with Hoành Bồ (about 1,120 km²)"


def test_labels_that_do_not_fit_their_district_are_left_out():
    hanoi = view.area_view("province", "01", set(shapes.units()["code"]), 800, 720)
    shown = set(shapes.labels_that_fit(hanoi.codes, hanoi.camera["zoom"])["name"])
    assert "Ba Vì" in shown and "Sóc Sơn" in shown, "large districts keep their names"
    assert not {"Hoàn Kiếm", "Ba Đình", "Đống Đa", "Hai Bà Trưng"} & shown, "the dense centre would overlap"
    closer = shapes.labels_that_fit(hanoi.codes, hanoi.camera["zoom"] + 3)
    assert "Hoàn Kiếm" in set(closer["name"]), "zoomed in, they fit again"


def test_no_province_border_is_drawn_round_a_sliver_inside_it():
    """Holes of under a square kilometre in a province are gaps between its districts (the simplification, Quảng
    Ninh's 2009 districts, the source itself): drawn, they were stray dashes inside the province."""
    simplified = shapes.units(shapes.PROVINCE)
    assert sum(len(part.interiors) for geometry in simplified.geometry for part in shapely.get_parts(geometry)) == 0
    real = shapes.units(shapes.PROVINCE, detailed=True).set_index("code").geometry
    assert len(real["94"].interiors if real["94"].geom_type == "Polygon" else
               [ring for part in real["94"].geoms for ring in part.interiors]) == 1, "the real file keeps its own"
    ring = shapes.border_segments(np.array([real["94"]]))
    assert len(shapes.unit_segments(("94",), shapes.PROVINCE)) < len(ring), "the sliver's outline is left out"


def test_the_map_says_how_far_out_and_where_an_island_in_a_box_lies():
    """Under the legend, in both languages: Côn Đảo in its box, 180 km south; an island with no room for a box is
    said to lie outside the frame."""
    codes = shapes.area_units("province", "77")
    area = view.area_view("province", "77", set(codes), 680, 720)
    names = dict(zip(shapes.units()["code"], shapes.units()["name"]))
    assert situation.offshore_notes(area, names, "vi") == [
        "Huyện Côn Đảo nằm ngoài khơi, cách phần còn lại của tỉnh khoảng 180 km về phía nam: bản đồ vẽ huyện này "
        "trong ô riêng có tên, cùng tỷ lệ, dời khỏi vị trí thật."]
    assert "about 180 km south of the rest of the province" in situation.offshore_notes(area, names, "en")[0]
    left_out = view.AreaView(area.codes, area.box, area.camera, True, outside=("755",))
    assert "outside the map's frame" in situation.offshore_notes(left_out, names, "en")[0]
    assert situation.offshore_notes(view.area_view("province", "01", set(shapes.area_units("province", "01")),
                                                   680, 720), names, "vi") == []
