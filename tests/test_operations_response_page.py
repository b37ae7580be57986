"""The tracing, testing and supplies page (Truy vết, cách ly, xét nghiệm, vật tư) in AppTest, on the small database."""
from __future__ import annotations

from tests.apptest import open_page

PAGE = "response.py"


def test_response_page_in_vietnamese(app_env):
    at = open_page(f"app_pages/{PAGE}", {"area": "11", "date": "2021-05-24"})
    assert not at.exception
    assert "Truy vết, cách ly, xét nghiệm, vật tư" in at.title[0].value
    values = {m.label: m.value for m in at.metric}
    assert {"F0 mới trong ngày", "F1 mới xác định", "Đang cách ly tập trung", "Mẫu xét nghiệm trong ngày"} <= set(values)
    cumulative = next(m for m in at.metric if m.label == "Cách ly tập trung, cộng dồn")
    assert cumulative.proto.delta == "từ 27/04/2021", "the start date under the number, the label short enough"
    supplies = next(frame.value for frame in at.dataframe if "Vật tư" in frame.value.columns)
    assert "Khẩu trang N95" in set(supplies["Vật tư"]) and len(supplies) == 6
    badges = " ".join(m.value for m in at.markdown)
    assert "mô phỏng" in badges
    # the cumulative totals are estimated from simulated counts: their badge says simulated, never 'estimated'
    assert "mô phỏng (ước tính từ số hiện có)" in badges


def test_cumulative_start_from_the_url_in_english(app_env):
    at = open_page(f"app_pages/{PAGE}", {"area": "22", "date": "2022-01-20", "since": "2022-01-01", "lang": "en"})
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert next(m for m in at.metric if m.label == "Quarantine centres, total").proto.delta == "since 1 Jan 2022"
    assert "Ventilators in use / total" in values
