"""Census age bands -> the denominators that vaccination targets use.

The 2019 census counts 5-year bands ('00-04' … '85+'); the targets speak of people
aged ≥18 and ≥50. Aged ≥18 takes 2/5 of the 15-19 band (ages 18 and 19) and every
band from 20-24 up; aged ≥50 is every band from 50-54 up.
"""
from __future__ import annotations

import pandas as pd


def band_start(age_group: pd.Series) -> pd.Series:
    """First age of a census band: '15-19' -> 15, '85+' -> 85."""
    return age_group.str.extract(r"^(\d+)")[0].astype(int)


def adult_share(age_group: pd.Series, threshold: int) -> pd.Series:
    """Share of each 5-year band aged ≥ `threshold` (assuming ages spread evenly in a band)."""
    start = band_start(age_group)
    return ((start + 5 - threshold) / 5).clip(0, 1)


def coverage_denominators(population_by_age: pd.DataFrame) -> tuple[float, float]:
    """(people aged ≥18, people aged ≥50) of a frame with age_group and population."""
    bands = population_by_age["age_group"]
    population = population_by_age["population"]
    return float((population * adult_share(bands, 18)).sum()), float((population * adult_share(bands, 50)).sum())
