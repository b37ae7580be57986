"""The daily situation report (Báo cáo tình hình dịch COVID-19) a province sends up the chain, from the database.

Modelled on the real reports (e.g. Điện Biên's of 24/5/2021 in the project's seed documents): I. the
situation (country, province, by district, with the change against yesterday and last week in words),
II. the epidemic level of the area and its districts under the rule set in force and what changed since last
week, III. tracing, IV. quarantine, V. testing, VI. border gates and control posts, VII. admission and
treatment, VIII. vaccination against the rule set's targets, IX. supplies, then X. difficulties and XI. tasks
ahead, pre-filled from the data for the author to edit (`suggestions`). Numbers are formatted the Vietnamese
way (1.719; 39.749). A section whose figures are simulated or estimated says so once, at its end, and the
legend at the end explains both; the subtitle states where the figures stop (the data's cut-off).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from data import db, levels, metrics, operations as operations_data, report_queries
from data.db import COUNTRY, DISTRICT, PROVINCE, Area, province_of
from data.record_notes import count_shown, notes as record_notes
from geo import situation as level_text
from i18n import fmt_date, fmt_int, fmt_pct, t
from indicators import levelstyle
from indicators.engine import reasons_text
from indicators.origin import ESTIMATED, MIXED, OBSERVED, SIMULATED, least_real
from indicators import policy
from indicators.rulesets import RuleSet
from operations import checkpoints as checkpoint_ops, parameters
from operations.supplies import cover_text, days_of_cover
from reports.model import Paragraph, Report, Section, Table
from reports.text import area_title, conflict_texts

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
RESOLUTION_128 = dt.date(2021, 10, 11)  # the first epidemic-level rules (Resolution 128/NQ-CP) took effect
UNIT_TYPE_PREFIXES = ("Thành phố ", "Tỉnh ", "Huyện ", "Thị xã ", "Thị Xã ", "Quận ")
ISSUERS = {COUNTRY: "report.issuer_country", PROVINCE: "report.issuer_province", DISTRICT: "report.issuer_district"}


class _Figures:
    """Formats figures and remembers the origins of those a section used, so that the section can say once,
    at its end, which of its figures are simulated or estimated (and the legend explains both)."""

    def __init__(self, lang: str):
        self.lang = lang
        self.section: list[str] = []  # origins of the figures of the section being written
        self.used: set[str] = set()  # of the whole report

    def seen(self, origin: str | None) -> None:
        if origin in (OBSERVED, ESTIMATED, MIXED, SIMULATED):
            self.section.append(origin)
            self.used.add(ESTIMATED if origin == MIXED else origin)

    def count(self, value, origin: str | None = None) -> str:
        """'1.719'; '—' when missing (a missing figure has no origin)."""
        if pd.notna(value):
            self.seen(origin)
        return fmt_int(value, self.lang)

    def known_count(self, value, origin: str | None = None) -> str:
        """A count the source may not have published (deaths): 'chưa có số liệu' when unknown, never 0."""
        text, origin = count_shown(value, origin, self.lang)
        self.seen(origin)
        return text

    def percent(self, part, whole, origin: str | None = None) -> str:
        """part / whole as '28,6%'."""
        share = part / whole * 100 if pd.notna(part) and pd.notna(whole) and whole else float("nan")
        if pd.notna(share):
            self.seen(origin)
        return fmt_pct(share, 1, self.lang)

    def close(self, title: str, items: list) -> Section:
        """The section with a note of its simulated or estimated figures, if any; starts the next section."""
        origins, self.section = self.section, []
        notes = []
        if SIMULATED in origins:
            notes.append(t("report.section_simulated" if set(origins) == {SIMULATED}
                           else "report.section_partly_simulated", self.lang))
        if {ESTIMATED, MIXED} & set(origins):
            notes.append(t("report.section_estimated", self.lang))
        return Section(title, (*items, *(Paragraph(note, note=True) for note in notes)))

    def footnotes(self) -> tuple[str, ...]:
        keys = {SIMULATED: "report.footnote_simulated", ESTIMATED: "report.footnote_estimated"}
        return tuple(t(keys[origin], self.lang) for origin in (SIMULATED, ESTIMATED) if origin in self.used)


def _short_name(name: str) -> str:
    for prefix in UNIT_TYPE_PREFIXES:
        name = name.removeprefix(prefix)
    return name


def build_report(con, area: Area, day: dt.date, lang: str = "vi", difficulties: list[str] | None = None,
                 tasks: list[str] | None = None) -> Report:
    """The report of `area` (a province, as provinces send it; a district or the country work the same way).

    `difficulties` and `tasks` are the author's lines of the last two sections; left out, they are the ones
    `suggestions` draws from the data.
    """
    figures = _Figures(lang)
    title = area_title(con, area, lang)
    province = province_of(con, area)
    province_name = db.area_name(con, Area(PROVINCE, province))[0] if province else ""
    week = levels.level_week(day)
    ruleset, in_force = levels.ruleset_in_force(day, province)
    if difficulties is None or tasks is None:
        suggested = _suggestions(con, area, day, lang, ruleset)
        difficulties = suggested[0] if difficulties is None else difficulties
        tasks = suggested[1] if tasks is None else tasks
    builders = (
        lambda: _situation(con, area, day, province, province_name, figures),
        lambda: _levels(con, area, week, ruleset, in_force, figures),
        lambda: _tracing(report_queries.day_totals(con, "tracing", area, day), figures),
        lambda: _quarantine(report_queries.day_totals(con, "tracing", area, day), figures),
        lambda: _testing(con, area, day, figures),
        lambda: _checkpoints(con, area, day, figures),
        lambda: _treatment(con, area, day, figures),
        lambda: _vaccination(con, area, day, ruleset, figures),
        lambda: _supplies(con, area, day, figures),
        lambda: ("report.difficulties", [Paragraph(line, bullet=True) for line in difficulties if line.strip()]),
        lambda: ("report.proposals", [Paragraph(line, bullet=True) for line in tasks if line.strip()]),
    )
    sections = []
    for number, build in zip(ROMAN, builders):
        key, items = build()
        sections.append(figures.close(f"{number}. {t(key, lang)}", items))
    place = _short_name(province_name) if province else t("report.capital", lang)
    issuer_name = db.area_name(con, area)[0].upper()
    return Report(
        issuer=(*t(ISSUERS[area.level], lang, name=issuer_name).split("\n"), t("report.number", lang)),
        motto=(t("report.motto_1", lang), t("report.motto_2", lang)),
        place_date=t("report.place_date", lang, place=place, day=day.day, month=day.month, year=day.year),
        title=t("report.title", lang),
        subtitle=t("report.subtitle", lang, area=title, date=fmt_date(day, lang),
                   cutoff=cutoff_text(con, area, province, day, lang)),
        sections=tuple(sections),
        footnotes=figures.footnotes(),
        legend_title=t("report.legend", lang),
        closing=tuple(t("report.closing", lang).split("\n")),
    )


def cutoff_text(con, area: Area, province: str | None, day: dt.date, lang: str) -> str:
    """Where the figures stop, as the data says: the day of the last published figures, or the time they were
    entered; never an hour the data does not hold."""
    cutoff = report_queries.data_cutoff(con, area, province, day)
    if pd.isna(cutoff["date"]):
        return t("report.cutoff_stale", lang, date="—", day=fmt_date(day, lang))
    last = pd.Timestamp(cutoff["date"]).date()
    if last < day:
        return t("report.cutoff_stale", lang, date=fmt_date(last, lang), day=fmt_date(day, lang))
    if pd.notna(cutoff["entered_at"]):
        entered = pd.Timestamp(cutoff["entered_at"])
        return t("report.cutoff_entered", lang, time=entered.strftime("%H:%M"), date=fmt_date(entered.date(), lang))
    return t("report.cutoff", lang, date=fmt_date(last, lang))


# ------------------------------------------------------------------------------------------ I. situation


# The day's and the running figures of the metrics frame, each with the origin it carries.
CASE_FIGURES = (("new_cases", "cases_origin"), ("cumulative_cases", "cumulative_cases_origin"),
                ("new_deaths", "deaths_origin"), ("cumulative_deaths", "cumulative_deaths_origin"))


def _case_figures(row: pd.Series, figures: _Figures) -> list[str]:
    """CASE_FIGURES of a metrics-frame row as the report writes them (an unpublished death count in words)."""
    return [(figures.known_count if column == "new_deaths" else figures.count)(row.get(column), row.get(origin))
            for column, origin in CASE_FIGURES]


def _cases_sentence(totals: pd.Series, figures: _Figures, first: str) -> str:
    """Cases and deaths of the day and to date (a metrics-frame row with cumulative figures)."""
    cases, cumulative_cases, deaths, cumulative_deaths = _case_figures(totals, figures)
    return t("report.cases_sentence", figures.lang, cases=cases, deaths=deaths, first=first,
             cumulative_cases=cumulative_cases, cumulative_deaths=cumulative_deaths)


def _situation(con, area: Area, day: dt.date, province: str | None, province_name: str,
               figures: _Figures) -> tuple[str, list]:
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
    items += [Paragraph(f"⚠ {text}", bullet=True)  # the published record's dumps, gaps and unknown deaths
              for text in record_notes(con, area, day - dt.timedelta(days=6), day).texts(lang)]
    if provinces_held < 63:
        items.insert(1, Paragraph(t("report.country_scope", lang, count=provinces_held)))
    if province:
        split = {part: figures.count(local.get(f"{part}_cases"), local.get("split_origin"))
                 for part in ("community", "quarantine", "imported")}
        items.append(Paragraph(t("report.split", lang, **split), bullet=True))
    items.append(Paragraph(_comparison(con, area, day, lang)))
    by_unit = t("report.by_province" if area.level == COUNTRY else "report.by_district", lang)
    items.append(Paragraph(f"{len(parts) + 1}. {by_unit}:"))
    items.append(_unit_table(con, area, day, local, figures))
    return "report.situation", items


def change_words(change, lang: str) -> str:
    """'tăng 12 ca', 'giảm 3 ca', 'không thay đổi'."""
    if pd.isna(change):
        return "—"
    if change == 0:
        return t("report.same", lang)
    return t("report.more" if change > 0 else "report.fewer", lang, n=fmt_int(abs(change), lang))


def _comparison(con, area: Area, day: dt.date, lang: str) -> str:
    """Day-on-day and week-on-week change of the area's new cases, in words (the cases the report's first
    paragraphs give: the Ministry's for a province or the country)."""
    daily = metrics.of_area(con, area, day - dt.timedelta(days=13), day).set_index("date")["new_cases"]
    daily.index = pd.to_datetime(daily.index)
    daily = daily.reindex(pd.date_range(day - dt.timedelta(days=13), day)).fillna(0)
    today, yesterday = daily.iloc[-1], daily.iloc[-2]
    week, previous = daily.iloc[-7:].sum(), daily.iloc[:7].sum()
    return t("report.day_change", lang, change=change_words(today - yesterday, lang), week=fmt_int(week, lang),
             week_change=change_words(week - previous, lang), previous=fmt_int(previous, lang))


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
    rows = [(str(number), name, *_case_figures(row, figures))
            for number, (name, (_, row)) in enumerate(zip(names, units.iterrows()), start=1)]
    total = ("", t("report.total", lang), *_case_figures(total_row, figures))
    return Table((t("report.col_number", lang), t("report.col_unit", lang), t("report.col_new_cases", lang),
                  t("report.col_cumulative_cases", lang), t("report.col_new_deaths", lang),
                  t("report.col_cumulative_deaths", lang)),
                 tuple(rows) + (total,), numeric=(True, False, True, True, True, True), bold_last_row=True)


