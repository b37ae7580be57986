"""python -m indicators: the rule sets, classification of a CSV and Rt (indicators.cli), and `levels`, the
week's stored levels of every district or province as CSV.

`levels` reads the database, which the pure indicators package never does: this entry point, a command above
every layer, hands it to the data layer's command (python -m data levels) with the same arguments.
"""
import sys

if sys.argv[1:2] == ["levels"]:
    from data.__main__ import main as data_main

    raise SystemExit(data_main(sys.argv[1:]))

from indicators.cli import main

raise SystemExit(main())
