"""The briefing as a PDF (fpdf2): one 16:9 page per slide, laid out exactly like the PPTX (reports.layout),
with a font that has every Vietnamese letter embedded (reports.fonts)."""
from __future__ import annotations

import io

from fpdf import FPDF
from fpdf.fonts import FontFace

from i18n import t
from reports import layout
from reports.fonts import font_files
from reports.images import deck_chart_pngs
from indicators.origin import COLORS as ORIGIN_COLORS
from reports.layout import COLORS, Box
from reports.model import Bullets, Chart, Deck, Image, Metrics, Slide, Table
from reports.text import origin_label, source_line

FAMILY = "Body"
POINT = 1 / 72  # inches


class _Page:
    """Drawing helpers on an FPDF whose unit is the inch."""

    def __init__(self, pdf: FPDF):
        self.pdf = pdf

    def color(self, color: str, what: str = "text") -> None:
        rgb = [int(color.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
        {"text": self.pdf.set_text_color, "fill": self.pdf.set_fill_color, "draw": self.pdf.set_draw_color}[what](*rgb)

    def rectangle(self, box: Box, fill: str, line: str | None = None) -> None:
        self.color(fill, "fill")
        if line:
            self.color(line, "draw")
            self.pdf.set_line_width(POINT)
        self.pdf.rect(box.x, box.y, box.w, box.h, style="DF" if line else "F")

    def lines(self, box: Box, lines: list[tuple[str, float, str, bool]], align: str = "L",
              middle: bool = False) -> None:
        """Paragraphs (text, size in pt, colour, bold) from the top of the box, or centred in its height."""
        height = sum(size * 1.25 * POINT * len(self._split(text, size, bold, box.w)) for text, size, _, bold in lines)
        y = box.y + max(box.h - height, 0) / 2 if middle else box.y
        for text, size, color, bold in lines:
            self.pdf.set_font(FAMILY, "B" if bold else "", size)
            self.color(color)
            self.pdf.set_xy(box.x, y)
            self.pdf.multi_cell(box.w, size * 1.25 * POINT, text, align=align, padding=(0, 0.08))
            y = self.pdf.get_y()

    def _split(self, text: str, size: float, bold: bool, width: float) -> list[str]:
        self.pdf.set_font(FAMILY, "B" if bold else "", size)
        return self.pdf.multi_cell(width, size * POINT, text, dry_run=True, output="LINES", padding=(0, 0.08))

    def picture(self, png: bytes, box: Box, alt: str) -> None:
        self.pdf.image(io.BytesIO(png), box.x, box.y, box.w, box.h, keep_aspect_ratio=True, alt_text=alt)


def _metrics(page: _Page, metrics: Metrics, box: Box, lang: str) -> None:
    for figure, tile in zip(metrics.figures, layout.tile_boxes(metrics, box)):
        page.rectangle(tile, COLORS["tile"], COLORS["rule"])
        page.lines(tile, [
            (figure.label, layout.LABEL_PT, COLORS["muted"], False),
            (figure.value, layout.value_pt(figure.value, tile.w), COLORS["text"], True),
            (" · ".join(filter(None, [figure.note, origin_label(figure.source, lang)])), layout.NOTE_PT,
             ORIGIN_COLORS.get(figure.source, COLORS["muted"]), False),
        ], middle=True)


def _table(page: _Page, table: Table, box: Box) -> None:
    pdf = page.pdf
    size = layout.table_font_pt(table, box)
    weights = layout.column_weights(table.columns, table.rows)
    pdf.set_font(FAMILY, "", size)
    page.color(COLORS["text"])
    page.color(COLORS["rule"], "draw")
    pdf.set_line_width(0.5 * POINT)
    pdf.set_left_margin(box.x)
    pdf.set_xy(box.x, box.y)
    headings = FontFace(emphasis="BOLD", color=COLORS["band_text"], fill_color=COLORS["table_header"])
    with pdf.table(width=box.w, col_widths=weights, align="LEFT", line_height=size * 1.35 * POINT,
                   text_align=tuple("RIGHT" if table.is_numeric(i) else "LEFT" for i in range(len(table.columns))),
                   headings_style=headings, borders_layout="HORIZONTAL_LINES", padding=(0.04, 0.06)) as grid:
        for index, values in enumerate([table.columns, *table.rows]):
            total = table.bold_last_row and index == len(table.rows)
            row = grid.row(style=None if index == 0 else FontFace(
                emphasis="BOLD" if total else None, color=COLORS["text"],
                fill_color=COLORS["table_stripe"] if index % 2 == 0 else "#FFFFFF"))
            for value in values:
                row.cell(value)
    pdf.set_left_margin(0)


def _slide(page: _Page, deck: Deck, slide: Slide, number: int, pngs: dict) -> None:
    pdf = page.pdf
    pdf.add_page()
    width = layout.SLIDE_WIDTH
    page.rectangle(Box(0, 0, width, layout.HEADER_HEIGHT), COLORS["band"])
    page.lines(Box(layout.MARGIN, 0.05, width - 2 * layout.MARGIN, layout.HEADER_HEIGHT - 0.1), [
        (slide.title, layout.title_pt(slide.title), COLORS["band_text"], True),
        *([(slide.subtitle, layout.SUBTITLE_PT, COLORS["band_subtext"], False)] if slide.subtitle else []),
    ], middle=True)
    for index, (block, box) in enumerate(zip(slide.blocks, layout.body_boxes(slide))):
        if isinstance(block, Metrics):
            _metrics(page, block, box, deck.lang)
        elif isinstance(block, Table):
            _table(page, block, box)
        elif isinstance(block, Bullets):
            page.lines(box, [(f"• {line}", layout.BODY_PT, COLORS["text"], False) for line in block.lines])
        elif isinstance(block, Image):
            page.picture(block.png, box, block.alt)
        elif isinstance(block, Chart):
            png = pngs.get((number - 1, index))
            if png:
                page.picture(png, box, block.alt)
            else:
                page.rectangle(box, COLORS["tile"], COLORS["rule"])
                page.lines(box, [(t("briefing.chart_unavailable", deck.lang, alt=block.alt), layout.BODY_PT,
                                  COLORS["muted"], False)], align="C", middle=True)
    notes = layout.notes_box(slide)
    if notes:
        page.lines(notes, [(note, layout.NOTE_PT, COLORS["muted"], False) for note in slide.notes])
    footer = layout.FOOTER_TOP
    page.color(COLORS["rule"], "draw")
    pdf.set_line_width(POINT)
    pdf.line(layout.MARGIN, footer - 0.05, width - layout.MARGIN, footer - 0.05)
    x = layout.MARGIN
    for text, align, w in ((deck.stamp, "L", 3.6), (source_line(slide.sources, deck.lang), "C", 6.6),
                           (t("briefing.slide_number", deck.lang, number=number, total=len(deck.slides)), "R", 1.6)):
        page.lines(Box(x, footer, w, layout.SLIDE_HEIGHT - footer), [(text, layout.FOOTER_PT, COLORS["muted"], False)],
                   align=align)
        x += w


def write_pdf(deck: Deck, pngs: dict[tuple[int, int], bytes | None] | None = None) -> bytes:
    """The deck as PDF bytes, one page per slide. `pngs` as for reports.pptx_export.write_pptx."""
    pngs = deck_chart_pngs(deck) if pngs is None else pngs
    pdf = FPDF(orientation="L", unit="in", format=(layout.SLIDE_HEIGHT, layout.SLIDE_WIDTH))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    regular, bold = font_files()
    pdf.add_font(FAMILY, "", str(regular))
    pdf.add_font(FAMILY, "B", str(bold))
    pdf.set_title(deck.title)
    pdf.set_lang(deck.lang)
    page = _Page(pdf)
    for number, slide in enumerate(deck.slides, start=1):
        _slide(page, deck, slide, number, pngs)
    return bytes(pdf.output())