# ------------------------------------------------------------------------------------------ II. levels


def _levels(con, area: Area, week: dt.date, ruleset: RuleSet, in_force: bool, figures: _Figures) -> tuple[str, list]:
    """The area's level and its districts' under the rule set in force, and what changed since last week."""
    lang = figures.lang
    end = week + dt.timedelta(days=6)
    items = [Paragraph(t("report.levels_ruleset", lang, ruleset=ruleset.name(lang),
                         basis=level_text.legal_basis(ruleset, lang), start=fmt_date(week, lang),
                         end=fmt_date(end, lang)))]
    if not in_force:
        items.append(Paragraph(t("report.levels_before_128", lang, ruleset=ruleset.name(lang),
                                 date=fmt_date(levels.first_rules_date(), lang))))
    if ruleset.has_unverified:
        items.append(Paragraph(f"⚠ {ruleset.unverified_warning(lang)}", note=True))
    this_week, previous = _area_weeks(con, area, week, ruleset)
    if area.level == PROVINCE:
        level, before = (levels.week_levels(con, ruleset.id, monday, PROVINCE)["level"].get(area.code, pd.NA)
                         for monday in (week, week - dt.timedelta(weeks=1)))
        items.append(Paragraph(t("report.levels_area", lang, area=db.area_name(con, area)[0],
                                 level=levelstyle.label(level, ruleset, lang),
                                 previous=levelstyle.label(before, ruleset, lang))))
    legend = level_text.legend(this_week["level"], ruleset, lang)
    items.append(Paragraph(t("report.levels_counts", lang, counts=level_text.legend_text(legend, lang))))
    changes = level_text.level_changes(this_week, previous, ruleset, lang)
    for origin in this_week["inputs_origin"].dropna().unique():
        figures.seen(origin)
    names = db.districts(con).set_index("district_code")["district_name"]
    if area.level == COUNTRY:  # 705 districts: the ones that changed
        if changes.empty:
            items.append(Paragraph(t("report.levels_unchanged", lang)))
            return "report.levels", items
        items.append(Paragraph(t("report.levels_changed", lang, n=fmt_int(len(changes), lang))))
        rows = [(str(number), names.get(code, code), levelstyle.label(before, ruleset, lang),
                 levelstyle.label(after, ruleset, lang), reason)
                for number, (code, before, after, reason) in enumerate(
                    zip(changes["code"], changes["previous"], changes["level"], changes["reason"]), start=1)]
    else:
        changed = dict(zip(changes["code"], changes["reason"]))
        rows = [(str(number), names.get(code, code),
                 levelstyle.label(previous["level"].get(code, pd.NA), ruleset, lang),
                 levelstyle.label(this_week["level"].get(code, pd.NA), ruleset, lang),
                 changed.get(code) or _deciding(this_week["reasons"].get(code), ruleset, lang))
                for number, code in enumerate(sorted(this_week.index), start=1)]
    items.append(Table((t("report.col_number", lang), t("report.col_unit", lang), t("report.col_previous_level", lang),
                        t("report.col_level", lang), t("report.col_reason", lang)), tuple(rows),
                       numeric=(True, False, False, False, False)))
    return "report.levels", items


