"""python tools/calibrate_carry.py [--db PATH]: how much a province's carried share of cases found in quarantine
should count beside the model's (data/carry_calibration.py), as a table of mean squared errors.

Why: after the portal's split stops (15/9/2021), a province's share over its last recorded days is carried forward
(data.build.case_origin). A share from a few dozen cases can be carried onto a far larger outbreak (Cần Thơ's report
of 7/10/2021: 28 cases, all in quarantine, a month before some 1,200 cases a week). Each later report of the province
tests the carry; a weight that falls as the province's cases outgrow the sample does worse than no such fall.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data import carry_calibration, simulate  # noqa: E402
from data.db import connect, db_path  # noqa: E402

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/calibrate_carry.py", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="database (default: the app's)")
    args = parser.parse_args(argv)
    carry = simulate.load_params()["case_split"]["recorded_share"]
    con = connect(args.db or db_path(), read_only=True)
    try:
        tests = carry_calibration.targets(con, carry)
    finally:
        con.close()
    print(f"{len(tests)} reports of {tests['province_code'].nunique()} provinces with a share carried onto them")
    print(f"{'weight':<40}{'all':>8}{'>= 10 cases':>14}")
    for name, weight in carry_calibration.weights(tests, carry):
        every, large = carry_calibration.errors(tests, weight)
        print(f"{name:<40}{every:>8.4f}{large:>14.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
