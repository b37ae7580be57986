"""Vaccination coverage over time, by age band and for the target groups, and the portal's real snapshots.

Targets (Resolution 128/NQ-CP, Decision 4800/QĐ-BYT): people aged ≥18 with at least one dose 70%,
people aged ≥50 fully vaccinated 80%, high-risk groups fully vaccinated 80%. The data know people
only by age, so the high-risk groups are the people aged ≥50 (the first high-risk group; the
chronically ill, pregnant women and front-line workers cannot be counted): one line serves both 80%
targets, and the page says so. Target coverage is read from the metrics frame (data.metrics), so the chart
shows exactly what the level engine reads. Coverage never shows above 100 %: where more people were
vaccinated than the denominator counts, it shows 100 % and `beyond_population` lets the page say why.
"""
from __future__ import annotations

import pandas as pd

from i18n import fmt_date, fmt_int, t
from indicators import metrics, origin
from indicators.policy import number

AREA = "area"  # the one unit of an area's frames, for the per-unit functions of indicators.metrics
DOSES = ("dose1", "full", "booster")
# Target groups: the metrics frame's coverage column, its people and denominator columns, dose, target in percent.
TARGETS = {
    "adults_dose1": ("pct_18plus_dose1", "people_18plus_dose1", "coverage_population_18plus", "dose1",
                     number("vaccination", "adults_dose1_target_pct")),
    "over50_full": ("pct_50plus_full", "people_50plus_full", "population_50plus", "full",
                    number("vaccination", "high_risk_full_target_pct")),
}
TARGET_PCT = 4  # where the target sits in a TARGETS entry


def capped(frame: pd.DataFrame) -> pd.DataFrame:
    """`coverage_pct` = people / population in percent, at most 100; `beyond_population` where more people were
    vaccinated than the census counts (people vaccinated where they work), so the page can say why it shows 100 %."""
    raw = metrics.ratio_pct(frame["people"], frame["population"])
    return frame.assign(coverage_pct=raw.clip(upper=100.0), beyond_population=raw > 100.0)


def band_population(population_by_age: pd.DataFrame) -> pd.Series:
    """Census people in each vaccination band ('05-11' … '65+'), from the 5-year census bands; 0 where the census
    counts nobody (Huyện Hoàng Sa), whose coverage is then "no data"."""
    census = population_by_age.assign(**{AREA: AREA})
    return pd.Series({band: metrics.population_aged(census, *_ages(band), unit=AREA).reindex([AREA], fill_value=0.0).iloc[0]
                      for band in metrics.VACCINATION_AGE_GROUPS})


def _ages(band: str) -> tuple[int, int | None]:
    """'18-49' -> (18, 49); '65+' -> (65, None)."""
    if band.endswith("+"):
        return int(band[:-1]), None
    first, last = band.split("-")
    return int(first), int(last)


