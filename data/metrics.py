"""The metrics frame: every count and rate the product shows, for any units and days, each with its origin.

Computed where the data lives, in DuckDB SQL with window functions: one row per (unit, day) for districts,
provinces or the country. A province or the country is aggregated from its districts by the same SQL (counts
summed first, rates computed after, never averaged), with one exception that is the product's rule for cases:

* where a province's districts carry uploaded (observed) case figures for a day, the province's cases and
  deaths that day are the districts' sum, and their origin is the districts' combined origin;
* otherwise they are the published official series (`province_cases`, observed);
* where both exist and differ, the row says so: `cases_conflict` is true and `published_new_cases` holds the
  published number beside `new_cases` (the district sum), so pages and reports show both.

The country is the sum of its provinces. Origins are carried as ranks (indicators.origin.ORIGINS) inside SQL
and come back as categoricals named `<group>_origin`; every rule-set input column `x` has `x_origin`, so the
classified view can say what each reason rests on.

Two shapes share the definitions: `daily` (any day: 7-day windows over calendar days) and `weekly` (the Sunday
of each complete Monday–Sunday week, from weekly sums: what the levels are judged on). A week's sums are the
7-day sums of its Sunday, so both shapes agree on every Sunday (tests/test_metrics_frame.py checks it).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from data.db import COUNTRY, COUNTRY_KEY, DISTRICT, PROVINCE, Area, query
from indicators.origin import ORIGINS, RANK
from indicators.policy import number

# The cases every rate uses: ONE expression over the `cases` table (c) and ONE over `province_cases` (p).
# Switch both to the adjusted series (backlog dumps spread out) here and nowhere else.
CASES_FOR_RATES = "c.new_cases_adjusted"
PUBLISHED_CASES_FOR_RATES = "p.new_cases_adjusted"
# Their origin: a day whose count was adjusted (part of a backlog spread back) is an estimate, never observed.
CASES_ORIGIN = "CASE WHEN c.new_cases_adjusted IS DISTINCT FROM c.new_cases THEN 'estimated' ELSE c.source END"
PUBLISHED_CASES_ORIGIN = "CASE WHEN p.new_cases_adjusted IS DISTINCT FROM p.new_cases THEN 'estimated' ELSE p.source END"

LEVELS = (DISTRICT, PROVINCE, COUNTRY)
LOOKBACK_DAYS = 13  # days before the first day asked for that the 14-day figures need

# Counts summed over units, per group, with the group's origin column (a rank) in the district rows.
CASE_COUNTS = ("new_cases", "observed_cases", "new_deaths")
SPLIT_COUNTS = ("community_cases", "quarantine_cases", "imported_cases")
LOAD_COUNTS = ("in_treatment", "oxygen", "icu", "admissions")
BED_COUNTS = ("covid_beds_total", "covid_beds_occupied", "icu_beds_staffed", "icu_beds_occupied", "ventilators",
              "ventilators_in_use", "oxygen_supply_m3_per_day")
TEST_COUNTS = ("samples", "pooled_samples", "positives", "pcr_capacity")
TRACING_COUNTS = ("f1_identified", "f2_identified", "centralized_quarantine", "home_isolation")
# (column, first age, dose): cumulative people vaccinated, carried forward from the last weekly record.
VACCINATED = (("people_18plus_dose1", 18, "dose1"), ("people_18plus_full", 18, "full"),
              ("people_50plus_full", 50, "full"), ("people_50plus_booster", 50, "booster"),
              ("people_65plus_full", 65, "full"))
VACCINATION_BANDS = {18: ("18-49", "50-64", "65+"), 50: ("50-64", "65+"), 65: ("65+",)}
POPULATIONS = (("population_18plus", 18), ("population_50plus", 50), ("population_65plus", 65))
# The adults that 18+ coverage is a share of: the census adults scaled so that a province's districts add up to
# the adults of the portal snapshot in force (province_vaccination_estimates), where the snapshots give them.
COVERAGE_ADULTS = "coverage_population_18plus"
DENOMINATORS = {18: COVERAGE_ADULTS, 50: "population_50plus", 65: "population_65plus"}
ORIGIN_GROUPS = ("cases", "deaths", "split", "load", "beds", "tests", "tracing", "vaccinations")
# Sums over 7 days (and the 7 before): (name, daily count, origin group).
WINDOW_SUMS = (("new_cases_7d", "new_cases", "cases"), ("community_cases_7d", "community_cases", "split"),
               ("new_deaths_7d", "new_deaths", "deaths"), ("oxygen_7d", "oxygen", "load"),
               ("admissions_7d", "admissions", "load"), ("samples_7d", "samples", "tests"),
               ("positives_7d", "positives", "tests"), ("f1_identified_7d", "f1_identified", "tracing"))
WINDOW_ORIGINS = ("cases", "split", "deaths", "load", "tests", "tracing")


def _rank(column: str) -> str:
    """SQL: an origin word as its rank (0 observed … 3 simulated), NULL when unknown."""
    return f"CASE {column} " + " ".join(f"WHEN '{o}' THEN {r}" for o, r in RANK.items()) + " END::TINYINT"


def _combined(low: str, high: str) -> str:
    """SQL: the combined origin rank of parts whose ranks run from `low` to `high` (indicators.origin.combine)."""
    o, m, e, s = (RANK[name] for name in ORIGINS)
    return (f"(CASE WHEN {low} IS NULL THEN NULL WHEN {low} = {high} THEN {low} WHEN {high} = {s} THEN {s} "
            f"WHEN {low} <= {m} THEN {m} ELSE {e} END)::TINYINT")


def origin_sql(column: str, rows: str = "TRUE") -> str:
    """SQL: the combined origin word of `column` over the rows where `rows` holds (NULL when there are none),
    for queries that sum a table themselves."""
    words = "[" + ", ".join(f"'{o}'" for o in ORIGINS) + "]"
    low = f"MIN({_rank(column)}) FILTER (WHERE {rows})"
    high = f"MAX({_rank(column)}) FILTER (WHERE {rows})"
    return f"{words}[{_combined(low, high)} + 1]"


def _population_share(min_age: int) -> str:
    """SQL: the share of a census band's people aged ≥ min_age (ages spread evenly over its 5 years)."""
    start = "TRY_CAST(regexp_extract(age_group, '^(\\d+)', 1) AS INTEGER)"
    return f"GREATEST(0, {start} + 5 - GREATEST({start}, {min_age})) / 5.0"


