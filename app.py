"""Phòng tình huống dịch COVID-19 — the situation room's entry point.

Routes the pages (st.navigation), builds the built-in database on first start,
and draws the shared sidebar every page reads its selection from.
"""
from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import streamlit as st

from data import db
from i18n import t
from ui import cached, login, state
from ui.navigation import NAVIGATION, slugs

HERE = Path(__file__).resolve().parent
PAGES = HERE / "app_pages"
FIRST_BUILD_POLL_S = 1.0  # how often a page waiting for the first build looks again
# The tab's icon: the four level colours, an image served by the app (an emoji icon needs an emoji font, which an
# office machine without internet may not have; a Material icon is fetched from Google's servers)
ICON = HERE / "static" / "icon.png"

st.set_page_config(page_title="Phòng tình huống COVID-19", page_icon=str(ICON), layout="wide")


def ensure_database() -> None:
    """Build the built-in database on first start, in the background of the server, showing the build's progress
    to everyone who opens the app meanwhile."""
    if db.db_path().exists():
        return
    from data import build  # here only: the builder's imports (scipy) cost a fresh server's first visit 0.5 s

    language = state.lang()
    running = build.first_build()
    st.title(t("app.title", language))
    if running.error is not None and not running.running:
        st.error(f"{t('app.build_failed', language)}: {running.error}", icon=":material/database:")
        st.stop()
    st.progress(running.fraction, text=f"{t('app.building', language)} — "
                                       f"{t(f'app.build_step.{running.step}', language)}")
    time.sleep(FIRST_BUILD_POLL_S)
    st.rerun()


def require_readable_database(language: str) -> None:
    """Stop with the reason, in words, when the database is unreadable (truncated, another schema)."""
    try:
        cached.connection()
    except db.Unavailable as problem:
        st.error(problem.text(language), icon=":material/database:")
        st.stop()


def requested_slug() -> str:
    """The page part of the browser's address ("" for the root), relative to the server's base path."""
    url = st.context.url
    if not url:
        return ""
    base = st.get_option("server.baseUrlPath").strip("/")
    path = unquote(urlparse(url).path).strip("/")
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base):].strip("/")
    return path


def not_found_page(path: str, pages: list[st.Page], language: str):
    """A page for a mistyped address: says so in the UI language and links every real page.

    Streamlit would otherwise open the default page under its own English "Page not found" dialog.
    """
    def page() -> None:
        st.title(t("notfound.title", language))
        st.markdown(t("notfound.body", language, path=re.sub(r"([\\`*_\[\]<>#|~$])", r"\\\1", path)))
        for target in pages:
            st.page_link(target, label=target.title, icon=target.icon)
    return st.Page(page, title=t("notfound.title", language), url_path=path.replace("/", "-"), visibility="hidden")


def main() -> None:
    language = state.lang()
    sections = {
        t(section, language): [
            st.Page(PAGES / file, title=t(title, language), icon=icon, url_path=slug or None, default=not slug)
            for file, title, icon, slug in pages
        ]
        for section, pages in NAVIGATION.items()
    }
    slug = requested_slug()
    if slug and slug not in slugs():
        real_pages = [page for pages in sections.values() for page in pages]
        sections[next(iter(sections))].append(not_found_page(slug, real_pages, language))
    navigation = st.navigation(sections)
    ensure_database()
    require_readable_database(language)
    selection = state.sidebar()
    login.gate(selection.lang)
    navigation.run()


main()
