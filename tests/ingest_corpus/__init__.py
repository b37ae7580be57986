"""The corpus of bad upload files, made by code from good daily reports, each with the problems it must raise.

    python -m tests.ingest_corpus OUTDIR    # write every file, e.g. to try them on the Nhập liệu page

The good reports are Điện Biên's (province 11) for 01/07/2021, one row per district, as a
clerk fills in the templates. Each case in CASES spoils one in one way and lists the
problems (message key, Excel row, Vietnamese column) that refuse it; each case in
SUSPICIOUS is valid but hides something or looks unusual, and lists the warnings the
preview must show before the clerk confirms. Classes: headers, cells, dates, units, rows
and totals, named plausibility checks, formulas and every injection prefix, encodings,
file types, size and shape bombs (zip, dimension, empty rows, far cells, 5,000 digits),
hidden rows, columns and sheets, extra sheets, ambiguous numbers.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import openpyxl

from data.ingest import files
from data.ingest.specs import SPECS, TableSpec

CASES_SPEC = SPECS["cases"]
REPORT_DATE = dt.date(2021, 7, 1)
REPORT_WEEK = dt.date(2021, 7, 5)  # a Monday, for the weekly vaccination report
DIEN_BIEN = {  # the districts of Điện Biên (11), as in data/sources/admin/districts_2021.csv
    "094": "Thành phố Điện Biên Phủ", "095": "Thị Xã Mường Lay", "096": "Huyện Mường Nhé", "097": "Huyện Mường Chà",
    "098": "Huyện Tủa Chùa", "099": "Huyện Tuần Giáo", "100": "Huyện Điện Biên", "101": "Huyện Điện Biên Đông",
    "102": "Huyện Mường Ảng", "103": "Huyện Nậm Pồ",
}


def header(column: str) -> str:
    return CASES_SPEC.header(column)


def good_rows(day: dt.date = REPORT_DATE) -> list[dict]:
    """One row per district, keyed by the template's headers; the split adds up to the total."""
    rows = []
    for index, (code, name) in enumerate(DIEN_BIEN.items()):
        community, quarantine, imported = index % 3, index % 2, 1
        rows.append({
            header("date"): day, header("district_code"): code, header("district_name"): name,
            header("new_cases"): community + quarantine + imported, header("community_cases"): community,
            header("quarantine_cases"): quarantine, header("imported_cases"): imported, header("new_deaths"): 0,
            header("in_treatment"): 10 + index, header("oxygen"): 2, header("icu"): 1,
            header("correction_note"): None,
        })
    return rows


def xlsx(rows: list[dict], headers: list[str] | None = None, edit: Callable | None = None) -> bytes:
    """An .xlsx with the given headers (default: the rows' keys); a string starting with '=' is a formula.
    `edit(book, sheet)` changes the workbook before it is saved (hide a row, add a sheet)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = files.DATA_SHEET
    headers = headers or list(rows[0])
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    if edit:
        edit(book, sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(rows: list[dict], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(list(rows[0]))
    for row in rows:
        writer.writerow(["" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v
                         for v in row.values()])
    return buffer.getvalue()


def changed(row_index: int, **values) -> list[dict]:
    """The good rows with some cells of one row replaced (by database column name)."""
    rows = good_rows()
    rows[row_index].update({header(column): value for column, value in values.items()})
    return rows


def many_problems() -> list[dict]:
    """Three rows spoilt in three ways: every problem is reported at once."""
    rows = good_rows()
    rows[0][header("new_deaths")] = -1
    rows[1][header("date")] = "hôm qua"
    rows[5].update({header("district_code"): "999", header("district_name"): None})
    return rows


def renamed(old: str, new: str) -> list[dict]:
    return [{(new if key == old else key): value for key, value in row.items()} for row in good_rows()]


def without(column: str) -> list[dict]:
    return [{key: value for key, value in row.items() if key != header(column)} for row in good_rows()]


def zip_bomb() -> bytes:
    """A small .xlsx-looking zip that unpacks past the limit."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (files.MAX_UNPACKED_BYTES + 1))
    return buffer.getvalue()