def _at_least_zero(value: str) -> str:
    """SQL: `value`, 0 where it is negative, unknown where it is (DuckDB's GREATEST skips NULLs: GREATEST(0, NULL)
    is 0, an unknown figure shown as a real zero)."""
    return f"CASE WHEN {value} < 0 THEN 0 ELSE {value} END"


def _at_most(value: str, cap: str) -> str:
    """SQL: `value`, `cap` where it is above it, unknown where it is (LEAST(100, NULL) is 100 in DuckDB)."""
    return f"CASE WHEN {value} > {cap} THEN {cap} ELSE {value} END"


def _admitted(today: str, yesterday: str) -> str:
    """SQL: a day's admissions estimated from patients under treatment (policy: assumed mean stay L): those
    in treatment today less those of yesterday who stay, 1 - 1/L of them; never below 0, unknown without both."""
    return _at_least_zero(f"({today} - {yesterday} * (1 - 1 / {number('treatment', 'assumed_mean_stay_days')}))")


def _admissions(table: str = "c") -> str:
    """SQL: `_admitted` of each day of a daily relation, yesterday's patients read by a window."""
    return _admitted(f"{table}.in_treatment",
                     f"LAG({table}.in_treatment) OVER (PARTITION BY {table}.district_code ORDER BY {table}.date)")


WEEKDAYS = range(1, 8)  # ISO: Monday 1 … Sunday 7


def _week_admissions() -> str:
    """SQL (district_weeks' columns): the Sunday's admissions and the week's sum, from the patients of each day of
    the week (`in_treatment_1` … `_7` of case_weeks `c`) and of the Sunday before (`before_sunday`): a week is
    known when all eight are. Read from one week's row: a window over the 11 M days took a sixth of a commune-
    scale refresh."""
    days = ["before_sunday", *(f"c.in_treatment_{day}" for day in WEEKDAYS)]
    each = [_admitted(today, yesterday) for yesterday, today in zip(days, days[1:])]
    return (f"{each[-1]} AS admissions, "
            f"CASE WHEN {' AND '.join(f'{day} IS NOT NULL' for day in days)} THEN {' + '.join(each)} END "
            f"AS admissions_7d")


def _coverage_adults() -> str:
    """SQL: a district's adults for 18+ coverage (COVERAGE_ADULTS), from `a` (census) and `v` (the scale)."""
    return f"ROUND(a.population_18plus * COALESCE(v.adults_scale, 1)) AS {COVERAGE_ADULTS}"  # whole people


