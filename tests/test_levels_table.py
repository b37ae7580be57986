"""The week's levels table: `python -m data levels` and the map page's table give the same rows."""
from __future__ import annotations

import io
import json

import pandas as pd

from data.__main__ import main
from indicators.rulesets import load_ruleset
from tests.apptest import open_page

WEEK = "2021-05-17"  # Monday of a week in the real district window
SHOWN = ["code", "name", "level", "label", "change", "reasons"]


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = main(["levels", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_writes_one_row_per_district_with_reasons_and_origins(small_db, capsys):
    code, out, _ = run_cli(capsys, "--date", "2021-05-20", "--unit", "district", "--db", str(small_db))
    assert code == 0
    table = pd.read_csv(io.StringIO(out), dtype={"code": str})
    assert len(table) == 31 and table["code"].is_unique, "every district of the three provinces, once"
    assert list(table.columns[:9]) == ["code", "name", "week_start", "week_end", "level", "label",
                                      "previous_level", "change", "reasons"]
    assert set(table["week_start"]) == {WEEK} and set(table["week_end"]) == {"2021-05-23"}
    assert "community_cases_per_100k_7d" in table and "community_cases_per_100k_7d_origin" in table
    assert set(table["pct_18plus_dose1_origin"]) <= {"observed", "estimated", "simulated", "mixed"}
    assert table["reasons"].str.startswith(("Căn cứ", "Không có số liệu")).all()
    assert (table["change"].dropna() == (table["level"] - table["previous_level"]).dropna()).all()


def test_cli_provinces_and_bad_input(small_db, capsys):
    code, out, _ = run_cli(capsys, "--date", "2021-05-20", "--unit", "province", "--db", str(small_db),
                           "--lang", "en")
    table = pd.read_csv(io.StringIO(out), dtype={"code": str})
    assert code == 0 and set(table["code"]) >= {"11", "12", "22"}
    assert table.loc[table["code"] == "11", "reasons"].iloc[0].startswith("Decided by")
    code, _, err = run_cli(capsys, "--date", "2019-01-01", "--unit", "district", "--db", str(small_db))
    assert code == 2 and "no complete week" in err
    code, _, err = run_cli(capsys, "--date", "20-05-2021", "--unit", "district", "--db", str(small_db))
    assert code == 2 and "not a date" in err


def test_map_page_table_has_the_cli_rows(app_env, capsys):
    _, out, _ = run_cli(capsys, "--date", WEEK, "--unit", "district", "--db", str(app_env))
    cli = pd.read_csv(io.StringIO(out), dtype={"code": str}, keep_default_na=False)
    at = open_page("app_pages/map.py", query={"week": WEEK})
    assert not at.exception
    assert not [frame for frame in at.dataframe if list(frame.value.columns) == SHOWN], \
        "the whole country's table opens on request: the week slider would send it with every move"
    at.toggle(key="map_table_show").set_value(True).run()
    assert not at.exception
    page = next(frame.value for frame in at.dataframe if list(frame.value.columns) == SHOWN)
    page = page.astype(str).replace({"<NA>": ""}).reset_index(drop=True)
    assert page.equals(cli[SHOWN].astype(str).reset_index(drop=True))


def test_the_excel_download_holds_the_same_rows(small_db, capsys):
    from data.spreadsheet_safe import excel_bytes

    _, out, _ = run_cli(capsys, "--date", WEEK, "--unit", "district", "--db", str(small_db))
    table = pd.read_csv(io.StringIO(out), dtype={"code": str})
    back = pd.read_excel(io.BytesIO(excel_bytes(table)), dtype={"code": str})
    pd.testing.assert_frame_equal(back, table, check_dtype=False)


def test_python_m_indicators_levels_is_the_same_command(small_db, tmp_path):
    """The issue's spelling, `python -m indicators levels …`, writes the same file as `python -m data levels …`."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    outputs = []
    for package in ("indicators", "data"):
        output = tmp_path / f"{package}.csv"
        done = subprocess.run([sys.executable, "-m", package, "levels", "--date", "2021-05-20", "--unit", "province",
                               "--db", str(small_db), "-o", str(output)], cwd=root, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        outputs.append(output.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1] and len(outputs[0].splitlines()) > 3


def test_both_commands_open_with_the_rule_set_in_force_and_warn_when_it_is_unverified(small_db, capsys):
    """A week that ended after 27/01/2022 is graded by QĐ 218 (as the pages do), and stderr says its thresholds
    are not checked against the text; the week before, by QĐ 4800, without a warning."""
    code, out, err = run_cli(capsys, "--date", "2022-01-23", "--unit", "province", "--db", str(small_db))
    assert code == 0 and out and not err
    code, out, err = run_cli(capsys, "--date", "2022-01-24", "--unit", "province", "--db", str(small_db))
    assert code == 0 and out and load_ruleset("vn-2022-qd218").unverified_warning("vi") in err
    assert main(["figures", "11", "2022-01-30", "--db", str(small_db)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["level"]["ruleset"] == "vn-2022-qd218"
    assert load_ruleset("vn-2022-qd218").unverified_warning("vi") in captured.err


def test_the_levels_announced_beside_the_table_differences_first():
    """indicators.levels_table.announced_beside: each announcement beside its unit's row of the week's table,
    those that differ first and the latest list first, keeping the table's reasons and inputs."""
    from indicators.levels_table import announced_beside

    compared = pd.DataFrame({"announced_date": pd.to_datetime(["2021-10-22", "2021-10-22", "2021-10-23", "2021-10-23"]),
                             "unit_code": ["01", "02", "01", "02"], "announced": [1, 2, 1, 1],
                             "level": [1, 1, 1, 1], "agrees": [True, False, True, True],
                             "source_url": ["https://a", "https://a", "https://b", "https://b"]})
    table = pd.DataFrame({"code": ["01", "02"], "name": ["Hà Nội", "Hà Giang"], "level": pd.array([1, 1], "Int64"),
                          "reasons": ["a", "b"], "community_cases_per_100k_7d": [0.1, 0.0]})
    rows = announced_beside(compared, table)
    assert rows[["announced_date", "code", "announced", "agrees"]].values.tolist() == [
        ["2021-10-22", "02", 2, False], ["2021-10-23", "01", 1, True], ["2021-10-23", "02", 1, True],
        ["2021-10-22", "01", 1, True]]
    assert rows["reasons"].tolist() == ["b", "a", "b", "a"] and "community_cases_per_100k_7d" in rows
    assert rows["source_url"].tolist() == ["https://a", "https://b", "https://b", "https://a"]


def test_map_page_sets_the_announced_levels_beside_the_province_levels(app_env):
    """The country's map of 11-17/10/2021, its folded table against the announced levels (there MOH's lists of 22
    and 23/10) opened: one row per province of the database and list, with the announced level, the map's level,
    whether they agree, why, and the source."""
    at = open_page("app_pages/map.py", query={"area": "VN", "week": "2021-10-11"})
    assert [box.label for box in at.expander if "đã công bố" in box.label], "the table is offered, folded"
    assert not [frame for frame in at.dataframe if "Cấp công bố" in frame.value.columns]
    at.session_state["map_announced_open"] = True
    at.run()
    assert not at.exception
    table = next(frame.value for frame in at.dataframe if "announced" in frame.value.columns)
    assert len(table) == 6 and set(table["announced_date"]) == {"22/10/2021", "23/10/2021"}
    assert (table["agrees"] == (table["announced"] == table["level"])).all()
    assert table["reasons"].str.len().gt(0).all() and table["source_url"].str.startswith("https://").all()
