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
from data.db import COUNTRY, DISTRICT, Area
from geo import layers, shapes, situation, tooltips
from geo.selection import selected_code
from i18n import fmt_date, fmt_int, fmt_number, fmt_pct, t
from indicators.rulesets import list_rulesets
from ui import cached, state, widgets

weekly_levels = cached.cached(levels.weekly_levels)
week_sources = cached.cached(levels.week_sources)

DEFAULT_RULESET = "vn-2021-qd4800"
PLAY_SECONDS = 2.0
MAP_HEIGHT = 680
MAP_WIDTH = 780  # the map column's usual width in pixels: the view is fitted to this box
CASE_CURVE_WEEKS = 12
# session-state key -> URL parameter
URL_KEYS = {"map_week": "week", "map_rules": "rules", "map_unit": "unit", "map_basemap": "basemap"}


def week_text(monday: dt.date, lang: str) -> str:
    return t("map.week_range", lang, start=fmt_date(monday, lang), end=fmt_date(monday + dt.timedelta(days=6), lang))


def week_of(day: dt.date, weeks: list[dt.date]) -> dt.date:
    """The last complete week that ends on or before `day` (the first week if none does)."""
    ended = [monday for monday in weeks if monday + dt.timedelta(days=6) <= day]
    return ended[-1] if ended else weeks[0]


def seed_from_url(weeks: list[dt.date], ruleset_ids: list[str], unit_codes: set[str]) -> None:
    """Copy the URL's map choices into session state once per session, ignoring anything invalid."""
    if st.session_state.get("_map_seeded"):
        return
    st.session_state["_map_seeded"] = True
    params = st.query_params
    if params.get("rules") in ruleset_ids:
        st.session_state["map_rules"] = params["rules"]
    try:
        day = dt.date.fromisoformat(params.get("week", ""))
        monday = day - dt.timedelta(days=day.weekday())
        if monday in weeks:
            st.session_state["map_week"] = monday
            st.session_state["_map_sidebar_date"] = state.current().date  # the URL's week wins over the date
    except ValueError:
        pass
    if params.get("unit") in unit_codes:
        st.session_state["map_unit"] = params["unit"]
    st.session_state["map_basemap"] = params.get("basemap") == "1"


def follow_sidebar_date(day: dt.date, weeks: list[dt.date]) -> None:
    """Show the week of the sidebar's date on arrival and whenever that date changes."""
    if st.session_state.get("_map_sidebar_date") != day or st.session_state.get("map_week") not in weeks:
        st.session_state["map_week"] = week_of(day, weeks)
    st.session_state["_map_sidebar_date"] = day


def write_url() -> None:
    for key, parameter in URL_KEYS.items():
        value = st.session_state.get(key)
        text = value.isoformat() if isinstance(value, dt.date) else ("1" if value is True else value or None)
        if text is None:
            if parameter in st.query_params:
                del st.query_params[parameter]
        elif st.query_params.get(parameter) != text:
            st.query_params[parameter] = text


def on_map_select() -> None:
    """A click on the map picks the district (a click on the picked one, or outside, clears it)."""
    st.session_state["map_unit"] = selected_code(st.session_state.get("map_chart"))


def clear_unit() -> None:
    st.session_state["map_unit"] = None


def toggle_play(weeks: list[dt.date]) -> None:
    playing = not st.session_state.get("map_playing", False)
    st.session_state["map_playing"] = playing
    if playing and st.session_state.get("map_week") == weeks[-1]:
        st.session_state["map_week"] = weeks[0]  # play again from the start


def step_week(weeks: list[dt.date]) -> None:
    """While playing, move one week on; stop (and drop the timer with a full rerun) at the last week."""
    position = weeks.index(st.session_state["map_week"])
    if position + 1 < len(weeks):
        st.session_state["map_week"] = weeks[position + 1]
    if position + 2 >= len(weeks):
        st.session_state["map_playing"] = False
        st.rerun(scope="app")


# ------------------------------------------------------------------------------------------------ page

selection = state.current()
lang, area = selection.lang, selection.area
rulesets = {ruleset.id: ruleset for ruleset in list_rulesets() if DISTRICT in ruleset.applies_to}
districts = cached.districts(None).assign(
    code=lambda frame: frame["district_code"], name=lambda frame: frame["district_name"],
    approximate=lambda frame: frame["boundary_source"].str.startswith("approximate"))
first_day, last_day = cached.date_range()
weeks = levels.complete_weeks(first_day, last_day)

name, parent = cached.area_name(area)
st.title(t("map.title", lang, area=widgets.area_title(name, parent, lang)))
if not weeks:
    st.warning(t("map.no_weeks", lang))
    st.stop()

seed_from_url(weeks, list(rulesets), set(districts["code"]))
follow_sidebar_date(selection.date, weeks)
st.session_state.setdefault("map_rules", DEFAULT_RULESET if DEFAULT_RULESET in rulesets else next(iter(rulesets)))

