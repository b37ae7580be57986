"""The epidemic curve: daily bars (observed part darker than the estimated part) and the trailing 7-day average.

`curve_figure` draws a frame of trends.series.curve with the Trends page's options (per 100,000,
log scale, provisional days, the weekly level band); `epicurve` is the Overview's small version.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from charts import COLORS, LOG_TICKS, base_layout
from data.record_notes import RecordNotes
from i18n import fmt_int, t
from indicators.origin import ESTIMATED, OBSERVED
from trends.series import curve

DAY_MS = 86_400_000
PROVISIONAL_FILL = "rgba(120, 120, 120, 0.15)"
NO_DATA_FILL = "rgba(120, 120, 120, 0.25)"
DUMP_LINE = "#8B4513"
SMALL_COUNTS = 5
LABEL_ROOM = pd.Timedelta(days=10)  # a shaded span starting closer than this to a labelled one stays unlabelled
LABELLED_DUMPS = 3  # the largest dumps of a chart are labelled in words; every one has its line and hover text


def source_name(name: str, source: str, lang: str) -> str:
    """A trace name that says where its figures come from: 'Ca mắc mới — số liệu thực'."""
    return f"{name} — {t(f'common.source_{source}', lang)}"


def curve_figure(frame: pd.DataFrame, lang: str, name: str, *, per_100k: bool = False, log: bool = False,
                 levels: pd.DataFrame | None = None, height: int = 380, record: RecordNotes | None = None,
                 deaths: bool = False) -> go.Figure:
    """Bars per day split into observed and estimated parts, the 7-day average, provisional days shaded.

    `levels` (trends.levels.bands) adds the weekly level as a coloured band under the curve, with
    each change of level annotated; a `national` column (trends.series.with_national) a dotted line.
    `record` (data.record_notes) marks the published record's artefacts in words: on a curve of cases each
    backlog dump ("số liệu dồn", with the published count) and gap ("chưa có số liệu"); on a curve of deaths
    (`deaths`) the days whose count is unknown ("chưa có số liệu").
    """
    suffix = "_per_100k" if per_100k else ""
    has_levels = levels is not None and not levels.empty
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.9, 0.1], vertical_spacing=0.03) \
        if has_levels else go.Figure()
    row = dict(row=1, col=1) if has_levels else {}
    share = frame["value"].where(frame["value"] > 0)
    number = "%{y:,.2f}" if per_100k else "%{y:,d}"
    drawn = {OBSERVED: frame[OBSERVED].any() or not frame[ESTIMATED].any(), ESTIMATED: frame[ESTIMATED].any()}
    for part, color in ((OBSERVED, COLORS["cases"]), (ESTIMATED, COLORS["estimated"])):
        if drawn[part]:  # a curve of zeros still says where its zeros come from
            values = frame[f"value{suffix}"] * (frame[part] / share).fillna(0)
            fig.add_bar(x=frame["date"], y=values, name=source_name(name, part, lang), marker_color=color,
                        hovertemplate=number, **row)
    fig.add_scatter(x=frame["date"], y=frame[f"avg7{suffix}"], name=t("common.avg7", lang), mode="lines",
                    line=dict(color=COLORS["avg"], width=3), hovertemplate="%{y:,.1f}", **row)
    if "national" in frame and frame["national"].notna().any():
        fig.add_scatter(x=frame["date"], y=frame[f"national{suffix}"], mode="lines",
                        name=source_name(t("trends.national_owid", lang), OBSERVED, lang),
                        line=dict(color=COLORS["deaths"], width=1.5, dash="dot"), hovertemplate=number, **row)
    fig.update_layout(barmode="stack", bargap=0.1)
    _shade_provisional(fig, frame, lang)
    if record:
        _mark_record(fig, frame, record, lang, deaths, has_levels)
    if has_levels:
        _level_band(fig, levels, lang)
    base_layout(fig, lang, height)
    if log:
        fig.update_yaxes(type="log", rangemode="normal", tickformat=LOG_TICKS, row=1 if has_levels else None)
    elif per_100k:
        fig.update_yaxes(tickformat=",.2~f")
    elif not frame["value"].gt(SMALL_COUNTS - 1).any():
        fig.update_yaxes(dtick=1, row=1 if has_levels else None)  # else plotly ticks 0,2; 0,4… rounded to 0, 0, 1
    return fig


def _shade_provisional(fig: go.Figure, frame: pd.DataFrame, lang: str) -> None:
    provisional = frame.loc[frame["provisional"], "date"]
    if provisional.empty:
        return
    fig.add_vrect(x0=provisional.min() - pd.Timedelta(hours=12), x1=provisional.max() + pd.Timedelta(hours=12),
                  fillcolor=PROVISIONAL_FILL, line_width=0, layer="below",
                  annotation_text=t("trends.provisional", lang), annotation_position="top left",
                  annotation_font_size=11)


def _merged(runs) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Runs of days (several provinces' may overlap) merged into disjoint spans."""
    spans: list[list[pd.Timestamp]] = []
    for first, last in sorted((pd.Timestamp(run.first), pd.Timestamp(run.last)) for run in runs):
        if spans and first <= spans[-1][1] + pd.Timedelta(days=1):
            spans[-1][1] = max(spans[-1][1], last)
        else:
            spans.append([first, last])
    return [(first, last) for first, last in spans]


