"""pydeck layers and the deck of the situation map, driven by a frame of unit code, colour and tooltip.

Nothing here knows about rule sets or weeks: the caller says which colour and which tooltip each unit
gets, so the same builders draw districts now and communes once commune data exist. A unit without a
colour is drawn grey ("no data"), never green.

A layer's features are either sent with it (a FeatureCollection: small zoomed-in views) or fetched by the
browser from a static map file (its URL: the whole country). A static file's features are coloured by
`fill_expression`, a code -> colour table of a few hundred bytes, so a rerun sends colours, not outlines.
"""
from __future__ import annotations

import hashlib
import json
from typing import Sequence

import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from geo import shapes
from indicators.levelstyle import UNKNOWN_COLOR

UNITS_LAYER = "units"
EDGES_LAYER = "edges"
BORDERS_LAYER = "borders"
SELECTED_LAYER = "selected"
LABELS_LAYER = "labels"

FILL_ALPHA = 225
UNIT_LINE = [255, 255, 255, 200]
BORDER_LINE = [40, 40, 40, 230]
SELECTED_LINE = [0, 0, 0, 255]
LABEL_COLOR = [30, 30, 30, 255]

TRANSPARENT = [0, 0, 0, 0]
# One character per colour of a fill table: up to 62 distinct colours.
TABLE_CHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
CODE_SPAN = 1000  # numeric codes of provinces and districts are below this: the fill table covers them all

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


def fill_expression(colors: pd.DataFrame) -> str:
    """deck.gl's accessor for the fill of a static file's features from a frame of code (numeric text) and
    color: a table of the distinct colours indexed by one character per code, '([[r,g,b,a],…])[("0012…")
    [properties.code*1]]'. Units not in the frame are transparent; a unit without a colour is grey."""
    fills = [rgba(color) for color in colors["color"].tolist()]
    table = [TRANSPARENT] + [list(fill) for fill in dict.fromkeys(map(tuple, fills))]
    if len(table) > len(TABLE_CHARS):
        raise ValueError(f"{len(table)} colours: a fill table holds {len(TABLE_CHARS)}")
    position = {tuple(fill): TABLE_CHARS[i] for i, fill in enumerate(table)}
    numbers = [int(code) for code in colors["code"]]
    # every code of the file: past the string's end deck.gl would read no colour and paint the unit black
    chars = ["0"] * max(CODE_SPAN, max(numbers, default=0) + 1)
    for number, fill in zip(numbers, fills):
        chars[number] = position[tuple(fill)]
    # Starts with "(": pydeck would strip the quotes of a string starting with "[" and ending with "]"; the
    # string is in brackets too: deck.gl's expression parser indexes groups and names, not literals.
    return f'({json.dumps(table, separators=(",", ":"))})[("{"".join(chars)}")[properties.code*1]]'


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


# pydeck reads a bare string as an accessor expression; a quoted one ("'pixels'") is a literal.
def unit_layer(features: dict | str, layer_id: str = UNITS_LAYER, fill: str = "properties.fill") -> pdk.Layer:
    """The coloured units, pickable (tooltip, click), without outlines (`edge_lines_layer` draws them).
    `features` is a FeatureCollection whose properties carry `fill`, or a static map file's URL with `fill` a
    `fill_expression` (deck.gl recolours when the expression changes: its digest is the update trigger)."""
    return pdk.Layer(
        "GeoJsonLayer", features, id=layer_id, pickable=True, auto_highlight=True,
        highlight_color=[255, 255, 255, 90], filled=True, stroked=False,
        get_fill_color=fill, update_triggers={"getFillColor": _digest(fill)},
    )


def line_layer(segments: list | str, layer_id: str, color: list[int], width_px: float) -> pdk.Layer:
    """Straight segments [x1, y1, x2, y2] (shapes.border_segments, or a static file of them by URL), never picked.

    Every outline of the map is drawn this way, not as GeoJSON outlines: deck.gl's LineLayer costs a browser
    without a GPU a fraction of what its PathLayer does (a province's map: 1.3 s more per outlined layer)."""
    return pdk.Layer("LineLayer", segments, id=layer_id, pickable=False,
                     get_source_position="[this[0],this[1]]", get_target_position="[this[2],this[3]]",
                     get_color=color, width_units="'pixels'", get_width=width_px)


def edge_lines_layer(segments: list | str, layer_id: str = EDGES_LAYER) -> pdk.Layer:
    """Thin white lines between the coloured units, so neighbours at the same level stay apart."""
    return line_layer(segments, layer_id, UNIT_LINE, 0.6)


def border_lines_layer(segments: list | str, layer_id: str = BORDERS_LAYER) -> pdk.Layer:
    """The borders of the enclosing units (provinces), drawn over the coloured ones."""
    return line_layer(segments, layer_id, BORDER_LINE, 1.6)


def selected_layer(segments: list | None, layer_id: str = SELECTED_LAYER) -> pdk.Layer:
    """A thick outline round the selected unit (empty when nothing is selected, so layer ids stay stable)."""
    return line_layer(segments or [], layer_id, SELECTED_LINE, 3.5)


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
