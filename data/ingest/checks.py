"""Every check on an uploaded sheet, collected at once: headers, cells, rows, and cumulative series.

Pure pandas: the database's part (known units, earlier values) comes in as frames, so
the checks run the same from the page, the command line and the tests. Each finding is
a `Problem` with the Excel row number and the Vietnamese header, rendered in the
clerk's language by the i18n table.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import partial

import pandas as pd

from data.ingest.files import MAX_DIGITS, LongNumber, Sheet
from data.ingest.specs import (
    AMOUNT, CHECKPOINT, CHOICE, COUNT, DATE, DISTRICT, NOTE, NOTE_COLUMN, SPECS, UNIT, UNIT_NAME, Column, TableSpec,
)
from data.spreadsheet_safe import neutralise
from i18n import fmt_date, fmt_int, fmt_number, t

FIRST_DATE = dt.date(2020, 1, 1)   # before the first case in Viet Nam (23/01/2020): an earlier date is a typo
MAX_COUNT = 200_000_000            # more than the country's population: a larger count is a typo
MAX_NOTE = 500
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
_WHOLE = re.compile(r"-?\d+")
_GROUPED_WHOLE = re.compile(r"-?\d{1,3}(\.\d{3})+")          # Vietnamese thousands: 1.719
_GROUPED_DECIMAL = re.compile(r"-?\d{1,3}(\.\d{3})*,\d+")    # 1.719,5
_DECIMAL = re.compile(r"-?\d+[.,]\d+")
_AMBIGUOUS = re.compile(r"\d{1,3}[.,]\d{3}")                  # 2.500: two thousand five hundred, or two and a half?
_RANGE = re.compile(r"(\d{1,2})\s*[-–]\s*(\d{1,2})")


@dataclass(frozen=True)
class Problem:
    """One finding: a message key with its values, and where it is (Excel row, Vietnamese header).

    A `warning` is only unusual: the preview shows it and the upload waits for the clerk's
    confirmation; any other problem refuses the file."""

    key: str
    values: dict = field(default_factory=dict)
    row: int | None = None
    column: str | None = None
    warning: bool = False

    def text(self, lang: str = "vi") -> str:
        return t(self.key, lang, **{name: show(value, lang) for name, value in self.values.items()})


MAX_SHOWN = 80  # characters of a cell quoted in a message: a hostile cell cannot flood the list of problems


def show(value, lang: str) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(f"«{v}»" for v in value) or "—"
    if isinstance(value, dt.date):
        return fmt_date(value, lang)
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return fmt_int(value, lang)
    if isinstance(value, float):
        return fmt_int(value, lang) if value.is_integer() else fmt_number(value, 2, lang).rstrip("0")
    text = str(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"


def problems_frame(problems: list[Problem], lang: str) -> pd.DataFrame:
    """The problems (or the warnings) as a table a clerk reads: row, column, message (sorted by row)."""
    message = "ingest.col.warning" if problems and all(p.warning for p in problems) else "ingest.col.message"
    frame = pd.DataFrame(
        [(p.row, p.column or "", p.text(lang)) for p in problems],
        columns=[t("ingest.col.row", lang), t("ingest.col.column", lang), t(message, lang)],
    )
    frame.iloc[:, 0] = frame.iloc[:, 0].astype("Int64")
    return frame.sort_values(frame.columns[0], na_position="first", kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------ headers


def normalise(text) -> str:
    """Compare headers and names the way a person reads them: NFC, case, spacing."""
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())


def _needs_header(column: Column) -> bool:
    return column.kind not in (UNIT_NAME, NOTE)


def detect(headers: list[str]) -> TableSpec | None:
    """The template whose figure columns the headers name (None when they name none)."""
    found = {normalise(h) for h in headers}

    def figures_named(spec: TableSpec) -> int:
        return sum(1 for c in spec.columns if c.kind in (COUNT, AMOUNT, CHOICE)
                   and {normalise(c.header), c.name} & found)

    best = max(SPECS.values(), key=figures_named)
    return best if figures_named(best) else None


def match_headers(sheet: Sheet, spec: TableSpec) -> tuple[dict[str, int], list[Problem]]:
    """Map each spec column to its index in the sheet; problems for blank, doubled, missing and unknown headers."""
    by_name = {normalise(c.header): c.name for c in spec.columns} | {c.name: c.name for c in spec.columns}
    positions: dict[str, int] = {}
    problems, unknown = [], []
    for index, header in enumerate(sheet.headers):
        if not header:
            problems.append(Problem("ingest.header.blank", {"letter": _letter(index)}))
            continue
        name = by_name.get(normalise(header))
        if name is None:
            unknown.append(header)
        elif name in positions:
            problems.append(Problem("ingest.header.duplicate", {"header": header}, column=header))
        else:
            positions[name] = index
    expected = [c.header for c in spec.columns]
    missing = [c.header for c in spec.columns if _needs_header(c) and c.name not in positions]
    if missing:
        problems.append(Problem("ingest.header.missing", {"missing": missing, "expected": expected,
                                                          "found": sheet.headers}))
    if unknown:
        problems.append(Problem("ingest.header.unknown", {"unknown": unknown, "expected": expected}))
    return positions, problems


def _letter(index: int) -> str:
    """Excel's column letter of a 0-based index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ------------------------------------------------------------------ cells


