"""The oxygen planner: patients and a severity mix -> litres per minute -> m3 per day, cylinders, liquid tanks.

Assumptions (shown on the page): every patient of a class breathes its class's mean flow around the clock;
a cylinder and a tank are emptied completely; gas volumes are at atmospheric pressure and room temperature.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from operations import parameters

MINUTES_PER_DAY = 1440
LITRES_PER_M3 = 1000


def m3_per_day(litres_per_minute):
    """A continuous flow in L/min as m3 of gas per day: L/min x 1,440 / 1,000 (works on arrays too)."""
    return litres_per_minute * MINUTES_PER_DAY / LITRES_PER_M3


def default_mix() -> pd.DataFrame:
    """The default severity mix: id, share (0-1), litres_per_minute, range, source."""
    return pd.DataFrame(parameters()["oxygen"]["severity"])[["id", "share", "litres_per_minute", "range", "source"]]


@dataclass(frozen=True)
class OxygenPlan:
    patients: float
    by_severity: pd.DataFrame     # id, share (normalised), patients, litres_per_minute, total_lpm, m3_per_day
    litres_per_minute: float      # all patients together
    m3_per_day: float
    cylinders_per_day: float      # full cylinders emptied per day
    liquid_litres_per_day: float  # litres of liquid oxygen evaporated per day
    tanks: pd.DataFrame           # tank_litres, tanks_per_day, days_per_tank
    supply_m3_per_day: float      # recorded supply (NaN when unknown)
    shortfall_m3_per_day: float   # demand above supply, 0 when supply covers it (NaN when supply unknown)
    stock_m3: float               # oxygen in stock (NaN when unknown)
    days_of_stock: float          # stock / shortfall: inf when there is no shortfall
    days_of_stock_alone: float    # stock / demand: how long stock lasts if deliveries stopped


def plan_oxygen(patients: float, mix: pd.DataFrame, supply_m3_per_day: float = math.nan,
                stock_m3: float = math.nan, cylinder_gas_m3: float | None = None,
                liquid_gas_m3_per_litre: float | None = None, tank_litres: list[float] | None = None) -> OxygenPlan:
    """Oxygen demand of `patients` split by `mix` (columns id, share, litres_per_minute).

    Shares are normalised to sum to one (the page warns when they did not), so every patient is counted once.
    """
    defaults = parameters()["oxygen"]
    cylinder = cylinder_gas_m3 or defaults["cylinder_gas_m3"]
    expansion = liquid_gas_m3_per_litre or defaults["liquid_gas_m3_per_litre"]
    tank_sizes = np.asarray(tank_litres or defaults["tank_litres"], dtype=float)

    shares = mix["share"].astype(float).clip(lower=0).fillna(0)
    total_share = shares.sum()
    by_severity = mix[["id"]].assign(
        share=shares / total_share if total_share else 0.0,
        litres_per_minute=mix["litres_per_minute"].astype(float).clip(lower=0).fillna(0),
    )
    by_severity["patients"] = patients * by_severity["share"]
    by_severity["total_lpm"] = by_severity["patients"] * by_severity["litres_per_minute"]
    by_severity["m3_per_day"] = m3_per_day(by_severity["total_lpm"])

    demand = float(by_severity["m3_per_day"].sum())
    liquid = demand / expansion
    shortfall = max(demand - supply_m3_per_day, 0.0) if not math.isnan(supply_m3_per_day) else math.nan
    return OxygenPlan(
        patients=patients,
        by_severity=by_severity,
        litres_per_minute=float(by_severity["total_lpm"].sum()),
        m3_per_day=demand,
        cylinders_per_day=demand / cylinder,
        liquid_litres_per_day=liquid,
        tanks=pd.DataFrame({
            "tank_litres": tank_sizes,
            "tanks_per_day": liquid / tank_sizes,
            "days_per_tank": tank_sizes / liquid if liquid else np.inf,
        }),
        supply_m3_per_day=supply_m3_per_day,
        shortfall_m3_per_day=shortfall,
        stock_m3=stock_m3,
        days_of_stock=_days(stock_m3, shortfall),
        days_of_stock_alone=_days(stock_m3, demand),
    )


def _days(stock: float, daily_draw: float) -> float:
    """Days a stock lasts at a daily draw: inf when nothing is drawn, NaN when either is unknown."""
    if math.isnan(stock) or math.isnan(daily_draw):
        return math.nan
    return stock / daily_draw if daily_draw > 0 else math.inf
