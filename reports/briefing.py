"""The briefing (giao ban) of an area on a day: the slides the page presents and the files export.

Headline figures; the level map; what changed since last week; the districts rising fastest; treatment
capacity; vaccination; checkpoints. Every slide is built from the data layer and the indicators, geo and
operations packages, says where its numbers come from, and says "no data" rather than show an empty chart.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd
import shapely
import altair as alt

from charts import COLORS, Series, finish, percent_axis, series_color
from charts.epicurve import epicurve
from charts.trends import capacity_figure
from data import db, levels, metrics, operations as operations_data
from data.record_notes import RecordNotes, count_shown, notes as record_notes
from data.db import COUNTRY, DISTRICT, PROVINCE, Area, province_of
from geo import shapes, situation
from i18n import fmt_date, fmt_int, fmt_number, fmt_pct, t, week_change
from indicators import levelstyle
from indicators.rulesets import RuleSet, load_ruleset
from operations import checkpoints as checkpoint_ops
from reports import layout
from reports.levelmap import level_map_png
from indicators.origin import least_real
from reports.model import Bullets, Chart, Deck, Figure, Image, Metrics, Slide, Table
from reports.text import area_title, conflict_texts, week_span
from trends.vaccination import TARGET_PCT, TARGETS, band_population, capped

CURVE_DAYS = 90
CAPACITY_DAYS = 60
TABLE_ROWS = 8
MAP_DPI = 150
# The slides, in order (the page labels its buttons by these keys).
SLIDE_KEYS = ("headline", "map", "changes", "rising", "capacity", "vaccination", "checkpoints")
# Doses told apart by colour-blind readers too (Okabe & Ito).
DOSE_COLORS = {"dose1": "#56B4E9", "full": "#0072B2", "booster": "#009E73"}


@dataclass(frozen=True)
class _Context:
    """What every slide is about: the database, the area, the day, the language and the level rules."""

    con: duckdb.DuckDBPyConnection
    area: Area
    day: dt.date
    lang: str
    ruleset: RuleSet
    colorblind: bool
    title: str



def build_deck(con, area: Area, day: dt.date, lang: str = "vi", ruleset_id: str | None = None,
               colorblind: bool = False) -> Deck:
    """Every slide of the briefing of `area` on `day`, in `lang`, under `ruleset_id` (else the rule set in force
    on the day)."""
    ruleset_id = ruleset_id or levels.ruleset_in_force(day, db.province_of(con, area))[0].id
    context = _Context(con, area, day, lang, load_ruleset(ruleset_id), colorblind, area_title(con, area, lang))
    week = levels.level_week(day)
    view = _view_codes(con, area)
    this_week, previous = (levels.week_levels(con, ruleset_id, monday).reindex(view)
                           for monday in (week, week - dt.timedelta(weeks=1)))
    area_week = levels.week_levels(con, ruleset_id, week, area.level).reindex([area.key]).iloc[0]
    levels_origin = least_real(*this_week["inputs_origin"].dropna())
    daily = metrics.of_area(con, area, day - dt.timedelta(days=CURVE_DAYS - 1), day)
    figures = daily.iloc[-1] if len(daily) and pd.Timestamp(daily["date"].iloc[-1]).date() == day else pd.Series()
    record = record_notes(con, area, day - dt.timedelta(days=CURVE_DAYS - 1), day)
    vaccination = db.vaccination_coverage(con, area, day)
    slides = (
        headline_slide(context, daily, figures, record),
        map_slide(context, week, this_week, previous, levels_origin),
        changes_slide(context, week, this_week, previous, area_week, levels_origin,
                      record.within(week, week + dt.timedelta(days=6))),
        rising_slide(context),
        capacity_slide(context, figures),
        vaccination_slide(context, vaccination, figures),
        checkpoints_slide(context),
    )
    slides = tuple(slide for slide in slides if slide is not None)
    return Deck(title=t("briefing.deck_title", lang, area=context.title), area_title=context.title, date=day,
                lang=lang, slides=slides, stamp=t("briefing.stamp", lang, date=fmt_date(day, lang), area=context.title))


def _view_codes(con, area: Area) -> list[str]:
    """The districts the map shows: the country's, a province's, or a district and its neighbours."""
    known = set(db.districts(con)["district_code"])
    return [code for code in shapes.area_units(area.level, area.code) if code in known]



def _no_data(what: str, lang: str) -> Bullets:
    return Bullets((t("briefing.no_data", lang, what=what),))


# ---------------------------------------------------------------------------------------------- 1. headline


def _case_sources(figures: pd.Series, lang: str) -> tuple[tuple[str, str | None], ...]:
    """The slide's source line for cases and deaths: one entry when both have the same origin, two when they
    differ (deaths the source did not publish read "no data", never the cases' origin)."""
    cases = figures.get("cases_7d_origin")
    _, deaths = count_shown(figures.get("new_deaths_7d"), figures.get("deaths_7d_origin"), lang)
    if deaths == cases:
        return ((t("briefing.what_cases", lang), cases),)
    return ((t("briefing.what_cases_only", lang), cases), (t("briefing.what_deaths", lang), deaths))


def _rules_notes(c: _Context) -> tuple[str, ...]:
    """The warning of a rule set with unverified thresholds, on every slide that grades by it."""
    return (c.ruleset.unverified_warning(c.lang),) if c.ruleset.has_unverified else ()


def headline_slide(c: _Context, daily: pd.DataFrame, figures: pd.Series, record: RecordNotes) -> Slide:
    """The metrics frame's figures of the day, each with the origin it carries; a conflict between uploaded
    district figures and the published province figure is said in the subtitle, with both numbers; what the
    published record says about the week's days (backlog dumps, gaps, unknown deaths) in the notes, and on the
    curve every dump and gap of its days."""
    lang = c.lang
    vaccinated_on = figures.get("vaccination_date")
    vaccination_note = (t("briefing.as_of", lang, date=fmt_date(vaccinated_on, lang))
                        if pd.notna(vaccinated_on) else t("common.no_data", lang))
    # why a coverage reads 100 %: in the slide's notes, too long for a tile
    beyond = (t("overview.vaccinated_beyond_population", lang),) if metrics.flag(
        figures.get("vaccinated_beyond_population")) else ()
    get = figures.get
    tiles = (
        Figure(t("overview.cases_7d", lang), fmt_int(get("new_cases_7d"), lang), get("cases_7d_origin"),
               week_change(get("cases_wow_change_pct"), get("new_cases_prev_7d"), get("new_cases_7d"), lang)),
        Figure(t("overview.cases_per_100k", lang), fmt_number(get("cases_per_100k_7d"), 1, lang),
               get("cases_per_100k_7d_origin")),
        Figure(t("overview.deaths_7d", lang), *count_shown(get("new_deaths_7d"), get("deaths_7d_origin"), lang)),
        Figure(t("overview.in_treatment", lang), fmt_int(get("in_treatment"), lang), get("load_origin")),
        Figure(t("overview.oxygen", lang), fmt_int(get("oxygen"), lang), get("load_origin")),
        Figure(t("overview.icu", lang), fmt_int(get("icu"), lang), get("load_origin")),
        Figure(t("overview.dose1_18plus", lang), fmt_pct(get("pct_18plus_dose1"), 1, lang),
               get("pct_18plus_dose1_origin"), vaccination_note),
        Figure(t("overview.full_50plus", lang), fmt_pct(get("pct_50plus_full"), 1, lang),
               get("pct_50plus_full_origin"), vaccination_note),
    )
    chart = Chart(epicurve(daily, lang, record=record), t("briefing.curve_alt", lang, days=CURVE_DAYS))
    subtitle = " · ".join([t("briefing.as_of_end", lang, date=fmt_date(c.day, lang)),
                           *conflict_texts(metrics.conflicts(daily.tail(7)), lang)])
    return Slide("headline", t("briefing.headline_title", lang, area=c.title), (Metrics(tiles), chart),
                 sources=(*_case_sources(figures, lang),
                          (t("briefing.what_treatment", lang), get("load_origin")),
                          (t("briefing.what_vaccination", lang), get("vaccinations_origin"))),
                 subtitle=subtitle,
                 notes=(*record.within(c.day - dt.timedelta(days=6), c.day).texts(lang), *beyond))


# ---------------------------------------------------------------------------------------------- 2. level map


def _level_colors(levels_of_week: pd.Series, c: _Context) -> pd.Series:
    return levelstyle.colors(levels_of_week.astype("Int64"), c.ruleset, c.colorblind)


def map_slide(c: _Context, week: dt.date, this_week: pd.DataFrame, previous: pd.DataFrame,
              origin: str | None) -> Slide:
    lang = c.lang
    title = t("briefing.map_title", lang, week=week_span(week, lang))
    sources = ((t("briefing.what_levels", lang), origin),)
    if this_week["week_end"].isna().all():
        return Slide("map", title, (_no_data(t("briefing.what_levels", lang), lang),), sources, c.ruleset.name(lang),
                     notes=_rules_notes(c))
    widths = (1.7, 1.0)
    box = layout.column_boxes(widths)[0]
    png = level_map(c, this_week, int(box.w * MAP_DPI), int(box.h * MAP_DPI))
    now, before = (situation.legend(week_rows["level"], c.ruleset, lang) for week_rows in (this_week, previous))
    table = Table(
        (t("briefing.col_level", lang), t("briefing.col_previous_week", lang), t("briefing.col_this_week", lang)),
        tuple((situation.short_label(label), fmt_int(then, lang), fmt_int(count, lang))
              for label, then, count in zip(now["label"], before["count"], now["count"])),
        numeric=(False, True, True))
    subtitle = c.ruleset.name(lang)
    units = shapes.units(shapes.DISTRICT)
    if units.loc[units["code"].isin(this_week.index), "approximate"].any():
        subtitle += " · " + t("briefing.approximate", lang)
    return Slide("map", title, (Image(png, t("briefing.map_alt", lang, area=c.title)), table), sources, subtitle,
                 column_widths=widths, notes=_rules_notes(c))


def level_map(c: _Context, this_week: pd.DataFrame, width: int, height: int) -> bytes:
    """The districts of the view coloured by level, province borders and names (zoomed in: the districts'; the
    country: the archipelagos'), framed as the map page frames them, a province's islands far out at sea in their
    boxes (geo.shapes.inset_view), with the legend."""
    detailed = c.area.level != COUNTRY
    codes = list(this_week.index)
    frame, _, insets = shapes.inset_view(tuple(codes), width, height)
    units = shapes.units(shapes.DISTRICT, detailed).set_index("code").loc[codes]
    geometries = units.geometry.copy()
    for inset in insets:
        geometries[inset.code] = shapes.moved(geometries[inset.code], inset.shift)
    styled = pd.DataFrame({"geometry": geometries.to_numpy(),
                           "color": _level_colors(this_week["level"], c).to_numpy()})
    provinces = shapes.units(shapes.PROVINCE, detailed)
    borders = (provinces.loc[provinces["code"].isin(set(units["province_code"])), "geometry"].tolist()
               + [shapely.box(*inset.box) for inset in insets])
    # the largest districts name themselves first: where names would overlap, theirs stay; an inset's name comes
    # before them all, at the top of its box
    largest_first = pd.Series(shapely.area(units.geometry.values), units.index).sort_values(ascending=False,
                                                                                            kind="stable").index
    if detailed:
        named = shapes.label_points().set_index("code").loc[largest_first]
        boxed = shapes.inset_labels(insets).set_index("code")
        labels = pd.concat([boxed, named.drop(boxed.index)])
    else:
        labels = shapes.archipelago_labels(shapes.units(shapes.DISTRICT))
    legend = situation.legend(this_week["level"], c.ruleset, c.lang, c.colorblind)
    return level_map_png(styled, borders, labels, legend, width, height, lambda n: fmt_int(n, c.lang), frame=frame)


# ---------------------------------------------------------------------------------------------- 3. changes


def changes_slide(c: _Context, week: dt.date, this_week: pd.DataFrame, previous: pd.DataFrame,
                  area_week: pd.Series, origin: str | None, record: RecordNotes) -> Slide:
    lang = c.lang
    title = t("briefing.changes_title", lang, week=week_span(week, lang))
    changes = situation.level_changes(this_week.dropna(subset=["level"]), previous.dropna(subset=["level"]),
                                      c.ruleset, lang)
    cases_origin = area_week.get("cases_7d_origin")
    tiles = Metrics((
        Figure(t("briefing.cases_week", lang), fmt_int(area_week.get("new_cases_7d"), lang), cases_origin,
               week_change(area_week.get("cases_wow_change_pct"), area_week.get("new_cases_prev_7d"),
                           area_week.get("new_cases_7d"), lang)),
        Figure(t("briefing.deaths_week", lang),
               *count_shown(area_week.get("new_deaths_7d"), area_week.get("deaths_7d_origin"), lang)),
        Figure(t("briefing.districts_up", lang), fmt_int((changes["step"] > 0).sum(), lang), origin),
        Figure(t("briefing.districts_down", lang), fmt_int((changes["step"] < 0).sum(), lang), origin),
    ))
    sources = (*_case_sources(area_week, lang), (t("briefing.what_levels", lang), origin))
    under_table = ()
    if changes.empty:
        body = Bullets((t("briefing.no_level_changes", lang),))
    else:
        names = db.districts(c.con).set_index("district_code")["district_name"]

        def label(number) -> str:
            return situation.short_label(levelstyle.label(number, c.ruleset, lang))

        shown = changes.head(TABLE_ROWS)
        kinds = set(shown["origin_kind"])
        if len(kinds) == 1 and len(shown) > 1:  # one origin note for every row: said once, under the table
            shown, kind = shown.assign(reason=shown["moved"]), kinds.pop()
            under_table += (situation.change_origin_note(kind, lang, len(shown)),) if kind else ()
        body = Table(
            (t("briefing.col_district", lang), t("briefing.col_previous_week", lang), t("briefing.col_this_week", lang),
             t("briefing.col_reason", lang)),
            tuple((("▲ " if step > 0 else "▼ ") + names.get(code, code), label(before), label(after), reason)
                  for code, before, after, step, reason in shown[["code", "previous", "level", "step", "reason"]]
                  .itertuples(index=False)))
        if len(changes) > len(shown):  # under the table, not a row of it: a row's long text would widen a column
            under_table = (t("briefing.more_level_changes", lang, n=fmt_int(len(changes) - len(shown), lang)), *under_table)
    return Slide("changes", title, (tiles, body), sources, c.ruleset.name(lang),
                 notes=(*under_table, *_rules_notes(c), *record.texts(lang)))


# ---------------------------------------------------------------------------------------------- 4. rising


def rising_slide(c: _Context) -> Slide:
    """Districts with the largest rise in cases over the 7 days to the day (a district: those of its province)."""
    lang = c.lang
    scope = Area(PROVINCE, province_of(c.con, c.area)) if c.area.level == DISTRICT else c.area
    districts = db.districts(c.con, scope.code if scope.level == PROVINCE else None).set_index("district_code")
    if scope.level == DISTRICT:
        districts = districts.loc[[scope.code]]
    weeks = metrics.daily(c.con, DISTRICT, list(districts.index), c.day, c.day).set_index("unit_code")
    weeks = weeks.join(districts[["district_name", "province_name"]]).assign(
        change=lambda frame: frame["new_cases_7d"] - frame["new_cases_prev_7d"])
    weeks = weeks.sort_values(["change", "new_cases_7d"], ascending=False, kind="stable")
    rising = weeks[weeks["change"] > 0].head(TABLE_ROWS)
    origin = least_real(*(rising if len(rising) else weeks)["cases_7d_origin"].dropna())
    title = t("briefing.rising_title", lang, start=fmt_date(c.day - dt.timedelta(days=6), lang),
              end=fmt_date(c.day, lang))
    sources = ((t("briefing.what_cases", lang), origin),)
    if rising.empty:
        return Slide("rising", title, (Bullets((t("briefing.none_rising", lang),)),), sources)
    names = rising["district_name"] + (" (" + rising["province_name"] + ")" if c.area.level == COUNTRY else "")
    table = Table(
        (t("briefing.col_district", lang), t("briefing.col_prev_7d", lang), t("briefing.col_7d", lang),
         t("briefing.col_change", lang), t("briefing.col_per_100k", lang)),
        tuple((name, fmt_int(before, lang), fmt_int(now, lang), "+" + fmt_int(change, lang), fmt_number(rate, 1, lang))
              for name, before, now, change, rate in zip(names, rising["new_cases_prev_7d"], rising["new_cases_7d"],
                                                         rising["change"], rising["cases_per_100k_7d"])),
        numeric=(False, True, True, True, True))
    chart = Chart(rising_figure(names, rising, lang), t("briefing.rising_alt", lang))
    return Slide("rising", title, (table, chart), sources, column_widths=(1.25, 1.0))


def rising_figure(names: pd.Series, rising: pd.DataFrame, lang: str):
    """Cases in the last 7 days against the 7 days before, one pair of bars per district."""
    before, now = t("briefing.col_prev_7d", lang), t("briefing.col_7d", lang)
    data = pd.concat([pd.DataFrame({"district": names.to_numpy(), "series": name, "cases": rising[column].to_numpy()})
                      for name, column in ((before, "new_cases_prev_7d"), (now, "new_cases_7d"))])
    palette = [Series("", before, COLORS["estimated"]), Series("", now, COLORS["avg"])]
    chart = alt.Chart(data).mark_bar().encode(
        y=alt.Y("district:N", title=None, sort=list(names), axis=alt.Axis(labelLimit=320)),
        yOffset=alt.YOffset("series:N", sort=[before, now]),
        x=alt.X("cases:Q", title=None, axis=alt.Axis(format=",d", grid=True)),
        color=series_color(palette),
        tooltip=[alt.Tooltip("district:N", title=" "), alt.Tooltip("series:N", title=" "),
                 alt.Tooltip("cases:Q", title=t("common.cases", lang), format=",d")])
    return finish(chart, lang, 320)


# ---------------------------------------------------------------------------------------------- 5. capacity


def capacity_slide(c: _Context, today: pd.Series) -> Slide:
    """Beds, ICU, ventilators and oxygen of the day from the metrics frame (occupancy included)."""
    lang = c.lang
    series = db.daily_capacity(c.con, c.area, c.day - dt.timedelta(days=CAPACITY_DAYS - 1), c.day)
    title = t("briefing.capacity_title", lang)
    what = t("briefing.what_beds", lang)
    if series.empty or pd.isna(today.get("covid_beds_total")):
        return Slide("capacity", title, (_no_data(what, lang),), ((what, None),))
    origin = today["beds_origin"]

    def used_of(used: str, total: str, share: str, note_key: str) -> Figure:
        return Figure(t(f"briefing.{note_key}", lang), f"{fmt_int(today[used], lang)} / {fmt_int(today[total], lang)}",
                      origin, t("briefing.occupancy", lang, pct=fmt_pct(today[share], 0, lang)))

    tiles = Metrics((
        used_of("covid_beds_occupied", "covid_beds_total", "covid_bed_occupancy_pct", "covid_beds"),
        used_of("icu_beds_occupied", "icu_beds_staffed", "icu_occupancy_pct", "icu_beds"),
        used_of("ventilators_in_use", "ventilators", "ventilator_use_pct", "ventilators"),
        Figure(t("briefing.oxygen_supply", lang), fmt_int(today["oxygen_supply_m3_per_day"], lang), origin,
               t("briefing.m3_per_day", lang)),
    ))
    chart = Chart(capacity_figure(series.assign(beds_source=series["source"]), lang),
                  t("briefing.capacity_alt", lang, days=CAPACITY_DAYS))
    return Slide("capacity", title, (tiles, chart), ((what, origin),),
                 t("briefing.as_of_end", lang, date=fmt_date(c.day, lang)))


# ---------------------------------------------------------------------------------------------- 6. vaccination


def vaccination_slide(c: _Context, coverage: pd.DataFrame, figures: pd.Series) -> Slide:
    lang = c.lang
    title = t("briefing.vaccination_title", lang)
    what = t("briefing.what_vaccination", lang)
    if coverage.empty:
        return Slide("vaccination", title, (_no_data(what, lang),), ((what, None),))
    population_by_age = db.area_population_by_age(c.con, c.area)
    origin = figures.get("vaccinations_origin")
    targets = Metrics((
        Figure(t("overview.dose1_18plus", lang), fmt_pct(figures.get("pct_18plus_dose1"), 1, lang), origin,
               t("briefing.target", lang, pct=fmt_pct(TARGETS["adults_dose1"][TARGET_PCT], 0, lang))),
        Figure(t("overview.full_50plus", lang), fmt_pct(figures.get("pct_50plus_full"), 1, lang), origin,
               t("briefing.target", lang, pct=fmt_pct(TARGETS["over50_full"][TARGET_PCT], 0, lang))),
    ))
    bands = capped(coverage.assign(population=coverage["age_group"].map(band_population(population_by_age))))
    chart = Chart(coverage_figure(bands, lang), t("briefing.vaccination_alt", lang))
    subtitle = t("briefing.vaccination_as_of", lang, date=fmt_date(figures.get("vaccination_date"), lang))
    beyond = metrics.flag(figures.get("vaccinated_beyond_population")) or bands["beyond_population"].any()
    return Slide("vaccination", title, (targets, chart), ((what, origin),), subtitle,
                 notes=(t("overview.vaccinated_beyond_population", lang),) if beyond else ())  # why a bar stops at 100 %


def coverage_figure(bands: pd.DataFrame, lang: str):
    """Coverage of each dose in each age band (bars grouped by band, each with its value)."""
    palette = [Series(dose, t(f"briefing.dose_{dose}", lang), color) for dose, color in DOSE_COLORS.items()
               if (bands["dose"] == dose).any()]
    names = {one.column: one.name for one in palette}
    data = bands.loc[bands["dose"].isin(names), ["age_group", "dose", "coverage_pct"]].assign(
        series=lambda rows: rows["dose"].map(names),
        text=lambda rows: [fmt_pct(value, 0, lang) for value in rows["coverage_pct"]])
    base = alt.Chart(data).encode(
        x=alt.X("age_group:N", title=t("briefing.age_band", lang), axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("series:N", sort=list(names.values())),
        y=alt.Y("coverage_pct:Q", title=None, scale=alt.Scale(domain=[0, 110]), axis=percent_axis()))
    bars = base.mark_bar().encode(color=series_color(palette), tooltip=[
        alt.Tooltip("age_group:N", title=t("briefing.age_band", lang)), alt.Tooltip("series:N", title=" "),
        alt.Tooltip("text:N", title=" ")])
    return finish(alt.layer(bars, base.mark_text(baseline="bottom", dy=-2).encode(text="text:N")), lang, 320)


# ---------------------------------------------------------------------------------------------- 7. checkpoints


def checkpoints_slide(c: _Context) -> Slide | None:
    """Border gates and control posts of the day; None (no slide) for an area that has none, such as Hà Nội."""
    lang = c.lang
    title = t("briefing.checkpoints_title", lang, date=fmt_date(c.day, lang))
    what = t("briefing.what_checkpoints", lang)
    sites = operations_data.checkpoint_sites(c.con, c.area)
    counts = operations_data.checkpoint_counts(c.con, c.area, c.day - dt.timedelta(days=7), c.day)
    today = checkpoint_ops.day_summary(counts, c.day)
    if sites.empty:
        return None
    if today.empty:  # posts that were not operating that day: say so in one line
        line = t("briefing.checkpoints_silent", lang, date=fmt_date(c.day, lang), names=", ".join(sites["name"]))
        return Slide("checkpoints", title, (Bullets((line,)),), ((what, None),))
    origin = least_real(*today["source"])
    total = checkpoint_ops.total(today)
    tiles = Metrics((
        Figure(t("briefing.people_in", lang), fmt_int(total["people_in"], lang), origin),
        Figure(t("briefing.people_out", lang), fmt_int(total["people_out"], lang), origin),
        Figure(t("briefing.vehicles", lang), fmt_int(total["vehicles"], lang), origin),
        Figure(t("briefing.from_outbreak_areas", lang), fmt_int(total["from_outbreak_areas"], lang), origin,
               t("briefing.declared", lang, pct=fmt_pct(total["declared_pct"], 0, lang))),
    ))
    names = sites.set_index("checkpoint_id")["name"]
    busiest = today.sort_values("flow", ascending=False).head(TABLE_ROWS)
    table = Table(
        (t("briefing.col_checkpoint", lang), t("briefing.people_in", lang), t("briefing.people_out", lang),
         t("briefing.vehicles", lang), t("briefing.from_outbreak_areas", lang)),
        tuple((names.get(checkpoint, checkpoint), *(fmt_int(value, lang) for value in values))
              for checkpoint, *values in busiest[["checkpoint_id", "people_in", "people_out", "vehicles",
                                                  "from_outbreak_areas"]].itertuples(index=False)),
        numeric=(False, True, True, True, True))
    notes = checkpoint_ops.risk_notes(counts, c.day)
    lines = tuple(f"{names.get(note['checkpoint_id'], note['checkpoint_id'])}: {checkpoint_ops.note_text(note, lang)}"
                  for _, note in notes.head(TABLE_ROWS).iterrows()) or (t("briefing.no_risk_notes", lang),)
    return Slide("checkpoints", title, (tiles, table, Bullets(lines)), ((what, origin),),
                 t("briefing.checkpoint_count", lang, gates=fmt_int((sites["kind"] == "border_gate").sum(), lang),
                   posts=fmt_int((sites["kind"] == "control_post").sum(), lang)),
                 column_widths=(1.6, 1.0))
