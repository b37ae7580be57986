"""Năng lực thu dung, điều trị: beds and their occupancy, surge thresholds, days until full, the oxygen planner."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import streamlit as st

from i18n import fmt_int, fmt_number, fmt_pct, t
from operations import figures, parameters
from geo.situation import legal_basis
from indicators.rulesets import load_ruleset
from operations.capacity import SURGE_RULESET, crossing, surge_criteria, surge_table
from operations.oxygen import default_mix, plan_oxygen
from operations.projection import daily_growth, days_until_full, district_projection, doubling_days, project
from ui import cached, operations as ops_ui, state, url, widgets

HISTORY_DAYS = 120
GROWTH_MIN_PCT, GROWTH_MAX_PCT = -50.0, 100.0  # daily growth the projection accepts

selection = state.current()
lang, area, day = selection.lang, selection.area, selection.date
settings = parameters()
widgets.page_header("capacity.title", selection)
st.info(t("common.simulated_notice", lang), icon="ℹ️")

series = cached.daily_capacity(area, day - dt.timedelta(days=HISTORY_DAYS), day)
today = cached.metrics_on_day(area, day)
if series.empty or pd.isna(today.get("covid_beds_total")):
    st.warning(t("capacity.no_beds", lang))
    st.stop()
source = today["beds_origin"]
area_row = surge_table(pd.DataFrame([today])).iloc[0]
limits = {flag: criterion.thresholds[0] for flag, criterion in surge_criteria().items()}


def days_text(days: float) -> str:
    """'no end in sight', 'already full' or 'about N days'."""
    if pd.isna(days):
        return t("common.no_data", lang)
    if math.isinf(days):
        return t("capacity.not_reached", lang)
    if days == 0:
        return t("capacity.full_now", lang)
    return t("capacity.under_a_day", lang) if days < 1 else t("capacity.about_days", lang, days=fmt_int(math.floor(days), lang))


def flagged(value) -> bool:
    return bool(value) if pd.notna(value) else False


units = surge_table(cached.units_metrics(area, day))  # the beds' table and the districts' projection
units["level_name"] = units["unit_level"].map(lambda level: t(f"capacity.level_{level}", lang))

section, panel = widgets.sections({"beds": t("capacity.beds_header", lang),
                                   "projection": t("capacity.projection_header", lang),
                                   "oxygen": t("capacity.oxygen_header", lang)},
                                  "capacity_section", lang)
if section == "beds":
    with panel:
        row = st.columns([1.5, 1, 1, 1.25])  # room for "47.223 / 67.393" without cutting it off
        with row[0]:
            ops_ui.metric(t("capacity.covid_beds", lang),
                          f"{fmt_int(today['covid_beds_occupied'], lang)} / {fmt_int(today['covid_beds_total'], lang)}", source, lang,
                          note=t("capacity.occupancy", lang, pct=fmt_pct(today["covid_bed_occupancy_pct"], 0, lang)))
        with row[1]:
            ops_ui.metric(t("capacity.vacant_per_100k", lang), fmt_number(today["vacant_covid_beds_per_100k"], 1, lang), source, lang,
                          note=t("capacity.threshold_le", lang, value=fmt_number(limits["beds_surge"], 0, lang)),
                          alarm=flagged(area_row["beds_surge"]))
        with row[2]:
            ops_ui.metric(t("capacity.icu_per_100k", lang), fmt_number(today["staffed_icu_beds_per_100k"], 1, lang), source, lang,
                          note=t("capacity.threshold_lt", lang, value=fmt_number(limits["icu_surge"], 0, lang)),
                          alarm=flagged(area_row["icu_surge"]))
        with row[3]:
            ops_ui.metric(t("capacity.ventilators", lang),
                          f"{fmt_int(today['ventilators_in_use'], lang)} / {fmt_int(today['ventilators'], lang)}", source, lang,
                          note=t("capacity.in_use", lang, pct=fmt_pct(today["ventilator_use_pct"], 0, lang)))

        charts = st.columns(3)
        for column, (capacity, occupied, title) in zip(charts, [
                ("covid_beds_total", "covid_beds_occupied", "capacity.chart_beds"),
                ("icu_beds_staffed", "icu_beds_occupied", "capacity.chart_icu"),
                ("ventilators", "ventilators_in_use", "capacity.chart_ventilators")]):
            with column:
                st.subheader(t(title, lang))
                widgets.chart(figures.capacity_chart, series, capacity, occupied, lang, key=f"chart_{capacity}")
        ops_ui.source_caption(source, lang)

        st.subheader(t("capacity.surge_header", lang))
        surge_rules = load_ruleset(SURGE_RULESET)
        st.caption(t("capacity.surge_rule", lang, ruleset=surge_rules.name(lang), basis=legal_basis(surge_rules, lang),
                     beds=fmt_number(limits["beds_surge"], 0, lang), icu=fmt_number(limits["icu_surge"], 0, lang)))
        for flag in ("beds_surge", "icu_surge"):
            units[f"{flag}_text"] = [t("common.no_data", lang) if pd.isna(value) else "⚠️" if value else ""
                                     for value in units[flag]]
        unit_labels = {
            "name": t("capacity.col_name", lang), "level_name": t("capacity.col_level", lang),
            "vacant_covid_beds_per_100k": t("capacity.vacant_per_100k", lang),
            "beds_surge_text": t("capacity.col_beds_surge", lang),
            "staffed_icu_beds_per_100k": t("capacity.icu_per_100k", lang), "icu_surge_text": t("capacity.col_icu_surge", lang),
            "covid_bed_occupancy_pct": t("capacity.col_occupancy_pct", lang),
            "covid_beds_occupied": t("capacity.series_covid_beds_occupied", lang),
            "covid_beds_total": t("capacity.series_covid_beds_total", lang),
            "icu_beds_staffed": t("capacity.series_icu_beds_staffed", lang),
            "population": t("capacity.col_population", lang), "province_name": t("capacity.col_province", lang),
        }
        crossed = crossing(units)
        if crossed.empty:
            st.success(t("capacity.no_unit_crosses", lang), icon=":material/check_circle:")
        else:
            st.warning(t("capacity.units_cross", lang, count=fmt_int(len(crossed), lang)), icon="⚠️")
            ops_ui.table(crossed, unit_labels, "surge_table", lang, f"vuot-nguong-{area.key}-{day}.csv", source=source)
        if box := widgets.folded(t("capacity.all_units", lang), key="units_table_open"):
            with box:
                ops_ui.table(units, unit_labels, "units_table", lang, f"giuong-benh-{area.key}-{day}.csv", source=source)
elif section == "projection":  # days until full
    with panel:
        projection_settings = settings["projection"]
        inputs = st.columns(4)
        with inputs[0]:
            url.seed("growth_window", "growth_window", projection_settings["growth_window_days"], url.whole_number(2, 60))
            window = int(st.number_input(t("capacity.window", lang), min_value=2, max_value=60, step=1, key="growth_window",
                                         help=t("capacity.window_help", lang)))
        occupancy = series.set_index(pd.to_datetime(series["date"]))[["covid_beds_occupied", "icu_beds_occupied"]]
        measured = daily_growth(occupancy, window)
        with inputs[1]:
            url.seed("horizon", "horizon", projection_settings["horizon_days"], url.whole_number(7, 180))
            horizon = int(st.number_input(t("capacity.horizon", lang), min_value=7, max_value=180, step=7, key="horizon"))
        url.keep("growth_window", window)
        url.keep("horizon", horizon)

        st.caption(t("capacity.assumptions", lang, window=fmt_int(window, lang)))
        projections = st.columns(2)
        for column, (occupied, capacity, label) in zip(projections, [
                ("covid_beds_occupied", "covid_beds_total", "beds"), ("icu_beds_occupied", "icu_beds_staffed", "icu")]):
            with column:
                st.subheader(t(f"capacity.projection_{label}", lang))
                left, right = st.columns(2)
                measured_pct = round(float(measured[occupied]) * 100, 2) if pd.notna(measured[occupied]) else 0.0
                measured_pct = min(max(measured_pct, GROWTH_MIN_PCT), GROWTH_MAX_PCT)  # the box's own range
                # keyed by the place, day and window: a new selection starts again from the measured rate
                growth_pct = widgets.decimal_input(t("capacity.growth", lang), measured_pct, lang,
                                                   f"growth_{label}_{area.key}_{day}_{window}", GROWTH_MIN_PCT,
                                                   GROWTH_MAX_PCT, help=t("capacity.growth_help", lang,
                                                                          pct=fmt_number(measured_pct, 2, lang)),
                                                   container=left)
                added = right.number_input(t("capacity.added", lang), min_value=0, max_value=100_000, step=10, value=0,
                                           key=f"added_{label}_{area.key}")
                total = float(today[capacity]) + added
                days = float(days_until_full(today[occupied], total, growth_pct / 100))
                doubling = float(doubling_days(growth_pct / 100))
                ops_ui.metric(t("capacity.days_until_full", lang), days_text(days), source, lang,
                              note=t("capacity.doubling", lang, days=fmt_number(doubling, 1, lang)) if math.isfinite(doubling) else None,
                              alarm=days <= horizon)
                history = series[["date", occupied]].rename(columns={occupied: "occupied"}).tail(60)
                projected = project(pd.Timestamp(day), float(today[occupied]), growth_pct / 100, horizon)
                widgets.chart(figures.projection_chart, history, projected, total, lang, key=f"projection_{label}")

        if area.level != "district":
            st.subheader(t("capacity.districts_projection", lang))
            occupancy_by_district = ops_ui.district_occupancy(area, [day - dt.timedelta(days=window), day])
            names = units[units["unit_level"] == "district"].set_index("unit_code")["name"]
            soon = district_projection(occupancy_by_district, names, day, window, lang)
            labels = {"name": t("capacity.col_name", lang),
                      "occupied_beds": t("capacity.col_occupied_beds", lang), "growth_beds": t("capacity.col_growth_beds", lang),
                      "days_beds": t("capacity.col_days_beds", lang),
                      "occupied_icu": t("capacity.col_occupied_icu", lang), "growth_icu": t("capacity.col_growth_icu", lang),
                      "days_icu": t("capacity.col_days_icu", lang)}
            if soon.empty:
                st.success(t("capacity.no_district_fills", lang), icon=":material/check_circle:")
            else:
                st.caption(t("capacity.districts_projection_note", lang, window=fmt_int(window, lang)))
                ops_ui.table(soon, labels, "district_projection", lang, f"du-bao-giuong-{area.key}-{day}.csv", source=source)
else:  # the oxygen planner
    with panel:
        oxygen_settings = settings["oxygen"]
        in_treatment = float(today["in_treatment"]) if pd.notna(today.get("in_treatment")) else math.nan
        choices = [*(str(n) for n in oxygen_settings["patient_presets"]), "current", "custom"]
        url.seed("patients", "patients", choices[0], url.one_of(choices))
        picked = st.radio(t("capacity.patients", lang), choices, horizontal=True, key="patients",
                          format_func=lambda c: t("capacity.patients_current", lang, count=fmt_int(in_treatment, lang)) if c == "current"
                          else t("capacity.patients_custom", lang) if c == "custom" else fmt_int(int(c), lang))
        if picked == "custom":
            url.seed("patients_n", "patients_n", 2000, url.whole_number(0, 1_000_000))
            patients = int(st.number_input(t("capacity.patients_number", lang), min_value=0, max_value=1_000_000, step=100,
                                           key="patients_n"))
            url.keep("patients_n", patients)
        elif picked == "current":
            patients = 0 if math.isnan(in_treatment) else in_treatment
            ops_ui.source_caption(today["load_origin"], lang)
        else:
            patients = int(picked)
        url.keep("patients", picked)

        mix = default_mix()
        mix_labels = {"label": t("capacity.col_severity", lang), "share_pct": t("capacity.col_share", lang),
                      "litres_per_minute": t("capacity.col_lpm", lang), "range": t("capacity.col_range", lang),
                      "source": t("capacity.col_source", lang)}
        editable = mix.assign(label=[t(f"capacity.severity_{i}", lang) for i in mix["id"]], share_pct=mix["share"] * 100)
        st.markdown(t("capacity.mix_intro", lang))
        # whole numbers (step 1): shown without a decimal point, which Vietnamese would write as a comma
        edited = st.data_editor(
            editable[list(mix_labels)].rename(columns=mix_labels), hide_index=True, width="stretch", key=f"mix_{lang}",
            disabled=[mix_labels["label"], mix_labels["range"], mix_labels["source"]],
            column_config={mix_labels["share_pct"]: st.column_config.NumberColumn(min_value=0.0, max_value=100.0, step=1.0, format="%d"),
                           mix_labels["litres_per_minute"]: st.column_config.NumberColumn(min_value=0.0, max_value=80.0, step=1.0, format="%d"),
                           mix_labels["source"]: st.column_config.TextColumn(width="large")})
        mix = mix.assign(share=edited[mix_labels["share_pct"]].to_numpy(dtype=float) / 100,
                         litres_per_minute=edited[mix_labels["litres_per_minute"]].to_numpy(dtype=float))
        share_total = float(np.nansum(mix["share"])) * 100
        if abs(share_total - 100) > 0.05:
            st.warning(t("capacity.mix_not_100", lang, total=fmt_number(share_total, 1, lang)), icon="⚠️")

        stock = ops_ui.supplies(area, day, day).query("item == 'oxygen'")
        stock_source = stock["source"].iloc[0] if len(stock) else None
        plan = plan_oxygen(patients, mix, supply_m3_per_day=float(today["oxygen_supply_m3_per_day"]),
                           stock_m3=float(stock["stock"].iloc[0]) if len(stock) else math.nan)

        demand = st.columns(4)
        with demand[0]:
            st.metric(t("capacity.o2_lpm", lang), fmt_int(plan.litres_per_minute, lang), border=True)
        with demand[1]:
            st.metric(t("capacity.o2_m3_day", lang), fmt_int(plan.m3_per_day, lang), border=True)
        with demand[2]:
            st.metric(t("capacity.o2_cylinders", lang, litres=fmt_int(oxygen_settings["cylinder_litres"], lang)),
                      fmt_int(math.ceil(plan.cylinders_per_day), lang), border=True,
                      help=t("capacity.o2_cylinder_help", lang, m3=fmt_number(oxygen_settings["cylinder_gas_m3"], 1, lang)))
        with demand[3]:
            st.metric(t("capacity.o2_liquid", lang), fmt_int(plan.liquid_litres_per_day, lang), border=True,
                      help=t("capacity.o2_liquid_help", lang, m3=fmt_number(oxygen_settings["liquid_gas_m3_per_litre"], 2, lang)))
        st.caption(t("capacity.o2_planned", lang))

        supply = st.columns(4)
        short = plan.shortfall_m3_per_day > 0
        with supply[0]:
            ops_ui.metric(t("capacity.o2_supply", lang), fmt_int(plan.supply_m3_per_day, lang), source, lang)
        with supply[1]:
            ops_ui.metric(t("capacity.o2_shortfall", lang), fmt_int(plan.shortfall_m3_per_day, lang), source, lang,
                          note=t("capacity.o2_short_pct", lang, pct=fmt_pct(plan.shortfall_m3_per_day / plan.m3_per_day * 100, 0, lang))
                          if short else t("capacity.o2_covered", lang), alarm=short)
        with supply[2]:
            ops_ui.metric(t("capacity.o2_stock", lang), fmt_int(plan.stock_m3, lang), stock_source, lang)
        with supply[3]:
            alone = fmt_number(plan.days_of_stock_alone, 1, lang)
            ops_ui.metric(t("capacity.o2_days", lang), days_text(plan.days_of_stock) if short else t("capacity.o2_no_draw", lang),
                          stock_source, lang, alarm=short,
                          note=t("capacity.o2_days_alone" if short else "capacity.o2_no_draw_note", lang, days=alone))

        by_severity = plan.by_severity.assign(label=[t(f"capacity.severity_{i}", lang) for i in plan.by_severity["id"]],
                                              share_pct=plan.by_severity["share"] * 100)
        severity_labels = {"label": mix_labels["label"], "share_pct": mix_labels["share_pct"], "patients": t("capacity.col_patients", lang),
                           "litres_per_minute": mix_labels["litres_per_minute"], "total_lpm": t("capacity.o2_lpm", lang),
                           "m3_per_day": t("capacity.o2_m3_day", lang)}
        tank_labels = {"tank_litres": t("capacity.col_tank", lang), "tanks_per_day": t("capacity.col_tanks_per_day", lang),
                       "days_per_tank": t("capacity.col_days_per_tank", lang)}
        left, right = st.columns([3, 2])
        with left:
            ops_ui.table(by_severity, severity_labels, "oxygen_by_severity", lang, "oxy-theo-muc-do.csv",
                         {"patients": 0, "total_lpm": 0, "m3_per_day": 0})
        with right:
            ops_ui.table(plan.tanks, tank_labels, "oxygen_tanks", lang, "bon-oxy-long.csv",
                         {"tank_litres": 0, "tanks_per_day": 2, "days_per_tank": 2})
        with st.expander(t("capacity.o2_assumptions_title", lang)):
            st.markdown(t("capacity.o2_assumptions", lang,
                          m3=fmt_number(oxygen_settings["cylinder_gas_m3"], 1, lang),
                          litres=fmt_int(oxygen_settings["cylinder_litres"], lang),
                          liquid=fmt_number(oxygen_settings["liquid_gas_m3_per_litre"], 2, lang)))
            st.markdown("\n".join(f"- **{t(f'capacity.severity_{row.id}', lang)}**: {row.source}" for row in default_mix().itertuples()))
