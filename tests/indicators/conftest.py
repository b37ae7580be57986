"""Paths and small frames shared by the indicators tests."""
from __future__ import annotations

from pathlib import Path

import pytest

VALIDATION = Path(__file__).resolve().parents[1] / "validation"


@pytest.fixture(scope="session")
def validation_dir() -> Path:
    return VALIDATION
