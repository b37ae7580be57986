"""python -m indicators: rulesets, classify, rt; bad input is one line naming file, row and column, exit 2."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators.cli import main

ROOT = Path(__file__).resolve().parents[2]
HEADER = "district,community_cases_per_100k_7d,pct_18plus_dose1,pct_50plus_full,treatment_capacity_met\n"


def _run(capsys, *argv) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse's own errors
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_module_entry_point_lists_rule_sets():
    completed = subprocess.run([sys.executable, "-m", "indicators", "rulesets"], cwd=ROOT, capture_output=True,
                               text=True, timeout=60)
    assert completed.returncode == 0
    assert "vn-2021-qd4800" in completed.stdout and "us-cdc-transmission-2021" in completed.stdout
    assert "vn-2022-qd218  [some thresholds unverified]" in completed.stdout


def test_classify_adds_level_labels_and_reasons(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text(HEADER + "A,52.3,75,60,yes\nB,,80,90,có\nC,200,50,50,\n", encoding="utf-8")
    output = tmp_path / "out.csv"
    code, _, err = _run(capsys, "classify", "--ruleset", "vn-2021-qd4800", str(source), "-o", str(output))
    assert code == 0 and err == ""
    result = pd.read_csv(output, dtype=str, keep_default_na=False)
    assert list(result.columns) == HEADER.strip().split(",") + ["level", "label_vi", "label_en", "reasons"]
    assert result["level"].tolist() == ["3", "", "4"]  # integer, empty when unknown
    assert result["label_vi"].tolist()[1] == "Không có số liệu" and result["label_en"].tolist()[0] == "Level 3 – High risk"
    assert "52,3 ca/100.000 dân/7 ngày (≥ 50)" in result["reasons"][0]
    assert result["treatment_capacity_met"].tolist() == ["yes", "có", ""]  # the input is written back unchanged


def test_classify_reasons_in_english_and_json(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text(HEADER + "A,52.3,75,60,1\n", encoding="utf-8")
    _, out, _ = _run(capsys, "classify", "--ruleset", "vn-2021-qd4800", str(source), "--reasons", "en")
    assert "52.3 cases/100,000/7 days (≥ 50)" in out
    _, out, _ = _run(capsys, "classify", "--ruleset", "vn-2021-qd4800", str(source), "--reasons", "json")
    assert '""decided"": true' in out


def test_rt_reproduces_example_1(tmp_path, capsys, validation_dir):
    folder = validation_dir / "epiestim"
    output = tmp_path / "r.csv"
    code, _, _ = _run(capsys, "rt", str(folder / "expected_example1_flu2009_nonparametric_si_input_I.csv"),
                      "--si", str(folder / "expected_example1_flu2009_nonparametric_si_si_distr.csv"), "-o", str(output))
    expected = pd.read_csv(folder / "expected_example1_flu2009_nonparametric_si_R.csv")
    result = pd.read_csv(output)
    assert code == 0 and list(result.columns) == list(expected.columns)
    np.testing.assert_allclose(result.iloc[:, 4:].to_numpy(), expected.iloc[:, 4:].to_numpy(), atol=1e-6)


def test_rt_with_mean_and_sd_and_local_imported(tmp_path, capsys, validation_dir):
    folder = validation_dir / "epiestim"
    incidence = pd.read_csv(folder / "expected_example2_imported_local_parametric_si_input_I.csv")
    source = tmp_path / "incidence.csv"
    incidence[["I_local", "I_imported"]].to_csv(source, index=False)
    code, out, _ = _run(capsys, "rt", str(source), "--si-mean", "2.6", "--si-sd", "1.5")
    assert code == 0 and out.splitlines()[0].startswith("t_start,t_end,Mean(R),Std(R),Quantile.0.025(R)")


BAD_CLASSIFY = [
    (HEADER + "A,52.3,abc,60,yes\n", "row 1 (line 2), column 'pct_18plus_dose1': 'abc' is not a number"),
    (HEADER + "A,1,2,3,yes\nB,\"52,3\",75,60,yes\n", "row 2 (line 3), column 'community_cases_per_100k_7d': '52,3'"),
    (HEADER + "A,1,2,3,maybe\n", "row 1 (line 2), column 'treatment_capacity_met': 'maybe' is not yes/no"),
    (HEADER + "A,-5,2,3,yes\n", "row 1 (line 2), column 'community_cases_per_100k_7d': '-5' must be"),
    (HEADER + "A,52,3,75,60,yes\n", "Expected 5 fields in line 2, saw 6"),
    ("district,pct_18plus_dose1\nA,3\n", "column 'community_cases_per_100k_7d' is missing"),
    ("", "the file is empty"),
]


@pytest.mark.parametrize("content, message", BAD_CLASSIFY)
def test_bad_classify_input_is_one_line_and_exit_2(tmp_path, capsys, content, message):
    source = tmp_path / "in.csv"
    source.write_text(content, encoding="utf-8")
    code, out, err = _run(capsys, "classify", "--ruleset", "vn-2021-qd4800", str(source))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert str(source) in err and message in err and "Traceback" not in err


@pytest.mark.parametrize("argv, message", [
    (["classify", "--ruleset", "vn-1999", "IN"], "unknown rule set 'vn-1999'"),
    (["classify", "--ruleset", "vn-2021-qd4800", "missing.csv"], "missing.csv: file not found"),
    (["rt", "IN", "--si-mean", "4"], "--si-mean needs --si-sd"),
    (["rt", "IN", "--si-mean", "0.5", "--si-sd", "1"], "mean must be > 1"),
    (["rt", "IN"], "one of the arguments --si --si-mean is required"),
    (["rt", "SI", "--si-mean", "4", "--si-sd", "2"], "needs a column 'I'"),
    (["rt", "IN", "--si", "SI"], "day 0 must be 0"),
    (["rt", "NEG", "--si-mean", "4", "--si-sd", "2"], "row 3 (line 4), column 'I': '-3' must be"),
])
def test_bad_rt_and_argument_input(tmp_path, capsys, argv, message):
    files = {"IN": "I\n" + "\n".join(["3"] * 20) + "\n", "SI": "k,si_distr\n0,0.2\n1,0.8\n",
             "NEG": "I\n1\n2\n-3\n" + "\n".join(["3"] * 20) + "\n"}
    paths = {}
    for name, content in files.items():
        paths[name] = tmp_path / f"{name.lower()}.csv"
        paths[name].write_text(content, encoding="utf-8")
    code, out, err = _run(capsys, *[str(paths.get(arg, arg)) for arg in argv])
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert message in err and "Traceback" not in err
