"""People vaccinated per province: the published snapshots, and estimates from the record before them.

Why: the national portal's province snapshots start on 2021-11-15, after the months the levels of Decision 4800
were first assessed. Before that only the national series (Our World in Data) and figures that provinces
announced in the press exist. A single national curve scaled per province gave Hồ Chí Minh City 68.6 % of adults
with one dose on 16/10/2021, where about 98 % was reported.

Method, per dose (at least one dose; fully vaccinated):
  * on a snapshot date, the snapshot exactly (as published, never capped by later figures);
  * between snapshots, a straight line (estimated);
  * before the first snapshot, the national figure of the day shared out among provinces (estimated):
    a province with published anchors (data/sources/covid/province_vaccination_anchors.csv) goes through its
    anchors to its first snapshot at the pace of the national figure (`_anchored`), and before its first anchor
    keeps that anchor's share of the national figure; the other provinces share what is left in proportion to their first snapshot. A lower-bound anchor ("at least 95 %") is only used where the estimate falls below it.
    Whole people by largest remainder, so the provinces sum to the national figure on every day.
People with a booster: the snapshots give doses (total - first - second), not people; someone with two
boosters counts twice, so booster people are taken as those doses but never more than the fully vaccinated.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

# The people vaccinated that provinces published before the portal's snapshots, each with its source.
ANCHORS = Path(__file__).resolve().parent / "sources" / "covid" / "province_vaccination_anchors.csv"

OBSERVED, ESTIMATED = "observed", "estimated"
MONOTONE_ROUNDS = 20  # rescaling rounds that take out the small falls an anchored province's line can cause
DOSE_COLUMNS = {"dose1": "people_dose1", "full": "people_dose2"}


def booster_people(snapshots: pd.DataFrame) -> pd.Series:
    """People with a booster: booster doses, never more than the fully vaccinated (module docstring)."""
    doses = (snapshots["doses_total"] - snapshots["people_dose1"] - snapshots["people_dose2"]).clip(lower=0)
    return np.minimum(doses, snapshots["people_dose2"])


def national_curves(national: pd.DataFrame, dates: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    """Per dose, the national people vaccinated on `dates`: OWID's figures interpolated, never falling.

    Fully vaccinated missing from OWID are filled with total doses - people with one dose (before boosters).
    """
    when = pd.to_datetime(national["date"], format="%m/%d/%Y") if national["date"].dtype == object \
        else pd.to_datetime(national["date"])
    series = {"dose1": national["people_vaccinated"],
              "full": national["people_fully_vaccinated"].fillna(national["total_vaccinations"]
                                                                  - national["people_vaccinated"])}
    curves = {}
    for dose, values in series.items():
        known = values.notna().to_numpy()
        x = when.to_numpy()[known].astype("datetime64[D]").astype(np.int64)
        y = np.maximum.accumulate(values.to_numpy(dtype=float)[known])
        curves[dose] = np.interp(dates.to_numpy().astype("datetime64[D]").astype(np.int64), x, y, left=0.0)
    return curves


def _whole(shares: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """[date, province] whole people from shares (rows sum to 1) that add up exactly to each date's total."""
    totals = np.rint(totals).astype(np.int64)
    exact = shares * totals[:, None]
    whole = np.floor(exact).astype(np.int64)
    short = totals - whole.sum(axis=1)
    order = np.argsort(-(exact - whole), axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(shares.shape[1])[None, :].repeat(len(shares), axis=0), axis=1)
    return whole + (rank < short[:, None])


def _within_first_doses(full: np.ndarray, dose1: np.ndarray, anchored: np.ndarray) -> np.ndarray:
    """[date, province] fully vaccinated never above people with a dose, the day's total kept: what a province's
    share gives beyond its first doses goes to the provinces with room and no published figure of their own
    (`anchored`: False), in proportion to the room (largest remainder). Capping alone broke the sum to the national
    series (Lạng Sơn, 11/10/2021, whose one figure is of the fully vaccinated)."""
    excess = np.clip(full - dose1, 0, None)
    capped = full - excess
    room = np.where(anchored[None, :], 0.0, (dose1 - capped).astype(float))
    shares = room / np.maximum(room.sum(axis=1, keepdims=True), 1.0)
    moved = excess.sum(axis=1)
    return capped + np.where(moved[:, None] > 0, _whole(np.where(room.sum(axis=1, keepdims=True) > 0, shares, 0.0),
                                                        moved), 0)


