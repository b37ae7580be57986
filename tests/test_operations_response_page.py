"""The tracing, testing and supplies page (Truy vết, cách ly, xét nghiệm, vật tư) in AppTest, on the small database.

Its four sections are tabs that run only when open (ui.widgets.sections): each test opens the ones it reads."""
from __future__ import annotations

from tests.apptest import charts, open_page

PAGE = "response.py"
SECTIONS = ("tracing", "quarantine", "testing", "supplies")


def sections(query: dict) -> dict:
    """Each section of the page opened by its link: section name -> AppTest."""
    return {section: open_page(f"app_pages/{PAGE}", {**query, "section": section}) for section in SECTIONS}


def test_response_page_in_vietnamese(app_env):
    opened = sections({"area": "11", "date": "2021-05-24"})
    assert not any(at.exception for at in opened.values())
    assert "Truy vết, cách ly, xét nghiệm, vật tư" in opened["tracing"].title[0].value
    assert len(opened["tracing"].get("vega_lite_chart")) == 1, "only the open section is drawn"
    values = {m.label: m.value for at in opened.values() for m in at.metric}
    assert {"F0 mới trong ngày", "F1 mới xác định", "Đang cách ly tập trung", "Mẫu xét nghiệm trong ngày"} <= set(values)
    cumulative = next(m for m in opened["quarantine"].metric if m.label == "Cách ly tập trung, cộng dồn")
    assert cumulative.proto.delta == "từ 27/04/2021", "the start date under the number, the label short enough"
    supplies = next(frame.value for frame in opened["supplies"].dataframe if "Vật tư" in frame.value.columns)
    assert "Khẩu trang N95" in set(supplies["Vật tư"]) and len(supplies) == 6
    badges = " ".join(m.value for at in opened.values() for m in at.markdown)
    assert "mô phỏng" in badges
    # the cumulative totals are estimated from simulated counts: their badge says simulated, never 'estimated'
    assert "mô phỏng (ước tính từ số hiện có)" in badges


def test_cumulative_start_from_the_url_in_english(app_env):
    opened = sections({"area": "22", "date": "2022-01-20", "since": "2022-01-01", "lang": "en"})
    assert not any(at.exception for at in opened.values())
    assert next(m for m in opened["quarantine"].metric
                if m.label == "Quarantine centres, total").proto.delta == "since 1 Jan 2022"
    assert "Ventilators in use / total" in {m.label for m in opened["supplies"].metric}


def test_switching_section_keeps_it_in_the_url(app_env):
    at = open_page(f"app_pages/{PAGE}", {"area": "11", "date": "2021-05-24"})
    at.session_state["response_section_vi"] = "Xét nghiệm RT-PCR"
    at.run()
    assert not at.exception and at.query_params["section"] in ("testing", ["testing"])
    assert list(charts(at)) == ["testing_chart", "testing_shares_chart"]


def test_each_page_keeps_its_own_section(app_env):
    """A section chosen on one page is not looked for on another: each page opens its own first section."""
    at = open_page(f"app_pages/{PAGE}", {"area": "11", "date": "2021-05-24", "section": "supplies"})
    at.switch_page("app_pages/capacity.py").run()
    assert not at.exception and len(at.get("vega_lite_chart")) == 3, "the beds' three charts"
    at.switch_page("app_pages/checkpoints.py").run()
    assert not at.exception and at.get("deck_gl_json_chart")
    at.switch_page(f"app_pages/{PAGE}").run()
    assert not at.exception and any("Vật tư" in frame.value.columns for frame in at.dataframe), "still its supplies"