class _Bad:
    """A cell that could not be read: its message key and values."""

    __slots__ = ("key", "values")

    def __init__(self, key: str, **values):
        self.key, self.values = key, values


def _parse_date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        for pattern in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(value.strip(), pattern).date()
            except ValueError:
                pass
    return _Bad("ingest.cell.date", value=value)


def _parse_number(value, whole: bool):
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.time)):
        return _Bad("ingest.cell.not_number", value=value)
    if isinstance(value, str):
        text = "".join(value.split())  # 1 719 and non-breaking spaces
        digits = sum(ch.isdigit() for ch in text)
        if digits > MAX_DIGITS:  # before int(): Python refuses more than 4,300 digits
            return _Bad("ingest.cell.long_number", digits=digits, limit=MAX_DIGITS)
        if _WHOLE.fullmatch(text):
            value = int(text)
        elif _GROUPED_WHOLE.fullmatch(text):
            value = int(text.replace(".", ""))
        elif _GROUPED_DECIMAL.fullmatch(text):
            value = float(text.replace(".", "").replace(",", "."))
        elif _DECIMAL.fullmatch(text):
            value = float(text.replace(",", "."))
        else:
            return _Bad("ingest.cell.not_number", value=value)
    if isinstance(value, float) and not math.isfinite(value):
        return _Bad("ingest.cell.not_number", value=value)
    if value < 0:
        return _Bad("ingest.cell.negative", value=value)
    if value > MAX_COUNT:
        return _Bad("ingest.cell.too_large", value=value)
    if whole:
        if isinstance(value, float) and not value.is_integer():
            return _Bad("ingest.cell.not_whole", value=value)
        return int(value)
    return float(value)


def _parse_unit(value, spec: TableSpec):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if spec.unit == CHECKPOINT:
        return str(value).strip().upper()
    text = str(value).strip()
    width = 3 if spec.unit == DISTRICT else 2
    if not text.isdigit() or len(text) > width:
        return _Bad(f"ingest.cell.{spec.unit}_code", value=value)
    return text.zfill(width)


def _parse_choice(value, column: Column):
    """A stored value from its code or its label (with or without the unit in brackets); age bands loosely."""
    if isinstance(value, dt.datetime):  # Excel turns 05-11 into the 5th of November
        value = f"{value.day:02d}-{value.month:02d}"
    text = normalise(value)
    compact = text.replace(" ", "")
    bounds = _RANGE.fullmatch(compact)
    if bounds:
        compact = f"{int(bounds[1]):02d}-{int(bounds[2]):02d}"
    elif compact.startswith("≥"):
        compact = compact[1:] + "+"
    lookup = {}
    for code, label in column.choices.items():
        for name in (code, label, label.split(" (")[0]):
            lookup[normalise(name)] = code
    found = lookup.get(text) or lookup.get(compact)
    return found or _Bad("ingest.cell.choice", value=value, choices=list(column.choices.values()))


def _parse_text(value, column: Column):
    """Free text as stored: never something a spreadsheet would run when the history is downloaded."""
    text = str(value).strip()
    if column.kind == NOTE and len(text) > MAX_NOTE:
        return _Bad("ingest.cell.note_too_long", limit=MAX_NOTE)
    return neutralise(text)


