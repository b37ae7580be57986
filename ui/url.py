"""Page settings kept in the URL, so a link reproduces the view.

A setting is read from the URL the first time a session meets it, then written back on every run. The URL
carries plain codes, numbers and ISO dates, never translated labels, so a Vietnamese link also works in
English. (Streamlit's bind="query-params" would write the labels.)
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import streamlit as st

SEEDED = "_url_seeded"
_ALWAYS = object()  # `keep` without a default: the parameter is always written


def seed(key: str, parameter: str, default: Any, parse: Callable[[str], Any]) -> str:
    """Give the widget state `key` its value from URL `parameter` once per session and return `key`.

    `parse(text)` returns the value, or None (or raises ValueError) when the text is not acceptable; then,
    as when the parameter is missing, the value is `default`. Call it just before drawing the widget, and
    give the widget no value of its own.
    """
    seeded = st.session_state.setdefault(SEEDED, set())
    if key not in seeded:
        seeded.add(key)
        value = None
        if parameter in st.query_params:
            try:
                value = parse(st.query_params[parameter])
            except ValueError:
                value = None
        st.session_state[key] = default if value is None else value
    st.session_state.setdefault(key, default)
    return key


def as_text(value: Any) -> str:
    """A value as the URL writes it: ISO dates, 1/0 for yes/no, comma-separated lists."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value))
    return str(value)


def keep(parameter: str, value: Any, default: Any = _ALWAYS) -> None:
    """Write a setting to the URL (only when it changed); drop it when it is None or equals `default`."""
    if value is None or (default is not _ALWAYS and value == default):
        if parameter in st.query_params:
            del st.query_params[parameter]
    elif st.query_params.get(parameter) != as_text(value):
        st.query_params[parameter] = as_text(value)


def one_of(options) -> Callable[[str], Any]:
    """A parser that accepts only these options."""
    return lambda text: text if text in options else None


def whole_number(low: int, high: int) -> Callable[[str], Any]:
    """A parser of whole numbers from low to high."""
    return lambda text: int(text) if text.isdigit() and low <= int(text) <= high else None


def flag(text: str) -> bool:
    """A yes/no parser: '1' is yes."""
    return text == "1"
