"""Chốt kiểm soát, cửa khẩu: the checkpoint map, per-checkpoint tables and trends, the end-of-day report, the 95% target."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from data.db import COUNTRY, Area
from geo import shapes
from geo.checkpoints import POSITIVE_BOUNDS, checkpoint_deck, checkpoint_points
from i18n import fmt_date, fmt_int, fmt_pct, t
from operations import figures, parameters
from operations.checkpoints import (COUNTS, KINDS, catalogue, catalogue_totals, day_summary, end_of_day_report,
                                   risk_notes, target_progress, total, with_rates)
from ui import operations as ops_ui, state, url, widgets

TREND_DAYS = 60
ALL = "all"

selection = state.current()
lang, area, day = selection.lang, selection.area, selection.date
widgets.page_header("checkpoints.title", selection)
st.info(t("checkpoints.simulated_notice", lang), icon="ℹ️")

sites = ops_ui.checkpoint_sites(area)
if sites.empty:
    st.warning(t("checkpoints.none_in_area", lang))
    listed = catalogue(ops_ui.checkpoint_sites(Area(COUNTRY)))
    st.caption(t("checkpoints.catalogue", lang,
                 **{name: fmt_int(value, lang) for name, value in catalogue_totals(listed).items()}))
    counts = dict(zip(listed["province_code"], listed["border_gate"] + listed["control_post"]))
    names = dict(zip(listed["province_code"], listed["province_name"]))
    st.pills(t("checkpoints.see_province", lang), list(names), key="checkpoint_province",
             format_func=lambda code: f"{names[code]} ({fmt_int(counts[code], lang)})",
             on_change=lambda: state.pick_province(st.session_state.pop("checkpoint_province")))
    st.stop()

kinds = [ALL, *KINDS]
url.seed("kind", "kind", ALL, url.one_of(kinds))
kind = st.segmented_control(t("checkpoints.kind", lang), kinds, required=True, key="kind",
                            format_func=lambda k: t(f"checkpoints.kind_{k}", lang))
url.keep("kind", kind)
if kind != ALL:
    sites = sites[sites["kind"] == kind]
if sites.empty:
    st.warning(t("checkpoints.none_of_kind", lang))
    st.stop()
names = dict(zip(sites["checkpoint_id"], sites["name"]))

counts = ops_ui.checkpoint_counts(area, day - dt.timedelta(days=TREND_DAYS - 1), day)
counts = counts[counts["checkpoint_id"].isin(names)]
source = counts["source"].iloc[0] if len(counts) else None
today = day_summary(counts, day)
day_total = total(today)

labels = {"name": t("checkpoints.col_name", lang), "kind_name": t("checkpoints.col_kind", lang),
          "district_name": t("checkpoints.col_district", lang),
          **{c: t(f"checkpoints.col_{c}", lang) for c in
             ["people_in", "people_out", "vehicles", "from_outbreak_areas", "declared", "declared_pct", "tested",
              "positive", "positivity_pct", "quarantined"]}}
percent_decimals = {"declared_pct": 1, "positivity_pct": 2}

section, panel = widgets.sections({"day": t("checkpoints.section_day", lang), "detail": t("checkpoints.section_detail", lang)},
                                  "checkpoints_section", lang)
if section == "day":  # the day at a glance
    with panel:
        st.header(t("checkpoints.day_header", lang, date=fmt_date(day, lang)))
        st.caption(t("checkpoints.reporting", lang, reported=fmt_int(len(today), lang), total=fmt_int(len(sites), lang)))
        rows = [st.columns(4), st.columns(4)]
        for column, key in zip([*rows[0], *rows[1]], COUNTS):
            with column:
                note = None
                if key == "positive":
                    note = t("checkpoints.positivity_note", lang, pct=fmt_pct(day_total["positivity_pct"], 2, lang))
                elif key == "declared":
                    note = t("checkpoints.declared_note", lang, pct=fmt_pct(day_total["declared_pct"], 1, lang))
                ops_ui.metric(t(f"checkpoints.col_{key}", lang), fmt_int(day_total[key], lang) if len(today) else "—",
                              source, lang, note=note, alarm=key == "positive" and day_total[key] > 0)

        points = checkpoint_points(sites, today[["checkpoint_id", "flow", "positive", "tested", "from_outbreak_areas",
                                                 "quarantined", "positivity_pct"]], lang, selection.colorblind)
        shown_districts = shapes.area_units(area.level, area.code)
        st.pydeck_chart(checkpoint_deck(points, shown_districts, lang), key="checkpoint_map", height=520)
        low, mid, high = POSITIVE_BOUNDS
        st.caption(t("checkpoints.map_legend", lang, low=low, low_max=mid - 1, mid=mid, mid_max=high - 1, high=high))
        units = shapes.units(shapes.DISTRICT)
        if units.loc[units["code"].isin(shown_districts), "approximate"].any():
            st.caption(t("checkpoints.approximate_boundaries", lang))

        table = sites.merge(today, on="checkpoint_id", how="left")
        table[COUNTS] = table[COUNTS].astype("Int64")  # a site without a report leaves a gap, not a decimal point
        table["kind_name"] = table["kind"].map(lambda k: t(f"checkpoints.kind_{k}", lang))
        ops_ui.table(table, labels, "checkpoint_day_table", lang, f"chot-kiem-soat-{area.key}-{day}.csv",
                     percent_decimals, source)
else:  # one checkpoint or all: its trends, the end-of-day report, the 95% target
    with panel:
        st.header(t("checkpoints.detail_header", lang))
        options = [ALL, *names]
        url.seed("checkpoint", "checkpoint", ALL, url.one_of(options))
        if st.session_state["checkpoint"] not in options:  # another area or kind was chosen since
            st.session_state["checkpoint"] = ALL
        chosen = st.selectbox(t("checkpoints.choose", lang), options, key="checkpoint",
                              format_func=lambda c: t("checkpoints.all_checkpoints", lang) if c == ALL else names[c])
        url.keep("checkpoint", chosen)
        picked = counts if chosen == ALL else counts[counts["checkpoint_id"] == chosen]
        title = t("checkpoints.all_checkpoints", lang) if chosen == ALL else names[chosen]
        daily = with_rates(picked.groupby("date", as_index=False)[COUNTS].sum())

        left, right = st.columns(2)
        with left:
            st.subheader(t("checkpoints.flow_chart", lang))
            widgets.chart(figures.flow_chart, daily, lang, key="checkpoint_flow")
        with right:
            st.subheader(t("checkpoints.screening_chart", lang))
            widgets.chart(figures.screening_chart, daily, lang, key="checkpoint_screening")
        ops_ui.source_caption(source, lang)
        if box := widgets.folded(t("checkpoints.daily_table", lang, days=TREND_DAYS), key="checkpoint_daily_table_open"):
            with box:
                daily_labels = {"date": t("common.date", lang), **{c: labels[c] for c in labels if c in daily}}
                ops_ui.table(daily.sort_values("date", ascending=False), daily_labels, "checkpoint_daily_table", lang,
                             f"chot-kiem-soat-theo-ngay-{chosen}-{day}.csv", percent_decimals, source)

        st.subheader(t("checkpoints.report_header", lang))
        notes = risk_notes(picked, day)
        report = end_of_day_report(total(day_summary(picked, day)), notes, names, title, day, source, lang)
        with st.container(border=True):
            st.markdown(report)
        st.download_button(t("checkpoints.download_report", lang), report.encode("utf-8"),
                           file_name=f"bao-cao-cuoi-ngay-{chosen}-{day}.md", mime="text/markdown", key="report_download",
                           icon=":material/download:")
        surge_ratio = parameters()["checkpoints"]["flow_surge_ratio"] * 100
        st.caption(t("checkpoints.risk_rules", lang, ratio=fmt_pct(surge_ratio, 0, lang)))

        st.subheader(t("checkpoints.target_header", lang))
        target = parameters()["checkpoints"]["declared_target"] * 100
        progress = target_progress(picked)
        latest = progress[progress["date"] == pd.Timestamp(day)]
        cells = st.columns(3)
        if len(latest):
            latest = latest.iloc[0]
            met = latest["target_met"]
            with cells[0]:
                ops_ui.metric(t("checkpoints.col_declared_pct", lang), fmt_pct(latest["declared_pct"], 1, lang), source,
                              lang, note=t("checkpoints.target_note", lang, target=fmt_pct(target, 0, lang)),
                              alarm=latest["declared_pct"] <= target)
            with cells[1]:
                ops_ui.metric(t("checkpoints.col_tested_pct", lang), fmt_pct(latest["tested_pct"], 1, lang), source, lang,
                              note=t("checkpoints.target_note", lang, target=fmt_pct(target, 0, lang)),
                              alarm=latest["tested_pct"] <= target)
            with cells[2]:
                verdict = "no_data" if pd.isna(met) else "met" if met else "missed"
                ops_ui.metric(t("checkpoints.target_status", lang), t(f"checkpoints.target_{verdict}", lang), source, lang,
                              alarm=verdict == "missed")
        widgets.chart(figures.target_chart, progress, target, lang, key="checkpoint_target")
        st.caption(t("checkpoints.target_explained", lang, target=fmt_pct(target, 0, lang)))
