"""The metrics frame and the classified view at commune scale: a synthetic database with every district
replicated 15 times (10,575 units, about 11 M unit-days), as the communes of the whole country would be.

- `metrics_scale_units`, `metrics_scale_unit_days`: the size of the synthetic database.
- `metrics_scale_s`, `metrics_scale_peak_mb`: data.levels.refresh on it (the weekly metrics frame of every
  unit, province and the country in DuckDB SQL, then every rule set's levels), in a fresh process with a writer's DuckDB
  memory_limit (data.db.writer_config: 1.5 GB unless $SITUATION_WRITER_MEMORY says; it spills to disk beyond): wall time and peak resident memory. Targets: ≤ 15 s, ≤ 2 GB.
- `metrics_scale_cpu_s`, `metrics_district_cpu_s`: the CPU time of that refresh (every thread), a figure that a
  machine shared with other work changes less than the wall time.
- `metrics_district_s`, `metrics_district_peak_mb`: the same on the district database (≤ 1 s for the frame).
- `metrics_weekly_district_s`: the weekly metrics frame of every district alone (the figures levels read).

Growth in rows is linear when metrics_scale_s / metrics_district_s stays near the ratio of unit-days.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from data.db import SCHEMA_SQL

COPIES = 15
SUFFIXED = "s.district_code || chr(CAST(97 + copy AS INTEGER))"
REPLICATED = ("cases", "beds", "tests", "tracing", "vaccinations", "population_by_age")
PROBE = """
import json, re, sys, time
from pathlib import Path
import duckdb
from data import levels, metrics
from data.db import writer_config
# the bench's own throwaway copy, written in place with a writer's settings (DuckDB spills beyond its memory_limit)
con = duckdb.connect(sys.argv[1], config=writer_config())
con.execute("SET enable_progress_bar = false")
start = time.perf_counter()
con.execute("CREATE OR REPLACE TEMP TABLE frame AS " + metrics.weekly_sql("district")[0], metrics.weekly_sql("district")[1])
weekly = time.perf_counter() - start
con.execute("DROP TABLE frame")  # its gigabyte would otherwise sit in the memory the refresh is measured in
start, cpu = time.perf_counter(), time.process_time()
levels.refresh(con)
refresh, refresh_cpu = time.perf_counter() - start, time.process_time() - cpu
units, days = con.execute("SELECT COUNT(DISTINCT district_code), COUNT(*) FROM cases").fetchone()
# this process's own peak (VmHWM): getrusage's ru_maxrss keeps the forking parent's size across exec
peak_kb = int(re.search(r"VmHWM:\\s*(\\d+)", Path("/proc/self/status").read_text()).group(1))
print(json.dumps({"weekly_s": weekly, "refresh_s": refresh, "refresh_cpu_s": refresh_cpu, "units": units, "unit_days": days,
                  "peak_mb": peak_kb / 1024}))
"""


def replicate(source: Path, target: Path, copies: int = COPIES) -> Path:
    """A database whose districts are `copies` copies of the source's (codes suffixed a, b, c, …), every fact
    table replicated with them; provinces and their published series stay as they are."""
    target.unlink(missing_ok=True)
    con = duckdb.connect(str(target))
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
        con.execute(f"ATTACH '{source}' AS source (READ_ONLY)")
        con.execute("INSERT INTO build_info SELECT * FROM source.build_info")
        con.execute("INSERT INTO provinces SELECT * FROM source.provinces")
        for table in ("province_cases", "province_vaccination_estimates"):
            con.execute(f"INSERT INTO {table} SELECT * FROM source.{table}")
        con.execute(f"""INSERT INTO districts SELECT s.* REPLACE ({SUFFIXED} AS district_code)
                        FROM source.districts s, range({copies}) copies(copy)""")
        for table in REPLICATED:
            con.execute(f"""INSERT INTO {table} SELECT s.* REPLACE ({SUFFIXED} AS district_code)
                            FROM source.{table} s, range({copies}) copies(copy)""")
        con.execute("DETACH source")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.sync()  # the copy's half gigabyte on disk now, not written back while the refresh is measured
    return target


def probe(db_path: Path) -> dict:
    """data.levels.refresh in a fresh process (so its peak memory is its own)."""
    done = subprocess.run([sys.executable, "-c", PROBE, str(db_path)], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parent.parent)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(db_path: Path) -> dict[str, float]:
    district_copy = db_path.with_name(f"{db_path.stem}_district_probe.duckdb")
    scaled = db_path.with_name(f"{db_path.stem}_x{COPIES}.duckdb")
    try:
        replicate(db_path, district_copy, copies=1)
        district = probe(district_copy)
        start = time.perf_counter()
        replicate(db_path, scaled)
        build_s = time.perf_counter() - start
        scale = probe(scaled)
    finally:
        district_copy.unlink(missing_ok=True)
        scaled.unlink(missing_ok=True)
    return {
        "metrics_weekly_district_s": round(district["weekly_s"], 2),
        "metrics_district_s": round(district["refresh_s"], 2),
        "metrics_district_cpu_s": round(district["refresh_cpu_s"], 2),
        "metrics_district_peak_mb": round(district["peak_mb"]),
        "metrics_scale_units": float(scale["units"]),
        "metrics_scale_unit_days": float(scale["unit_days"]),
        "metrics_scale_build_s": round(build_s, 1),
        "metrics_scale_weekly_s": round(scale["weekly_s"], 2),
        "metrics_scale_s": round(scale["refresh_s"], 2),
        "metrics_scale_cpu_s": round(scale["refresh_cpu_s"], 1),
        "metrics_scale_peak_mb": round(scale["peak_mb"]),
    }