view_codes = [code for code in shapes.area_units(area.level, area.code) if code in set(districts["code"])]
view_box = shapes.bounds(view_codes)
view = shapes.fit_view(view_box, MAP_WIDTH, MAP_HEIGHT)  # fixed per area: playing never moves the map
units_in_view = districts.set_index("code").loc[view_codes].reset_index()


def detail_panel(unit: str, weekly: pd.DataFrame, this_week: pd.DataFrame, week: dt.date, ruleset,
                 colorblind: bool) -> None:
    """The picked district: level, history strip, key figures, 7-day case curve and the rule's reasoning."""
    row = districts.set_index("code").loc[unit]
    level = this_week["level"].get(unit, pd.NA)
    color = situation.level_colors(pd.Series([level], dtype="Int64"), ruleset, colorblind).iloc[0]
    st.markdown(f"#### {row['name']}")
    st.caption(row["province_name"])
    st.html(situation.level_chip_html(situation.level_label(level, ruleset, lang), color))
    if row["approximate"]:
        st.caption("⚠️ " + t("map.approximate_boundary", lang))

    history = weekly.loc[weekly["district_code"] == unit, ["week", "level"]]
    history = history.assign(color=situation.level_colors(history["level"], ruleset, colorblind),
                             label=[situation.level_label(v, ruleset, lang) for v in history["level"]])
    st.caption(t("map.history", lang))
    st.plotly_chart(situation.history_strip(history, lang, week), key="map_history",
                    config={"displayModeBar": False})

    figures = this_week.loc[unit] if unit in this_week.index else pd.Series(dtype="object")
    source = sources_of(week)
    shown_figures = [
        (t("map.cases_7d", lang), fmt_int(figures.get("new_cases_7d"), lang), source["cases"]),
        (t("map.cases_per_100k", lang), fmt_number(figures.get("cases_per_100k_7d"), 1, lang), source["cases"]),
        (t("map.beds", lang), _of_total(figures, "covid_beds_occupied", "covid_beds_total", "covid_bed_occupancy_pct"),
         source["beds"]),
        (t("map.icu", lang), _of_total(figures, "icu_beds_occupied", "icu_beds_staffed", "icu_occupancy_pct"),
         source["beds"]),
        (t("map.dose1_18plus", lang), fmt_pct(figures.get("pct_18plus_dose1"), 1, lang), source["vaccinations"]),
        (t("map.full_50plus", lang), fmt_pct(figures.get("pct_50plus_full"), 1, lang), source["vaccinations"]),
    ]
    st.html(situation.figures_html(shown_figures, lang))

    week_end = week + dt.timedelta(days=6)
    daily = cached.daily_cases(Area(DISTRICT, unit), week_end - dt.timedelta(weeks=CASE_CURVE_WEEKS), week_end)
    st.caption(t("map.cases_curve", lang))
    st.plotly_chart(epicurve(daily, lang, height=230), key="map_cases", config={"displaylogo": False})

    st.caption(t("map.reasoning", lang))
    reasons = this_week["reasons"].get(unit) if unit in this_week.index else None
    st.dataframe(situation.reasoning_table(reasons, ruleset, lang), hide_index=True, key="map_reasoning")
    st.button(t("map.clear", lang), on_click=clear_unit, key="map_clear")


def sources_of(week: dt.date) -> dict[str, str]:
    """Origin of the week's cases, beds and vaccinations for the badges; a table without rows that week
    reads as simulated, never as observed."""
    sources = week_sources()
    row = sources.loc[pd.to_datetime(sources["week"]) == pd.Timestamp(week)]
    known = ("observed", "estimated", "simulated", "mixed")
    return {table: (row[table].iloc[0] if len(row) and row[table].iloc[0] in known else "simulated")
            for table in ("cases", "beds", "vaccinations")}


def _of_total(figures: pd.Series, used: str, total: str, pct: str) -> str:
    return t("map.of_total", lang, used=fmt_int(figures.get(used), lang), total=fmt_int(figures.get(total), lang),
             pct=fmt_pct(figures.get(pct), 0, lang))


def changes_list(changes: pd.DataFrame, ruleset, colorblind: bool) -> None:
    st.subheader(t("map.changes", lang))
    if changes.empty:
        st.caption(t("map.no_changes", lang))
        return
    st.caption(t("map.changes_summary", lang, up=fmt_int((changes["step"] > 0).sum(), lang),
                 down=fmt_int((changes["step"] < 0).sum(), lang)))
    names = districts.set_index("code")
    rows = changes.assign(name=names["name"].reindex(changes["code"]).to_numpy(),
                          province=names["province_name"].reindex(changes["code"]).to_numpy())
    with st.container(height=min(420, 60 + 48 * len(rows)), border=False):
        st.html(situation.changes_html(rows, ruleset, lang, colorblind))


