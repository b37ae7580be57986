"""Read an uploaded file (.xlsx or .csv) into raw cells, refusing anything unsafe before it is parsed.

Limits come first (size, type, unpacked size, row count) so a hostile or broken file
costs nothing; then the cells are read as they are, with their Excel row numbers, and
formulas are reported rather than evaluated.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Iterable

MAX_FILE_BYTES = 5 * 1024 * 1024      # a month of a province's daily reports is about 100 kB
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # an .xlsx is a zip: guard against zip bombs
MAX_ROWS = 20_000                     # data rows; a year of daily reports for 30 districts is 11,000
DATA_SHEET = "Số liệu"                # the templates' data sheet (else the first sheet is read)
EXTENSIONS = (".xlsx", ".csv")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"      # Excel 97-2003 .xls, or an encrypted .xlsx
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class FileProblem(Exception):
    """The file as a whole cannot be read; `key` and `values` make its message (i18n)."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass
class Sheet:
    """The cells of a file as found: headers, then data rows with their Excel row numbers."""

    headers: list[str]
    rows: list[list]                 # raw values; None for an empty cell
    row_numbers: list[int]
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row number, column index) of formula cells


def read(content: bytes, file_name: str) -> Sheet:
    """Check the limits and read the first table of the file; raises FileProblem."""
    extension = PurePath(file_name).suffix.lower()
    if extension == ".xls":
        raise FileProblem("ingest.file.old_excel")
    if extension not in EXTENSIONS:
        raise FileProblem("ingest.file.extension", extension=extension or "—", allowed=", ".join(EXTENSIONS))
    if len(content) > MAX_FILE_BYTES:
        raise FileProblem("ingest.file.too_big", size_mb=round(len(content) / 1e6, 1),
                          limit_mb=MAX_FILE_BYTES // 1024 // 1024)
    if not content.strip():
        raise FileProblem("ingest.file.empty")
    if extension == ".xlsx":
        sheet = _read_xlsx(content)
    else:
        sheet = _read_csv(content)
    if not sheet.headers:
        raise FileProblem("ingest.file.empty")
    if not sheet.rows:
        raise FileProblem("ingest.file.no_rows")
    return sheet


def _read_xlsx(content: bytes) -> Sheet:
    if content.startswith(_OLE_MAGIC):
        raise FileProblem("ingest.file.old_excel")
    if not content.startswith(_ZIP_MAGIC):
        raise FileProblem("ingest.file.not_excel")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise FileProblem("ingest.file.too_big_unpacked", limit_mb=MAX_UNPACKED_BYTES // 1024 // 1024)
    except zipfile.BadZipFile:
        raise FileProblem("ingest.file.not_excel") from None

    import openpyxl  # imported here: the CSV path and the CLI's --help need not pay for it

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a zip that is not a workbook
        raise FileProblem("ingest.file.not_excel") from None
    try:
        worksheet = book[DATA_SHEET] if DATA_SHEET in book.sheetnames else book.worksheets[0]
        rows = (
            ([cell.value for cell in row], {i for i, cell in enumerate(row) if cell.data_type == "f"})
            for row in worksheet.iter_rows()
        )
        return _sheet(rows)
    finally:
        book.close()


def _read_csv(content: bytes) -> Sheet:
    if content.startswith(_ZIP_MAGIC) or content.startswith(_OLE_MAGIC):
        raise FileProblem("ingest.file.excel_named_csv")
    if content.startswith(_UTF16_BOMS) or b"\x00" in content[:4096]:
        raise FileProblem("ingest.file.encoding")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem("ingest.file.encoding") from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)  # Excel in Vietnamese saves with ';'
    rows = (
        (values, {i for i, value in enumerate(values) if value.lstrip().startswith("=")})
        for values in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    )
    return _sheet(rows)


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _sheet(rows: Iterable[tuple[list, set[int]]]) -> Sheet:
    """Keep the non-blank rows with their numbers (stopping past the row limit); the first is the header."""
    kept: list[tuple[int, list]] = []
    formulas: set[tuple[int, int]] = set()
    for number, (values, formula_columns) in enumerate(rows, start=1):
        if all(_is_blank(v) for v in values):
            continue
        if len(kept) > MAX_ROWS:
            raise FileProblem("ingest.file.too_many_rows", limit=MAX_ROWS)
        kept.append((number, [None if _is_blank(v) else v for v in values]))
        formulas.update((number, column) for column in formula_columns)
    if not kept:
        return Sheet([], [], [])
    width = max(i + 1 for _, values in kept for i, v in enumerate(values) if v is not None)
    (header_number, header_values), body = kept[0], kept[1:]

    def padded(values: list) -> list:
        return (values + [None] * width)[:width]

    return Sheet(
        headers=["" if v is None else str(v).strip() for v in padded(header_values)],
        rows=[padded(values) for _, values in body],
        row_numbers=[number for number, _ in body],
        formulas={(r, c) for r, c in formulas if r != header_number and c < width},
    )
