"""The treatment-capacity page (Năng lực thu dung, điều trị) in AppTest, on the small database."""
from __future__ import annotations

import pytest

from tests.apptest import open_page

PAGE = "capacity.py"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_capacity_in_vietnamese_for_a_province(app_env):
    at = open_page(f"app_pages/{PAGE}", {"area": "11", "date": "2021-05-24"})
    assert not at.exception
    assert "Năng lực thu dung, điều trị" in at.title[0].value and "Điện Biên" in at.title[0].value
    values = metrics(at)
    assert {"Giường COVID-19 (dùng/tổng)", "Giường trống/100.000 dân", "Giường ICU/100.000 dân"} <= set(values)
    assert len(at.get("vega_lite_chart")) == 3 and "Oxy cần (lít/phút)" not in values, "the other sections run once opened"
    at.session_state["capacity_section_vi"] = "Dự trù oxy y tế"
    at.run()
    assert at.query_params["section"] in ("oxygen", ["oxygen"])
    values = metrics(at)
    # 1,000 patients with the default mix: 3,000 L/min = 4,320 m3 a day = 720 cylinders of 40 litres
    assert values["Oxy cần (lít/phút)"] == "3.000"
    assert values["Oxy cần (m³/ngày)"] == "4.320"
    assert values["Bình 40 lít mỗi ngày"] == "720"
    assert any("mô phỏng" in m.value for m in at.markdown), "simulated figures must say so"
    assert any(d.label == "Tải CSV" for d in at.get("download_button"))


def test_oxygen_scenarios_from_the_url_and_the_widgets(app_env):
    at = open_page(f"app_pages/{PAGE}", {"area": "11", "date": "2021-05-24", "patients": "5000", "lang": "en",
                                              "section": "oxygen"})
    assert not at.exception
    assert metrics(at)["Oxygen needed (m³ a day)"] == "21,600"  # 5 x 4,320
    at.radio(key="patients").set_value("custom").run()
    at.number_input(key="patients_n").set_value(2500).run()
    assert not at.exception
    assert metrics(at)["Oxygen needed (m³ a day)"] == "10,800"  # 2.5 x 4,320


def test_projection_assumptions_are_editable(app_env):
    at = open_page(f"app_pages/{PAGE}", {"area": "11", "date": "2021-05-24", "lang": "en", "section": "projection"})
    growth = next(n for n in at.text_input if n.key.startswith("growth_beds_"))
    growth.set_value("0").run()
    assert not at.exception
    assert "not reached at this trend" in [m.value for m in at.metric if m.label == "Time until full"]
    next(n for n in at.text_input if n.key.startswith("growth_beds_")).set_value("fast").run()
    assert not at.exception and "Enter a number from" in at.error[0].value, "a clear message, the measured rate kept"
    at.number_input(key="growth_window").set_value(14).run()
    assert not at.exception and at.query_params["growth_window"] in ("14", ["14"])


def test_a_growth_rate_is_written_and_read_with_a_decimal_comma_in_vietnamese(app_env):
    at = open_page(f"app_pages/{PAGE}", {"area": "79", "date": "2021-08-01", "section": "projection"})
    growth = next(n for n in at.text_input if n.key.startswith("growth_beds_"))
    assert "," in growth.value and "." not in growth.value, growth.value
    growth.set_value("0,5").run()
    assert not at.exception and not at.error


@pytest.mark.parametrize("section", ["beds", "projection", "oxygen"])
def test_capacity_for_the_country_and_a_district(app_env, section):
    at = open_page(f"app_pages/{PAGE}", {"date": "2021-12-15", "section": section})
    assert not at.exception and "Toàn quốc" in at.title[0].value
    at = open_page(f"app_pages/{PAGE}", {"area": "103", "date": "2021-05-24", "section": section})
    assert not at.exception and "Nậm Pồ" in at.title[0].value
