"""python tools/agreement_seeds.py [--seeds 1-12]: how far agreement with the announced levels of October and
November 2021 depends on the simulation's seed.

Why: after 15/9/2021 the split of a province's cases into community and quarantine is simulated wherever no
record gives it. For a province with a handful of cases a week, one simulated community case or none decides
between levels 1 and 2, so the agreement figure of one build is one draw. This builds the whole database once
per seed (about 15 s each, in a temporary folder) and prints, per seed, the provinces that agree with MOH's lists
of 22/10 and 23/10/2021 and with the first provinces' list of about 16/10/2021, the codes of those that do not agree
on 22/10, the most any rule monotone in the inputs could agree with on 22/10 (indicators.agreement.ceiling), and how
many of the provinces' own announcements (24/10-30/11/2021, between MOH's lists) agree, for provinces and for the
districts they listed.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data.build import DEFAULT_SEED, build  # noqa: E402
from data.db import connect  # noqa: E402
from data.levels import agreement_ceilings, agreement_with_announced, district_agreement_with_announced  # noqa: E402
from indicators import agreement  # noqa: E402


def seeds(text: str) -> list[int]:
    """'1-12' or '1,5,9' (or both, comma-separated)."""
    picked = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        picked += list(range(int(first), int(last or first) + 1))
    return picked


def agreement_of(path: Path) -> tuple[int, int, int, list[str], int, int, int]:
    """(agree on 22/10, on 23/10, on ~16/10, codes that disagree on 22/10, ceiling on 22/10, the provinces' own
    announcements that agree, the district levels they listed that agree) for the database at `path`."""
    con = connect(path, read_only=True)
    try:
        comparison = agreement_with_announced(con)
        ceilings = agreement_ceilings(con).set_index("announced_date")["ceiling"]
        districts = district_agreement_with_announced(con)
    finally:
        con.close()
    summary = agreement.summary(comparison).set_index("announced_date")
    wrong = comparison[~comparison["agrees"] & (comparison["announced_date"] == "2021-10-22")]["province_code"]
    own = agreement.own_announcements(comparison)
    return (int(summary.loc["2021-10-22", "agree"]), int(summary.loc["2021-10-23", "agree"]),
            int(summary.loc["2021-10-16", "agree"]), sorted(wrong),
            int(ceilings.loc["2021-10-22"]), int(own["agrees"].sum()), int(districts["agrees"].sum()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/agreement_seeds.py", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=seeds, default=seeds("1-12"), help="e.g. 1-12 or 1,5,9 (default 1-12)")
    args = parser.parse_args(argv)
    on_22, on_23, own, districts = [], [], [], []
    with tempfile.TemporaryDirectory() as folder:
        for seed in [DEFAULT_SEED, *args.seeds]:
            path = build(Path(folder) / f"seed{seed}.duckdb", seed=seed)
            agree_22, agree_23, agree_16, wrong, most, own_agree, district = agreement_of(path)
            path.unlink()
            if seed != DEFAULT_SEED:
                on_22.append(agree_22)
                on_23.append(agree_23)
                own.append(own_agree)
                districts.append(district)
            print(f"seed {seed}: 22/10 {agree_22}/63 (a monotone rule at most {most}), 23/10 {agree_23}/63, "
                  f"~16/10 {agree_16}/21; "
                  f"own announcements: provinces {own_agree}, districts {district}; differ on 22/10: {' '.join(wrong)}",
                  flush=True)
    for name, figures in (("22/10", on_22), ("23/10", on_23), ("own announcements, provinces", own), ("their districts", districts)):
        print(f"{name} over {len(figures)} seeds: median {statistics.median(figures)}, {min(figures)}-{max(figures)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
