"""Trình chiếu: the briefing of the selected area and day on a projector, and its files.

Full width, large type, a high-contrast look and no sidebar; one slide at a time with previous/next buttons
(← → keys), a button per slide and optional auto-advance. The deck is built once per area, day and language
(cached), so moving between slides only redraws one slide: no spinner. Slide, rule set, auto-advance and
sidebar live in the URL (?slide=3&auto=15&rules=…&sidebar=1). The same deck downloads as PPTX and PDF, and
the day's situation report as DOCX and Markdown.
"""
from __future__ import annotations

import datetime as dt
import time
from html import escape

import streamlit as st

from i18n import fmt_date, t
from indicators import origin
from indicators.rulesets import list_rulesets
from reports import briefing, daily, layout
from reports.document import to_docx, to_markdown
from reports.model import Bullets, Chart, Image, Metrics, Slide, Table
from reports.pdf_export import write_pdf
from reports.pptx_export import write_pptx
from reports.text import origin_label, source_line
from ui import cached, state, url, widgets

build_deck = cached.cached(briefing.build_deck)

AUTO_CHOICES = (0, 10, 15, 30, 60)
CHART_HEIGHT_PX = 480
CHART_UNDER_METRICS_PX = 340
SLIDE_KEY = "briefing_slide"
# session-state key -> (URL parameter, value left out of the URL)
URL_KEYS = {SLIDE_KEY: ("slide", 1), "briefing_auto": ("auto", 0),
            "briefing_sidebar": ("sidebar", False)}  # the rule set: ui.state.keep_ruleset

PROJECTOR_CSS = f"""
<style>
.block-container {{ max-width: 100%; padding: 0.8rem 2.2rem 0.6rem 2.2rem; }}
.briefing-tiles {{ display: grid; gap: 0.6rem; }}
.briefing-tile {{ background: {layout.COLORS["tile"]}; border: 1.5px solid {layout.COLORS["rule"]}; border-radius: 6px;
                  padding: 0.35rem 0.9rem; }}
.briefing-label {{ font-size: 1.15rem; color: {layout.COLORS["muted"]}; }}
.briefing-value {{ font-size: 2.7rem; font-weight: 700; line-height: 1.15; color: {layout.COLORS["text"]}; }}
.briefing-note {{ font-size: 1rem; font-weight: 600; }}
.briefing-table {{ width: 100%; border-collapse: collapse; font-size: 1.3rem; color: {layout.COLORS["text"]}; }}
.briefing-table th {{ background: {layout.COLORS["table_header"]}; color: {layout.COLORS["band_text"]};
                      text-align: left; padding: 0.3rem 0.6rem; vertical-align: bottom; }}
.briefing-table td {{ padding: 0.25rem 0.6rem; border-bottom: 1px solid {layout.COLORS["rule"]}; }}
.briefing-table tbody tr:nth-child(even) {{ background: {layout.COLORS["table_stripe"]}; }}
.briefing-table .num {{ text-align: right; }}
.briefing-table .total td {{ font-weight: 700; }}
.briefing-bullets li {{ font-size: 1.45rem; line-height: 1.5; color: {layout.COLORS["text"]}; }}
.briefing-band {{ background: {layout.COLORS["band"]}; color: {layout.COLORS["band_text"]}; padding: 0.7rem 1.4rem;
                  border-radius: 6px; margin-bottom: 0.4rem; }}
.briefing-band h1 {{ color: {layout.COLORS["band_text"]}; font-size: 2.5rem; margin: 0; padding: 0; line-height: 1.2; }}
.briefing-band p {{ color: {layout.COLORS["band_subtext"]}; font-size: 1.3rem; margin: 0.2rem 0 0 0; }}
</style>
"""
# Streamlit's own Left/Right shortcuts are ignored while a widget has the focus; after a click on a slide's
# button in the row of slides the focus stays there and ← → moved the focus instead of the slide. This hands
# those two keys to the previous/next buttons whenever the focus is in that row. Installed once per page.
ARROWS_IN_SLIDE_ROW_JS = """
<script>
if (!window.__briefingArrows) {
  window.__briefingArrows = true;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    if (!event.target.closest || !event.target.closest(".st-key-briefing_slide")) return;
    event.preventDefault();
    event.stopPropagation();
    const button = event.key === "ArrowLeft" ? "briefing_previous" : "briefing_next";
    document.querySelector(`.st-key-${button} button`)?.click();
  }, true);
}
</script>
"""
HIDE_SIDEBAR_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"] { display: none; }
</style>
"""


def seed_from_url(slide_count: int, ruleset_ids: list[str], day: dt.date, province: str | None) -> None:
    """Take the slide, auto-advance, rule set (else the one in force on `day` in `province`) and sidebar choice
    from the URL once per session."""
    url.seed(SLIDE_KEY, "slide", 1, url.whole_number(1, slide_count))
    url.seed("briefing_auto", "auto", 0, lambda text: int(text) if text.isdigit() and int(text) in AUTO_CHOICES else None)
    state.ruleset_key("briefing_rules", ruleset_ids, day, province)
    url.seed("briefing_sidebar", "sidebar", False, url.flag)


def write_url() -> None:
    for key, (parameter, default) in URL_KEYS.items():
        url.keep(parameter, st.session_state.get(key), default)
    state.keep_ruleset("briefing_rules", list(rulesets), day, selection.province)


def step(delta: int, slide_count: int) -> None:
    st.session_state[SLIDE_KEY] = (st.session_state[SLIDE_KEY] - 1 + delta) % slide_count + 1
    st.session_state["_briefing_shown_at"] = time.monotonic()


# ------------------------------------------------------------------------------------------------ drawing


def draw_metrics(metrics: Metrics, lang: str) -> None:
    """Headline figures as tiles like the exported slides': label, large value, note and origin in its colour."""
    tiles = "".join(
        f"<div class='briefing-tile' role='group' aria-label='{escape(figure.label)}'>"
        f"<div class='briefing-label'>{escape(figure.label)}</div>"
        f"<div class='briefing-value'>{escape(figure.value)}</div>"
        f"<div class='briefing-note' style='color:{origin.COLORS.get(figure.source, layout.COLORS['muted'])}'>"
        f"{escape(' · '.join(filter(None, [figure.note, origin_label(figure.source, lang)])))}</div></div>"
        for figure in metrics.figures)
    columns = min(layout.TILES_PER_ROW, len(metrics.figures))
    st.html(f"<div class='briefing-tiles' style='grid-template-columns:repeat({columns}, 1fr)'>{tiles}</div>")