def _mark_record(fig: go.Figure, frame: pd.DataFrame, record: RecordNotes, lang: str, deaths: bool,
                 has_levels: bool) -> None:
    """Shade the days without data and draw a line at each backlog dump, labelled with its published count."""
    shown_first, shown_last = frame["date"].min(), frame["date"].max()
    row = dict(row=1, col=1) if has_levels else {}
    labelled_until = None
    for first, last in _merged(record.unknown_deaths if deaths else record.gaps):
        if last < shown_first or first > shown_last:
            continue
        label = labelled_until is None or first - labelled_until > LABEL_ROOM  # no label over the last one
        words = dict(annotation_text=t("record.gap_mark", lang), annotation_position="top left",
                     annotation_font_size=11) if label else {}
        fig.add_vrect(x0=max(first, shown_first) - pd.Timedelta(hours=12),
                      x1=min(last, shown_last) + pd.Timedelta(hours=12), fillcolor=NO_DATA_FILL, line_width=0,
                      layer="below", **words, **row)
        labelled_until = max(first, shown_first) if label else labelled_until
    if deaths:
        return
    dumps = [dump for dump in record.dumps if shown_first <= pd.Timestamp(dump.day) <= shown_last]
    labelled = sorted(dumps, key=lambda dump: -dump.published)[:LABELLED_DUMPS]
    for dump in dumps:
        fig.add_vline(x=pd.Timestamp(dump.day), line=dict(color=DUMP_LINE, width=1.5, dash="dash"), **row)
    middle = shown_first + (shown_last - shown_first) / 2
    for height, dump in enumerate(labelled):  # below the 'provisional' label, on the side with room
        fig.add_annotation(x=pd.Timestamp(dump.day), y=0.9 - 0.08 * height, xref="x", yref="y domain",
                           text=t("record.dump_mark", lang, published=fmt_int(dump.published, lang)),
                           showarrow=False, xanchor="right" if pd.Timestamp(dump.day) > middle else "left",
                           yanchor="top", bgcolor="rgba(255,255,255,0.85)", font=dict(size=11, color=DUMP_LINE))
    if dumps:
        fig.add_scatter(x=[pd.Timestamp(dump.day) for dump in dumps], y=[None] * len(dumps), mode="lines",
                        line=dict(color=DUMP_LINE, width=1.5, dash="dash"), name=t("record.dump_legend", lang),
                        hoverinfo="skip", **row)


def _level_band(fig: go.Figure, levels: pd.DataFrame, lang: str) -> None:
    """One bar per week in the second row, coloured by level; at each change a dotted line across the curve
    and, inside the band, the change itself ('2→3')."""
    fig.add_bar(x=levels["week_start"] + pd.Timedelta(days=3.5), y=[1] * len(levels), width=7 * DAY_MS,
                marker=dict(color=levels["color"], line_width=0), customdata=levels["label"],
                hovertemplate="%{customdata}<extra></extra>", showlegend=False,
                name=source_name(t("trends.level_band", lang), levels["inputs_source"].iloc[0], lang), row=2, col=1)
    fig.update_yaxes(visible=False, row=2, col=1)
    for change in levels[levels["changed"]].itertuples():
        fig.add_vline(x=change.week_start, line=dict(color="#444", width=1, dash="dot"))
        fig.add_annotation(x=change.week_start, y=0.5, xref="x2", yref="y2 domain", text=change.change_text,
                           showarrow=False, xanchor="left", yanchor="middle", font=dict(size=10, color="#222"))


def epicurve(daily: pd.DataFrame, lang: str, value: str = "new_cases", height: int = 320,
             record: RecordNotes | None = None) -> go.Figure:
    """The curve of an area's metrics frame (data.metrics.of_area) over the days it covers, with the record's
    artefacts marked (data.record_notes)."""
    frame = curve(daily, value, pd.to_datetime(daily["date"]).max())
    return curve_figure(frame, lang, t("common.cases", lang), height=height, record=record)
