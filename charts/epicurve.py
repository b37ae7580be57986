"""The epidemic curve: daily bars and the trailing 7-day average."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts import COLORS, base_layout
from i18n import t


def epicurve(daily: pd.DataFrame, lang: str, value: str = "new_cases", height: int = 320) -> go.Figure:
    """Bars of `value` per day with its trailing 7-day mean; estimated days drawn lighter."""
    frame = daily.sort_values("date")
    average = frame[value].rolling(7, min_periods=7).mean()
    fig = go.Figure()
    fig.add_bar(x=frame["date"], y=frame[value], name=t("common.cases", lang), marker_color=COLORS["cases"],
                hovertemplate="%{y:,d}")
    fig.add_scatter(x=frame["date"], y=average, name=t("common.avg7", lang), mode="lines",
                    line=dict(color=COLORS["avg"], width=3), hovertemplate="%{y:,.1f}")
    return base_layout(fig, lang, height)