@st.fragment(run_every=PLAY_SECONDS if st.session_state.get("map_playing") else None)
def situation_map() -> None:
    """Everything that changes with the week, rule set or click: rerun alone, fast, while playing too."""
    playing = st.session_state.get("map_playing", False)
    if playing:
        step_week(weeks)
    controls = st.columns([6, 1.3, 4, 1.6], vertical_alignment="bottom")
    with controls[0]:
        week = st.select_slider(t("map.week", lang), options=weeks, key="map_week",
                                format_func=lambda monday: week_text(monday, lang))
    with controls[1]:
        if st.button(t("map.pause" if playing else "map.play", lang), key="map_play", help=t("map.play_help", lang),
                     on_click=toggle_play, args=(weeks,), width="stretch"):
            st.rerun(scope="app")  # the play timer is set on the whole page's run
    with controls[2]:
        ruleset_id = st.selectbox(t("map.ruleset", lang), options=list(rulesets), key="map_rules",
                                  format_func=lambda key: rulesets[key].name(lang))
    with controls[3]:
        basemap = st.toggle(t("map.basemap", lang), key="map_basemap", help=t("map.basemap_help", lang))
    ruleset = rulesets[ruleset_id]

    with st.spinner(t("map.computing", lang), show_time=True):
        weekly = weekly_levels(ruleset_id)
    this_week = weekly.loc[weekly["week"] == pd.Timestamp(week)].set_index("district_code")
    previous = weekly.loc[weekly["week"] == pd.Timestamp(week - dt.timedelta(weeks=1))].set_index("district_code")
    shown = this_week.reindex(view_codes)
    colorblind = selection.colorblind

    heading = t("map.week_heading", lang, start=fmt_date(week, lang), end=fmt_date(week + dt.timedelta(days=6), lang))
    st.markdown(f"**{heading}** · {ruleset.name(lang)}")
    st.caption(t("map.legal_basis", lang, basis=ruleset.legal_basis))
    if ruleset.has_unverified:
        st.warning(t("map.unverified", lang), icon="⚠️")
    st.html(situation.legend_html(situation.legend(shown["level"], ruleset, lang, colorblind), lang))
    origin = sources_of(week)
    st.caption(t("map.sources", lang, **{table: t(f"common.source_{origin[table]}", lang) for table in origin}))
    if units_in_view["approximate"].any():
        st.caption("⚠️ " + t("map.approximate_note", lang))

    map_column, panel = st.columns([2.3, 1], gap="medium")
    unit = st.session_state.get("map_unit")
    if unit not in view_codes:
        unit = st.session_state["map_unit"] = None
    with map_column:
        colors = situation.level_colors(shown["level"], ruleset, colorblind)
        fields = tooltips.unit_tooltip_fields(units_in_view, shown, colors, ruleset, lang)
        styles = fields.assign(color=colors).reset_index()
        st.pydeck_chart(map_deck(styles, unit, heading, basemap), on_select=on_map_select, selection_mode="single-object",
                        key="map_chart", height=MAP_HEIGHT, alt=t("map.map_alt", lang))
    with panel:
        names = dict(zip(units_in_view["code"], units_in_view["name"]))
        st.selectbox(t("map.pick_unit", lang), options=sorted(view_codes, key=names.get), key="map_unit",
                     format_func=names.get, placeholder=t("map.pick_none", lang))
        if unit is None:
            st.info(t("map.detail_hint", lang), icon="👆")
        else:
            detail_panel(unit, weekly, this_week, week, ruleset, colorblind)

    if previous.empty:
        st.caption(t("map.first_week", lang))
    else:
        changes_list(situation.level_changes(shown, previous.reindex(view_codes), ruleset, lang), ruleset, colorblind)
    with st.expander(t("map.thresholds", lang)):
        st.dataframe(situation.thresholds_view(ruleset, lang), hide_index=True, key="map_thresholds")
    write_url()


def map_deck(styles: pd.DataFrame, unit: str | None, caption: str, basemap: bool):
    """The deck of the view: coloured districts, province borders, names when zoomed in, the picked outline."""
    detailed = area.level != COUNTRY
    geometries = shapes.geometries(shapes.DISTRICT, detailed)
    province_geometries = shapes.geometries(shapes.PROVINCE, detailed)
    deck_layers = [layers.unit_layer(layers.unit_features(geometries, styles)),
                   layers.border_layer(province_geometries, shapes.codes_in_box(view_box))]
    if detailed:
        labels = shapes.label_points().set_index("code").loc[view_codes]
        deck_layers.append(layers.label_layer(labels))
    deck_layers.append(layers.selected_layer(geometries.get(unit)))
    return layers.situation_deck(deck_layers, view, tooltips.tooltip(caption), basemap)


situation_map()
