"""Read an uploaded file (.xlsx or .csv) into raw cells, refusing anything unsafe before it is parsed.

Limits come first (size, type, unpacked size) so a hostile or broken file costs nothing.
An .xlsx sheet is then streamed cell by cell within fixed bounds on the rows, columns,
cells and seconds actually read, whatever its <dimension> claims (a 10 kB file may claim
A1:XFD1048576). Cells are kept as they are, with their Excel row numbers; formulas are
reported rather than evaluated, and what a reader of the sheet would not see (hidden
rows, columns and sheets, other sheets with data) is recorded for the preview to show.
"""
from __future__ import annotations

import csv
import io
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Iterable, Iterator
from xml.etree.ElementTree import iterparse

MAX_FILE_BYTES = 5 * 1024 * 1024      # a month of a province's daily reports is about 100 kB
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # an .xlsx is a zip: guard against zip bombs
MAX_ROWS = 20_000                     # data rows; a year of daily reports for 30 districts is 11,000
MAX_COLUMNS = 60                      # the widest template has 13 columns
MAX_CELLS = 400_000                   # cells and rows read from the XML, empty ones included (20,000 rows of 13: 280,000)
MAX_EMPTY_ROWS = 50_000               # <row> elements without a cell (Excel writes them only for a row's height)
MAX_READ_SECONDS = 20.0               # a last guard: no file may hold a worker longer than this
MAX_DIGITS = 15                       # digits Excel itself keeps; more is not a figure
DATA_SHEET = "Số liệu"                # the templates' data sheet (else the first visible sheet is read)
GUIDE_SHEET = "Hướng dẫn"             # the templates' guide sheet: text, never data
EXTENSIONS = (".xlsx", ".csv")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"      # Excel 97-2003 .xls, or an encrypted .xlsx
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _COL = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}col"
_TRUE = ("1", "true")