def _ambiguous(raw, parsed, column: Column) -> dict | None:
    """For a figure that may have decimals, text like 2.500 or 2,500 reads two ways: both, or None."""
    if column.kind != AMOUNT or not isinstance(raw, str) or not _AMBIGUOUS.fullmatch("".join(raw.split())):
        return None
    text = "".join(raw.split())
    other = float(text.replace(",", "").replace(".", "")) if "," in text else float(text)
    return {"value": raw.strip(), "read": parsed, "other": other}


def _parser(column: Column, spec: TableSpec):
    """The function that reads one cell of `column`: value -> parsed value, or _Bad."""
    return {
        DATE: _parse_date,
        COUNT: partial(_parse_number, whole=True),
        AMOUNT: partial(_parse_number, whole=False),
        UNIT: partial(_parse_unit, spec=spec),
        CHOICE: partial(_parse_choice, column=column),
    }.get(column.kind, partial(_parse_text, column=column))


_DTYPES = {DATE: "datetime64[s]", COUNT: "Int64", AMOUNT: "Float64"}


def read_cells(sheet: Sheet, spec: TableSpec, positions: dict[str, int]) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse every cell of the known columns; a cell that fails becomes missing and a problem."""
    frame = pd.DataFrame({"_row": sheet.row_numbers})
    problems = []
    for column in spec.columns:
        if column.name not in positions:
            continue
        index = positions[column.name]
        parse = _parser(column, spec)
        values = []
        for number, row in zip(sheet.row_numbers, sheet.rows):
            raw = row[index]
            if (number, index) in sheet.formulas:
                problems.append(Problem("ingest.cell.formula", {"value": raw}, number, column.header))
                values.append(None)
                continue
            if isinstance(raw, LongNumber):  # in any column: a date, a code or a figure
                problems.append(Problem("ingest.cell.long_number", {"digits": raw.digits, "limit": MAX_DIGITS}, number,
                                        column.header))
                values.append(None)
                continue
            if raw is None:
                if column.required:
                    problems.append(Problem("ingest.cell.blank", {}, number, column.header))
                values.append(None)
                continue
            parsed = parse(raw)
            if isinstance(parsed, _Bad):
                problems.append(Problem(parsed.key, parsed.values, number, column.header))
                parsed = None
            elif readings := _ambiguous(raw, parsed, column):
                problems.append(Problem("ingest.cell.ambiguous_number", readings, number, column.header, warning=True))
            values.append(parsed)
        series = pd.Series(values, dtype="object")
        text = series.astype("str").where(series.notna())
        frame[column.name] = series.astype(_DTYPES[column.kind]) if column.kind in _DTYPES else text
    return frame, problems


# ------------------------------------------------------------------ rows


def check_rows(frame: pd.DataFrame, spec: TableSpec, units: pd.DataFrame, province: str | None,
               today: dt.date) -> list[Problem]:
    """Dates, units, duplicates, groups and totals; `units` has unit_code, unit_name, short_name, province_code,
    province_name; `province` is the only province the uploader may write (None: any, but one per file)."""
    return [
        *_check_dates(frame, spec, today),
        *_check_units(frame, spec, units, province),
        *_check_duplicates(frame, spec),
        *_check_groups(frame, spec),
        *_check_parts(frame, spec),
        *_check_bounds(frame, spec),
    ]


def _at(frame: pd.DataFrame, mask: pd.Series, key: str, header: str | None, constants: dict | None = None,
        **columns: str) -> list[Problem]:
    """One problem per flagged row; the message takes `constants` and the values of the frame's `columns`."""
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return []
    picked = frame.loc[mask, ["_row", *dict.fromkeys(columns.values())]]
    return [
        Problem(key, (constants or {}) | {name: plain(record[source]) for name, source in columns.items()},
                int(record["_row"]), header)
        for record in picked.to_dict("records")
    ]