def _area_weeks(con, area: Area, week: dt.date, ruleset: RuleSet) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stored levels of the area's districts in `week` and in the week before, indexed by district code."""
    codes = ({area.code} if area.level == DISTRICT else
             set(db.districts(con, area.code if area.level == PROVINCE else None)["district_code"]))
    return tuple(frame.loc[frame.index.isin(codes)] for frame in
                 (levels.week_levels(con, ruleset.id, monday, DISTRICT) for monday in (week, week - dt.timedelta(weeks=1))))


def _deciding(reasons, ruleset: RuleSet, lang: str) -> str:
    """The deciding criteria of a level, without the others (a table cell)."""
    if not isinstance(reasons, dict):
        return ""
    return reasons_text(reasons, ruleset, lang).split(". ")[0].rstrip(".") + "."


# ------------------------------------------------------------------------------------------ III.–V. response


def _tracing(tracing: pd.Series, figures: _Figures) -> tuple[str, list]:
    lang = figures.lang
    origin, cumulative = tracing["source"], tracing["cumulative_source"]
    return "report.tracing", [Paragraph(t(
        "report.tracing_sentence", lang, f1=figures.count(tracing["f1_identified"], origin),
        f2=figures.count(tracing["f2_identified"], origin), first=fmt_date(tracing["first_date"], lang),
        cumulative_f1=figures.count(tracing["cumulative_f1_identified"], cumulative),
        cumulative_f2=figures.count(tracing["cumulative_f2_identified"], cumulative)))]


