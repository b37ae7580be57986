"""The translation table and the Vietnamese number and date formats."""
import datetime as dt
import math
import re
from pathlib import Path

import pytest

from i18n import fmt_date, fmt_int, fmt_number, fmt_pct, fmt_signed_pct, t, table

ROOT = Path(__file__).resolve().parent.parent


def test_every_string_has_vietnamese_and_english():
    for key, entry in table().items():
        assert entry.get("vi", "").strip(), f"{key} has no Vietnamese text"
        assert entry.get("en", "").strip(), f"{key} has no English text"


def test_every_key_used_in_code_exists():
    """Keys written literally as t("area.key", …) anywhere in the app must be in the table."""
    used = set()
    for path in [*ROOT.glob("*.py"), *ROOT.glob("app_pages/*.py"), *ROOT.glob("ui/*.py")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_]+)["']""", path.read_text(encoding="utf-8")))
    missing = sorted(used - set(table()))
    assert not missing, f"strings used but not translated: {missing}"


def test_placeholders_are_the_same_in_both_languages():
    for key, entry in table().items():
        assert set(re.findall(r"{(\w+)}", entry["vi"])) == set(re.findall(r"{(\w+)}", entry["en"])), key


def test_unknown_key_is_shown_not_raised():
    assert t("no.such_key") == "no.such_key"


@pytest.mark.parametrize(
    "value, vi, en",
    [(1719, "1.719", "1,719"), (39749, "39.749", "39,749"), (10355718, "10.355.718", "10,355,718"), (0, "0", "0")],
)
def test_integers(value, vi, en):
    assert fmt_int(value, "vi") == vi
    assert fmt_int(value, "en") == en


def test_decimals_percent_and_dates():
    assert fmt_number(52.34, 1) == "52,3"
    assert fmt_number(1234.5, 1, "en") == "1,234.5"
    assert fmt_pct(68) == "68,0%"
    assert fmt_signed_pct(12.4) == "+12%"
    assert fmt_signed_pct(-8.2) == "−8%"
    assert fmt_date(dt.date(2021, 5, 24)) == "24/05/2021"
    assert fmt_date("2021-05-24", "en") == "24 May 2021"


@pytest.mark.parametrize("missing", [None, math.nan, float("nan")])
def test_missing_values_are_a_dash_never_zero(missing):
    assert fmt_int(missing) == fmt_number(missing) == fmt_pct(missing) == fmt_date(missing) == "—"
