"""Excel templates for data entry, one per uploadable table, in Vietnamese.

    python -m data.templates OUTDIR [--province 11] [--date 2021-07-01] [--db PATH]

Each workbook has the data sheet «Số liệu» (the headers the upload expects, a note on
each header, Excel's own input checks, and, for a province, one row per district ready
to fill) and the sheet «Hướng dẫn» (how to fill it in, what each column means, the codes).
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import itertools
import sys
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from data import db
from data.ingest import files
from data.ingest.checks import FIRST_DATE
from data.ingest.specs import AMOUNT, CHECKPOINT, CHOICE, COUNT, DATE, SPECS, UNIT, UNIT_NAME, TableSpec
from i18n import t

GUIDE_SHEET = files.GUIDE_SHEET
VALIDATED_ROWS = 2000          # rows of the data sheet that carry Excel's input checks
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
OPTIONAL_FILL = PatternFill("solid", fgColor="F2F2F2")
NUMBER_FORMATS = {DATE: "DD/MM/YYYY", UNIT: "@", CHOICE: "@", COUNT: "#,##0", AMOUNT: "#,##0.0"}
_EXCEL_LIST_LIMIT = 255        # characters Excel allows in an inline list of choices

GUIDE = [
    "Cách điền mẫu",
    "1. Mỗi dòng là số liệu của một đơn vị trong một ngày. Không đổi tên, không xóa, không thêm cột; "
    "có thể xóa dòng của đơn vị không có số liệu.",
    "2. Ngày ghi dạng dd/mm/yyyy (ví dụ 24/05/2021); không nhập ngày tương lai.",
    "3. Mã đơn vị giữ số 0 ở đầu (094, không phải 94). Tên đơn vị chỉ để đối chiếu: nếu ghi, phải khớp với mã.",
    "4. Số liệu là số không âm; số người, số ca là số nguyên. Không dùng công thức: nếu tính trong Excel, "
    "hãy sao chép rồi «Dán giá trị» (Paste Values).",
    "5. Cột có nền xám được để trống nếu chưa có số liệu. Các cột khác phải điền đủ.",
    "6. Khi sửa số cộng dồn (hoặc tồn kho) thấp hơn số đã báo cáo, ghi lý do vào cột «Ghi chú hiệu chỉnh».",
    "7. Lưu dưới dạng .xlsx (Sổ làm việc Excel) hoặc «CSV UTF-8». Tải lên ở trang Nhập liệu: hệ thống kiểm tra "
    "toàn bộ tệp, báo mọi lỗi kèm số dòng, số cột, và chỉ ghi khi cả tệp hợp lệ.",
]


def file_name(table: str, province_code: str | None = None) -> str:
    """mau_cases_11.xlsx: the template's id and province, safe on every file system."""
    return f"mau_{table}" + (f"_{province_code}" if province_code else "") + ".xlsx"


def units(con, table: str, province_code: str | None = None) -> pd.DataFrame:
    """The units a template of `table` lists (code, name, province), for one province or all."""
    if SPECS[table].unit == CHECKPOINT:
        sql = """SELECT checkpoint_id AS code, name, province_code FROM checkpoints
                 WHERE ?::TEXT IS NULL OR province_code = ? ORDER BY checkpoint_id"""
    else:
        sql = """SELECT district_code AS code, district_name AS name, province_code FROM districts
                 WHERE ?::TEXT IS NULL OR province_code = ? ORDER BY district_code"""
    return db.query(con, sql, [province_code, province_code])


def workbook(spec: TableSpec, unit_list: pd.DataFrame, prefill: bool, date: dt.date | None = None) -> bytes:
    """The template as .xlsx bytes; with `prefill`, one row per unit (and per choice, e.g. age band) to fill in."""
    book = Workbook()
    sheet = book.active
    sheet.title = files.DATA_SHEET
    _headers(sheet, spec)
    if prefill:
        _prefill(sheet, spec, unit_list, date)
    _validations(sheet, spec, unit_list)
    _guide(book.create_sheet(GUIDE_SHEET), spec, unit_list)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template(con, table: str, province_code: str | None = None, date: dt.date | None = None) -> bytes:
    """The template of `table`; for a province, prefilled with its units (and `date`, or its Monday for a
    weekly table)."""
    spec = SPECS[table]
    if date and spec.weekly:
        date -= dt.timedelta(days=date.weekday())
    return workbook(spec, units(con, table, province_code), prefill=province_code is not None, date=date)


