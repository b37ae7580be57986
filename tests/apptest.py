"""Running the app in AppTest from tests."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def open_page(page: str | None = None, query: dict | None = None, timeout: float = 60):
    """Run app.py in AppTest, then switch to `page` (e.g. "app_pages/map.py") with URL `query` params.

    Call inside a test that uses the `app_env` fixture. Returns the AppTest after the page ran.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.query_params.update(query or {})
    at.run()
    if page:
        at.switch_page(page).run()
    return at
