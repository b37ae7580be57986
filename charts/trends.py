"""Figures of the Trends page: comparisons, small multiples, health-system load and vaccination coverage.

Each figure takes a frame of the `trends` package as it is downloaded, and every trace name
says whether its figures are observed, estimated or simulated.
"""
from __future__ import annotations

import itertools
import math

import pandas as pd
import plotly.graph_objects as go

from charts import COLORS, LOG_TICKS, base_layout
from charts.epicurve import source_name
from i18n import fmt_number, t

# Eight colours that stay apart for colour-blind readers (Okabe & Ito), one per compared unit.
UNIT_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
BAND_COLORS = {"05-11": "#56B4E9", "12-17": "#009E73", "18-49": "#0072B2", "50-64": "#E69F00", "65+": "#D55E00"}
TARGET_COLORS = {"adults_dose1": "#0072B2", "over50_full": "#D55E00"}
DOSE_DASH = {"dose1": "solid", "full": "dash"}


def _percent_axis(fig: go.Figure) -> None:
    fig.update_yaxes(ticksuffix="%", tickformat=",.0f", rangemode="tozero")


def comparison_figure(frame: pd.DataFrame, lang: str, log: bool = False, height: int = 400) -> go.Figure:
    """One line per unit: 7-day average cases per 100,000, in the order the units were chosen."""
    fig = go.Figure()
    for color, (unit, rows) in zip(itertools.cycle(UNIT_COLORS), frame.groupby("unit", sort=False)):
        source = rows["source"].iloc[0]
        fig.add_scatter(x=rows["date"], y=rows["avg7_per_100k"], mode="lines",
                        name=source_name(rows["label"].iloc[0], source, lang),
                        line=dict(color=color, width=2.5, dash="solid" if source == "observed" else "dot"),
                        hovertemplate="%{y:,.2f}")
    base_layout(fig, lang, height)
    fig.update_yaxes(title_text=t("trends.avg7_per_100k", lang), tickformat=",.2~f")
    if log:
        fig.update_yaxes(type="log", rangemode="normal", tickformat=LOG_TICKS)
    return fig


def small_multiples_figure(frame: pd.DataFrame, order: list[str], lang: str, highlight: str | None = None,
                           columns: int = 4) -> go.Figure:
    """One small chart per unit on a shared scale, highest current incidence first.

    The grid's axes are written as plain layout entries styled like the first one (charts.base_layout):
    plotly's make_subplots and update_xaxes take seconds for 63 provinces, this a tenth of that.
    """
    rows = math.ceil(len(order) / columns)
    gap_x, gap_y = 0.02, min(0.3 / rows, 0.08)
    width, height = (1 - gap_x * (columns - 1)) / columns, (1 - gap_y * (rows - 1)) / rows
    styled = base_layout(go.Figure(), lang, height=max(220, 130 * rows + 60))
    styled.update_layout(hovermode="closest", margin=dict(l=10, r=10, t=40, b=10), showlegend=False)
    styled.update_xaxes(tickformat="%m/%Y" if lang == "vi" else "%b %Y", nticks=4)
    styled.update_yaxes(tickformat=",.2~f", nticks=3)
    layout = styled.layout.to_plotly_json()
    x_style, y_style = layout.pop("xaxis"), layout.pop("yaxis")

    last = frame[frame["date"] == frame["date"].max()].set_index("unit")["avg7_per_100k"]
    labels = frame.drop_duplicates("unit").set_index("unit")["label"]
    by_unit = dict(tuple(frame.groupby("unit", sort=False)))
    traces, annotations = [], []
    for position, unit in enumerate(order):
        row, column = divmod(position, columns)
        suffix = str(position + 1) if position else ""
        left, top = column * (width + gap_x), 1 - row * (height + gap_y)
        shared = {"matches": "x"} if position else {}
        layout[f"xaxis{suffix}"] = {**x_style, **shared, "domain": [left, left + width], "anchor": f"y{suffix}",
                                    "showticklabels": position >= len(order) - columns}
        layout[f"yaxis{suffix}"] = {**y_style, **({"matches": "y"} if position else {}),
                                    "domain": [max(top - height, 0.0), top], "anchor": f"x{suffix}",
                                    "showticklabels": column == 0}
        annotations.append({"text": f"{labels[unit]}: {fmt_number(last.get(unit), 1, lang)}", "x": left + width / 2,
                            "y": top, "xref": "paper", "yref": "paper", "xanchor": "center", "yanchor": "bottom",
                            "showarrow": False, "font": {"size": 11}})
        rows_of_unit = by_unit[unit]
        traces.append({"type": "scatter", "x": rows_of_unit["date"], "y": rows_of_unit["avg7_per_100k"],
                       "xaxis": f"x{suffix}", "yaxis": f"y{suffix}", "mode": "lines", "fill": "tozeroy",
                       "name": labels[unit], "hovertemplate": "%{y:,.2f}",
                       "line": {"color": COLORS["reference"] if unit == highlight else COLORS["avg"], "width": 1.5}})
    layout["annotations"] = annotations
    return go.Figure(data=traces, layout=layout)