def _quarantine(tracing: pd.Series, figures: _Figures) -> tuple[str, list]:
    origin = tracing["source"]
    return "report.quarantine", [Paragraph(t(
        "report.quarantine_sentence", figures.lang,
        centralized=figures.count(tracing["centralized_quarantine"], origin),
        home=figures.count(tracing["home_isolation"], origin)))]


def _testing(con, area: Area, day: dt.date, figures: _Figures) -> tuple[str, list]:
    lang = figures.lang
    tests = report_queries.day_totals(con, "tests", area, day)
    origin, cumulative = tests["source"], tests["cumulative_source"]
    return "report.testing", [
        Paragraph(t("report.testing_sentence", lang, samples=figures.count(tests["samples"], origin),
                    pooled=figures.count(tests["pooled_samples"], origin),
                    positives=figures.count(tests["positives"], origin),
                    positivity=figures.percent(tests["positives"], tests["samples"], origin))),
        Paragraph(t("report.capacity_sentence", lang, capacity=figures.count(tests["pcr_capacity"], origin),
                    used=figures.percent(tests["samples"], tests["pcr_capacity"], origin))),
        Paragraph(t("report.testing_cumulative", lang, first=fmt_date(tests["first_date"], lang),
                    samples=figures.count(tests["cumulative_samples"], cumulative),
                    positives=figures.count(tests["cumulative_positives"], cumulative))),
    ]


