"""Plotly charts to PNG through kaleido and the system's Chromium, offline.

kaleido 1.x drives a Chrome/Chromium it finds on the machine: $BROWSER_PATH, else `chromium`,
`chromium-browser` or `google-chrome` on the PATH. It never downloads one here (no `kaleido.get_chrome`),
loads plotly.js from the installed plotly package and has MathJax switched off, which it would otherwise
fetch from a CDN. One browser renders every chart of a briefing; without a browser the charts come back as
None and the files show the chart's description instead, saying why.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import Sequence

import plotly.graph_objects as go

from reports.layout import body_boxes, presentation_figure
from reports.model import Chart, Deck

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
RENDER_TIMEOUT_S = 60


def browser_path() -> str | None:
    """The Chromium kaleido will drive, or None when the machine has none."""
    chosen = os.environ.get("BROWSER_PATH")
    if chosen:
        return chosen if os.access(chosen, os.X_OK) else None
    return next(filter(None, (shutil.which(name) for name in BROWSER_NAMES)), None)


async def _render(figures: Sequence[go.Figure], sizes: Sequence[tuple[int, int]], path: str) -> list[bytes]:
    import kaleido  # imported here: it starts logging and checks plotly at import, which pages need not pay for

    async with kaleido.Kaleido(n=1, path=path, mathjax=False, timeout=RENDER_TIMEOUT_S) as browser:
        return [await browser.calc_fig(figure, opts=dict(format="png", width=width, height=height, scale=2))
                for figure, (width, height) in zip(figures, sizes)]


def render_pngs(figures: Sequence[go.Figure], sizes: Sequence[tuple[int, int]]) -> list[bytes | None]:
    """Each figure as PNG bytes at its (width, height) in CSS pixels (drawn at twice that for sharpness),
    or all None when no browser is found.

    Runs in its own thread with its own event loop, so it works from Streamlit's script thread or a
    download callback as well as from the command line.
    """
    path = browser_path()
    if path is None or not figures:
        return [None] * len(figures)
    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["pngs"] = asyncio.run(_render(figures, sizes, path))
        except Exception as error:  # noqa: BLE001  (re-raised in the caller's thread)
            result["error"] = error

    worker = threading.Thread(target=run, name="kaleido-render")
    worker.start()
    worker.join()
    if "error" in result:
        raise result["error"]
    return result["pngs"]


def deck_chart_pngs(deck: Deck, dpi: int = 96) -> dict[tuple[int, int], bytes | None]:
    """Every chart of a deck as PNG, sized to its box on the slide and in the slide's large type, keyed by
    (slide index, block index). One browser start for the whole deck."""
    keys, figures, sizes = [], [], []
    for slide_index, slide in enumerate(deck.slides):
        for block_index, (block, box) in enumerate(zip(slide.blocks, body_boxes(slide))):
            if isinstance(block, Chart):
                keys.append((slide_index, block_index))
                figures.append(presentation_figure(block.figure))
                sizes.append((round(box.w * dpi), round(box.h * dpi)))
    return dict(zip(keys, render_pngs(figures, sizes)))
