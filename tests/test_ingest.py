"""Data entry: the corpus of bad files (each with its message and no write), good round trips, revisions,
rollback, roles, and the command line. Every test writes to its own copy of the small database."""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import time
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

import auth
from data import db, ingest, templates
from data.ingest import __main__ as cli
from data.ingest import checks, files, store
from data.ingest.specs import SPECS
from i18n import fmt_int, t
from i18n import table as strings
from tests.ingest_corpus import (
    CASES, DIEN_BIEN, REPORT_DATE, SUSPICIOUS, changed, csv_text, dimension_bomb, good_rows, header, hidden_row,
    with_cell_xml, xlsx,
)

ROOT = Path(__file__).resolve().parent.parent
CLERK = auth.User("canbo_dienbien", auth.CLERK, "11", "Cán bộ Điện Biên")
ADMIN = auth.User("quantri", auth.ADMIN, None, "Quản trị")
TODAY = dt.date(2022, 2, 15)  # a fixed "today" inside the small database's time, so "future" is testable
WEEK = dt.date(2021, 7, 5)    # a Monday


@pytest.fixture
def con(small_db, tmp_path):
    """The database of a private copy of the small database, as the app holds it."""
    path = tmp_path / "entry.duckdb"
    shutil.copy(small_db, path)
    connection = db.connect(path)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def corpus_con(small_db, tmp_path_factory):
    """One copy for the whole corpus: no case may write, and the last test checks that none did."""
    path = tmp_path_factory.mktemp("corpus") / "corpus.duckdb"
    shutil.copy(small_db, path)
    connection = db.connect(path)
    yield connection
    connection.close()


def snapshot(con, table: str = "cases") -> pd.DataFrame:
    """A whole table in key order, every column: equal snapshots mean equal tables."""
    key = ", ".join(SPECS[table].key)
    return db.query(con, f"SELECT * FROM {table} ORDER BY {key}")


def upload(con, rows_or_bytes, name: str = "bao_cao.xlsx", user: auth.User = CLERK, **kwargs) -> int | None:
    content = rows_or_bytes if isinstance(rows_or_bytes, bytes) else xlsx(rows_or_bytes)
    plan = ingest.prepare(con, content, name, user.province_code, today=TODAY, **kwargs)
    assert plan.ok, [p.text() for p in plan.problems]
    return ingest.commit(con, plan, user, today=TODAY)


# ------------------------------------------------------------------ the corpus of bad files


