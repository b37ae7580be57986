"""Diễn biến dịch: curves, Rt, positivity, load and vaccination over time, compared and downloadable.

For the epidemiologists. Every filter lives in the URL (?view=rt&from=2021-05-01&compare=11,103…),
every chart downloads its data as CSV and every view its table as Parquet. The data behind each chart is
a frame of the pure `trends` package, computed once per filter and cached.
"""
from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import streamlit as st

from charts.epicurve import curve_figure, level_band_figure
from charts.rt import growth_figure, positivity_figure, rt_figure
from charts.trends import (bands_figure, capacity_figure, comparison_figure, load_figure, portal_figure,
                           small_multiples_figure, targets_figure)
from data.db import COUNTRY, COUNTRY_KEY, DISTRICT, PROVINCE
from data.spreadsheet_safe import csv_bytes
from i18n import fmt_date, fmt_int, fmt_number, fmt_pct, t
from indicators import agreement
from indicators.origin import BADGE_COLORS, least_real
from indicators.policy import number
from indicators.rt import DEFAULT_SERIAL_INTERVAL as SERIAL_INTERVAL
from indicators.rulesets import list_rulesets
from trends import compare, levels, series, vaccination, views
from ui import cached, state, url, widgets

VIEWS = ("curve", "compare", "rt", "load", "vaccination")
DEFAULT_DAYS = 180
IN_FORCE = "in-force"  # the level band's default: each week under the rule set in force when it ended


# ------------------------------------------------------------------ cached data (one frame per chart: trends.views)

trends_curve = cached.cached(views.curve)
trends_levels = cached.cached(views.level_band)
trends_levels_in_force = cached.cached(views.level_band_in_force)
trends_rt = cached.cached(views.reproduction)
trends_units = cached.cached(views.units)
trends_incidence = cached.cached(views.incidence)
trends_positivity = cached.cached(views.positivity)
trends_load = cached.cached(views.health_load)
trends_coverage = cached.cached(views.coverage)
trends_whole_population = cached.cached(views.whole_population)
trends_national = cached.cached(views.national)


# ------------------------------------------------------------------ downloads


def _csv(frame: pd.DataFrame):
    return lambda: csv_bytes(frame)


def _parquet(frame: pd.DataFrame):
    def write() -> bytes:
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        return buffer.getvalue()

    return write


def chart(name: str, frame: pd.DataFrame, figure, *args, under: tuple | None = None, **kwargs) -> None:
    """A chart, `figure(*args, **kwargs)` (widgets.chart keeps its spec), and the chart `under` it (such as its
    level band: a function and its arguments), then the button that downloads exactly the frame it draws."""
    widgets.chart(figure, *args, key=f"chart_{name}", **kwargs)
    if under is not None:
        widgets.chart(*under, key=f"chart_{name}_levels")
    st.download_button(t("common.download_csv", lang), _csv(frame), file_name=f"{name}_{slug}.csv", mime="text/csv",
                       key=f"csv_{name}", on_click="ignore", icon=":material/download:")


def filtered_table(frame: pd.DataFrame, name: str) -> None:
    """The view's table as shown, downloadable as Parquet (types kept, unlike CSV)."""
    if box := widgets.folded(t("trends.table", lang), key=f"table_open_{name}"):
        box.dataframe(frame, hide_index=True, key=f"table_{name}")
        box.download_button(t("trends.download_parquet", lang), _parquet(frame), file_name=f"{name}_{slug}.parquet",
                            mime="application/vnd.apache.parquet", key=f"parquet_{name}", on_click="ignore",
                            icon=":material/download:")


# ------------------------------------------------------------------ filters in the URL (ui.url)


def url_filter(name: str, default, parse) -> str:
    """Session key of the filter `name` (the URL parameter of the same name), seeded from the URL."""
    return url.seed(f"trends_{name}", name, default, parse)


