"""Runs one operations page under the shared sidebar, so AppTest can reach it before app.py registers it.

The page file is named by $OPERATIONS_PAGE (e.g. "capacity.py"); tests set it with monkeypatch.
"""
import os
import runpy
from pathlib import Path

from ui import state

state.sidebar()
runpy.run_path(str(Path(__file__).resolve().parent.parent / "pages" / os.environ["OPERATIONS_PAGE"]), run_name="__page__")
