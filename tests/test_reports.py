"""The daily situation report: its structure, its origin notes, its district case counts (golden, Điện Biên
24/05/2021), the levels, vaccination, comparisons and cut-off, the author's sections, the A4 DOCX and the command
line; and the report's SQL."""
from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from data import db, levels, metrics, report_queries
from data.db import Area
from reports.__main__ import main
from reports.daily import build_report, suggestions
from reports.document import to_docx, to_markdown
from indicators.origin import least_real
from reports.model import Paragraph, Table

GOLDEN = Path(__file__).parent / "golden" / "report_dien_bien_2021-05-24_districts.md"
DIEN_BIEN = Area(db.PROVINCE, "11")
DAY = dt.date(2021, 5, 24)


def district_table(markdown: str) -> list[str]:
    """The lines of the by-district table of section I."""
    section = markdown.split("## I. ", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("|")]


def cell_number(cell: str) -> int:
    """'1.719' -> 1719."""
    return int(re.sub(r"\D", "", cell))


def write_golden(db_path: Path) -> None:
    """Regenerate the golden file (run by hand after a deliberate change, then review the diff)."""
    con = db.connect(db_path, read_only=True)
    lines = district_table(to_markdown(build_report(con, DIEN_BIEN, DAY)))
    GOLDEN.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def report(small_db):
    con = db.connect(small_db, read_only=True)
    yield build_report(con, DIEN_BIEN, DAY)
    con.close()


def test_dien_bien_districts_match_the_golden_table(report):
    assert district_table(to_markdown(report)) == GOLDEN.read_text(encoding="utf-8").splitlines()


def test_district_counts_are_the_ones_the_database_holds(report, small_con):
    expected = db.query(small_con, """
        SELECT d.district_name, SUM(CASE WHEN c.date = ? THEN c.new_cases END) AS today, SUM(c.new_cases) AS to_date,
               SUM(c.new_deaths) AS deaths_to_date
        FROM cases c JOIN districts d USING (district_code)
        WHERE d.province_code = '11' AND c.date <= ?
        GROUP BY d.district_code, d.district_name ORDER BY d.district_code""",
        [DAY, DAY])
    rows = [line.strip("|").split("|") for line in district_table(to_markdown(report))[2:-1]]
    assert [row[1].strip() for row in rows] == expected["district_name"].tolist()
    assert [cell_number(row[2]) for row in rows] == expected["today"].tolist()
    assert [cell_number(row[3]) for row in rows] == expected["to_date"].tolist()
    assert [cell_number(row[5]) for row in rows] == expected["deaths_to_date"].tolist()
    assert sum(cell_number(row[2]) for row in rows) == 2  # Nậm Pồ's two cases, as the Ministry announced them


def test_the_report_has_its_eleven_sections_with_the_authors_two_last(report):
    numerals = [section.title.split(".")[0] for section in report.sections]
    assert numerals == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI"]
    assert report.sections[1].title == "II. ĐÁNH GIÁ CẤP ĐỘ DỊCH" and report.sections[7].title == "VIII. TIÊM CHỦNG"
    assert report.sections[9].title == "X. KHÓ KHĂN, VƯỚNG MẮC"
    assert report.sections[10].title == "XI. NHIỆM VỤ THỜI GIAN TỚI"
    assert all(isinstance(item, Paragraph) and item.bullet for item in report.sections[10].items)
    assert report.title == "BÁO CÁO" and "24/05/2021" in report.subtitle
    assert report.place_date == "Điện Biên, ngày 24 tháng 5 năm 2021"


def test_the_cut_off_is_the_datas_not_an_invented_hour(report, small_con):
    assert "18 giờ" not in report.subtitle and "đến hết ngày 24/05/2021" in report.subtitle
    later = build_report(small_con, DIEN_BIEN, dt.date(2022, 1, 31))
    assert "18 giờ" not in later.subtitle