def many_rows() -> bytes:
    """A CSV under the size limit with one row too many."""
    row = good_rows()[0]
    return csv_text([row] * (files.MAX_ROWS + 1)).encode("utf-8")


def rows_of(spec: TableSpec, figures: dict[str, object], day: dt.date = REPORT_DATE, **per_key) -> list[dict]:
    """One row per district of Điện Biên for another template: the same `figures` (by database column) on
    every row; `per_key` adds key columns (e.g. age_group="18-49")."""
    rows = []
    for code, name in DIEN_BIEN.items():
        values = {"date": day, "district_code": code, "district_name": name, **per_key, **figures}
        rows.append({c.header: values.get(c.name) for c in spec.columns})
    return rows


BEDS = dict(covid_beds_total=50, covid_beds_occupied=10, icu_beds_staffed=8, icu_beds_occupied=2, ventilators=4,
            ventilators_in_use=1, oxygen_supply_m3_per_day=12.5)
TESTS = dict(samples=200, pooled_samples=50, positives=3, pcr_capacity=500)
DOSES = dict(people_dose1=900, people_full=600, people_booster=100)


def beds(row_index: int | None = None, **values) -> list[dict]:
    rows = rows_of(SPECS["beds"], BEDS)
    if row_index is not None:
        rows[row_index].update({SPECS["beds"].header(c): v for c, v in values.items()})
    return rows


def patched(content: bytes, edit: Callable[[str], str], member: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The .xlsx with one part's XML rewritten (what no spreadsheet program would write: hostile files)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            archive.writestr(info.filename, edit(data.decode("utf-8")).encode("utf-8") if info.filename == member
                             else data)
    return buffer.getvalue()


MARK = 987654321  # a figure placed in a cell so that the cell's XML can be found and replaced


def with_cell_xml(row_index: int, column: str, xml_value: str) -> bytes:
    """The good report with one count cell's <v> replaced by raw XML text (a 5,000-digit number, 1E400, NaN)."""
    return patched(xlsx(changed(row_index, **{column: MARK})), lambda text: text.replace(f"<v>{MARK}</v>", xml_value))


def dimension_bomb(far_cell: str | None = None) -> bytes:
    """The good report claiming A1:XFD1048576 (a reader that believes it walks 17 billion cells), with an empty
    styled cell at the far corner, and optionally a value there or a negative count in row 5."""
    corner = '<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>' if far_cell == "value" else '<c r="XFD1048576" s="0"/>'
    rows = changed(3, new_deaths=-1) if far_cell == "negative" else good_rows()

    def edit(text: str) -> str:
        text = text.replace(text[text.index("<dimension"):text.index("/>", text.index("<dimension")) + 2],
                            '<dimension ref="A1:XFD1048576"/>')
        return text.replace("</sheetData>", f'<row r="1048576">{corner}</row></sheetData>')

    return patched(xlsx(rows), edit)


def empty_rows_bomb() -> bytes:
    """A small .xlsx whose sheet holds a million empty <row> elements after the report."""
    empty = "".join(f'<row r="{n}"/>' for n in range(20, 1_000_020))
    return patched(xlsx(good_rows()), lambda text: text.replace("</sheetData>", empty + "</sheetData>"))


def far_cell() -> bytes:
    """A value far to the right of the template (column 100) on a data row."""
    return patched(xlsx(good_rows()), lambda text: text.replace(
        '</row></sheetData>', '<c r="CV11" t="inlineStr"><is><t>999</t></is></c></row></sheetData>'))


def hidden_row(book, sheet) -> None:
    sheet.row_dimensions[11].hidden = True


def hidden_column(book, sheet) -> None:
    sheet.column_dimensions["K"].hidden = True


def hidden_sheet(book, sheet) -> None:
    other = book.create_sheet("An")
    other.sheet_state = "hidden"
    other.append(["Ca mắc mới", 999])