def plain(value):
    """numpy and pandas scalars as plain Python values (for messages and JSON)."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value.item() if hasattr(value, "item") else value


def _check_dates(frame: pd.DataFrame, spec: TableSpec, today: dt.date) -> list[Problem]:
    if "date" not in frame:
        return []
    header, dates, limits = spec.header("date"), frame["date"], {"today": today, "first": FIRST_DATE}
    problems = _at(frame, dates > pd.Timestamp(today), "ingest.cell.future", header, limits, value="date")
    problems += _at(frame, dates < pd.Timestamp(FIRST_DATE), "ingest.cell.too_early", header, limits, value="date")
    if spec.weekly:
        problems += _at(frame, dates.dt.day_of_week != 0, "ingest.cell.not_monday", header, value="date")
    return problems


def _check_units(frame: pd.DataFrame, spec: TableSpec, units: pd.DataFrame, province: str | None) -> list[Problem]:
    unit = spec.unit_column
    if unit not in frame:
        return []
    header = spec.header(unit)
    known = frame[[unit, "_row"]].merge(units, left_on=unit, right_on="unit_code", how="left")
    given = known[unit].notna()
    problems = _at(known, given & known["province_code"].isna(), f"ingest.cell.unknown_{spec.unit}", header, value=unit)
    if province is not None:
        other = given & known["province_code"].notna() & (known["province_code"] != province)
        yours = units.loc[units["province_code"] == province, "province_name"].drop_duplicates()
        problems += _at(known, other, "ingest.cell.other_province", header,
                        {"yours": yours.iloc[0] if len(yours) else province}, value=unit, province="province_name")
    elif known["province_code"].nunique() > 1:
        problems.append(Problem("ingest.file.several_provinces",
                                {"provinces": sorted(known["province_name"].dropna().unique())}))
    name_column = next((c for c in spec.columns if c.kind == UNIT_NAME), None)
    if name_column is not None and name_column.name in frame:
        known["name"] = frame[name_column.name].to_numpy()
        wrong = known["name"].notna() & known["unit_name"].notna() & ~_same_name(known)
        problems += _at(known, wrong, "ingest.cell.name_mismatch", name_column.header, value="name", code=unit,
                        expected="unit_name")
    return problems


def _same_name(known: pd.DataFrame) -> pd.Series:
    """The given name is the unit's, with or without its type ('Huyện Nậm Pồ' or 'Nậm Pồ')."""
    given = known["name"].map(normalise)
    return (given == known["unit_name"].map(normalise)) | (given == known["short_name"].map(normalise))


