"""Tổng quan: the headline figures of the selected area and day, and a small trend."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from charts.epicurve import epicurve
from i18n import fmt_date, fmt_int, fmt_number, fmt_pct, fmt_signed_pct, t
from geo.situation import level_chip_html, level_colors, level_label
from indicators.headline import headline
from indicators.rulesets import DEFAULT_RULESET, load_ruleset
from ui import cached, state, widgets

selection = state.current()
lang, area, day = selection.lang, selection.area, selection.date

widgets.page_header("overview.title", selection)

daily = cached.daily_cases(area, day - dt.timedelta(days=120), day)
figures = headline(daily, cached.area_population(area), day,
                   cached.vaccination_coverage(area, day), cached.area_population_by_age(area),
                   is_district=area.level == "district")

row1 = st.columns(4)
with row1[0]:
    widgets.metric(t("overview.cases_7d", lang), fmt_int(figures.cases_7d, lang), figures.cases_source, lang,
                   delta=f"{fmt_signed_pct(figures.change_pct, 0, lang)} {t('overview.change_vs_last_week', lang)}")
with row1[1]:
    widgets.metric(t("overview.cases_per_100k", lang), fmt_number(figures.cases_per_100k_7d, 1, lang),
                   figures.cases_source, lang)
with row1[2]:
    widgets.metric(t("overview.deaths_7d", lang), fmt_int(figures.deaths_7d, lang), "estimated" if area.level == "district" else "observed",
                   lang)
with row1[3]:
    widgets.metric(t("overview.dose1_18plus", lang), fmt_pct(figures.pct_18plus_dose1, 1, lang), "simulated", lang)

row2 = st.columns(4)
with row2[0]:
    widgets.metric(t("overview.in_treatment", lang), fmt_int(figures.in_treatment, lang), "simulated", lang)
with row2[1]:
    widgets.metric(t("overview.oxygen", lang), fmt_int(figures.oxygen, lang), "simulated", lang)
with row2[2]:
    widgets.metric(t("overview.icu", lang), fmt_int(figures.icu, lang), "simulated", lang)
with row2[3]:
    widgets.metric(t("overview.full_50plus", lang), fmt_pct(figures.pct_50plus_full, 1, lang), "simulated", lang)
if figures.vaccination_date:
    st.caption(t("overview.vaccination_as_of", lang, date=fmt_date(figures.vaccination_date, lang)))
else:
    st.caption(t("overview.no_vaccination", lang))

ruleset = load_ruleset(DEFAULT_RULESET)
recent = cached.area_recent_levels(area, day, ruleset.id)
if len(recent):
    colors = level_colors(recent["level"], ruleset, selection.colorblind)
    now, before = recent.iloc[-1], recent.iloc[0] if len(recent) > 1 else None
    week = f"{fmt_date(now['week_start'], lang)} – {fmt_date(now['week_start'] + dt.timedelta(days=6), lang)}"
    with st.container(border=True):
        st.html(f"<div style='font-size:1.15rem'>{t('overview.level_this_week', lang, week=week)} "
                + level_chip_html(level_label(now["level"], ruleset, lang), colors.iloc[-1]) + "</div>")
        if before is not None:
            st.caption(t("overview.level_last_week", lang, level=level_label(before["level"], ruleset, lang))
                       + " · " + ruleset.name(lang) + " · " + t(f"common.source_{now['inputs_source']}", lang))
st.page_link("app_pages/map.py", label=t("overview.see_levels", lang), icon=":material/map:")

st.subheader(t("overview.trend_title", lang))
st.plotly_chart(epicurve(daily.tail(90), lang), key="overview_epicurve", config={"displaylogo": False})
st.info(t("common.simulated_notice", lang), icon="ℹ️")
