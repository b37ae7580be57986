"""Wording shared by the briefing and the report: area names, origin labels, the data-source line."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from data.db import Area, area_name
import i18n
from i18n import fmt_date, fmt_int, t


def area_title(con, area: Area, lang: str) -> str:
    """'Tỉnh Điện Biên', 'Huyện Nậm Pồ (Tỉnh Điện Biên)' or the country's name."""
    return i18n.area_title(*area_name(con, area), lang)


def conflict_texts(conflicts: pd.DataFrame, lang: str) -> list[str]:
    """One warning per day on which uploaded district figures disagree with the published province figure,
    with both numbers (data.metrics.conflicts)."""
    return [t("metrics.conflict", lang, date=fmt_date(day, lang), districts=fmt_int(districts, lang),
              published=fmt_int(published, lang))
            for day, districts, published in conflicts.itertuples(index=False)]


def origin_label(origin: str | None, lang: str) -> str:
    return t(f"common.source_{origin}", lang) if origin else t("common.no_data", lang)


def source_line(sources: tuple[tuple[str, str], ...], lang: str) -> str:
    """'Nguồn số liệu: Ca mắc — số liệu thực · Điều trị — mô phỏng'."""
    parts = " · ".join(f"{what} — {origin_label(origin, lang)}" for what, origin in sources)
    return t("briefing.source_line", lang, sources=parts)


def week_span(monday: dt.date, lang: str) -> str:
    sunday = monday + dt.timedelta(days=6)
    return t("briefing.week_span", lang, start=fmt_date(monday, lang), end=fmt_date(sunday, lang))
