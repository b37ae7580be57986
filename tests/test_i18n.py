"""The translation table and the Vietnamese number and date formats."""
import datetime as dt
import math
import re
from pathlib import Path

import pytest

from i18n import fmt_date, fmt_int, fmt_number, fmt_pct, fmt_signed_pct, t, table, week_change

ROOT = Path(__file__).resolve().parent.parent


def test_every_string_has_vietnamese_and_english():
    for key, entry in table().items():
        assert entry.get("vi", "").strip(), f"{key} has no Vietnamese text"
        assert entry.get("en", "").strip(), f"{key} has no English text"


def source_files() -> list[Path]:
    """Every module of every package (reports, geo, charts, operations and data included), not the tests."""
    return [path for path in ROOT.rglob("*.py") if path.relative_to(ROOT).parts[0] not in (".venv", "tests")]


def test_every_key_used_in_code_exists():
    """Keys written literally as t("area.key", …) anywhere in the product must be in the table, and every key
    built with an f-string (t(f"common.source_{origin}")) must match at least one key."""
    used, patterns = set(), set()
    for path in source_files():
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_]+)["']""", text))
        patterns |= set(re.findall(r"""\bt\(\s*f["']([a-z_]+\.[a-z0-9_{}\[\]'"]*)["']""", text))
    missing = sorted(used - set(table()))
    assert not missing, f"strings used but not translated: {missing}"
    keys = list(table())
    unmatched = []
    for pattern in patterns:
        regex = re.compile("^" + re.sub(r"\\{[^}]*\\}", "[a-z0-9_]+", re.escape(pattern)) + "$")
        if "{" in pattern and not any(regex.match(key) for key in keys):
            unmatched.append(pattern)
    assert not unmatched, f"no string matches these built keys: {sorted(unmatched)}"


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


@pytest.mark.parametrize("change, previous, current, vi, en", [
    (12.3, 10, 11, "+12% so với tuần trước", "+12% vs previous week"),
    (float("nan"), 0, 12, "tăng từ 0 ca tuần trước", "up from none the week before"),  # was '↑ —'
    (float("nan"), 0, 0, "±0 so với tuần trước", "±0 vs previous week"),  # no arrow: no change
    (float("nan"), None, 3, "", ""),  # the week before is unknown: nothing to compare with
])
def test_week_change_says_what_a_percentage_cannot(change, previous, current, vi, en):
    assert week_change(change, previous, current, "vi") == vi and week_change(change, previous, current, "en") == en
