"""The shared selection (language, area, date, palette), its sidebar, and its place in the URL.

A view is shareable: `?lang=en&area=11&date=2021-05-24` reproduces it. The URL is
read once per session to seed the widgets, and rewritten on every run from them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from data.db import COUNTRY, DISTRICT, PROVINCE, Area
from data.levels import ruleset_in_force
from i18n import DEFAULT_LANG, LANGS, fmt_date, t
from ui import cached, url

ALL = ""  # the "whole country" / "whole province" choice of the area boxes


@dataclass(frozen=True)
class Selection:
    lang: str
    area: Area
    date: dt.date
    colorblind: bool = False
    province: str | None = None  # the province of the area (None for the whole country)


def lang() -> str:
    """The UI language, from the session or the URL, Vietnamese by default."""
    chosen = st.session_state.get("lang") or st.query_params.get("lang")
    return chosen if chosen in LANGS else DEFAULT_LANG


def current() -> Selection:
    """The selection the sidebar made on this run (pages call this)."""
    return st.session_state["selection"]


def pick_province(code: str) -> None:
    """Make `code` the sidebar's province, the whole of it. Called from widget callbacks, before the sidebar is drawn
    again."""
    st.session_state["province"] = code
    st.session_state["district"] = ALL


def _seed_from_url(first: dt.date, last: dt.date) -> None:
    """Copy the URL's choices into widget state once per session, ignoring anything invalid."""
    if st.session_state.get("_seeded"):
        return
    st.session_state["_seeded"] = True
    params = st.query_params
    # `unit` is the map's old parameter for its picked district, now the sidebar's district: old links still work.
    area = Area.from_key(params.get("unit") if Area.from_key(params.get("unit")).level == DISTRICT
                         else params.get("area"))
    known_provinces = set(cached.provinces()["province_code"])
    if area.level == PROVINCE and area.code in known_provinces:
        st.session_state["province"] = area.code
    elif area.level == DISTRICT:
        match = cached.districts(None).query("district_code == @area.code")
        if len(match):
            st.session_state["province"] = match["province_code"].iloc[0]
            st.session_state["district"] = area.code
    try:
        day = dt.date.fromisoformat(params.get("date", ""))
        if first <= day <= last:
            st.session_state["date"] = day
    except ValueError:
        pass
    st.session_state["colorblind"] = params.get("palette") == "cb"


def sidebar() -> Selection:
    """Render the shared sidebar and return (and remember) the selection."""
    language = lang()
    first, last = cached.date_range()
    _seed_from_url(first, last)
    st.session_state.setdefault("lang", language)
    st.session_state.setdefault("date", last)

    with st.sidebar:
        st.radio(
            t("common.language", language), options=list(LANGS), key="lang", horizontal=True,
            format_func=lambda code: t(f"common.lang_{code}", code),
        )
        language = lang()
        provinces = cached.provinces()
        province_names = dict(zip(provinces["province_code"], provinces["province_name"]))
        province = st.selectbox(
            t("common.province", language), options=[ALL, *province_names], key="province",
            format_func=lambda code: province_names.get(code) or t("common.whole_country", language),
        )
        district = None
        if province:
            districts = cached.districts(province)
            district_names = dict(zip(districts["district_code"], districts["district_name"]))
            if st.session_state.get("district") not in district_names:
                st.session_state["district"] = ALL
            district = st.selectbox(
                t("common.district", language), options=[ALL, *district_names], key="district",
                format_func=lambda code: district_names.get(code) or t("common.all_districts", language),
            )
        day = st.date_input(
            t("common.date", language), min_value=first, max_value=last,
            format="DD/MM/YYYY", key="date",
        )
        colorblind = st.toggle(t("common.colorblind", language), key="colorblind", help=t("common.colorblind_help", language))
        st.caption(t("common.data_range", language, first=fmt_date(first, language), last=fmt_date(last, language)))

    area = Area(DISTRICT, district) if district else Area(PROVINCE, province) if province else Area(COUNTRY)
    selection = Selection(language, area, day, colorblind, province or None)
    st.session_state["selection"] = selection
    _write_url(selection)
    return selection


def _write_url(selection: Selection) -> None:
    url.keep("lang", selection.lang)
    url.keep("area", selection.area.key)
    url.keep("date", selection.date)
    url.keep("palette", "cb" if selection.colorblind else None)


RULES_PARAMETER = "rules"


def _in_force_of(ruleset_ids: list[str], day: dt.date, province: str | None) -> str:
    in_force_id = ruleset_in_force(day, province)[0].id
    return in_force_id if in_force_id in ruleset_ids else ruleset_ids[0]


def ruleset_key(key: str, ruleset_ids: list[str], day: dt.date, province: str | None) -> str:
    """Session key of a page's rule-set picker, holding the rule set the level of `day` is judged under
    (data.levels.ruleset_in_force; in `province`, its own file where it has one) until the user picks one, from
    the picker (`on_change=ruleset_picked`) or a link's `rules`: every page then shows a day's level under the
    same rules, and follows the date across the day one rule set replaced another (27/01/2022)."""
    linked = key not in st.session_state.get(url.SEEDED, set())
    url.seed(key, RULES_PARAMETER, None, url.one_of(ruleset_ids))
    if linked and st.session_state[key] is not None:
        ruleset_picked(key)
    if not ruleset_was_picked(key) or st.session_state.get(key) not in ruleset_ids:
        st.session_state[key] = _in_force_of(ruleset_ids, day, province)
    return key


def ruleset_was_picked(key: str) -> bool:
    """Whether the user picked the rule set of `ruleset_key`'s picker (else it follows the date)."""
    return bool(st.session_state.get(f"_{key}_chosen"))


def ruleset_picked(key: str) -> None:
    """The picker's on_change: the user's choice stays, whatever the date."""
    st.session_state[f"_{key}_chosen"] = True


def keep_ruleset(key: str, ruleset_ids: list[str], day: dt.date, province: str | None) -> None:
    """Write the picked rule set to the URL, left out while it is the one `ruleset_key` would give."""
    url.keep(RULES_PARAMETER, st.session_state.get(key), _in_force_of(ruleset_ids, day, province))
