"""Where things go on a slide, shared by the PPTX and the PDF so both files look the same, and the one
high-contrast look of the briefing (page and files).

Positions are in inches on a 16:9 slide (13.333 × 7.5 in, PowerPoint's widescreen size).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import altair as alt

from charts import FONT, presentation
from reports.model import Metrics, Slide, Table

SLIDE_WIDTH, SLIDE_HEIGHT = 13.333, 7.5
MARGIN = 0.45
HEADER_HEIGHT = 1.15
BODY_TOP = HEADER_HEIGHT + 0.25
FOOTER_TOP = 6.92
BODY_BOTTOM = FOOTER_TOP - 0.15
GAP = 0.3
TILES_PER_ROW = 4
TILE_HEIGHT = 1.3
TILE_GAP = 0.15

# Black on white with a dark band: readable from the back of a room and on paper.
COLORS = {
    "band": "#0B2545",
    "band_text": "#FFFFFF",
    "band_subtext": "#D6E4F0",
    "text": "#111111",
    "muted": "#3A3A3A",
    "rule": "#0B2545",
    "tile": "#F3F6FA",
    "table_header": "#0B2545",
    "table_stripe": "#EEF2F7",
}
FONT_NAME = "Arial"  # PowerPoint and Word fall back to a font with Vietnamese letters on every system
TITLE_PT, SUBTITLE_PT, BODY_PT, FOOTER_PT = 30, 16, 18, 11
VALUE_PT, LABEL_PT, NOTE_PT = 30, 13, 11
NOTE_CHARS_PER_LINE = 140  # a slide's notes at NOTE_PT across the slide
CHAR_EM, DIGIT_EM = 0.55, 0.64  # a letter's mean width and a digit's, in ems (Arial/DejaVu, Vietnamese text)
MIN_TABLE_PT, TABLE_LINE, TABLE_PADDING = 9.0, 1.35, 0.08  # table type: smallest size, line height, row padding (in)
CELL_PADDING = 0.12  # inches of a cell's width that hold no text
LONG_TEXT_WEIGHT = 60  # a column of long texts weighs as 60 characters: it wraps, and the numbers keep their room
NOTE_LINE_HEIGHT = 0.21
CHART_FONT_PX = 20


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float


def metric_rows(metrics: Metrics) -> int:
    return math.ceil(len(metrics.figures) / TILES_PER_ROW)


def column_boxes(weights: tuple[float, ...], top: float = BODY_TOP, bottom: float = BODY_BOTTOM) -> list[Box]:
    """Side-by-side boxes from `top` to `bottom` (the body's), with widths in proportion to `weights`."""
    usable = SLIDE_WIDTH - 2 * MARGIN - GAP * (len(weights) - 1)
    boxes, x = [], MARGIN
    for weight in weights:
        w = usable * weight / sum(weights)
        boxes.append(Box(x, top, w, bottom - top))
        x += w + GAP
    return boxes


def notes_box(slide: Slide) -> Box | None:
    """The box of the slide's notes, just above the footer, as tall as their lines (None without notes)."""
    if not slide.notes:
        return None
    lines = sum(math.ceil(len(note) / NOTE_CHARS_PER_LINE) for note in slide.notes)
    height = lines * NOTE_LINE_HEIGHT
    return Box(MARGIN, BODY_BOTTOM - height, SLIDE_WIDTH - 2 * MARGIN, height)


def body_boxes(slide: Slide) -> list[Box]:
    """The box of each block of the slide, in the order of its blocks: headline metrics across the top, the
    other blocks side by side below them in columns (widths from the slide, or equal), above the notes."""
    top, boxes = BODY_TOP, {}
    notes = notes_box(slide)
    bottom = notes.y - TILE_GAP if notes else BODY_BOTTOM
    for index, block in enumerate(slide.blocks):
        if isinstance(block, Metrics):
            height = metric_rows(block) * (TILE_HEIGHT + TILE_GAP) - TILE_GAP
            boxes[index] = Box(MARGIN, top, SLIDE_WIDTH - 2 * MARGIN, height)
            top += height + GAP
    rest = [index for index, block in enumerate(slide.blocks) if not isinstance(block, Metrics)]
    if rest:
        weights = slide.column_widths if len(slide.column_widths) == len(rest) else (1.0,) * len(rest)
        boxes.update(zip(rest, column_boxes(weights, top, bottom)))
    return [boxes[index] for index in range(len(slide.blocks))]


def tile_boxes(metrics: Metrics, box: Box) -> list[Box]:
    """The tile of each headline figure inside the metrics box, four to a row."""
    per_row = min(TILES_PER_ROW, len(metrics.figures))
    w = (box.w - TILE_GAP * (per_row - 1)) / per_row
    return [Box(box.x + (i % per_row) * (w + TILE_GAP), box.y + (i // per_row) * (TILE_HEIGHT + TILE_GAP), w,
                TILE_HEIGHT) for i in range(len(metrics.figures))]


def value_pt(value: str, width: float) -> float:
    """A tile's figure on one line: VALUE_PT, smaller where a long one ('3.157 / 12.300') would wrap in `width`."""
    return min(VALUE_PT, (width - CELL_PADDING) * 72 / (max(text_ems(value), CHAR_EM) * 1.1))  # bold is wider


def title_pt(title: str) -> float:
    """Titles stay on one line of the band where they can: long ones get smaller type."""
    return TITLE_PT if len(title) <= 40 else 24 if len(title) <= 52 else 20


def text_ems(text: str) -> float:
    """A text's estimated width in ems: digits are wider than the average letter (0.64 em in the slides' fonts)."""
    return sum(DIGIT_EM if character.isdigit() else CHAR_EM for character in text)


def column_weights(columns: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> list[float]:
    """Relative column widths: room for the widest cell and the longest word of the heading (headings, in bold,
    wrap between words, never inside one), long texts capped so they wrap instead of squeezing the numbers."""
    return [min(max([max(text_ems(word) for word in column.split()) * 1.3, *(text_ems(row[i]) for row in rows)])
                / CHAR_EM + 2, LONG_TEXT_WEIGHT)
            for i, column in enumerate(columns)]


def table_font_pt(table: Table, box: Box) -> float:
    """The largest type (at most the body size, at least MIN_TABLE_PT) at which a table's rows, each cell wrapped
    in its column, fit its box and no number is broken over two lines: a reason of three lines takes three lines'
    height (the changes slide ran off the page when every row was counted as one line), and '+1,550' in a narrow
    column read '+1,55' over '0'."""
    weights = column_weights(table.columns, table.rows)
    widths = [box.w * weight / sum(weights) for weight in weights]
    size = BODY_PT - 2
    while size > MIN_TABLE_PT and (table_height(table, size, widths) > box.h
                                   or any(_lines(cell, size, width) > 1 for row in table.rows
                                          for cell, width in zip(row, widths) if _is_number(cell))):
        size -= 0.5
    return size


def _is_number(cell: str) -> bool:
    return bool(cell) and all(character.isdigit() or character in "+-−.,% " for character in cell)


def _lines(cell: str, size: float, width: float) -> int:
    return max(math.ceil(text_ems(cell) * size / 72 / max(width - CELL_PADDING, 0.1)), 1)


def table_height(table: Table, size: float, widths: list[float]) -> float:
    """Inches a table takes at `size` pt in columns of `widths` inches (estimated wrapping, no word breaks)."""
    return sum(max(_lines(cell, size, width) for cell, width in zip(row, widths)) * size * TABLE_LINE / 72
               + TABLE_PADDING for row in (table.columns, *table.rows))


def presentation_figure(chart: alt.TopLevelMixin, lang: str, height_px: int | None = None,
                        width_px: int | None = None, font_px: int = CHART_FONT_PX,
                        font: str = FONT) -> alt.TopLevelMixin:
    """The chart in large type for a projector or a slide file (charts.presentation: the same spec)."""
    return presentation(chart, lang, font_px, height_px, width_px, font)
