"""The epidemic curve: daily bars (observed part darker than the estimated part) and the trailing 7-day average.

`curve_figure` draws a frame of trends.series.curve with the Trends page's options (per 100,000,
log scale, provisional days, the weekly level band); `epicurve` is the Overview's small version.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from charts import (COLORS, DASHED, DOTTED, HALF_DAY, TEXT_ROW, Series, finish, haloed, hover, log_axis, series_layer,
                    text_row_param)
from data.artefacts import MIN_BACKLOG_CASES
from data.record_notes import RecordNotes
from i18n import fmt_int, t
from indicators.origin import ESTIMATED, OBSERVED
from trends.series import curve

PROVISIONAL_FILL = "#787878"
PROVISIONAL_OPACITY, NO_DATA_OPACITY = 0.15, 0.25
DUMP_LINE = "#8B4513"
SMALL_COUNTS = 5
# Span labels share the top row and must not overlap: a label's width in days is estimated from its characters at
# the narrowest plot the pages draw (the Trends page on a 1280-pixel laptop screen); a label that would touch the one on its
# right is left out (its span stays shaded, the notes under the chart list every gap).
PLOT_MIN_PX, CHAR_PX, LABEL_GAP_PX = 720, 6.0, 8
LABELLED_DUMPS = 3  # the largest dumps of a chart are labelled in words; every one has its line and hover text
# ... if they matter on the chart's scale: a backlog by data.artefacts' own measure, or a tenth of its tallest day
# (the few cases a province reported after a day the collection missed stay a line with a hover text)
LABELLED_DUMP_SHARE = 0.1
LABEL_TOP_PX = 4
AXIS_EXTENT_PX = 56  # the value axis's room, the same on the curve and its level band so that both line up
ANNOUNCED_MARK_SIZE = 160  # the diamond of a level a province announced, on the level band
STACKED_EXTRA_PX = 18  # a taller band where a week's change of level and its diamond stand one above the other


def source_name(name: str, source: str, lang: str) -> str:
    """A series name that says where its figures come from: 'Ca mắc mới — số liệu thực'."""
    return f"{name} — {t(f'common.source_{source}', lang)}"


def curve_figure(frame: pd.DataFrame, lang: str, name: str, *, per_100k: bool = False, log: bool = False,
                 levels: pd.DataFrame | None = None, height: int = 380, record: RecordNotes | None = None,
                 deaths: bool = False):
    """Bars per day split into observed and estimated parts, the 7-day average, provisional days shaded.

    `levels` (trends.levels.bands) marks each change of level with a dotted line and leaves the value axis
    the room the level band drawn under it takes (level_band_figure); a `national` column
    (trends.series.with_national) adds a dotted line.
    `record` (data.record_notes) marks the published record's artefacts in words: on a curve of cases each
    backlog dump ("số liệu dồn", with the published count) and gap ("chưa có số liệu"); on a curve of deaths
    (`deaths`) the days whose count is unknown ("chưa có số liệu").
    """
    suffix = "_per_100k" if per_100k else ""
    number = ",.2f" if per_100k else ",d"
    share = frame["value"].where(frame["value"] > 0)
    drawn = {OBSERVED: frame[OBSERVED].any() or not frame[ESTIMATED].any(), ESTIMATED: frame[ESTIMATED].any()}
    wide = pd.DataFrame({"date": pd.to_datetime(frame["date"])})
    bars = []
    for part, color in ((OBSERVED, COLORS["cases"]), (ESTIMATED, COLORS["estimated"])):
        if drawn[part]:  # a curve of zeros still says where its zeros come from
            wide[part] = (frame[f"value{suffix}"] * (frame[part] / share).fillna(0)).to_numpy()
            bars.append(Series(part, source_name(name, part, lang), color, number=number))
    wide["avg7"] = frame[f"avg7{suffix}"].to_numpy()
    lines = [Series("avg7", t("common.avg7", lang), COLORS["avg"], width=3, number=",.1f")]
    if "national" in frame and frame["national"].notna().any():
        wide["national"] = frame[f"national{suffix}"].to_numpy()
        lines.append(Series("national", source_name(t("trends.national_owid", lang), OBSERVED, lang),
                            COLORS["deaths"], DOTTED, 1.5, number))
    shown_first, shown_last = wide["date"].min(), wide["date"].max()
    dumps = [] if deaths or not record else \
        [dump for dump in record.dumps if shown_first <= pd.Timestamp(dump.day) <= shown_last]
    if dumps:  # a legend entry for the dashed lines, drawn by _dump_layers
        wide["dump"] = float("nan")
        lines.append(Series("dump", t("record.dump_legend", lang), DUMP_LINE, tuple(DASHED), 1.5))
    y_axis, y_scale = _value_axis(frame, per_100k, log)
    palette = [*bars, *lines]
    has_levels = levels is not None and not levels.empty
    if has_levels:  # the level band is drawn under it (level_band_figure): the same room for the value axis
        y_axis = alt.Axis(**y_axis.to_dict(), minExtent=AXIS_EXTENT_PX, maxExtent=AXIS_EXTENT_PX)
    shades, shade_words = _shaded_spans(frame, lang, record, deaths)
    dump_rules, dump_words = _dump_layers(dumps, wide, lang, frame["value"].max())
    layers = [
        *([_domain(frame)] if has_levels else []),
        *shades,
        series_layer(wide, bars, lang, "bar", palette=palette, stack=True, y_axis=y_axis, y_scale=y_scale),
        series_layer(wide, lines, lang, palette=palette, y_axis=y_axis, y_scale=y_scale),
        *dump_rules,
        *(_change_rules(levels) if has_levels else ()),
        *haloed([*shade_words, *dump_words]),  # words over every line and bar
        hover(wide, palette[:-1] if dumps else palette, lang),
    ]
    chart = alt.layer(*layers)
    return finish(chart.add_params(text_row_param()) if dumps else chart, lang, height)


def _value_axis(frame: pd.DataFrame, per_100k: bool, log: bool) -> tuple[alt.Axis, alt.Scale]:
    """The value axis: log (charts.log_axis), two decimals per 100,000, and whole numbers only on a curve of
    small counts (not 0; 0,5; 1)."""
    if log:
        return log_axis(frame[f"value{'_per_100k' if per_100k else ''}"].max(), 0.01 if per_100k else 1)
    if per_100k:
        return alt.Axis(format=",.2~f"), alt.Scale(zero=True)
    small = not frame["value"].gt(SMALL_COUNTS - 1).any()
    return alt.Axis(format=",d", **({"tickMinStep": 1} if small else {})), alt.Scale(zero=True)


def _merged(runs) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Runs of days (several provinces' may overlap) merged into disjoint spans."""
    spans: list[list[pd.Timestamp]] = []
    for first, last in sorted((pd.Timestamp(run.first), pd.Timestamp(run.last)) for run in runs):
        if spans and first <= spans[-1][1] + pd.Timedelta(days=1):
            spans[-1][1] = max(spans[-1][1], last)
        else:
            spans.append([first, last])
    return [(first, last) for first, last in spans]


