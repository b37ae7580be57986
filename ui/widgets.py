"""Small widgets every page uses the same way."""
from __future__ import annotations

import streamlit as st

from i18n import area_title, fmt_date, t
from ui import cached

# Badge colour per origin: real figures green, derived blue, invented orange (never mistaken for real).
SOURCE_COLORS = {"observed": "green", "estimated": "blue", "mixed": "blue", "simulated": "orange"}
# Every card of a row as tall as one with a note under its value, so the origin tags under a row line up.
CARD_HEIGHT_PX = 134


def metric(label: str, value: str, source: str, lang: str, delta: str | None = None,
           delta_color: str = "inverse") -> None:
    """A headline number that always says whether it is observed, estimated or simulated.

    Streamlit reads a delta's direction from a leading ASCII '-', so the typographic minus is swapped for it.
    """
    if delta and delta.startswith("−"):
        delta = "-" + delta[1:]
    unchanged = bool(delta and delta.startswith("±"))
    st.metric(label, value, delta=delta, delta_color="off" if unchanged else delta_color,
              delta_arrow="off" if unchanged else "auto", border=True, height=CARD_HEIGHT_PX,
              help=t(f"common.source_{source}", lang))
    st.badge(t(f"common.source_{source}", lang), color=SOURCE_COLORS[source])



def page_header(title_key: str, selection, as_of: bool = True) -> None:
    """The page title naming the selected area ('… — Tỉnh Điện Biên') and the day its figures run to."""
    name, parent = cached.area_name(selection.area)
    st.title(t(title_key, selection.lang, area=area_title(name, parent, selection.lang)))
    if as_of:
        st.caption(t("common.as_of", selection.lang, date=fmt_date(selection.date, selection.lang)))


def excel_bytes(frame) -> bytes:
    """A frame as an .xlsx file (one sheet, no index), for a download button."""
    import io

    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, engine="openpyxl")
    return buffer.getvalue()
