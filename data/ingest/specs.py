"""What each uploadable table looks like in a file: its Vietnamese headers, key, and the checks on its rows.

The specs are the fixed whitelist of everything an upload may write: table and column
names in SQL come only from here, never from a file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from data import supplies

# Column kinds: how a cell is read and checked.
DATE = "date"          # a day: Excel date, dd/mm/yyyy or yyyy-mm-dd
UNIT = "unit"          # the code of the reporting unit (district, checkpoint or province)
UNIT_NAME = "name"     # the unit's name, optional, checked against the code when filled
COUNT = "count"        # a non-negative whole number
AMOUNT = "amount"      # a non-negative number that may have decimals
CHOICE = "choice"      # one of a fixed list
NOTE = "note"          # free text: the correction note

NOTE_COLUMN = "correction_note"
DISTRICT, CHECKPOINT, PROVINCE = "district", "checkpoint", "province"


@dataclass(frozen=True)
class Column:
    name: str                  # database column (or a sheet-only name: the unit's name, the note, a dose)
    header: str                # the Vietnamese header of the template
    kind: str
    required: bool = True
    help: str = ""             # what the template says about the column (Vietnamese)
    choices: dict[str, str] = field(default_factory=dict)  # CHOICE: stored value -> Vietnamese label


@dataclass(frozen=True)
class PartRule:
    """Totals consistent with their parts: the parts sum to the total (exact) or stay within it."""

    total: str
    parts: tuple[str, ...]
    exact: bool = False


@dataclass(frozen=True)
class Bound:
    """A named plausibility check (in the style of Delphi's validator): `value` is never above `limit`.

    On one row (`TableSpec.bounds`) or on running totals along time (`TableSpec.running_bounds`);
    its message, `ingest.check.<name>`, gives the values and why it cannot happen."""

    name: str
    value: str
    limit: str


@dataclass(frozen=True)
class TableSpec:
    table: str                          # the fact table, also the template's id
    title_key: str                      # i18n key of the template's title
    unit: str                           # DISTRICT | CHECKPOINT | PROVINCE
    columns: tuple[Column, ...]         # the template's columns, in order
    key: tuple[str, ...]                # the table's primary key
    sources: dict[str, tuple[str, ...]]  # source column -> the value columns whose origin it records
    rules: tuple[PartRule, ...] = ()
    cumulative: tuple[str, ...] = ()    # value columns that never fall over time without a correction note
    balance: tuple[str, str, str] | None = None  # (stock, received, used): stock = yesterday's + received - used
    derived: dict[str, Callable[[dict], object]] = field(default_factory=dict)  # column -> its value from the row
    weekly: bool = False                # dates must be Mondays (the table is weekly)
    melt: tuple[str, str] | None = None  # (key column, value column): sheet columns become rows, one per key value
    melted: dict[str, str] = field(default_factory=dict)  # sheet column -> key value it becomes when melted
    bounds: tuple[Bound, ...] = ()          # impossible on a row: an error
    running_bounds: tuple[Bound, ...] = ()  # impossible on the unit's totals up to the day: an error
    spikes: tuple[str, ...] = ()            # daily counts far above the unit's own recent days: a warning

    @property
    def history_columns(self) -> tuple[str, ...]:
        """Stored figures the checks along time compare the file with (besides the cumulative series)."""
        return tuple(dict.fromkeys([*(c for b in self.running_bounds for c in (b.value, b.limit)), *self.spikes]))

    @property
    def unit_column(self) -> str:
        return next(c.name for c in self.columns if c.kind == UNIT)

    @property
    def sheet_key(self) -> tuple[str, ...]:
        """The key as it appears on the sheet (a melted key column is spread over several sheet columns)."""
        return tuple(k for k in self.key if k in self.names)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def value_columns(self) -> tuple[str, ...]:
        """The figures a row carries, as database columns."""
        if self.melt:
            return (self.melt[1],)
        return tuple(c.name for c in self.columns if c.kind in (COUNT, AMOUNT))

    @property
    def series_columns(self) -> tuple[str, ...]:
        """Columns checked along time against earlier days (cumulative counts, stock balance)."""
        return (*self.cumulative, *(self.balance or ()))

    def source_of(self, column: str) -> str:
        """The source column that records where `column` comes from."""
        return next(source for source, columns in self.sources.items() if column in columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def header(self, name: str) -> str:
        return self.column(name).header


def _date(help_text: str = "Ngày của số liệu, dạng dd/mm/yyyy (ví dụ 24/05/2021); không được là ngày tương lai.") -> Column:
    return Column("date", "Ngày báo cáo", DATE, help=help_text)


_DISTRICT = Column("district_code", "Mã quận/huyện", UNIT,
                   help="Mã 3 chữ số của Tổng cục Thống kê, giữ số 0 ở đầu (ví dụ 094). Chỉ các quận/huyện của tỉnh bạn.")
_DISTRICT_NAME = Column("district_name", "Tên quận/huyện", UNIT_NAME, required=False,
                        help="Để đối chiếu: nếu ghi, tên phải khớp với mã.")
_NOTE = Column(NOTE_COLUMN, "Ghi chú hiệu chỉnh", NOTE, required=False,
               help="Bắt buộc khi sửa số cộng dồn xuống thấp hơn số đã báo cáo: ghi lý do (ví dụ: trùng lặp đã loại).")


def _count(name: str, header: str, help_text: str = "", required: bool = True) -> Column:
    return Column(name, header, COUNT, required=required, help=help_text or "Số nguyên, không âm.")


CASES = TableSpec(
    table="cases",
    title_key="ingest.table.cases",
    unit=DISTRICT,
    columns=(
        _date(), _DISTRICT, _DISTRICT_NAME,
        _count("new_cases", "Ca mắc mới",
               "Tổng số ca mắc mới trong ngày (mọi nguồn lây) = cộng đồng + khu cách ly + nhập cảnh."),
        _count("community_cases", "Ca mắc mới tại cộng đồng"),
        _count("quarantine_cases", "Ca mắc mới trong khu cách ly", "Ca phát hiện khi đã ở trong khu cách ly, phong tỏa."),
        _count("imported_cases", "Ca nhập cảnh"),
        _count("new_deaths", "Tử vong", "Số ca tử vong mới trong ngày."),
        _count("in_treatment", "Đang điều trị", "Số người đang điều trị (hiện có, không phải mới). Để trống cả 3 cột "
               "điều trị nếu không có số: giữ nguyên số đang có.", required=False),
        _count("oxygen", "Đang thở oxy", "Trong số đang điều trị (hiện có).", required=False),
        _count("icu", "Đang hồi sức tích cực (ICU)", "Trong số đang điều trị (hiện có).", required=False),
        _NOTE,
    ),
    key=("date", "district_code"),
    # An uploaded count is observed whole, and is its own adjusted series: no backlog or gap (data/artefacts.py).
    derived={"observed_cases": lambda row: row["new_cases"], "new_cases_adjusted": lambda row: row["new_cases"],
             "artefact": lambda row: None},
    sources={
        "source": ("new_cases",),
        "deaths_source": ("new_deaths",),
        "split_source": ("community_cases", "quarantine_cases", "imported_cases"),
        "load_source": ("in_treatment", "oxygen", "icu"),
    },
    rules=(
        PartRule("new_cases", ("community_cases", "quarantine_cases", "imported_cases"), exact=True),
        PartRule("in_treatment", ("oxygen",)),
        PartRule("in_treatment", ("icu",)),
    ),
    running_bounds=(Bound("deaths_within_cases", "new_deaths", "new_cases"),),
    spikes=("new_cases", "new_deaths"),
)

BEDS = TableSpec(
    table="beds",
    title_key="ingest.table.beds",
    unit=DISTRICT,
    columns=(
        _date(), _DISTRICT, _DISTRICT_NAME,
        _count("covid_beds_total", "Tổng số giường điều trị COVID-19"),
        _count("covid_beds_occupied", "Giường COVID-19 đang có người bệnh"),
        _count("icu_beds_staffed", "Giường hồi sức tích cực (ICU) có đủ nhân lực"),
        _count("icu_beds_occupied", "Giường ICU đang có người bệnh"),
        _count("ventilators", "Số máy thở"),
        _count("ventilators_in_use", "Máy thở đang sử dụng"),
        Column("oxygen_supply_m3_per_day", "Khả năng cung cấp oxy (m³/ngày)", AMOUNT,
               help="Lượng oxy y tế các cơ sở trong huyện cấp được mỗi ngày, m³; có thể có số lẻ (ví dụ 12,5)."),
        _NOTE,
    ),
    key=("date", "district_code"),
    sources={"source": ("covid_beds_total", "covid_beds_occupied", "icu_beds_staffed", "icu_beds_occupied",
                        "ventilators", "ventilators_in_use", "oxygen_supply_m3_per_day")},
    rules=(
        PartRule("covid_beds_total", ("covid_beds_occupied",)),
        PartRule("icu_beds_staffed", ("icu_beds_occupied",)),
        PartRule("ventilators", ("ventilators_in_use",)),
    ),
    bounds=(
        Bound("icu_beds_within_covid_beds", "icu_beds_staffed", "covid_beds_total"),
        Bound("icu_occupied_within_covid_occupied", "icu_beds_occupied", "covid_beds_occupied"),
        Bound("ventilators_within_icu_beds", "ventilators", "icu_beds_staffed"),
    ),
)

TESTS = TableSpec(
    table="tests",
    title_key="ingest.table.tests",
    unit=DISTRICT,
    columns=(
        _date(), _DISTRICT, _DISTRICT_NAME,
        _count("samples", "Số mẫu xét nghiệm", "Tổng số mẫu đã xét nghiệm trong ngày (mẫu đơn và mẫu gộp)."),
        _count("pooled_samples", "Trong đó: mẫu gộp"),
        _count("positives", "Số mẫu dương tính"),
        _count("pcr_capacity", "Công suất RT-PCR (mẫu/ngày)",
               "Số mẫu RT-PCR các phòng xét nghiệm trong huyện chạy được mỗi ngày."),
        _NOTE,
    ),
    key=("date", "district_code"),
    sources={"source": ("samples", "pooled_samples", "positives", "pcr_capacity")},
    rules=(PartRule("samples", ("pooled_samples",)), PartRule("samples", ("positives",))),
)

AGE_GROUPS = ("05-11", "12-17", "18-49", "50-64", "65+")
_DOSES = {"dose1": "Đã tiêm ít nhất 1 mũi (cộng dồn)", "full": "Đã tiêm đủ liều cơ bản (cộng dồn)",
          "booster": "Đã tiêm mũi nhắc (cộng dồn)"}

VACCINATIONS = TableSpec(
    table="vaccinations",
    title_key="ingest.table.vaccinations",
    unit=DISTRICT,
    columns=(
        _date("Thứ Hai đầu tuần của số liệu, dạng dd/mm/yyyy (số liệu tiêm chủng theo tuần)."),
        _DISTRICT, _DISTRICT_NAME,
        Column("age_group", "Nhóm tuổi", CHOICE, choices={g: g for g in AGE_GROUPS},
               help="Một trong: " + ", ".join(AGE_GROUPS) + "."),
        *(_count(f"people_{dose}", header, "Số người cộng dồn đến ngày báo cáo; để trống nếu không có số.", required=False)
          for dose, header in _DOSES.items()),
        _NOTE,
    ),
    key=("date", "district_code", "age_group", "dose"),
    sources={"source": ("people",)},
    rules=(PartRule("people_dose1", ("people_full",)), PartRule("people_full", ("people_booster",))),
    cumulative=("people",),
    weekly=True,
    melt=("dose", "people"),
    melted={f"people_{dose}": dose for dose in _DOSES},
)

CHECKPOINT_COUNTS = TableSpec(
    table="checkpoint_counts",
    title_key="ingest.table.checkpoint_counts",
    unit=CHECKPOINT,
    columns=(
        _date(),
        Column("checkpoint_id", "Mã chốt", UNIT, help="Mã chốt kiểm soát/cửa khẩu theo danh mục (xem trang Hướng dẫn)."),
        Column("checkpoint_name", "Tên chốt", UNIT_NAME, required=False,
               help="Để đối chiếu: nếu ghi, tên phải khớp với mã."),
        _count("people_in", "Lượt người vào"),
        _count("people_out", "Lượt người ra"),
        _count("vehicles", "Lượt phương tiện"),
        _count("from_outbreak_areas", "Người đến từ vùng dịch"),
        _count("declared", "Trong đó: đã khai báo y tế"),
        _count("tested", "Số người được xét nghiệm"),
        _count("positive", "Số người dương tính"),
        _count("quarantined", "Số người chuyển cách ly"),
        _NOTE,
    ),
    key=("date", "checkpoint_id"),
    sources={"source": ("people_in", "people_out", "vehicles", "from_outbreak_areas", "declared", "tested",
                        "positive", "quarantined")},
    rules=(PartRule("from_outbreak_areas", ("declared",)), PartRule("tested", ("positive",))),
)

TRACING = TableSpec(
    table="tracing",
    title_key="ingest.table.tracing",
    unit=DISTRICT,
    columns=(
        _date(), _DISTRICT, _DISTRICT_NAME,
        _count("f1_identified", "F1 mới phát hiện"),
        _count("f2_identified", "F2 mới phát hiện"),
        _count("centralized_quarantine", "Đang cách ly tập trung", "Số người đang cách ly tập trung (hiện có)."),
        _count("home_isolation", "Đang cách ly tại nhà/nơi cư trú", "Số người đang cách ly tại nhà (hiện có)."),
        _NOTE,
    ),
    key=("date", "district_code"),
    sources={"source": ("f1_identified", "f2_identified", "centralized_quarantine", "home_isolation")},
)

_SUPPLY_PARAMS = supplies.load_params()
SUPPLY_UNITS = {name: item["unit"] for name, item in _SUPPLY_PARAMS["items"].items()} | {
    "oxygen": _SUPPLY_PARAMS["oxygen"]["unit"]}
_UNIT_LABELS = {"set": "bộ", "piece": "cái", "litre": "lít", "kg": "kg", "m3": "m³"}
_ITEM_LABELS = {"protective_suit": "Bộ trang phục phòng dịch", "medical_mask": "Khẩu trang y tế",
                "n95_mask": "Khẩu trang N95", "hand_sanitiser": "Dung dịch sát khuẩn tay",
                "chloramine_b": "Cloramin B", "oxygen": "Oxy y tế"}
SUPPLY_ITEMS = {item: f"{_ITEM_LABELS.get(item, item)} ({_UNIT_LABELS.get(unit, unit)})"
                for item, unit in SUPPLY_UNITS.items()}

SUPPLIES = TableSpec(
    table="supplies",
    title_key="ingest.table.supplies",
    unit=DISTRICT,
    columns=(
        _date(), _DISTRICT, _DISTRICT_NAME,
        Column("item", "Vật tư", CHOICE, choices=SUPPLY_ITEMS,
               help="Một trong: " + "; ".join(SUPPLY_ITEMS.values()) + ". Số lượng tính theo đơn vị trong ngoặc."),
        Column("stock", "Tồn kho cuối ngày", AMOUNT,
               help="Số lượng còn trong kho cuối ngày = tồn hôm trước + nhập − sử dụng."),
        Column("received", "Nhập trong ngày", AMOUNT, help="Số lượng nhận về trong ngày."),
        Column("used", "Sử dụng trong ngày", AMOUNT, help="Số lượng đã dùng trong ngày."),
        _NOTE,
    ),
    key=("date", "district_code", "item"),
    sources={"source": ("stock", "received", "used")},
    balance=("stock", "received", "used"),
    derived={"unit": lambda row: SUPPLY_UNITS[row["item"]]},
)

SPECS: dict[str, TableSpec] = {
    spec.table: spec for spec in (CASES, BEDS, TESTS, VACCINATIONS, CHECKPOINT_COUNTS, TRACING, SUPPLIES)
}
