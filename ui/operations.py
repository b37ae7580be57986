"""Streamlit helpers of the operations pages: cached loaders, page settings kept in the URL, headline numbers,
downloadable tables, source captions."""
from __future__ import annotations


import pandas as pd
import streamlit as st

from data import operations
from data.spreadsheet_safe import csv_bytes
from i18n import fmt_date, fmt_number, t
from i18n.formats import MISSING
from ui.cached import cached
from indicators.origin import BADGE_COLORS
from ui.widgets import CARD_HEIGHT_PX

district_occupancy = cached(operations.district_occupancy)
supplies = cached(operations.supplies)
checkpoint_sites = cached(operations.checkpoint_sites)
checkpoint_counts = cached(operations.checkpoint_counts)
response_daily = cached(operations.response_daily)


def source_caption(source: str | None, lang: str, label: str | None = None) -> None:
    """The badge under a chart or table saying where its figures come from, coloured as ui.widgets colours it
    (`label` replaces the standard words)."""
    if source:
        st.badge(label or t(f"common.source_{source}", lang), color=BADGE_COLORS.get(source, "gray"))


def table(frame: pd.DataFrame, labels: dict[str, str], key: str, lang: str, file_name: str,
          decimals: dict[str, int] | None = None, source: str | None = None) -> None:
    """A table with translated headers, numbers and dates in the UI language's format, its source, and a CSV
    download of the raw values (UTF-8 with BOM, so Excel reads Vietnamese).

    `decimals` maps a column of `frame` to its decimals (default: 0 for integers, 1 for other numbers).
    """
    shown = frame[list(labels)].rename(columns=labels)
    styler = shown.style.format(na_rep=MISSING)
    for column, label in labels.items():
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            styler = styler.format(lambda v: fmt_date(v, lang), subset=[label], na_rep=MISSING)
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            places = (decimals or {}).get(column, 0 if pd.api.types.is_integer_dtype(values) else 1)
            styler = styler.format(lambda v, places=places: fmt_number(v, places, lang), subset=[label], na_rep=MISSING)
    st.dataframe(styler, hide_index=True, key=key, width="stretch", placeholder=MISSING)
    source_caption(source, lang)
    st.download_button(t("common.download_csv", lang), csv_bytes(shown),
                       file_name=file_name, mime="text/csv", key=f"{key}_csv", icon=":material/download:")


def metric(label: str, value: str, source: str | None, lang: str, note: str | None = None, alarm: bool = False,
           help: str | None = None, source_label: str | None = None) -> None:
    """A headline number with a note under it (a threshold, a share: never an arrow, these are not changes),
    red when `alarm`, and where the number comes from."""
    st.metric(label, value, delta=note, delta_color="inverse" if alarm else "off", delta_arrow="off", border=True,
              height=CARD_HEIGHT_PX, help=help)
    source_caption(source, lang, source_label)
