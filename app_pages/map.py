"""Bản đồ cấp độ dịch: the districts of the selected area coloured by the level the chosen rule set gives
for the chosen week, why (tooltip, detail panel), what changed since the previous week, and time (slider,
play). Week, rule set, selected district and basemap live in the URL, so a link reproduces the view.
"""
from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import streamlit as st

from charts.epicurve import epicurve
from data import levels
from data.db import DISTRICT, PROVINCE, Area, db_path
from geo import situation, view
from geo.selection import selected_code
from i18n import fmt_date, fmt_int, fmt_number, fmt_pct, t
from indicators.levels_table import levels_table, week_origins
from indicators.rulesets import DEFAULT_RULESET, RuleSet, list_rulesets
from ui import cached, state, url, widgets

PLAY_SECONDS = 2.0
MAP_HEIGHT = 720
MAP_WIDTH = 680  # the map column's width in pixels on a 1440-pixel screen: the camera is fitted to this box
CASE_CURVE_WEEKS = 12
# session-state key -> URL parameter
URL_KEYS = {"map_week": "week", "map_rules": "rules", "map_basemap": "basemap"}

weekly_inputs = cached.cached(levels.weekly_inputs)
week_sources = cached.cached(levels.week_sources)


@st.cache_data(show_spinner=False, max_entries=16)
def weekly_levels(database: str, ruleset_id: str) -> pd.DataFrame:
    """One rule set's levels of every district and week of `database` (its path keys the cache); the inputs
    are computed once for all rule sets, so switching rule set only reclassifies them."""
    return levels.classify_weeks(weekly_inputs(), ruleset_id)


@st.cache_data(ttl=300, show_spinner=False)
def district_rulesets() -> dict[str, RuleSet]:
    """The rule sets that grade districts, by id (files re-read every few minutes, not on every rerun)."""
    return {ruleset.id: ruleset for ruleset in list_rulesets() if DISTRICT in ruleset.applies_to}


# ------------------------------------------------------------------------------------------ state and URL

def week_of(day: dt.date, weeks: list[dt.date]) -> dt.date:
    """The last complete week that ends on or before `day` (the first week if none does)."""
    ended = [monday for monday in weeks if monday + dt.timedelta(days=6) <= day]
    return ended[-1] if ended else weeks[0]


def seed_from_url(weeks: list[dt.date], ruleset_ids: list[str], day: dt.date) -> None:
    """Copy the URL's map choices into session state once per session, ignoring anything invalid."""
    if st.session_state.get("_map_seeded"):
        return
    st.session_state["_map_seeded"] = True
    params = st.query_params
    if params.get("rules") in ruleset_ids:
        st.session_state["map_rules"] = params["rules"]
    try:
        linked = dt.date.fromisoformat(params.get("week", ""))
        monday = linked - dt.timedelta(days=linked.weekday())
        if monday in weeks:
            st.session_state["map_week"] = monday
            st.session_state["_map_sidebar_date"] = day  # the linked week wins over the sidebar's date
    except ValueError:
        pass
    st.session_state["map_basemap"] = params.get("basemap") == "1"


def follow_sidebar_date(day: dt.date, weeks: list[dt.date]) -> None:
    """Show the week of the sidebar's date on arrival and whenever that date changes."""
    if st.session_state.get("_map_sidebar_date") != day or st.session_state.get("map_week") not in weeks:
        st.session_state["map_week"] = week_of(day, weeks)
    st.session_state["_map_sidebar_date"] = day


def write_url() -> None:
    for key, parameter in URL_KEYS.items():
        url.keep(parameter, st.session_state.get(key) or None)  # nothing chosen, or no basemap: no parameter
    url.keep("unit", None)  # the picked district is the sidebar's `area` now


def pick_unit(code: str | None) -> None:
    """Make `code` the district of the sidebar too (None: back to its whole province): the map and the
    sidebar share one selection. Called from widget callbacks, before the sidebar is drawn again."""
    if code in province_of:
        st.session_state["province"] = province_of[code]
    st.session_state["district"] = code or state.ALL
    st.session_state["_map_rerun_app"] = True  # the sidebar lives outside the map's fragment


def on_map_select() -> None:
    """A click on the map picks the district (a click on the picked one, or outside, clears it)."""
    pick_unit(selected_code(st.session_state.get("map_chart")))


def on_unit_box() -> None:
    pick_unit(st.session_state.get("map_unit"))


def toggle_play(weeks: list[dt.date]) -> None:
    playing = not st.session_state.get("map_playing", False)
    st.session_state["map_playing"] = playing
    if playing and st.session_state.get("map_week") == weeks[-1]:
        st.session_state["map_week"] = weeks[0]  # play again from the start