def section_text(markdown: str, numeral: str) -> str:
    return markdown.split(f"## {numeral}. ", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("numeral", ["III", "IV", "V", "VII", "IX"])
def test_a_simulated_section_says_so_once_and_no_figure_carries_a_mark(report, numeral):
    """Tracing, quarantine, testing, treatment and supplies are simulated in the built-in data."""
    text = section_text(to_markdown(report), numeral)
    assert text.count("số liệu mô phỏng") == 1 and "(\\*" not in text
    assert text.rstrip().endswith("(không có nguồn công khai).*")


def test_the_legend_explains_the_origins_and_real_figures_stay_plain(report):
    markdown = to_markdown(report)
    simulated, estimated = report.footnotes
    assert simulated.startswith("Số liệu mô phỏng") and estimated.startswith("Số liệu ước tính")
    assert "**Chú thích:**" in markdown and "(\\*" not in markdown
    assert "Tại Tỉnh Điện Biên: trong ngày ghi nhận 2 ca mắc mới, 0 ca tử vong" in markdown  # the Ministry's own
    assert "Đang điều trị 52 người" in section_text(markdown, "VII")


def test_day_on_day_and_week_on_week_in_words(report, small_con):
    daily = db.daily_cases(small_con, DIEN_BIEN, DAY - dt.timedelta(days=13), DAY).set_index("date")["new_cases"]
    daily.index = pd.to_datetime(daily.index)
    daily = daily.reindex(pd.date_range(DAY - dt.timedelta(days=13), DAY)).fillna(0).astype(int)
    change = daily.iloc[-1] - daily.iloc[-2]
    words = "không thay đổi" if change == 0 else f"{'tăng' if change > 0 else 'giảm'} {abs(change)} ca"
    assert f"So với hôm qua: {words}; 7 ngày qua {daily.iloc[-7:].sum()} ca" in section_text(to_markdown(report), "I")


def test_levels_of_the_province_and_its_districts_with_the_weeks_changes(report):
    text = section_text(to_markdown(report), "II")
    assert "tuần từ 17/05/2021 đến 23/05/2021" in text
    assert "chưa có tiêu chí đánh giá cấp độ dịch (tiêu chí đầu tiên có hiệu lực từ 12/10/2021)" in text, \
        "May 2021 had no level rules: say so, with the day the first took effect"
    assert "Tỉnh Điện Biên: Cấp" in text and "Các quận/huyện theo cấp độ:" in text
    table = next(item for item in report.sections[1].items if isinstance(item, Table))
    assert len(table.rows) == 10 and table.columns[2:4] == ("Tuần trước", "Cấp độ tuần này")


def test_vaccination_against_the_rule_sets_targets(small_con):
    report = build_report(small_con, DIEN_BIEN, dt.date(2021, 12, 20))
    text = section_text(to_markdown(report), "VIII")
    assert "(mục tiêu của bộ tiêu chí: ≥ 70%)" in text and "(mục tiêu của bộ tiêu chí: ≥ 80%)" in text
    assert "Quyết định 4800/QĐ-BYT" in section_text(to_markdown(report), "II"), "the rule set in force in December 2021"


def test_the_authors_sections_are_prefilled_from_the_data_and_take_the_edits(small_con):
    difficulties, tasks = suggestions(small_con, Area(db.PROVINCE, "22"), dt.date(2021, 6, 10))
    assert difficulties and tasks and tasks[-1].startswith("Tiếp tục giám sát")
    edited = build_report(small_con, DIEN_BIEN, DAY, difficulties=["Thiếu sinh phẩm xét nghiệm."],
                          tasks=["Họp Ban Chỉ đạo lúc 8 giờ."])
    markdown = to_markdown(edited)
    assert "- Thiếu sinh phẩm xét nghiệm." in section_text(markdown, "X")
    assert "- Họp Ban Chỉ đạo lúc 8 giờ." in section_text(markdown, "XI")


def test_numbers_and_dates_are_vietnamese(report):
    markdown = to_markdown(report)
    assert "cộng dồn từ 01/04/2021" in markdown
    assert not re.search(r"\d,\d{3}\b", markdown.split("---")[0].replace("0,8%", ""))  # no English thousands


def test_docx_is_a4_with_the_decree_30_margins_and_carries_the_same_report(report):
    from docx import Document
    from docx.shared import Mm

    document = Document(io.BytesIO(to_docx(report)))
    page = document.sections[0]
    assert (round(page.page_width / Mm(1)), round(page.page_height / Mm(1))) == (210, 297), "A4, not US Letter"
    assert 20 <= round(page.top_margin / Mm(1)) <= 25 and 20 <= round(page.bottom_margin / Mm(1)) <= 25
    assert 30 <= round(page.left_margin / Mm(1)) <= 35 and 15 <= round(page.right_margin / Mm(1)) <= 20
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    for section in report.sections:
        assert section.title in text
    assert "Số liệu mô phỏng" in text
    districts = next(table for table in document.tables if table.cell(0, 1).text == "Đơn vị")
    expected = next(item for item in report.sections[0].items if isinstance(item, Table))
    cells = [[cell.text for cell in row.cells] for row in districts.rows]
    assert cells == [list(expected.columns), *map(list, expected.rows)]


def test_command_line_writes_markdown_and_docx(small_db, tmp_path, capsys):
    markdown = tmp_path / "bao-cao.md"
    assert main(["daily", "--date", "2021-05-24", "--area", "11", "--db", str(small_db), "-o", str(markdown)]) == 0
    assert district_table(markdown.read_text(encoding="utf-8")) == GOLDEN.read_text(encoding="utf-8").splitlines()
    document = tmp_path / "bao-cao.docx"
    main(["daily", "--date", "2021-05-24", "--area", "11", "--db", str(small_db), "--format", "docx",
          "-o", str(document)])
    assert document.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize("arguments", [["--area", "99"], ["--area", "11", "--date", "2019-01-01"],
                                       ["--area", "11", "--format", "pptx"]])
def test_command_line_refuses_what_it_cannot_do(small_db, arguments):
    base = ["daily", "--db", str(small_db), "--date", "2021-05-24"]
    with pytest.raises(SystemExit) as stop:
        main(base + arguments)
    assert stop.value.code == 2


def test_a_district_and_the_country_report_too(small_con):
    district = to_markdown(build_report(small_con, Area(db.DISTRICT, "103"), DAY))
    assert "Tại Huyện Nậm Pồ" in district and "| 1 | Huyện Nậm Pồ | 2 |" in district
    country = to_markdown(build_report(small_con, Area(db.COUNTRY), DAY, "en"))
    assert "By province" in country and "Tỉnh Điện Biên" in country


# ------------------------------------------------------------------------------------------- report SQL


def test_origins_combine_to_the_least_real():
    assert least_real("observed", "simulated", None) == "simulated"
    assert least_real("observed", "estimated") == "estimated"
    assert least_real(None) is None


def test_day_totals_sum_the_districts_and_say_where_they_come_from(small_con):
    cases = report_queries.day_totals(small_con, "cases", DIEN_BIEN, DAY)
    assert cases["new_cases"] == 2 and cases["source"] == "observed" and cases["deaths_source"] == "estimated"
    assert cases["load_source"] == "simulated"
    official = metrics.on_day(small_con, DIEN_BIEN, DAY, cumulative=True)
    assert official["new_cases"] == 2 and official["cumulative_cases_origin"] == "observed"
    with pytest.raises(ValueError):
        report_queries.day_totals(small_con, "uploads", DIEN_BIEN, DAY)


def test_supplies_list_every_item_and_a_year_of_cover_reads_over_a_year(report):
    from operations.supplies import cover_text

    supplies = next(item for item in report.sections[8].items if isinstance(item, Table))
    assert {row[1] for row in supplies.rows} >= {"Khẩu trang y tế", "Bộ trang phục phòng dịch", "Cloramin B"}
    assert cover_text(51478.2, "vi") == "> 1 năm" and cover_text(51478.2, "en") == "> 1 year"
    assert cover_text(364.6, "vi") == "365" and cover_text(float("inf"), "vi") == "—"


def test_the_country_report_gives_vaccination_against_targets_too(small_con):
    text = section_text(to_markdown(build_report(small_con, Area(db.COUNTRY), dt.date(2021, 12, 20))), "VIII")
    assert "(mục tiêu của bộ tiêu chí: ≥ 70%)" in text and "Chưa có số liệu" not in text


def test_an_area_without_a_list_of_posts_has_no_checkpoint_figures_not_zero_posts(small_con):
    """HCMC's report said "Trên địa bàn có 0 cửa khẩu và 0 chốt kiểm soát": the data has no list of its posts, and
    the city ran posts at every entrance in 2021. Thành phố Điện Biên Phủ has none listed either."""
    markdown = to_markdown(build_report(small_con, Area(db.DISTRICT, "094"), DAY))
    section = markdown.split("CHỐT KIỂM SOÁT, CỬA KHẨU")[1].split("##")[0]
    assert "không có số liệu" in section and "0 cửa khẩu" not in section
