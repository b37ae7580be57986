"""Vega-Lite charts (Altair) shared by the pages, the briefing and the exports (pure: no streamlit).

One colour scheme, one font and one number/date format for every chart: `config` (Vietnamese separators
1.719; 52,3 and dd/mm/YYYY dates, or English ones), applied by `finish`. The page, the briefing page and the
slide image draw the same spec; `presentation` only changes its type size and height.

Why Vega-Lite and not Plotly: the browser loads Streamlit's Vega-Lite bundle in a fraction of the time it takes
to load and evaluate Plotly's (0.82 s against 1.45 s for a page with one chart on the development machine), and
vl-convert draws the same spec to PNG without a browser.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import pandas as pd

from i18n import t

# One palette for every chart in the app.
COLORS = {
    "cases": "#9FB7D6",
    "avg": "#0B5394",
    "deaths": "#5B5B5B",
    "estimated": "#C9D6E8",
    "simulated": "#D9A441",
    "reference": "#B22222",
}

FONT = "Inter, 'Segoe UI', Roboto, Arial, sans-serif"
FONT_PX = 13
GRID = "#E6E6E6"
TEXT = "#222222"
DOTTED, DASHED = [2, 3], [6, 4]
HALO, HALO_PX = "white", 3  # the outline under chart words (haloed)
BAR_SPAN = pd.Timedelta(hours=19)  # a daily bar's width: most of its day, a gap between days
HALF_DAY = pd.Timedelta(hours=12)
LEGEND_ENTRY_EMS = 26  # the width of a legend entry with a long name ('Ca mắc mới — số liệu thực'), in type sizes
PADDING = {"top": 10, "left": 5, "right": 10, "bottom": 5}  # Streamlit's default top padding cut the legend

# d3 number and time locales (Vega-Lite config.locale): the tick labels, tooltips and `format()` expressions.
LOCALES = {
    "vi": {
        "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]},
        "time": {"dateTime": "%A, %d/%m/%Y, %X", "date": "%d/%m/%Y", "time": "%H:%M:%S", "periods": ["SA", "CH"],
                 "days": ["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"],
                 "shortDays": ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
                 "months": [f"tháng {month}" for month in range(1, 13)],
                 "shortMonths": [f"thg {month}" for month in range(1, 13)]},
    },
    "en": {
        "number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]},
        "time": {"dateTime": "%x, %X", "date": "%-m/%-d/%Y", "time": "%-I:%M:%S %p", "periods": ["AM", "PM"],
                 "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
                 "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
                 "months": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                            "October", "November", "December"],
                 "shortMonths": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]},
    },
}


def date_format(lang: str) -> str:
    return "%d/%m/%Y" if lang == "vi" else "%d %b %Y"


def config(lang: str, font_px: int = FONT_PX, font: str = FONT, legend_columns: int = 3) -> dict:
    """The Vega-Lite config of every chart: locale, font and type size, grid, legend on top (in columns: a
    legend does not wrap, so a chart in a narrow column wants fewer)."""
    return {
        "locale": LOCALES["vi" if lang == "vi" else "en"],
        "font": font,
        "background": "white",
        "view": {"stroke": None},
        "axis": {"labelFontSize": font_px, "titleFontSize": font_px, "labelColor": TEXT, "titleColor": TEXT,
                 "titleFontWeight": "normal", "gridColor": GRID, "domainColor": "#888", "tickColor": "#888"},
        # labels at least 10 px apart: Vega measures them before the web font is in, a little narrower than drawn;
        # a first or last label within 24 px of the axis' ends is flush with it, so a narrow chart's last date is
        # not cut off at its edge (the hover bands reach half a day past the last date: not exactly at the end)
        "axisX": {"grid": False, "labelOverlap": True, "labelSeparation": 10, "labelFlush": 24},
        "legend": {"orient": "top", "title": None, "labelFontSize": font_px, "labelLimit": 0, "symbolSize": 120,
                   "symbolOpacity": 1, "columns": legend_columns, "columnPadding": 14, "labelColor": TEXT},
        "text": {"fontSize": font_px - 2, "color": TEXT},
        "title": {"fontSize": font_px + 2, "color": TEXT},
    }


# Rows of words stacked in a chart (the curve's labelled dumps) are this many pixels apart: a chart-level
# parameter, so that `presentation` spaces them for its larger type.
TEXT_ROW = "text_row_px"


def text_row_px(font_px: int = FONT_PX) -> int:
    """The height of a row of a chart's words at a type size (config: text is 2 px smaller than the axes)."""
    return font_px - 2 + 5


def text_row_param():
    return alt.param(name=TEXT_ROW, value=text_row_px())