def step_week(weeks: list[dt.date]) -> None:
    """While playing, move one week on, at most once per PLAY_SECONDS whatever reruns in between;
    stop (and drop the timer with a full rerun) at the last week."""
    now = time.monotonic()
    if now - st.session_state.get("_map_stepped_at", 0.0) < PLAY_SECONDS * 0.8:
        return
    st.session_state["_map_stepped_at"] = now
    position = weeks.index(st.session_state["map_week"])
    if position + 1 < len(weeks):
        st.session_state["map_week"] = weeks[position + 1]
    if position + 2 >= len(weeks):
        st.session_state["map_playing"] = False
        st.rerun(scope="app")


def sources_of(week: dt.date) -> dict[str, str]:
    """Origin of the week's cases, beds, vaccinations and tests (indicators.levels_table.week_origins)."""
    return week_origins(week_sources(), week)


# ------------------------------------------------------------------------------------------ page

selection = state.current()
lang, area, colorblind = selection.lang, selection.area, selection.colorblind
rulesets = district_rulesets()
districts = cached.districts(None).assign(
    code=lambda frame: frame["district_code"], name=lambda frame: frame["district_name"],
    approximate=lambda frame: frame["boundary_source"].str.startswith("approximate"))
first_day, last_day = cached.date_range()
weeks = levels.complete_weeks(first_day, last_day)

widgets.page_header("map.title", selection, as_of=False)
if not weeks:
    st.warning(t("map.no_weeks", lang))
    st.stop()

seed_from_url(weeks, list(rulesets), selection.date)
follow_sidebar_date(selection.date, weeks)
st.session_state.setdefault("map_rules", DEFAULT_RULESET if DEFAULT_RULESET in rulesets else next(iter(rulesets)))
province_of = dict(zip(districts["code"], districts["province_code"]))
# The sidebar's district is the map's picked district, shown within its province.
picked = area.code if area.level == DISTRICT else None
shown_area = Area(PROVINCE, province_of[picked]) if picked in province_of else area
area_view = view.area_view(shown_area.level, shown_area.code, set(districts["code"]), MAP_WIDTH, MAP_HEIGHT)
units_in_view = districts.set_index("code").loc[list(area_view.codes)].reset_index()
names = dict(zip(units_in_view["code"], units_in_view["name"]))


def detail_panel(unit: str, weekly: pd.DataFrame, this_week: pd.DataFrame, week: dt.date, ruleset: RuleSet) -> None:
    """The picked district beside the map: level, history strip and key figures."""
    row = units_in_view.set_index("code").loc[unit]
    level = this_week["level"].get(unit, pd.NA)
    color = situation.level_colors(pd.Series([level], dtype="Int64"), ruleset, colorblind).iloc[0]
    st.markdown(f"#### {row['name']}")
    st.caption(row["province_name"])
    st.html(situation.level_chip_html(situation.level_label(level, ruleset, lang), color))
    if row["approximate"]:
        st.caption("⚠️ " + t("map.approximate_boundary", lang))

    history = weekly.loc[weekly["district_code"] == unit, ["week", "level"]]
    history = history.assign(color=situation.level_colors(history["level"], ruleset, colorblind),
                             label=[situation.level_label(number, ruleset, lang) for number in history["level"]])
    st.caption(t("map.history", lang))
    st.plotly_chart(situation.history_strip(history, lang, week), key="map_history", config={"displayModeBar": False})

    figures = this_week.loc[unit] if unit in this_week.index else pd.Series(dtype="object")
    origin = sources_of(week)

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
        daily = cached.daily_cases(Area(DISTRICT, unit), week_end - dt.timedelta(weeks=CASE_CURVE_WEEKS), week_end)
        st.caption(t("map.cases_curve", lang) + f" — {names[unit]}")
        st.plotly_chart(epicurve(daily, lang, height=260), key="map_cases", config={"displaylogo": False})
    with reasoning:
        st.caption(t("map.reasoning", lang) + f" — {names[unit]}")
        reasons = this_week["reasons"].get(unit) if unit in this_week.index else None
        st.dataframe(situation.reasoning_table(reasons, ruleset, lang), hide_index=True, key="map_reasoning",
                     width="stretch")


