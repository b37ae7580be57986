"""The map page's state: its settings in the URL (through ui.url), following the sidebar's date, the clicked
district, and the week player. Kept here so the page only lays the map out."""
from __future__ import annotations

import datetime as dt
import time

import streamlit as st

from geo.selection import selected_code
from ui import cached, state, url

PLAY_SECONDS = 2.0
# session-state key -> URL parameter
URL_KEYS = {"map_week": "week", "map_basemap": "basemap"}  # the rule set: ui.state.keep_ruleset


def week_of(day: dt.date, weeks: list[dt.date]) -> dt.date:
    """The last complete week that ends on or before `day` (the first week if none does)."""
    ended = [monday for monday in weeks if monday + dt.timedelta(days=6) <= day]
    return ended[-1] if ended else weeks[0]


def seed_from_url(weeks: list[dt.date], day: dt.date) -> None:
    """Copy the URL's map choices into session state once per session, ignoring anything invalid."""
    def monday(text: str) -> dt.date | None:
        linked = dt.date.fromisoformat(text)
        monday_of = linked - dt.timedelta(days=linked.weekday())
        return monday_of if monday_of in weeks else None

    first_time = "map_week" not in st.session_state.get(url.SEEDED, set())
    url.seed("map_week", "week", None, monday)
    url.seed("map_basemap", "basemap", False, url.flag)
    if first_time and st.session_state["map_week"] is not None:
        st.session_state["_map_sidebar_date"] = day  # the linked week wins over the sidebar's date


def follow_sidebar_date(day: dt.date, weeks: list[dt.date]) -> None:
    """Show the week of the sidebar's date on arrival and whenever that date changes."""
    if st.session_state.get("_map_sidebar_date") != day or st.session_state.get("map_week") not in weeks:
        st.session_state["map_week"] = week_of(day, weeks)
    st.session_state["_map_sidebar_date"] = day


def write_url() -> None:
    for key, parameter in URL_KEYS.items():
        url.keep(parameter, st.session_state.get(key) or None)  # nothing chosen, or no basemap: no parameter
    url.keep("unit", None)  # the picked district is the sidebar's `area` now (ui.state reads old links)


def pick_unit(code: str | None) -> None:
    """Make `code` the sidebar's district too (None: back to its whole province): the map and the sidebar share
    one selection. Called from widget callbacks, before the sidebar is drawn again."""
    districts = cached.districts(None)
    province_of = dict(zip(districts["district_code"], districts["province_code"]))
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