def second_sheet(book, sheet) -> None:
    other = book.create_sheet("Số liệu (2)")
    for row in sheet.iter_rows(values_only=True):
        other.append(row)


def csv_cell(row_index: int, column: str, raw: str) -> bytes:
    """The good report as CSV with one cell's text exactly as given (quoted by the writer where needed)."""
    return csv_text(changed(row_index, **{column: raw})).encode("utf-8")


def nul_bytes() -> bytes:
    """A CSV whose NUL byte comes late (past the first 4 kB an encoding sniff looks at)."""
    rows = good_rows() * 8
    for index, row in enumerate(rows):
        row[header("date")] = REPORT_DATE - dt.timedelta(days=index // 10)
    text = csv_text(rows)
    return (text[:-40] + "\x00" + text[-40:]).encode("utf-8")


def wide_csv() -> bytes:
    text = csv_text(good_rows())
    lines = text.split("\n")
    lines[3] += "," * 70 + "5"
    return "\n".join(lines).encode("utf-8")


@dataclass(frozen=True)
class Expect:
    key: str
    row: int | None = None
    column: str | None = None


@dataclass(frozen=True)
class Case:
    name: str
    file_name: str
    build: Callable[[], bytes]
    expected: list[Expect] = field(default_factory=list)


TOMORROW = dt.date.today() + dt.timedelta(days=2)  # two days: safe whatever the time zone of the machine

CASES = [
    Case("wrong_header", "sai_tieu_de.xlsx", lambda: xlsx(renamed(header("new_cases"), "So ca moi")),
         [Expect("ingest.header.missing"), Expect("ingest.header.unknown")]),
    Case("missing_header", "thieu_cot.xlsx", lambda: xlsx(without("new_deaths")), [Expect("ingest.header.missing")]),
    Case("duplicate_header", "trung_tieu_de.csv",
         lambda: (csv_text(good_rows()).replace(header("icu"), header("oxygen"), 1)).encode("utf-8"),
         [Expect("ingest.header.duplicate", column=header("oxygen")), Expect("ingest.header.missing")]),
    Case("blank_header", "cot_khong_ten.xlsx",
         lambda: xlsx([row | {"": 5} for row in good_rows()]), [Expect("ingest.header.blank")]),
    Case("unknown_template", "mau_la.xlsx", lambda: xlsx([{"Họ tên": "A", "Tuổi": 30}]),
         [Expect("ingest.header.unknown_template")]),
    Case("text_in_number", "chu_trong_so.xlsx", lambda: xlsx(changed(2, new_deaths="mười")),
         [Expect("ingest.cell.not_number", 4, header("new_deaths"))]),
    Case("bad_date", "ngay_sai.xlsx", lambda: xlsx(changed(0, date="32/13/2021")),
         [Expect("ingest.cell.date", 2, header("date"))]),
    Case("decimal_count", "so_le.xlsx", lambda: xlsx(changed(1, in_treatment=2.5)),
         [Expect("ingest.cell.not_whole", 3, header("in_treatment"))]),
    Case("unknown_code", "ma_la.xlsx", lambda: xlsx(changed(3, district_code="999", district_name=None)),
         [Expect("ingest.cell.unknown_district", 5, header("district_code"))]),
    Case("malformed_code", "ma_sai_dang.xlsx", lambda: xlsx(changed(3, district_code="09A", district_name=None)),
         [Expect("ingest.cell.district_code", 5, header("district_code"))]),
    Case("other_province", "ma_tinh_khac.xlsx", lambda: xlsx(changed(4, district_code="105", district_name=None)),
         [Expect("ingest.cell.other_province", 6, header("district_code"))]),
    Case("name_mismatch", "ten_khong_khop.xlsx", lambda: xlsx(changed(5, district_name="Huyện Mường Tè")),
         [Expect("ingest.cell.name_mismatch", 7, header("district_name"))]),
    Case("negative", "so_am.xlsx", lambda: xlsx(changed(6, oxygen=-3)),
         [Expect("ingest.cell.negative", 8, header("oxygen"))]),
    Case("future_date", "ngay_tuong_lai.xlsx", lambda: xlsx(changed(7, date=TOMORROW)),
         [Expect("ingest.cell.future", 9, header("date"))]),
    Case("too_early", "ngay_qua_som.xlsx", lambda: xlsx(changed(7, date=dt.date(1921, 7, 1))),
         [Expect("ingest.cell.too_early", 9, header("date"))]),
    Case("blank_required", "o_trong.xlsx", lambda: xlsx(changed(8, new_cases=None)),
         [Expect("ingest.cell.blank", 10, header("new_cases"))]),
    Case("partial_group", "thieu_mot_cot_nhom.xlsx", lambda: xlsx(changed(8, icu=None)),
         [Expect("ingest.cell.group_partial", 10, header("icu"))]),
    Case("duplicates", "trung_dong.xlsx", lambda: xlsx(good_rows() + good_rows()[:1]),
         [Expect("ingest.row.duplicate", 2), Expect("ingest.row.duplicate", 12)]),
    Case("parts_do_not_add_up", "tong_khong_khop.xlsx", lambda: xlsx(changed(0, new_cases=9)),
         [Expect("ingest.row.parts_sum", 2, header("new_cases"))]),
    Case("part_exceeds_total", "oxy_vuot_tong.xlsx", lambda: xlsx(changed(0, oxygen=50)),
         [Expect("ingest.row.part_exceeds", 2, header("oxygen"))]),
    Case("formula", "cong_thuc.xlsx", lambda: xlsx(changed(1, new_cases="=B3+C3")),
         [Expect("ingest.cell.formula", 3, header("new_cases"))]),
    Case("csv_formula", "cong_thuc.csv", lambda: csv_text(changed(1, new_deaths="=1+1")).encode("utf-8"),
         [Expect("ingest.cell.formula", 3, header("new_deaths"))]),
    Case("many_problems_at_once", "nhieu_loi.xlsx", lambda: xlsx(many_problems()),
         [Expect("ingest.cell.negative", 2, header("new_deaths")), Expect("ingest.cell.date", 3, header("date")),
          Expect("ingest.cell.unknown_district", 7, header("district_code"))]),
    Case("empty_file", "rong.xlsx", lambda: b"", [Expect("ingest.file.empty")]),
    Case("empty_sheet", "trang_trong.xlsx", lambda: xlsx([{}], headers=[]), [Expect("ingest.file.empty")]),
    Case("header_only", "chi_tieu_de.csv", lambda: csv_text(good_rows()).split("\n")[0].encode("utf-8"),
         [Expect("ingest.file.no_rows")]),
    Case("huge_file", "qua_lon.csv", lambda: b"a" * (files.MAX_FILE_BYTES + 1), [Expect("ingest.file.too_big")]),
    Case("too_many_rows", "qua_nhieu_dong.csv", many_rows, [Expect("ingest.file.too_many_rows")]),
    Case("zip_bomb", "nen.xlsx", zip_bomb, [Expect("ingest.file.too_big_unpacked")]),
    Case("windows_1258_csv", "ma_cu.csv", lambda: csv_text(good_rows()).encode("cp1258", errors="replace"),
         [Expect("ingest.file.encoding")]),
    Case("utf16_csv", "unicode.csv", lambda: csv_text(good_rows(), "\t").encode("utf-16"),
         [Expect("ingest.file.encoding")]),
    Case("pdf_named_xlsx", "bao_cao.xlsx", lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
         [Expect("ingest.file.not_excel")]),
    Case("word_named_xlsx", "bao_cao_word.xlsx",
         lambda: _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}),
         [Expect("ingest.file.not_excel")]),
    Case("old_excel", "bao_cao.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
         [Expect("ingest.file.old_excel")]),
    Case("old_excel_renamed", "bao_cao_cu.xlsx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
         [Expect("ingest.file.old_excel")]),
    Case("excel_named_csv", "bao_cao.csv", lambda: xlsx(good_rows()), [Expect("ingest.file.excel_named_csv")]),
    Case("image", "anh.png", lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 64, [Expect("ingest.file.extension")]),
    # size and shape bombs: bounded by what is read, whatever the file claims
    Case("dimension_bomb", "kich_thuoc_gia.xlsx", lambda: dimension_bomb("negative"),
         [Expect("ingest.cell.negative", 5, header("new_deaths"))]),
    Case("dimension_bomb_far_value", "o_xa.xlsx", lambda: dimension_bomb("value"),
         [Expect("ingest.file.too_many_columns")]),
    Case("empty_rows_bomb", "dong_trong.xlsx", empty_rows_bomb, [Expect("ingest.file.too_many_cells")]),
    Case("far_cell", "o_ngoai_mau.xlsx", far_cell, [Expect("ingest.file.too_many_columns")]),
    Case("wide_csv", "qua_nhieu_cot.csv", wide_csv, [Expect("ingest.file.too_many_columns")]),
    Case("5000_digits_xlsx", "so_5000_chu_so.xlsx", lambda: with_cell_xml(2, "new_deaths", "<v>" + "9" * 5000 + "</v>"),
         [Expect("ingest.cell.long_number", 4, header("new_deaths"))]),
    Case("5000_digits_csv", "so_5000_chu_so.csv", lambda: csv_cell(4, "icu", "1" * 5000),
         [Expect("ingest.cell.long_number", 6, header("icu"))]),
    Case("20_digits_grouped", "so_nhom_20_chu_so.csv", lambda: csv_cell(4, "oxygen", "1" + ".000" * 7),
         [Expect("ingest.cell.long_number", 6, header("oxygen"))]),
    Case("5000_digits_in_date", "ngay_5000_chu_so.xlsx",
         lambda: patched(xlsx(changed(5, date=MARK)), lambda text: text.replace(f"<v>{MARK}</v>", "<v>" + "7" * 5000 + "</v>")),
         [Expect("ingest.cell.long_number", 7, header("date"))]),
    Case("5000_digit_text_date", "ngay_chu_dai.csv", lambda: csv_cell(3, "date", "1" * 5000),
         [Expect("ingest.cell.date", 5, header("date"))]),
    Case("infinite_number", "vo_cuc.xlsx", lambda: with_cell_xml(1, "new_deaths", "<v>1E400</v>"),
         [Expect("ingest.cell.not_number", 3, header("new_deaths"))]),
    Case("nan_number", "nan.xlsx", lambda: with_cell_xml(1, "new_deaths", "<v>NaN</v>"),
         [Expect("ingest.cell.not_number", 3, header("new_deaths"))]),
    Case("damaged_sheet_xml", "hong.xlsx", lambda: patched(xlsx(good_rows()), lambda text: text[: len(text) // 2]),
         [Expect("ingest.file.not_excel")]),
    Case("missing_shared_string", "chuoi_thieu.xlsx",
         lambda: patched(xlsx(good_rows()), lambda text: text.replace("<c r=\"A1\" t=\"inlineStr\">", "<c r=\"A1\" t=\"s\"><v>999</v>", 1)
                         .replace("<is><t>Ngày báo cáo</t></is>", "", 1)),
         [Expect("ingest.file.not_excel")]),
    Case("nul_bytes", "ky_tu_nul.csv", nul_bytes, [Expect("ingest.file.nul_bytes")]),
    # formulas and injection: every prefix a spreadsheet runs (OWASP), in a figure, a code and a name
    Case("inject_equals_csv", "tiem_bang.csv", lambda: csv_cell(0, "new_deaths", "=HYPERLINK(\"http://x\")"),
         [Expect("ingest.cell.formula", 2, header("new_deaths"))]),
    Case("inject_plus_csv", "tiem_cong.csv", lambda: csv_cell(1, "new_deaths", "+1+cmd|' /C calc'!A0"),
         [Expect("ingest.cell.not_number", 3, header("new_deaths"))]),
    Case("inject_minus_csv", "tiem_tru.csv", lambda: csv_cell(2, "new_deaths", "-2+3+cmd|' /C calc'!A0"),
         [Expect("ingest.cell.not_number", 4, header("new_deaths"))]),
    Case("inject_at_csv", "tiem_a_cong.csv", lambda: csv_cell(3, "new_deaths", "@SUM(1+1)*cmd|' /C calc'!A0"),
         [Expect("ingest.cell.not_number", 5, header("new_deaths"))]),
    Case("inject_tab_csv", "tiem_tab.csv", lambda: csv_cell(4, "new_deaths", "\t=1+1"),
         [Expect("ingest.cell.formula", 6, header("new_deaths"))]),
    Case("inject_cr_csv", "tiem_cr.csv", lambda: csv_cell(5, "new_deaths", "CR").replace(b",CR,", b',"\r=1+1",'),
         [Expect("ingest.cell.formula", 7, header("new_deaths"))]),
    Case("inject_plus_xlsx", "tiem_cong.xlsx", lambda: xlsx(changed(1, oxygen="+1")),
         [Expect("ingest.cell.not_number", 3, header("oxygen"))]),
    Case("inject_minus_xlsx", "tiem_tru.xlsx", lambda: xlsx(changed(2, oxygen="-1+A1")),
         [Expect("ingest.cell.not_number", 4, header("oxygen"))]),
    Case("inject_at_xlsx", "tiem_a_cong.xlsx", lambda: xlsx(changed(3, oxygen="@SUM(A1)")),
         [Expect("ingest.cell.not_number", 5, header("oxygen"))]),
    Case("inject_tab_xlsx", "tiem_tab.xlsx", lambda: xlsx(changed(4, oxygen="\t@SUM(A1)")),
         [Expect("ingest.cell.not_number", 6, header("oxygen"))]),
    Case("inject_cr_xlsx", "tiem_cr.xlsx", lambda: xlsx(changed(5, oxygen="\r+A1")),
         [Expect("ingest.cell.not_number", 7, header("oxygen"))]),
    Case("inject_in_code", "tiem_ma.csv", lambda: csv_cell(6, "district_code", "@094"),
         [Expect("ingest.cell.district_code", 8, header("district_code"))]),
    Case("inject_in_name", "tiem_ten.xlsx", lambda: xlsx(changed(7, district_name="=HYPERLINK(\"http://x\",\"Nậm Pồ\")")),
         [Expect("ingest.cell.formula", 9, header("district_name"))]),
    # named plausibility checks (errors: impossible)
    Case("icu_beds_above_covid_beds", "icu_vuot_giuong.xlsx",
         lambda: xlsx(beds(2, icu_beds_staffed=60, ventilators=4)),
         [Expect("ingest.check.icu_beds_within_covid_beds", 4, SPECS["beds"].header("icu_beds_staffed"))]),
    Case("icu_occupied_above_covid_occupied", "icu_co_nguoi_vuot.xlsx",
         lambda: xlsx(beds(3, icu_beds_staffed=20, icu_beds_occupied=12)),
         [Expect("ingest.check.icu_occupied_within_covid_occupied", 5, SPECS["beds"].header("icu_beds_occupied"))]),
    Case("ventilators_above_icu_beds", "may_tho_vuot_icu.xlsx", lambda: xlsx(beds(4, ventilators=9)),
         [Expect("ingest.check.ventilators_within_icu_beds", 6, SPECS["beds"].header("ventilators"))]),
    Case("deaths_above_cases", "tu_vong_vuot_ca_mac.xlsx", lambda: xlsx(changed(2, new_deaths=12)),
         [Expect("ingest.check.deaths_within_cases", 4, header("new_deaths"))]),
    # the other templates' own rules
    Case("positives_above_samples", "duong_tinh_vuot_mau.xlsx",
         lambda: xlsx(rows_of(SPECS["tests"], TESTS | {"positives": 300})),
         [Expect("ingest.row.part_exceeds", 2, SPECS["tests"].header("positives"))]),
    Case("vaccination_not_monday", "tiem_chung_thu_ba.xlsx",
         lambda: xlsx(rows_of(SPECS["vaccinations"], DOSES, REPORT_WEEK + dt.timedelta(days=1), age_group="18-49")),
         [Expect("ingest.cell.not_monday", 2, SPECS["vaccinations"].header("date"))]),
    Case("vaccination_unknown_age_band", "nhom_tuoi_la.xlsx",
         lambda: xlsx(rows_of(SPECS["vaccinations"], DOSES, REPORT_WEEK, age_group="18-60")),
         [Expect("ingest.cell.choice", 2, SPECS["vaccinations"].header("age_group"))]),
    Case("note_too_long", "ghi_chu_dai.xlsx", lambda: xlsx(changed(0, correction_note="x" * 501)),
         [Expect("ingest.cell.note_too_long", 2, header("correction_note"))]),
    Case("unicode_minus", "dau_tru_unicode.csv", lambda: csv_cell(1, "icu", "−1"),
         [Expect("ingest.cell.not_number", 3, header("icu"))]),
    Case("february_31", "ngay_31_2.csv", lambda: csv_cell(0, "date", "31/02/2021"),
         [Expect("ingest.cell.date", 2, header("date"))]),
    Case("decimal_district_code", "ma_le.xlsx", lambda: xlsx(changed(0, district_code=94.5, district_name=None)),
         [Expect("ingest.cell.district_code", 2, header("district_code"))]),
]

# Valid files that hide something or look unusual: the preview lists these warnings and nothing is written
# until the clerk confirms.
SUSPICIOUS = [
    Case("hidden_row_999_cases", "dong_an.xlsx",
         lambda: xlsx(changed(9, new_cases=999, community_cases=997), edit=hidden_row),
         [Expect("ingest.file.hidden_row", 11), Expect("ingest.check.far_above_recent_days", 11, header("new_cases"))]),
    Case("hidden_column", "cot_an.xlsx", lambda: xlsx(good_rows(), edit=hidden_column),
         [Expect("ingest.file.hidden_column", None, header("icu"))]),
    Case("hidden_sheet", "trang_an.xlsx", lambda: xlsx(good_rows(), edit=hidden_sheet),
         [Expect("ingest.file.hidden_sheets")]),
    Case("second_data_sheet", "hai_trang.xlsx", lambda: xlsx(good_rows(), edit=second_sheet),
         [Expect("ingest.file.other_sheets")]),
    Case("ambiguous_decimal_point", "oxy_2.500.csv",
         lambda: csv_text(beds(1, oxygen_supply_m3_per_day="2.500")).encode("utf-8"),
         [Expect("ingest.cell.ambiguous_number", 3, SPECS["beds"].header("oxygen_supply_m3_per_day"))]),
    Case("ambiguous_decimal_comma", "oxy_2,500.xlsx", lambda: xlsx(beds(2, oxygen_supply_m3_per_day="2,500")),
         [Expect("ingest.cell.ambiguous_number", 4, SPECS["beds"].header("oxygen_supply_m3_per_day"))]),
    Case("far_above_recent_days", "tang_dot_bien.xlsx",
         lambda: xlsx(changed(4, new_cases=120, community_cases=119)),
         [Expect("ingest.check.far_above_recent_days", 6, header("new_cases"))]),
]


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    outdir = Path((argv or sys.argv[1:] or ["ingest-corpus"])[0])
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / "bao_cao_ca_benh_tot.xlsx").write_bytes(xlsx(good_rows()))
    for case in CASES + SUSPICIOUS:
        (outdir / f"{case.name}__{case.file_name}").write_bytes(case.build())
    print(f"wrote {len(CASES) + len(SUSPICIOUS) + 1} files to {outdir}")
    return 0
