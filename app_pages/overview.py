"""Tổng quan: the headline figures of the selected area and day, and a small trend.

Every figure and its origin badge is the metrics frame's (data.metrics); the level is the classified view's
(data.levels). The page computes nothing.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from charts.epicurve import epicurve
from data import levels
from data.db import PROVINCE
from data.metrics import conflicts, flag
from data.record_notes import count_shown
from geo.situation import level_chip_html
from i18n import fmt_date, fmt_int, fmt_number, fmt_pct, t, week_change
from indicators import agreement, levelstyle
from reports.text import conflict_texts
from ui import cached, state, widgets

TREND_DAYS = 90

selection = state.current()
lang, area, day = selection.lang, selection.area, selection.date

widgets.page_header("overview.title", selection)

trend_start = day - dt.timedelta(days=TREND_DAYS - 1)
recent_days = cached.area_metrics(area, trend_start, day)
today = cached.metrics_on_day(area, day)
record = cached.record_notes(area, trend_start, day)


def shown(column: str):
    return today.get(column)


for warning in conflict_texts(conflicts(recent_days.tail(7)), lang):
    st.warning(warning, icon="⚠️")
week_notes = record.within(day - dt.timedelta(days=6), day).texts(lang)  # what the week's figures rest on
for note in week_notes:
    st.warning(note, icon="⚠️")

row1 = st.columns(4)
with row1[0]:
    widgets.metric(t("overview.cases_7d", lang), fmt_int(shown("new_cases_7d"), lang), shown("cases_7d_origin"), lang,
                   delta=week_change(shown("cases_wow_change_pct"), shown("new_cases_prev_7d"), shown("new_cases_7d"), lang))
with row1[1]:
    widgets.metric(t("overview.cases_per_100k", lang), fmt_number(shown("cases_per_100k_7d"), 1, lang),
                   shown("cases_per_100k_7d_origin"), lang)
with row1[2]:
    widgets.metric(t("overview.deaths_7d", lang), *count_shown(shown("new_deaths_7d"), shown("deaths_7d_origin"), lang),
                   lang)
with row1[3]:
    widgets.metric(t("overview.dose1_18plus", lang), fmt_pct(shown("pct_18plus_dose1"), 1, lang),
                   shown("pct_18plus_dose1_origin"), lang)

row2 = st.columns(4)
with row2[0]:
    widgets.metric(t("overview.in_treatment", lang), fmt_int(shown("in_treatment"), lang), shown("load_origin"), lang)
with row2[1]:
    widgets.metric(t("overview.oxygen", lang), fmt_int(shown("oxygen"), lang), shown("load_origin"), lang)
with row2[2]:
    widgets.metric(t("overview.icu", lang), fmt_int(shown("icu"), lang), shown("load_origin"), lang)
with row2[3]:
    widgets.metric(t("overview.full_50plus", lang), fmt_pct(shown("pct_50plus_full"), 1, lang),
                   shown("pct_50plus_full_origin"), lang)
if pd.notna(shown("vaccination_date")):
    st.caption(t("overview.vaccination_as_of", lang, date=fmt_date(shown("vaccination_date"), lang)))
else:
    st.caption(t("overview.no_vaccination", lang))
if flag(shown("vaccinated_beyond_population")):
    st.caption(t("overview.vaccinated_beyond_population", lang))

ruleset, rules_in_force = levels.ruleset_in_force(day, selection.province)
recent = cached.recent_levels(area, day, ruleset.id)
if len(recent):
    now, before = recent.iloc[-1], recent.iloc[0] if len(recent) > 1 else None
    week = f"{fmt_date(now['week'], lang)} – {fmt_date(now['week_end'], lang)}"
    with st.container(border=True):
        st.html(f"<div style='font-size:1.15rem'>{t('overview.level_this_week', lang, week=week)} "
                + level_chip_html(levelstyle.label(now["level"], ruleset, lang),
                                  levelstyle.color(now["level"], ruleset, selection.colorblind)) + "</div>")
        if before is not None:
            st.caption(t("overview.level_last_week", lang, level=levelstyle.label(before["level"], ruleset, lang))
                       + " · " + ruleset.name(lang) + " · "
                       + t("metrics.level_rests_on", lang, origin=widgets.origin_text(now["inputs_origin"], lang)))
        if area.level == PROVINCE:
            for published in agreement.resting_on(cached.announced_levels(), ruleset, now["week"], area.code).itertuples():
                st.caption(t("overview.announced", lang, level=levelstyle.label(published.level, ruleset, lang),
                             date=fmt_date(published.announced_date, lang), url=published.source_url)
                           + ("" if published.level == now["level"] else " " + t("overview.announced_differs", lang)))
        if not rules_in_force:
            st.caption(t("report.levels_before_128", lang, ruleset=ruleset.name(lang),
                         date=fmt_date(levels.first_rules_date(), lang)))
        if ruleset.has_unverified:
            st.warning(ruleset.unverified_warning(lang), icon="⚠️")
st.page_link("app_pages/map.py", label=t("overview.see_levels", lang), icon=":material/map:")

st.subheader(t("overview.trend_title", lang))
widgets.chart(epicurve, recent_days, lang, record=record, key="overview_epicurve")
widgets.record_notes([note for note in record.texts(lang) if note not in week_notes], lang)
st.info(t("common.simulated_notice", lang), icon="ℹ️")