# ------------------------------------------------------------------------------------------ V. checkpoints


def _checkpoints(con, area: Area, day: dt.date, figures: _Figures) -> tuple[str, list]:
    lang = figures.lang
    title = "report.checkpoints"
    sites = operations_data.checkpoint_sites(con, area)
    counts = operations_data.checkpoint_counts(con, area, day - dt.timedelta(days=7), day)
    today = checkpoint_ops.day_summary(counts, day)
    gates, posts = (sites["kind"] == "border_gate").sum(), (sites["kind"] == "control_post").sum()
    if sites.empty:  # no list of the area's posts: unknown, never "0 gates and 0 posts"
        return title, [Paragraph(t("report.no_checkpoint_sites", lang))]
    items = [Paragraph(t("report.checkpoint_count", lang, gates=fmt_int(gates, lang), posts=fmt_int(posts, lang)))]
    if today.empty:
        items.append(Paragraph(t("report.no_checkpoint_counts", lang)))
        return title, items
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
        figures.seen(origin)
        items.append(Paragraph(f"{name}: {checkpoint_ops.note_text(pd.Series(note), lang)}", bullet=True))
    return title, items


# ------------------------------------------------------------------------------------------ VI. treatment


def _treatment(con, area: Area, day: dt.date, figures: _Figures) -> tuple[str, list]:
    """Patients, beds, ICU, ventilators and oxygen of the day from the metrics frame (occupancy included)."""
    lang = figures.lang
    cases = beds = metrics.on_day(con, area, day)
    load, bed_origin = cases.get("load_origin"), beds.get("beds_origin")

    def used_of(used: str, total: str, share: str) -> str:
        figures.seen(bed_origin)
        return t("report.used_of", lang, used=fmt_int(beds.get(used), lang), total=fmt_int(beds.get(total), lang),
                 pct=fmt_pct(beds.get(share), 1, lang))

    return "report.treatment", [
        Paragraph(t("report.treatment_sentence", lang, in_treatment=figures.count(cases.get("in_treatment"), load),
                    oxygen=figures.count(cases.get("oxygen"), load), icu=figures.count(cases.get("icu"), load))),
        Paragraph(t("report.transfers", lang)),
        Paragraph(t("report.beds_sentence", lang,
                    beds=used_of("covid_beds_occupied", "covid_beds_total", "covid_bed_occupancy_pct"),
                    icu=used_of("icu_beds_occupied", "icu_beds_staffed", "icu_occupancy_pct"),
                    ventilators=used_of("ventilators_in_use", "ventilators", "ventilator_use_pct"),
                    oxygen=figures.count(beds.get("oxygen_supply_m3_per_day"), bed_origin))),
    ]


