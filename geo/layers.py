"""pydeck layers and the deck of the situation map, driven by a frame of unit code, colour and tooltip.

Nothing here knows about rule sets or weeks: the caller says which colour and which tooltip each unit
gets, so the same builders draw districts now and communes once commune data exist. A unit without a
colour is drawn grey ("no data"), never green.
"""
from __future__ import annotations

import json
from typing import Iterable, Sequence

import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from geo import shapes
from indicators.levelstyle import UNKNOWN_COLOR

UNITS_LAYER = "units"
BORDERS_LAYER = "borders"
SELECTED_LAYER = "selected"
LABELS_LAYER = "labels"

FILL_ALPHA = 225
UNIT_LINE = [255, 255, 255, 200]
BORDER_LINE = [40, 40, 40, 230]
SELECTED_LINE = [0, 0, 0, 255]
LABEL_COLOR = [30, 30, 30, 255]

BASEMAP_STYLE = "light"  # Carto's light style, drawn only when the user switches the basemap on


def rgba(color: str | Sequence[int] | None, alpha: int = FILL_ALPHA) -> list[int]:
    """'#F2C400' or (242, 196, 0) -> [242, 196, 0, alpha]; a missing colour is the unknown grey."""
    if color is None or (isinstance(color, float) and pd.isna(color)) or color is pd.NA:
        color = UNKNOWN_COLOR
    if isinstance(color, str):
        code = color.lstrip("#")
        return [int(code[i:i + 2], 16) for i in (0, 2, 4)] + [alpha]
    return [int(c) for c in color[:3]] + [alpha]


def unit_features(geometries: dict[str, dict], styles: pd.DataFrame) -> dict:
    """A FeatureCollection of the units in `styles` (columns code, color, then any text fields the tooltip
    shows). Each feature's properties: code, fill (RGBA) and those fields; units without a geometry are
    skipped."""
    fields = [column for column in styles.columns if column not in ("code", "color")]
    rows = zip(styles["code"].tolist(), styles["color"].tolist(), *(styles[field].tolist() for field in fields))
    features = [
        {"type": "Feature", "geometry": geometries[code],
         "properties": {"code": code, "fill": rgba(color), **dict(zip(fields, values))}}
        for code, color, *values in rows if code in geometries
    ]
    return {"type": "FeatureCollection", "features": features}


# pydeck reads a bare string as an accessor expression; a quoted one ("'pixels'") is a literal.
def unit_layer(features: dict, layer_id: str = UNITS_LAYER) -> pdk.Layer:
    """The coloured units: pickable (tooltip, click) with thin white borders between them."""
    return pdk.Layer(
        "GeoJsonLayer", features, id=layer_id, pickable=True, auto_highlight=True,
        highlight_color=[255, 255, 255, 90], filled=True, stroked=True,
        get_fill_color="properties.fill", get_line_color=UNIT_LINE,
        line_width_units="'pixels'", get_line_width=0.6,
    )


def border_layer(geometries: dict[str, dict], codes: Iterable[str], layer_id: str = BORDERS_LAYER) -> pdk.Layer:
    """Outlines of the enclosing units (provinces), drawn over the coloured ones, never picked."""
    collection = {"type": "FeatureCollection",
                  "features": [{"type": "Feature", "geometry": geometries[code], "properties": {"code": code}}
                               for code in codes if code in geometries]}
    return pdk.Layer("GeoJsonLayer", collection, id=layer_id, pickable=False, filled=False, stroked=True,
                     get_line_color=BORDER_LINE, line_width_units="'pixels'", get_line_width=1.6)


def selected_layer(geometry: dict | None, layer_id: str = SELECTED_LAYER) -> pdk.Layer:
    """A thick outline round the selected unit (empty when nothing is selected, so layer ids stay stable)."""
    features = [] if geometry is None else [{"type": "Feature", "geometry": geometry, "properties": {}}]
    return pdk.Layer("GeoJsonLayer", {"type": "FeatureCollection", "features": features}, id=layer_id,
                     pickable=False, filled=False, stroked=True, get_line_color=SELECTED_LINE,
                     line_width_units="'pixels'", get_line_width=3.5)


def label_layer(labels: pd.DataFrame, layer_id: str = LABELS_LAYER) -> pdk.Layer:
    """Unit names at points inside them (frame with name, lon, lat); Vietnamese needs the 'auto' character set."""
    return pdk.Layer("TextLayer", labels[["name", "lon", "lat"]], id=layer_id, pickable=False,
                     get_position=["lon", "lat"], get_text="name", get_size=shapes.LABEL_FONT_PX, get_color=LABEL_COLOR,
                     character_set="'auto'", font_family='"Segoe UI, Roboto, Arial, sans-serif"',
                     outline_width=2, outline_color=[255, 255, 255, 220], font_settings={"sdf": True})


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation or key sorting.

    pydeck pretty-prints (indent=2), which more than doubles the payload of a country of polygons;
    st.pydeck_chart sends whatever `to_json()` returns.
    """

    def to_json(self) -> str:
        return json.dumps(self, default=default_serialize, ensure_ascii=False, separators=(",", ":"))


def situation_deck(layers: list[pdk.Layer], view: dict[str, float], tooltip: dict | bool = True,
                   basemap: bool = False) -> CompactDeck:
    """The map: no basemap and no network unless `basemap` (Carto's light tiles) is asked for.

    Without a basemap the style is left unset on purpose: Streamlit reads `map_style=None` as
    "use the theme's Carto tiles", while pydeck's untouched default with no provider means none.
    """
    basemap_options = {"map_provider": "carto", "map_style": BASEMAP_STYLE} if basemap else {"map_provider": None}
    return CompactDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(**view, pitch=0, bearing=0, min_zoom=3, max_zoom=13),
        views=[pdk.View(type="MapView", controller={"dragRotate": False})],
        tooltip=tooltip,
        **basemap_options,
    )