def _shaded_spans(frame: pd.DataFrame, lang: str, record: RecordNotes | None,
                  deaths: bool) -> tuple[list[alt.Chart], list[alt.Chart]]:
    """Grey spans under the curve: the provisional last days, and the days without data, labelled in words at
    their right end (inside the chart) where the words fit beside the label on their right: (spans, words)."""
    dates = pd.to_datetime(frame["date"])
    shown_first, shown_last = dates.min(), dates.max()
    spans = []  # (start, end, label, opacity)
    provisional = dates[frame["provisional"].to_numpy(dtype=bool)]
    if not provisional.empty:
        spans.append((provisional.min() - HALF_DAY, provisional.max() + HALF_DAY, t("trends.provisional", lang),
                      PROVISIONAL_OPACITY))
    for first, last in _merged((record.unknown_deaths if deaths else record.without_counts()) if record else ()):
        if last < shown_first or first > shown_last:
            continue
        spans.append((max(first, shown_first) - HALF_DAY, min(last, shown_last) + HALF_DAY,
                      t("record.gap_mark", lang), NO_DATA_OPACITY))
    if not spans:
        return [], []
    data = pd.DataFrame(spans, columns=["start", "end", "label", "opacity"])
    data = _fitting_labels(data, shown_first - HALF_DAY, shown_last + HALF_DAY)
    base = alt.Chart(data)
    rects = base.mark_rect(color=PROVISIONAL_FILL).encode(
        x=alt.X("start:T"), x2="end:T", opacity=alt.Opacity("opacity:Q", scale=None, legend=None))
    words = [base.transform_filter(f"datum.label != '' && datum.align == '{align}'").mark_text(
        align=align, baseline="top", dx=-2 if align == "right" else 2).encode(
        x="at:T", y=alt.value(LABEL_TOP_PX), text="label:N") for align in ("right", "left")]
    return [rects], words


