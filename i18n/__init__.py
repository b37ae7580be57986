"""One translation table for every UI string, Vietnamese first.

Strings live in `i18n/strings/*.toml`, one file per area of the app, as
``[area.key] vi = "…" en = "…"``; every file is merged into one flat table
keyed ``"area.key"``. Pure Python: reports and CLIs use it too.
"""
from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from i18n.formats import (  # noqa: F401  (re-exported: callers import every format from i18n)
    fmt_date,
    fmt_int,
    fmt_number,
    fmt_pct,
    fmt_signed_pct,
    is_missing,
    parse_decimal,
)

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
STRINGS_DIR = Path(__file__).parent / "strings"


def _flatten(table: dict, prefix: str = "") -> dict[str, dict[str, str]]:
    flat: dict[str, dict[str, str]] = {}
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and "vi" in value:
            flat[name] = value
        elif isinstance(value, dict):
            flat.update(_flatten(value, name))
    return flat


@cache
def table() -> dict[str, dict[str, str]]:
    """Every string of every file, keyed 'area.key'."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(STRINGS_DIR.glob("*.toml")):
        with path.open("rb") as f:
            merged.update(_flatten(tomllib.load(f)))
    return merged


def t(key: str, lang: str = DEFAULT_LANG, **values) -> str:
    """The UI string `key` in `lang`, with `{placeholders}` filled from `values`.

    An unknown key comes back as the key itself so a missing string is visible
    on screen rather than crashing a briefing; tests check every key exists.
    """
    entry = table().get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry[DEFAULT_LANG]
    return text.format(**values) if values else text


def area_title(name: str, parent: str, lang: str = DEFAULT_LANG) -> str:
    """'Tỉnh Điện Biên', 'Huyện Nậm Pồ (Tỉnh Điện Biên)', or the country's name when `name` is empty."""
    if not name:
        return t("common.whole_country", lang)
    return f"{name} ({parent})" if parent else name


def week_change(change_pct, previous, current, lang: str = DEFAULT_LANG) -> str:
    """A week's cases against the week before, as the Overview and the briefing write it: '+12% so với tuần
    trước'; 'tăng từ 0 ca' when the week before had none (no percentage exists); '±0' when neither had any; ''
    when either week is unknown. A leading '±' reads as no change (no arrow)."""
    if not is_missing(change_pct):
        return t("common.vs_last_week", lang, change=fmt_signed_pct(change_pct, 0, lang))
    if is_missing(previous) or is_missing(current) or previous != 0:
        return ""
    return t("common.up_from_none", lang) if current > 0 else t("common.vs_last_week", lang, change="±0")
