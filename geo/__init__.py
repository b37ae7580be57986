"""The situation map, without streamlit: unit polygons, pydeck layers, and what a click selected.

- `geo.shapes`: the polygons (the real files and the simplified map files derived from them),
  neighbours and the view that fits a set of units.
- `geo.layers`: pydeck layers and the deck, driven by a frame of unit code, colour and tooltip.
- `geo.tooltips`: the tooltip and legend texts in the UI language.
- `geo.selection`: the unit code a pydeck selection points at.
- `geo.situation`: legend counts, "what changed" and the level-history strip.
"""