def toggle(label: str, name: str) -> bool:
    value = st.toggle(label, key=url_filter(name, False, url.flag))
    url.keep(name, value, False)
    return value


def source_caption(text: str, source: str | None) -> None:
    """A note under a chart led by the badge of its figures' origin (the colours of ui.widgets.metric)."""
    st.caption(f":{BADGE_COLORS.get(source, 'gray')}-badge[{widgets.origin_text(source, lang)}] {text}")



# ------------------------------------------------------------------ views


def level_band() -> tuple[pd.DataFrame | None, str]:
    """The weekly levels of the area under the chosen rule set (None where it does not apply), and its name;
    unless one is picked, each week under the rule set in force when it ended (IN_FORCE)."""
    rulesets = {ruleset.id: ruleset for ruleset in list_rulesets() if ruleset.judges(selection.province)}
    chosen = st.selectbox(t("trends.ruleset", lang), options=[IN_FORCE, *rulesets],
                          format_func=lambda key: t("trends.ruleset_in_force", lang) if key == IN_FORCE
                          else rulesets[key].name(lang),
                          key=url_filter("rules", IN_FORCE, url.one_of([IN_FORCE, *rulesets])))
    url.keep("rules", chosen, IN_FORCE)
    if chosen == IN_FORCE:
        weekly = trends_levels_in_force(area, start, end)
        used = [rulesets[ruleset_id] for ruleset_id in weekly["ruleset_id"].unique()]
        name = t("trends.ruleset_in_force_named", lang, rulesets="; ".join(ruleset.name(lang) for ruleset in used))
        styles = {ruleset.id: ruleset for ruleset in used}
    else:
        used = [rulesets[chosen]]
        weekly, name, styles = trends_levels(area, chosen, start, end), used[0].name(lang), used[0]
    if any(area.level not in ruleset.applies_to for ruleset in used) or not used:
        return None, name
    for ruleset in used:
        if ruleset.has_unverified:
            st.warning(ruleset.unverified_warning(lang), icon="⚠️")
    band = levels.bands(weekly, styles, lang, selection.colorblind)
    if area.level == PROVINCE:
        announced = cached.announced_levels()
        under = agreement.announced_under(announced, area.code) or used[-1]
        band = levels.with_announced(band, agreement.announced_weeks(announced, under, area.code), under, lang,
                                     selection.colorblind)
    return band, name


def with_levels(frame: pd.DataFrame, band: pd.DataFrame | None) -> pd.DataFrame:
    """The curve's frame with the level of each day's week, so the download carries the band too."""
    if band is None:
        return frame
    week_start = frame["date"] - pd.to_timedelta(frame["date"].dt.day_of_week, unit="D")
    return frame.assign(level=week_start.map(band.set_index("week_start")["level"]).astype("Int64"))


