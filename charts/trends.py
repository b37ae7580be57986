"""Figures of the Trends page: comparisons, small multiples, health-system load and vaccination coverage.

Each figure takes a frame of the `trends` package as it is downloaded, and every series name
says whether its figures are observed, estimated or simulated.
"""
from __future__ import annotations

import itertools

import altair as alt
import pandas as pd

from charts import (COLORS, DASHED, DOTTED, Series, date_format, finish, hover, line_chart, log_axis, percent_axis,
                    reference_line, series_layer)
from charts.epicurve import source_name
from i18n import fmt_number, t
from indicators import origin
from trends.vaccination import ANCHOR, SERIES, SNAPSHOT

# Eight colours that stay apart for colour-blind readers (Okabe & Ito), one per compared unit.
UNIT_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
BAND_COLORS = {"05-11": "#56B4E9", "12-17": "#009E73", "18-49": "#0072B2", "50-64": "#E69F00", "65+": "#D55E00"}
TARGET_COLORS = {"adults_dose1": "#0072B2", "over50_full": "#D55E00"}
DOSE_DASH = {"dose1": (), "full": tuple(DASHED)}
# The small multiples fit the page's content column (about 1,000 px beside the sidebar on a 1,440 px screen): a
# facet chart has no container width, so each cell's width comes from the number of columns.
GRID_WIDTH, CELL_AXIS, CELL_SPACING, CELL_HEIGHT = 960, 40, 10, 110


def wide_by(frame: pd.DataFrame, key: str, value: str) -> tuple[pd.DataFrame, list[tuple[str, pd.DataFrame]]]:
    """A long frame (date, key, value) as one column per key ('s0', 's1'… in the keys' first order, so that
    names with dots or brackets never become field names), with each key's rows."""
    groups = list(frame.groupby(key, sort=False))
    wide = pd.DataFrame({"date": pd.to_datetime(frame["date"]).drop_duplicates().sort_values()})
    for index, (_, rows) in enumerate(groups):
        wide = wide.merge(pd.DataFrame({"date": pd.to_datetime(rows["date"]).to_numpy(),
                                        f"s{index}": rows[value].to_numpy()}), on="date", how="left")
    return wide, [(f"s{index}", rows) for index, (_, rows) in enumerate(groups)]


def comparison_figure(frame: pd.DataFrame, lang: str, log: bool = False, height: int = 400):
    """One line per unit: 7-day average cases per 100,000, in the order the units were chosen (dotted where
    the figures are not observed)."""
    wide, groups = wide_by(frame, "unit", "avg7_per_100k")
    series = [Series(column, source_name(rows["label"].iloc[0], rows["source"].iloc[0], lang), color,
                     () if rows["source"].iloc[0] == "observed" else tuple(DOTTED), number=",.2f")
              for color, (column, rows) in zip(itertools.cycle(UNIT_COLORS), groups)]
    axis, scale = log_axis(frame["avg7_per_100k"].max(), 0.01) if log else (alt.Axis(format=",.2~f"), None)
    return line_chart(wide, series, lang, height, y_axis=axis, y_scale=scale, y_title=t("trends.avg7_per_100k", lang))


def small_multiples_figure(frame: pd.DataFrame, order: list[str], lang: str, highlight: str | None = None,
                           columns: int = 4):
    """One small chart per unit on a shared scale, highest current incidence first, titled with its current
    figure; the highlighted unit in red. `columns` cells side by side fill GRID_WIDTH."""
    width = (GRID_WIDTH - CELL_AXIS) // columns - CELL_SPACING  # the y axis is drawn once, left of the first column
    last = frame[frame["date"] == frame["date"].max()].set_index("unit")["avg7_per_100k"]
    labels = frame.drop_duplicates("unit").set_index("unit")["label"]
    titles = {unit: f"{labels[unit]}: {fmt_number(last.get(unit), 1, lang)}" for unit in order}
    data = frame[frame["unit"].isin(order)].assign(
        date=lambda rows: pd.to_datetime(rows["date"]), title=lambda rows: rows["unit"].map(titles),
        color=lambda rows: (rows["unit"] == highlight).map({True: COLORS["reference"], False: COLORS["avg"]}))
    cell = alt.Chart().mark_area(line={"strokeWidth": 1.5}, opacity=0.35).encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%m/%Y" if lang == "vi" else "%b %Y", tickCount=4)),
        y=alt.Y("avg7_per_100k:Q", title=None, axis=alt.Axis(format=",.2~f", tickCount=3)),
        color=alt.Color("color:N", scale=None),
        tooltip=[alt.Tooltip("label:N", title=" "),
                 alt.Tooltip("date:T", title=t("common.date", lang), format=date_format(lang)),
                 alt.Tooltip("avg7_per_100k:Q", title=t("trends.avg7_per_100k", lang), format=",.2f")],
    ).properties(width=width, height=CELL_HEIGHT)
    chart = alt.FacetChart(data=data[["date", "unit", "label", "title", "color", "avg7_per_100k"]], spec=cell,
                           facet=alt.Facet("title:N", sort=[titles[unit] for unit in order],
                                           header=alt.Header(title=None, labelFontSize=12, labelLimit=width)),
                           columns=columns, spacing={"row": 12, "column": CELL_SPACING})
    return finish(chart, lang, None)


