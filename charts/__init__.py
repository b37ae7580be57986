"""Plotly figures shared by the pages, the briefing and the exports (pure: no streamlit).

One colour scheme and one number/date format for every chart.
"""
from __future__ import annotations

import plotly.graph_objects as go

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


# Tick labels of a log axis: significant digits, so 0,01 and 0,1 are not all written "0" (",d" would).
LOG_TICKS = ",~g"


def base_layout(fig: go.Figure, lang: str, height: int = 320) -> go.Figure:
    """Vietnamese separators (1.719; 52,3) and dd/mm dates, or English ones; no plotly logo."""
    fig.update_layout(
        separators=",." if lang == "vi" else ".,",
        height=height,
        margin=dict(l=10, r=10, t=30, b=10),
        font=dict(family=FONT, size=14),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        plot_bgcolor="white",
        hovermode="x unified",
    )
    # automargin: the last date's label, centred on the right edge, would be cut ("01/11/2…")
    fig.update_xaxes(tickformat="%d/%m/%Y" if lang == "vi" else "%d %b %Y", showgrid=False, automargin=True)
    fig.update_yaxes(gridcolor="#E6E6E6", tickformat=",d", rangemode="tozero")
    return fig