def table_fingerprints(con) -> dict[str, tuple[int, int]]:
    """Every table's row count and a checksum of all its rows: equal fingerprints, nothing written anywhere."""
    cur = con.cursor()
    names = [row[0] for row in cur.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY table_name").fetchall()]
    return {name: cur.execute(f'SELECT count(*), coalesce(sum(hash("{name}")::HUGEINT), 0) FROM "{name}"').fetchone()
            for name in names}


def found_all(expected, problems) -> None:
    found = [(p.key, p.row, p.column) for p in problems]
    for item in expected:
        assert any(key == item.key and item.row in (None, row) and item.column in (None, column)
                   for key, row, column in found), f"{item} not in {found}"
    for problem in problems:
        for lang in ("vi", "en"):
            text = problem.text(lang)
            assert not text.startswith("ingest.") and "{" not in text and len(text) < 1000, text


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_bad_file_is_refused_with_its_message_and_nothing_is_written(corpus_con, case):
    content = case.build()
    before = table_fingerprints(corpus_con)
    started = time.perf_counter()
    plan = ingest.prepare(corpus_con, content, case.file_name, CLERK.province_code)
    assert time.perf_counter() - started < 2.0  # bombs included: bounded by what is read, not what is claimed
    assert not plan.ok
    found_all(case.expected, plan.problems)
    with pytest.raises(ingest.Refused):
        ingest.commit(corpus_con, plan, CLERK, confirmed=True)
    assert table_fingerprints(corpus_con) == before


@pytest.mark.parametrize("case", SUSPICIOUS, ids=lambda case: case.name)
def test_suspicious_file_is_shown_for_confirmation_and_not_written_unconfirmed(corpus_con, case):
    before = table_fingerprints(corpus_con)
    plan = ingest.prepare(corpus_con, case.build(), case.file_name, CLERK.province_code)
    assert plan.ok and plan.warnings, [p.text() for p in plan.problems]
    found_all(case.expected, plan.warnings)
    with pytest.raises(ingest.Refused, match="ingest.refused.unconfirmed"):
        ingest.commit(corpus_con, plan, CLERK)
    assert table_fingerprints(corpus_con) == before


def test_the_corpus_wrote_nothing(corpus_con, small_db):
    """Runs after the corpus: not one upload, revision or changed row in any table."""
    assert db.query(corpus_con, "SELECT COUNT(*) AS n FROM uploads")["n"].iloc[0] == 0
    assert db.query(corpus_con, "SELECT COUNT(*) AS n FROM revisions")["n"].iloc[0] == 0
    original = db.connect(small_db, read_only=True)
    try:
        ours = table_fingerprints(corpus_con)
        theirs = table_fingerprints(original)
        assert {k: v for k, v in ours.items() if k not in ("uploads", "revisions")} == {
            k: v for k, v in theirs.items() if k not in ("uploads", "revisions")}
    finally:
        original.close()


def test_the_readme_counts_the_corpus():
    line = (f"{len(CASES)} of {len(CASES)} bad files refused with a clear message and nothing written; "
            f"{len(SUSPICIOUS)} suspicious files shown for confirmation")
    assert len(CASES) >= 60
    for path in (ROOT / "README.md", ROOT / "docs" / "data-entry.md"):
        assert line in " ".join(path.read_text(encoding="utf-8").split()), path


def test_header_problems_list_expected_and_found_columns(corpus_con):
    plan = ingest.prepare(corpus_con, next(c for c in CASES if c.name == "wrong_header").build(), "x.xlsx", "11")
    missing = next(p for p in plan.problems if p.key == "ingest.header.missing").text("vi")
    assert "Thiếu cột: «Ca mắc mới»" in missing
    assert "Các cột cần có (theo mẫu): «Ngày báo cáo»" in missing and "Các cột trong tệp:" in missing
    assert "«So ca moi»" in missing


def test_problems_table_names_row_column_and_message(corpus_con):
    plan = ingest.prepare(corpus_con, next(c for c in CASES if c.name == "many_problems_at_once").build(), "x.xlsx",
                          "11")
    frame = ingest.problems_frame(plan.problems, "vi")
    assert list(frame.columns) == ["Dòng", "Cột", "Lỗi"]
    assert frame["Dòng"].tolist() == [2, 3, 7]
    assert frame.loc[0, "Lỗi"] == "Số âm (-1) không hợp lệ: số liệu phải lớn hơn hoặc bằng 0."


def test_a_file_claiming_17_billion_cells_is_read_in_a_moment(corpus_con):
    """<dimension ref="A1:XFD1048576"/> and an empty styled cell in the far corner: only the cells present
    are read, so the good report in it is accepted at once."""
    started = time.perf_counter()
    plan = ingest.prepare(corpus_con, dimension_bomb(), "kich_thuoc_gia.xlsx", "11")
    assert time.perf_counter() - started < 2.0
    assert plan.ok and not plan.warnings and len(plan.after) == len(DIEN_BIEN)


def test_hidden_figures_are_written_only_once_confirmed(con):
    content = xlsx(changed(9, new_cases=999, community_cases=997), edit=hidden_row)
    plan = ingest.prepare(con, content, "dong_an.xlsx", "11", today=TODAY)
    assert [(p.key, p.row) for p in plan.warnings][:1] == [("ingest.file.hidden_row", 11)]
    hidden = next(p for p in plan.warnings if p.key == "ingest.file.hidden_row").text("vi")
    assert hidden.startswith("Dòng này đang bị ẩn trong Excel")
    with pytest.raises(ingest.Refused):
        ingest.commit(con, plan, CLERK, today=TODAY)
    assert ingest.uploads(con).empty
    assert ingest.commit(con, plan, CLERK, today=TODAY, confirmed=True) is not None
    written = db.query(con, "SELECT new_cases FROM cases WHERE date = ? AND district_code = '103'", [REPORT_DATE])
    assert written["new_cases"].tolist() == [999]


def test_named_checks_say_the_values_and_why(corpus_con):
    plan = ingest.prepare(corpus_con, next(c for c in CASES if c.name == "deaths_above_cases").build(), "x.xlsx", "11")
    found = next(p for p in plan.problems if p.key == "ingest.check.deaths_within_cases")
    assert (found.row, found.column) == (4, "Tử vong")
    assert found.text("vi") == ("Kiểm tra «tử vong ≤ ca mắc»: đến ngày 01/07/2021, tổng số tử vong của đơn vị (12) "
                                "vượt tổng số ca mắc (3). Không thể có: người tử vong vì COVID-19 đã là ca mắc.")
    plan = ingest.prepare(corpus_con, next(c for c in SUSPICIOUS if c.name == "far_above_recent_days").build(),
                          "x.xlsx", "11")
    assert plan.ok and "120 cao hơn 5 lần" in plan.warnings[0].text("vi")


def test_an_ambiguous_number_is_read_the_vietnamese_way_and_asked(corpus_con):
    plan = ingest.prepare(corpus_con, next(c for c in SUSPICIOUS if c.name == "ambiguous_decimal_point").build(),
                          "oxy.csv", "11")
    assert plan.ok and plan.warnings[0].text("vi").startswith("«2.500» có thể đọc hai cách: 2.500 (cách viết Việt Nam")
    assert "hoặc 2,5" in plan.warnings[0].text("vi")


def test_text_a_spreadsheet_would_run_is_stored_neutralised(con):
    """A note starting with '=' is a formula (refused, see the corpus); the other prefixes get a leading '."""
    rows = good_rows()
    for row, note in zip(rows, ("+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "trùng lặp đã loại")):
        row[header("correction_note")] = note
    upload_id = upload(con, rows, name="=cmd|' /C calc'!A0.xlsx")
    notes = db.query(con, "SELECT note FROM revisions WHERE upload_id = ? AND note IS NOT NULL ORDER BY note",
                     [upload_id])["note"].tolist()
    assert sorted(notes) == sorted(["'+1+cmd|' /C calc'!A0", "'-2+3", "'@SUM(1+1)", "trùng lặp đã loại"])
    assert ingest.uploads(con)["file_name"].iloc[0] == "'=cmd|' /C calc'!A0.xlsx"


# ------------------------------------------------------------------ cells


@pytest.mark.parametrize("raw, expected", [
    ("1.719", 1719), ("1 719", 1719), ("42", 42), (42.0, 42), ("\u00a0 7 ", 7),
])
def test_counts_read_the_vietnamese_way(raw, expected):
    assert checks._parse_number(raw, whole=True) == expected


@pytest.mark.parametrize("raw, expected", [("12,5", 12.5), ("1.234,5", 1234.5), ("12.5", 12.5), (3, 3.0)])
def test_amounts_read_decimal_commas(raw, expected):
    assert checks._parse_number(raw, whole=False) == expected


def test_age_band_survives_excel_turning_it_into_a_date():
    column = SPECS["vaccinations"].column("age_group")
    assert checks._parse_choice(dt.datetime(2021, 11, 5), column) == "05-11"
    assert checks._parse_choice("≥65", column) == "65+"
    assert checks._parse_choice("18 - 49", column) == "18-49"


def test_supply_item_by_label_or_code():
    column = SPECS["supplies"].column("item")
    assert checks._parse_choice("Khẩu trang N95", column) == "n95_mask"
    assert checks._parse_choice("khẩu trang n95 (cái)", column) == "n95_mask"
    assert checks._parse_choice("oxygen", column) == "oxygen"


def test_rows_are_numbered_as_excel_numbers_them():
    """A blank line in the sheet does not shift the row numbers in the messages."""
    book = openpyxl.load_workbook(io.BytesIO(xlsx(good_rows())))
    book.active.insert_rows(4)
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = files.read(buffer.getvalue(), "x.xlsx")
    assert sheet.row_numbers[:4] == [2, 3, 5, 6]


# ------------------------------------------------------------------ a good upload, end to end


def test_good_file_round_trip(con):
    before = db.daily_cases(con, db.Area(db.DISTRICT, "094"), REPORT_DATE, REPORT_DATE)
    plan = ingest.prepare(con, xlsx(good_rows()), "bao_cao_0107.xlsx", "11", today=TODAY)
    assert plan.ok and plan.spec.table == "cases" and plan.province_code == "11"
    assert (len(plan.inserted), len(plan.updated), plan.unchanged) == (0, 10, 0)

    changes = plan.changes("vi")
    first = changes.iloc[0]
    assert (first["Ngày báo cáo"], first["Mã quận/huyện"], first["Chỉ tiêu"]) == ("01/07/2021", "094", "Ca mắc mới")
    assert first["Số cũ"] == fmt_int(before["new_cases"].iloc[0]) and first["Số mới"] == "1"

    upload_id = ingest.commit(con, plan, CLERK, today=TODAY)
    after = db.daily_cases(con, db.Area(db.DISTRICT, "094"), REPORT_DATE, REPORT_DATE)
    assert after["new_cases"].iloc[0] == 1 and after["observed_cases"].iloc[0] == 1
    row = db.query(con, "SELECT * FROM cases WHERE date = ? AND district_code = '094'", [REPORT_DATE]).iloc[0]
    assert (row["source"], row["deaths_source"], row["split_source"], row["load_source"]) == ("observed",) * 4
    assert row["in_treatment"] == 10
    uploads = ingest.uploads(con)
    recorded = uploads[["upload_id", "user_name", "province_code", "table_name", "file_name", "rows_updated"]]
    assert recorded.iloc[0].tolist() == [upload_id, "canbo_dienbien", "11", "cases", "bao_cao_0107.xlsx", 10]
    assert db.query(con, "SELECT COUNT(*) AS n FROM revisions WHERE upload_id = ?", [upload_id])["n"].iloc[0] == 10

    again = ingest.prepare(con, xlsx(good_rows()), "bao_cao_0107.xlsx", "11", today=TODAY)
    assert again.ok and again.unchanged == 10 and not again.after
    assert ingest.commit(con, again, CLERK, today=TODAY) is None


def test_csv_with_semicolons_and_vietnamese_numbers(con):
    rows = good_rows()
    rows[0][header("in_treatment")] = "1.719"
    content = csv_text(rows, delimiter=";").encode("utf-8-sig")
    upload(con, content, "bao_cao.csv")
    stored = db.query(con, "SELECT in_treatment FROM cases WHERE date = ? AND district_code = '094'", [REPORT_DATE])
    assert stored["in_treatment"].iloc[0] == 1719


def test_blank_treatment_columns_keep_the_stored_figures(con):
    rows = good_rows()
    for row in rows:
        row.update({header("in_treatment"): None, header("oxygen"): None, header("icu"): None})
    stored_before = snapshot(con).set_index(["date", "district_code"])
    upload(con, rows)
    stored = snapshot(con).set_index(["date", "district_code"])
    key = (pd.Timestamp(REPORT_DATE), "094")
    for column in ("in_treatment", "oxygen", "icu", "load_source"):
        assert stored.at[key, column] == stored_before.at[key, column]
    assert stored.at[key, "source"] == "observed" and stored.at[key, "new_cases"] == 1


def test_a_day_beyond_the_data_is_added(con):
    new_day = dt.date(2022, 2, 1)
    plan = ingest.prepare(con, xlsx(good_rows(new_day)), "moi.xlsx", "11", today=TODAY)
    assert (len(plan.inserted), len(plan.updated)) == (10, 0)
    assert list(plan.new_rows("vi").columns[:3]) == ["Ngày báo cáo", "Mã quận/huyện", "Ca mắc mới"]
    ingest.commit(con, plan, CLERK, today=TODAY)
    assert db.date_range(con)[1] == new_day
    added = db.query(con, "SELECT * FROM cases WHERE date = ?", [new_day])
    assert len(added) == 10 and (added["source"] == "observed").all()


def test_every_template_is_recognised_and_its_filled_copy_uploads(con):
    for table, spec in SPECS.items():
        blank = openpyxl.load_workbook(io.BytesIO(templates.template(con, table)))[files.DATA_SHEET]
        assert checks.detect([cell.value for cell in blank[1]]) is spec, table
    book = openpyxl.load_workbook(io.BytesIO(templates.template(con, "cases", "11", REPORT_DATE)))
    sheet = book[files.DATA_SHEET]
    assert [c.value for c in sheet[2]][:3] == [dt.datetime(2021, 7, 1), "094", "Thành phố Điện Biên Phủ"]
    assert sheet.max_row == 1 + len(DIEN_BIEN)
    for row in sheet.iter_rows(min_row=2):
        for cell, value in zip(row[3:8], (3, 1, 1, 1, 0)):
            cell.value = value
    buffer = io.BytesIO()
    book.save(buffer)
    assert upload(con, buffer.getvalue(), templates.file_name("cases", "11")) is not None


def test_vaccination_template_lists_every_district_and_age_band(con):
    book = openpyxl.load_workbook(io.BytesIO(templates.template(con, "vaccinations", "11", WEEK)))
    assert book.sheetnames == [files.DATA_SHEET, templates.GUIDE_SHEET]
    assert book[files.DATA_SHEET].max_row == 1 + len(DIEN_BIEN) * 5


# ------------------------------------------------------------------ revisions and rollback


def test_rollback_restores_every_row_exactly(con):
    original = snapshot(con)
    first = upload(con, good_rows())
    upload(con, good_rows(dt.date(2022, 2, 1)), "moi.xlsx")  # rows the database did not have
    corrected = good_rows()
    corrected[0].update({header("new_cases"): 5, header("community_cases"): 5, header("imported_cases"): 0})
    second = upload(con, corrected, "sua.xlsx")

    history = ingest.figure_history(con, "cases", {"date": REPORT_DATE, "district_code": "094"})
    new_cases = history[history["figure"] == "Ca mắc mới"]
    assert new_cases[["upload_id", "new"]].values.tolist() == [[first, "1"], [second, "5"]]
    assert new_cases["old"].iloc[1] == "1"

    with pytest.raises(ingest.Refused) as refused:
        ingest.rollback(con, first, ADMIN)
    assert refused.value.key == "ingest.refused.later_uploads" and f"#{second}" in refused.value.text()
    for upload_id in ingest.uploads(con)["upload_id"]:  # newest first
        ingest.rollback(con, int(upload_id), ADMIN)
    pd.testing.assert_frame_equal(snapshot(con), original)
    assert ingest.uploads(con)["rolled_back_by"].eq("quantri").all()
    with pytest.raises(ingest.Refused, match="already_rolled_back"):
        ingest.rollback(con, first, ADMIN)


def test_only_an_admin_rolls_back(con):
    upload_id = upload(con, good_rows())
    with pytest.raises(ingest.Refused, match="admin_only"):
        ingest.rollback(con, upload_id, CLERK)
    with pytest.raises(ingest.Refused, match="unknown_upload"):
        ingest.rollback(con, 999, ADMIN)


def test_upload_changes_lists_old_and_new(con):
    before = snapshot(con).set_index(["date", "district_code"]).loc[(pd.Timestamp(REPORT_DATE), "094")]
    upload_id = upload(con, good_rows())
    changes = ingest.upload_changes(con, upload_id, "en")
    assert list(changes.columns) == ["Ngày báo cáo", "Mã quận/huyện", "Figure", "Old value", "Source of the old value",
                                     "New value"]
    first = changes.iloc[0]
    assert (first["Figure"], first["Old value"], first["New value"]) == ("Ca mắc mới", str(before["new_cases"]), "1")
    assert first["Source of the old value"] == t(f"common.source_{before['source']}", "en")


def test_a_stale_preview_is_refused(con):
    stale = ingest.prepare(con, xlsx(good_rows()), "a.xlsx", "11", today=TODAY)
    corrected = good_rows()
    corrected[0].update({header("new_cases"): 5, header("community_cases"): 5, header("imported_cases"): 0})
    upload(con, corrected, "b.xlsx")
    written = snapshot(con)
    with pytest.raises(ingest.Refused, match="stale"):
        ingest.commit(con, stale, CLERK, today=TODAY)
    pd.testing.assert_frame_equal(snapshot(con), written)


def test_a_failing_write_leaves_nothing_behind(con, monkeypatch):
    original = snapshot(con)
    plan = ingest.prepare(con, xlsx(good_rows() + good_rows(dt.date(2022, 2, 1))), "a.xlsx", "11", today=TODAY)

    def broken_insert(*args):
        raise duckdb.IOException("disk full")

    monkeypatch.setattr(store, "_insert", broken_insert)  # fails after the updates and revisions were written
    with pytest.raises(ingest.Refused, match="write_failed"):
        ingest.commit(con, plan, CLERK, today=TODAY)
    pd.testing.assert_frame_equal(snapshot(con), original)
    assert ingest.uploads(con).empty


# ------------------------------------------------------------------ roles


def test_a_clerk_writes_only_their_province(con):
    lai_chau = [row | {header("district_code"): "105", header("district_name"): None} for row in good_rows()[:1]]
    plan = ingest.prepare(con, xlsx(lai_chau), "lc.xlsx", None, today=TODAY)  # checked as an admin would be
    assert plan.ok and plan.province_code == "12"
    with pytest.raises(ingest.Refused, match="province"):
        ingest.commit(con, plan, CLERK, today=TODAY)
    assert ingest.commit(con, plan, ADMIN, today=TODAY) is not None


def test_an_admin_file_holds_one_province(con):
    mixed = good_rows()[:1] + [good_rows()[1] | {header("district_code"): "105", header("district_name"): None}]
    plan = ingest.prepare(con, xlsx(mixed), "mixed.xlsx", None, today=TODAY)
    assert [p.key for p in plan.problems] == ["ingest.file.several_provinces"]


# ------------------------------------------------------------------ the other tables


def vaccination_rows(week: dt.date, dose1: int, full: int, booster: int | None = None, note: str | None = None):
    spec = SPECS["vaccinations"]
    return [{spec.header("date"): week, spec.header("district_code"): "094", spec.header("age_group"): "18-49",
             spec.header("people_dose1"): dose1, spec.header("people_full"): full,
             spec.header("people_booster"): booster, spec.header("correction_note"): note}]


def test_vaccinations_are_weekly_cumulative_and_corrections_need_a_note(con):
    assert upload(con, vaccination_rows(WEEK, 5000, 3000)) is not None
    stored = db.query(con, """SELECT dose, people, source FROM vaccinations
                              WHERE date = ? AND district_code = '094' AND age_group = '18-49'""", [WEEK])
    stored = stored.set_index("dose")
    assert stored.loc[["dose1", "full"]].values.tolist() == [[5000, "observed"], [3000, "observed"]]
    assert stored.at["booster", "source"] == "simulated"  # left blank: kept as it was

    next_week = WEEK + dt.timedelta(days=7)
    plan = ingest.prepare(con, xlsx(vaccination_rows(next_week, 4900, 3100)), "v.xlsx", "11", today=TODAY)
    problem = next(p for p in plan.problems if p.key == "ingest.row.cumulative_falls")
    assert (problem.row, problem.column) == (2, "Đã tiêm ít nhất 1 mũi (cộng dồn)")
    assert problem.text("vi").startswith("Số cộng dồn giảm: 4.900 thấp hơn 5.000 đã báo cáo ngày 05/07/2021")

    earlier = ingest.prepare(con, xlsx(vaccination_rows(WEEK - dt.timedelta(days=7), 5100, 100)), "v.xlsx", "11",
                             today=TODAY)
    assert [p.key for p in earlier.problems] == ["ingest.row.cumulative_above_later"]

    noted = upload(con, vaccination_rows(next_week, 4900, 3100, note="Loại 100 mũi trùng lặp"))
    notes = db.query(con, "SELECT note FROM revisions WHERE upload_id = ?", [noted])["note"]
    assert notes.eq("Loại 100 mũi trùng lặp").all()

    tuesday = ingest.prepare(con, xlsx(vaccination_rows(WEEK + dt.timedelta(days=1), 6000, 3000)), "v.xlsx", "11",
                             today=TODAY)
    assert "ingest.cell.not_monday" in [p.key for p in tuesday.problems]
    more_full = ingest.prepare(con, xlsx(vaccination_rows(WEEK, 3000, 5000)), "v.xlsx", "11", today=TODAY)
    assert "ingest.row.part_exceeds" in [p.key for p in more_full.problems]


def supply_rows(days_and_figures, item="n95_mask", note=None):
    spec = SPECS["supplies"]
    return [{spec.header("date"): day, spec.header("district_code"): "094", spec.header("item"): spec.column(
        "item").choices[item], spec.header("stock"): stock, spec.header("received"): received,
        spec.header("used"): used, spec.header("correction_note"): note}
        for day, (stock, received, used) in days_and_figures]


def test_supplies_balance_from_day_to_day(con):
    day = dt.date(2021, 8, 2)
    next_day = day + dt.timedelta(days=1)
    unbalanced = ingest.prepare(con, xlsx(supply_rows([(day, (1000, 0, 100)), (next_day, (990, 50, 100))])), "s.xlsx",
                                "11", today=TODAY)
    problem = next(p for p in unbalanced.problems if p.key == "ingest.row.stock_balance")
    assert problem.row == 3 and problem.values["expected"] == 950
    upload(con, supply_rows([(day, (1000, 0, 100)), (next_day, (950, 50, 100))]))
    stored = db.query(con, "SELECT unit, stock, source FROM supplies WHERE district_code = '094' AND item = 'n95_mask' "
                           "AND date = ?", [day])
    assert stored.values.tolist() == [["piece", 1000.0, "observed"]]


def test_checkpoint_log_uses_the_checkpoint_list(con):
    spec = SPECS["checkpoint_counts"]
    checkpoint = db.query(con, "SELECT checkpoint_id, name FROM checkpoints WHERE province_code = '11' LIMIT 1")
    row = {spec.header("date"): REPORT_DATE, spec.header("checkpoint_id"): checkpoint["checkpoint_id"].iloc[0].lower(),
           spec.header("checkpoint_name"): checkpoint["name"].iloc[0], **{spec.header(c): 3 for c in spec.value_columns}}
    assert upload(con, [row]) is not None
    unknown = ingest.prepare(con, xlsx([row | {spec.header("checkpoint_id"): "XX-NOWHERE",
                                              spec.header("checkpoint_name"): None}]), "c.xlsx", "11", today=TODAY)
    assert [p.key for p in unknown.problems] == ["ingest.cell.unknown_checkpoint"]


# ------------------------------------------------------------------ SQL is never built from a file


def test_a_hostile_header_never_reaches_sql(con):
    rows = [row | {'x"; DROP TABLE cases; --': 1} for row in good_rows()]
    plan = ingest.prepare(con, xlsx(rows), "x.xlsx", "11", today=TODAY)
    assert [p.key for p in plan.problems] == ["ingest.header.unknown"]
    assert len(snapshot(con)) > 0
    with pytest.raises(ValueError):
        store._ident('cases"; DROP TABLE cases; --')
    with pytest.raises(ValueError):
        store._types(con.cursor(), "build_info")


def test_every_message_key_exists_in_both_languages():
    sources = [*(ROOT / "data" / "ingest").glob("*.py"), ROOT / "data" / "templates.py", ROOT / "app_pages" / "data_entry.py",
               ROOT / "ui" / "login.py"]
    keys = set()
    for path in sources:
        keys |= set(re.findall(r'"(ingest\.[a-z_.]+[a-z_])"', path.read_text(encoding="utf-8")))
    keys |= {f"ingest.cell.unknown_{unit}" for unit in ("district", "checkpoint", "province")}
    keys |= {f"ingest.view_{view}" for view in ("upload", "templates", "history")}
    keys |= {f"ingest.login.role_{role}" for role in auth.ROLES}
    keys |= {spec.title_key for spec in SPECS.values()}
    keys |= {f"ingest.cell.{unit}_code" for unit in ("district", "province")}
    keys |= {f"ingest.field.{c}" for c in ("dose", "people", "source", "deaths_source", "split_source", "load_source",
                                           "unit", "observed_cases")}
    keys |= {f"ingest.history.{c}" for c in ("upload_id", "uploaded_at", "user_name", "file_name", "figure", "old",
                                             "old_source", "new", "note", "rolled_back_at")}
    missing = sorted(k for k in keys if k not in strings() or not {"vi", "en"} <= set(strings()[k]))
    assert not missing


# ------------------------------------------------------------------ the command line


def test_command_line_checks_then_writes(con, tmp_path, monkeypatch, capsys):
    path = tmp_path / "entry.duckdb"
    con.close()  # the command line opens the file itself, as another process would
    good, bad = tmp_path / "tot.xlsx", tmp_path / "loi.xlsx"
    good.write_bytes(xlsx(good_rows()))
    bad.write_bytes(next(c for c in CASES if c.name == "many_problems_at_once").build())

    assert cli.main([str(bad), "--dry-run", "--db", str(path)]) == 1
    err = capsys.readouterr().err
    assert "có 3 lỗi; chưa ghi gì" in err and "dòng 2, cột «Tử vong»: Số âm (-1)" in err

    assert cli.main([str(good), "--dry-run", "--db", str(path)]) == 0
    assert "0 dòng mới, 10 dòng sửa" in capsys.readouterr().out
    assert cli.main([str(good), "--db", str(path)]) == 2  # writing needs --user

    monkeypatch.setenv(auth.DEMO_ENV_VAR, "0")  # --demo sets it: restored after the test
    monkeypatch.setenv("SITUATION_PASSWORD", "dienbien-demo")
    assert cli.main([str(good), "--db", str(path), "--user", "canbo_dienbien"]) == 2  # no demo mode: no demo login
    assert "--demo" in capsys.readouterr().err
    monkeypatch.setenv("SITUATION_PASSWORD", "sai mật khẩu")
    assert cli.main([str(good), "--db", str(path), "--user", "canbo_dienbien", "--demo"]) == 2
    monkeypatch.setenv("SITUATION_PASSWORD", "dienbien-demo")
    assert cli.main([str(good), "--db", str(path), "--user", "canbo_dienbien", "--lang", "en", "--demo"]) == 0
    assert "Written: upload number 1." in capsys.readouterr().out

    reopened = db.connect(path, read_only=True)
    try:
        assert ingest.uploads(reopened)["user_name"].tolist() == ["canbo_dienbien"]
    finally:
        reopened.close()


def test_command_line_names_the_cell_of_a_5000_digit_number_without_a_traceback(tmp_path, capsys, small_db):
    path = tmp_path / "so.xlsx"
    path.write_bytes(with_cell_xml(2, "new_deaths", "<v>" + "9" * 5000 + "</v>"))
    assert cli.main([str(path), "--dry-run", "--db", str(small_db)]) == 1
    err = capsys.readouterr().err
    assert "dòng 4, cột «Tử vong»: Ô này là một số có 5.000 chữ số" in err and "Traceback" not in err


def test_command_line_writes_points_to_confirm_only_with_confirm(con, tmp_path, monkeypatch, capsys):
    path = tmp_path / "entry.duckdb"
    con.close()
    report = tmp_path / "dong_an.xlsx"
    report.write_bytes(xlsx(changed(9, new_cases=999, community_cases=997), edit=hidden_row))
    monkeypatch.setenv(auth.DEMO_ENV_VAR, "1")
    monkeypatch.setenv("SITUATION_PASSWORD", "dienbien-demo")
    arguments = [str(report), "--db", str(path), "--user", "canbo_dienbien"]
    assert cli.main(arguments) == 1
    err = capsys.readouterr().err
    assert "dòng 11" in err and "--confirm" in err
    assert cli.main([*arguments, "--confirm"]) == 0