def _district_days(whole_history: bool = False, admissions: bool = True) -> str:
    """SQL of the district-day rows (the `district_days` CTE): every count and its origin rank, read from the
    14 days before the first day asked for (the windows' lead), or from the first day of data. Without
    `admissions`, the rows leave them out (the weekly shape reads them from a narrow window of its own).

    Parameters: unit codes (TEXT[] or NULL for all), unit level, unit codes, first day (or NULL), last day (or NULL).
    """
    read_from = "NULL::DATE" if whole_history else "(shown_first - INTERVAL 14 DAY)::DATE"
    # each record's band as the first age of its band (NULL for the bands under 18): one lookup a row, then
    # integer comparisons, instead of a list of band names per figure (20 M records at commune scale)
    from_age = ("CASE age_group " + " ".join(f"WHEN '{band}' THEN {int(band[:2])}" for band in VACCINATION_BANDS[18])
                + " END")
    # only the adults' records are read: every figure is of adults (children's records are 40 % of 20 M)
    adult_bands = ", ".join(f"'{band}'" for band in VACCINATION_BANDS[18])
    vaccinated = ",\n".join(f"(SUM(people) FILTER (WHERE dose = '{dose}' AND from_age >= {age}))::BIGINT AS {name}"
                            for name, age, dose in VACCINATED)
    complete = ",\n".join(f"COUNT(*) FILTER (WHERE dose = '{dose}' AND from_age >= {age}) = "
                          f"{len(VACCINATION_BANDS[age])} AS {name}_complete" for name, age, dose in VACCINATED)
    return f"""
    picked AS (
        SELECT district_code, province_code, population::DOUBLE AS population FROM districts
        WHERE ? IS NULL OR (CASE ? WHEN 'district' THEN district_code WHEN 'province' THEN province_code
                                   ELSE '{COUNTRY_KEY}' END) = ANY(?::TEXT[])),
    asked AS (SELECT ?::DATE AS shown_first, ?::DATE AS last),
    span AS (SELECT {read_from} AS first, shown_first, last FROM asked),
    uploaded AS (
        SELECT DISTINCT r.date, r.unit_code AS district_code FROM revisions r JOIN uploads u USING (upload_id)
        WHERE r.table_name = 'cases' AND u.rolled_back_at IS NULL),
    ages AS (
        -- whole people: a sum of fractions in parallel threads is not the same to the last digit twice
        SELECT district_code, {', '.join(f'ROUND(SUM(population * {_population_share(age)})) AS {name}' for name, age in POPULATIONS)}
        FROM population_by_age WHERE district_code IN (SELECT district_code FROM picked) GROUP BY district_code),
    province_adults AS (
        SELECT d.province_code, SUM(p.population * {_population_share(18)}) AS census_18plus
        FROM population_by_age p JOIN districts d USING (district_code)
        WHERE d.province_code IN (SELECT province_code FROM picked) GROUP BY d.province_code),
    vaccinated_days AS (
        SELECT district_code, date, {vaccinated}, {complete}, MAX({_rank('source')}) AS vaccinations_rank
        FROM (SELECT district_code, date, dose, people, source, {from_age} AS from_age FROM vaccinations
              WHERE age_group IN ({adult_bands})), span
        WHERE district_code IN (SELECT district_code FROM picked) AND (span.last IS NULL OR date <= span.last)
        GROUP BY district_code, date),
    adults_scales AS (
        -- one scale per province and day of record (thousands of rows), not one per district row
        SELECT s.province_code, s.date, e.population_18plus / NULLIF(a.census_18plus, 0) AS adults_scale
        FROM (SELECT DISTINCT k.province_code, v.date FROM vaccinated_days v JOIN picked k USING (district_code)) s
        LEFT JOIN province_adults a USING (province_code)
        ASOF LEFT JOIN province_vaccination_estimates e ON e.province_code = s.province_code AND s.date >= e.date),
    vaccinated AS (
        SELECT v.*, s.adults_scale
        FROM vaccinated_days v JOIN picked k USING (district_code)
        LEFT JOIN adults_scales s ON s.province_code = k.province_code AND s.date = v.date),
    case_rows AS NOT MATERIALIZED (
        SELECT c.date, c.district_code, k.province_code, k.population,
               {CASES_FOR_RATES} AS new_cases,
               CASE WHEN ({CASES_ORIGIN}) = 'observed' THEN {CASES_FOR_RATES} ELSE 0 END AS observed_cases,
               c.new_deaths, c.community_cases, c.quarantine_cases, c.imported_cases, c.in_treatment, c.oxygen, c.icu,
               {f"{_admissions()} AS admissions," if admissions else ""}
               {_rank(CASES_ORIGIN)} AS cases_rank, {_rank('c.deaths_source')} AS deaths_rank,
               {_rank('c.split_source')} AS split_rank, {_rank('c.load_source')} AS load_rank,
               u.date IS NOT NULL AS uploaded
        FROM cases c JOIN picked k USING (district_code) CROSS JOIN span
        LEFT JOIN uploaded u ON u.date = c.date AND u.district_code = c.district_code
        WHERE (span.first IS NULL OR c.date >= span.first - INTERVAL 1 DAY) AND (span.last IS NULL OR c.date <= span.last)),
    district_days AS (
        SELECT r.*, {', '.join(f'b.{c}' for c in BED_COUNTS)}, {_rank('b.source')} AS beds_rank,
               {', '.join(f't.{c}' for c in TEST_COUNTS)}, {_rank('t.source')} AS tests_rank,
               {', '.join(f'q.{c}' for c in TRACING_COUNTS)}, {_rank('q.source')} AS tracing_rank,
               {', '.join(f'CASE WHEN v.{name}_complete THEN v.{name} END AS {name}' for name, _, _ in VACCINATED)},
               v.date AS vaccination_date, v.vaccinations_rank,
               {', '.join(f'a.{name}' for name, _ in POPULATIONS)}, {_coverage_adults()}
        FROM case_rows r CROSS JOIN span
        LEFT JOIN beds b ON b.date = r.date AND b.district_code = r.district_code
        LEFT JOIN tests t ON t.date = r.date AND t.district_code = r.district_code
        LEFT JOIN tracing q ON q.date = r.date AND q.district_code = r.district_code
        LEFT JOIN ages a ON a.district_code = r.district_code
        ASOF LEFT JOIN vaccinated v ON v.district_code = r.district_code AND r.date >= v.date
        WHERE span.first IS NULL OR r.date >= span.first)"""


def _summed(source: str, key: str, extra: str = "") -> str:
    """SQL that sums a district-day (or province-day) relation to `key` and day: the one aggregation of units.

    Counts are summed (a unit without a figure adds nothing; unknown only when no unit has one); each origin
    group's rank is combined over the units.
    """
    counts = (*CASE_COUNTS, *SPLIT_COUNTS, *LOAD_COUNTS, *BED_COUNTS, *TEST_COUNTS, *TRACING_COUNTS,
              *(name for name, _, _ in VACCINATED), "population", *(name for name, _ in POPULATIONS), COVERAGE_ADULTS)
    origins = ", ".join(f"MIN({g}_rank_low) AS {g}_rank_low, MAX({g}_rank_high) AS {g}_rank_high"
                        for g in ORIGIN_GROUPS)
    return f"""SELECT {key} AS unit_code, date, {', '.join(f'SUM({c}) AS {c}' for c in counts)},
                      MAX(vaccination_date) AS vaccination_date, BOOL_OR(uploaded) AS uploaded, {origins} {extra}
               FROM {source} GROUP BY ALL"""


def _ranged(relation: str) -> str:
    """District rows with each origin rank as a (low, high) pair, so sums of units combine them."""
    pairs = ", ".join(f"{g}_rank AS {g}_rank_low, {g}_rank AS {g}_rank_high" for g in ORIGIN_GROUPS)
    return f"(SELECT * EXCLUDE ({', '.join(f'{g}_rank' for g in ORIGIN_GROUPS)}), {pairs} FROM {relation})"


# The rule for a province's cases: the districts' sum on a day they uploaded, otherwise the published figure.
RULED_BY_UPLOADS = (("new_cases", "new_cases", "new_cases"), ("observed_cases", "observed_cases", "new_cases"),
                    ("new_deaths", "new_deaths", "new_deaths"),
                    *((f"{g}_rank_{end}", "rank", "new_cases") for g in ("cases", "deaths") for end in ("low", "high")))


def _published() -> str:
    """SQL of the `published` CTE: the official province series over the span (and the day before it)."""
    return f"""published AS (
        SELECT p.date, p.province_code AS unit_code, {PUBLISHED_CASES_FOR_RATES} AS new_cases, p.new_deaths,
               {_rank(PUBLISHED_CASES_ORIGIN)} AS rank,
               -- a day the backlog adjustment changed is estimated: none of its cases is observed
               CASE WHEN ({PUBLISHED_CASES_ORIGIN}) = 'observed' THEN {PUBLISHED_CASES_FOR_RATES} ELSE 0 END
                   AS observed_cases
        FROM province_cases p, span
        WHERE p.province_code IN (SELECT province_code FROM picked)
          AND (span.first IS NULL OR p.date >= span.first - INTERVAL 1 DAY) AND (span.last IS NULL OR p.date <= span.last))"""


