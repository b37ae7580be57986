"""Text a spreadsheet will not execute: the one place that neutralises CSV/formula injection.

OWASP's rule: a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is
read by Excel, LibreOffice and Google Sheets as a formula (`=HYPERLINK(...)`, `@SUM(...)`,
`-2+3+cmd|' /C calc'!A0`). Such text gets a leading apostrophe, which every spreadsheet
shows as plain text, and NUL bytes are dropped. Numbers are never touched (−5 stays a
number). Pure: used where text is stored (uploads) and by every CSV/Excel download.
"""
from __future__ import annotations

import csv
import io

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """`value` unchanged unless it is text a spreadsheet would execute (then prefixed with ')."""
    if not isinstance(value, str):
        return value
    text = value.replace("\x00", "")
    return "'" + text if text.startswith(TRIGGERS) else text


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells and column names are neutralised (numbers and dates as they were)."""
    safe = frame.rename(columns=lambda c: neutralise(str(c)) if isinstance(c, str) else c)
    for column in safe.columns[[not pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_datetime64_any_dtype(t)
                                for t in safe.dtypes]]:
        safe[column] = safe[column].map(neutralise, na_action="ignore")
    return safe


def csv_bytes(frame: pd.DataFrame, index: bool = False) -> bytes:
    """The frame as CSV for Excel (UTF-8 with BOM, so Vietnamese reads correctly), neutralised; text is
    quoted, so a line break inside a cell cannot start a new row that begins with a formula."""
    return neutralise_frame(frame).to_csv(index=index, quoting=csv.QUOTE_NONNUMERIC).encode("utf-8-sig")


def excel_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as an .xlsx file (one sheet, no index), neutralised like csv_bytes."""
    buffer = io.BytesIO()
    neutralise_frame(frame).to_excel(buffer, index=False, engine="openpyxl")
    return buffer.getvalue()
