"""The level map as a PNG, drawn from the same polygons and colours as the map page, without a browser.

Shapely polygons are projected to web mercator (as deck.gl draws them) and filled with PIL at twice the size,
then scaled down, which smooths the edges. The legend (colour, level, number of units) is drawn under the map,
so the image says everything on its own in a slide, a PDF or a printout.
"""
from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely
from PIL import Image, ImageDraw, ImageFont

from reports.fonts import font_files

SUPERSAMPLE = 2
UNIT_LINE = (255, 255, 255)
BORDER_LINE = (40, 40, 40)
LABEL_COLOR = (20, 20, 20)
PADDING = 0.03  # share of the map area left empty around the units


def _mercator(xy: np.ndarray) -> np.ndarray:
    latitude = np.radians(np.clip(xy[:, 1], -85, 85))
    return np.column_stack([np.radians(xy[:, 0]), np.log(np.tan(np.pi / 4 + latitude / 2))])


def _rgb(color: str) -> tuple[int, int, int]:
    code = color.lstrip("#")
    return tuple(int(code[i:i + 2], 16) for i in (0, 2, 4))


def _polygons(geometry) -> list:
    return list(geometry.geoms) if hasattr(geometry, "geoms") else [geometry]


class _Canvas:
    """Projects lon/lat into a pixel box of the image, keeping the map's proportions: the (west, south, east, north)
    frame fills the box; what lies outside it is cut off."""

    def __init__(self, frame: tuple[float, float, float, float], box: tuple[int, int, int, int]):
        west, south, east, north = frame
        (x0, y0), (x1, y1) = _mercator(np.array([[west, south], [east, north]]))
        left, top, width, height = box
        span_x, span_y = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
        self.scale = min(width / span_x, height / span_y) * (1 - 2 * PADDING)
        self.offset = (left + (width - span_x * self.scale) / 2 - x0 * self.scale,
                       top + (height - span_y * self.scale) / 2 + y1 * self.scale)

    def points(self, coordinates) -> list[tuple[float, float]]:
        projected = _mercator(np.asarray(coordinates)[:, :2])
        return list(zip(self.offset[0] + projected[:, 0] * self.scale, self.offset[1] - projected[:, 1] * self.scale))


def _legend_height(legend: pd.DataFrame, width: int, font: ImageFont.FreeTypeFont, chip: int) -> tuple[int, list]:
    """Rows of legend entries that fit the width, and the height they take."""
    rows, row, used = [], [], 0
    for label, color, count in zip(legend["label"], legend["color"], legend["count"]):
        text = f"{label}: {count}"
        size = chip + chip // 2 + int(font.getlength(text)) + chip * 2
        if row and used + size > width:
            rows.append(row)
            row, used = [], 0
        row.append((text, color, size))
        used += size
    if row:
        rows.append(row)
    return len(rows) * int(chip * 1.8) + chip, rows


def apart(boxes: Sequence[tuple]) -> list[bool]:
    """Which of the (left, top, right, bottom) boxes, taken in order, overlap none of those kept before them."""
    kept, shown = [], []
    for box in boxes:
        clear = not any(box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]
                        for other in kept)
        if clear:
            kept.append(box)
        shown.append(clear)
    return shown


def level_map_png(units: pd.DataFrame, borders: Sequence, labels: pd.DataFrame | None, legend: pd.DataFrame,
                  width: int, height: int, count_text=str, frame: tuple[float, float, float, float] | None = None) -> bytes:
    """The map as PNG bytes.

    units: geometry (shapely, lon/lat) and color ('#RRGGBB') of each unit shown; frame: the (west, south, east,
    north) box the map shows (the map page's, geo.shapes.bounds), by default all of the units; borders: outlines drawn over
    them (provinces); labels: name, lon, lat of the unit names, or None, the most important first: a name that
    would overlap one already drawn is left out (a city's small central districts would print over each other);
    legend: label, color and count of each level (geo.situation.legend); count_text formats the counts
    (Vietnamese 1.234).
    """
    scale = SUPERSAMPLE
    regular, bold = font_files()
    font = ImageFont.truetype(str(regular), 15 * scale)
    label_font = ImageFont.truetype(str(bold), 13 * scale)
    chip = 18 * scale
    legend = legend.assign(count=[count_text(count) for count in legend["count"]])
    legend_height, legend_rows = _legend_height(legend, width * scale - chip, font, chip)
    image = Image.new("RGB", (width * scale, height * scale), "white")
    draw = ImageDraw.Draw(image)
    if frame is None:
        frame = tuple(shapely.total_bounds(np.asarray(list(units["geometry"]), dtype=object)).tolist())
    canvas = _Canvas(frame, (0, 0, width * scale, height * scale - legend_height))

    for geometry, color in zip(units["geometry"], units["color"]):
        for polygon in _polygons(geometry):
            draw.polygon(canvas.points(polygon.exterior.coords), fill=_rgb(color), outline=UNIT_LINE, width=scale)
            for hole in polygon.interiors:
                draw.polygon(canvas.points(hole.coords), fill="white", outline=UNIT_LINE, width=scale)
    for geometry in borders:
        for polygon in _polygons(geometry):
            draw.line(canvas.points(polygon.exterior.coords), fill=BORDER_LINE, width=2 * scale, joint="curve")
    if labels is not None:
        places = [(name, canvas.points([(lon, lat)])[0]) for name, lon, lat in
                  zip(labels["name"], labels["lon"], labels["lat"])]
        boxes = [draw.textbbox(xy, name, font=label_font, anchor="mm", stroke_width=3 * scale // 2)
                 for name, xy in places]
        for (name, xy), shown in zip(places, apart(boxes)):
            if shown:
                draw.text(xy, name, font=label_font, fill=LABEL_COLOR, anchor="mm", stroke_width=3 * scale // 2,
                          stroke_fill="white")

    y = height * scale - legend_height + chip // 2
    for row in legend_rows:
        x = chip // 2
        for text, color, size in row:
            draw.rectangle([x, y, x + chip, y + chip], fill=_rgb(color), outline=BORDER_LINE, width=scale)
            draw.text((x + chip + chip // 2, y + chip // 2), text, font=font, fill=LABEL_COLOR, anchor="lm")
            x += size
        y += int(chip * 1.8)

    output = io.BytesIO()
    image.resize((width, height), Image.Resampling.LANCZOS).save(output, format="PNG", optimize=True)
    return output.getvalue()