# ------------------------------------------------------------------------------------------ VIII. vaccination


def _vaccination(con, area: Area, day: dt.date, ruleset: RuleSet, figures: _Figures) -> tuple[str, list]:
    """Each vaccination criterion of the rule set in force: the area's coverage on the day (metrics frame), its
    target."""
    lang = figures.lang
    row = metrics.on_day(con, area, day)
    origin = row.get("vaccinations_origin")
    criteria = [criterion for criterion in ruleset.criteria if criterion.input.startswith("pct_")]
    if not len(row) or pd.isna(origin) or not criteria:
        return "report.vaccination", [Paragraph(t("report.no_vaccination", lang))]
    items, capped = [], False
    for criterion in criteria:
        value = row.get(criterion.input)
        capped |= bool(pd.notna(value) and value >= 100)
        target = max(criterion.thresholds)
        figures.seen(origin)
        verdict = (t("report.target_met", lang) if pd.notna(value) and value >= target else
                   t("report.target_missed", lang, gap=fmt_pct(target - value, 1, lang).rstrip("%"))
                   if pd.notna(value) else "—")
        items.append(Paragraph(t("report.vaccination_sentence", lang, label=criterion.label(lang),
                                 value=fmt_pct(value, 1, lang), target=f"≥ {fmt_pct(target, 0, lang)}",
                                 verdict=verdict), bullet=True))
    if capped and metrics.flag(row.get("vaccinated_beyond_population")):
        items.append(Paragraph(t("overview.vaccinated_beyond_population", lang)))  # why a coverage reads 100 %
    return "report.vaccination", items


# ------------------------------------------------------------------------------------------ X.–XI. for the author


def suggestions(con, area: Area, day: dt.date, lang: str = "vi") -> tuple[list[str], list[str]]:
    """Difficulties and tasks the data point to, for the author to edit: beds above the warning level, a
    checkpoint with positives, testing below capacity while positivity rises, districts whose level rose."""
    return _suggestions(con, area, day, lang, levels.ruleset_in_force(day, province_of(con, area))[0])