def _check_duplicates(frame: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    key = list(spec.sheet_key)
    if not set(key) <= set(frame.columns):
        return []
    complete = frame.dropna(subset=key)
    doubled = complete[complete.duplicated(key, keep=False)]
    rows_by_key = doubled.groupby(key, dropna=False)["_row"].agg(list)
    headers = " + ".join(spec.header(k) for k in key)
    return [
        Problem("ingest.row.duplicate", {"columns": headers, "others": ", ".join(str(r) for r in rows if r != row)}, row,
                headers)
        for rows in rows_by_key for row in rows
    ]


def _check_groups(frame: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    """An optional group (its columns share one source) is filled whole or left blank; a row needs some figure."""
    problems = []
    for columns in spec.sources.values():
        optional = [c for c in columns if c in frame and not spec.column(c).required]
        if len(optional) < 2:
            continue
        filled = frame[optional].notna()
        partial = filled.any(axis=1) & ~filled.all(axis=1)
        for column in optional:
            problems += _at(frame, partial & ~filled[column], "ingest.cell.group_partial", spec.header(column),
                            {"group": [spec.header(c) for c in optional]})
    if spec.melt:
        figures = [c for c in spec.melted if c in frame]
        if figures:
            problems += _at(frame, frame[figures].isna().all(axis=1), "ingest.row.no_figures", None,
                            {"figures": [spec.header(c) for c in figures]})
    return problems


def _check_parts(frame: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    problems = []
    for rule in spec.rules:
        if not {rule.total, *rule.parts} <= set(frame.columns):
            continue
        parts = frame[list(rule.parts)]
        scratch = frame.assign(_sum=parts.sum(axis=1))
        known = frame[rule.total].notna() & parts.notna().all(axis=1)
        if rule.exact:
            problems += _at(scratch, known & (scratch["_sum"] != frame[rule.total]), "ingest.row.parts_sum",
                            spec.header(rule.total), {"parts": [spec.header(p) for p in rule.parts]},
                            total=rule.total, sum="_sum")
        else:
            problems += _at(scratch, known & (scratch["_sum"] > frame[rule.total]), "ingest.row.part_exceeds",
                            spec.header(rule.parts[0]),
                            {"part": spec.header(rule.parts[0]), "total_header": spec.header(rule.total)},
                            value="_sum", total=rule.total)
    return problems


def _check_bounds(frame: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    problems = []
    for bound in spec.bounds:
        if {bound.value, bound.limit} <= set(frame.columns):
            problems += _at(frame, frame[bound.value] > frame[bound.limit], f"ingest.check.{bound.name}",
                            spec.header(bound.value), {"check": bound.name}, value=bound.value, limit=bound.limit)
    return problems


# ------------------------------------------------------------------ what the preview must show


def check_sheet(sheet: Sheet) -> list[Problem]:
    """What a person looking at the file in Excel would not see, as warnings to confirm: hidden rows and
    columns that hold data, hidden sheets, and other sheets with data (only one sheet is read)."""
    problems = [Problem("ingest.file.hidden_row", {}, row, None, warning=True) for row in sheet.hidden_rows]
    problems += [Problem("ingest.file.hidden_column", {"letter": _letter(index)}, None, sheet.headers[index] or None,
                         warning=True) for index in sheet.hidden_columns]
    if sheet.hidden_sheets:
        problems.append(Problem("ingest.file.hidden_sheets", {"sheets": sheet.hidden_sheets}, warning=True))
    if sheet.other_sheets:
        problems.append(Problem("ingest.file.other_sheets", {"sheets": sheet.other_sheets, "read": sheet.sheet_name},
                                warning=True))
    return problems


# ------------------------------------------------------------------ series along time


def check_series(rows: pd.DataFrame, earlier: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    """Figures that follow from the day before: cumulative counts never fall, and a stock is yesterday's
    stock plus what came in minus what was used, unless the row carries a correction note.

    `rows` are the file's rows (database columns, `_row`, `_header`, the note); `earlier`
    the observed rows already stored for the same series on other dates. A break is blamed
    on the file's row: the row itself, or the row before a stored one it no longer fits.
    """
    problems = []
    for column in spec.cumulative:
        both, before = _along_time(rows, earlier, spec, [column])
        problems += _blame(
            both, before, both[column] < before[column], spec, column,
            ("ingest.row.cumulative_falls", lambda now, prior: {
                "value": now[column], "previous": prior[column], "previous_date": prior["date"]}),
            ("ingest.row.cumulative_above_later", lambda now, prior: {
                "value": prior[column], "later": now[column], "later_date": now["date"]}),
        )
    if spec.balance:
        stock, received, used = spec.balance
        both, before = _along_time(rows, earlier, spec, list(spec.balance))
        expected = before[stock] + both[received] - both[used]
        next_day = (both["date"] - before["date"]) == pd.Timedelta(days=1)
        problems += _blame(
            both, before, next_day & ((both[stock] - expected).abs() > 1e-6), spec, stock,
            ("ingest.row.stock_balance", lambda now, prior: {
                "value": now[stock], "expected": prior[stock] + now[received] - now[used], "previous": prior[stock],
                "previous_date": prior["date"], "received": now[received], "used": now[used]}),
            ("ingest.row.stock_balance_next", lambda now, prior: {
                "value": prior[stock], "later": now[stock], "later_date": now["date"]}),
        )
    return problems


def _along_time(rows: pd.DataFrame, earlier: pd.DataFrame, spec: TableSpec, columns: list[str]):
    """The file's rows and the stored ones of the same series in date order, and each one's predecessor."""
    series_key = [k for k in spec.key if k != "date"]
    mine = rows.dropna(subset=[*spec.key, *columns]).assign(_file=True)
    stored = earlier[[*spec.key, *columns]].assign(_file=False)
    both = pd.concat([mine, stored], ignore_index=True).sort_values([*series_key, "date"], kind="stable")
    return both, both.groupby(series_key, sort=False).shift(1)


def _blame(both: pd.DataFrame, before: pd.DataFrame, broken: pd.Series, spec: TableSpec, column: str,
           on_row, on_previous) -> list[Problem]:
    """Problems for broken links: on the file's row (`on_row`), or on the file's row before a stored row
    (`on_previous`); each is (message key, values from the row and its predecessor as dicts)."""
    broken = broken.fillna(False).astype(bool)
    here = broken & both["_file"].eq(True) & both[NOTE_COLUMN].isna()
    previous = broken & both["_file"].eq(False) & before["_file"].eq(True) & before[NOTE_COLUMN].isna()
    problems = []
    for mask, (key, values), blamed in ((here, on_row, both), (previous, on_previous, before)):
        for index in both.index[mask]:
            now, prior = both.loc[index].map(plain), before.loc[index].map(plain)
            header = blamed.at[index, "_header"]
            problems.append(Problem(key, values(now, prior), int(blamed.at[index, "_row"]),
                                    header if isinstance(header, str) else spec.header(column)))
    return problems


# ------------------------------------------------------------------ plausibility along time

SPIKE_FACTOR = 5        # a day above five times the unit's highest of its recent days...
SPIKE_FLOOR = 20        # ...and at least this many: small numbers jump without meaning anything
SPIKE_DAYS = 14         # the recent days compared with
SPIKE_MIN_DAYS = 7      # a unit with fewer known recent days is not judged
OPENING = FIRST_DATE - dt.timedelta(days=1)  # the date of a unit's totals before the recent days (history)


def check_history(rows: pd.DataFrame, history: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    """Named checks against the unit's own past: running totals that cannot cross (deaths above cases:
    an error) and a day far above the unit's recent days (a warning to confirm).

    `rows` are the file's rows (database columns, `_row`); `history` the stored rows of the same units
    up to the file's last day, except those the file replaces (`spec.key` and `spec.history_columns`); older
    days may come summed in one row per unit dated OPENING.
    """
    if not spec.history_columns or rows.empty:
        return []
    series_key = [k for k in spec.key if k != "date"]
    columns = [c for c in spec.history_columns if c in rows]
    mine = rows[[*spec.key, *columns, "_row"]].assign(_file=True)
    stored = history[[*spec.key, *columns]].assign(_file=False, _row=pd.NA)
    both = pd.concat([stored, mine], ignore_index=True).sort_values([*series_key, "date"], kind="stable")
    both = both.reset_index(drop=True)
    both[columns] = both[columns].apply(pd.to_numeric, errors="coerce")  # blank cells come as objects
    by_unit = both.groupby(series_key, sort=False)
    problems = []
    for bound in spec.running_bounds:
        if not {bound.value, bound.limit} <= set(columns):
            continue
        totals = by_unit[[bound.value, bound.limit]].cumsum()
        crossed = both["_file"] & (totals[bound.value] > totals[bound.limit])
        scratch = both.assign(_value=totals[bound.value], _limit=totals[bound.limit])
        problems += _at(scratch, crossed, f"ingest.check.{bound.name}", spec.header(bound.value),
                        {"check": bound.name}, value="_value", limit="_limit", date="date")
    for column in spec.spikes:
        if column not in columns:
            continue
        recent = pd.concat([_recent_high(unit, column) for _, unit in by_unit[["date", column]]]).reindex(both.index)
        high = both["_file"] & (both[column] >= SPIKE_FLOOR) & (both[column] > SPIKE_FACTOR * recent)
        scratch = both.assign(_recent=recent)
        for problem in _at(scratch, high, "ingest.check.far_above_recent_days", spec.header(column),
                           {"check": "far_above_recent_days", "factor": SPIKE_FACTOR, "days": SPIKE_DAYS},
                           value=column, recent="_recent"):
            problems.append(Problem(problem.key, problem.values, problem.row, problem.column, warning=True))
    return problems


def _recent_high(unit: pd.DataFrame, column: str) -> pd.Series:
    """Each day's highest `column` over the unit's SPIKE_DAYS calendar days before it (NaN with too few)."""
    values = unit.set_index("date")[column].astype("float64")
    high = values.rolling(f"{SPIKE_DAYS}D", closed="left", min_periods=SPIKE_MIN_DAYS).max()
    return pd.Series(high.to_numpy(), index=unit.index)
