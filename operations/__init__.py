"""Arithmetic of the operations pages: treatment capacity, oxygen, checkpoints, tracing, testing and supplies.

Pure pandas/numpy (Altair only in `figures`); never imports streamlit, so planners can run the same numbers in
a notebook. Defaults and their sources live in `operations/parameters.toml` (read with `parameters()`).

Modules: `capacity` (per-100k surge flags), `projection` (growth rate, days until beds run out),
`oxygen` (the oxygen planner), `checkpoints` (end-of-day summary, risk notes, the 95% target),
`response` (tracing, quarantine and testing series), `supplies` (days of cover), `figures` (Vega-Lite charts).
"""
from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

PARAMETERS_FILE = Path(__file__).resolve().parent / "parameters.toml"


@cache
def parameters(path: Path = PARAMETERS_FILE) -> dict:
    """The defaults of every operations calculation (cached: treat as read-only)."""
    with path.open("rb") as f:
        return tomllib.load(f)
