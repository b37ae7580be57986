"""The written report as Markdown (for the app and e-mail) and as DOCX (python-docx, for the office's template):
the heading block of an administrative document, then the sections, then the footnotes and the signature."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from reports.layout import column_weights
from reports.model import Paragraph, Report, Table

DOCX_FONT = "Times New Roman"  # the font of Vietnamese administrative documents (Decree 30/2020/NĐ-CP)
DOCX_PT, TABLE_PT = 13, 11
# Decree 30/2020/NĐ-CP, Appendix I: A4 paper (210 × 297 mm); margins top and bottom 20–25 mm, left 30–35 mm,
# right 15–20 mm. We take top 20, bottom 20, left 30, right 15.
PAGE_CM = (21.0, 29.7)
MARGINS_CM = {"top": 2.0, "bottom": 2.0, "left": 3.0, "right": 1.5}
TEXT_WIDTH_CM = PAGE_CM[0] - MARGINS_CM["left"] - MARGINS_CM["right"]


def _escape(text: str) -> str:
    """Literal text in Markdown: the marks (*) and (**) must not turn into emphasis."""
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")


def _markdown_cell(text: str) -> str:
    return _escape(text).replace("|", "\\|")


def markdown_table(table: Table) -> list[str]:
    """A pipe table, numbers right-aligned."""
    align = ["---:" if table.is_numeric(i) else "---" for i in range(len(table.columns))]
    rows = [table.columns, *table.rows]
    lines = ["| " + " | ".join(_markdown_cell(cell) for cell in row) + " |" for row in rows]
    if table.bold_last_row and table.rows:
        lines[-1] = "| " + " | ".join(f"**{_markdown_cell(cell)}**" if cell else "" for cell in rows[-1]) + " |"
    return [lines[0], "| " + " | ".join(align) + " |", *lines[1:]]


def to_markdown(report: Report) -> str:
    lines = [*(f"**{_escape(line)}**  " for line in report.issuer), "",
             *(f"**{_escape(line)}**  " for line in report.motto), "",
             f"*{_escape(report.place_date)}*", "",
             f"# {_escape(report.title)}", "", f"**{_escape(report.subtitle)}**", ""]
    for section in report.sections:
        lines += [f"## {_escape(section.title)}", ""]
        for item in section.items:
            if isinstance(item, Table):
                lines += [*markdown_table(item), ""]
            elif item.note:
                lines += [f"*{_escape(item.text)}*", ""]
            else:
                lines += [f"- {_escape(item.text)}" if item.bullet else _escape(item.text), ""]
    legend = [f"**{_escape(report.legend_title)}:**  ", *(f"{_escape(note)}  " for note in report.footnotes)]
    lines += ["---", "", *(legend if report.footnotes else []), "",
              *(f"{_escape(line)}  " for line in report.closing)]
    return "\n".join(lines).rstrip() + "\n"


# ------------------------------------------------------------------------------------------------ DOCX


def _run(paragraph, text: str, bold: bool = False, italic: bool = False, size: float = DOCX_PT) -> None:
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)


def _heading_block(document, report: Report) -> None:
    """Issuer on the left (the issuing office in bold, under its superior body, above the number), the national
    motto in bold on the right, without borders."""
    def bold(index: int, lines: tuple[str, ...]) -> bool:
        return lines is report.motto or index == len(lines) - 2
    block = document.add_table(rows=1, cols=2)
    block.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, lines in zip(block.rows[0].cells, (report.issuer, report.motto)):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for index, line in enumerate(lines):
            paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(paragraph, line, bold=bold(index, lines), size=12)
    place = document.add_paragraph()
    place.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(place, report.place_date, italic=True)


def _docx_table(document, table: Table) -> None:
    grid = document.add_table(rows=len(table.rows) + 1, cols=len(table.columns))
    grid.style = "Table Grid"
    grid.autofit = False
    weights = column_weights(table.columns, table.rows)
    for column, weight in zip(grid.columns, weights):  # Word reads the cells' widths, LibreOffice the grid's
        column.width = Cm(TEXT_WIDTH_CM * weight / sum(weights))
        for cell in column.cells:
            cell.width = column.width
    for row_index, values in enumerate([table.columns, *table.rows]):
        bold = row_index == 0 or (table.bold_last_row and row_index == len(table.rows))
        for column, value in enumerate(values):
            paragraph = grid.cell(row_index, column).paragraphs[0]
            paragraph.alignment = (WD_ALIGN_PARAGRAPH.CENTER if row_index == 0 else
                                   WD_ALIGN_PARAGRAPH.RIGHT if table.is_numeric(column) else WD_ALIGN_PARAGRAPH.LEFT)
            _run(paragraph, value, bold=bold, size=TABLE_PT)
    repeat = OxmlElement("w:tblHeader")  # the heading row repeats on every page
    repeat.set(qn("w:val"), "true")
    grid.rows[0]._tr.get_or_add_trPr().append(repeat)
    document.add_paragraph()


def to_docx(report: Report) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = DOCX_FONT, Pt(DOCX_PT)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), DOCX_FONT)
    for section in document.sections:
        section.page_width, section.page_height = Cm(PAGE_CM[0]), Cm(PAGE_CM[1])
        section.left_margin, section.right_margin = Cm(MARGINS_CM["left"]), Cm(MARGINS_CM["right"])
        section.top_margin, section.bottom_margin = Cm(MARGINS_CM["top"]), Cm(MARGINS_CM["bottom"])
    document.core_properties.title = f"{report.title} — {report.subtitle}"

    _heading_block(document, report)
    for text, size in ((report.title, 14), (report.subtitle, DOCX_PT)):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, text, bold=True, size=size)
    for section in report.sections:
        _run(document.add_paragraph(), section.title, bold=True)
        for item in section.items:
            if isinstance(item, Table):
                _docx_table(document, item)
            elif isinstance(item, Paragraph):
                paragraph = document.add_paragraph(style="List Bullet" if item.bullet else None)
                paragraph.paragraph_format.first_line_indent = None if item.bullet or item.note else Cm(1)
                _run(paragraph, item.text, italic=item.note, size=11 if item.note else DOCX_PT)
    if report.footnotes:
        _run(document.add_paragraph(), report.legend_title + ":", bold=True, size=11)
    for note in report.footnotes:
        _run(document.add_paragraph(), note, italic=True, size=11)
    for line in report.closing:
        _run(document.add_paragraph(), line, bold=line.isupper())
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
