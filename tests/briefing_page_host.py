"""Runs pages/briefing.py under the shared sidebar, so AppTest reaches it before app.py registers it."""
import runpy
from pathlib import Path

from ui import state

state.sidebar()
runpy.run_path(str(Path(__file__).resolve().parent.parent / "pages" / "briefing.py"), run_name="__page__")
