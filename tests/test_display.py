"""Display details users tripped over (issue 15), each pinned where a test can see it."""
from __future__ import annotations

import tomllib

import pandas as pd
import pytest

from charts.trends import comparison_figure
from geo import situation
from i18n import parse_decimal, t
from indicators.rulesets import load_ruleset
from operations import figures as operations_figures
from tests.conftest import ROOT


def test_the_login_hint_names_every_demo_account_with_its_password():
    users = tomllib.loads((ROOT / "config" / "users.toml").read_text(encoding="utf-8"))["users"]
    for lang in ("vi", "en"):
        hint = t("ingest.login.demo", lang)
        assert all(name in hint for name in users), hint
    assert "xem / xem-demo (chỉ xem)" in t("ingest.login.demo", "vi")


def test_log_axes_write_small_values_with_their_digits():
    frame = pd.DataFrame({"unit": "11", "label": "Điện Biên", "date": pd.date_range("2021-05-01", periods=3),
                          "avg7_per_100k": [0.01, 0.1, 1.0], "source": "observed"})
    lines = comparison_figure(frame, "vi", log=True).to_dict()["layer"][0]["layer"][0]["encoding"]["y"]
    assert lines["scale"]["type"] == "symlog" and lines["axis"]["format"] == ",~r"  # 0,01 written 0,01, not 0
    assert {0.01, 0.1, 1.0} <= set(lines["axis"]["values"]), "ticks at the powers of ten"


def test_tests_are_drawn_apart_from_the_capacity_they_are_measured_against():
    days = pd.date_range("2021-05-01", periods=3)
    daily = pd.DataFrame({"date": days, "single_samples": [10, 12, 9], "pooled_samples": [5, 6, 4],
                          "pcr_capacity": [5000] * 3, "capacity_used_pct": [0.3, 0.4, 0.3],
                          "positivity_pct": [1.0, 2.0, 1.5]})
    samples = operations_figures.testing_chart(daily, "vi").to_dict()
    shares = operations_figures.testing_shares_chart(daily, "vi").to_dict()
    drawn = {chart: [row for dataset in spec["datasets"].values() for row in dataset if "series" in row]
             for chart, spec in (("samples", samples), ("shares", shares))}
    assert {row["series"] for row in drawn["samples"]} == {"Mẫu đơn", "Mẫu gộp"}, "the samples on their own scale"
    assert {row["series"] for row in drawn["shares"]} == {"Sử dụng năng lực (%)", "Tỷ lệ dương tính (%)"}
    assert all(row["value"] != 5000 for rows in drawn.values() for row in rows), "no capacity line over the bars"


def test_english_counts_of_changes_need_no_plural_and_the_legal_basis_is_english():
    assert t("map.changes_summary", "en", up=1, down=0) == "Districts up a level: 1; down a level: 0"
    ruleset = load_ruleset("vn-2021-qd4800")
    assert situation.legal_basis(ruleset, "en").startswith("Government Resolution 128/NQ-CP")
    assert situation.legal_basis(ruleset, "vi") == ruleset.legal_basis


def test_the_checkpoint_legend_says_blue_not_the_green_of_the_level_map():
    legend = t("checkpoints.map_legend", "vi", low=1, low_max=2, mid=3, mid_max=9, high=10)
    assert "xanh dương 0" in legend and "xanh 0" not in legend


@pytest.mark.parametrize(("text", "number"), [("16,82", 16.82), ("16.82", 16.82), (" −3,5 ", -3.5), ("0", 0.0),
                                              ("fast", None), ("", None), ("nan", None), ("1e999", None)])
def test_a_typed_decimal_is_read_with_a_comma_or_a_point(text, number):
    assert parse_decimal(text) == number