def curve_view() -> None:
    options = st.columns([1, 1, 2])
    with options[0]:
        per_100k = toggle(t("trends.per_100k", lang), "per100k")
    with options[1]:
        log = toggle(t("trends.log", lang), "log")
    with options[2]:
        band, ruleset_name = level_band()
    cases = with_levels(trends_curve(area, "new_cases", start, end), band)
    deaths = trends_curve(area, "new_deaths", start, end)
    record = cached.record_notes(area, start, end)
    source = series.overall_source(cases["source"])
    last = cases.iloc[-1] if len(cases) else None

    week = last["cases_7d"] if last is not None else None
    week_origin = last["sum_7d_origin"] if last is not None else None  # the badge of the week's figures, not the curve's
    metrics = st.columns(3)
    with metrics[0]:
        widgets.metric(t("trends.cases_7d", lang), fmt_int(week, lang), week_origin, lang)
    with metrics[1]:
        widgets.metric(t("trends.cases_7d_per_100k", lang),
                       fmt_number(last["per_100k_7d"] if last is not None else None, 1, lang),
                       week_origin, lang)
    with metrics[2]:
        widgets.metric(*series.doubling_card(last, lang), last["growth_origin"] if last is not None else None, lang)

    st.subheader(t("trends.cases_title", lang))
    chart("cases", cases, curve_figure, cases, lang, t("common.cases", lang), per_100k=per_100k, log=log, levels=band,
          record=record, under=(level_band_figure, band, cases, lang) if band is not None and not band.empty else None)
    st.caption(t("trends.provisional_note", lang, days=series.PROVISIONAL_DAYS) + " "
               + (t("trends.level_note", lang, ruleset=ruleset_name) if band is not None
                  else t("trends.level_missing", lang))
               + (" " + t("trends.announced_note", lang)
                  if band is not None and "announced_level" in band and band["announced_level"].notna().any() else ""))
    notes = {DISTRICT: "trends.district_note", PROVINCE: "trends.published_note", COUNTRY: "trends.published_note_country"}
    source_caption(t(notes[area.level], lang), source)  # the dotted national line is drawn for the country only
    widgets.record_notes(record.of_cases().texts(lang), lang)

    st.subheader(t("trends.deaths_title", lang))
    deaths_only = deaths.drop(columns=list(series.GROWTH_COLUMNS))  # the cases' growth is the cases' table's
    if deaths["value"].notna().any():
        chart("deaths", deaths_only, curve_figure, deaths, lang, t("trends.deaths", lang), per_100k=per_100k, log=log,
              record=record, deaths=True)
    else:  # a chart of nothing but "no data" says less than one line
        st.info(t("trends.deaths_unknown", lang), icon=":material/help:")
    widgets.record_notes(record.of_deaths().texts(lang), lang)
    filtered_table(cases.merge(deaths_only, on="date", suffixes=("_cases", "_deaths")), "curve")


def compare_view() -> None:
    units = trends_units()
    labels = compare.unit_labels(units, t("common.whole_country", lang))
    parent = units.set_index("unit")["province_code"].get(area.key)
    default = [area.key] + ([parent] if area.level == DISTRICT else [COUNTRY_KEY] if area.level == PROVINCE
                            else [])
    log = toggle(t("trends.log", lang), "log")

    # Two boxes, the provinces (and the country) and the districts: typed "Hồ Chí Minh" then Enter picks every
    # option that matches, and in one box that was the city and its districts "Quận 1 (Hồ Chí Minh)"…
    levels_of = units.set_index("unit")["level"]
    boxes = {"areas": [key for key in labels.index if levels_of[key] != DISTRICT],
             "districts": [key for key in labels.index if levels_of[key] == DISTRICT]}
    chosen = []
    columns = st.columns(2)
    for column, (box, options) in zip(columns, boxes.items()):
        members = set(options)

        def known_units(text: str, members=members) -> list[str]:
            return [key for key in text.split(",") if key in members][:compare.MAX_COMPARED]

        key = url.seed(f"trends_compare_{box}", "compare", [key for key in default if key in members], known_units)
        with column:
            chosen += st.multiselect(t(f"trends.compare_{box}", lang), options=options,
                                     format_func=lambda key: labels[key], key=key,
                                     max_selections=compare.MAX_COMPARED)
    if len(chosen) > compare.MAX_COMPARED:
        st.caption(t("trends.compare_too_many", lang, n=compare.MAX_COMPARED))
        chosen = chosen[:compare.MAX_COMPARED]
    url.keep("compare", chosen, default)

    st.subheader(t("trends.compare_title", lang))
    if chosen:
        frame = trends_incidence(tuple(chosen), start, end, t("common.whole_country", lang), True)
        chart("compare", frame, comparison_figure, frame, lang, log=log)
        st.caption(t("trends.compare_note", lang))
        filtered_table(frame, "compare")
    else:
        st.info(t("trends.compare_empty", lang))

    province = area.code if area.level == PROVINCE else parent if area.level == DISTRICT else None
    members = units[(units["level"] == DISTRICT) & (units["province_code"] == province)] if province else \
        units[units["level"] == PROVINCE]
    title = t("trends.multiples_districts", lang, province=labels[province]) if province else \
        t("trends.multiples_provinces", lang)
    st.subheader(title)
    frame = trends_incidence(tuple(members["unit"]), start, end, t("common.whole_country", lang), False)
    order = compare.ranked(frame)
    chart("small_multiples", frame, small_multiples_figure, frame, order, lang,
          highlight=area.code if area.level == DISTRICT else None, columns=4 if province else 5)
    source_note = "trends.multiples_source_districts" if province else "trends.multiples_source_provinces"
    st.caption(t("trends.multiples_note", lang, date=fmt_date(end, lang), source=t(source_note, lang)))