def _uploads_beat_published(districts: str) -> list[str]:
    """SQL of the province's case columns under the rule, from the districts' sums (`districts`) and `p`."""
    return [f"CASE WHEN {districts}.uploaded OR p.{present} IS NULL THEN {districts}.{column} ELSE p.{published} END "
            f"AS {column}" for column, published, present in RULED_BY_UPLOADS]


def _units(level: str) -> str:
    """SQL of the `units` CTE: unit-day counts at `level`, with the uploads-beat-published rule for provinces."""
    districts = f"SELECT * EXCLUDE (province_code), district_code AS unit_code FROM {_ranged('district_days')}"
    if level == DISTRICT:
        return f"""units AS (SELECT * EXCLUDE (district_code), NULL::BIGINT AS published_new_cases,
                                    FALSE AS cases_conflict FROM ({districts}))"""
    provinces = f"""
    summed AS ({_summed(_ranged('district_days'), 'province_code')}),
    {_published()},
    provinces AS (
        SELECT s.* REPLACE ({', '.join(_uploads_beat_published('s'))}),
               p.new_cases AS published_new_cases,
               COALESCE(s.uploaded AND p.new_cases IS DISTINCT FROM s.new_cases, FALSE) AS cases_conflict
        FROM summed s LEFT JOIN published p USING (unit_code, date))"""
    if level == PROVINCE:
        return f"{provinces},\n    units AS (SELECT * FROM provinces)"
    return f"""{provinces},
    units AS ({_summed('provinces', f"'{COUNTRY_KEY}'",
                       ", SUM(published_new_cases) AS published_new_cases, BOOL_OR(cases_conflict) AS cases_conflict")})"""


def _per_100k(count: str, population: str = "population") -> str:
    return f"{count} * 100000.0 / NULLIF({population}, 0)"


def _pct(part: str, whole: str) -> str:
    return f"100.0 * {part} / NULLIF({whole}, 0)"


def _rates() -> str:
    """SQL of every rate from the counts and the window sums: the one place rates are defined."""
    target = number("vaccination", "high_risk_full_target_pct")
    covid, icu = number("treatment", "covid_bed_occupancy_limit_pct"), number("treatment", "icu_occupancy_limit_pct")
    least = number("transmission", "min_weekly_cases_for_growth")
    rates = {
        "cases_per_100k_7d": _per_100k("new_cases_7d"),
        "community_cases_per_100k_7d": _per_100k("community_cases_7d"),
        "cases_per_100k_14d_mean": _per_100k("(new_cases_7d + new_cases_prev_7d) / 2.0"),
        "community_cases_per_100k_14d_mean": _per_100k("(community_cases_7d + community_cases_prev_7d) / 2.0"),
        "deaths_per_100k_7d": _per_100k("new_deaths_7d"),
        "new_cases_per_100k": _per_100k("new_cases"),
        "new_deaths_per_100k": _per_100k("new_deaths"),
        "oxygen_cases_per_100k_7d_avg": _per_100k("oxygen_7d / 7.0"),
        "admissions_per_100k_7d": _per_100k("admissions_7d"),
        "vacant_covid_beds_per_100k": _per_100k(_at_least_zero("(covid_beds_total - covid_beds_occupied)")),
        "staffed_icu_beds_per_100k": _per_100k("icu_beds_staffed"),
        "oxygen_supply_m3_per_100k": _per_100k("oxygen_supply_m3_per_day"),
        "covid_bed_occupancy_pct": _pct("covid_beds_occupied", "covid_beds_total"),
        "icu_occupancy_pct": _pct("icu_beds_occupied", "icu_beds_staffed"),
        "inpatient_beds_covid_pct": _pct("covid_beds_occupied", "covid_beds_total"),
        "ventilator_use_pct": _pct("ventilators_in_use", "ventilators"),
        "test_positivity_pct": _pct("positives_7d", "samples_7d"),
        "pcr_use_pct": _pct("samples", "pcr_capacity"),
        "f1_per_case_7d": "f1_identified_7d / NULLIF(new_cases_7d, 0)",
        **{f"pct_{name.removeprefix('people_')}": _at_most(f"({_pct(name, DENOMINATORS[age])})", "100.0")
           for name, age, _ in VACCINATED},
        "cases_wow_change_pct": "(new_cases_7d / NULLIF(new_cases_prev_7d, 0) - 1) * 100",
        # only where both weeks hold enough cases for their ratio to say more than chance (policy [transmission])
        "cases_growth_rate": f"""CASE WHEN new_cases_7d >= {least} AND new_cases_prev_7d >= {least}
                                      THEN ln(new_cases_7d / new_cases_prev_7d) / 7 END""",
    }
    flags = {
        "high_risk_full_target_met": f"pct_50plus_full >= {float(target)}",
        # More people vaccinated than the denominator (people vaccinated where they work, not where they live;
        # the portal counted them where they got their dose): coverage is shown as 100 % and says why.
        "vaccinated_beyond_population": " OR ".join(f"{name} > {DENOMINATORS[age]}" for name, age, _ in VACCINATED),
        # QĐ 4800 criterion 3 (khả năng thu dung): COVID-19 beds below the limit and, where the unit has staffed
        # ICU beds, ICU below its limit; unknown without COVID-19 beds or bed figures.
        "treatment_capacity_met": f"""CASE WHEN covid_bed_occupancy_pct IS NULL OR icu_beds_staffed IS NULL
                                           OR (icu_beds_staffed > 0 AND icu_occupancy_pct IS NULL) THEN NULL
                                      ELSE covid_bed_occupancy_pct < {covid}
                                           AND (icu_beds_staffed = 0 OR icu_occupancy_pct < {icu}) END""",
    }
    growth = {
        "cases_doubling_time_days": "ln(2) / CASE WHEN cases_growth_rate > 0 THEN cases_growth_rate END",
        "cases_halving_time_days": "ln(2) / CASE WHEN cases_growth_rate < 0 THEN -cases_growth_rate END",
    }
    return rates, flags, growth


