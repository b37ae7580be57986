"""Number and date formats: Vietnamese (1.719; 52,3; 24/05/2021) or English (1,719; 52.3; 24 May 2021).

Missing values (None, NaN, NA) render as an em dash so a gap never looks like a zero.
"""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd

MISSING = "—"


def is_missing(value) -> bool:
    """None, NA, NaT or NaN: a figure nobody has (shown as a dash, never as 0)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return math.isnan(value)
    except TypeError:
        return False


def _localise(text: str, lang: str) -> str:
    """Swap the English separators for the Vietnamese ones (',' thousands -> '.', '.' decimal -> ',')."""
    if lang != "vi":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def parse_decimal(text: str) -> float | None:
    """A number typed with a decimal comma or point ('16,82', '16.82', '−3,5'), or None if it is not one. For
    small figures such as rates, where a point is never a thousands separator."""
    cleaned = "".join(str(text).split()).replace("−", "-").replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def fmt_int(value, lang: str = "vi") -> str:
    if is_missing(value):
        return MISSING
    return _localise(f"{round(float(value)):,}", lang)


def fmt_number(value, decimals: int = 1, lang: str = "vi") -> str:
    if is_missing(value):
        return MISSING
    return _localise(f"{float(value):,.{decimals}f}", lang)


def fmt_pct(value, decimals: int = 1, lang: str = "vi") -> str:
    """`value` is already a percentage (52.3 -> '52,3%')."""
    if is_missing(value):
        return MISSING
    return fmt_number(value, decimals, lang) + "%"


def fmt_signed_pct(value, decimals: int = 0, lang: str = "vi") -> str:
    """A change in percent with its sign: '+12%', '−8%'."""
    if is_missing(value):
        return MISSING
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return sign + fmt_pct(abs(value), decimals, lang)


_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt_date(value, lang: str = "vi") -> str:
    if is_missing(value):
        return MISSING
    day = pd.Timestamp(value).date() if not isinstance(value, dt.date) else value
    if lang == "vi":
        return day.strftime("%d/%m/%Y")
    return f"{day.day} {_EN_MONTHS[day.month - 1]} {day.year}"
