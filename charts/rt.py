"""Transmission figures: Rt with its credible interval, week-on-week growth, and test positivity."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts import COLORS, base_layout
from charts.epicurve import source_name
from i18n import t
from trends.rt import POSITIVITY_REFERENCE_PCT

BAND_FILL = "rgba(11, 83, 148, 0.18)"
# Growth red, decline green; orange and blue for colour-blind readers (Okabe & Ito).
GROWTH_COLORS = {False: ("#C62828", "#2E7D32"), True: ("#D55E00", "#0072B2")}


def rt_figure(frame: pd.DataFrame, lang: str, source: str, national: pd.DataFrame | None = None,
              height: int = 360) -> go.Figure:
    """Rt and its 95% credible interval (estimates too uncertain to draw are left out), the line at 1,
    and for the country the reproduction rate Our World in Data published."""
    shown = frame.where(frame["reliable"].astype(bool))
    shown["date"] = frame["date"]
    band_x, band_y = interval_band(shown)
    fig = go.Figure()
    fig.add_scatter(x=band_x, y=band_y, mode="lines", line=dict(width=0), fill="toself", fillcolor=BAND_FILL,
                    name=t("trends.rt_interval", lang), hoverinfo="skip")
    fig.add_scatter(x=shown["date"], y=shown["mean"], mode="lines", line=dict(color=COLORS["avg"], width=2.5),
                    name=t("trends.rt_name", lang, source=t(f"common.source_{source}", lang)),
                    customdata=np.column_stack([shown["lower"], shown["upper"]]),
                    hovertemplate="%{y:.2f} (%{customdata[0]:.2f}–%{customdata[1]:.2f})")
    if national is not None and national["reproduction_rate"].notna().any():
        fig.add_scatter(x=national["date"], y=national["reproduction_rate"], mode="lines",
                        line=dict(color=COLORS["deaths"], width=1.5, dash="dot"),
                        name=t("trends.rt_owid", lang), hovertemplate="%{y:.2f}")
    fig.add_hline(y=1, line=dict(color=COLORS["reference"], width=1.5, dash="dash"),
                  annotation_text="Rt = 1", annotation_position="top left")
    base_layout(fig, lang, height)
    fig.update_yaxes(tickformat=",.1f", rangemode="tozero")
    return fig


def interval_band(shown: pd.DataFrame) -> tuple[list, list]:
    """The credible interval as one closed shape per run of drawn days, separated by None.

    Why: a band filled between two lines bridges the windows where Rt is hidden; separate shapes do not.
    """
    drawn = shown["mean"].notna().to_numpy()
    run = np.cumsum(np.r_[True, drawn[1:] != drawn[:-1]])
    xs, ys = [], []
    for _, segment in shown[drawn].groupby(run[drawn]):
        xs += [*segment["date"], *segment["date"][::-1], None]
        ys += [*segment["upper"], *segment["lower"][::-1], None]
    return xs, ys


def growth_figure(frame: pd.DataFrame, lang: str, source: str, colorblind: bool = False,
                  height: int = 300) -> go.Figure:
    """Daily growth rate (week on week) as bars, red when growing and green when shrinking; the hover
    gives the doubling or halving time it implies."""
    rate = frame["growth_per_day"] * 100
    growing = rate >= 0
    growing_color, shrinking_color = GROWTH_COLORS[colorblind]
    fig = go.Figure()
    fig.add_bar(x=frame["date"], y=rate, marker_color=np.where(growing, growing_color, shrinking_color),
                name=source_name(t("trends.growth_name", lang), source, lang),
                customdata=np.column_stack([frame["doubling_days"].fillna(frame["halving_days"]),
                                            np.where(growing, t("trends.doubling", lang), t("trends.halving", lang))]),
                hovertemplate="%{y:+.1f}%/" + t("trends.day", lang) + " · %{customdata[1]} %{customdata[0]:.1f} "
                              + t("trends.days", lang))
    base_layout(fig, lang, height)
    fig.update_yaxes(ticksuffix="%", tickformat="+,.0f", rangemode="normal")
    return fig


def positivity_figure(frame: pd.DataFrame, lang: str, height: int = 340) -> go.Figure:
    """7-day positivity of the tests in the data, the published national rate where known, and the 5% line."""
    fig = go.Figure()
    if frame["positivity_pct"].notna().any():
        fig.add_scatter(x=frame["date"], y=frame["positivity_pct"], mode="lines",
                        line=dict(color=COLORS["simulated"], width=2.5),
                        name=source_name(t("trends.positivity_name", lang), frame["source"].iloc[0], lang),
                        hovertemplate="%{y:,.2f}%")
    if "national_positivity_pct" in frame and frame["national_positivity_pct"].notna().any():
        fig.add_scatter(x=frame["date"], y=frame["national_positivity_pct"], mode="lines",
                        line=dict(color=COLORS["avg"], width=2.5),
                        name=source_name(t("trends.positivity_owid", lang), frame["national_source"].iloc[0], lang),
                        hovertemplate="%{y:,.2f}%")
    fig.add_hline(y=POSITIVITY_REFERENCE_PCT, line=dict(color=COLORS["reference"], width=1.5, dash="dash"),
                  annotation_text=t("trends.positivity_reference", lang), annotation_position="top left")
    base_layout(fig, lang, height)
    fig.update_yaxes(ticksuffix="%", tickformat=",.1f")
    return fig