def all_levels_table(weekly: pd.DataFrame, week: dt.date, ruleset: RuleSet) -> None:
    """Every district's level this week, sortable and filterable, with the rows `python -m indicators levels`
    writes as CSV and Excel downloads (one function, indicators.levels_table, builds both)."""
    st.subheader(t("map.table", lang))
    everything = levels_table(weekly, week, dict(zip(districts["code"], districts["name"])), ruleset,
                              sources_of(week), lang)
    filters = st.columns([2, 2, 1.4], vertical_alignment="bottom")
    with filters[0]:
        text = st.text_input(t("map.table_filter", lang), key="map_table_filter",
                             placeholder=t("map.table_filter_hint", lang))
    with filters[1]:
        numbers = sorted(level.number for level in ruleset.levels)
        chosen = st.multiselect(t("map.table_levels", lang), options=numbers, key="map_table_levels",
                                format_func=lambda number: situation.short_label(ruleset.level(number).label(lang)))
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
    downloads[0].download_button(t("map.download_csv", lang), lambda: everything.to_csv(index=False).encode("utf-8"),
                                 file_name=f"{stem}.csv", mime="text/csv", key="map_table_csv", on_click="ignore")
    downloads[1].download_button(t("map.download_xlsx", lang), lambda: widgets.excel_bytes(everything),
                                 file_name=f"{stem}.xlsx", key="map_table_xlsx", on_click="ignore",
                                 mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def changes_list(changes: pd.DataFrame, ruleset: RuleSet) -> None:
    """The districts whose level rose or fell since the previous week, most severe first."""
    st.subheader(t("map.changes", lang))
    if changes.empty:
        st.caption(t("map.no_changes", lang))
        return
    st.caption(t("map.changes_summary", lang, up=fmt_int((changes["step"] > 0).sum(), lang),
                 down=fmt_int((changes["step"] < 0).sum(), lang)))
    provinces = units_in_view.set_index("code")["province_name"]
    rows = changes.assign(name=changes["code"].map(names), province=changes["code"].map(provinces))
    with st.container(height=min(440, 40 + 56 * len(rows)), border=False):
        st.html(situation.changes_html(rows, ruleset, lang, colorblind))


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
    # The rule set's full name on a row of its own: cut short, two rule sets read alike.
    ruleset_id = st.columns([3, 1])[0].selectbox(t("map.ruleset", lang), options=list(rulesets), key="map_rules",
                                                 format_func=lambda key: rulesets[key].name(lang))
    ruleset = rulesets[ruleset_id]

    with st.spinner(t("map.computing", lang), show_time=True):
        weekly = weekly_levels(str(db_path()), ruleset_id)
    this_week = weekly.loc[weekly["week"] == pd.Timestamp(week)].set_index("district_code")
    previous = weekly.loc[weekly["week"] == pd.Timestamp(week - dt.timedelta(weeks=1))].set_index("district_code")
    shown = this_week.reindex(list(area_view.codes))

    heading = t("map.week_heading", lang, start=fmt_date(week, lang), end=fmt_date(week + dt.timedelta(days=6), lang))
    st.markdown(f"**{heading}** · {ruleset.name(lang)}")
    st.caption(t("map.legal_basis", lang, basis=situation.legal_basis(ruleset, lang)))
    if ruleset.has_unverified:
        st.warning(t("map.unverified", lang), icon="⚠️")
    st.html(situation.legend_html(situation.legend(shown["level"], ruleset, lang, colorblind), lang))
    origin = sources_of(week)
    st.caption(t("map.sources", lang, **{table: t(f"common.source_{origin[table]}", lang) for table in origin}))
    if units_in_view["approximate"].any():
        st.caption("⚠️ " + t("map.approximate_note", lang))

    if st.session_state.pop("_map_rerun_app", False):
        st.rerun(scope="app")  # a click changed the sidebar's district: draw the sidebar again too
    unit = picked if picked in names else None
    st.session_state["map_unit"] = unit
    map_column, panel = st.columns([2.3, 1], gap="medium")
    with map_column:
        styles = view.unit_styles(units_in_view, this_week, ruleset, lang, colorblind)
        st.pydeck_chart(view.map_deck(area_view, styles, unit, heading, basemap), on_select=on_map_select,
                        selection_mode="single-object", key="map_chart", height=MAP_HEIGHT, alt=t("map.map_alt", lang))
    with panel:
        st.selectbox(t("map.pick_unit", lang), options=sorted(names, key=names.get), key="map_unit",
                     format_func=names.get, placeholder=t("map.pick_none", lang), on_change=on_unit_box)
        if unit is None:
            st.info(t("map.detail_hint", lang), icon="👆")
        else:
            detail_panel(unit, weekly, this_week, week, ruleset)
    if unit is not None:
        detail_below(unit, this_week, week, ruleset)

    if previous.empty:
        st.caption(t("map.first_week", lang))
    else:
        changes_list(situation.level_changes(shown, previous.reindex(list(area_view.codes)), ruleset, lang), ruleset)
    all_levels_table(weekly, week, ruleset)
    with st.expander(t("map.thresholds", lang)):
        st.dataframe(situation.thresholds_view(ruleset, lang), hide_index=True, key="map_thresholds")
    write_url()


situation_map()
