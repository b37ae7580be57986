"""SQL behind the Trends page (Diễn biến dịch), beyond what data/db.py already serves.

Units are named by their URL key: 'VN' (the country), a 2-digit province code or a
3-digit district code. Country and province cases come from `province_cases`, the
official series exactly as published, so the curves can be checked against the
Ministry's figures; district cases come from `cases` (observed in the announcement
window, estimated elsewhere) and say which is which.
"""
from __future__ import annotations

import pandas as pd

from data import vaccination
from data.db import AREA_FILTER, COUNTRY, COUNTRY_KEY, DISTRICT, Area, area_params, official_province_cases, query



def _dates(start, end) -> list:
    return [start, start, end, end]


def _between(column: str) -> str:
    return f"(?::DATE IS NULL OR {column} >= ?::DATE) AND (?::DATE IS NULL OR {column} <= ?::DATE)"


def case_series(con, area: Area, start=None, end=None) -> pd.DataFrame:
    """Daily cases and deaths of one area with the observed part of each figure.

    Columns: date, new_cases, new_deaths, observed_cases, observed_deaths. The country and a
    province are the published series (data.db.official_province_cases: all observed); a district
    is the `cases` table.
    """
    if area.level == DISTRICT:
        return query(
            con,
            f"""SELECT date, new_cases::BIGINT AS new_cases, new_deaths::BIGINT AS new_deaths,
                       (CASE WHEN source = 'observed' THEN new_cases ELSE 0 END)::BIGINT AS observed_cases,
                       (CASE WHEN deaths_source = 'observed' THEN new_deaths ELSE 0 END)::BIGINT AS observed_deaths
                FROM cases WHERE district_code = ? AND {_between('date')} ORDER BY date""",
            [area.code, *_dates(start, end)],
        )
    published = official_province_cases(con, area.code, start, end)
    return published.assign(observed_cases=published["new_cases"], observed_deaths=published["new_deaths"])


def transmission_series(con, area: Area, start=None, end=None) -> pd.DataFrame:
    """Daily cases of one area by origin, for Rt: the adjusted series (backlog dumps spread back).

    Columns: date, new_cases (all origins), imported_cases, community_cases (found outside quarantine),
    split_source (the origin of the split: simulated except where the real split exists).
    """
    return query(
        con,
        f"""SELECT date, SUM(new_cases_adjusted)::BIGINT AS new_cases, SUM(imported_cases)::BIGINT AS imported_cases,
                   SUM(community_cases)::BIGINT AS community_cases, MAX(split_source) AS split_source
            FROM cases c JOIN districts d USING (district_code)
            WHERE ({AREA_FILTER}) AND {_between('date')} GROUP BY date ORDER BY date""",
        [*area_params(area), *_dates(start, end)],
    )


def units(con) -> pd.DataFrame:
    """Every unit the page can compare: the country, the provinces and the districts.

    Columns: unit (URL key), level, name, parent (province name of a district), province_code, population.
    """
    return query(
        con,
        """SELECT ? AS unit, ? AS level, '' AS name, '' AS parent, NULL::TEXT AS province_code,
                  SUM(population)::BIGINT AS population
           FROM districts
           UNION ALL
           SELECT province_code, 'province', province_name, '', province_code, population FROM provinces
           UNION ALL
           SELECT district_code, 'district', district_name, province_name, province_code, population FROM districts
           ORDER BY unit""",
        [COUNTRY_KEY, COUNTRY],
    )


def national_owid(con, start=None, end=None) -> pd.DataFrame:
    """The national series as Our World in Data published it (real tests and positivity to 2022-01-10)."""
    return query(
        con,
        f"""SELECT date, new_cases, new_deaths, new_tests, positive_rate, people_vaccinated,
                   people_fully_vaccinated, reproduction_rate, source
            FROM national_owid WHERE {_between('date')} ORDER BY date""",
        _dates(start, end),
    )


def vaccination_series(con, area: Area, start=None, end=None) -> pd.DataFrame:
    """Cumulative people vaccinated per weekly record, age band and dose, summed over the area."""
    return query(
        con,
        f"""SELECT v.date, v.age_group, v.dose, SUM(v.people)::BIGINT AS people, MIN(v.source) AS source
            FROM vaccinations v JOIN districts d USING (district_code)
            WHERE ((? = 'country') OR (? = 'province' AND d.province_code = ?)
                   OR (? = 'district' AND d.district_code = ?))
              AND {_between('v.date')}
            GROUP BY v.date, v.age_group, v.dose ORDER BY v.date, v.age_group, v.dose""",
        [area.level, area.level, area.code, area.level, area.code, *_dates(start, end)],
    )


def vaccination_estimates(con, area: Area, start=None, end=None) -> pd.DataFrame:
    """Each province's people with ≥1 dose and fully vaccinated as estimated from the record (data.vaccination:
    the portal's snapshots exactly on their dates, the published province figures and the country's pace before
    them), with the population of the portal's snapshot and each row's origin: the province, or every province for
    the country. Empty for a district: nothing was published below the province."""
    return query(
        con,
        f"""SELECT date, province_code, people_dose1, people_full, population, source
            FROM province_vaccination_estimates
            WHERE ? AND (?::TEXT IS NULL OR province_code = ?) AND {_between('date')}
            ORDER BY date, province_code""",
        [area.level != DISTRICT, area.code, area.code, *_dates(start, end)],
    )


def vaccination_anchors(con, area: Area, start=None, end=None) -> pd.DataFrame:
    """The people vaccinated that a province published before the portal's snapshots, the exact figures its estimate
    goes through (data.vaccination.ANCHORS; a share "at least" is a bound, not a figure; a percentage of adults is
    of the first snapshot's adults, as the estimate reads it): date, dose (dose1 | full), people, source_url. Empty for
    the country and a district: each anchor is one province's."""
    anchors = pd.read_csv(vaccination.ANCHORS, dtype={"province_code": str}, parse_dates=["date"])
    days = anchors["date"].dt.date
    rows = ((anchors["province_code"] == area.code) & (area.level not in (COUNTRY, DISTRICT))
            & (anchors["bound"] == "exact")
            & (start is None or days >= start) & (end is None or days <= end))
    adults = query(con, """SELECT province_code, population_18plus FROM province_vaccination_snapshots
                           WHERE province_code = ? ORDER BY date LIMIT 1""", [area.code])
    people = vaccination.with_people(anchors[rows], adults.set_index("province_code")["population_18plus"])
    return people[["date", "dose", "people", "source_url"]].reset_index(drop=True)


def vaccination_snapshots(con, area: Area, start=None, end=None) -> pd.DataFrame:
    """The vaccination portal's snapshots for a province or the country (summed), as published.

    Empty for a district: the portal published no district figures.
    """
    return query(
        con,
        f"""SELECT date, SUM(population)::BIGINT AS population, SUM(population_18plus)::BIGINT AS population_18plus,
                   SUM(people_dose1)::BIGINT AS people_dose1, SUM(people_dose2)::BIGINT AS people_dose2,
                   SUM(doses_total)::BIGINT AS doses_total, MIN(source) AS source
            FROM province_vaccination_snapshots
            WHERE ? AND (?::TEXT IS NULL OR province_code = ?) AND {_between('date')}
            GROUP BY date ORDER BY date""",
        [area.level != DISTRICT, area.code, area.code, *_dates(start, end)],
    )
