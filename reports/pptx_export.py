"""The briefing as a PowerPoint file (python-pptx): one 16:9 slide per slide of the deck, laid out by
reports.layout, charts and the map as pictures (with their description as alternative text)."""
from __future__ import annotations

import io

from PIL import Image as PILImage
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches, Pt

from i18n import t
from reports import layout
from reports.images import deck_chart_pngs
from indicators.origin import COLORS as ORIGIN_COLORS
from reports.layout import COLORS, Box
from reports.model import Bullets, Chart, Deck, Image, Metrics, Slide, Table
from reports.text import origin_label, source_line

BLANK_LAYOUT = 6


def _rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#"))


def _text_box(slide, box: Box, lines: list[tuple[str, float, str, bool]], align=PP_ALIGN.LEFT,
              anchor=MSO_ANCHOR.TOP):
    """A text box of paragraphs given as (text, size in pt, colour, bold)."""
    shape = slide.shapes.add_textbox(Inches(box.x), Inches(box.y), Inches(box.w), Inches(box.h))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.08)
    for index, (text, size, color, bold) in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = text
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, layout.FONT_NAME
        run.font.color.rgb = _rgb(color)
    return shape


def _rectangle(slide, box: Box, fill: str, line: str | None = None):
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(box.x), Inches(box.y), Inches(box.w), Inches(box.h))
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(fill)
    if line:
        shape.line.color.rgb = _rgb(line)
        shape.line.width = Pt(1)
    else:
        shape.line.fill.background()
    shape.shadow.inherit = False
    return shape


def _picture(slide, png: bytes, box: Box, alt: str) -> None:
    """The picture as large as fits the box, centred, keeping its proportions."""
    width, height = PILImage.open(io.BytesIO(png)).size
    scale = min(box.w / width, box.h / height)
    w, h = width * scale, height * scale
    left, top = box.x + (box.w - w) / 2, box.y + (box.h - h) / 2
    picture = slide.shapes.add_picture(io.BytesIO(png), Inches(left), Inches(top), Inches(w), Inches(h))
    picture._element.nvPicPr.cNvPr.set("descr", alt)


def _metrics(slide, metrics: Metrics, box: Box, lang: str) -> None:
    for figure, tile in zip(metrics.figures, layout.tile_boxes(metrics, box)):
        _rectangle(slide, tile, COLORS["tile"], COLORS["rule"])
        origin = origin_label(figure.source, lang)
        _text_box(slide, tile, [
            (figure.label, layout.LABEL_PT, COLORS["muted"], False),
            (figure.value, layout.value_pt(figure.value, tile.w), COLORS["text"], True),
            (" · ".join(filter(None, [figure.note, origin])), layout.NOTE_PT,
             ORIGIN_COLORS.get(figure.source, COLORS["muted"]), False),
        ], anchor=MSO_ANCHOR.MIDDLE)


def _table(slide, table: Table, box: Box) -> None:
    size = layout.table_font_pt(table, box)
    row_height = size * 1.9 / 72
    weights = layout.column_weights(table.columns, table.rows)
    shape = slide.shapes.add_table(len(table.rows) + 1, len(table.columns), Inches(box.x), Inches(box.y),
                                   Inches(box.w), Inches(row_height * (len(table.rows) + 1)))
    grid = shape.table
    for column, weight in enumerate(weights):
        grid.columns[column].width = Inches(box.w * weight / sum(weights))
    for row_index, values in enumerate([table.columns, *table.rows]):
        grid.rows[row_index].height = Inches(row_height)
        header = row_index == 0
        total = table.bold_last_row and row_index == len(table.rows)
        for column, value in enumerate(values):
            cell = grid.cell(row_index, column)
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(COLORS["table_header"] if header else
                                            COLORS["table_stripe"] if row_index % 2 == 0 else "#FFFFFF")
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            paragraph = cell.text_frame.paragraphs[0]
            paragraph.alignment = PP_ALIGN.RIGHT if table.is_numeric(column) and not header else PP_ALIGN.LEFT
            run = paragraph.add_run()
            run.text = value
            run.font.size, run.font.name, run.font.bold = Pt(size), layout.FONT_NAME, header or total
            run.font.color.rgb = _rgb(COLORS["band_text"] if header else COLORS["text"])


def _slide(presentation, deck: Deck, slide: Slide, number: int, pngs: dict) -> None:
    page = presentation.slides.add_slide(presentation.slide_layouts[BLANK_LAYOUT])
    width = layout.SLIDE_WIDTH
    _rectangle(page, Box(0, 0, width, layout.HEADER_HEIGHT), COLORS["band"])
    _text_box(page, Box(layout.MARGIN, 0.1, width - 2 * layout.MARGIN, layout.HEADER_HEIGHT - 0.15), [
        (slide.title, layout.title_pt(slide.title), COLORS["band_text"], True),
        *([(slide.subtitle, layout.SUBTITLE_PT, COLORS["band_subtext"], False)] if slide.subtitle else []),
    ], anchor=MSO_ANCHOR.MIDDLE)

    for index, (block, box) in enumerate(zip(slide.blocks, layout.body_boxes(slide))):
        if isinstance(block, Metrics):
            _metrics(page, block, box, deck.lang)
        elif isinstance(block, Table):
            _table(page, block, box)
        elif isinstance(block, Bullets):
            _text_box(page, box, [(f"• {line}", layout.BODY_PT, COLORS["text"], False) for line in block.lines])
        elif isinstance(block, Image):
            _picture(page, block.png, box, block.alt)
        elif isinstance(block, Chart):
            png = pngs.get((number - 1, index))
            if png:
                _picture(page, png, box, block.alt)
            else:
                _rectangle(page, box, COLORS["tile"], COLORS["rule"])
                _text_box(page, box, [(t("briefing.chart_unavailable", deck.lang, alt=block.alt), layout.BODY_PT,
                                       COLORS["muted"], False)], anchor=MSO_ANCHOR.MIDDLE)

    notes = layout.notes_box(slide)
    if notes:
        _text_box(page, notes, [(note, layout.NOTE_PT, COLORS["muted"], False) for note in slide.notes])

    footer = layout.FOOTER_TOP
    rule = page.shapes.add_connector(1, Inches(layout.MARGIN), Inches(footer - 0.05), Inches(width - layout.MARGIN),
                                     Inches(footer - 0.05))
    rule.line.color.rgb = _rgb(COLORS["rule"])
    foot = [(deck.stamp, PP_ALIGN.LEFT, 3.6), (source_line(slide.sources, deck.lang), PP_ALIGN.CENTER, 6.6),
            (t("briefing.slide_number", deck.lang, number=number, total=len(deck.slides)), PP_ALIGN.RIGHT, 1.6)]
    x = layout.MARGIN
    for text, align, w in foot:
        _text_box(page, Box(x, footer, w, layout.SLIDE_HEIGHT - footer - 0.05),
                  [(text, layout.FOOTER_PT, COLORS["muted"], False)], align=align)
        x += w


def write_pptx(deck: Deck, pngs: dict[tuple[int, int], bytes | None] | None = None) -> bytes:
    """The deck as .pptx bytes. `pngs` are the charts as images (reports.images.deck_chart_pngs), drawn
    here when not given."""
    pngs = deck_chart_pngs(deck) if pngs is None else pngs
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = Inches(layout.SLIDE_WIDTH), Inches(layout.SLIDE_HEIGHT)
    presentation.core_properties.title = deck.title
    for number, slide in enumerate(deck.slides, start=1):
        _slide(presentation, deck, slide, number, pngs)
    output = io.BytesIO()
    presentation.save(output)
    return output.getvalue()
