"""Transmission figures: Rt with its credible interval, week-on-week growth, and test positivity."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from charts import (BAR_SPAN, COLORS, DOTTED, Series, date_format, finish, hover, percent_axis, reference_line, series_color,
                    series_layer, time_x)
from charts.epicurve import source_name
from i18n import t
from trends.rt import POSITIVITY_REFERENCE_PCT

# The interval's blue as it shows at 18 % over white, drawn opaque: its legend swatch then looks like the band
# (a translucent band's swatch is drawn solid, the colour of the Rt line).
BAND_FILL = "#D3E0EC"
# Growth red, decline green; orange and blue for colour-blind readers (Okabe & Ito).
GROWTH_COLORS = {False: ("#C62828", "#2E7D32"), True: ("#D55E00", "#0072B2")}


def rt_figure(frame: pd.DataFrame, lang: str, source: str, national: pd.DataFrame | None = None,
              height: int = 360):
    """Rt and its 95% credible interval (estimates too uncertain to draw are left out: the band and the line
    break there), the line at 1, and for the country the reproduction rate Our World in Data published."""
    shown = frame.where(frame["reliable"].astype(bool))
    wide = pd.DataFrame({"date": pd.to_datetime(frame["date"]), "mean": shown["mean"], "lower": shown["lower"],
                         "upper": shown["upper"]})
    series = [Series("mean", t("trends.rt_name", lang, source=t(f"common.source_{source}", lang)), COLORS["avg"],
                     number=".2f")]
    if national is not None and national["reproduction_rate"].notna().any():
        wide = wide.merge(pd.DataFrame({"date": pd.to_datetime(national["date"]),
                                        "national": national["reproduction_rate"].to_numpy()}), how="outer")
        series.append(Series("national", t("trends.rt_owid", lang), COLORS["deaths"], DOTTED, 1.5, ".2f"))
    interval = Series("interval", t("trends.rt_interval", lang), BAND_FILL)
    palette = [interval, *series]
    band = alt.Chart(wide.assign(series=interval.name)).mark_area(opacity=1).encode(
        x=time_x(lang), y="lower:Q", y2="upper:Q", color=series_color(palette))
    axis = alt.Axis(format=",.1f")
    hovered = [*series[:1], Series("lower", "2,5%" if lang == "vi" else "2.5%", BAND_FILL, number=".2f"),
               Series("upper", "97,5%" if lang == "vi" else "97.5%", BAND_FILL, number=".2f"), *series[1:]]
    return finish(alt.layer(band, series_layer(wide, series, lang, palette=palette, y_axis=axis),
                            *reference_line(1, "Rt = 1", COLORS["reference"]), hover(wide, hovered, lang)),
                  lang, height)


def growth_figure(frame: pd.DataFrame, lang: str, source: str, colorblind: bool = False, height: int = 300):
    """Daily growth rate (week on week) as bars, red when growing and green when shrinking; the hover
    gives the doubling or halving time it implies."""
    rate = frame["growth_per_day"] * 100
    growing = rate >= 0
    growing_color, shrinking_color = GROWTH_COLORS[colorblind]
    name = source_name(t("trends.growth_name", lang), source, lang)
    data = pd.DataFrame({
        "start": pd.to_datetime(frame["date"]) - BAR_SPAN / 2, "end": pd.to_datetime(frame["date"]) + BAR_SPAN / 2,
        "date": pd.to_datetime(frame["date"]), "rate": rate,
        "color": np.where(growing, growing_color, shrinking_color),
        "time": frame["doubling_days"].fillna(frame["halving_days"]),
        "kind": np.where(growing, t("trends.doubling", lang), t("trends.halving", lang))})
    per_day = t("trends.day", lang)
    days = t("trends.days", lang)
    # the whole period, also where the growth is not computed (too few cases): the chart never seems to end early
    period = [data["start"].min().isoformat(), data["end"].max().isoformat()] if len(data) else None
    chart = alt.Chart(data).transform_calculate(
        rate_text=f"format(datum.rate, '+.1f') + '%/{per_day}'",
        time_text=f"isValid(datum.time) ? datum.kind + ' ' + format(datum.time, '.1f') + ' {days}' : '—'",
    ).mark_bar(orient="vertical").encode(
        x=time_x(lang, "start").scale(domain=period) if period else time_x(lang, "start"), x2="end:T",
        y=alt.Y("rate:Q", title=None, axis=percent_axis(signed=True)),
        color=alt.Color("color:N", scale=None),
        tooltip=[alt.Tooltip("date:T", title=t("common.date", lang), format=date_format(lang)),
                 alt.Tooltip("rate_text:N", title=name), alt.Tooltip("time_text:N", title=" ")])
    return finish(chart, lang, height)


def positivity_figure(frame: pd.DataFrame, lang: str, height: int = 340):
    """7-day positivity of the tests in the data, the published national rate where known, and the 5% line."""
    series = []
    if frame["positivity_pct"].notna().any():
        series.append(Series("positivity_pct", source_name(t("trends.positivity_name", lang), frame["source"].iloc[0],
                                                           lang), COLORS["simulated"], number=",.2f", percent=True))
    if "national_positivity_pct" in frame and frame["national_positivity_pct"].notna().any():
        series.append(Series("national_positivity_pct", source_name(t("trends.positivity_owid", lang),
                                                                    frame["national_source"].iloc[0], lang),
                             COLORS["avg"], number=",.2f", percent=True))
    wide = frame.assign(date=pd.to_datetime(frame["date"]))
    reference = reference_line(POSITIVITY_REFERENCE_PCT, t("trends.positivity_reference", lang), COLORS["reference"])
    layers = [series_layer(wide, series, lang, y_axis=percent_axis(1)), hover(wide, series, lang)] if series else []
    return finish(alt.layer(*layers, *reference), lang, height)
