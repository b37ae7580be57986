"""What the published record says about an area's figures over some days, for every surface to say in words.

Five things make a day's figure other than a plain count (data/artefacts.py, data/build.py):

* a backlog dump (số liệu dồn): the province published weeks of uncounted cases on one day; the published count
  is kept, and the adjusted series (what rates, Rt, levels and simulations use) keeps a normal day there and
  spreads the rest back over the weeks before;
* a gap (chưa có số liệu): days the source shows as 0 because nothing was reported, filled by that spread;
* a correction (số liệu đã sửa): the collected copy of the series contradicts the Ministry's bulletin of that day;
  the bulletin's count is used and the collected one is named;
* a missed day (chưa có số liệu): the collection has nothing for the day (every province 0 between days with
  cases) and nothing later makes it up: its cases are missing from the series and the 7-day sums over it;
* unknown deaths: the source stops publishing deaths after 2022-05-25; a missing count is unknown, never 0.

`notes` reads them once (province rows of the area's provinces; a district carries its province's artefacts and
its own unknown deaths) and `RecordNotes.texts` words them; the Overview, the Trends page, the charts, the
briefing, the report and the CLI all show these words, none recomputes them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from data.db import DISTRICT, Area, query
from i18n import fmt_date, fmt_int, t


@dataclass(frozen=True)
class Dump:
    """One backlog day of one province: the published count and what the adjusted series keeps that day."""

    day: dt.date
    province: str
    published: int
    adjusted: int

    @property
    def spread(self) -> int:
        return self.published - self.adjusted


@dataclass(frozen=True)
class Correction:
    """One day of one province where the Ministry's bulletin replaced the collected count."""

    day: dt.date
    province: str
    collected: int
    published: int


@dataclass(frozen=True)
class Run:
    """Consecutive days from `first` to `last` (of one province for a gap; of the area for unknown deaths)."""

    first: dt.date
    last: dt.date
    province: str = ""

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def span(self, lang: str) -> str:
        if self.first == self.last:
            return fmt_date(self.first, lang)
        return t("record.span", lang, first=fmt_date(self.first, lang), last=fmt_date(self.last, lang))


@dataclass(frozen=True)
class RecordNotes:
    dumps: tuple[Dump, ...] = ()
    gaps: tuple[Run, ...] = ()
    unknown_deaths: tuple[Run, ...] = ()
    corrections: tuple[Correction, ...] = ()
    missed: tuple[Run, ...] = ()  # days the collection missed everywhere (data.artefacts.missed_days)

    def __bool__(self) -> bool:
        return bool(self.dumps or self.gaps or self.unknown_deaths or self.corrections or self.missed)

    def of_cases(self) -> "RecordNotes":
        """The notes about the case counts (a curve of cases, Rt): dumps, gaps, corrections and missed days."""
        return RecordNotes(self.dumps, self.gaps, corrections=self.corrections, missed=self.missed)

    def without_counts(self) -> tuple[Run, ...]:
        """The runs of days without a count of cases (gaps and missed days): a chart marks them "no data"."""
        return self.gaps + self.missed

    def of_deaths(self) -> "RecordNotes":
        return RecordNotes(unknown_deaths=self.unknown_deaths)

    def texts(self, lang: str) -> list[str]:
        """One sentence per dump, gap run, correction and run of unknown deaths, in the order of their days; the
        dumps of one day, and the gap runs of the same days, of several provinces in one sentence (a day the
        collection missed is a gap of most provinces at once)."""
        dumps = []
        for day, same in _grouped(self.dumps, lambda dump: dump.day):
            same = sorted(same, key=lambda dump: -dump.published)
            counts = {name: fmt_int(sum(getattr(dump, name) for dump in same), lang)
                      for name in ("published", "adjusted", "spread")}
            if len(same) == 1:
                dumps.append((day, t("record.dump", lang, date=fmt_date(day, lang), province=same[0].province, **counts)))
            else:
                dumps.append((day, t("record.dumps_many", lang, date=fmt_date(day, lang), n=fmt_int(len(same), lang),
                                     provinces=_names([dump.province for dump in same], lang), **counts)))
        gaps = []
        for (first, _), same in _grouped(self.gaps, lambda run: (run.first, run.last)):
            run = same[0]
            words = {"span": run.span(lang), "days": t("record.one_day", lang) if run.days == 1
                     else t("record.days", lang, n=fmt_int(run.days, lang))}
            if len(same) == 1:
                gaps.append((first, t("record.gap", lang, province=run.province, **words)))
            else:
                gaps.append((first, t("record.gaps_many", lang, n=fmt_int(len(same), lang),
                                      provinces=_names(sorted(run.province for run in same), lang), **words)))
        corrections = [(fix.day, t("record.correction", lang, date=fmt_date(fix.day, lang), province=fix.province,
                                   collected=fmt_int(fix.collected, lang), published=fmt_int(fix.published, lang)))
                       for fix in self.corrections]
        deaths = [(run.first, t("record.unknown_deaths", lang, span=run.span(lang))) for run in self.unknown_deaths]
        missed = [(run.first, t("record.missed", lang, span=run.span(lang))) for run in self.missed]
        return [text for _, text in sorted(dumps + gaps + corrections + deaths + missed, key=lambda pair: pair[0])]

    def within(self, start: dt.date, end: dt.date) -> "RecordNotes":
        """The notes that touch the days from `start` to `end` (e.g. the 7 days a weekly figure sums)."""
        def touches(run: Run) -> bool:
            return run.first <= end and run.last >= start

        return RecordNotes(tuple(dump for dump in self.dumps if start <= dump.day <= end),
                           tuple(filter(touches, self.gaps)), tuple(filter(touches, self.unknown_deaths)),
                           tuple(fix for fix in self.corrections if start <= fix.day <= end),
                           tuple(filter(touches, self.missed)))


