"""Truy vết, cách ly, xét nghiệm, vật tư: F0/F1/F2, quarantine and isolation, tests against PCR capacity, supplies."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from i18n import fmt_date, fmt_int, fmt_number, fmt_pct, t
from indicators import origin
from operations import figures, parameters
from operations.response import pcr_workload, with_totals
from operations.supplies import cover_text, days_of_cover
from ui import cached, operations as ops_ui, state, url, widgets

FOURTH_WAVE = dt.date(2021, 4, 27)  # the default start of cumulative counts: the wave the dashboard was built for
TEST_DAYS = 90

selection = state.current()
lang, area, day = selection.lang, selection.area, selection.date
widgets.page_header("response.title", selection)
st.info(t("common.simulated_notice", lang), icon="ℹ️")

first, _ = cached.date_range()


def a_date(text: str) -> dt.date | None:
    value = dt.date.fromisoformat(text)
    return value if first <= value else None


url.seed("since", "since", max(FOURTH_WAVE, first), a_date)
st.session_state["since"] = min(st.session_state["since"], day)  # never after the chosen day
since = st.date_input(t("response.since", lang), min_value=first, max_value=day, format="DD/MM/YYYY", key="since",
                      help=t("response.since_help", lang))
url.keep("since", since)
daily = ops_ui.response_daily(area, since - dt.timedelta(days=1), day)
if daily.empty or pd.Timestamp(daily["date"].max()).date() != day:
    st.warning(t("response.no_data", lang))
    st.stop()
frame = with_totals(daily, since)
today = frame.iloc[-1]
tracing_source, tests_source = today["tracing_source"], today["tests_source"]
f0_source = origin.of_share(float(today["observed_cases"]), float(today["new_cases"]))
f0_total_source = origin.of_share(float(frame["observed_cases"].sum()), float(frame["cum_new_cases"].iloc[-1]))
since_text = fmt_date(since, lang)
for note in cached.record_notes(area, day, day).of_cases().texts(lang):  # what the day's F0 rests on
    st.warning(note, icon="⚠️")

SECTIONS = ("tracing", "quarantine", "testing", "supplies")
section, panel = widgets.sections({name: t(f"response.{name}_header", lang) for name in SECTIONS}, "response_section", lang)
if section == "tracing":
    with panel:
        cells = st.columns(3)
        for column, (key, source) in zip(cells, [("new_cases", f0_source), ("f1_identified", tracing_source),
                                                 ("f2_identified", tracing_source)]):
            with column:
                ops_ui.metric(t(f"response.col_{key}", lang), fmt_int(today[key], lang), source, lang,
                              note=t("response.cumulative_note", lang, value=fmt_int(today[f"cum_{key}"], lang), date=since_text))
        widgets.chart(figures.tracing_chart, frame, lang, key="tracing_chart")
        st.caption(t("response.tracing_sources", lang, f0=t(f"common.source_{f0_total_source}", lang),
                     f1=t(f"common.source_{tracing_source}", lang)))
elif section == "quarantine":
    with panel:
        cells = st.columns(4)
        cumulative_source = today["cumulative_quarantine_source"]  # estimated from the present counts: simulated if they are
        for column, key in zip(cells[:2], ("centralized_quarantine", "home_isolation")):
            with column:
                ops_ui.metric(t(f"response.now_{key}", lang), fmt_int(today[key], lang), tracing_source, lang)
        for column, key in zip(cells[2:], ("centralized_quarantine", "home_isolation")):
            with column:
                ops_ui.metric(t(f"response.cum_{key}", lang), fmt_int(today[f"cum_{key}"], lang), cumulative_source, lang,
                              note=t("response.since_note", lang, date=since_text), help=t("response.cumulative_estimated", lang),
                              source_label=t(f"response.source_{cumulative_source}_from_present", lang))
        widgets.chart(figures.quarantine_chart, frame, lang, key="quarantine_chart")
        ops_ui.source_caption(tracing_source, lang)
        st.caption(t("response.cumulative_estimated", lang))
elif section == "testing":
    with panel:
        tests = pcr_workload(frame.tail(TEST_DAYS))
        latest = tests.iloc[-1]
        week = tests.tail(7)
        cells = st.columns(4)
        with cells[0]:
            ops_ui.metric(t("response.col_samples", lang), fmt_int(latest["samples"], lang), tests_source, lang,
                          note=t("response.pooled_note", lang, value=fmt_int(latest["pooled_samples"], lang)))
        with cells[1]:
            ops_ui.metric(t("response.col_pcr_reactions", lang), fmt_int(latest["pcr_reactions"], lang), tests_source, lang,
                          note=t("response.capacity_note", lang, value=fmt_int(latest["pcr_capacity"], lang),
                                 pct=fmt_pct(latest["capacity_used_pct"], 0, lang)),
                          alarm=latest["capacity_used_pct"] > 100)
        with cells[2]:
            ops_ui.metric(t("response.col_positivity_pct", lang), fmt_pct(latest["positivity_pct"], 2, lang), tests_source, lang,
                          note=t("response.positivity_week", lang,
                                 pct=fmt_pct(week["positives"].sum() / week["samples"].sum() * 100 if week["samples"].sum() else None, 2, lang)))
        with cells[3]:
            ops_ui.metric(t("response.col_positives", lang), fmt_int(latest["positives"], lang), tests_source, lang)
        widgets.chart(figures.testing_chart, tests, lang, key="testing_chart")
        widgets.chart(figures.testing_shares_chart, tests, lang, key="testing_shares_chart")
        ops_ui.source_caption(tests_source, lang)
        st.caption(t("response.pooling_note", lang, size=parameters()["testing"]["pool_size"]))
        test_labels = {"date": t("common.date", lang),
                       **{c: t(f"response.col_{c}", lang) for c in ("samples", "single_samples", "pooled_samples", "pcr_reactions",
                                                                     "pcr_capacity", "capacity_used_pct", "positives", "positivity_pct")}}
        if box := widgets.folded(t("response.testing_table", lang, days=TEST_DAYS), key="testing_table_open"):
            with box:
                ops_ui.table(tests.sort_values("date", ascending=False), test_labels, "testing_table", lang,
                             f"xet-nghiem-{area.key}-{day}.csv", {"positivity_pct": 2}, tests_source)
else:  # supplies
    with panel:
        settings = parameters()["supplies"]
        window = settings["use_window_days"]
        stock = ops_ui.supplies(area, day - dt.timedelta(days=window - 1), day)
        capacity = cached.daily_capacity(area, day, day)
        if stock.empty:
            st.warning(t("response.no_supplies", lang))
        else:
            cover = days_of_cover(stock, day, window)
            item_names = {item: t(f"response.item_{item}", lang) for item in cover["item"]}
            cover = cover.assign(item_name=cover["item"].map(item_names),
                                 unit_name=cover["unit"].map(lambda unit: t(f"response.unit_{unit}", lang)),
                                 cover_text=[t("response.no_use", lang) if pd.notna(d) and d == float("inf") else cover_text(d, lang)
                                             for d in cover["days_of_cover"]],
                                 status=[t("common.no_data", lang) if pd.isna(low) else t("response.low", lang) if low
                                         else t("response.enough", lang) for low in cover["low"]])
            labels = {"item_name": t("response.col_item", lang), "unit_name": t("response.col_unit", lang),
                      "stock": t("response.col_stock", lang), "used_per_day": t("response.col_used_per_day", lang, days=window),
                      "cover_text": t("response.col_days_of_cover", lang), "status": t("response.col_status", lang)}
            ops_ui.table(cover, labels, "supplies_table", lang, f"vat-tu-{area.key}-{day}.csv", {"stock": 0, "used_per_day": 1},
                         cover["source"].iloc[0])
            st.caption(t("response.cover_rule", lang, days=window, low=settings["low_cover_days"]))
        left, right = st.columns([3, 1])
        with left:
            if not stock.empty:
                widgets.chart(figures.cover_chart, cover, item_names, settings["low_cover_days"], lang, key="cover_chart")
        with right:
            if len(capacity):
                equipment = capacity.iloc[-1]
                ops_ui.metric(t("response.ventilators", lang),
                              f"{fmt_int(equipment['ventilators_in_use'], lang)} / {fmt_int(equipment['ventilators'], lang)}",
                              equipment["source"], lang, note=t("response.ventilators_note", lang))
