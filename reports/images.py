"""Vega-Lite charts to PNG through vl-convert, offline and without a browser.

vl-convert carries Vega and Vega-Lite and a renderer of its own, so the slide images are drawn from the same
spec as the page's chart on any machine (no Chromium, no network). The bundled DejaVu Sans (reports.fonts) is
registered once and named in the slide's charts, so Vietnamese letters are drawn whatever the system fonts.
"""
from __future__ import annotations

from functools import cache

import altair as alt
import vl_convert

from reports.fonts import font_files
from reports.layout import body_boxes, presentation_figure
from reports.model import Chart, Deck

SCALE = 2  # drawn at twice the box's size, for sharpness on a projector and in print
CHART_FONT = "DejaVu Sans"


@cache
def _register_fonts() -> None:
    vl_convert.register_font_directory(str(font_files()[0].parent))


def render_png(chart: alt.TopLevelMixin, lang: str, size: tuple[int, int]) -> bytes:
    """The chart as PNG bytes at (width, height) in CSS pixels, in the slides' large type, drawn at twice that."""
    _register_fonts()
    width, height = size
    styled = presentation_figure(chart, lang, height, width, font=CHART_FONT)
    return vl_convert.vegalite_to_png(styled.to_dict(), scale=SCALE)


def deck_chart_pngs(deck: Deck, dpi: int = 96) -> dict[tuple[int, int], bytes | None]:
    """Every chart of a deck as PNG, sized to its box on the slide, keyed by (slide index, block index)."""
    return {(slide_index, block_index): render_png(block.figure, deck.lang, (round(box.w * dpi), round(box.h * dpi)))
            for slide_index, slide in enumerate(deck.slides)
            for block_index, (block, box) in enumerate(zip(slide.blocks, body_boxes(slide)))
            if isinstance(block, Chart)}


