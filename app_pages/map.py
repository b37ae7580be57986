"""Bản đồ cấp độ dịch: the districts of the selected area coloured by the level the chosen rule set gives
for the chosen week, why (tooltip, detail panel), what changed since the previous week, and time (slider,
play). Week, rule set, selected district and basemap live in the URL, so a link reproduces the view.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from charts.epicurve import epicurve
from data import levels
from data.db import DISTRICT, PROVINCE, Area
from data.spreadsheet_safe import csv_bytes, excel_bytes
from geo import situation, view
from i18n import fmt_date, fmt_int, fmt_number, fmt_pct, t
from indicators import agreement, levelstyle
from indicators.levels_table import announced_beside, levels_table
from indicators.rulesets import RuleSet, list_rulesets
from ui import cached, state, widgets
from ui.map_state import (PLAY_SECONDS, follow_sidebar_date, on_map_select, on_unit_box, pick_unit, seed_from_url,
                          step_week, toggle_play, write_url)

MAP_HEIGHT = 720
MAP_WIDTH = 680  # the map column's width in pixels on a 1440-pixel screen: the camera is fitted to this box
CASE_CURVE_WEEKS = 12
# The most severe changes listed under the map; the rest are counted (every row is in the table of levels).
CHANGES_LISTED = 12


@st.cache_data(ttl=300, show_spinner=False)
def district_rulesets() -> dict[str, RuleSet]:
    """The rule sets that grade districts, by id (files re-read every few minutes, not on every rerun)."""
    return {ruleset.id: ruleset for ruleset in list_rulesets() if DISTRICT in ruleset.applies_to}


def sources_of(week: dt.date) -> dict[str, str | None]:
    """Origin of the week's cases, beds and vaccinations over the districts (the stored metrics frame); None for a
    group without figures that week (no vaccination before 8/3/2021), which reads as "no data"."""
    return cached.week_origins(week)


# ------------------------------------------------------------------------------------------ page

selection = state.current()
lang, area, colorblind = selection.lang, selection.area, selection.colorblind
rulesets = {key: ruleset for key, ruleset in district_rulesets().items() if ruleset.judges(selection.province)}
districts = cached.districts(None).assign(
    code=lambda frame: frame["district_code"], name=lambda frame: frame["district_name"],
    approximate=lambda frame: frame["boundary_source"].str.startswith("approximate"))
first_day, last_day = cached.date_range()
weeks = levels.complete_weeks(first_day, last_day)

widgets.page_header("map.title", selection, as_of=False)
if not weeks:
    st.warning(t("map.no_weeks", lang))
    st.stop()

seed_from_url(weeks, selection.date)
follow_sidebar_date(selection.date, weeks)
province_of = dict(zip(districts["code"], districts["province_code"]))
# The sidebar's district is the map's picked district, shown within its province.
picked = area.code if area.level == DISTRICT else None
shown_area = Area(PROVINCE, province_of[picked]) if picked in province_of else area
area_view = view.area_view(shown_area.level, shown_area.code, set(districts["code"]), MAP_WIDTH, MAP_HEIGHT)
units_in_view = districts.set_index("code").loc[list(area_view.codes)].reset_index()
names = dict(zip(units_in_view["code"], units_in_view["name"]))


def detail_panel(unit: str, this_week: pd.DataFrame, week: dt.date, ruleset: RuleSet) -> None:
    """The picked district beside the map: level, history strip and key figures."""
    row = units_in_view.set_index("code").loc[unit]
    level = this_week["level"].get(unit, pd.NA)
    color = levelstyle.color(level, ruleset, colorblind)
    st.markdown(f"#### {row['name']}")
    st.caption(row["province_name"])
    st.html(situation.level_chip_html(levelstyle.label(level, ruleset, lang), color))
    announced = cached.announced_district_levels()
    resting = agreement.resting_on(announced[announced["district_code"] == unit], ruleset, week)
    for published in agreement.made_under(resting, ruleset).itertuples():
        st.caption(t("map.announced_district", lang, level=levelstyle.label(published.level, ruleset, lang),
                     date=fmt_date(published.announced_date, lang), url=published.source_url))
    if row["approximate"]:
        st.caption("⚠️ " + t("map.approximate_boundary", lang))

    if state.ruleset_was_picked("map_rules"):
        history = cached.level_history(ruleset.id, Area(DISTRICT, unit))
        history = history.assign(color=levelstyle.colors(history["level"], ruleset, colorblind),
                                 label=levelstyle.labels(history["level"], ruleset, lang))
    else:  # as the map's default: each week under the rules in force when it ended
        history = cached.level_history_in_force(Area(DISTRICT, unit))
        history = history.assign(color=levelstyle.colors_by(history["level"], history["ruleset_id"], rulesets,
                                                            colorblind),
                                 label=levelstyle.labels_by(history["level"], history["ruleset_id"], rulesets, lang))
    st.caption(t("map.history", lang))
    widgets.chart(situation.history_strip, history, lang, week, key="map_history")

    figures = this_week.loc[unit] if unit in this_week.index else pd.Series(dtype="object")
    origin = {group: figures.get(f"{column}_origin") or fallback for (group, column), fallback in
              zip((("cases", "cases_7d"), ("beds", "beds"), ("vaccinations", "vaccinations")),
                  sources_of(week).values())}

    def of_total(used: str, total: str, pct: str) -> str:
        return t("map.of_total", lang, used=fmt_int(figures.get(used), lang),
                 total=fmt_int(figures.get(total), lang), pct=fmt_pct(figures.get(pct), 0, lang))

    st.html(situation.figures_html([
        (t("map.cases_7d", lang), fmt_int(figures.get("new_cases_7d"), lang), origin["cases"]),
        (t("map.cases_per_100k", lang), fmt_number(figures.get("cases_per_100k_7d"), 1, lang), origin["cases"]),
        (t("map.beds", lang), of_total("covid_beds_occupied", "covid_beds_total", "covid_bed_occupancy_pct"),
         origin["beds"]),
        (t("map.icu", lang), of_total("icu_beds_occupied", "icu_beds_staffed", "icu_occupancy_pct"), origin["beds"]),
        (t("map.dose1_18plus", lang), fmt_pct(figures.get("pct_18plus_dose1"), 1, lang), origin["vaccinations"]),
        (t("map.full_50plus", lang), fmt_pct(figures.get("pct_50plus_full"), 1, lang), origin["vaccinations"]),
    ], lang))

    st.button(t("map.clear", lang), on_click=pick_unit, args=(None,), key="map_clear")


def detail_below(unit: str, this_week: pd.DataFrame, week: dt.date, ruleset: RuleSet) -> None:
    """The picked district under the map, where there is room: 12-week case curve and the rule's reasoning."""
    curve, reasoning = st.columns([1, 1.4], gap="medium")
    week_end = week + dt.timedelta(days=6)
    with curve:
        daily = cached.area_metrics(Area(DISTRICT, unit), week_end - dt.timedelta(weeks=CASE_CURVE_WEEKS), week_end)
        st.caption(t("map.cases_curve", lang) + f" — {names[unit]}")
        widgets.chart(epicurve, daily, lang, height=260, key="map_cases")
    with reasoning:
        st.caption(t("map.reasoning", lang) + f" — {names[unit]}")
        reasons = this_week["reasons"].get(unit) if unit in this_week.index else None
        st.dataframe(situation.reasoning_table(reasons, ruleset, lang), hide_index=True, key="map_reasoning",
                     width="stretch")