def coverage(vaccinations: pd.DataFrame, population_by_age: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Coverage in percent on each weekly record, for every age band and dose and for the target groups.

    `vaccinations`: date, age_group, dose, people, source (data.trends.vaccination_series).
    `figures`: the area's daily metrics frame (data.metrics.of_area): the target groups' coverage is read there,
    so the chart shows exactly what the levels and the Overview read.
    Columns: date, group, dose, people, population, coverage_pct, beyond_population, target_pct (NaN for a band),
    source.
    """
    bands = capped(vaccinations.rename(columns={"age_group": "group"}).assign(
        target_pct=float("nan"), population=lambda f: f["group"].map(band_population(population_by_age))))
    records = pd.to_datetime(vaccinations["date"]).unique()
    on_records = figures.assign(date=pd.to_datetime(figures["date"]))
    on_records = on_records[on_records["date"].isin(records)]
    targets = [
        pd.DataFrame({"date": on_records["date"], "group": group, "dose": dose, "people": on_records[people],
                      "population": on_records[population], "coverage_pct": on_records[column],
                      "beyond_population": on_records["vaccinated_beyond_population"].fillna(False).astype(bool),
                      "target_pct": target, "source": on_records[f"{column}_origin"]})
        for group, (column, people, population, dose, target) in TARGETS.items()
    ] if len(on_records) else []
    frame = pd.concat([bands, *targets], ignore_index=True)
    frame["date"] = pd.to_datetime(frame["date"])
    columns = ["date", "group", "dose", "people", "population", "coverage_pct", "beyond_population", "target_pct",
               "source"]
    return frame[columns].sort_values(["group", "dose", "date"], ignore_index=True)


# the kinds of rows of whole_population: the portal's points, the lines, the figures a province published before
SNAPSHOT, SERIES, ANCHOR = "snapshot", "series", "anchor"


def whole_population(vaccinations: pd.DataFrame, population: float, snapshots: pd.DataFrame,
                     estimates: pd.DataFrame | None = None, anchors: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of the whole population with ≥1 dose and fully vaccinated: the portal's real snapshots
    (people / the population the portal published) next to the series of every week.

    The series of a province or the country is the estimate from the record (`estimates`,
    data.trends.vaccination_estimates: the snapshots exactly on their dates, estimated between and before them;
    summed over provinces for the country, each date's origin combined), over the portal's population. Without
    estimates (a district) it is the simulated weekly series summed over ages, over `population` (the census).

    `anchors` (data.trends.vaccination_anchors): the counts a province published before the portal, which its
    estimate goes through, shown over the same population so the line can be checked against them.

    Long frame: date, dose (dose1 | full), people, population, coverage_pct, beyond_population, source, kind
    (SNAPSHOT | SERIES | ANCHOR).
    """
    if estimates is not None and not estimates.empty:
        built = (estimates.groupby("date", as_index=False)
                 .agg(dose1=("people_dose1", "sum"), full=("people_full", "sum"),
                      population=("population", "sum"), source=("source", origin.combine))
                 .melt(id_vars=["date", "population", "source"], value_vars=["dose1", "full"], var_name="dose",
                       value_name="people"))
    else:
        built = (
            vaccinations[vaccinations["dose"].isin(["dose1", "full"])]
            .groupby(["date", "dose"], as_index=False).agg(people=("people", "sum"), source=("source", origin.combine))
            .assign(population=float(population))
        )
    published = snapshots.melt(
        id_vars=["date", "population", "source"], value_vars=["people_dose1", "people_dose2"],
        var_name="dose", value_name="people",
    ).replace({"dose": {"people_dose1": "dose1", "people_dose2": "full"}})
    parts = [built.assign(kind=SERIES), published.assign(kind=SNAPSHOT)]
    if anchors is not None and not anchors.empty and not built.empty:
        parts.append(anchors[["date", "dose", "people"]].assign(
            population=built["population"].max(), source=origin.OBSERVED, kind=ANCHOR))
    frame = pd.concat(parts, ignore_index=True)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["population"] = frame["population"].astype("float64")
    frame = capped(frame)
    return frame[["date", "dose", "people", "population", "coverage_pct", "beyond_population", "source", "kind"]
                 ].sort_values(["kind", "dose", "date"], ignore_index=True)


FALLS_LISTED = 5  # the falls named in words; the rest are counted


def published_falls(whole: pd.DataFrame) -> pd.DataFrame:
    """The portal's snapshots (the SNAPSHOT rows of `whole_population`) below the snapshot before them, per dose:
    the published record as it stands (reproduced, never smoothed). Columns: date, dose, before, people."""
    published = whole[whole["kind"] == SNAPSHOT].sort_values(["dose", "date"])
    falls = published.assign(before=published.groupby("dose")["people"].shift())
    falls = falls[falls["people"] < falls["before"]].sort_values(["date", "dose"])
    return falls[["date", "dose", "before", "people"]].reset_index(drop=True)


def falls_text(falls: pd.DataFrame, lang: str) -> str:
    """The falls in words, the first FALLS_LISTED named ('18/02/2022, đủ liều cơ bản: 1.410.123 → 779.880')."""
    named = [t("trends.portal_fall", lang, date=fmt_date(row.date, lang), dose=t(f"trends.dose_{row.dose}", lang).lower(),
               before=fmt_int(row.before, lang), people=fmt_int(row.people, lang))
             for row in falls.head(FALLS_LISTED).itertuples(index=False)]
    more = t("trends.portal_falls_more", lang, n=fmt_int(len(falls) - FALLS_LISTED, lang)) if len(falls) > FALLS_LISTED else ""
    return t("trends.portal_falls", lang, count=fmt_int(len(falls), lang), falls="; ".join(named) + more)
