"""What a briefing and a report say, apart from how a file or a page draws it.

A `Deck` is a sequence of `Slide`s of blocks (headline `Metrics`, a Vega-Lite `Chart`, a PNG `Image`, a `Table`,
`Bullets`); the briefing page, the PPTX and the PDF draw the same deck. A `Report` is a sequence of `Section`s
of paragraphs and tables; Markdown and DOCX write the same report. Every block and figure carries the origin of
its numbers (observed | estimated | mixed | simulated), so no renderer can drop it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import altair as alt


@dataclass(frozen=True)
class Figure:
    """One headline number, already formatted, with where it comes from and an optional note under it."""

    label: str
    value: str
    source: str | None
    note: str = ""


@dataclass(frozen=True)
class Metrics:
    figures: tuple[Figure, ...]


@dataclass(frozen=True, eq=False)
class Chart:
    figure: alt.TopLevelMixin  # the chart the pages draw (charts.finish); the slide draws it in large type
    alt: str  # what the chart shows, for a screen reader and for a file exported without images


@dataclass(frozen=True)
class Image:
    png: bytes
    alt: str


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()  # right-aligned columns
    bold_last_row: bool = False  # a total

    def is_numeric(self, column: int) -> bool:
        return column < len(self.numeric) and self.numeric[column]


@dataclass(frozen=True)
class Bullets:
    lines: tuple[str, ...]


Block = Metrics | Chart | Image | Table | Bullets


@dataclass(frozen=True)
class Slide:
    """A title, blocks (headline metrics across the top, the rest side by side) and the origin of its data:
    `sources` pairs what (e.g. 'Ca mắc') with its origin, shown on the slide's data-source line."""

    key: str
    title: str
    blocks: tuple[Block, ...]
    sources: tuple[tuple[str, str], ...]
    subtitle: str = ""
    column_widths: tuple[float, ...] = ()  # relative widths of the side-by-side blocks (equal when empty)
    notes: tuple[str, ...] = ()  # what the figures rest on, under the body: record artefacts, unverified rules


@dataclass(frozen=True)
class Deck:
    title: str
    area_title: str
    date: dt.date
    lang: str
    slides: tuple[Slide, ...]
    stamp: str  # the date stamp every slide carries


# ------------------------------------------------------------------------------------------- written report


@dataclass(frozen=True)
class Paragraph:
    text: str
    bullet: bool = False
    note: bool = False  # a section's note on the origin of its figures, set in italics


Item = Paragraph | Table


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Report:
    issuer: tuple[str, ...]  # the sending office, top left (e.g. 'UBND TỈNH ĐIỆN BIÊN', 'SỞ Y TẾ')
    motto: tuple[str, ...]  # the national motto, top right
    place_date: str  # 'Điện Biên, ngày 24 tháng 5 năm 2021'
    title: str
    subtitle: str
    sections: tuple[Section, ...]
    footnotes: tuple[str, ...]  # the legend: what simulated and estimated figures are
    closing: tuple[str, ...] = field(default=())  # recipients and signature block
    legend_title: str = "Chú thích"
