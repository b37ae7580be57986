"""Text a spreadsheet would execute never leaves the app: every injection prefix, in every CSV download.

The downloads are the upload problems (Nhập liệu), every chart's data (Diễn biến dịch) and the operations
tables (Năng lực, Chốt kiểm soát, Truy vết); all go through data.spreadsheet_safe.csv_bytes.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from data.spreadsheet_safe import TRIGGERS, csv_bytes, neutralise

ROOT = Path(__file__).resolve().parent.parent
PAYLOADS = ["=HYPERLINK(\"http://x\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)",
            "\t=1+1", "\r=1+1"]


def read_back(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("payload", PAYLOADS, ids=repr)
def test_every_prefix_is_neutralised_in_cells_and_headers(payload):
    frame = pd.DataFrame({payload: [payload, "an toàn", None], "số": [1, -2, 3]})
    header, *rows = read_back(csv_bytes(frame))
    assert header == ["'" + payload, "số"]
    assert [row[0] for row in rows] == ["'" + payload, "an toàn", ""]
    assert [row[1] for row in rows] == ["1", "-2", "3"]  # numbers stay numbers


def test_every_trigger_is_covered_and_nul_bytes_are_dropped():
    assert set(TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}
    assert neutralise("a\x00b") == "ab" and neutralise("=\x00") == "'="
    assert neutralise(-5) == -5 and neutralise(None) is None and neutralise("Điện Biên") == "Điện Biên"


def test_every_download_in_the_pages_goes_through_the_safe_helper():
    """No page or widget writes CSV or Excel itself: one helper neutralises them all."""
    offenders = []
    for path in [*(ROOT / "app_pages").glob("*.py"), *(ROOT / "ui").glob("*.py"), ROOT / "app.py"]:
        text = path.read_text(encoding="utf-8")
        if re.search(r"\.to_csv\(|\.to_excel\(|ExcelWriter", text):
            offenders.append(path.name)
    assert not offenders
