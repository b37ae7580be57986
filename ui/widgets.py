"""Small widgets every page uses the same way."""
from __future__ import annotations

import streamlit as st

from i18n import t


def metric(label: str, value: str, source: str, lang: str, delta: str | None = None,
           delta_color: str = "inverse", key: str | None = None) -> None:
    """A headline number that always says whether it is observed, estimated or simulated."""
    st.metric(label, value, delta=delta, delta_color=delta_color, border=True,
              help=t(f"common.source_{source}", lang), key=key)
    st.caption(("🟢 " if source == "observed" else "🟠 " if source == "simulated" else "🔵 ")
               + t(f"common.source_{source}", lang))


def area_title(area_name: str, parent: str, lang: str) -> str:
    """'Huyện Nậm Pồ (Tỉnh Điện Biên)', or the country's name."""
    if not area_name:
        return t("common.whole_country", lang)
    return f"{area_name} ({parent})" if parent else area_name
