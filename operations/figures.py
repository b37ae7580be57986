"""Plotly figures of the operations pages, in the app's shared layout (charts.base_layout).

Each builder takes a tidy frame and the UI language and returns a figure; the pages add the source caption.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from charts import COLORS, base_layout
from i18n import t

CAPACITY = COLORS["avg"]
LOAD = COLORS["cases"]
ALERT = COLORS["reference"]
SECOND = COLORS["simulated"]
MUTED = COLORS["deaths"]


def capacity_chart(daily: pd.DataFrame, capacity: str, occupied: str, lang: str, height: int = 260) -> go.Figure:
    """Occupied (filled) under capacity (line) of one kind of bed or equipment, per day."""
    fig = go.Figure()
    fig.add_scatter(x=daily["date"], y=daily[occupied], name=t(f"capacity.series_{occupied}", lang), mode="lines",
                    fill="tozeroy", line=dict(color=LOAD, width=1.5), hovertemplate="%{y:,d}")
    fig.add_scatter(x=daily["date"], y=daily[capacity], name=t(f"capacity.series_{capacity}", lang), mode="lines",
                    line=dict(color=CAPACITY, width=2.5, shape="hv"), hovertemplate="%{y:,d}")
    return base_layout(fig, lang, height)


def projection_chart(history: pd.DataFrame, projected: pd.DataFrame, capacity: float, lang: str,
                     height: int = 300) -> go.Figure:
    """Observed occupancy, its projection at the assumed growth, and the capacity it runs into."""
    fig = go.Figure()
    fig.add_scatter(x=history["date"], y=history["occupied"], name=t("capacity.series_history", lang), mode="lines",
                    line=dict(color=LOAD, width=2.5), hovertemplate="%{y:,d}")
    fig.add_scatter(x=projected["date"], y=projected["occupied"], name=t("capacity.series_projection", lang),
                    mode="lines", line=dict(color=SECOND, width=2.5, dash="dash"), hovertemplate="%{y:,.0f}")
    fig.add_hline(y=capacity, line=dict(color=ALERT, width=2), annotation_text=t("capacity.series_capacity", lang),
                  annotation_position="top left")
    base_layout(fig, lang, height)
    ceiling = 2 * max(capacity, history["occupied"].max(), 1)
    if projected["occupied"].max() > ceiling:  # keep the capacity line readable: the curve may leave the chart
        fig.update_yaxes(range=[0, ceiling])
    return fig


def _with_percent_axis(fig: go.Figure, title: str) -> go.Figure:
    fig.update_layout(yaxis2=dict(overlaying="y", side="right", rangemode="tozero", tickformat=",.1f", ticksuffix="%",
                                  showgrid=False, title=title))
    return fig


def flow_chart(daily: pd.DataFrame, lang: str, height: int = 300) -> go.Figure:
    """People in and out, vehicles and people from outbreak areas at checkpoints, per day."""
    fig = go.Figure()
    styles = {"people_in": (CAPACITY, "solid"), "people_out": (LOAD, "solid"),
              "vehicles": (MUTED, "dot"), "from_outbreak_areas": (SECOND, "solid")}
    for column, (color, dash) in styles.items():
        fig.add_scatter(x=daily["date"], y=daily[column], name=t(f"checkpoints.col_{column}", lang), mode="lines",
                        line=dict(color=color, width=2, dash=dash), hovertemplate="%{y:,d}")
    return base_layout(fig, lang, height)


def screening_chart(daily: pd.DataFrame, lang: str, height: int = 300) -> go.Figure:
    """Tested, positive and sent to quarantine at checkpoints per day, with positivity on the right axis."""
    fig = go.Figure()
    fig.add_bar(x=daily["date"], y=daily["tested"], name=t("checkpoints.col_tested", lang), marker_color=LOAD,
                hovertemplate="%{y:,d}")
    fig.add_bar(x=daily["date"], y=daily["quarantined"], name=t("checkpoints.col_quarantined", lang),
                marker_color=SECOND, hovertemplate="%{y:,d}")
    fig.add_bar(x=daily["date"], y=daily["positive"], name=t("checkpoints.col_positive", lang), marker_color=ALERT,
                hovertemplate="%{y:,d}")
    fig.add_scatter(x=daily["date"], y=daily["positivity_pct"], name=t("checkpoints.col_positivity_pct", lang),
                    yaxis="y2", mode="lines", line=dict(color=MUTED, width=1.5), hovertemplate="%{y:.2f}%")
    base_layout(fig, lang, height)
    fig.update_layout(barmode="overlay")
    return _with_percent_axis(fig, t("checkpoints.col_positivity_pct", lang))


def target_chart(progress: pd.DataFrame, target_pct: float, lang: str, height: int = 280) -> go.Figure:
    """Shares of arrivals from outbreak areas declared and tested (trailing 7 days) against the target."""
    fig = go.Figure()
    for column, color in (("declared_pct", CAPACITY), ("tested_pct", SECOND)):
        fig.add_scatter(x=progress["date"], y=progress[column], name=t(f"checkpoints.col_{column}", lang),
                        mode="lines", line=dict(color=color, width=2.5), hovertemplate="%{y:.1f}%")
    fig.add_hline(y=target_pct, line=dict(color=ALERT, width=1.5, dash="dash"),
                  annotation_text=t("checkpoints.target_line", lang, target=f"{target_pct:g}"),
                  annotation_position="bottom left")
    base_layout(fig, lang, height)
    fig.update_yaxes(tickformat=",d", ticksuffix="%", range=[0, 101])
    return fig


def tracing_chart(daily: pd.DataFrame, lang: str, height: int = 300) -> go.Figure:
    """New F0, F1 and F2 per day."""
    fig = go.Figure()
    for column, color in (("new_cases", ALERT), ("f1_identified", CAPACITY), ("f2_identified", LOAD)):
        fig.add_scatter(x=daily["date"], y=daily[column], name=t(f"response.col_{column}", lang), mode="lines",
                        line=dict(color=color, width=2), hovertemplate="%{y:,d}")
    return base_layout(fig, lang, height)


def quarantine_chart(daily: pd.DataFrame, lang: str, height: int = 300) -> go.Figure:
    """People currently in centralized quarantine and in home isolation (stacked)."""
    fig = go.Figure()
    for column, color in (("centralized_quarantine", CAPACITY), ("home_isolation", LOAD)):
        fig.add_scatter(x=daily["date"], y=daily[column], name=t(f"response.col_{column}", lang), mode="lines",
                        stackgroup="people", line=dict(color=color, width=1), hovertemplate="%{y:,d}")
    return base_layout(fig, lang, height)


def testing_chart(daily: pd.DataFrame, lang: str, height: int = 420) -> go.Figure:
    """Two panels on one time axis: samples per day, single and pooled (stacked), on their own scale; below,
    the share of RT-PCR capacity used and the positivity, both in percent. (On one axis with the capacity, a
    province's samples were bars too small to see under the capacity line.)"""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.6, 0.4], vertical_spacing=0.08)
    fig.add_bar(x=daily["date"], y=daily["single_samples"], name=t("response.col_single_samples", lang),
                marker_color=CAPACITY, hovertemplate="%{y:,d}", row=1, col=1)
    fig.add_bar(x=daily["date"], y=daily["pooled_samples"], name=t("response.col_pooled_samples", lang),
                marker_color=LOAD, hovertemplate="%{y:,d}", row=1, col=1)
    fig.add_scatter(x=daily["date"], y=daily["capacity_used_pct"], name=t("response.col_capacity_used_pct", lang),
                    mode="lines", line=dict(color=ALERT, width=2), hovertemplate="%{y:.0f}%", row=2, col=1)
    fig.add_scatter(x=daily["date"], y=daily["positivity_pct"], name=t("response.col_positivity_pct", lang),
                    mode="lines", line=dict(color=SECOND, width=2), hovertemplate="%{y:.2f}%", row=2, col=1)
    base_layout(fig, lang, height)
    fig.update_layout(barmode="stack")
    fig.update_yaxes(ticksuffix="%", tickformat=",.0f", row=2, col=1)
    return fig


def cover_chart(cover: pd.DataFrame, labels: dict[str, str], low_days: float, lang: str, height: int = 280) -> go.Figure:
    """Days of cover per item as horizontal bars, low ones in red, with the low-cover line."""
    shown = cover[cover["days_of_cover"].notna()].copy()
    cap = max(3 * low_days, 1.0)
    fig = go.Figure()
    fig.add_bar(y=shown["item"].map(labels), x=shown["days_of_cover"].clip(upper=cap), orientation="h",
                marker_color=[ALERT if low else CAPACITY for low in shown["low"].fillna(False)],
                customdata=shown["days_of_cover"], hovertemplate="%{customdata:,.1f}<extra></extra>")
    fig.add_vline(x=low_days, line=dict(color=ALERT, width=1.5, dash="dash"),
                  annotation_text=t("response.low_cover_line", lang, days=f"{low_days:g}"))
    base_layout(fig, lang, height)
    fig.update_xaxes(tickformat=",d", range=[0, cap * 1.02], title=t("response.col_days_of_cover", lang))
    fig.update_yaxes(tickformat=None, autorange="reversed")
    fig.update_layout(hovermode="closest", showlegend=False)
    return fig