def table_html(table: Table) -> str:
    """A table in the slide's large type, numbers right-aligned, the total in bold."""
    def cells(values, tag: str) -> str:
        return "".join(f"<{tag} class='{'num' if table.is_numeric(i) else ''}'>{escape(value)}</{tag}>"
                       for i, value in enumerate(values))

    body = "".join(f"<tr class='{'total' if table.bold_last_row and n == len(table.rows) - 1 else ''}'>"
                   f"{cells(row, 'td')}</tr>" for n, row in enumerate(table.rows))
    head = f"<thead><tr>{cells(table.columns, 'th')}</tr></thead>"
    return f"<table class='briefing-table'>{head}<tbody>{body}</tbody></table>"


def draw_slide(slide: Slide, number: int, deck) -> None:
    subtitle = f"<p>{escape(slide.subtitle)}</p>" if slide.subtitle else ""
    st.html(f"<div class='briefing-band'><h1>{escape(slide.title)}</h1>{subtitle}</div>")
    has_metrics = any(isinstance(block, Metrics) for block in slide.blocks)
    rest = [(index, block) for index, block in enumerate(slide.blocks) if not isinstance(block, Metrics)]
    for block in slide.blocks:
        if isinstance(block, Metrics):
            draw_metrics(block, deck.lang)
    if rest:
        weights = slide.column_widths if len(slide.column_widths) == len(rest) else [1] * len(rest)
        for column, (index, block) in zip(st.columns(weights, gap="large"), rest):
            with column:
                if isinstance(block, Chart):
                    height = CHART_UNDER_METRICS_PX if has_metrics else CHART_HEIGHT_PX
                    widgets.chart(layout.presentation_figure(block.figure, deck.lang, height), key=f"briefing_{slide.key}_{index}")
                elif isinstance(block, Image):
                    st.image(block.png, alt=block.alt, width="stretch")
                elif isinstance(block, Table):
                    st.html(table_html(block))
                elif isinstance(block, Bullets):
                    items = "".join(f"<li>{escape(line)}</li>" for line in block.lines)
                    st.html(f"<ul class='briefing-bullets'>{items}</ul>")
    for note in slide.notes:
        st.warning(note, icon="⚠️")
    footer = st.columns([3, 7, 1.4], vertical_alignment="center")
    footer[0].caption(deck.stamp)
    footer[1].caption(source_line(slide.sources, deck.lang))
    footer[2].caption(t("briefing.slide_number", deck.lang, number=number, total=len(deck.slides)))


# ------------------------------------------------------------------------------------------------ page

selection = state.current()
lang, area, day = selection.lang, selection.area, selection.date
rulesets = {ruleset.id: ruleset for ruleset in list_rulesets()
            if "district" in ruleset.applies_to and ruleset.judges(selection.province)}
seed_from_url(len(briefing.SLIDE_KEYS), list(rulesets), day, selection.province)
presenting = not st.session_state["briefing_sidebar"]
st.set_page_config(layout="wide", initial_sidebar_state="collapsed" if presenting else "expanded")
st.html(PROJECTOR_CSS)
st.html(ARROWS_IN_SLIDE_ROW_JS, unsafe_allow_javascript=True)
if presenting:
    st.html(HIDE_SIDEBAR_CSS)

