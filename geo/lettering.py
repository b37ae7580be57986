"""Words drawn as line segments: the outlines of a font's glyphs, placed on the map in degrees.

The whole-country map prints a few names (the archipelagos) with the line layer that already draws the provinces'
borders, in the same static file: a deck.gl text layer costs a browser without a GPU about 0.4 s more to open the map
(its shaders compiled in software), a few hundred more segments cost nothing. The letters scale with the map, as a
printed map's names do.
"""
from __future__ import annotations

import math
from functools import cache
from pathlib import Path

from fontTools.pens.basePen import BasePen
from fontTools.ttLib import TTFont

# The font the PDF reports embed (it has every Vietnamese letter); fontTools comes with fpdf2.
FONT_FILE = Path(__file__).resolve().parent.parent / "reports" / "font_files" / "DejaVuSans.ttf"
CURVE_STEPS = 3  # straight pieces per glyph curve: enough at a map's label size


class _SegmentPen(BasePen):
    """Collects a glyph's outline as straight segments in font units, curves cut into CURVE_STEPS pieces."""

    def __init__(self, glyph_set):
        super().__init__(glyph_set)
        self.segments: list[tuple[float, float, float, float]] = []
        self._start = self._at = (0.0, 0.0)

    def _moveTo(self, point):
        self._start = self._at = point

    def _lineTo(self, point):
        if point != self._at:
            self.segments.append((*self._at, *point))
        self._at = point

    def _curveToOne(self, control1, control2, point):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = self._at, control1, control2, point
        for step in range(1, CURVE_STEPS + 1):
            t = step / CURVE_STEPS
            u = 1 - t
            self._lineTo((u ** 3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t ** 3 * x3,
                          u ** 3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t ** 3 * y3))

    def _closePath(self):
        self._lineTo(self._start)

    _endPath = _closePath


@cache
def _font() -> TTFont:
    return TTFont(FONT_FILE)


def _cap_units(font: TTFont) -> int:
    """The height of a capital in font units (the top of "H")."""
    return font["glyf"]["H"].yMax


def text_segments(text: str, left: float, baseline: float, cap_height: float, decimals: int = 4) -> list[list[float]]:
    """`text` as segments [x1, y1, x2, y2] in degrees, its baseline starting at (left, baseline), its capitals
    `cap_height` degrees of latitude tall. Widths are widened by 1 / cos(latitude), as web mercator widens
    latitude's degrees, so that on the map the letters keep their shape."""
    font = _font()
    glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
    missing = [character for character in text if ord(character) not in cmap]
    if missing:
        raise ValueError(f"{FONT_FILE.name} has no glyph for {''.join(missing)!r}")
    scale = cap_height / _cap_units(font)
    x_scale = scale / math.cos(math.radians(baseline))
    segments, advance = [], 0.0
    for character in text:
        name = cmap[ord(character)]
        pen = _SegmentPen(glyphs)
        glyphs[name].draw(pen)
        segments += [[round(left + (advance + x1) * x_scale, decimals), round(baseline + y1 * scale, decimals),
                      round(left + (advance + x2) * x_scale, decimals), round(baseline + y2 * scale, decimals)]
                     for x1, y1, x2, y2 in pen.segments]
        advance += glyphs[name].width
    return [segment for segment in segments if segment[:2] != segment[2:]]


def text_width(text: str, cap_height: float, latitude: float) -> float:
    """How many degrees of longitude `text_segments` takes for `text` at that size and latitude."""
    font = _font()
    glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
    units = sum(glyphs[cmap[ord(character)]].width for character in text)
    return units * cap_height / _cap_units(font) / math.cos(math.radians(latitude))
