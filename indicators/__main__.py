"""python -m indicators: the rule sets, classification of a CSV and Rt (indicators.cli), and `levels`, the
week's stored levels of every district or province as CSV.

`levels` reads the database, which the pure indicators package never does: this entry point hands the command
to the data layer's (python -m data levels, same arguments) as a new program, so no module of indicators
depends on data.
"""
import os
import sys

if sys.argv[1:2] == ["levels"]:
    os.execv(sys.executable, [sys.executable, "-m", "data", *sys.argv[1:]])

from indicators.cli import main

raise SystemExit(main())
