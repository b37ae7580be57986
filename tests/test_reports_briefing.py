"""The briefing deck and its files: the slides say what they should, python-pptx reads the PPTX back, the PDF has
one page per slide, the level map and the charts are drawn offline, without a browser."""
from __future__ import annotations

import datetime as dt
import io
import re

import altair as alt
import pandas as pd
import pytest
from PIL import Image as PILImage

from data import db
from data.db import Area
from reports import images
from reports.__main__ import main
from data.levels import level_week as last_complete_week
from reports.briefing import SLIDE_KEYS, build_deck
from reports.levelmap import apart, level_map_png
from reports.model import Chart, Image, Metrics, Table
from reports.pdf_export import write_pdf
from reports.pptx_export import write_pptx

DAY = dt.date(2021, 5, 24)


@pytest.fixture(scope="module")
def deck(small_db):
    con = db.connect(small_db, read_only=True)
    yield build_deck(con, Area(db.PROVINCE, "11"), DAY)
    con.close()


def test_the_briefing_has_its_seven_slides_each_saying_where_its_numbers_come_from(deck):
    assert tuple(slide.key for slide in deck.slides) == SLIDE_KEYS
    assert deck.stamp == "Tỉnh Điện Biên · ngày 24/05/2021"
    for slide in deck.slides:
        assert slide.title and slide.sources, slide.key
        assert all(origin in ("observed", "estimated", "mixed", "simulated", None) for _, origin in slide.sources)
    headline = deck.slides[0].blocks[0]
    assert isinstance(headline, Metrics)
    values = {figure.label: (figure.value, figure.source) for figure in headline.figures}
    assert values["Ca mắc mới 7 ngày"] == ("29", "observed")  # the official series: 7+1+9+7+3+0+2
    assert values["Đang điều trị"][1] == "simulated"


def test_the_map_slide_shows_the_levels_of_the_judged_week(deck):
    assert last_complete_week(DAY) == last_complete_week(dt.date(2021, 5, 23)) == dt.date(2021, 5, 17)
    slide = deck.slides[SLIDE_KEYS.index("map")]
    assert "17/05/2021 – 23/05/2021" in slide.title
    picture, counts = slide.blocks
    assert isinstance(picture, Image) and PILImage.open(io.BytesIO(picture.png)).size[0] > 800
    assert isinstance(counts, Table)
    assert sum(int(row[2]) for row in counts.rows) == 10  # Điện Biên's ten districts, each counted once


def test_rising_districts_come_first(deck):
    table = deck.slides[SLIDE_KEYS.index("rising")].blocks[0]
    assert table.rows[0][0] == "Huyện Nậm Pồ" and table.rows[0][3] == "+3"


def test_pptx_reads_back_with_one_slide_per_slide(deck):
    from pptx import Presentation

    presentation = Presentation(io.BytesIO(write_pptx(deck, pngs={})))
    assert len(presentation.slides) == len(deck.slides)
    for page, slide in zip(presentation.slides, deck.slides):
        text = " ".join(shape.text_frame.text for shape in page.shapes if shape.has_text_frame)
        assert slide.title in text and "24/05/2021" in text and "Nguồn số liệu" in text
    first = " ".join(shape.text_frame.text for shape in presentation.slides[0].shapes if shape.has_text_frame)
    assert "29" in first and "mô phỏng" in first
    map_page = presentation.slides[SLIDE_KEYS.index("map")]
    assert any(shape.shape_type == 13 for shape in map_page.shapes)  # the map, a picture
    assert any(shape.has_table for shape in map_page.shapes)


def test_pdf_has_one_page_per_slide(deck):
    pdf = write_pdf(deck, pngs={})
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == len(deck.slides)


def test_command_line_briefing_pptx_with_its_charts_as_pictures(small_db, tmp_path):
    output = tmp_path / "giao-ban.pptx"
    assert main(["briefing", "--date", "2021-05-24", "--area", "103", "--db", str(small_db), "-o", str(output),
                 "--lang", "en"]) == 0
    from pptx import Presentation

    slides = Presentation(output).slides
    text = " ".join(shape.text_frame.text for slide in slides for shape in slide.shapes if shape.has_text_frame)
    assert "Huyện Nậm Pồ" in text and "could not be drawn" not in text
    pictures = sum(shape.shape_type == 13 for slide in slides for shape in slide.shapes)
    assert pictures >= 3, "the level map and the charts, drawn without a browser"


def test_the_country_deck_builds(small_con):
    deck = build_deck(small_con, Area(db.COUNTRY), DAY, "en")
    assert deck.area_title == "Whole country" and len(deck.slides) == len(SLIDE_KEYS)
    assert any(isinstance(block, Chart) for slide in deck.slides for block in slide.blocks)


def test_charts_render_offline_without_a_browser():
    chart = alt.Chart(pd.DataFrame({"district": ["Nậm Pồ", "Điện Biên"], "cases": [1719, 39749]})).mark_bar().encode(
        x="district:N", y="cases:Q")
    png = images.render_png(chart, "vi", (400, 300))
    assert PILImage.open(io.BytesIO(png)).size == (800, 600)  # drawn at twice the size


def test_no_empty_checkpoint_slide_for_an_area_without_checkpoints(small_con):
    deck = build_deck(small_con, Area(db.DISTRICT, "096"), DAY)  # Mường Nhé: no border gate, no control post
    assert [slide.key for slide in deck.slides] == [key for key in SLIDE_KEYS if key != "checkpoints"]


