"""Numbers as people read them: Vietnamese uses a dot for thousands and a comma for decimals (1.719; 52,3)."""

import math


def format_number(value: float | int | None, lang: str = "vi", decimals: int = 1) -> str:
    """Fixed number of decimals, grouped thousands; '–' for a missing value so gaps are visible, not zero."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.translate(str.maketrans({",": ".", ".": ","}))
    return text


def format_threshold(value: float, lang: str = "vi") -> str:
    """A threshold as written in the legal text: no trailing zeros (50, not 50,0; but 2,5)."""
    decimals = 0
    while decimals < 6 and round(value, decimals) != value:
        decimals += 1
    return format_number(value, lang, decimals)