# Which origin each rate and rule-set input carries: (column, origin expression over the *_origin ranks).
def _input_origins() -> dict[str, str]:
    beds, vaccinations = "beds_origin", "vaccinations_origin"
    return {
        "new_cases_7d": "cases_7d_origin", "cases_per_100k_7d": "cases_7d_origin",
        "cases_per_100k_14d_mean": "cases_14d_origin",
        "community_cases_per_100k_7d": "GREATEST(split_7d_origin, cases_7d_origin)",
        "community_cases_per_100k_14d_mean": "GREATEST(split_7d_origin, cases_14d_origin)",
        "deaths_per_100k_7d": "deaths_7d_origin", "oxygen_cases_per_100k_7d_avg": "load_7d_origin",
        "admissions_per_100k_7d": "load_7d_origin", "test_positivity_pct": "tests_7d_origin",
        "vacant_covid_beds_per_100k": beds, "staffed_icu_beds_per_100k": beds, "covid_bed_occupancy_pct": beds,
        "icu_occupancy_pct": beds, "inpatient_beds_covid_pct": beds, "treatment_capacity_met": beds,
        **{f"pct_{name.removeprefix('people_')}": vaccinations for name, _, _ in VACCINATED},
    }


def _finish(windowed: str) -> str:
    """SQL turning the windowed relation into the frame: rates, flags, growth and every origin."""
    rates, flags, growth = _rates()
    named_origins = ", ".join(f"{_combined(f'{g}_rank_low', f'{g}_rank_high')} AS {g}_origin" for g in ORIGIN_GROUPS)
    return f"""
    with_rates AS (SELECT *, {', '.join(f'{sql} AS {name}' for name, sql in rates.items())}, {named_origins}
                   FROM {windowed}),
    with_flags AS (SELECT *, {', '.join(f'{sql} AS {name}' for name, sql in {**flags, **growth}.items())}
                   FROM with_rates)
    SELECT * EXCLUDE ({', '.join(f'{g}_rank_low, {g}_rank_high' for g in ORIGIN_GROUPS)}),
           {', '.join(f'{sql} AS {name}_origin' for name, sql in _input_origins().items())}
    FROM with_flags"""


def _window_origin(group: str, frame: str) -> str:
    return _combined(f"MIN({group}_rank_low) OVER {frame}", f"MAX({group}_rank_high) OVER {frame}")


def _params(level: str, codes, start, end) -> list:
    if level not in LEVELS:
        raise ValueError(f"unit level must be one of {LEVELS}, not {level!r}")
    codes = None if codes is None else [str(code) for code in codes]
    return [codes, level, codes, start, end]


def flag(value) -> bool:
    """A flag column's value as a plain bool: unknown (NULL) is not set."""
    return bool(pd.notna(value) and value)


def origin_word(rank_column: str) -> str:
    """SQL: an origin rank column (as the metrics SQL and the stored weekly_metrics keep them) as its word."""
    return "[" + ", ".join(f"'{o}'" for o in ORIGINS) + f"][{rank_column} + 1]"


