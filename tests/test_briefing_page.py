"""The briefing page (Trình chiếu) in AppTest on the small database: slides, navigation, URL, downloads."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.apptest import open_page


def open_briefing(query: dict) -> AppTest:
    at = open_page("app_pages/briefing.py", query, timeout=120)
    assert not at.exception, at.exception
    return at


def slide_text(at: AppTest) -> str:
    return " ".join(element.value for element in [*at.html, *at.caption])


def test_first_slide_in_vietnamese_with_date_and_sources(app_env):
    at = open_briefing({"area": "11", "date": "2021-05-24"})
    text = slide_text(at)
    assert "Tình hình dịch — Tỉnh Điện Biên" in text
    assert "Ca mắc mới 7 ngày" in text and ">29<" in text
    assert "Tỉnh Điện Biên · ngày 24/05/2021" in text
    assert "Nguồn số liệu:" in text and "mô phỏng" in text and "Trang 1/7" in text
    assert len(at.get("vega_lite_chart")) == 1


def test_next_previous_and_direct_navigation_keep_the_url(app_env):
    at = open_briefing({"area": "11", "date": "2021-05-24"})
    at.button(key="briefing_next").click().run()
    assert "Trang 2/7" in slide_text(at) and at.query_params["slide"] == "2"
    assert len(at.image) == 1  # the level map
    at.button(key="briefing_previous").click().run()
    at.button(key="briefing_previous").click().run()  # from the first slide back to the last
    assert "Trang 7/7" in slide_text(at) and "Cửa khẩu quốc tế Tây Trang" in slide_text(at)
    at.segmented_control(key="briefing_slide").set_value(5).run()
    assert not at.exception and "Năng lực thu dung, điều trị" in slide_text(at)


def test_a_link_opens_its_slide_in_english(app_env):
    at = open_briefing({"area": "096", "date": "2021-05-24", "lang": "en", "slide": "4", "auto": "15"})
    text = slide_text(at)
    assert "Districts rising fastest" in text
    assert "Slide 4 of 6" in text, "Mường Nhé has no checkpoint: no empty checkpoint slide"
    assert at.selectbox(key="briefing_auto").value == 15


def test_the_report_sections_for_the_author_are_prefilled_and_editable(app_env):
    at = open_briefing({"area": "11", "date": "2021-05-24"})
    areas = {area.key: area for area in at.text_area}
    tasks = next(area for key, area in areas.items() if key.startswith("report_tasks_11_2021-05-24"))
    assert "Tiếp tục giám sát" in tasks.value
    tasks.set_value("Họp Ban Chỉ đạo.").run()
    assert not at.exception


def test_downloads_are_offered_and_bad_url_values_are_ignored(app_env):
    at = open_briefing({"area": "VN", "date": "2021-05-24", "slide": "99", "rules": "no-such-rules"})
    assert "Trang 1/7" in slide_text(at)
    keys = {button.key for button in at.get("download_button")}
    assert {"briefing_pptx", "briefing_pdf", "briefing_docx", "briefing_md"} <= keys