with st.spinner(t("briefing.preparing", lang)):  # once per area, day and language; slides then switch at once
    deck = build_deck(area, day, lang, st.session_state["briefing_rules"], selection.colorblind)
slide_count = len(deck.slides)
if st.session_state[SLIDE_KEY] > slide_count:  # a link to a slide this area does not have (no checkpoints)
    st.session_state[SLIDE_KEY] = 1
auto_seconds = st.session_state["briefing_auto"]


@st.fragment(run_every=auto_seconds or None)
def presenter() -> None:
    """The slide and its controls: rerun alone on a click or a tick, so changing slides is instant."""
    shown_at = st.session_state.setdefault("_briefing_shown_at", time.monotonic())
    if auto_seconds and time.monotonic() - shown_at >= auto_seconds - 0.5:
        step(1, slide_count)
    number = st.session_state[SLIDE_KEY]
    draw_slide(deck.slides[number - 1], number, deck)

    controls = st.columns([1, 8, 1], vertical_alignment="center")
    controls[0].button(t("briefing.previous", lang), key="briefing_previous", shortcut="Left", width="stretch",
                       on_click=step, args=(-1, slide_count), icon=":material/chevron_left:")
    with controls[1]:
        st.segmented_control(
            t("briefing.go_to", lang), options=list(range(1, slide_count + 1)), key=SLIDE_KEY, required=True,
            format_func=lambda n: f"{n}. {t(f'briefing.tab_{deck.slides[n - 1].key}', lang)}",
            label_visibility="collapsed",
            on_change=lambda: st.session_state.update(_briefing_shown_at=time.monotonic()))
    controls[2].button(t("briefing.next", lang), key="briefing_next", shortcut="Right", width="stretch",
                       on_click=step, args=(1, slide_count), icon=":material/chevron_right:", icon_position="right")
    write_url()


presenter()

options = st.columns([1.6, 1.6, 4.2, 2], vertical_alignment="bottom")
with options[0]:
    st.selectbox(t("briefing.auto_advance", lang), AUTO_CHOICES, key="briefing_auto",
                 format_func=lambda s: t("briefing.seconds", lang, seconds=s) if s else t("briefing.auto_off", lang))
with options[1]:
    st.toggle(t("briefing.show_sidebar", lang), key="briefing_sidebar", help=t("briefing.show_sidebar_help", lang))
with options[2]:
    st.selectbox(t("briefing.ruleset", lang), list(rulesets), key="briefing_rules",
                 on_change=state.ruleset_picked, args=("briefing_rules",),
                 format_func=lambda ruleset_id: rulesets[ruleset_id].name(lang))
suggest = cached.cached(daily.suggestions)


def author_lines() -> tuple[list[str], list[str]]:
    """The report's last two sections as the author left them: pre-filled from the data, edited here."""
    difficulties, tasks = suggest(area, day, lang)
    with st.expander(t("briefing.report_author", lang), icon=":material/edit_note:"):
        st.caption(t("report.suggested_hint", lang))
        suffix = f"{area.key}_{day.isoformat()}_{lang}"  # new suggestions for another area, day or language
        edited = [st.text_area(t(key, lang), "\n".join(lines), key=f"report_{name}_{suffix}", height=150)
                  for name, key, lines in (("difficulties", "report.difficulties", difficulties),
                                           ("tasks", "report.proposals", tasks))]
    return tuple([line.strip() for line in text.splitlines() if line.strip()] for text in edited)


difficulties, tasks = author_lines()
with options[3], st.popover(t("briefing.exports", lang), icon=":material/download:", width="stretch"):
    stem = f"{area.key}-{day.isoformat()}"
    st.caption(t("briefing.exports_help", lang, date=fmt_date(day, lang)))
    st.download_button(t("briefing.download_pptx", lang), lambda: write_pptx(deck),
                       file_name=f"trinh-chieu-{stem}.pptx",
                       mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                       key="briefing_pptx", on_click="ignore", icon=":material/slideshow:", width="stretch")
    st.download_button(t("briefing.download_pdf", lang), lambda: write_pdf(deck), file_name=f"trinh-chieu-{stem}.pdf",
                       mime="application/pdf", key="briefing_pdf", on_click="ignore", icon=":material/picture_as_pdf:",
                       width="stretch")
    # Built on click, on the download's own thread: the slides never wait for a file nobody asked for.
    connection = cached.connection()
    st.download_button(t("briefing.download_docx", lang),
                       lambda: to_docx(daily.build_report(connection, area, day, lang, difficulties, tasks)),
                       file_name=f"bao-cao-{stem}.docx",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                       key="briefing_docx", on_click="ignore", icon=":material/description:", width="stretch")
    st.download_button(t("briefing.download_md", lang),
                       lambda: to_markdown(daily.build_report(connection, area, day, lang, difficulties, tasks)),
                       file_name=f"bao-cao-{stem}.md",
                       mime="text/markdown", key="briefing_md", on_click="ignore", icon=":material/article:",
                       width="stretch")
write_url()
