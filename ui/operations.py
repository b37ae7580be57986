"""Streamlit helpers of the operations pages: cached loaders, headline numbers, downloadable tables, source captions."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from data import operations
from i18n import t
from ui.cached import cached

unit_capacity = cached(operations.unit_capacity)
district_occupancy = cached(operations.district_occupancy)
supplies = cached(operations.supplies)
checkpoint_sites = cached(operations.checkpoint_sites)
checkpoint_counts = cached(operations.checkpoint_counts)
response_daily = cached(operations.response_daily)

SOURCE_MARK = {"observed": "🟢", "simulated": "🟠", "estimated": "🔵", "mixed": "🔵"}


def source_caption(source: str | None, lang: str) -> None:
    """One line under a chart or table saying where its figures come from."""
    if source:
        st.caption(f"{SOURCE_MARK.get(source, '⚪')} {t(f'common.source_{source}', lang)}")


def table(frame: pd.DataFrame, labels: dict[str, str], key: str, lang: str, file_name: str,
          column_config: dict | None = None, source: str | None = None) -> None:
    """A table with translated headers, its source, and a CSV download (UTF-8 with BOM, so Excel reads Vietnamese)."""
    shown = frame[list(labels)].rename(columns=labels)
    st.dataframe(shown, hide_index=True, key=key, width="stretch", column_config=column_config)
    source_caption(source, lang)
    st.download_button(t("common.download_csv", lang), shown.to_csv(index=False).encode("utf-8-sig"),
                       file_name=file_name, mime="text/csv", key=f"{key}_csv", icon=":material/download:")


def metric(label: str, value: str, source: str | None, lang: str, note: str | None = None, alarm: bool = False,
           help: str | None = None) -> None:
    """A headline number with a note under it (a threshold, a share: never an arrow, these are not changes),
    red when `alarm`, and where the number comes from."""
    st.metric(label, value, delta=note, delta_color="inverse" if alarm else "off", delta_arrow="off", border=True,
              help=help)
    source_caption(source, lang)
