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


def charts(at) -> dict[str, dict]:
    """The page's Vega-Lite charts by key (ui.widgets.chart writes it into the spec's usermeta), each its spec
    with `datasets` holding the rows Streamlit sent beside it (as Arrow) as data frames."""
    import json

    import pyarrow as pa

    found = {}
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        spec["datasets"] = {dataset.name: pa.ipc.open_stream(dataset.data.data).read_pandas()
                            for dataset in element.proto.datasets}
        found[spec["usermeta"]["key"]] = spec
    return found


def series_names(spec: dict) -> list[str]:
    """The names of a chart's series: the domains of its colour scales (the legend's entries), in order."""
    names: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            color = node.get("color") if isinstance(node.get("color"), dict) else {}
            domain = (color.get("scale") or {}).get("domain")
            names.extend(name for name in domain or () if name not in names)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return names


def chart_words(spec: dict) -> str:
    """Everything a chart writes: its series names, text marks' texts (constant or from its rows) and the
    tooltip titles."""
    words = list(series_names(spec))

    def walk(node) -> None:
        if isinstance(node, dict):
            text = node.get("text")
            if isinstance(text, dict) and "datum" in text:
                words.append(str(text["datum"]))
            if "title" in node and isinstance(node["title"], str):
                words.append(node["title"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({key: value for key, value in spec.items() if key != "datasets"})
    for frame in spec.get("datasets", {}).values():
        for column in ("label", "series"):
            if column in frame:
                words.extend(str(value) for value in frame[column].dropna().unique())
    return " ".join(words)


def rows(spec: dict) -> list:
    """Every dataset of the chart (data frames), for assertions on the numbers drawn."""
    return list(spec.get("datasets", {}).values())