class FileProblem(Exception):
    """The file as a whole cannot be read; `key` and `values` make its message (i18n)."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class LongNumber:
    """A number cell with more digits than any figure has (Python would refuse to read it)."""

    digits: int


@dataclass
class Sheet:
    """The cells of a file as found: headers, then data rows with their Excel row numbers."""

    headers: list[str]
    rows: list[list]                 # raw values; None for an empty cell
    row_numbers: list[int]
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row number, column index) of formula cells
    hidden_rows: list[int] = field(default_factory=list)        # data rows hidden in Excel (row numbers)
    hidden_columns: list[int] = field(default_factory=list)     # hidden columns that hold data (indexes)
    hidden_sheets: list[str] = field(default_factory=list)      # hidden sheets that hold data
    other_sheets: list[str] = field(default_factory=list)       # visible sheets with data that are not read
    sheet_name: str | None = None


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


# ------------------------------------------------------------------ .xlsx


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
        if not book.worksheets:
            raise FileProblem("ingest.file.not_excel")
        deadline = time.monotonic() + MAX_READ_SECONDS
        visible = [sheet for sheet in book.worksheets if sheet.sheet_state == "visible"] or book.worksheets
        chosen = next((sheet for sheet in visible if sheet.title == DATA_SHEET), visible[0])
        reader = _SheetReader(book, chosen, deadline)
        sheet = _sheet(reader.rows())
        sheet.sheet_name = chosen.title
        sheet.hidden_rows = sorted(set(reader.hidden_rows) & set(sheet.row_numbers))
        sheet.hidden_columns = [i for i in reader.hidden_columns if i < len(sheet.headers)
                                and (sheet.headers[i] or any(row[i] is not None for row in sheet.rows))]
        for other in book.worksheets:
            if other is chosen or other.title == GUIDE_SHEET or not _SheetReader(book, other, deadline).has_data():
                continue
            (sheet.other_sheets if other.sheet_state == "visible" else sheet.hidden_sheets).append(other.title)
        return sheet
    except FileProblem:
        raise
    except Exception:  # a damaged part of the zip, an XML error, a shared string that is not there
        raise FileProblem("ingest.file.not_excel") from None
    finally:
        book.close()


class _SheetReader:
    """Streams one worksheet's XML within the limits: only the cells present, never the claimed dimension.

    Cells are read by openpyxl's own cell parser (types, shared strings, dates, formulas) from the workbook's
    archive: private parts of openpyxl, pinned in requirements.txt."""

    def __init__(self, book, worksheet, deadline: float):
        from openpyxl.worksheet._reader import WorkSheetParser

        self.book, self.worksheet, self.deadline = book, worksheet, deadline
        self.parser = WorkSheetParser(None, worksheet._shared_strings, data_only=False, epoch=book.epoch,
                                      date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        self.hidden_rows: list[int] = []
        self.hidden_columns: list[int] = []

    def _events(self) -> Iterator[tuple[str, object]]:
        with self.book._archive.open(self.worksheet._worksheet_path) as source:
            yield from iterparse(source, events=("start", "end"))

    def rows(self) -> Iterator[tuple[int, list, set[int]]]:
        """(row number, values, formula column indexes) for each <row> present, in order; raises FileProblem
        past a limit."""
        parser, read, empty_rows, cells_in_row = self.parser, 0, 0, 0
        values: dict[int, object] = {}
        formulas: set[int] = set()
        sheet_data = None
        for event, element in self._events():
            tag = element.tag
            if event == "start":
                if tag == _ROW:
                    attrs = element.attrib
                    parser.row_counter = int(float(attrs["r"])) if "r" in attrs else parser.row_counter + 1
                    parser.col_counter = 0
                    if attrs.get("hidden") in _TRUE or attrs.get("ht") in ("0", "0.0"):
                        self.hidden_rows.append(parser.row_counter)
                    values, formulas, cells_in_row = {}, set(), 0
                elif tag == f"{_MAIN}sheetData":
                    sheet_data = element
                continue
            if tag in (_CELL, _ROW):
                read += 1
                if read > MAX_CELLS:
                    raise FileProblem("ingest.file.too_many_cells", limit=MAX_CELLS)
                if read % 4096 == 0 and time.monotonic() > self.deadline:
                    raise FileProblem("ingest.file.too_slow", seconds=int(MAX_READ_SECONDS))
            if tag == _CELL:
                cells_in_row += 1
                column, value, is_formula = self._cell(element)
                element.clear()
                if _is_blank(value):
                    continue
                if column >= MAX_COLUMNS:
                    raise FileProblem("ingest.file.too_many_columns", limit=MAX_COLUMNS, row=parser.row_counter,
                                      column=column + 1)
                values[column] = value
                if is_formula:
                    formulas.add(column)
            elif tag == _ROW:
                empty_rows += not cells_in_row
                if empty_rows > MAX_EMPTY_ROWS:
                    raise FileProblem("ingest.file.too_many_cells", limit=MAX_CELLS)
                if sheet_data is not None:
                    sheet_data.clear()  # the rows read so far: nothing keeps them in memory
                width = max(values, default=-1) + 1
                yield parser.row_counter, [values.get(i) for i in range(width)], formulas
            elif tag == _COL:
                attrs = element.attrib
                if attrs.get("hidden") in _TRUE:
                    first, last = int(attrs["min"]), min(int(attrs["max"]), MAX_COLUMNS)
                    self.hidden_columns.extend(range(first - 1, last))

    def _cell(self, element) -> tuple[int, object, bool]:
        """(column index from 0, value, is a formula) of one <c>; a number too long to read becomes LongNumber."""
        try:
            cell = self.parser.parse_cell(element)
        except ValueError:  # int() of a number with thousands of digits, or a number cell that holds no number
            text = (element.findtext(f"{_MAIN}v") or "").strip()
            value = LongNumber(sum(ch.isdigit() for ch in text)) if text.lstrip("-").isdigit() else text
            return self.parser.col_counter - 1, value, False
        return cell["column"] - 1, cell["value"], cell["data_type"] == "f"

    def has_data(self) -> bool:
        """Whether the sheet holds any non-blank cell (stops at the first)."""
        return any(values for _, values, _ in self.rows())


# ------------------------------------------------------------------ .csv


def _read_csv(content: bytes) -> Sheet:
    if content.startswith(_ZIP_MAGIC) or content.startswith(_OLE_MAGIC):
        raise FileProblem("ingest.file.excel_named_csv")
    if content.startswith(_UTF16_BOMS) or b"\x00" in content[:4096]:
        raise FileProblem("ingest.file.encoding")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem("ingest.file.encoding") from None
    if "\x00" in text:
        raise FileProblem("ingest.file.nul_bytes")
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)  # Excel in Vietnamese saves with ';'
    rows = (
        (number, values, {i for i, value in enumerate(values) if value.lstrip().startswith("=")})
        for number, values in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
    )
    return _sheet(_bounded(rows))


def _bounded(rows: Iterable[tuple[int, list, set[int]]]) -> Iterator[tuple[int, list, set[int]]]:
    """CSV rows with no value past the column limit (a row is a line: its length is the file's)."""
    for number, values, formulas in rows:
        if len(values) > MAX_COLUMNS:
            extra = next((i for i in range(MAX_COLUMNS, len(values)) if not _is_blank(values[i])), None)
            if extra is not None:
                raise FileProblem("ingest.file.too_many_columns", limit=MAX_COLUMNS, row=number, column=extra + 1)
            values = values[:MAX_COLUMNS]
        yield number, values, formulas


# ------------------------------------------------------------------ both


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _sheet(rows: Iterable[tuple[int, list, set[int]]]) -> Sheet:
    """Keep the non-blank rows with their Excel row numbers (stopping past the row limit); the first is the
    header."""
    kept: list[tuple[int, list]] = []
    formulas: set[tuple[int, int]] = set()
    for number, values, formula_columns in rows:
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
