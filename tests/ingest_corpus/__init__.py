"""The corpus of bad upload files, made by code from one good daily report, each with the problems it must raise.

    python -m tests.ingest_corpus OUTDIR    # write every file, e.g. to try them on the Nhập liệu page

The good report is the daily district case report of Điện Biên (province 11) for 01/07/2021,
one row per district, as a clerk fills in the template. Each case spoils it in one way and
lists the problems (message key, Excel row, Vietnamese column) the upload must report.
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
from data.ingest.specs import SPECS

CASES_SPEC = SPECS["cases"]
REPORT_DATE = dt.date(2021, 7, 1)
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


def xlsx(rows: list[dict], headers: list[str] | None = None) -> bytes:
    """An .xlsx with the given headers (default: the rows' keys); a string starting with '=' is a formula."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = files.DATA_SHEET
    headers = headers or list(rows[0])
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
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
    for case in CASES:
        (outdir / f"{case.name}__{case.file_name}").write_bytes(case.build())
    print(f"wrote {len(CASES) + 1} files to {outdir}")
    return 0
