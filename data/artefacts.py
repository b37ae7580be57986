"""Reporting artefacts in the published province series: backlog dumps and gaps, detected and adjusted.

Why: some provinces published weeks or months of uncounted cases on one day (Cà Mau 151,919 on 2021-10-25,
Hải Phòng 200,012 on 2022-08-04), and some showed runs of zeros for days they did not report. Taken as one
day's cases, a dump gives an Rt of several hundred, puts every district at level 4 and drives the simulated
beds and tests. The published series is kept exactly; this module derives an adjusted one beside it.

Detection: a province-day is a backlog when its count is at least MIN_BACKLOG_CASES and more than
THRESHOLD_RATIO times the mean of the TRAILING_DAYS days before it, or a lone spike: more than SPIKE_RATIO times
the mean of the week before it and of the week after it (so it is judged once its following week is in). An
epidemic that rises tenfold in a day does not fall back the next week; a province that adds a batch of cases it
had not counted does (Khánh Hòa 12,928 on 2022-01-12 between weeks of about 790 and 630 a day: 16x its trailing
mean, under the first test). The run of zero days just before a backlog is a gap (days the source shows as 0
because nothing was reported).

Adjustment, as the large international trackers did it (Our World in Data, JHU CSSE): the backlog day keeps
the mean of the week before it and the excess is spread back over the days before it in proportion to the
reported counts (smoothed over a centred week, so a day the source shows as 0 in an active week is not skipped).
The window reaches back until the province had reported at least half the excess (at least MIN_SPREAD_DAYS,
at most MAX_SPREAD_DAYS), so a dump at most triples the days it lands on where the record allows; the weights
rise linearly over the window's first RAMP_DAYS so the adjusted curve has no step where the window starts.
Gap days weigh as the mean reported day of the window (they were days with cases that nobody counted).
Whole cases go by largest remainder, so the adjusted series sums exactly to the published one for every
province. Detection runs again on the adjusted series until no day passes the threshold (a few rounds at most).

Collection errors are not backlogs. The collected series (scraped from the national portal) has days that the
Ministry's bulletin of the same day contradicts: Cà Mau's 151,919 of 2021-10-25 was 42 in the bulletin, and the
province itself counted 3,235 cases from 27/4 to 9/11/2021; Kiên Giang's 49,170 of 2021-09-28 was 70. Spread back,
they put tens of thousands of cases into weeks the record shows as quiet. `correct` puts the bulletin's count in
their place before any detection (data/sources/covid/province_daily_case_corrections.csv: each row with the
bulletin and the country's domestic total of that day, which the corrected day then sums to) and keeps the
collected count beside it; such a day is labelled CORRECTION.

Collection gaps are days the whole collected series missed: the provinces sum to less than COLLECTION_GAP_SHARE
of the country's count in the Ministry's national series (Our World in Data) that day, e.g. 0 cases on
19/7/2021 against 4,335, then 14,110 the next day against 5,427. A province that shows 0 on such days and reports
on the day after them has its report of that day spread over them and it, in proportion to the country's counts
of those days: the gap days are labelled GAP, the day after BACKLOG, and the province's total is kept.

Missed days are collection gaps after the national series ends (10/1/2022): days on which every province shows 0
between days with cases (at least MIN_MISSED_MEAN a day on average over the week before and the week after),
e.g. 14/8/2022 between 1,815 and 1,695 cases, and the series' last day, 13/2/2023, after 41. Nothing later makes
them up, so no count changes: the days are labelled MISSED, and every surface says their cases are missing.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

THRESHOLD_RATIO = 20.0  # a day above 20x its trailing 4-week mean is not an epidemic day (growth of ~3x a week at most)
TRAILING_DAYS = 28
MIN_BACKLOG_CASES = 100  # below this, a jump from almost nothing is a new cluster, not a dump
SPIKE_RATIO = 10.0  # a lone day above 10x the mean of the week before it and of the week after it
SPIKE_DAYS = 7
EXPECTED_DAYS = 7  # the backlog day keeps the mean of the week before it
MIN_SPREAD_DAYS = 28
MAX_SPREAD_DAYS = 365  # Hải Phòng's 200,012 of 2022-08-04 were the uncounted cases of its whole Omicron wave
EXCESS_PER_REPORTED = 2  # the window reaches back until the reported cases in it are at least half the excess
RAMP_DAYS = 28
SMOOTHING_DAYS = 7
MAX_ROUNDS = 10

MIN_MISSED_MEAN = 10  # a country averaging 10 cases a day around it does not have a day of 0 (Poisson: 1 in 22,000)
MISSED_NEIGHBOUR_DAYS = 7
COLLECTION_GAP_SHARE = 0.25  # the provinces' sum below a quarter of the country's count: the collection missed the day
MIN_COLLECTION_GAP_CASES = 100  # a country's day below this is too small to tell a missed day from a quiet one

BACKLOG = "backlog"
GAP = "gap"
CORRECTION = "correction"
MISSED = "missed"


def trailing_mean(values: np.ndarray, days: int) -> np.ndarray:
    """[day, unit] mean of the `days` days before each day (the day itself excluded; fewer days at the start)."""
    total = np.cumsum(np.vstack([np.zeros((1, values.shape[1])), values]), axis=0)
    ends = np.arange(values.shape[0])
    starts = np.maximum(ends - days, 0)
    counts = np.maximum(ends - starts, 1)
    return (total[ends] - total[starts]) / counts[:, None]


def over_threshold(values: np.ndarray) -> np.ndarray:
    """[day, unit] True where a day is at least MIN_BACKLOG_CASES and either above THRESHOLD_RATIO x its trailing
    mean or a lone spike (module docstring); a day without a whole week after it is judged on the first test only."""
    rising = values > THRESHOLD_RATIO * trailing_mean(values, TRAILING_DAYS)
    after = trailing_mean(values[::-1], SPIKE_DAYS)[::-1]  # the mean of the week after each day
    judged = (np.arange(len(values)) < len(values) - SPIKE_DAYS)[:, None]
    spike = judged & (values > SPIKE_RATIO * np.maximum(trailing_mean(values, SPIKE_DAYS), after))
    return (values >= MIN_BACKLOG_CASES) & (rising | spike)


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Whole numbers proportional to `weights` that sum exactly to `total`."""
    share = total * weights / weights.sum()
    whole = np.floor(share).astype(np.int64)
    short = total - whole.sum()
    whole[np.argsort(-(share - whole), kind="stable")[:short]] += 1
    return whole