NAMED_PROVINCES = 3  # a sentence about many provinces names this many, then counts the rest


def _grouped(items, key) -> list[tuple[object, list]]:
    """Items grouped by key, in the order of the keys."""
    groups: dict = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return sorted(groups.items(), key=lambda pair: pair[0])


def _names(names: list[str], lang: str) -> str:
    shown = ", ".join(names[:NAMED_PROVINCES])
    rest = len(names) - NAMED_PROVINCES
    return shown if rest <= 0 else t("record.more", lang, names=shown, k=fmt_int(rest, lang))


def count_shown(value, origin: str | None, lang: str) -> tuple[str, str | None]:
    """A count as every surface shows it, with the origin its badge carries: 'chưa có số liệu' and no origin
    when the count is unknown (a missing death count is never an observed 0)."""
    if value is None or pd.isna(value):
        return t("record.no_data", lang), None
    return fmt_int(value, lang), origin


def _runs(days) -> list[tuple[dt.date, dt.date]]:
    """Consecutive runs of sorted distinct days."""
    runs: list[list[dt.date]] = []
    for day in days:
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(first, last) for first, last in runs]


def _day(value) -> dt.date:
    return value.date() if hasattr(value, "date") else value


def notes(con, area: Area, start: dt.date, end: dt.date) -> RecordNotes:
    """The backlog dumps, gap runs, corrections, missed days and unknown deaths of `area` from `start` to `end`
    (both included)."""
    provinces = """SELECT DISTINCT province_code, province_name FROM districts
                   WHERE ? = 'country' OR (? = 'province' AND province_code = ?)
                      OR (? = 'district' AND district_code = ?)"""
    picked = [area.level, area.level, area.code, area.level, area.code]
    marked = query(con, f"""
        SELECT p.date, k.province_name, p.artefact, p.new_cases, p.new_cases_adjusted, p.new_cases_collected
        FROM province_cases p JOIN ({provinces}) k USING (province_code)
        WHERE p.artefact IS NOT NULL AND p.date BETWEEN ? AND ?
        ORDER BY p.date, k.province_name""", [*picked, start, end])
    dumps = tuple(Dump(_day(row.date), row.province_name, int(row.new_cases), int(row.new_cases_adjusted))
                  for row in marked.itertuples()
                  if row.artefact == "backlog" and row.new_cases > row.new_cases_adjusted)
    corrections = tuple(Correction(_day(row.date), row.province_name, int(row.new_cases_collected), int(row.new_cases))
                        for row in marked.itertuples() if row.artefact == "correction")
    gap_rows = marked[marked["artefact"] == "gap"]
    gaps = tuple(Run(first, last, name)
                 for name, rows in gap_rows.groupby("province_name", sort=True)
                 for first, last in _runs([_day(day) for day in rows["date"]]))
    if area.level == DISTRICT:
        unknown = query(con, """SELECT date FROM cases WHERE district_code = ? AND new_deaths IS NULL
                                AND date BETWEEN ? AND ? ORDER BY date""", [area.code, start, end])
    else:
        unknown = query(con, f"""
            SELECT DISTINCT p.date FROM province_cases p JOIN ({provinces}) k USING (province_code)
            WHERE p.new_deaths IS NULL AND p.date BETWEEN ? AND ? ORDER BY p.date""", [*picked, start, end])
    deaths = tuple(Run(first, last) for first, last in _runs([_day(day) for day in unknown["date"]]))
    missed = tuple(Run(first, last) for first, last in
                   _runs(sorted({_day(day) for day in marked.loc[marked["artefact"] == "missed", "date"]})))
    return RecordNotes(dumps, tuple(sorted(gaps, key=lambda run: run.first)), deaths, corrections, missed)