def rt_view() -> None:
    estimate = trends_rt(area, start, end)
    cases = trends_curve(area, "new_cases", start, end)
    tests = trends_positivity(area, start, end)
    source = series.overall_source(cases["source"])
    national = trends_national(start, end) if area.level == COUNTRY else None

    reliable = estimate[estimate["reliable"].astype(bool)]
    latest = reliable.iloc[-1] if len(reliable) else None
    last_tests = tests.dropna(subset=["positivity_pct"]).iloc[-1] if tests["positivity_pct"].notna().any() else None
    metrics = st.columns(3)
    with metrics[0]:
        if latest is None:
            widgets.metric(t("trends.rt_metric_none", lang), fmt_number(None, 2, lang), source, lang)
        else:
            widgets.metric(t("trends.rt_metric", lang, date=fmt_date(latest["date"], lang)),
                           t("trends.rt_value", lang, mean=fmt_number(latest["mean"], 2, lang),
                             lower=fmt_number(latest["lower"], 2, lang), upper=fmt_number(latest["upper"], 2, lang)),
                           source, lang)
    with metrics[1]:
        last = cases.iloc[-1] if len(cases) else None
        widgets.metric(*series.doubling_card(last, lang), last["growth_origin"] if last is not None else None, lang)
    with metrics[2]:
        widgets.metric(t("trends.positivity_metric", lang),
                       fmt_pct(last_tests["positivity_pct"] if last_tests is not None else None, 1, lang),
                       least_real(*tests["source"]), lang)

    st.subheader(t("trends.rt_title", lang))
    chart("rt", estimate, rt_figure, estimate, lang, source, national)
    st.caption(t("trends.rt_note", lang, mean=fmt_number(SERIAL_INTERVAL.mean, 1, lang),
                 sd=fmt_number(SERIAL_INTERVAL.sd, 1, lang), source=SERIAL_INTERVAL.citation))
    record = cached.record_notes(area, start, end)
    widgets.record_notes(record.of_cases().texts(lang), lang)  # Rt rests on the adjusted series: say what it did

    st.subheader(t("trends.growth_title", lang))
    growth = cases[["date", "cases_7d", "cases_prev_7d", "growth_per_day", "doubling_days", "halving_days", "source"]]
    chart("growth", growth, growth_figure, growth, lang, source, selection.colorblind)
    st.caption(t("trends.growth_note", lang, least=fmt_int(number("transmission", "min_weekly_cases_for_growth"), lang)))

    st.subheader(t("trends.positivity_title", lang))
    chart("positivity", tests, positivity_figure, tests, lang)
    source_caption(t("trends.positivity_note", lang), least_real(*tests["source"]))
    table = estimate.merge(growth, on="date", how="outer").merge(tests, on="date", how="outer",
                                                                  suffixes=("_cases", "_tests"))
    filtered_table(table, "rt")


