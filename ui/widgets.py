"""Small widgets every page uses the same way."""
from __future__ import annotations

import altair as alt
import streamlit as st
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec as altair_spec

from data.db import DISTRICT
from i18n import area_title, fmt_date, fmt_number, parse_decimal, t
from indicators.origin import BADGE_COLORS
from ui import cached, url

# Every card of a row as tall as one with a note under its value, so the origin tags under a row line up.
CARD_HEIGHT_PX = 134
NO_FIGURE = "—"


def metric(label: str, value: str, source: str | None, lang: str, delta: str | None = None,
           delta_color: str = "inverse") -> None:
    """A headline number that always says whether it is observed, estimated or simulated: the origin the
    metrics frame carries (None: no figure, a grey "no data").

    Without a figure the card shows a dash, and its grey badge says "no data": a card is too narrow for the words.
    Streamlit reads a delta's direction from a leading ASCII '-', so the typographic minus is swapped for it.
    """
    if source not in BADGE_COLORS:
        value = NO_FIGURE
    if delta and delta.startswith("−"):
        delta = "-" + delta[1:]
    unchanged = bool(delta and delta.startswith("±"))
    st.metric(label, value, delta=delta, delta_color="off" if unchanged else delta_color,
              delta_arrow="off" if unchanged else "auto", border=True, height=CARD_HEIGHT_PX,
              help=origin_text(source, lang))
    st.badge(origin_text(source, lang), color=BADGE_COLORS.get(source, "gray"))


def origin_text(source, lang: str) -> str:
    """The origin's name on screen; "no data" when the figure has none."""
    return t(f"common.source_{source}", lang) if source in BADGE_COLORS else t("common.no_data", lang)



def decimal_input(label: str, value: float, lang: str, key: str, minimum: float, maximum: float,
                  decimals: int = 2, help: str | None = None, container=st) -> float:
    """A number with decimals, typed and shown as the language writes it ('16,82' in Vietnamese: Streamlit's
    number box shows only '16.82'). Starts at `value`; text that is not a number in range keeps `value` and says
    so under the box."""
    if key not in st.session_state:
        st.session_state[key] = fmt_number(value, decimals, lang).replace("." if lang == "vi" else ",", "")  # no grouping
    number = parse_decimal(container.text_input(label, key=key, help=help))
    if number is None or not minimum <= number <= maximum:
        container.error(t("common.decimal_invalid", lang, low=fmt_number(minimum, decimals, lang),
                          high=fmt_number(maximum, decimals, lang)), icon="⚠️")
        return value
    return number


def page_header(title_key: str, selection, as_of: bool = True) -> None:
    """The page title naming the selected area ('… — Tỉnh Điện Biên') and the day its figures run to; for a
    district where the census counts nobody (Huyện Hoàng Sa), why its rates read "—"."""
    name, parent = cached.area_name(selection.area)
    st.title(t(title_key, selection.lang, area=area_title(name, parent, selection.lang)))
    if as_of:
        st.caption(t("common.as_of", selection.lang, date=fmt_date(selection.date, selection.lang)))
    if selection.area.level == DISTRICT and cached.area_population(selection.area) == 0:
        st.caption(t("common.no_residents", selection.lang, name=name))


def chart(figure, *args, key: str, **kwargs) -> None:
    """A chart of `charts` in our colours (not Streamlit's theme), as wide as its column; a grid of small
    charts (a facet) keeps the width of its cells. The key is written into the spec too (usermeta): a chart
    without selections gets no element id from Streamlit, and tests tell the charts apart by it.

    `figure` is a chart, or the (pure, module-level) function of charts/ or operations/ that makes one from
    `args` and `kwargs`: then its spec is made once per arguments and kept (building and serialising the
    Overview's chart was two thirds of the page's run)."""
    if isinstance(figure, alt.TopLevelMixin):
        spec = _spec_of(figure, key)
    else:
        spec = _cached_spec(figure, f"{figure.__module__}.{figure.__qualname__}", args, kwargs, key)
    st.vega_lite_chart(data=None, spec=spec, key=key, theme=None, width="content" if "facet" in spec else "stretch")


def _spec_of(figure: alt.TopLevelMixin, key: str) -> dict:
    """The spec as st.altair_chart makes it: its rows as Arrow datasets, not JSON records (35-50 % more bytes).
    Streamlit's own conversion (streamlit is pinned in requirements.txt; tests/test_overview_page.py checks it)."""
    return altair_spec(figure.properties(usermeta={"key": key}))


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_spec(_make, name: str, args: tuple, kwargs: dict, key: str) -> dict:
    """The spec of `_make(*args, **kwargs)`, cached by the function's name and the arguments."""
    if "<" in name:  # a lambda or a local function has no name of its own to key the cache by
        raise ValueError(f"chart: {name} is not a module-level function")
    return _spec_of(_make(*args, **kwargs), key)


def folded(label: str, key: str, icon: str | None = None):
    """An expander whose content is made and sent only once it is open (opening it reruns the page): a closed
    table costs a page's load nothing, where Streamlit would otherwise send and draw it hidden. The open
    expander, or None while it is closed; it stays as the user left it (session state under `key`)."""
    box = st.expander(label, key=key, icon=icon, on_change="rerun")
    return box if box.open else None


def sections(labels: dict[str, str], key: str, lang: str, parameter: str = "section"):
    """Tabs over the sections of a long page (code → label), only the open one's content made and sent (a
    switch reruns the page): the page opens with its first section alone, not every chart of the page hidden
    in tabs. The open section is kept in the URL `parameter` by code, so a link opens it in either language;
    `key` (one per page) holds it in the session. Returns (code, container) of the open section."""
    codes = list(labels)
    url.seed(key, parameter, codes[0], url.one_of(codes))
    if st.session_state[key] not in labels:
        st.session_state[key] = codes[0]
    # keyed per language: the tabs' state is their label, and another language's label is unknown to them
    tabs = st.tabs(list(labels.values()), key=f"{key}_{lang}", default=labels[st.session_state[key]],
                   on_change="rerun")
    code, tab = next(((code, tab) for code, tab in zip(codes, tabs) if tab.open), (codes[0], tabs[0]))
    st.session_state[key] = code
    url.keep(parameter, code, default=codes[0])
    return code, tab


SHOWN_NOTES = 3  # notes on the record shown open under a chart; more go in an expander


def record_notes(texts: list[str], lang: str) -> None:
    """What the published record says about a chart's days (data.record_notes), a paragraph each: a few open,
    a long list (the whole country over months) folded. One caption holds them all: the browser renders each
    Markdown element on its own (a page with a dozen notes spent ~0.1 s of a new tab's load on them)."""
    if not texts:
        return
    holder = st.container() if len(texts) <= SHOWN_NOTES else st.expander(
        t("record.notes_count", lang, n=len(texts)), icon=":material/info:")
    holder.caption("\n\n".join(f":gray-badge[{t('record.title', lang)}] {text}" for text in texts))