def _window_start(series: np.ndarray, day: int, excess: int) -> int:
    """First day of the spread window: back until the reported cases cover the excess (see the module docstring)."""
    reported_before = np.cumsum(series[:day][::-1])  # cases in the last 1, 2, ... days
    enough = np.flatnonzero(reported_before * EXCESS_PER_REPORTED >= excess)
    lookback = (enough[0] + 1) if len(enough) else MAX_SPREAD_DAYS
    return max(day - min(max(lookback, MIN_SPREAD_DAYS), MAX_SPREAD_DAYS), 0)


def _spread(series: np.ndarray, artefact: np.ndarray, day: int) -> None:
    """Adjust one backlog day of one province in place (series and artefact are that province's columns)."""
    expected = int(round(series[max(day - EXPECTED_DAYS, 0):day].mean())) if day else 0
    excess = int(series[day]) - expected
    zero_run = day
    while zero_run > 0 and series[zero_run - 1] == 0:
        zero_run -= 1
    first = min(_window_start(series, day, excess), zero_run)  # a gap longer than the window is spread over in full
    if excess <= 0 or first == day:
        return
    gap = np.arange(first, day) >= zero_run
    window = series[first:day].astype(float)
    reference = window[~gap][window[~gap] > 0].mean() if (window[~gap] > 0).any() else 1.0
    smoothed = pd.Series(np.where(gap, reference, window)).rolling(SMOOTHING_DAYS, center=True, min_periods=1).mean()
    ramp = np.minimum(np.arange(1, day - first + 1) / RAMP_DAYS, 1.0)
    weights = smoothed.to_numpy() * ramp
    if weights.sum() <= 0:
        weights = ramp
    series[first:day] += _largest_remainder(excess, weights)
    series[day] = expected
    artefact[day] = BACKLOG
    artefact[first:day][gap & (artefact[first:day] == None)] = GAP  # noqa: E711 (an object array)


def collection_gaps(cases: pd.DataFrame, national: pd.DataFrame) -> pd.DatetimeIndex:
    """The days the collected province series missed (see the module docstring), from every province's
    [date, province_code, new_cases] and the national [date, new_cases]."""
    provinces = cases.groupby("date")["new_cases"].sum()
    country = national.set_index("date")["new_cases"].reindex(provinces.index)
    missed = (country >= MIN_COLLECTION_GAP_CASES) & (provinces < COLLECTION_GAP_SHARE * country)
    return pd.DatetimeIndex(provinces.index[missed.to_numpy()])


def missed_days(cases: pd.DataFrame, national: pd.DataFrame) -> pd.DatetimeIndex:
    """The days the collection missed where the national series has no count (see the module docstring): every
    province 0, the country's mean of the MISSED_NEIGHBOUR_DAYS days before and after (those there are) at
    least MIN_MISSED_MEAN. From every province's [date, province_code, new_cases] and the national [date,
    new_cases]."""
    country = cases.groupby("date")["new_cases"].sum().sort_index()
    counted = national.set_index("date")["new_cases"].reindex(country.index).notna()
    values = country.to_numpy(dtype=float)
    before = trailing_mean(values[:, None], MISSED_NEIGHBOUR_DAYS)[:, 0]
    after = trailing_mean(values[::-1, None], MISSED_NEIGHBOUR_DAYS)[::-1, 0]
    has_after = np.arange(len(values)) < len(values) - 1
    around = np.where(has_after, (before + after) / 2, before)
    missed = (values == 0) & (around >= MIN_MISSED_MEAN) & ~counted.to_numpy()
    return pd.DatetimeIndex(country.index[missed])


