"""Vega-Lite charts of the operations pages, in the app's shared look (charts.config).

Each builder takes a tidy frame and the UI language and returns a chart; the pages add the source caption.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from charts import (COLORS, DASHED, DOTTED, Series, finish, hover, line_chart, percent_axis,
                    reference_line, series_layer)
from i18n import t

CAPACITY = COLORS["avg"]
LOAD = COLORS["cases"]
ALERT = COLORS["reference"]
SECOND = COLORS["simulated"]
MUTED = COLORS["deaths"]


def _dated(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(date=pd.to_datetime(frame["date"]))


def capacity_chart(daily: pd.DataFrame, capacity: str, occupied: str, lang: str, height: int = 260):
    """Occupied (filled) under capacity (a step line) of one kind of bed or equipment, per day."""
    wide = _dated(daily)
    filled = Series(occupied, t(f"capacity.series_{occupied}", lang), LOAD, width=1.5)
    line = Series(capacity, t(f"capacity.series_{capacity}", lang), CAPACITY)
    palette = [filled, line]
    return finish(alt.layer(series_layer(wide, [filled], lang, "area", palette=palette, opacity=0.6, line=True),
                            series_layer(wide, [line], lang, palette=palette, interpolate="step-after"),
                            hover(wide, palette, lang)), lang, height, legend_columns=1)  # three to a row


def projection_chart(history: pd.DataFrame, projected: pd.DataFrame, capacity: float, lang: str, height: int = 300):
    """Observed occupancy, its projection at the assumed growth, and the capacity it runs into."""
    wide = _dated(history[["date", "occupied"]]).merge(
        _dated(projected[["date", "occupied"]]).rename(columns={"occupied": "projected"}), on="date", how="outer")
    series = [Series("occupied", t("capacity.series_history", lang), LOAD),
              Series("projected", t("capacity.series_projection", lang), SECOND, tuple(DASHED), number=",.0f")]
    ceiling = 2 * max(capacity, history["occupied"].max(), 1)
    # keep the capacity line readable: the curve may leave the chart at the top (cut there, not flattened)
    scale = alt.Scale(domain=[0, ceiling]) if projected["occupied"].max() > ceiling else alt.Scale(zero=True)
    return finish(alt.layer(series_layer(wide, series, lang, y_scale=scale, clip=True),
                            *reference_line(capacity, t("capacity.series_capacity", lang), ALERT, dash=(1, 0), width=2),
                            hover(wide, series, lang)), lang, height)


def flow_chart(daily: pd.DataFrame, lang: str, height: int = 300):
    """People in and out, vehicles and people from outbreak areas at checkpoints, per day."""
    styles = {"people_in": (CAPACITY, ()), "people_out": (LOAD, ()), "vehicles": (MUTED, tuple(DOTTED)),
              "from_outbreak_areas": (SECOND, ())}
    series = [Series(column, t(f"checkpoints.col_{column}", lang), color, dash, 2)
              for column, (color, dash) in styles.items()]
    return line_chart(_dated(daily), series, lang, height)


def screening_chart(daily: pd.DataFrame, lang: str, height: int = 300):
    """Tested, positive and sent to quarantine at checkpoints per day (bars over each other), with positivity on
    the right axis."""
    wide = _dated(daily)
    bars = [Series(column, t(f"checkpoints.col_{column}", lang), color)
            for column, color in (("tested", LOAD), ("quarantined", SECOND), ("positive", ALERT))]
    share = Series("positivity_pct", t("checkpoints.col_positivity_pct", lang), MUTED, width=1.5, number=".2f",
                   percent=True)
    palette = [*bars, share]
    counts = alt.layer(*(series_layer(wide, [one], lang, "bar", palette=palette) for one in bars))
    percent = series_layer(wide, [share], lang, palette=palette,
                           y_axis=percent_axis(2, orient="right", grid=False, title=share.name))
    return finish(alt.layer(counts, percent, hover(wide, palette, lang)).resolve_scale(y="independent"),
                  lang, height)


def target_chart(progress: pd.DataFrame, target_pct: float, lang: str, height: int = 280):
    """Shares of arrivals from outbreak areas declared and tested (trailing 7 days) against the target."""
    series = [Series(column, t(f"checkpoints.col_{column}", lang), color, number=".1f", percent=True)
              for column, color in (("declared_pct", CAPACITY), ("tested_pct", SECOND))]
    line = reference_line(target_pct, t("checkpoints.target_line", lang, target=f"{target_pct:g}"), ALERT,
                          where="bottom-left")
    return line_chart(_dated(progress), series, lang, height, y_axis=percent_axis(),
                      y_scale=alt.Scale(domain=[0, 101]), extra=line)


def tracing_chart(daily: pd.DataFrame, lang: str, height: int = 300):
    """New F0, F1 and F2 per day."""
    series = [Series(column, t(f"response.col_{column}", lang), color, width=2)
              for column, color in (("new_cases", ALERT), ("f1_identified", CAPACITY), ("f2_identified", LOAD))]
    return line_chart(_dated(daily), series, lang, height)


def quarantine_chart(daily: pd.DataFrame, lang: str, height: int = 300):
    """People currently in centralized quarantine and in home isolation (stacked)."""
    wide = _dated(daily)
    series = [Series(column, t(f"response.col_{column}", lang), color, width=1)
              for column, color in (("centralized_quarantine", CAPACITY), ("home_isolation", LOAD))]
    return finish(alt.layer(series_layer(wide, series, lang, "area", stack=True, opacity=0.7, line=True),
                            hover(wide, series, lang)), lang, height)


def testing_chart(daily: pd.DataFrame, lang: str, height: int = 240):
    """Samples per day, single and pooled (stacked), on their own scale (on one axis with the capacity, a
    province's samples were bars too small to see under the capacity line); `testing_shares_chart` draws the
    percentages under it."""
    wide = _dated(daily)
    samples = [Series(column, t(f"response.col_{column}", lang), color)
               for column, color in (("single_samples", CAPACITY), ("pooled_samples", LOAD))]
    return finish(alt.layer(series_layer(wide, samples, lang, "bar", stack=True), hover(wide, samples, lang)),
                  lang, height)


def testing_shares_chart(daily: pd.DataFrame, lang: str, height: int = 180):
    """The share of RT-PCR capacity used and the positivity, both in percent, on the samples' days.

    A chart of its own rather than a second panel of `testing_chart`: Streamlit gives each part of a
    concatenated chart the column's whole width, so the axes of two panels overflowed the column."""
    wide = _dated(daily)
    shares = [Series("capacity_used_pct", t("response.col_capacity_used_pct", lang), ALERT, width=2, number=".0f",
                     percent=True),
              Series("positivity_pct", t("response.col_positivity_pct", lang), SECOND, width=2, number=".2f",
                     percent=True)]
    return line_chart(wide, shares, lang, height, y_axis=percent_axis())


def cover_chart(cover: pd.DataFrame, labels: dict[str, str], low_days: float, lang: str, height: int = 280):
    """Days of cover per item as horizontal bars, low ones in red, with the low-cover line."""
    shown = cover[cover["days_of_cover"].notna()]
    cap = max(3 * low_days, 1.0)
    data = pd.DataFrame({"item": shown["item"].map(labels), "days": shown["days_of_cover"].clip(upper=cap),
                         "days_of_cover": shown["days_of_cover"],
                         "color": [ALERT if low else CAPACITY for low in shown["low"].fillna(False)]})
    title = t("response.col_days_of_cover", lang)
    bars = alt.Chart(data).mark_bar().encode(
        y=alt.Y("item:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("days:Q", title=title, scale=alt.Scale(domain=[0, cap * 1.02]), axis=alt.Axis(format=",d")),
        color=alt.Color("color:N", scale=None),
        tooltip=[alt.Tooltip("item:N", title=" "), alt.Tooltip("days_of_cover:Q", title=title, format=",.1f")])
    rule = alt.Chart().mark_rule(color=ALERT, strokeDash=DASHED, strokeWidth=1.5).encode(x=alt.datum(low_days))
    text = alt.Chart().mark_text(color=ALERT, align="left", baseline="bottom", dx=4, dy=-2).encode(
        x=alt.datum(low_days), y=alt.value(0), text=alt.datum(t("response.low_cover_line", lang, days=f"{low_days:g}")))
    return finish(alt.layer(bars, rule, text), lang, height)