def load_figure(frame: pd.DataFrame, lang: str, height: int = 360) -> go.Figure:
    """Patients in treatment, on oxygen and in ICU (current counts, not new ones)."""
    fig = go.Figure()
    source = frame["patients_source"].iloc[0] if len(frame) else "simulated"
    lines = (("in_treatment", COLORS["avg"]), ("oxygen", COLORS["simulated"]), ("icu", COLORS["reference"]))
    for column, color in lines:
        fig.add_scatter(x=frame["date"], y=frame[column], mode="lines", line=dict(color=color, width=2.5),
                        name=source_name(t(f"trends.{column}", lang), source, lang), hovertemplate="%{y:,d}")
    return base_layout(fig, lang, height)


def capacity_figure(frame: pd.DataFrame, lang: str, height: int = 360) -> go.Figure:
    """Occupied beds against beds available, for COVID-19 beds and staffed ICU beds."""
    fig = go.Figure()
    source = frame["beds_source"].dropna().iloc[0] if frame["beds_source"].notna().any() else "simulated"
    pairs = (("covid_beds_occupied", "covid_beds_total", COLORS["avg"]),
             ("icu_beds_occupied", "icu_beds_staffed", COLORS["reference"]))
    for occupied, total, color in pairs:
        fig.add_scatter(x=frame["date"], y=frame[occupied], mode="lines", line=dict(color=color, width=2.5),
                        name=source_name(t(f"trends.{occupied}", lang), source, lang), hovertemplate="%{y:,d}")
        fig.add_scatter(x=frame["date"], y=frame[total], mode="lines", line=dict(color=color, width=1.5, dash="dash"),
                        name=source_name(t(f"trends.{total}", lang), source, lang), hovertemplate="%{y:,d}")
    return base_layout(fig, lang, height)


def targets_figure(coverage: pd.DataFrame, lang: str, height: int = 380) -> go.Figure:
    """Coverage of the three target groups over time, each with its target as a dashed line."""
    fig = go.Figure()
    targets = coverage[coverage["target_pct"].notna()]
    for group, rows in targets.groupby("group", sort=False):
        color = TARGET_COLORS[group]
        fig.add_scatter(x=rows["date"], y=rows["coverage_pct"], mode="lines", line=dict(color=color, width=2.5),
                        name=source_name(t(f"trends.target_{group}", lang), rows["source"].iloc[0], lang),
                        hovertemplate="%{y:,.1f}%")
        fig.add_hline(y=rows["target_pct"].iloc[0], line=dict(color=color, width=1, dash="dash"),
                      annotation_text=t("trends.target_line", lang, target=f"{rows['target_pct'].iloc[0]:.0f}"),
                      annotation_position="bottom right", annotation_font=dict(size=11, color=color))
    base_layout(fig, lang, height)
    _percent_axis(fig)
    return fig


def bands_figure(coverage: pd.DataFrame, dose: str, lang: str, height: int = 380) -> go.Figure:
    """Coverage of one dose in each age band over time."""
    fig = go.Figure()
    rows_of_dose = coverage[coverage["target_pct"].isna() & (coverage["dose"] == dose)]
    for band, rows in rows_of_dose.groupby("group", sort=True):
        fig.add_scatter(x=rows["date"], y=rows["coverage_pct"], mode="lines",
                        line=dict(color=BAND_COLORS.get(band, COLORS["avg"]), width=2.5),
                        name=source_name(t("trends.band", lang, band=band), rows["source"].iloc[0], lang),
                        hovertemplate="%{y:,.1f}%")
    base_layout(fig, lang, height)
    _percent_axis(fig)
    return fig


def portal_figure(whole: pd.DataFrame, lang: str, height: int = 340) -> go.Figure:
    """Whole-population coverage: the vaccination portal's real snapshots as points, the built-in series as lines."""
    fig = go.Figure()
    for (source, dose), rows in whole.groupby(["source", "dose"], sort=True):
        observed = source == "observed"
        fig.add_scatter(x=rows["date"], y=rows["coverage_pct"], mode="markers" if observed else "lines",
                        marker=dict(size=8, color=COLORS["avg"], symbol="circle" if dose == "dose1" else "diamond"),
                        line=dict(color=COLORS["simulated"], width=2, dash=DOSE_DASH[dose]),
                        name=source_name(t(f"trends.whole_{dose}", lang), source, lang), hovertemplate="%{y:,.1f}%")
    base_layout(fig, lang, height)
    _percent_axis(fig)
    return fig
