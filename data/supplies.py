"""Seeded simulator of the `supplies` table: stock, received and used per district, item and day.

No public source publishes supply stocks for Vietnam (see the [supplies] tables of data/simulation.toml for every parameter and why).
Use follows the simulated hospital load, new cases and quarantine; protective equipment is restocked by
an order-up-to rule with a delivery lead time, and oxygen is refilled each day from the supply capacity in
`beds`, so stocks run short while a wave outpaces deliveries. Stock accounting holds on every row:
stock = previous stock + received - used. The day loop is sequential (stock carries over) and works on all
districts and items at once.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from data import simulate
from indicators.origin import SIMULATED

SEED_OFFSET = 77  # its own generator: the other simulated tables never change when this one does
WHOLE_UNITS = {"set", "piece"}
RATE_SMOOTHING = 2 / (7 + 1)  # exponential weight of a 7-day mean: the "current rate of use" restocking sees


def load_params(path: Path | str | None = None) -> dict:
    """The [supplies] tables of data/simulation.toml, where every simulated table keeps its parameters."""
    return simulate.load_params(path)["supplies"]


def simulate_supplies(districts: pd.DataFrame, cases: pd.DataFrame, beds: pd.DataFrame, tracing: pd.DataFrame,
                      seed: int, params: dict | None = None) -> pd.DataFrame:
    """The supplies table (without reported_at) for every district of `districts` and every date of `cases`.

    districts: [district_code, population]; cases: [date, district_code, new_cases, oxygen, icu];
    beds: [date, district_code, covid_beds_occupied, icu_beds_occupied, oxygen_supply_m3_per_day];
    tracing: [date, district_code, centralized_quarantine].
    Returns [date, district_code, item, unit, stock, received, used, source].
    """
    params = params or load_params()
    grid = _grid(districts, cases, beds, tracing)
    rng = np.random.default_rng(seed + SEED_OFFSET)
    items = params["items"]
    population = grid["population"]

    by_name = {"bed_day": grid["covid_beds_occupied"], "icu_day": grid["icu_beds_occupied"], "new_case": grid["new_cases"],
               "quarantine_day": grid["centralized_quarantine"],
               "per_100k": np.broadcast_to(population / 1e5, grid["new_cases"].shape)}
    drivers = np.stack([by_name[name] for name in params["use"]["drivers"]], axis=-1)  # [day, district, driver]
    rates = np.array([items[name]["rates"] for name in items])  # [item, driver]
    units = [items[name]["unit"] for name in items] + [params["oxygen"]["unit"]]
    steps = np.array([1.0 if unit in WHOLE_UNITS else 0.1 for unit in units])  # quantities are whole multiples
    noise = rng.lognormal(0.0, params["use"]["daily_sigma"], (*grid["new_cases"].shape, len(items)))
    demand = np.rint(np.einsum("tdk,ik->tdi", drivers, rates) * noise / steps[:-1])  # [day, district, item] in steps

    goods = _restock(demand, items, population[:, None] / 1e5 / steps[:-1])
    oxygen = _oxygen(grid, simulate.load_params()["beds"], params["oxygen"]["storage_days"], steps[-1])
    columns = {name: np.concatenate([goods[name], oxygen[name][..., None]], axis=-1) * steps
               for name in ("stock", "received", "used")}
    return _frame(grid["dates"], grid["codes"], [*items, "oxygen"], units, columns)


def _grid(districts, cases, beds, tracing) -> dict[str, np.ndarray]:
    """The inputs as [day, district] arrays over every date of `cases` and every district (missing rows are 0)."""
    codes = np.sort(districts["district_code"].astype(str).unique())
    dates = pd.DatetimeIndex(sorted(pd.to_datetime(cases["date"]).unique()))
    grid = {"codes": codes, "dates": dates,
            "population": districts.set_index("district_code")["population"].reindex(codes).fillna(0).to_numpy(float)}
    columns = {"new_cases": cases, "oxygen": cases, "icu": cases, "covid_beds_occupied": beds,
               "icu_beds_occupied": beds, "oxygen_supply_m3_per_day": beds, "centralized_quarantine": tracing}
    for frame in {id(frame): frame for frame in columns.values()}.values():
        row = dates.get_indexer(pd.to_datetime(frame["date"]))
        column = pd.Index(codes).get_indexer(frame["district_code"].astype(str))
        inside = (row >= 0) & (column >= 0)
        for name in [name for name, source in columns.items() if source is frame]:
            values = np.zeros((len(dates), len(codes)))
            values[row[inside], column[inside]] = frame[name].to_numpy(dtype=float, na_value=0.0)[inside]
            grid[name] = values
    return grid


def _restock(demand: np.ndarray, items: dict, reserve_scale: np.ndarray) -> dict[str, np.ndarray]:
    """Order-up-to restocking with a lead time, for every district and item at once (quantities in whole steps).

    Each day: the delivery ordered `lead` days ago arrives; use is what was demanded, as far as stock allows;
    when stock plus open orders fall below `reorder_days` of the current rate (or the standing reserve),
    an order brings them up to `target_days` of it. reserve_scale: [district, item] steps per reserve unit.
    """
    n_days, n_districts, n_items = demand.shape
    settings = {key: np.array([items[name][key] for name in items], dtype=float)
                for key in ("reserve_per_100k", "reorder_days", "target_days", "lead_time_days")}
    reserve = np.ceil(reserve_scale * settings["reserve_per_100k"])  # [district, item]
    lead = settings["lead_time_days"].astype(int)
    pipeline = np.zeros((int(lead.max()), n_districts, n_items))  # orders by arrival slot
    rate = demand[: min(7, n_days)].mean(axis=0) if n_days else np.zeros((n_districts, n_items))
    on_hand = np.ceil(np.maximum(settings["target_days"] * rate, reserve))
    stock, received, used = (np.zeros(demand.shape) for _ in range(3))
    item_index = np.arange(n_items)
    for day in range(n_days):
        slot = day % lead  # per item: each item's ring buffer is its first `lead` slots
        arriving = pipeline[slot, :, item_index].T
        pipeline[slot, :, item_index] = 0.0
        on_hand = on_hand + arriving
        taken = np.minimum(demand[day], on_hand)
        on_hand = on_hand - taken
        rate = rate + RATE_SMOOTHING * (demand[day] - rate)
        position = on_hand + pipeline.sum(axis=0)
        order = np.where(position < np.maximum(settings["reorder_days"] * rate, reserve),
                         np.ceil(np.maximum(settings["target_days"] * rate, reserve) - position), 0.0)
        pipeline[slot, :, item_index] += order.T
        stock[day], received[day], used[day] = on_hand, arriving, taken
    return {"stock": stock, "received": received, "used": used}


def _oxygen(grid: dict[str, np.ndarray], bed_params: dict, storage_days: float, step: float) -> dict[str, np.ndarray]:
    """Oxygen held in tanks and cylinders (in steps of `step` m3): refilled each day from the supply capacity,
    up to `storage_days` of it."""
    demand = np.rint(((grid["oxygen"] - grid["icu"]) * bed_params["oxygen_m3_per_patient_day"]
                      + grid["icu"] * bed_params["oxygen_m3_per_icu_patient_day"]) / step)
    supply = np.rint(grid["oxygen_supply_m3_per_day"] / step)
    storage = np.rint(storage_days * supply)
    stock, received, used = (np.zeros(demand.shape) for _ in range(3))
    on_hand = storage[0] if len(storage) else np.zeros(len(grid["codes"]))
    for day in range(len(demand)):
        available = on_hand + supply[day]
        taken = np.minimum(demand[day], available)
        kept = np.minimum(available - taken, storage[day])
        stock[day], received[day], used[day] = kept, kept - on_hand + taken, taken
        on_hand = kept
    return {"stock": stock, "received": received, "used": used}


def _frame(dates: pd.DatetimeIndex, codes: np.ndarray, names: list[str], units: list[str],
           columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """[day, district, item] arrays -> the long table, item by item (rows of one item and day sit together, which
    DuckDB compresses best), rounded to 0.1 to drop the float noise of the 0.1 steps."""
    n_days, n_districts, n_items = columns["stock"].shape
    per_item = n_days * n_districts
    item = np.repeat(np.arange(n_items), per_item)
    data = {
        "date": np.tile(np.repeat(dates.to_numpy(), n_districts), n_items),
        "district_code": pd.Categorical.from_codes(np.tile(np.arange(n_districts), n_days * n_items), codes),
        "item": pd.Categorical.from_codes(item, names),
    }
    unit_names, unit_of_item = np.unique(units, return_inverse=True)
    data["unit"] = pd.Categorical.from_codes(unit_of_item[item], unit_names)
    data |= {name: np.round(values.transpose(2, 0, 1), 1).reshape(-1) for name, values in columns.items()}
    return pd.DataFrame(data).assign(source=pd.Categorical.from_codes(np.zeros(len(item), dtype=int), [SIMULATED]))