def load_view() -> None:
    frame = trends_load(area, start, end)
    if frame.empty:
        st.info(t("trends.no_data", lang))
        return
    last = frame.iloc[-1]
    metrics = st.columns(2)
    with metrics[0]:
        widgets.metric(t("trends.bed_occupancy_metric", lang), fmt_pct(last["bed_occupancy_pct"], 1, lang),
                       last["beds_source"], lang)
    with metrics[1]:
        widgets.metric(t("trends.icu_occupancy_metric", lang), fmt_pct(last["icu_occupancy_pct"], 1, lang),
                       last["beds_source"], lang)
    st.subheader(t("trends.load_title", lang))
    chart("load", frame[["date", "in_treatment", "oxygen", "icu", "patients_source"]], load_figure, frame, lang)
    st.subheader(t("trends.capacity_title", lang))
    capacity = frame[["date", "covid_beds_occupied", "covid_beds_total", "bed_occupancy_pct", "icu_beds_occupied",
                      "icu_beds_staffed", "icu_occupancy_pct", "beds_source"]]
    chart("capacity", capacity, capacity_figure, frame, lang)
    source_caption(t("trends.load_note", lang), least_real(*frame["beds_source"], *frame["patients_source"]))
    filtered_table(frame, "load")


def vaccination_view() -> None:
    coverage = trends_coverage(area, start, end)
    if coverage.empty:
        st.info(t("trends.no_data", lang))
        return
    st.subheader(t("trends.targets_title", lang))
    targets = coverage[coverage["target_pct"].notna()]
    chart("targets", targets, targets_figure, coverage, lang)
    st.caption(t("trends.targets_note", lang))
    if coverage["beyond_population"].any():
        st.caption(t("overview.vaccinated_beyond_population", lang))
    source_caption(t("trends.vaccination_simulated", lang), least_real(*coverage["source"]))

    st.subheader(t("trends.bands_title", lang))
    dose = st.segmented_control(t("trends.dose", lang), options=list(vaccination.DOSES), required=True,
                                format_func=lambda d: t(f"trends.dose_{d}", lang),
                                key=url_filter("dose", "full", url.one_of(vaccination.DOSES)))
    url.keep("dose", dose, "full")
    bands = coverage[coverage["target_pct"].isna() & (coverage["dose"] == dose)]
    chart("bands", bands, bands_figure, coverage, dose, lang)

    by_district = area.level == DISTRICT
    st.subheader(t("trends.portal_title_district" if by_district else "trends.portal_title", lang))
    whole = trends_whole_population(area, start, end)
    chart("whole_population", whole, portal_figure, whole, lang)
    st.caption(t("trends.portal_none" if by_district else "trends.portal_note", lang))
    if not (falls := vaccination.published_falls(whole)).empty:
        st.caption(vaccination.falls_text(falls, lang))
    filtered_table(coverage, "vaccination")


# ------------------------------------------------------------------ page

selection = state.current()
lang, area, end = selection.lang, selection.area, selection.date
first, _ = cached.date_range()
slug = area.key

widgets.page_header("trends.title", selection, as_of=False)

filters = st.columns([3, 1])
with filters[0]:
    view = st.segmented_control(t("trends.view", lang), options=list(VIEWS), required=True,
                                format_func=lambda v: t(f"trends.view_{v}", lang),
                                key=url_filter("view", VIEWS[0], url.one_of(VIEWS)))
    url.keep("view", view, VIEWS[0])
with filters[1]:
    default_start = max(first, end - dt.timedelta(days=DEFAULT_DAYS))
    start_key = url_filter("from", default_start, dt.date.fromisoformat)
    if not first <= st.session_state[start_key] <= end:  # the sidebar's date moved before it, or a bad link
        st.session_state[start_key] = default_start
    start = st.date_input(t("trends.from", lang), min_value=first, max_value=end, format="DD/MM/YYYY",
                          help=t("trends.from_help", lang), key=start_key)
    url.keep("from", start, default_start)
st.caption(t("trends.period", lang, start=fmt_date(start, lang), end=fmt_date(end, lang)))

{"curve": curve_view, "compare": compare_view, "rt": rt_view, "load": load_view,
 "vaccination": vaccination_view}[view]()
