"""The daily situation report: its structure, its marks, its district case counts (golden, Điện Biên 24/05/2021),
the DOCX and the command line; and the report's SQL."""
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
from reports.daily import build_report
from reports.document import to_docx, to_markdown
from indicators.origin import least_real
from reports.model import BlankLines, Table

GOLDEN = Path(__file__).parent / "golden" / "report_dien_bien_2021-05-24_districts.md"
DIEN_BIEN = Area(db.PROVINCE, "11")
DAY = dt.date(2021, 5, 24)


def district_table(markdown: str) -> list[str]:
    """The lines of the by-district table of section I."""
    section = markdown.split("## I. ", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("|")]


def cell_number(cell: str) -> int:
    """'1.719 (\\*\\*)' -> 1719."""
    return int(re.sub(r"\D", "", cell.split("(")[0]))


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


def test_the_report_has_the_usual_nine_sections_with_blanks_for_the_author(report):
    numerals = [section.title.split(".")[0] for section in report.sections]
    assert numerals == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]
    assert [type(item) for item in report.sections[7].items] == [BlankLines]
    assert [type(item) for item in report.sections[8].items] == [BlankLines]
    assert report.title == "BÁO CÁO" and "24/05/2021" in report.subtitle
    assert report.place_date == "Điện Biên, ngày 24 tháng 5 năm 2021"


def section_text(markdown: str, numeral: str) -> str:
    return markdown.split(f"## {numeral}. ", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("numeral", ["II", "III", "IV"])
def test_every_simulated_figure_is_marked(report, numeral):
    """Tracing, quarantine and testing are simulated in the built-in data: each of their numbers says so."""
    text = re.sub(r"\d{2}/\d{2}/\d{4}|\bF\d", "", section_text(to_markdown(report), numeral))
    numbers = re.findall(r"\d[\d.,]*%?(?: \(\\\*\))?", text)
    assert numbers and all(number.endswith("(\\*)") for number in numbers), numbers


def test_marks_are_explained_and_real_figures_unmarked(report):
    markdown = to_markdown(report)
    simulated, estimated = report.footnotes
    assert simulated.startswith("(*) Số liệu mô phỏng") and estimated.startswith("(**) Số liệu ước tính")
    assert "Tại Tỉnh Điện Biên: trong ngày ghi nhận 2 ca mắc mới, 0 ca tử vong" in markdown  # the Ministry's own
    treatment = section_text(markdown, "VI")
    assert "Đang điều trị 51 (\\*) người" in treatment and "41/260 (15,8%) (\\*)" in treatment
    assert "8.752 (\\*)" in markdown  # Vietnamese thousands: 8.752 samples to date


def test_supplies_list_every_item_with_its_stock_marked_simulated(report):
    supplies = next(item for item in report.sections[6].items if isinstance(item, Table))
    assert {row[1] for row in supplies.rows} >= {"Khẩu trang y tế", "Bộ trang phục phòng dịch", "Cloramin B"}
    assert all(row[3].endswith("(*)") for row in supplies.rows)


def test_numbers_and_dates_are_vietnamese(report):
    markdown = to_markdown(report)
    assert "cộng dồn từ 01/04/2021" in markdown
    assert not re.search(r"\d,\d{3}\b", markdown.split("---")[0].replace("0,8%", ""))  # no English thousands


def test_docx_carries_the_same_report(report):
    from docx import Document

    document = Document(io.BytesIO(to_docx(report)))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    for section in report.sections:
        assert section.title in text
    assert "(*) Số liệu mô phỏng" in text
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
