"""Phòng tình huống dịch COVID-19 — the situation room's entry point.

Routes the pages (st.navigation), builds the built-in database on first start,
and draws the shared sidebar every page reads its selection from.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from data import build, db
from i18n import t
from ui import cached, login, state

HERE = Path(__file__).resolve().parent
PAGES = HERE / "pages"

st.set_page_config(page_title="Phòng tình huống COVID-19", page_icon="🦠", layout="wide")


def ensure_database() -> None:
    """Build the built-in database on first start, showing the build's progress."""
    if db.db_path().exists():
        return
    language = state.lang()
    with st.empty().container():
        st.title(t("app.title", language))
        bar = st.progress(0.0, text=t("app.building", language))
        build.build(progress=lambda fraction, step: bar.progress(fraction, text=f"{t('app.building', language)} — {step}"))
    st.rerun()


def require_readable_database(language: str) -> None:
    """Stop with the reason, in words, when the database is unreadable (truncated, another schema)."""
    try:
        cached.connection()
    except db.Unavailable as problem:
        st.error(problem.text(language), icon=":material/database:")
        st.stop()


# Sections of the navigation, each a list of (file, translation key of its title, icon, URL path).
# URL paths are Vietnamese slugs without diacritics; the Overview is the default page at "/".
NAVIGATION = {
    "nav.situation": [
        ("overview.py", "overview.nav", ":material/dashboard:", ""),
        ("map.py", "map.nav", ":material/map:", "ban-do"),
        ("trends.py", "trends.nav", ":material/monitoring:", "dien-bien"),
    ],
    "nav.operations": [
        ("capacity.py", "capacity.nav", ":material/local_hospital:", "nang-luc"),
        ("checkpoints.py", "checkpoints.nav", ":material/share_location:", "chot-kiem-soat"),
        ("response.py", "response.nav", ":material/contact_phone:", "truy-vet"),
    ],
    "nav.briefing": [
        ("briefing.py", "briefing.nav", ":material/slideshow:", "trinh-chieu"),
    ],
    "nav.data": [
        ("data_entry.py", "ingest.nav", ":material/upload_file:", "nhap-lieu"),
    ],
}


def main() -> None:
    language = state.lang()
    sections = {
        t(section, language): [
            st.Page(PAGES / file, title=t(title, language), icon=icon, url_path=slug or None, default=not slug)
            for file, title, icon, slug in pages
        ]
        for section, pages in NAVIGATION.items()
    }
    navigation = st.navigation(sections)
    ensure_database()
    require_readable_database(language)
    selection = state.sidebar()
    login.gate(selection.lang)
    navigation.run()


main()
