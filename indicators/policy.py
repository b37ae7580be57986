"""The policy numbers around the levels (capacity limits, mean stay, vaccination targets, positivity reference,
serial interval),
read from indicators/policy.toml: one home each, shown where they are used."""
from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

POLICY_TOML = Path(__file__).resolve().parent / "policy.toml"


@cache
def policy() -> dict:
    with POLICY_TOML.open("rb") as f:
        return tomllib.load(f)


def number(section: str, key: str) -> float:
    """One policy number, e.g. number("treatment", "assumed_mean_stay_days")."""
    return float(policy()[section][key])