def _suggestions(con, area: Area, day: dt.date, lang: str, ruleset: RuleSet) -> tuple[list[str], list[str]]:
    difficulties, tasks = [], []
    today, week_before = metrics.on_day(con, area, day), metrics.on_day(con, area, day - dt.timedelta(days=7))
    limit = policy.number("treatment", "covid_bed_occupancy_limit_pct")
    occupancy = today.get("covid_bed_occupancy_pct")
    if pd.notna(occupancy) and occupancy >= limit:
        difficulties.append(t("report.difficulty_beds", lang, pct=fmt_pct(occupancy, 1, lang),
                              threshold=fmt_pct(limit, 0, lang)))
        tasks.append(t("report.task_beds", lang))
    sites = operations_data.checkpoint_sites(con, area)
    posts = checkpoint_ops.day_summary(operations_data.checkpoint_counts(con, area, day, day), day)
    if not posts.empty:
        positive = posts.loc[posts["positive"] > 0].merge(sites[["checkpoint_id", "name"]], on="checkpoint_id")
        for name, n in zip(positive["name"], positive["positive"]):
            difficulties.append(t("report.difficulty_checkpoint", lang, name=name, n=fmt_int(n, lang)))
        if len(positive):
            tasks.append(t("report.task_checkpoint", lang, names=", ".join(positive["name"])))
    after, before = today.get("test_positivity_pct"), week_before.get("test_positivity_pct")
    used = today.get("pcr_use_pct")
    if pd.notna(after) and pd.notna(before) and pd.notna(used) and after > before and used < 100:
        difficulties.append(t("report.difficulty_testing", lang, used=fmt_pct(used, 0, lang),
                              before=fmt_pct(before, 1, lang), after=fmt_pct(after, 1, lang)))
        tasks.append(t("report.task_testing", lang))
    window, _, cover = _supply_cover(con, area, day)
    low = cover[cover["low"].fillna(False).astype(bool)].sort_values("days_of_cover") if len(cover) else cover
    if len(low):
        items = ", ".join(t("report.supply_cover", lang, item=t(f"response.item_{item}", lang),
                            days=cover_text(days, lang)) for item, days in zip(low["item"], low["days_of_cover"]))
        difficulties.append(t("report.difficulty_supplies", lang, items=items, window=fmt_int(window, lang),
                              low=fmt_int(parameters()["supplies"]["low_cover_days"], lang)))
        tasks.append(t("report.task_supplies", lang))
    this_week, previous = _area_weeks(con, area, levels.level_week(day), ruleset)
    risen = level_text.level_changes(this_week, previous, ruleset, lang)
    risen = risen.loc[risen["step"] > 0]
    if len(risen):
        names = db.districts(con).set_index("district_code")["district_name"]
        tasks.append(t("report.task_level_up", lang, names=", ".join(names.get(code, code) for code in risen["code"])))
    if not difficulties:
        difficulties.append(t("report.difficulty_none", lang))
    tasks.append(t("report.task_routine", lang))
    return difficulties, tasks


# ------------------------------------------------------------------------------------------ IX. supplies


def _supply_cover(con, area: Area, day: dt.date) -> tuple[int, pd.DataFrame, pd.DataFrame]:
    """The window of use (days), the supplies of that window and each item's days of cover on `day`: what the
    supplies section shows and the difficulties name."""
    window = parameters()["supplies"]["use_window_days"]
    supplies = operations_data.supplies(con, area, day - dt.timedelta(days=window - 1), day)
    return window, supplies, days_of_cover(supplies, day) if len(supplies) else pd.DataFrame()


def _supplies(con, area: Area, day: dt.date, figures: _Figures) -> tuple[str, list]:
    lang = figures.lang
    title = "report.supplies"
    window, supplies, cover = _supply_cover(con, area, day)
    if cover.empty:
        return title, [Paragraph(t("report.no_supplies", lang))]
    today = supplies[pd.to_datetime(supplies["date"]) == pd.Timestamp(day)].set_index("item")
    rows = tuple(
        (str(number), t(f"response.item_{item}", lang), t(f"response.unit_{row['unit']}", lang),
         figures.count(row["stock"], row["source"]), figures.count(today.at[item, "received"], row["source"]),
         figures.count(today.at[item, "used"], row["source"]),
         cover_text(row["days_of_cover"], lang))
        for number, (item, row) in enumerate(cover.set_index("item").iterrows(), start=1))
    return title, [Table(
        (t("report.col_number", lang), t("report.col_item", lang), t("report.col_unit_of", lang),
         t("report.col_stock", lang), t("report.col_received", lang), t("report.col_used", lang),
         t("report.col_days_of_cover", lang, days=window)),
        rows, numeric=(True, False, False, True, True, True, True))]