def _anchored(dates: np.ndarray, anchors: pd.DataFrame, national: np.ndarray, first_people: float,
              first_snapshot: np.datetime64, national_at_snapshot: float) -> np.ndarray:
    """One province's people on `dates` from its anchors: before the first anchor its share of the national
    figure on that date; from one anchor to the next (the last to the first snapshot) it gains what the anchors say
    at the pace of the country: the fraction of the country's gain between them that has happened by each date
    (by the calendar where the country gained nothing). A straight line in time gave Hà Nội and Hồ Chí Minh City
    together more than the whole country's second doses of 13–20/9/2021, and 57 provinces' people fell."""
    days = dates.astype("datetime64[D]").astype(np.int64)
    anchor_days = anchors["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    people = anchors["people"].to_numpy(dtype=float)
    at = min(int(np.searchsorted(days, anchor_days[0])), len(days) - 1)
    share = people[0] / max(national[at], 1.0)
    x = np.append(anchor_days, first_snapshot.astype("datetime64[D]").astype(np.int64))
    y = np.append(people, first_people)
    country = np.append(np.interp(anchor_days, days, national), national_at_snapshot)
    segment = np.clip(np.searchsorted(x, days, side="right") - 1, 0, len(x) - 2)
    start, end = segment, segment + 1
    gained = country[end] - country[start]
    by_country = (national - country[start]) / np.where(gained > 0, gained, 1.0)
    by_calendar = (days - x[start]) / np.maximum(x[end] - x[start], 1)
    progress = np.clip(np.where(gained > 0, by_country, by_calendar), 0.0, 1.0)
    return np.where(days < anchor_days[0], share * national, y[start] + (y[end] - y[start]) * progress)


def _before_snapshots(dates: pd.DatetimeIndex, provinces: np.ndarray, first: pd.DataFrame, national: np.ndarray,
                      anchors: pd.DataFrame, first_snapshot: np.datetime64, national_at_snapshot: float) -> np.ndarray:
    """[date, province] people of one dose before the first snapshot (module docstring)."""
    base = first.set_index("province_code")["people"].reindex(provinces).fillna(0).to_numpy(dtype=float)
    base_share = base / base.sum()
    days = dates.to_numpy()
    exact = anchors[anchors["bound"] == "exact"]
    lower = anchors[anchors["bound"] == "at_least"]
    anchored = {code: group.sort_values("date") for code, group in exact.groupby("province_code")}
    for attempt in range(2):  # the second pass adds the lower bounds the first estimate fell short of
        shares = np.tile(base_share, (len(days), 1))
        fixed = np.zeros(len(provinces), dtype=bool)
        for code, group in anchored.items():
            column = int(np.flatnonzero(provinces == code)[0])
            people = _anchored(days, group, national, base[column], first_snapshot, national_at_snapshot)
            shares[:, column] = people / np.maximum(national, 1.0)
            fixed[column] = True
        free = base_share * ~fixed
        left = np.clip(1.0 - shares[:, fixed].sum(axis=1), 0.0, None)
        shares[:, ~fixed] = (left[:, None] * free[None, ~fixed] / max(free.sum(), 1e-12))
        shares /= shares.sum(axis=1, keepdims=True)
        for _ in range(MONOTONE_ROUNDS):  # no province's people fall from one date to the next
            people = np.maximum.accumulate(shares * national[:, None], axis=0)
            room = np.maximum(national - people[:, fixed].sum(axis=1), 0.0)
            people[:, ~fixed] *= (room / np.maximum(people[:, ~fixed].sum(axis=1), 1.0))[:, None]
            shares = people / np.maximum(people.sum(axis=1, keepdims=True), 1.0)
        people = _whole(shares, national)
        if attempt or lower.empty:
            return people
        short = []
        for row in lower.itertuples():
            column = int(np.flatnonzero(provinces == row.province_code)[0])
            day = int(np.searchsorted(days, np.datetime64(row.date)))
            if day < len(days) and people[day, column] < row.people:
                short.append(row)
        if not short:
            return people
        extra = pd.DataFrame(short)[list(exact.columns)]
        anchored = {code: group.sort_values("date")
                    for code, group in pd.concat([exact, extra]).groupby("province_code")}
    return people


def with_people(anchors: pd.DataFrame, adults: pd.Series) -> pd.DataFrame:
    """The anchors with `people` filled where they give a percentage of adults: of `adults` (per province code, the
    first snapshot's own adult population), as the estimate and the charts both read them."""
    share = anchors["pct_18plus"] / 100 * anchors["province_code"].map(adults).astype(float)
    return anchors.assign(people=anchors["people"].where(anchors["people"].notna(), np.rint(share)),
                          date=pd.to_datetime(anchors["date"]))


def anchor_people(anchors: pd.DataFrame, snapshots: pd.DataFrame, dose: str) -> pd.DataFrame:
    """The anchors of one dose as people: [date, province_code, people, bound].

    A percentage of adults is turned into people with the first snapshot's own adult population. Everyone fully
    vaccinated has had a first dose, so a figure of fully vaccinated is also a lower bound of people with a dose
    on its date, where no figure of first doses was published that day (Lạng Sơn, 7/11/2021: 72.6 % fully
    vaccinated, no first-dose figure).
    """
    first = snapshots[snapshots["date"] == snapshots["date"].min()].set_index("province_code")
    frame = with_people(anchors, first["population_18plus"])
    own = frame[frame["dose"] == dose]
    if dose == "dose1":
        full = frame[frame["dose"] == "full"].assign(bound="at_least")
        published = pd.MultiIndex.from_frame(own[["date", "province_code"]])
        own = pd.concat([own, full[~pd.MultiIndex.from_frame(full[["date", "province_code"]]).isin(published)]])
    return own[["date", "province_code", "people", "bound"]].reset_index(drop=True)


def province_vaccinations(snapshots: pd.DataFrame, national: pd.DataFrame, anchors: pd.DataFrame,
                          provinces, dates) -> pd.DataFrame:
    """People vaccinated per province on `dates` (and every snapshot date): date, province_code, people_dose1,
    people_full, people_booster, source ('observed' on a snapshot date, 'estimated' elsewhere)."""
    snapshots = snapshots.assign(date=pd.to_datetime(snapshots["date"]),
                                 province_code=snapshots["province_code"].astype(str))
    snapshots = snapshots.assign(people_booster=booster_people(snapshots))
    provinces = np.asarray(sorted(provinces), dtype=object)
    snapshot_dates = pd.DatetimeIndex(sorted(snapshots["date"].unique()))
    wanted = pd.DatetimeIndex(sorted(set(pd.to_datetime(list(dates))) | set(snapshot_dates)))
    # an anchor's share of the national figure is taken on its own date, so the estimate runs on those dates too
    # (on a weekly grid, a Friday's figure was otherwise the next Monday's, or the last Monday's before a snapshot)
    anchor_dates = set(pd.to_datetime(anchors["date"])) - set(wanted)
    dates = pd.DatetimeIndex(sorted(set(wanted) | {day for day in anchor_dates if day < snapshot_dates[0]}))
    before = dates[dates < snapshot_dates[0]]
    national_values = national_curves(national, before)
    national_at_snapshot = national_curves(national, snapshot_dates[:1])
    columns = {}
    for dose, column in (("dose1", "people_dose1"), ("full", "people_dose2"), ("booster", "people_booster")):
        wide = snapshots.pivot_table(index="date", columns="province_code", values=column, aggfunc="sum")
        wide = wide.reindex(columns=provinces).ffill().fillna(0)
        after = dates[dates >= snapshot_dates[0]]
        x = wide.index.to_numpy().astype("datetime64[D]").astype(np.int64)
        at = after.to_numpy().astype("datetime64[D]").astype(np.int64)
        later = np.column_stack([np.interp(at, x, wide[code].to_numpy(dtype=float)) for code in provinces])
        if dose == "booster":
            early = np.zeros((len(before), len(provinces)))
        else:
            first = wide.iloc[[0]].T.reset_index().set_axis(["province_code", "people"], axis=1)
            early = _before_snapshots(before, provinces, first, national_values[dose],
                                      anchor_people(anchors, snapshots, dose), snapshot_dates[0].to_datetime64(),
                                      float(national_at_snapshot[dose][0]))
        columns[dose] = np.rint(np.vstack([early, later])).astype(np.int64)
    observed = dates.isin(snapshot_dates)
    # Before the portal, the shares of the national figures never give more fully vaccinated than people with a
    # dose. From its first snapshot on, the lines between snapshots are left as the portal's figures make them,
    # even where it counts more second doses than first (7 provinces, 46 snapshots): capped on the dates between
    # snapshots only, Cần Thơ's fully vaccinated went 1.50 M, 1.04 M, 1.41 M, 1.02 M week after week.
    estimated = dates < snapshot_dates[0]
    exact_full = anchors[(anchors["dose"] == "full") & (anchors["bound"] == "exact")]["province_code"]
    columns["full"][estimated] = _within_first_doses(columns["full"][estimated], columns["dose1"][estimated],
                                                     np.isin(provinces, exact_full.astype(str).unique()))
    columns["booster"] = np.minimum(columns["booster"], columns["full"])
    source = np.where(observed, OBSERVED, ESTIMATED)
    denominators = _denominators(snapshots, dates, provinces)
    frame = pd.DataFrame({
        "date": np.repeat(dates.to_numpy(), len(provinces)),
        "province_code": np.tile(provinces, len(dates)),
        "people_dose1": columns["dose1"].ravel(),
        "people_full": columns["full"].ravel(),
        "people_booster": columns["booster"].ravel(),
        "population": denominators["population"].ravel(),
        "population_18plus": denominators["population_18plus"].ravel(),
        "source": np.repeat(source, len(provinces)),
    })
    return frame[frame["date"].isin(wanted)].reset_index(drop=True)


def _denominators(snapshots: pd.DataFrame, dates: pd.DatetimeIndex, provinces: np.ndarray) -> dict[str, np.ndarray]:
    """[date, province] population and adults of the snapshot in force (the first one before it).

    Why: coverage is the portal's people over the portal's own population; the 2019 census under-counts the
    provinces that gained migrants, which put Vietnam's adults with one dose at 103.9 %.
    """
    result = {}
    for column in ("population", "population_18plus"):
        wide = snapshots.pivot_table(index="date", columns="province_code", values=column, aggfunc="first")
        wide = wide.reindex(columns=provinces).ffill().bfill()
        at = np.clip(np.searchsorted(wide.index.to_numpy(), dates.to_numpy(), side="right") - 1, 0, len(wide) - 1)
        result[column] = wide.to_numpy(dtype=np.int64)[at]
    return result