def as_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Origin ranks of a frame read from SQL as categoricals of indicators.origin.ORIGINS."""
    return _as_frame(frame, None)


def _as_frame(frame: pd.DataFrame, level: str | None) -> pd.DataFrame:
    """Origin ranks as categoricals of indicators.origin.ORIGINS; the unit level in its own column."""
    for column in frame.columns[frame.columns.str.endswith("_origin")]:
        ranks = frame[column].astype("Float64").fillna(-1).astype("int8").to_numpy()
        frame[column] = pd.Categorical.from_codes(ranks, categories=list(ORIGINS))
    if "unit_level" not in frame:
        frame.insert(0, "unit_level", level)
    return frame


def daily(con, level: str, codes=None, start: dt.date | None = None, end: dt.date | None = None,
          cumulative: bool = False) -> pd.DataFrame:
    """The metrics frame of the units of `level` (all, or those in `codes`) on every day from `start` to `end`.

    Columns: unit_level, unit_code, date, the counts of the day, 7-day sums (`…_7d`, `…_prev_7d`), every rate,
    `<group>_origin` per origin group, `<x>_origin` per rate, `published_new_cases` and `cases_conflict`; with
    `cumulative`, also cumulative_cases and cumulative_deaths (from the first day of data) and their origins.
    """
    running = ("" if not cumulative else ", " + ", ".join(
        [f"SUM({count}) OVER wc AS cumulative_{name}, {_window_origin(group, 'wc')} AS cumulative_{name}_origin"
         for name, count, group in (("cases", "new_cases", "cases"), ("deaths", "new_deaths", "deaths"))]))
    windowed = ", ".join(
        [f"""CASE WHEN COUNT({count}) OVER w7 = 7 THEN SUM({count}) OVER w7 END AS {name},
             CASE WHEN COUNT({count}) OVER wp = 7 THEN SUM({count}) OVER wp END AS {name.replace('_7d', '_prev_7d')}"""
         for name, count, _ in WINDOW_SUMS]
        + [f"{_window_origin(group, 'w7')} AS {group}_7d_origin" for group in WINDOW_ORIGINS]
        + [f"{_window_origin('cases', 'w14')} AS cases_14d_origin"])
    sql = f"""WITH {_district_days(cumulative)},
    {_units(level)},
    windowed AS (
        SELECT *, {windowed} {running} FROM units
        WINDOW wc AS (PARTITION BY unit_code ORDER BY date ROWS UNBOUNDED PRECEDING),
               w7 AS (PARTITION BY unit_code ORDER BY date RANGE BETWEEN INTERVAL 6 DAY PRECEDING AND CURRENT ROW),
               wp AS (PARTITION BY unit_code ORDER BY date RANGE BETWEEN INTERVAL 13 DAY PRECEDING AND INTERVAL 7 DAY PRECEDING),
               w14 AS (PARTITION BY unit_code ORDER BY date RANGE BETWEEN INTERVAL 13 DAY PRECEDING AND CURRENT ROW)),
    shown AS (SELECT windowed.* FROM windowed, span WHERE (span.shown_first IS NULL OR date >= span.shown_first)),
    {_finish('shown')[1:]}
    ORDER BY unit_code, date"""
    return _as_frame(query(con, sql, _params(level, codes, start, end)), level)


def weekly(con, level: str, codes=None, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """The metrics frame on the Sunday of every complete week (Monday to Sunday) from `start` to `end`: what the
    levels are judged on. Columns as `daily`, with `week` (the Monday) and `week_end` (the Sunday) for `date`.

    Sums over a week are its Sunday's 7-day sums; figures of a day (beds, coverage) are the Sunday's.
    """
    return _as_frame(query(con, *weekly_sql(level, codes, start, end)), level)


# Week-first shape of the weekly frame: each table is cut to its Sundays (figures of a day) and summed over its
# weeks (7-day sums) before anything is joined, so joins see one row per unit-week, not seven.
DAY_CASE_COUNTS = (*CASE_COUNTS, *SPLIT_COUNTS, *LOAD_COUNTS)
TABLE_OF_GROUP = {"cases": "case", "deaths": "case", "split": "case", "load": "case", "tests": "test",
                  "tracing": "tracing"}


def _sunday(column: str, name: str | None = None) -> str:
    return f"MAX({column}) FILTER (WHERE isodow(date) = 7) AS {name or column}"


# Counts that are not whole numbers: estimated admissions, oxygen in m³. Every other count is summed as BIGINT:
# DuckDB's SUM of integers is a 128-bit HUGEINT, slower to group, join, window and write (2.5 of 20 s of CPU at
# commune scale) and read back as floats.
FRACTIONAL = frozenset({"admissions", "admissions_7d", "oxygen_supply_m3_per_day"})


def _count_sum(count: str) -> str:
    return f"SUM({count})" if count in FRACTIONAL else f"SUM({count})::BIGINT"


def _with_sunday(rows: str, sums: str, sunday: list[str]) -> str:
    """SQL: the week's aggregates `sums` of the day rows `rows` (district_code, date, …) per district and week, with
    the `sunday` columns of the week's Sunday joined: a Sunday-filtered aggregate per figure would read every day
    of the week once per figure (a quarter of the case sums' time at commune scale)."""
    return f"""SELECT * FROM (SELECT district_code, date_trunc('week', date)::DATE AS week, {sums}
                              FROM {rows} GROUP BY district_code, week)
               LEFT JOIN (SELECT district_code, (date - 6) AS week, {', '.join(sunday)} FROM {rows}
                          WHERE isodow(date) = 7) USING (district_code, week)"""


def _week_sum(name: str, count: str) -> str:
    return f"CASE WHEN COUNT({count}) = 7 THEN {_count_sum(count)} END AS {name}"


def _week_sums(table: str) -> str:
    """SQL: the complete-week sums and the week's origin range of one table's groups (7 figures or unknown);
    admissions come from each day's patients (`_week_admissions`)."""
    sums = [_week_sum(name, count) for name, count, group in WINDOW_SUMS
            if TABLE_OF_GROUP[group] == table and count != "admissions"]
    ranges = [f"MIN({group}_rank) AS {group}_7d_low, MAX({group}_rank) AS {group}_7d_high"
              for group in WINDOW_ORIGINS if TABLE_OF_GROUP[group] == table]
    return ", ".join(sums + ranges)


def _week_units_sum(source: str, key: str, extra: str = "") -> str:
    """SQL summing unit-week rows to `key` and week: counts and sums added, origin ranges combined."""
    counts = (*DAY_CASE_COUNTS, *BED_COUNTS, *TEST_COUNTS, *TRACING_COUNTS, *(name for name, _, _ in VACCINATED),
              *(name for name, _, _ in WINDOW_SUMS))
    people = ("population", *(name for name, _ in POPULATIONS), COVERAGE_ADULTS)  # estimates, not whole numbers
    ranges = [f"MIN({g}_rank_low) AS {g}_rank_low, MAX({g}_rank_high) AS {g}_rank_high" for g in ORIGIN_GROUPS]
    ranges += [f"MIN({g}_7d_low) AS {g}_7d_low, MAX({g}_7d_high) AS {g}_7d_high" for g in WINDOW_ORIGINS]
    sums = [*(f"{_count_sum(c)} AS {c}" for c in counts), *(f"SUM({c}) AS {c}" for c in people)]
    return f"""SELECT {key} AS unit_code, week, ANY_VALUE(date) AS date, {', '.join(sums)},
                      MAX(vaccination_date) AS vaccination_date, BOOL_OR(uploaded) AS uploaded, {', '.join(ranges)}
                      {extra}
               FROM {source} GROUP BY ALL"""


def _week_units(level: str, with_provinces: bool = True) -> str:
    """SQL of the `units_<level>` CTE of the weekly shape: unit-week rows at `level` (provinces: uploads beat the
    published series day by day, as in `daily`). `with_provinces=False` when the province CTEs are already there."""
    ranked = ", ".join(f"{g}_rank AS {g}_rank_low, {g}_rank AS {g}_rank_high" for g in ORIGIN_GROUPS)
    districts = f"""SELECT * EXCLUDE ({', '.join(f'{g}_rank' for g in ORIGIN_GROUPS)}), {ranked}
                    FROM district_weeks"""
    if level == DISTRICT:
        return f"""units_district AS (SELECT * EXCLUDE (district_code, province_code), district_code AS unit_code,
                                    NULL::BIGINT AS published_new_cases, FALSE AS cases_conflict FROM ({districts}))"""
    provinces = "" if not with_provinces else f"""
    province_days AS (
        SELECT province_code AS unit_code, date, {', '.join(f'{_count_sum(c)} AS {c}' for c in CASE_COUNTS)},
               BOOL_OR(uploaded) AS uploaded,
               MIN(cases_rank) AS cases_rank_low, MAX(cases_rank) AS cases_rank_high,
               MIN(deaths_rank) AS deaths_rank_low, MAX(deaths_rank) AS deaths_rank_high
        FROM case_rows, span WHERE span.first IS NULL OR date >= span.first GROUP BY ALL),
    {_published()},
    chosen AS (
        SELECT d.unit_code, d.date, date_trunc('week', d.date)::DATE AS week, {', '.join(_uploads_beat_published('d'))},
               p.new_cases AS published_new_cases,
               COALESCE(d.uploaded AND p.new_cases IS DISTINCT FROM d.new_cases, FALSE) AS cases_conflict
        FROM province_days d LEFT JOIN published p USING (unit_code, date)),
    chosen_weeks AS (
        SELECT unit_code, week, {_sunday('new_cases')}, {_sunday('observed_cases')}, {_sunday('new_deaths')},
               {_sunday('published_new_cases')}, {_sunday('cases_conflict')},
               {', '.join(_sunday(f'{g}_rank_{end}') for g in ('cases', 'deaths') for end in ('low', 'high'))},
               {_week_sum('new_cases_7d', 'new_cases')}, {_week_sum('new_deaths_7d', 'new_deaths')},
               MIN(cases_rank_low) AS cases_7d_low, MAX(cases_rank_high) AS cases_7d_high,
               MIN(deaths_rank_low) AS deaths_7d_low, MAX(deaths_rank_high) AS deaths_7d_high
        FROM chosen GROUP BY unit_code, week),
    summed AS ({_week_units_sum(f'({districts})', 'province_code')}),
    provinces AS (
        SELECT s.* REPLACE ({', '.join(f'c.{column} AS {column}' for column in CHOSEN_WEEK_COLUMNS)}),
               c.published_new_cases, COALESCE(c.cases_conflict, FALSE) AS cases_conflict
        FROM summed s LEFT JOIN chosen_weeks c USING (unit_code, week))"""
    if level == PROVINCE:
        return f"{provinces},\n    units_province AS (SELECT * FROM provinces)"
    return f"""{provinces}{',' if provinces else ''}
    units_country AS ({_week_units_sum('provinces', f"'{COUNTRY_KEY}'",
                               ", SUM(published_new_cases)::BIGINT AS published_new_cases, BOOL_OR(cases_conflict) AS cases_conflict")})"""


CHOSEN_WEEK_COLUMNS = ("new_cases", "observed_cases", "new_deaths", "cases_rank_low", "cases_rank_high",
                       "deaths_rank_low", "deaths_rank_high", "new_cases_7d", "new_deaths_7d", "cases_7d_low",
                       "cases_7d_high", "deaths_7d_low", "deaths_7d_high")


def _weekly_shared(tracing: bool = True) -> str:
    """SQL of the CTEs every level of the weekly shape shares, up to `district_weeks` (one row per district-week).
    Without `tracing`, the tracing table is left out: its columns are there, unknown (what a reader that shows no
    tracing figure saves: 11 M rows grouped at commune scale)."""
    in_span = "(span.first IS NULL OR date >= span.first) AND (span.last IS NULL OR date <= span.last)"
    picked = "district_code IN (SELECT district_code FROM picked)"
    return f"""{_district_days(admissions=False)},
    case_weeks AS ({_with_sunday(
        "(SELECT * FROM case_rows, span WHERE span.first IS NULL OR date >= span.first)",
        f"COUNT(*) AS days, "
        f"{_week_sums('case')}, "
        + ", ".join(f"MAX(in_treatment) FILTER (WHERE isodow(date) = {day}) AS in_treatment_{day}" for day in WEEKDAYS),
        [*(c for c in DAY_CASE_COUNTS if c != 'admissions'), *(f'{g}_rank' for g in ('cases', 'deaths', 'split', 'load')),
         'uploaded'])}),
    bed_weeks AS (
        SELECT district_code, date_trunc('week', date)::DATE AS week, {', '.join(BED_COUNTS)},
               {_rank('source')} AS beds_rank
        FROM beds, span WHERE isodow(date) = 7 AND {picked} AND {in_span}),
    test_weeks AS ({_with_sunday(f"(SELECT *, {_rank('source')} AS tests_rank FROM tests, span WHERE {picked} AND {in_span})",
                                 _week_sums('test'), [*TEST_COUNTS, 'tests_rank'])}),
    tracing_weeks AS ({_with_sunday(
        f"(SELECT *, {_rank('source')} AS tracing_rank FROM tracing, span "
        f"WHERE {picked} AND {in_span} AND {'TRUE' if tracing else 'FALSE'})",
        _week_sums('tracing'), [*TRACING_COUNTS, 'tracing_rank'])}),
    vaccination_weeks AS (
        -- the day of the last record on or before each Sunday: the week's last record, else the one carried
        -- from the weeks before (a window over keys; an ASOF join of the weeks took 4 s at commune scale)
        SELECT district_code, week,
               LAST_VALUE(recorded IGNORE NULLS) OVER (PARTITION BY district_code ORDER BY week) AS vaccination_date
        FROM (SELECT district_code, week FROM case_weeks) c
        FULL JOIN (SELECT district_code, date_trunc('week', date)::DATE AS week, MAX(date) AS recorded
                   FROM vaccinated_days GROUP BY ALL) r USING (district_code, week)),
    district_weeks AS MATERIALIZED (
        SELECT c.* EXCLUDE (days, {', '.join(f'in_treatment_{day}' for day in WEEKDAYS)}), k.province_code, k.population,
               (c.week + INTERVAL 6 DAY)::DATE AS date, {_week_admissions()},
               b.* EXCLUDE (district_code, week), t.* EXCLUDE (district_code, week),
               q.* EXCLUDE (district_code, week),
               {', '.join(f'CASE WHEN v.{name}_complete THEN v.{name} END AS {name}' for name, _, _ in VACCINATED)},
               v.date AS vaccination_date, v.vaccinations_rank,
               {', '.join(f'a.{name}' for name, _ in POPULATIONS)}, {_coverage_adults()}
        FROM case_weeks c JOIN picked k USING (district_code)
        LEFT JOIN (SELECT district_code, week + 7 AS week, in_treatment_7 AS before_sunday FROM case_weeks)
            USING (district_code, week)
        LEFT JOIN bed_weeks b USING (district_code, week)
        LEFT JOIN test_weeks t USING (district_code, week)
        LEFT JOIN tracing_weeks q USING (district_code, week)
        LEFT JOIN ages a USING (district_code)
        LEFT JOIN vaccination_weeks w USING (district_code, week)
        LEFT JOIN vaccinated v ON v.district_code = c.district_code AND v.date = w.vaccination_date
        WHERE c.days = 7)"""


def _weekly_finish(level: str) -> str:
    """SQL (a subquery) of one level's weekly frame from its `units_<level>` CTE: previous weeks, origins, rates."""
    # The week before is joined from the few columns it needs: a window over the whole wide row sorts every
    # column (4.7 s of 18 s at commune scale), and a window over the narrow ones then joined back costs a sort
    # more than the join alone.
    narrow = ", ".join(dict.fromkeys([*(name for name, _, _ in WINDOW_SUMS), "cases_7d_low", "cases_7d_high"]))
    return f"""(WITH windowed AS (
        SELECT u.* EXCLUDE ({', '.join(f'{g}_7d_low, {g}_7d_high' for g in WINDOW_ORIGINS)}), u.date AS week_end,
               {', '.join(f"b.{name} AS {name.replace('_7d', '_prev_7d')}" for name, _, _ in WINDOW_SUMS)},
               {', '.join(f"{_combined(f'u.{g}_7d_low', f'u.{g}_7d_high')} AS {g}_7d_origin" for g in WINDOW_ORIGINS)},
               {_combined('LEAST(u.cases_7d_low, b.cases_7d_low)',
                          'GREATEST(u.cases_7d_high, b.cases_7d_high)')} AS cases_14d_origin
        FROM units_{level} u
        LEFT JOIN (SELECT unit_code, week + 7 AS next_week, {narrow} FROM units_{level}) b
               ON b.unit_code = u.unit_code AND b.next_week = u.week),
    shown AS (SELECT windowed.* FROM windowed, span WHERE (span.shown_first IS NULL OR week >= span.shown_first)),
    {_finish('shown')[1:]})"""


def weekly_sql(level: str, codes=None, start: dt.date | None = None, end: dt.date | None = None) -> tuple[str, list]:
    """The SQL and parameters of `weekly` (origins as ranks)."""
    sql = f"""WITH {_weekly_shared()},
    {_week_units(level)}
    SELECT '{level}' AS unit_level, * EXCLUDE (date) FROM {_weekly_finish(level)} ORDER BY unit_code, week"""
    return sql, _params(level, codes, start, end)


def weekly_all_sql(tracing: bool = True) -> tuple[str, list]:
    """The weekly frame of every district, province and the country in one query (the district weeks computed
    once): what data.levels stores, without a round trip through pandas (which stores no tracing figure:
    `tracing=False`, see _weekly_shared)."""
    branches = " UNION ALL BY NAME ".join(
        f"SELECT '{level}' AS unit_level, * EXCLUDE (date) FROM {_weekly_finish(level)}" for level in LEVELS)
    sql = f"""WITH {_weekly_shared(tracing)},
    {_week_units(DISTRICT)},
    {_week_units(PROVINCE)},
    {_week_units(COUNTRY, with_provinces=False)}
    {branches}"""
    return sql, _params(COUNTRY, None, None, None)


def conflicts(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a metrics frame whose uploaded district sum disagrees with the published province figure:
    date, new_cases (the districts' sum, shown), published_new_cases."""
    return frame.loc[frame["cases_conflict"].fillna(False).astype(bool), ["date", "new_cases", "published_new_cases"]]


def units_of(con, area: Area, day: dt.date) -> pd.DataFrame:
    """The metrics frame on `day` of the districts of an area and, unless the area is a district, of its
    provinces, with their names: unit_level, unit_code, name, province_name, then the frame's columns."""
    districts = query(con, """SELECT district_code AS unit_code, district_name AS name, province_code, province_name
                              FROM districts WHERE ? = 'country' OR (? = 'province' AND province_code = ?)
                                 OR (? = 'district' AND district_code = ?) ORDER BY district_code""",
                      [area.level, area.level, area.code, area.level, area.code])
    frames = [daily(con, DISTRICT, list(districts["unit_code"]), day, day).merge(
        districts.drop(columns="province_code"), on="unit_code", how="left")]
    if area.level != DISTRICT:
        provinces = districts.drop_duplicates("province_code")
        frames.append(daily(con, PROVINCE, list(provinces["province_code"]), day, day).merge(
            provinces[["province_code", "province_name"]].rename(columns={"province_code": "unit_code"}),
            on="unit_code", how="left").assign(name=lambda frame: frame["province_name"]))
    return pd.concat(frames, ignore_index=True)


def of_keys(con, keys, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """`daily` for units named by key (the country, provinces and districts mixed), one query per unit level;
    rows keep the order of the keys' levels, unit_code is the key."""
    areas = [Area.from_key(key) for key in keys]
    frames = [daily(con, level, [area.key for area in areas if area.level == level], start, end)
              for level in LEVELS if any(area.level == level for area in areas)]
    return pd.concat(frames, ignore_index=True) if frames else daily(con, COUNTRY, [], start, end)


def of_area(con, area: Area, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """`daily` for one area (the country, a province or a district)."""
    return daily(con, area.level, [area.key], start, end)


def on_day(con, area: Area, day: dt.date, cumulative: bool = False) -> pd.Series:
    """The metrics frame's row of one area on one day (empty when the day has no data)."""
    frame = daily(con, area.level, [area.key], day, day, cumulative)
    return frame.iloc[0] if len(frame) else pd.Series(dtype="object")