def finish(chart, lang: str, height: int | None = None, legend_columns: int = 3):
    """The chart with the shared config and padding and its height (its width is the page's, or the slide's;
    a grid of small charts has the height of its cells)."""
    return (chart.properties(height=height) if height else chart).configure(
        **config(lang, legend_columns=legend_columns)).properties(padding=PADDING)


def presentation(chart, lang: str, font_px: int, height: int | None = None, width: int | None = None,
                 font: str = FONT):
    """The same chart in large type (a projector, a slide file): only the config's font and sizes and the
    chart's size change, so the slide shows what the page shows."""
    styled = chart.copy(deep=True)
    legend = styled.config.to_dict().get("legend", {}) if styled.config is not alt.Undefined else {}
    columns = legend.get("columns", 3)
    if width:  # a legend does not wrap: as many columns as entries of a long name fit across the image
        columns = max(1, min(columns, width // (font_px * LEGEND_ENTRY_EMS)))
    styled.config = alt.Config(**config(lang, font_px, font, columns))
    for param in styled.params if styled.params is not alt.Undefined else ():
        if getattr(param, "name", None) == TEXT_ROW:
            param.value = text_row_px(font_px)
    if height:
        styled.height = height
    if width:
        styled.width = width
        styled.autosize = alt.AutoSizeParams(type="fit", contains="padding")
    return styled


# ------------------------------------------------------------------------------------------- building blocks


@dataclass(frozen=True)
class Series:
    """One column of a wide frame drawn as a series: its name in the legend (with its origin), colour and dash."""

    column: str
    name: str
    color: str
    dash: tuple[int, ...] = ()
    width: float = 2.5
    number: str = ",d"  # d3 format of its values in the tooltip
    percent: bool = False  # values are percentages: "12,5%"


def time_x(lang: str, field: str = "date", title: str | None = None, **axis) -> alt.X:
    return alt.X(f"{field}:T", title=title, axis=alt.Axis(format=date_format(lang), **axis))


def long_form(frame: pd.DataFrame, series: Sequence[Series], x: str = "date") -> pd.DataFrame:
    """The wide frame's series one under the other: x, series (its name), value."""
    parts = [pd.DataFrame({x: frame[x], "series": one.name, "value": frame[one.column]}) for one in series]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[x, "series", "value"])


def series_color(palette: Sequence[Series], legend: bool = True) -> alt.Color:
    """Colour by series name: every series of the chart (`palette`, all layers) in its order and colour."""
    return alt.Color("series:N", sort=[one.name for one in palette], legend=alt.Legend() if legend else None,
                     scale=alt.Scale(domain=[one.name for one in palette], range=[one.color for one in palette]))


def series_dash(palette: Sequence[Series]) -> dict:
    """The dash of each series as an encoding on the colour's field, so that the legend draws it too (a dash set on
    the mark alone leaves two series of one colour looking alike in the legend); none where every line is solid."""
    if not any(one.dash for one in palette):
        return {}
    return {"strokeDash": alt.StrokeDash("series:N", sort=[one.name for one in palette], scale=alt.Scale(
        domain=[one.name for one in palette], range=[list(one.dash) or [1, 0] for one in palette]))}


def series_layer(frame: pd.DataFrame, series: Sequence[Series], lang: str, mark: str = "line",
                 palette: Sequence[Series] = (), x_axis: dict | None = None, y_axis: alt.Axis | None = None,
                 y_scale: alt.Scale | None = None, stack: bool = False, y_title: str | None = None, **mark_style):
    """The series of a wide frame (a `date` column) as lines, areas or bars, coloured by name, legend on top.

    `palette`: every series of a chart of several layers, so that they share one colour scale and legend.
    Lines: one layer per series, with its own width and dash. Bars: each day's bar spans most of its day (a bar
    on a time axis has no width of its own)."""
    data = long_form(frame, series)
    color = series_color(palette or series)
    y = alt.Y("value:Q", title=y_title, stack="zero" if stack else None, axis=y_axis or alt.Axis(format=",d"),
              scale=y_scale or alt.Scale(zero=True))
    if mark == "line":
        dashes = series_dash(palette or series)
        return alt.layer(*(
            alt.Chart(data[data["series"] == one.name]).mark_line(strokeWidth=one.width, **mark_style)
            .encode(x=time_x(lang, **(x_axis or {})), y=y, color=color, **dashes) for one in series))
    encoding = dict(x=time_x(lang, **(x_axis or {})), y=y, color=color)
    if mark == "bar":
        data = data.assign(start=data["date"] - BAR_SPAN / 2, end=data["date"] + BAR_SPAN / 2)
        encoding.update(x=time_x(lang, "start", **(x_axis or {})), x2="end:T")
        mark_style = {"orient": "vertical", **mark_style}  # x and x2 given: say the bar grows upwards
    if mark == "bar" or stack:
        names = [one.name for one in series]
        data = data.assign(order=data["series"].map({name: index for index, name in enumerate(names)}))
        encoding["order"] = alt.Order("order:Q")
    return getattr(alt.Chart(data), f"mark_{mark}")(**mark_style).encode(**encoding)


def hover(frame: pd.DataFrame, series: Sequence[Series], lang: str, x: str = "date") -> alt.Chart:
    """Every series' value of the day under the pointer in one tooltip (a unified hover), the day shaded.

    An invisible column per day carries the tooltip: cheaper to draw than the nearest-point search (a Voronoi
    diagram) a rule following the pointer needs."""
    over = alt.selection_point(name="hover", on="pointerover", fields=[x], empty=False, clear="pointerout")
    shown = [one for one in series if one.column in frame]
    texts = {f"{one.column}__text": f"isValid(datum['{one.column}']) ? format(datum['{one.column}'], "
                                     f"'{one.number}') + '{'%' if one.percent else ''}' : '—'" for one in shown}
    days = frame[[x, *dict.fromkeys(one.column for one in shown)]]
    days = days.assign(day_start=days[x] - HALF_DAY, day_end=days[x] + HALF_DAY)
    chart = alt.Chart(days)
    if texts:
        chart = chart.transform_calculate(**texts)
    return chart.mark_rect(color="#777").encode(
        x=alt.X("day_start:T", title=None), x2="day_end:T",
        fillOpacity=alt.condition(over, alt.value(0.15), alt.value(0.001)),
        tooltip=[alt.Tooltip(f"{x}:T", title=t("common.date", lang), format=date_format(lang)),
                 *(alt.Tooltip(f"{one.column}__text:N", title=one.name) for one in shown)],
    ).add_params(over)


def line_chart(frame: pd.DataFrame, series: Sequence[Series], lang: str, height: int,
               y_axis: alt.Axis | None = None, y_scale: alt.Scale | None = None, y_title: str | None = None,
               extra: Sequence[alt.Chart] = ()):
    """Lines of a wide frame per day with the day's values on hover, and any reference layers, finished."""
    layers = [series_layer(frame, series, lang, y_axis=y_axis, y_scale=y_scale, y_title=y_title), *extra,
              hover(frame, series, lang)]
    return finish(alt.layer(*layers), lang, height)


def log_axis(top: float, smallest: float) -> tuple[alt.Axis, alt.Scale]:
    """A log value axis that keeps the zeros (symlog; on a log scale the days of zero would vanish), ticked at
    the powers of ten from `smallest` to `top` in significant digits (0,01 and 0,1 are not all "0")."""
    top = top if pd.notna(top) and top > smallest else smallest
    powers = range(round(math.log10(smallest)), math.ceil(math.log10(top)) + 1)
    return (alt.Axis(format=",~r", values=[0, *(10.0 ** power for power in powers)]),
            alt.Scale(type="symlog", constant=smallest))


def percent_axis(decimals: int = 0, signed: bool = False, **axis) -> alt.Axis:
    """Tick labels of values already in percent: '12,5%' in the chart's locale."""
    return alt.Axis(labelExpr=f"format(datum.value, '{'+' if signed else ''},.{decimals}f') + '%'", **axis)


def haloed(words: Sequence[alt.Chart]) -> list[alt.Chart]:
    """Text layers, each drawn first in the background colour with a wide outline: words stay legible where they
    cross a dashed line, a shaded span or a bar."""
    halos = []
    for layer in words:
        halo = layer.copy(deep=True)
        mark = halo.mark.to_dict() if not isinstance(halo.mark, str) else {"type": halo.mark}
        halo.mark = alt.MarkDef(**{**mark, "color": HALO, "stroke": HALO, "strokeWidth": HALO_PX,
                                   "strokeJoin": "round"})
        halos.append(halo)
    return [*halos, *words]


def reference_line(value: float, label: str, color: str, dash=DASHED, where: str = "top-left",
                   width: float = 1.5) -> list[alt.Chart]:
    """A horizontal line at `value` with its label above (or below) it, at the left or the right."""
    vertical, horizontal = where.split("-")
    rule = alt.Chart().mark_rule(color=color, strokeDash=list(dash), strokeWidth=width).encode(y=alt.datum(value))
    text = alt.Chart().mark_text(color=color, align=horizontal, baseline="bottom" if vertical == "top" else "top",
                                 dx=4 if horizontal == "left" else -4, dy=-3 if vertical == "top" else 3).encode(
        y=alt.datum(value), x=alt.value(0) if horizontal == "left" else alt.value("width"), text=alt.datum(label))
    return [rule, text]
