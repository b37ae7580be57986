"""What a click on the map selected, read from `st.pydeck_chart`'s selection state.

Streamlit reports ``{"selection": {"indices": {layer_id: [i]}, "objects": {layer_id: [feature]}}}``;
the feature carries the unit code in its properties. Kept pure so it is tested without a browser.
"""
from __future__ import annotations

from collections.abc import Mapping

from geo.layers import UNITS_LAYER


def selected_code(state: Mapping | None, layer_id: str = UNITS_LAYER, key: str = "code") -> str | None:
    """The code of the unit picked in `layer_id`, or None when nothing (or something else) is selected.

    Accepts the whole event state or just its ``selection`` part; a feature's properties or a flat
    object (layers fed with records) both work.
    """
    if not state:
        return None
    selection = state.get("selection", state)
    objects = (selection or {}).get("objects") or {}
    picked = objects.get(layer_id) or []
    if not picked or not isinstance(picked[0], Mapping):
        return None
    record = picked[0].get("properties") or picked[0]
    code = record.get(key)
    return str(code) if code not in (None, "") else None