def _runs(days: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) of each run of consecutive True days."""
    edges = np.diff(np.concatenate([[0], days.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1))


def _fill_collection_gaps(adjusted: np.ndarray, artefact: np.ndarray, gaps: np.ndarray, country: np.ndarray) -> None:
    """Spread each province's report of the day after a run of collection gaps over the run's days it shows as 0
    and that day, in proportion to the country's counts of those days (in place)."""
    for first, last in _runs(gaps):
        after = last + 1
        if after >= len(adjusted):
            continue
        for province in np.flatnonzero(adjusted[after] > 0):
            missed = first + np.flatnonzero(adjusted[first:after, province] == 0)
            if not len(missed):
                continue
            days = np.append(missed, after)
            adjusted[days, province] = _largest_remainder(int(adjusted[after, province]), country[days].astype(float))
            artefact[missed, province] = GAP
            artefact[after, province] = BACKLOG


def adjust(published: np.ndarray, gaps: np.ndarray | None = None,
           country: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The adjusted [day, province] series and the [day, province] artefact labels (None where none).

    `gaps` (bool per day) are the collection gaps and `country` the national count per day, both optional.
    The adjusted series sums to the published one for every province and has no day over the threshold.
    """
    adjusted = np.asarray(published, dtype=np.int64).copy()
    artefact = np.full(adjusted.shape, None, dtype=object)
    if gaps is not None and gaps.any():
        _fill_collection_gaps(adjusted, artefact, gaps, country)
    for _ in range(MAX_ROUNDS):
        flagged = np.argwhere(over_threshold(adjusted))
        if not len(flagged):
            break
        for day, province in flagged[np.lexsort((flagged[:, 0], flagged[:, 1]))]:
            column = adjusted[:, province]
            if over_threshold(column[:, None])[day, 0]:  # an earlier spread this round may have fixed it
                labels = artefact[:, province]
                _spread(column, labels, day)
                artefact[:, province] = labels
    return adjusted, artefact


def correct(cases: pd.DataFrame, corrections: pd.DataFrame) -> pd.DataFrame:
    """`cases` [date, province_code, new_cases] with the bulletin's count on each corrected day and
    `new_cases_collected` (the collected count there, NA elsewhere).

    Raises ValueError when a correction no longer matches the collected series (a new copy of the source may
    have fixed it, or moved it): a correction is applied to the very value it was checked against, or not at all.
    """
    keyed = cases.set_index(["date", "province_code"])
    wanted = corrections.set_index(["date", "province_code"])
    found = keyed["new_cases"].reindex(wanted.index)
    stale = found.isna() | (found != wanted["collected_cases"])
    if stale.any():
        rows = ", ".join(f"{day:%Y-%m-%d} {code}" for day, code in wanted.index[stale.to_numpy()])
        raise ValueError(f"corrections that no longer match the collected series: {rows}")
    collected = pd.Series(pd.NA, index=keyed.index, dtype="Int64")
    collected.loc[wanted.index] = wanted["collected_cases"].astype("int64")
    keyed = keyed.assign(new_cases_collected=collected)
    keyed.loc[wanted.index, "new_cases"] = wanted["published_cases"].to_numpy()
    return keyed.reset_index()


def adjust_province_cases(province_cases: pd.DataFrame, national: pd.DataFrame | None = None) -> pd.DataFrame:
    """`province_cases` with `new_cases_adjusted` and `artefact` ('backlog' | 'gap' | 'correction' | None) added.

    Needs one row per date for every province (the build's official series); a `new_cases_collected` column
    (`correct`) marks the corrected days, a `collection_gap` column (bool, `collection_gaps`) the days the
    collection missed, spread in proportion to `national` [date, new_cases], a `missed_day` column (bool,
    `missed_days`) those that nothing makes up.
    """
    wide = province_cases.pivot(index="date", columns="province_code", values="new_cases").sort_index()
    if wide.isna().any().any():
        raise ValueError("province_cases needs one row per date for every province")
    gaps = country = None
    if "collection_gap" in province_cases and national is not None:
        gaps = province_cases.groupby("date")["collection_gap"].any().reindex(wide.index).to_numpy(dtype=bool)
        country = national.set_index("date")["new_cases"].reindex(wide.index).fillna(0).to_numpy()
    adjusted, artefact = adjust(wide.to_numpy(), gaps, country)
    long = pd.DataFrame({
        "date": np.repeat(wide.index.to_numpy(), wide.shape[1]),
        "province_code": np.tile(wide.columns.to_numpy(), wide.shape[0]),
        "new_cases_adjusted": adjusted.reshape(-1),
        "artefact": artefact.reshape(-1),
    })
    merged = province_cases.merge(long, on=["date", "province_code"], how="left", validate="1:1")
    if "new_cases_collected" in merged:
        merged.loc[merged["new_cases_collected"].notna(), "artefact"] = CORRECTION
    if "missed_day" in merged:
        merged.loc[merged["missed_day"] & merged["artefact"].isna(), "artefact"] = MISSED
    return merged
