"""Vietnamese numbers: dot for thousands, comma for decimals."""
from __future__ import annotations

import math

import pytest

from indicators.formatting import format_number, format_threshold


@pytest.mark.parametrize("value, lang, decimals, text", [
    (52.3, "vi", 1, "52,3"), (1719, "vi", 0, "1.719"), (1234567.891, "vi", 2, "1.234.567,89"),
    (100_000, "vi", 0, "100.000"), (52.3, "en", 1, "52.3"), (1234567.891, "en", 2, "1,234,567.89"),
    (math.nan, "vi", 1, "–"), (None, "en", 1, "–"),
])
def test_format_number(value, lang, decimals, text):
    assert format_number(value, lang, decimals) == text


def test_thresholds_have_no_trailing_zeros():
    assert [format_threshold(value) for value in (50.0, 2.5, 150, 1000)] == ["50", "2,5", "150", "1.000"]
    assert format_threshold(2.5, "en") == "2.5"
