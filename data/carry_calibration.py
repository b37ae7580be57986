"""How much a province's carried share of cases found in quarantine should count beside the model's, judged by how
well it predicts the province's next own report (tools/calibrate_carry.py prints the table; simulation.toml keeps
the value chosen, [case_split.recorded_share] credibility_cases).

Each report of a province after the portal's last day (covid/province_case_origin_reports.csv) is a test: the share
carried from the records before it (data.build.carried_samples, within the hold and fade), blended with the model's
share (simulate.case_details: the period's quarantine share times the tracing effort at the day's incidence, over the
province's districts) with the weight of data.build.carry_weight, against the share the province reported.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from data import build, simulate
from data.db import query

# The values of K (credibility_cases) compared.
CANDIDATES = (0, 5, 10, 20, 30, 50, 100, 200)


def model_share(con) -> pd.DataFrame:
    """[date x province] the model's share of local cases found in quarantine, weighted by each district's cases
    over the 7 days around (population where none)."""
    cases = query(con, "SELECT date, district_code, new_cases_adjusted, new_deaths FROM cases")
    districts = query(con, "SELECT district_code, province_code, population FROM districts")
    params = simulate.load_params()
    grid = simulate.Grid.build(cases, districts, params["periods"])
    share = grid.by_period(params["case_split"]["quarantine_share"]) * simulate.tracing_effort(grid, params["tracing"])
    weight = (pd.DataFrame(grid.cases).rolling(7, center=True, min_periods=1).sum().to_numpy()
              + 1e-3 * grid.population[None, :] / grid.population.max())
    total, weighed = (np.zeros((len(grid.dates), len(grid.province_codes))) for _ in range(2))
    np.add.at(weighed.T, grid.province_of_district, (share * weight).T)
    np.add.at(total.T, grid.province_of_district, weight.T)
    return pd.DataFrame(weighed / total, index=grid.dates, columns=grid.province_codes)


def targets(con, carry: dict) -> pd.DataFrame:
    """Each province report with a share carried onto it: province_code, date, reported (share), carried, sample,
    days_after, model, recent (the province's cases of the 14 days before)."""
    records, starts = build.origin_records(build.load_real()["districts"])
    pooled = build.carried_samples(records, starts, carry).rename(columns={"date": "start"})
    pooled = pooled.assign(carried=pooled["sheltered"] / pooled["local"], sample=pooled["local"])
    reports = records.merge(starts, on=["date", "province_code"]).drop_duplicates(["date", "province_code"])
    reports = reports[reports["date"] > "2021-09-15"].assign(reported=lambda f: f["sheltered"] / f["local"])
    tests = pd.merge_asof(reports.sort_values("date"), pooled[["start", "province_code", "carried", "sample"]]
                          .sort_values("start"), left_on="date", right_on="start", by="province_code",
                          allow_exact_matches=False,
                          tolerance=pd.Timedelta(days=carry["hold_days"] + carry["fade_days"]))
    tests = tests.dropna(subset=["carried"])
    tests["days_after"] = (tests["date"] - tests["start"]).dt.days
    model = model_share(con)
    tests["model"] = model.stack().reindex(pd.MultiIndex.from_frame(tests[["date", "province_code"]])).to_numpy()
    daily = query(con, "SELECT date, province_code, new_cases_adjusted FROM province_cases")
    recent = daily.pivot(index="date", columns="province_code", values="new_cases_adjusted").rolling(14, min_periods=1).sum()
    recent.index = pd.to_datetime(recent.index)
    tests["recent"] = recent.stack().reindex(pd.MultiIndex.from_frame(tests[["date", "province_code"]])).to_numpy()
    return tests.reset_index(drop=True)


def errors(tests: pd.DataFrame, weight: np.ndarray) -> tuple[float, float]:
    """Mean squared error of the blended share: all reports, and reports of at least 10 cases."""
    squared = (weight * tests["carried"] + (1 - weight) * tests["model"] - tests["reported"]) ** 2
    return float(squared.mean()), float(squared[tests["local"] >= 10].mean())


def weights(tests: pd.DataFrame, carry: dict, credibility=CANDIDATES) -> list[tuple[str, np.ndarray]]:
    """The weights compared: the model alone, the carry held x n / (n + K) for each K, and a carry that falls as the
    province's 14-day cases outgrow its sample."""
    days, sample = tests["days_after"].to_numpy(), tests["sample"].to_numpy(float)
    rows = [("model alone", np.zeros(len(tests)))]
    rows += [(f"held x n / (n + {k})", build.carry_weight(days, sample, {**carry, "credibility_cases": k}))
             for k in credibility]
    held = build.carry_weight(days, sample, {**carry, "credibility_cases": 0})
    rows.append(("held x min(1, n / 14-day cases)", held * np.clip(sample / tests["recent"].clip(lower=1), 0, 1)))
    return rows