def _fitting_labels(spans: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
    """`spans` with each label's anchor (`at`) and side (`align`), or its label '' where it does not fit: placed
    right to left (the last days' label always kept), each label ends at its span's right end, or just left of the
    label kept on its right (a gap running into the last days); one that would cross the chart's left edge
    (`first`) starts at its span instead, if it fits there. Widths in days from the characters at the narrowest
    plot the pages draw."""
    day_px = PLOT_MIN_PX / ((last - first) / pd.Timedelta(days=1))
    spans = spans.sort_values("end", ascending=False, kind="stable").reset_index(drop=True)
    placed, free_until = [], last  # free_until: where the label kept on the right begins
    for label, start, end in spans[["label", "start", "end"]].itertuples(index=False):
        width = pd.Timedelta(days=(len(label) * CHAR_PX + LABEL_GAP_PX) / day_px)
        at = min(end, free_until)
        if at <= start:
            placed.append(("", at, "right"))
        elif at - width >= first:
            placed.append((label, at, "right"))
            free_until = at - width
        elif max(start, first) + width <= free_until:
            placed.append((label, max(start, first), "left"))
            free_until = max(start, first)
        else:
            placed.append(("", at, "right"))
    labels, anchors, aligns = zip(*placed)
    return spans.assign(label=labels, at=anchors, align=aligns)


def _dump_layers(dumps: list, wide: pd.DataFrame, lang: str, tallest: float) -> tuple[list[alt.Chart], list[alt.Chart]]:
    """A dashed line at each backlog dump, its published count on hover; the largest ones that matter beside the
    `tallest` day drawn (LABELLED_DUMP_SHARE) labelled in words, on the side with room, below the 'provisional'
    label: (lines, words)."""
    if not dumps:
        return [], []
    middle = wide["date"].min() + (wide["date"].max() - wide["date"].min()) / 2
    marks = pd.DataFrame({"day": [pd.Timestamp(dump.day) for dump in dumps],
                          "published": [dump.published for dump in dumps],
                          "label": [t("record.dump_mark", lang, published=fmt_int(dump.published, lang))
                                    for dump in dumps]})
    worded = marks[marks["published"] >= min(MIN_BACKLOG_CASES, LABELLED_DUMP_SHARE * tallest)]
    labelled = worded.nlargest(LABELLED_DUMPS, "published").assign(
        right=lambda rows: rows["day"] > middle,
        row=range(1, min(LABELLED_DUMPS, len(worded)) + 1))  # row 0 holds the spans' words
    rules = alt.Chart(marks[["day", "label"]]).mark_rule(color=DUMP_LINE, strokeDash=DASHED, strokeWidth=1.5).encode(
        x="day:T", tooltip=alt.Tooltip("label:N"))
    words = [alt.Chart(labelled[labelled["right"] == right]).mark_text(
        color=DUMP_LINE, align="right" if right else "left", baseline="top", dx=-3 if right else 3).encode(
        x="day:T", y=alt.Y("top:Q", scale=None), text="label:N").transform_calculate(
        top=f"{LABEL_TOP_PX} + {TEXT_ROW} * datum.row") for right in (False, True)
        if (labelled["right"] == right).any()]
    return [rules], words


def _domain(frame: pd.DataFrame) -> alt.Chart:
    """An invisible mark at both ends of the shown days (with the half day of shading on each side), so that
    the curve and its level band span the same dates."""
    dates = pd.to_datetime(frame["date"])
    ends = pd.DataFrame({"day": [dates.min() - HALF_DAY, dates.max() + HALF_DAY]})
    return alt.Chart(ends).mark_point(opacity=0).encode(x=alt.X("day:T", title=None))


def _change_rules(levels: pd.DataFrame) -> list[alt.Chart]:
    """A dotted line across the curve at each change of level."""
    changed = levels.loc[levels["changed"], ["week_start"]]
    if changed.empty:
        return []
    return [alt.Chart(changed).mark_rule(color="#444", strokeDash=DOTTED, strokeWidth=1).encode(x="week_start:T")]


def level_band_figure(levels: pd.DataFrame, frame: pd.DataFrame, lang: str, height: int = 36):
    """The weekly level as a band of colours under the curve of `frame` (grey where unknown), the level's
    name and its origin on hover, and at each change the change itself ('2→3').

    A chart of its own under the curve, aligned with it (same dates, same room for the value axis), rather
    than a second panel of the curve's: Streamlit gives each part of a concatenated chart the column's whole
    width, so the axes of two panels overflowed the column."""
    source = levels["inputs_source"].iloc[0]
    dates = pd.to_datetime(frame["date"])
    weeks = levels.assign(week_end=levels["week_start"] + pd.Timedelta(days=7),
                          origin=t(f"common.source_{source}", lang))
    weeks = weeks[(weeks["week_end"] > dates.min()) & (weeks["week_start"] <= dates.max())].assign(
        start=lambda rows: rows["week_start"].clip(lower=dates.min() - HALF_DAY),
        end=lambda rows: rows["week_end"].clip(upper=dates.max() + HALF_DAY))
    room = alt.Axis(labels=False, ticks=False, domain=False, grid=False, title=None, minExtent=AXIS_EXTENT_PX,
                    maxExtent=AXIS_EXTENT_PX)
    band = alt.Chart(weeks).mark_rect().encode(
        x=alt.X("start:T", title=None, axis=None), x2="end:T",
        y=alt.Y(datum=0, axis=room, scale=alt.Scale(domain=[0, 1])), y2=alt.datum(1),
        color=alt.Color("color:N", scale=None, legend=None),
        tooltip=[alt.Tooltip("label:N", title=t("trends.level_band", lang)),
                 alt.Tooltip("origin:N", title=t("reasons.origin_column", lang)),
                 *([alt.Tooltip("ruleset_name:N", title=t("trends.ruleset", lang))] if "ruleset_name" in weeks else [])])
    weeks = weeks.assign(**_stacked_heights(weeks))
    changes = alt.Chart(weeks[weeks["changed"]]).mark_text(align="left", baseline="middle", dx=2).encode(
        x="week_start:T", y=alt.Y("text_y:Q", title=None, scale=alt.Scale(domain=[0, 1])), text="change_text:N")
    stacked = (weeks["text_y"] != 0.5).any()
    return finish(alt.layer(_domain(frame), band, changes, *_announced_marks(weeks, lang)), lang,
                  height + STACKED_EXTRA_PX if stacked else height)


def _stacked_heights(weeks: pd.DataFrame) -> dict[str, pd.Series]:
    """Heights in the band (0 bottom, 1 top) of a week's change of level ('2→3') and of its announced diamond:
    both in the middle, or, in a week with both, the words above the diamond, which hid them (the band is then
    taller: STACKED_EXTRA_PX)."""
    announced = weeks["announced_level"].notna() if "announced_level" in weeks else False
    both = weeks["changed"].astype(bool) & announced
    return {"text_y": both.map({True: 0.72, False: 0.5}), "mark_y": both.map({True: 0.3, False: 0.5})}


def _announced_marks(weeks: pd.DataFrame, lang: str) -> list[alt.Chart]:
    """A diamond in the colour of the level announced on a week's data (trends.levels.with_announced), in the middle
    of that week's block: a block and a diamond of two colours are a level the dashboard and the province differ on."""
    if "announced_level" not in weeks or weeks["announced_level"].isna().all():
        return []
    marked = weeks[weeks["announced_level"].notna()]
    marked = marked.assign(middle=marked["start"] + (marked["end"] - marked["start"]) / 2)
    return [alt.Chart(marked[["middle", "mark_y", "announced_color", "announced_text", "label"]]).mark_point(
        shape="diamond", filled=True, size=ANNOUNCED_MARK_SIZE, stroke="black", strokeWidth=1.5, opacity=1).encode(
        x="middle:T", y=alt.Y("mark_y:Q", title=None, scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("announced_color:N", scale=None, legend=None),
        tooltip=[alt.Tooltip("announced_text:N", title=t("trends.announced_title", lang)),
                 alt.Tooltip("label:N", title=t("trends.level_band", lang))])]


def epicurve(daily: pd.DataFrame, lang: str, value: str = "new_cases", height: int = 320,
             record: RecordNotes | None = None):
    """The curve of an area's metrics frame (data.metrics.of_area) over the days it covers, with the record's
    artefacts marked (data.record_notes)."""
    frame = curve(daily, value, pd.to_datetime(daily["date"]).max())
    return curve_figure(frame, lang, t("common.cases", lang), height=height, record=record)
