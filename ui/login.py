"""Login for data entry and administration (and for every page when viewing is private).

The streamlit side of the pure `auth` package: the users file is read once per process
(and again when it changes), a browser session remembers only the user's name, and the
user's role is looked up in the file on every run, so removing a user takes effect at once.
Failed logins back off per client (IP address) and per account in a file next to the
database; a browser that has signed in to an account before is never slowed for it.
"""
from __future__ import annotations

import streamlit as st

import auth
from data import db, store
from i18n import t

SESSION_KEY = "login_user"


@st.cache_resource(show_spinner=False)
def _config(path: str | None, modified: float, demo: bool) -> auth.Config:
    return auth.load(path)


def config() -> auth.Config:
    """The users file; when it is missing or wrong, say why and stop the page (nobody can log in)."""
    path = auth.config_path()
    try:
        return _config(str(path) if path else None, path.stat().st_mtime if path and path.exists() else 0.0,
                       auth.demo_mode())
    except auth.ConfigError as error:
        st.error(str(error), icon=":material/lock:")
        st.stop()


def _guard() -> auth.LoginGuard:
    return _guard_at(str(db.db_path()), store.url())


@st.cache_resource(show_spinner=False)
def _guard_at(database: str, store_url: str | None) -> auth.LoginGuard:
    """One guard per database (or shared store) and process: where its state cannot be written, its memory
    still holds the backoff."""
    return store.login_guard(database, store_url)


def _client() -> tuple[str, str | None]:
    """The client (its IP address) and the browser's own token (Streamlit's XSRF cookie, random per browser)."""
    address, token = st.context.ip_address, st.context.cookies.get("_streamlit_xsrf")
    return address if isinstance(address, str) and address else "local", token if isinstance(token, str) else None


def current_user() -> auth.User | None:
    name = st.session_state.get(SESSION_KEY)
    return config().users.get(name) if name else None


def _log_in(lang: str) -> None:
    name = st.session_state.get("login_name", "").strip()
    password = st.session_state.get("login_password", "")
    st.session_state["login_password"] = ""
    guard, (client, device) = _guard(), _client()
    wait = guard.wait(name, client, device)
    if wait > 0:
        st.session_state["login_error"] = t("ingest.login.wait", lang, seconds=max(1, round(wait)))
        return
    user = auth.authenticate(config(), name, password)
    if user is None:
        guard.failed(name, client, known=name in config().users)
        st.session_state["login_error"] = t("ingest.login.failed", lang)
        return
    guard.succeeded(name, client, device)
    st.session_state[SESSION_KEY] = user.name
    st.session_state.pop("login_error", None)


def login_form(lang: str) -> None:
    """The name-and-password form; a successful login reruns the page signed in."""
    demo = config().is_demo
    if config().path is None:
        st.info(t("ingest.login.no_users", lang), icon=":material/lock:")
        return
    with st.form("login", border=True, enter_to_submit=True):
        st.subheader(t("ingest.login.title", lang))
        st.text_input(t("ingest.login.name", lang), key="login_name", autocomplete="username")
        st.text_input(t("ingest.login.password", lang), type="password", key="login_password",
                      autocomplete="current-password")
        st.form_submit_button(t("ingest.login.submit", lang), type="primary", on_click=_log_in, args=(lang,))
    if st.session_state.get("login_error"):
        st.error(st.session_state["login_error"])
    if demo:
        st.caption(t("ingest.login.demo", lang))


def require_user(lang: str) -> auth.User:
    """The signed-in user; otherwise show the login form and stop the page here."""
    user = current_user()
    if user is None:
        login_form(lang)
        st.stop()
    return user


def signed_in_bar(user: auth.User, lang: str, province_name: str | None = None) -> None:
    """Who is signed in, with their role (and province), and the button to sign out."""
    left, right = st.columns([5, 1], vertical_alignment="center")
    role = t(f"ingest.login.role_{user.role}", lang)
    where = f" · {province_name}" if province_name else ""
    left.caption(t("ingest.login.signed_in", lang, name=user.display_name, role=role) + where)
    if right.button(t("ingest.login.logout", lang), key="logout", icon=":material/logout:"):
        st.session_state.pop(SESSION_KEY, None)
        st.rerun()


def gate(lang: str) -> None:
    """For app.py: every page's header says when demo mode is on; when the users file makes viewing private,
    every page needs a login."""
    if config().demo:
        st.warning(t("ingest.demo_mode", lang), icon=":material/science:")
    if not config().public_viewing:
        require_user(lang)
