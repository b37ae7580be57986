"""The daily situation report (Báo cáo tình hình dịch COVID-19) a province sends up the chain, from the database.

The usual structure: I. the situation (country, province, by district), II. tracing, III. quarantine,
IV. testing, V. border gates and control posts, VI. admission and treatment, VII. supplies, then
VIII. difficulties and IX. proposals and next steps, left blank for the author. Numbers are formatted the
Vietnamese way (1.719; 39.749), and every figure that is not observed carries a mark explained in a
footnote: (*) simulated, (**) estimated from the province's figures.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data import db, metrics, operations as operations_data, report_queries
from data.db import COUNTRY, DISTRICT, PROVINCE, Area, province_of
from i18n import fmt_date, fmt_int, fmt_pct, t
from operations import checkpoints as checkpoint_ops, parameters
from operations.supplies import days_of_cover
from indicators.origin import MARKS, least_real
from reports.model import BlankLines, Paragraph, Report, Section, Table
from reports.text import area_title, conflict_texts

UNIT_TYPE_PREFIXES = ("Thành phố ", "Tỉnh ", "Huyện ", "Thị xã ", "Thị Xã ", "Quận ")
ISSUERS = {COUNTRY: "report.issuer_country", PROVINCE: "report.issuer_province", DISTRICT: "report.issuer_district"}


class _Figures:
    """Formats figures with the mark of their origin and remembers which marks were used (for the footnotes)."""

    def __init__(self, lang: str):
        self.lang = lang
        self.used: set[str] = set()

    def mark(self, origin: str | None) -> str:
        mark = MARKS.get(origin, "")
        if mark:
            self.used.add(mark)
        return mark

    def count(self, value, origin: str | None = None) -> str:
        """'1.719', or '1.719 (*)' when simulated; '—' when missing (a missing figure gets no mark)."""
        text = fmt_int(value, self.lang)
        return f"{text} {self.mark(origin)}".rstrip() if pd.notna(value) else text

    def percent(self, part, whole, origin: str | None = None) -> str:
        """part / whole as '28,6%', marked like the figures it is made of."""
        share = part / whole * 100 if pd.notna(part) and pd.notna(whole) and whole else float("nan")
        text = fmt_pct(share, 1, self.lang)
        return f"{text} {self.mark(origin)}".rstrip() if pd.notna(share) else text

    def footnotes(self) -> tuple[str, ...]:
        keys = {"(*)": "report.footnote_simulated", "(**)": "report.footnote_estimated"}
        return tuple(t(keys[mark], self.lang) for mark in ("(*)", "(**)") if mark in self.used)


def _short_name(name: str) -> str:
    for prefix in UNIT_TYPE_PREFIXES:
        name = name.removeprefix(prefix)
    return name


def build_report(con, area: Area, day: dt.date, lang: str = "vi") -> Report:
    """The report of `area` (a province, as provinces send it; a district or the country work the same way)."""
    figures = _Figures(lang)
    title = area_title(con, area, lang)
    province = province_of(con, area)
    province_name = db.area_name(con, Area(PROVINCE, province))[0] if province else ""
    sections = (
        _situation(con, area, day, province, province_name, figures),
        *_tracing_and_quarantine(report_queries.day_totals(con, "tracing", area, day), figures),
        _testing(con, area, day, figures),
        _checkpoints(con, area, day, figures),
        _treatment(con, area, day, figures),
        _supplies(con, area, day, figures),
        Section(t("report.difficulties", lang), (BlankLines(t("report.author_lines", lang)),)),
        Section(t("report.proposals", lang), (BlankLines(t("report.author_lines", lang)),)),
    )
    place = _short_name(province_name) if province else t("report.capital", lang)
    issuer_name = db.area_name(con, area)[0].upper()
    return Report(
        issuer=(*t(ISSUERS[area.level], lang, name=issuer_name).split("\n"), t("report.number", lang)),
        motto=(t("report.motto_1", lang), t("report.motto_2", lang)),
        place_date=t("report.place_date", lang, place=place, day=day.day, month=day.month, year=day.year),
        title=t("report.title", lang),
        subtitle=t("report.subtitle", lang, area=title, date=fmt_date(day, lang)),
        sections=sections,
        footnotes=figures.footnotes(),
        closing=tuple(t("report.closing", lang).split("\n")),
    )


# ------------------------------------------------------------------------------------------ I. situation


# The day's and the running figures of the metrics frame, each with the origin it carries.
CASE_FIGURES = (("new_cases", "cases_origin"), ("cumulative_cases", "cumulative_cases_origin"),
                ("new_deaths", "deaths_origin"), ("cumulative_deaths", "cumulative_deaths_origin"))


def _cases_sentence(totals: pd.Series, figures: _Figures, first: str) -> str:
    """Cases and deaths of the day and to date (a metrics-frame row with cumulative figures)."""
    cases, cumulative_cases, deaths, cumulative_deaths = (figures.count(totals.get(c), totals.get(o))
                                                          for c, o in CASE_FIGURES)
    return t("report.cases_sentence", figures.lang, cases=cases, deaths=deaths, first=first,
             cumulative_cases=cumulative_cases, cumulative_deaths=cumulative_deaths)


def _situation(con, area: Area, day: dt.date, province: str | None, province_name: str, figures: _Figures) -> Section:
    """Cases of the country, the province and the district from the metrics frame: a province whose districts
    uploaded figures for the day shows their sum, and a warning with both numbers where the published figure
    differs."""
    lang = figures.lang
    country = metrics.on_day(con, Area(COUNTRY), day, cumulative=True)
    first = fmt_date(db.date_range(con)[0], lang)
    provinces_held = len(db.provinces(con))
    parts = [(t("report.country", lang), country)]
    if province:
        parts.append((t("report.in_area", lang, area=province_name),
                      metrics.on_day(con, Area(PROVINCE, province), day, cumulative=True)))
    local = metrics.on_day(con, area, day, cumulative=True)
    if area.level == DISTRICT:
        parts.append((t("report.in_area", lang, area=db.area_name(con, area)[0]), local))
    items = [Paragraph(f"{number}. {where}: {_cases_sentence(totals, figures, first)}")
             for number, (where, totals) in enumerate(parts, start=1)]
    items += [Paragraph(f"⚠ {text}", bullet=True)
              for text in conflict_texts(metrics.conflicts(pd.DataFrame([row for _, row in parts if len(row)])), lang)]
    if provinces_held < 63:
        items.insert(1, Paragraph(t("report.country_scope", lang, count=provinces_held)))
    if province:
        split = {part: figures.count(local.get(f"{part}_cases"), local.get("split_origin"))
                 for part in ("community", "quarantine", "imported")}
        items.append(Paragraph(t("report.split", lang, **split), bullet=True))
    by_unit = t("report.by_province" if area.level == COUNTRY else "report.by_district", lang)
    items.append(Paragraph(f"{len(parts) + 1}. {by_unit}:"))
    items.append(_unit_table(con, area, day, local, figures))
    return Section(t("report.situation", lang), tuple(items))


def _unit_table(con, area: Area, day: dt.date, total_row: pd.Series, figures: _Figures) -> Table:
    """Cases and deaths of the day and to date per unit one level below the area, and the area's own row as
    the total (the metrics frame's figure, not a sum made here)."""
    lang = figures.lang
    if area.level == COUNTRY:
        names = db.provinces(con).set_index("province_code")["province_name"]
        units = metrics.daily(con, PROVINCE, None, day, day, cumulative=True)
    else:
        names = db.districts(con, province_of(con, area)).set_index("district_code")["district_name"]
        if area.level == DISTRICT:
            names = names.loc[[area.code]]
        units = metrics.daily(con, DISTRICT, list(names.index), day, day, cumulative=True)
    units = units.set_index("unit_code").reindex(names.index)
    rows = [(str(number), name, *(figures.count(row.get(c), row.get(o)) for c, o in CASE_FIGURES))
            for number, (name, (_, row)) in enumerate(zip(names, units.iterrows()), start=1)]
    total = ("", t("report.total", lang), *(figures.count(total_row.get(c), total_row.get(o)) for c, o in CASE_FIGURES))
    return Table((t("report.col_number", lang), t("report.col_unit", lang), t("report.col_new_cases", lang),
                  t("report.col_cumulative_cases", lang), t("report.col_new_deaths", lang),
                  t("report.col_cumulative_deaths", lang)),
                 tuple(rows) + (total,), numeric=(True, False, True, True, True, True), bold_last_row=True)


# ------------------------------------------------------------------------------------------ II.–IV. response


def _tracing_and_quarantine(tracing: pd.Series, figures: _Figures) -> tuple[Section, Section]:
    lang = figures.lang
    origin, cumulative = tracing["source"], tracing["cumulative_source"]
    return (
        Section(t("report.tracing", lang), (Paragraph(t(
            "report.tracing_sentence", lang, f1=figures.count(tracing["f1_identified"], origin),
            f2=figures.count(tracing["f2_identified"], origin), first=fmt_date(tracing["first_date"], lang),
            cumulative_f1=figures.count(tracing["cumulative_f1_identified"], cumulative),
            cumulative_f2=figures.count(tracing["cumulative_f2_identified"], cumulative))),)),
        Section(t("report.quarantine", lang), (Paragraph(t(
            "report.quarantine_sentence", lang, centralized=figures.count(tracing["centralized_quarantine"], origin),
            home=figures.count(tracing["home_isolation"], origin))),)),
    )


def _testing(con, area: Area, day: dt.date, figures: _Figures) -> Section:
    lang = figures.lang
    tests = report_queries.day_totals(con, "tests", area, day)
    origin, cumulative = tests["source"], tests["cumulative_source"]
    return Section(t("report.testing", lang), (
        Paragraph(t("report.testing_sentence", lang, samples=figures.count(tests["samples"], origin),
                    pooled=figures.count(tests["pooled_samples"], origin),
                    positives=figures.count(tests["positives"], origin),
                    positivity=figures.percent(tests["positives"], tests["samples"], origin))),
        Paragraph(t("report.capacity_sentence", lang, capacity=figures.count(tests["pcr_capacity"], origin),
                    used=figures.percent(tests["samples"], tests["pcr_capacity"], origin))),
        Paragraph(t("report.testing_cumulative", lang, first=fmt_date(tests["first_date"], lang),
                    samples=figures.count(tests["cumulative_samples"], cumulative),
                    positives=figures.count(tests["cumulative_positives"], cumulative))),
    ))


# ------------------------------------------------------------------------------------------ V. checkpoints


def _checkpoints(con, area: Area, day: dt.date, figures: _Figures) -> Section:
    lang = figures.lang
    title = t("report.checkpoints", lang)
    sites = operations_data.checkpoint_sites(con, area)
    counts = operations_data.checkpoint_counts(con, area, day - dt.timedelta(days=7), day)
    today = checkpoint_ops.day_summary(counts, day)
    gates, posts = (sites["kind"] == "border_gate").sum(), (sites["kind"] == "control_post").sum()
    items = [Paragraph(t("report.checkpoint_count", lang, gates=fmt_int(gates, lang), posts=fmt_int(posts, lang)))]
    if today.empty:
        items.append(Paragraph(t("report.no_checkpoint_counts", lang)))
        return Section(title, tuple(items))
    origin = least_real(*today["source"])
    total = checkpoint_ops.total(today)
    items.append(Paragraph(t(
        "report.checkpoint_sentence", lang, people_in=figures.count(total["people_in"], origin),
        people_out=figures.count(total["people_out"], origin), vehicles=figures.count(total["vehicles"], origin),
        from_outbreak=figures.count(total["from_outbreak_areas"], origin),
        declared=figures.count(total["declared"], origin),
        declared_pct=figures.percent(total["declared"], total["from_outbreak_areas"], origin),
        tested=figures.count(total["tested"], origin), positive=figures.count(total["positive"], origin),
        quarantined=figures.count(total["quarantined"], origin))))
    names = sites.set_index("checkpoint_id")
    rows = today.merge(names[["name", "kind"]], left_on="checkpoint_id", right_index=True).sort_values(["kind", "name"])
    items.append(Table(
        (t("report.col_number", lang), t("report.col_checkpoint", lang), t("report.col_kind", lang),
         t("report.col_people_in", lang), t("report.col_people_out", lang), t("report.col_vehicles", lang),
         t("report.col_from_outbreak", lang)),
        tuple((str(number), row["name"], t(f"report.kind_{row['kind']}", lang),
               *(figures.count(row[column], row["source"]) for column in
                 ("people_in", "people_out", "vehicles", "from_outbreak_areas")))
              for number, row in enumerate(rows.to_dict("records"), start=1)),
        numeric=(True, False, False, True, True, True, True)))
    for note in checkpoint_ops.risk_notes(counts, day).to_dict("records"):
        name = names["name"].get(note["checkpoint_id"], note["checkpoint_id"])
        items.append(Paragraph(f"{name}: {checkpoint_ops.note_text(pd.Series(note), lang)} {figures.mark(origin)}",
                               bullet=True))
    return Section(title, tuple(items))


# ------------------------------------------------------------------------------------------ VI. treatment


def _treatment(con, area: Area, day: dt.date, figures: _Figures) -> Section:
    """Patients, beds, ICU, ventilators and oxygen of the day from the metrics frame (occupancy included)."""
    lang = figures.lang
    cases = beds = metrics.on_day(con, area, day)
    load, bed_origin = cases.get("load_origin"), beds.get("beds_origin")

    def used_of(used: str, total: str, share: str) -> str:
        text = t("report.used_of", lang, used=fmt_int(beds.get(used), lang), total=fmt_int(beds.get(total), lang),
                 pct=fmt_pct(beds.get(share), 1, lang))
        return f"{text} {figures.mark(bed_origin)}".rstrip()

    return Section(t("report.treatment", lang), (
        Paragraph(t("report.treatment_sentence", lang, in_treatment=figures.count(cases.get("in_treatment"), load),
                    oxygen=figures.count(cases.get("oxygen"), load), icu=figures.count(cases.get("icu"), load))),
        Paragraph(t("report.transfers", lang)),
        Paragraph(t("report.beds_sentence", lang,
                    beds=used_of("covid_beds_occupied", "covid_beds_total", "covid_bed_occupancy_pct"),
                    icu=used_of("icu_beds_occupied", "icu_beds_staffed", "icu_occupancy_pct"),
                    ventilators=used_of("ventilators_in_use", "ventilators", "ventilator_use_pct"),
                    oxygen=figures.count(beds.get("oxygen_supply_m3_per_day"), bed_origin))),
    ))


# ------------------------------------------------------------------------------------------ VII. supplies


def _supplies(con, area: Area, day: dt.date, figures: _Figures) -> Section:
    lang = figures.lang
    title = t("report.supplies", lang)
    window = parameters()["supplies"]["use_window_days"]
    supplies = operations_data.supplies(con, area, day - dt.timedelta(days=window - 1), day)
    cover = days_of_cover(supplies, day) if len(supplies) else pd.DataFrame()
    if cover.empty:
        return Section(title, (Paragraph(t("report.no_supplies", lang)),))
    today = supplies[pd.to_datetime(supplies["date"]) == pd.Timestamp(day)].set_index("item")
    rows = tuple(
        (str(number), t(f"response.item_{item}", lang), t(f"response.unit_{row['unit']}", lang),
         figures.count(row["stock"], row["source"]), figures.count(today.at[item, "received"], row["source"]),
         figures.count(today.at[item, "used"], row["source"]),
         figures.count(row["days_of_cover"], row["source"]) if np.isfinite(row["days_of_cover"]) else "—")
        for number, (item, row) in enumerate(cover.set_index("item").iterrows(), start=1))
    return Section(title, (Table(
        (t("report.col_number", lang), t("report.col_item", lang), t("report.col_unit_of", lang),
         t("report.col_stock", lang), t("report.col_received", lang), t("report.col_used", lang),
         t("report.col_days_of_cover", lang, days=window)),
        rows, numeric=(True, False, False, True, True, True, True)),))