def all_levels_table(week: dt.date, ruleset: RuleSet) -> None:
    """Every district's level this week, sortable and filterable, with the rows `python -m data levels`
    writes as CSV and Excel downloads (one function, indicators.levels_table, builds both).

    For the whole country it opens on request: its 705 rows with their reasons would be sent again with every
    move of the week slider."""
    st.subheader(t("map.table", lang))
    if not st.toggle(t("map.table_show", lang), value=area.level != "country", key="map_table_show"):
        return
    everything = levels_table(cached.levels_of_weeks(ruleset.id, week), week,
                              dict(zip(districts["code"], districts["name"])), ruleset, lang)
    filters = st.columns([2, 2, 1.4], vertical_alignment="bottom")
    with filters[0]:
        text = st.text_input(t("map.table_filter", lang), key="map_table_filter",
                             placeholder=t("map.table_filter_hint", lang))
    with filters[1]:
        numbers = sorted(level.number for level in ruleset.levels)
        chosen = st.multiselect(t("map.table_levels", lang), options=numbers, key="map_table_levels",
                                placeholder=t("map.table_levels_all", lang), format_func=lambda number: situation.short_label(ruleset.level(number).label(lang)))
    with filters[2]:
        in_view = st.toggle(t("map.table_in_view", lang), value=area.level != "country", key="map_table_in_view")
    rows = everything
    if in_view:
        rows = rows.loc[rows["code"].isin(area_view.codes)]
    if text:
        rows = rows.loc[rows["name"].str.contains(text, case=False, regex=False) | rows["code"].str.startswith(text)]
    if chosen:
        rows = rows.loc[rows["level"].isin(chosen)]
    headers = dict(zip(("code", "name", "level", "label", "change", "reasons"), t("map.table_columns", lang).split("|")))
    st.dataframe(rows[list(headers)], hide_index=True, key="map_table", width="stretch", height=380,
                 column_config={column: st.column_config.Column(label) for column, label in headers.items()}
                 | {"reasons": st.column_config.TextColumn(headers["reasons"], width="large")})
    st.caption(t("map.table_count", lang, shown=fmt_int(len(rows), lang), total=fmt_int(len(everything), lang)))
    stem = f"cap-do-{ruleset.id}-{week.isoformat()}"
    downloads = st.columns([1, 1, 4])
    # Files made on click only: the table reruns with every click on the map.
    downloads[0].download_button(t("map.download_csv", lang), lambda: csv_bytes(everything),
                                 file_name=f"{stem}.csv", mime="text/csv", key="map_table_csv", on_click="ignore")
    downloads[1].download_button(t("map.download_xlsx", lang), lambda: excel_bytes(everything),
                                 file_name=f"{stem}.xlsx", key="map_table_xlsx", on_click="ignore",
                                 mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def published_levels(week: dt.date, ruleset: RuleSet, this_week: pd.DataFrame) -> None:
    """What was announced on this week's data, beside the map's own legend: MOH's national list (provinces, and
    districts where it counted them), or the shown province's own level and its districts'."""
    province = shown_area.code if shown_area.level == PROVINCE else None
    published = agreement.resting_on(cached.announced_levels(), ruleset, week, province)
    if province is not None:  # the province's own levels, named only under the rules they were announced by
        for row in agreement.made_under(published, ruleset).itertuples():
            st.caption(t("map.announced_province", lang, level=levelstyle.label(row.level, ruleset, lang),
                         date=fmt_date(row.announced_date, lang), url=row.source_url))
        published_districts(week, ruleset, province, this_week)
        return

    def counts(by_level: dict) -> str:
        return ", ".join(t("map.announced_count", lang, level=level, count=fmt_int(count, lang))
                         for level, count in sorted(by_level.items()))

    for tally in agreement.tallies(published, cached.announced_counts()):
        districts_text = t("map.announced_districts", lang, counts=counts(tally["districts"])) if tally["districts"] else ""
        listed = agreement.made_under(published[published["announced_date"] == tally["announced_date"]], ruleset)
        compared = against_map(week, ruleset, listed).dropna(subset=["level"])  # provinces the map has a level for
        agrees = t("map.announced_list_agrees", lang, agree=fmt_int(int(compared["agrees"].sum()), lang),
                   total=fmt_int(len(compared), lang)) if len(compared) else ""
        st.caption(t("map.announced_list", lang, date=fmt_date(tally["announced_date"], lang),
                     provinces=counts(tally["provinces"]), districts=districts_text, agrees=agrees,
                     url=tally["source_url"]))
    provinces_own(week, ruleset, agreement.made_under(agreement.own_announcements(published), ruleset))
    graded = agreement.made_under(published, ruleset)
    if not graded.empty:
        announced_comparison(week, ruleset, graded)


def announced_comparison(week: dt.date, ruleset: RuleSet, published: pd.DataFrame) -> None:
    """The province levels announced on this week's data (MOH's lists and the provinces' own) beside the map's,
    with the reasons and inputs each rests on, those that differ first, each with its source, and a CSV: where the
    record and the dashboard part, and why. On request (a folded table): 63 rows of reasons would otherwise ride on
    every move of the week slider."""
    box = widgets.folded(t("map.announced_table", lang), key="map_announced_open")
    if box is None:
        return
    provinces = cached.provinces()
    names = dict(zip(provinces["province_code"], provinces["province_name"]))
    table = levels_table(cached.levels_of_weeks(ruleset.id, week, PROVINCE), week, names, ruleset, lang)
    rows = announced_beside(against_map(week, ruleset, published), table)
    headers = dict(zip(("announced_date", "name", "announced", "level", "agrees", "reasons", "source_url"),
                       t("map.announced_table_columns", lang).split("|")))
    shown = rows[list(headers)].assign(announced_date=rows["announced_date"].map(lambda day: fmt_date(day, lang)))
    box.dataframe(shown, hide_index=True, key="map_announced_table", width="stretch", height=380,
                  column_config={column: st.column_config.Column(label) for column, label in headers.items()}
                  | {"agrees": st.column_config.CheckboxColumn(headers["agrees"]),
                     "reasons": st.column_config.TextColumn(headers["reasons"], width="large"),
                     "source_url": st.column_config.LinkColumn(headers["source_url"],
                                                               display_text=t("map.announced_table_source", lang))})
    box.download_button(t("map.download_csv", lang), lambda: csv_bytes(rows), on_click="ignore", mime="text/csv",
                        file_name=f"cong-bo-{ruleset.id}-{week.isoformat()}.csv", key="map_announced_csv")


def against_map(week: dt.date, ruleset: RuleSet, published: pd.DataFrame) -> pd.DataFrame:
    """Announced province levels (`resting_on` rows of this week) beside the provinces' stored levels of the week:
    agreement.compare_stored rows (announced, level, agrees)."""
    stored = cached.week_levels(ruleset.id, week, PROVINCE).reset_index()[["unit_code", "level"]].assign(week=week)
    return agreement.compare_stored(stored, published.rename(columns={"province_code": "unit_code"}), ruleset)


def provinces_own(week: dt.date, ruleset: RuleSet, published: pd.DataFrame) -> None:
    """The provinces that announced their own level on this week's data (not on a national list), against the
    provinces' stored levels: how many agree, each with its source, so the country's map shows the record beside it."""
    if published.empty:
        return
    compared = against_map(week, ruleset, published)

    def listed(rows: pd.DataFrame, key: str) -> str:
        return ", ".join(t(key, lang, name=row.province_name, url=row.source_url, date=fmt_date(row.announced_date, lang),
                           announced=row.announced, level=row.level if pd.notna(row.level) else "—")
                         for row in rows.itertuples())

    differ = compared[~compared["agrees"]]
    parts = [listed(compared[compared["agrees"]], "map.announced_own_agrees"),
             t("map.announced_own_differ", lang, units=listed(differ, "map.announced_own_differs")) if len(differ) else ""]
    st.caption(t("map.announced_own", lang, agree=fmt_int(int(compared["agrees"].sum()), lang),
                 total=fmt_int(len(compared), lang), units="; ".join(part for part in parts if part)))


def published_districts(week: dt.date, ruleset: RuleSet, province: str, this_week: pd.DataFrame) -> None:
    """The district levels the province announced on this week's data, against the map's: how many agree, and
    each that differs, so a committee sees where its own list and the dashboard part."""
    announced = cached.announced_district_levels().rename(columns={"district_code": "unit_code"})
    published = agreement.made_under(agreement.resting_on(announced, ruleset, week, province), ruleset)
    stored = this_week.reset_index()[["unit_code", "level"]].assign(week=week)
    for (day, url), rows in published.groupby(["announced_date", "source_url"], sort=False):
        compared = agreement.compare_stored(stored, rows, ruleset)
        differ = compared[~compared["agrees"]]
        units = ", ".join(t("map.announced_district_unit", lang, name=row.district_name, announced=row.announced,
                            level=row.level if pd.notna(row.level) else "—") for row in differ.itertuples())
        st.caption(t("map.announced_district_levels", lang, date=fmt_date(day, lang),
                     agree=fmt_int(int(compared["agrees"].sum()), lang), total=fmt_int(len(compared), lang),
                     differ=t("map.announced_district_differ", lang, units=units) if units else "", url=url))


def changes_list(changes: pd.DataFrame, ruleset: RuleSet) -> None:
    """The districts whose level rose or fell since the previous week, most severe first."""
    st.subheader(t("map.changes", lang))
    if changes.empty:
        st.caption(t("map.no_changes", lang))
        return
    st.caption(t("map.changes_summary", lang, up=fmt_int((changes["step"] > 0).sum(), lang),
                 down=fmt_int((changes["step"] < 0).sum(), lang)))
    provinces = units_in_view.set_index("code")["province_name"]
    listed = changes.head(CHANGES_LISTED)
    rows = listed.assign(name=listed["code"].map(names), province=listed["code"].map(provinces))
    with st.container(height=min(440, 40 + 56 * len(rows)), border=False):
        st.html(situation.changes_html(rows, ruleset, lang, colorblind))
    if len(changes) > len(listed):
        st.caption(t("map.changes_more", lang, n=fmt_int(len(changes) - len(listed), lang)))


@st.fragment(run_every=PLAY_SECONDS if st.session_state.get("map_playing") else None)
def situation_map() -> None:
    """Everything that changes with the week, rule set or a click: reruns alone, fast, also while playing."""
    playing = st.session_state.get("map_playing", False)
    if playing:
        step_week(weeks)
    controls = st.columns([6, 1.3, 1.9], vertical_alignment="bottom")
    with controls[0]:
        week = st.select_slider(t("map.week", lang), options=weeks, key="map_week",
                                format_func=lambda monday: t("map.week_range", lang, start=fmt_date(monday, lang),
                                                             end=fmt_date(monday + dt.timedelta(days=6), lang)))
    with controls[1]:
        if st.button(t("map.pause" if playing else "map.play", lang), key="map_play", help=t("map.play_help", lang),
                     on_click=toggle_play, args=(weeks,), width="stretch"):
            st.rerun(scope="app")  # the play timer belongs to the whole page's run
    with controls[2]:
        basemap = st.toggle(t("map.basemap", lang), key="map_basemap", help=t("map.basemap_help", lang))
    # The rule set's full name on a row of its own: cut short, two rule sets read alike. Unless picked, the one
    # in force at the week's end.
    week_end = week + dt.timedelta(days=6)
    ruleset_id = st.columns([3, 1])[0].selectbox(t("map.ruleset", lang), options=list(rulesets),
                                                 key=state.ruleset_key("map_rules", list(rulesets), week_end,
                                                                        selection.province),
                                                 on_change=state.ruleset_picked, args=("map_rules",),
                                                 format_func=lambda key: rulesets[key].name(lang))
    ruleset = rulesets[ruleset_id]

    this_week = cached.week_levels(ruleset_id, week)
    previous = cached.week_levels(ruleset_id, week - dt.timedelta(weeks=1))
    shown = this_week.reindex(list(area_view.codes))

    heading = t("map.week_heading", lang, start=fmt_date(week, lang), end=fmt_date(week + dt.timedelta(days=6), lang))
    st.markdown(f"**{heading}** · {ruleset.name(lang)}")
    st.caption(t("map.legal_basis", lang, basis=situation.legal_basis(ruleset, lang)))
    if ruleset.has_unverified:
        st.warning(t("map.unverified", lang), icon="⚠️")
    st.html(situation.legend_html(situation.legend(shown["level"], ruleset, lang, colorblind), lang))
    origin = sources_of(week)
    st.caption(t("map.sources", lang, **{table: widgets.origin_text(origin[table], lang) for table in origin}))
    published_levels(week, ruleset, this_week)
    if units_in_view["approximate"].any():
        st.caption("⚠️ " + t("map.approximate_note", lang))
    for note in situation.offshore_notes(area_view, names, lang):
        st.caption(note)

    if st.session_state.pop("_map_rerun_app", False):
        st.rerun(scope="app")  # a click changed the sidebar's district: draw the sidebar again too
    unit = picked if picked in names else None
    st.session_state["map_unit"] = unit
    map_column, panel = st.columns([2.3, 1], gap="medium")
    with map_column:
        styles = view.unit_styles(units_in_view, this_week, ruleset, lang, colorblind)
        st.pydeck_chart(view.map_deck(area_view, styles, unit, heading, basemap, lang), on_select=on_map_select,
                        selection_mode="single-object", key="map_chart", height=MAP_HEIGHT, alt=t("map.map_alt", lang))
    with panel:
        st.selectbox(t("map.pick_unit", lang), options=sorted(names, key=names.get), key="map_unit",
                     format_func=names.get, placeholder=t("map.pick_none", lang), on_change=on_unit_box)
        if unit is None:
            st.info(t("map.detail_hint", lang), icon=":material/touch_app:")
        else:
            detail_panel(unit, this_week, week, ruleset)
    if unit is not None:
        detail_below(unit, this_week, week, ruleset)

    if previous.empty:
        st.caption(t("map.first_week", lang))
    else:
        changes_list(situation.level_changes(shown, previous.reindex(list(area_view.codes)), ruleset, lang), ruleset)
    all_levels_table(week, ruleset)
    if box := widgets.folded(t("map.thresholds", lang), key="map_thresholds_open"):
        box.dataframe(situation.thresholds_view(ruleset, lang), hide_index=True, key="map_thresholds")
        for line in situation.measured_as(ruleset, lang):
            box.caption(line)
    write_url()
    state.keep_ruleset("map_rules", list(rulesets), week_end, selection.province)


situation_map()