def _headers(sheet, spec: TableSpec) -> None:
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL if column.required else OPTIONAL_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if column.help:
            cell.comment = Comment(column.help, "Mẫu nhập liệu", width=320, height=110)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, min(36, len(column.header) + 4))
        sheet.column_dimensions[letter].number_format = NUMBER_FORMATS.get(column.kind, "General")
    sheet.row_dimensions[1].height = 48
    sheet.freeze_panes = "A2"


def _prefill(sheet, spec: TableSpec, unit_list: pd.DataFrame, date: dt.date | None) -> None:
    """One row per unit and per value of the first choice column (age band, item)."""
    choice = next((c for c in spec.columns if c.kind == CHOICE), None)
    options = list(choice.choices.values()) if choice else [None]
    positions = {c.name: i for i, c in enumerate(spec.columns, start=1)}
    unit_column = spec.unit_column
    name_column = next((c.name for c in spec.columns if c.kind == UNIT_NAME), None)
    for row, ((code, name), option) in enumerate(
            itertools.product(unit_list[["code", "name"]].itertuples(index=False), options), start=2):
        sheet.cell(row=row, column=positions[unit_column], value=code)
        if name_column:
            sheet.cell(row=row, column=positions[name_column], value=name)
        if date:
            sheet.cell(row=row, column=positions["date"], value=date).number_format = NUMBER_FORMATS[DATE]
        if choice:
            sheet.cell(row=row, column=positions[choice.name], value=option)


def _validations(sheet, spec: TableSpec, unit_list: pd.DataFrame) -> None:
    """Excel's own input checks: a first line of defence; the upload checks everything again."""
    last = VALIDATED_ROWS + 1
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        if column.kind == COUNT:
            rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
        elif column.kind == AMOUNT:
            rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
        elif column.kind == DATE:
            rule = DataValidation(type="date", operator="between",
                                  formula1=f"DATE({FIRST_DATE.year},{FIRST_DATE.month},{FIRST_DATE.day})",
                                  formula2="TODAY()")
        elif column.kind == CHOICE:
            rule = _list_rule(list(column.choices.values()))
        elif column.kind == UNIT:
            rule = _list_rule(list(unit_list["code"]))
        else:
            continue
        if rule is None:
            continue
        rule.error = t("ingest.template.invalid_cell", "vi", header=column.header)
        rule.errorTitle = column.header
        rule.showErrorMessage = True
        rule.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(rule)


def _list_rule(options: list[str]) -> DataValidation | None:
    text = ",".join(options)
    if not options or len(text) > _EXCEL_LIST_LIMIT or any("," in o or '"' in o for o in options):
        return None
    return DataValidation(type="list", formula1=f'"{text}"', allow_blank=True)


def _guide(sheet, spec: TableSpec, unit_list: pd.DataFrame) -> None:
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 14
    sheet.column_dimensions["C"].width = 90
    sheet.append([t(spec.title_key, "vi")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    for line in GUIDE:
        sheet.append([line])
    sheet.cell(row=3, column=1).font = Font(bold=True)
    sheet.append([])
    sheet.append(["Cột", "Bắt buộc", "Ý nghĩa"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column in spec.columns:
        sheet.append([column.header, "có" if column.required else "không", column.help])
    sheet.append([])
    sheet.append(["Mã", "Tỉnh", "Tên đơn vị"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for code, name, province in unit_list[["code", "name", "province_code"]].itertuples(index=False):
        sheet.append([code, province, name])
        sheet.cell(row=sheet.max_row, column=1).number_format = "@"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.templates", description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--province", default=None, help="prefill with this province's units (2-digit code)")
    parser.add_argument("--date", type=dt.date.fromisoformat, default=None, help="prefill this date (YYYY-MM-DD)")
    parser.add_argument("--db", type=Path, default=None, help="database (default: $SITUATION_DB or data/situation.duckdb)")
    args = parser.parse_args(argv)
    path = args.db or db.db_path()
    if not Path(path).is_file():  # opening would create an empty database and fail later with a traceback
        print(t("ingest.templates.no_database", "vi", path=path), file=sys.stderr)
        print(t("ingest.templates.no_database", "en", path=path), file=sys.stderr)
        return 2
    args.outdir.mkdir(parents=True, exist_ok=True)
    con = db.connect(path, read_only=True)
    try:
        for table in SPECS:
            path = args.outdir / file_name(table, args.province)
            path.write_bytes(template(con, table, args.province, args.date))
            print(path)
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