def load_figure(frame: pd.DataFrame, lang: str, height: int = 360):
    """Patients in treatment, on oxygen and in ICU (current counts, not new ones)."""
    source = frame["patients_source"].iloc[0] if len(frame) else "simulated"
    lines = (("in_treatment", COLORS["avg"]), ("oxygen", COLORS["simulated"]), ("icu", COLORS["reference"]))
    series = [Series(column, source_name(t(f"trends.{column}", lang), source, lang), color) for column, color in lines]
    return line_chart(frame.assign(date=pd.to_datetime(frame["date"])), series, lang, height)


def capacity_figure(frame: pd.DataFrame, lang: str, height: int = 360):
    """Occupied beds (solid) against beds available (dashed), for COVID-19 beds and staffed ICU beds."""
    source = frame["beds_source"].dropna().iloc[0] if frame["beds_source"].notna().any() else "simulated"
    pairs = (("covid_beds_occupied", "covid_beds_total", COLORS["avg"]),
             ("icu_beds_occupied", "icu_beds_staffed", COLORS["reference"]))
    series = [one for occupied, total, color in pairs for one in (
        Series(occupied, source_name(t(f"trends.{occupied}", lang), source, lang), color),
        Series(total, source_name(t(f"trends.{total}", lang), source, lang), color, tuple(DASHED), 1.5))]
    return line_chart(frame.assign(date=pd.to_datetime(frame["date"])), series, lang, height)


def _coverage_series(rows_by_group, lang: str, name, color) -> tuple[pd.DataFrame, list[Series]]:
    """Coverage lines of groups of a long coverage frame (date, group, coverage_pct, source)."""
    wide, groups = wide_by(rows_by_group, "group", "coverage_pct")
    return wide, [Series(column, source_name(name(rows["group"].iloc[0]), rows["source"].iloc[0], lang),
                         color(rows["group"].iloc[0]), number=",.1f", percent=True) for column, rows in groups]


def targets_figure(coverage: pd.DataFrame, lang: str, height: int = 380):
    """Coverage of the target groups over time, each with its target as a dashed line."""
    targets = coverage[coverage["target_pct"].notna()]
    wide, series = _coverage_series(targets, lang, lambda group: t(f"trends.target_{group}", lang),
                                    TARGET_COLORS.__getitem__)
    lines = [layer for group, rows in targets.groupby("group", sort=False) for layer in reference_line(
        rows["target_pct"].iloc[0], t("trends.target_line", lang, target=f"{rows['target_pct'].iloc[0]:.0f}"),
        TARGET_COLORS[group], width=1, where="bottom-right")]
    return line_chart(wide, series, lang, height, y_axis=percent_axis(), extra=lines)


def bands_figure(coverage: pd.DataFrame, dose: str, lang: str, height: int = 380):
    """Coverage of one dose in each age band over time."""
    rows_of_dose = coverage[coverage["target_pct"].isna() & (coverage["dose"] == dose)].sort_values("group")
    wide, series = _coverage_series(rows_of_dose, lang, lambda band: t("trends.band", lang, band=band),
                                    lambda band: BAND_COLORS.get(band, COLORS["avg"]))
    return line_chart(wide, series, lang, height, y_axis=percent_axis())


# Point shapes of whole_population's points: the portal's snapshots, the figures a province published before them.
POINT_SHAPES = {(SNAPSHOT, "dose1"): "circle", (SNAPSHOT, "full"): "diamond",
                (ANCHOR, "dose1"): "triangle-up", (ANCHOR, "full"): "square"}


def portal_figure(whole: pd.DataFrame, lang: str, height: int = 340):
    """Whole-population coverage (trends.vaccination.whole_population): the vaccination portal's real snapshots and
    the figures a province published before them as points, the series of every week as lines, each named with the
    origin of its rows (a province's estimate runs through those points: partly observed, partly estimated)."""
    groups = whole.assign(group=whole["kind"] + "|" + whole["dose"]).sort_values(["kind", "dose"])
    wide, parts = wide_by(groups, "group", "coverage_pct")
    kinds = [(rows["kind"].iloc[0], rows["dose"].iloc[0], origin.combine(rows["source"])) for _, rows in parts]
    names = {ANCHOR: "anchor", SNAPSHOT: "whole", SERIES: "whole"}  # i18n keys trends.anchor_*, trends.whole_*
    series = [Series(column, source_name(t(f"trends.{names[kind]}_{dose}", lang), source, lang),
                     COLORS["avg"] if kind != SERIES else COLORS["simulated"] if source == origin.SIMULATED
                     else origin.COLORS[origin.ESTIMATED], DOSE_DASH[dose], 2, ",.1f", True)
              for (column, _), (kind, dose, source) in zip(parts, kinds)]
    shapes = {one.name: POINT_SHAPES[kind, dose] for one, (kind, dose, _) in zip(series, kinds) if kind != SERIES}
    points = [one for one in series if one.name in shapes]
    lines = [one for one in series if one not in points]
    axis = percent_axis()
    # a line runs over its own dates: a point's date between two of them (a province's figure of a Sunday) would break it
    drawn = wide.dropna(subset=[one.column for one in lines], how="all")
    layers = [series_layer(drawn, lines, lang, palette=series, y_axis=axis)] if lines else []
    if points:
        # one legend for both layers: a line's entry drawn as a stroke (with its dash), a point's as its shape
        layers.append(series_layer(wide, points, lang, "point", palette=series, y_axis=axis, filled=True, size=70)
                      .encode(shape=alt.Shape("series:N", sort=[one.name for one in series], scale=alt.Scale(
                          domain=[one.name for one in series],
                          range=[shapes.get(one.name, "stroke") for one in series]))))
    return finish(alt.layer(*layers, hover(wide, series, lang)), lang, height, legend_columns=2)