def test_the_changes_slide_says_how_many_districts_it_leaves_out(small_con, monkeypatch):
    """The tiles count every district that moved; under a table cut at TABLE_ROWS, its notes say how many more."""
    import reports.briefing as briefing

    monkeypatch.setattr(briefing, "TABLE_ROWS", 1)
    slide = build_deck(small_con, Area(db.PROVINCE, "11"), DAY).slides[SLIDE_KEYS.index("changes")]
    tiles, table = slide.blocks
    moved = sum(int(figure.value) for figure in tiles.figures[2:])
    assert moved > 1, "the day has more changes than the table shows"
    assert len(table.rows) == 1 and slide.notes[0] == f"… và {moved - 1} huyện khác (xem bảng cấp độ trên trang Bản đồ)"


def test_a_table_of_long_reasons_fits_its_box_and_a_long_figure_its_tile():
    """The changes slide's eight reasons of three lines each ran over the footer when every row counted as one line;
    a tile's '3.157 / 12.300' wrapped onto a second line at 30 pt."""
    from reports import layout

    reason = "Ca mắc mới tại cộng đồng: 37,0 → 58,1 ca/100.000 dân/7 ngày (≥ 50) (số liệu ước tính). " * 2
    table = Table(("Huyện", "Tuần trước", "Tuần này", "Thay đổi"),
                  tuple((f"▲ Quận {i}", "Cấp 1", "Cấp 2", reason) for i in range(8)))
    box = layout.Box(0.45, 3.0, 12.4, 3.5)
    size = layout.table_font_pt(table, box)
    weights = layout.column_weights(table.columns, table.rows)
    assert layout.table_height(table, size, [box.w * w / sum(weights) for w in weights]) <= box.h or \
        size == layout.MIN_TABLE_PT
    short = Table(("Cấp độ", "Tuần này"), (("Cấp 1", "4"),))
    assert layout.table_font_pt(short, box) == layout.BODY_PT - 2
    assert layout.value_pt("3.157 / 12.300", 2.95) < layout.VALUE_PT == layout.value_pt("81", 2.95)


def test_map_names_that_would_overlap_one_already_drawn_are_left_out():
    """A city's small central districts would print their names over each other on the slide's map: the first
    (largest) keeps its name, the ones it would cover do not, a name elsewhere stays."""
    first, over_it, touching, elsewhere = (0, 0, 10, 4), (5, 2, 15, 6), (10, 0, 20, 4), (0, 10, 10, 14)
    assert apart([first, over_it, touching, elsewhere]) == [True, False, True, True]


def test_the_level_map_shows_its_frame_and_cuts_off_what_lies_outside():
    """A province's map is framed on its mainland, as the map page frames it (geo.shapes.framed): an island far
    away (Hoàng Sa of Đà Nẵng) is left outside instead of shrinking the province to a corner."""
    import shapely

    units = pd.DataFrame({"geometry": [shapely.box(108.0, 16.0, 108.4, 16.4), shapely.box(112.3, 16.8, 112.4, 16.9)],
                          "color": ["#E53935", "#0000FF"]})
    legend = pd.DataFrame({"label": ["Cấp 4"], "color": ["#E53935"], "count": [1]})
    png = level_map_png(units, [], None, legend, 300, 300, frame=(108.0, 16.0, 108.4, 16.4))
    pixels = PILImage.open(io.BytesIO(png)).convert("RGB")
    colours = {pixels.getpixel((x, y)) for x in range(0, 300, 5) for y in range(0, 200, 5)}
    assert pixels.getpixel((150, 100)) == (229, 57, 53), "the framed province fills the map"
    assert (0, 0, 255) not in colours, "the far island is outside the frame"



def test_a_province_level_map_draws_its_far_island_in_a_box_under_its_mainland():
    """Bà Rịa - Vũng Tàu's slide map fills the picture with its mainland and draws Côn Đảo, 180 km south, in a box
    just under it (geo.shapes.inset_view, as the map page does), instead of shrinking the province to a corner."""
    import numpy as np

    from geo import shapes
    from indicators.rulesets import load_ruleset
    from reports.briefing import _Context, level_map

    ruleset = load_ruleset("vn-2021-qd4800")
    codes = shapes.area_units("province", "77")
    week = pd.DataFrame({"level": pd.array([4 if code == "755" else 1 for code in codes], dtype="Int64")},
                        index=pd.Index(codes))
    context = _Context(None, Area.from_key("77"), dt.date(2021, 10, 20), "vi", ruleset, False, "Bà Rịa - Vũng Tàu")
    pixels = np.asarray(PILImage.open(io.BytesIO(level_map(context, week, 900, 700))).convert("RGB")).astype(int)
    pixels = pixels[:-120]  # the map, without the legend's chips under it
    colours = {level.number: tuple(int(level.color[i:i + 2], 16) for i in (1, 3, 5)) for level in ruleset.levels}
    green_rows, green_columns = np.nonzero((np.abs(pixels - colours[1]).sum(axis=2) < 10))
    red_rows, red_columns = np.nonzero((np.abs(pixels - colours[4]).sum(axis=2) < 10))
    assert len(red_rows) > 500, "Côn Đảo is drawn, large enough to see its colour"
    assert green_columns.max() - green_columns.min() > 0.5 * 900, "the mainland fills the picture"
    assert red_rows.min() > green_rows.max() - 10, "the island's box is under the mainland"
