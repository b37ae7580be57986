"""The checkpoints page (Chốt kiểm soát, cửa khẩu) in AppTest, on the small database."""
from __future__ import annotations

from tests.apptest import open_page

PAGE = "checkpoints.py"


def test_checkpoints_of_quang_ninh_in_vietnamese(app_env):
    at = open_page(f"app_pages/{PAGE}", {"area": "22", "date": "2021-06-10"})
    assert not at.exception
    assert "Chốt kiểm soát, cửa khẩu" in at.title[0].value and "Quảng Ninh" in at.title[0].value
    labels = [m.label for m in at.metric]
    assert {"Lượt người vào", "Người từ vùng dịch", "Dương tính", "Chuyển cách ly"} <= set(labels)
    assert at.get("deck_gl_json_chart"), "the checkpoint map is drawn"
    assert not at.get("vega_lite_chart"), "the page opens with the day alone: the trends' section runs once opened"
    at.session_state["checkpoints_section_vi"] = "Theo từng điểm: diễn biến, báo cáo, mục tiêu 95%"
    at.run()
    assert at.query_params["section"] in ("detail", ["detail"])
    assert len(at.get("vega_lite_chart")) == 3 and not at.get("deck_gl_json_chart")
    report = next(m.value for m in at.markdown if m.value.startswith("### Báo cáo cuối ngày 10/06/2021"))
    assert "Ghi chú nguy cơ" in report and "mô phỏng" in report
    assert any(d.label == "Tải báo cáo (Markdown)" for d in at.get("download_button"))
    assert any("mô phỏng" in m.value for m in at.markdown), "simulated figures must say so"


def test_filter_by_kind_and_pick_one_checkpoint(app_env):
    at = open_page(f"app_pages/{PAGE}", {"area": "22", "date": "2021-06-10", "kind": "border_gate", "lang": "en"})
    assert not at.exception
    table = at.dataframe[0].value
    assert set(table["Kind"]) == {"Border gate"}
    at.session_state["checkpoints_section_en"] = "Per checkpoint: trends, report, 95% target"
    at.run()
    at.selectbox(key="checkpoint").set_value("QN-MONGCAI").run()
    assert not at.exception
    assert any(m.value.startswith("### End-of-day report") and "Móng Cái" in m.value for m in at.markdown)
    assert at.query_params["checkpoint"] in ("QN-MONGCAI", ["QN-MONGCAI"])


def test_an_area_without_checkpoints_says_what_the_list_holds_and_leads_to_a_province_that_has_some(app_env):
    """Most provinces have no border gate or post in the list: instead of a dead end the page says what the list
    holds and offers the provinces that have some; picking one makes it the sidebar's area."""
    at = open_page(f"app_pages/{PAGE}", {"area": "094", "date": "2021-06-10"})
    assert not at.exception
    assert at.warning and "không có cửa khẩu" in at.warning[0].value
    assert any("Danh sách có" in c.value and "cửa khẩu của" in c.value for c in at.caption)
    pills = at.button_group(key="checkpoint_province")
    assert list(pills.options)[0].startswith("Tỉnh Điện Biên (")
    pills.set_value("22").run()
    assert not at.exception and not at.warning
    assert at.session_state["province"] == "22" and at.session_state["district"] == ""
    assert "Quảng Ninh" in at.title[0].value and at.get("deck_gl_json_chart")


def test_counts_stay_whole_numbers_even_where_a_site_did_not_report(app_env):
    """A site without a report leaves a gap in the merged table: its counts must not turn into '815,0'."""
    import pandas as pd

    at = open_page(f"app_pages/{PAGE}", {"area": "22", "date": "2021-06-10"})
    table = at.dataframe[0].value
    for column in ("Lượt người vào", "Lượt người ra", "Lượt phương tiện", "Dương tính"):
        assert pd.api.types.is_integer_dtype(table[column]), column


def test_a_link_opens_the_per_checkpoint_section(app_env):
    at = open_page(f"app_pages/{PAGE}", {"area": "22", "date": "2021-06-10", "section": "detail", "lang": "en"})
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 3 and not at.get("deck_gl_json_chart")
    assert at.selectbox(key="checkpoint").value == "all"
