"""One map of one area and week, put together: which units, the fitted view, their styles and the deck.

The page and the benchmark both build the map through here, so the payload measured is the one sent.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
import shapely

from geo import layers, shapes, situation, tooltips
from indicators import levelstyle
from indicators.rulesets import RuleSet

COUNTRY = "country"


@dataclass(frozen=True)
class AreaView:
    """The units a view of an area shows, the box they fill and the camera fitted to it.

    The camera depends on the area only, so stepping through weeks never moves the map.
    """

    codes: tuple[str, ...]
    box: tuple[float, float, float, float]
    camera: dict[str, float]
    detailed: bool  # zoomed-in views draw the real polygons, the country the simplified ones
    level: str = shapes.DISTRICT  # the unit level coloured (communes once their polygons exist)
    insets: tuple[shapes.Inset, ...] = ()  # a province's islands far out at sea, drawn in boxes (shapes.insets)
    outside: tuple[str, ...] = ()  # units left out of the box with no inset (shapes.framed)


def area_view(area_level: str, area_code: str | None, known: set[str], width: int, height: int,
              level: str = shapes.DISTRICT) -> AreaView:
    """The view of an area: its units of `level` that the database knows (`known`), fitted to width × height
    pixels."""
    codes = tuple(code for code in shapes.area_units(area_level, area_code, level) if code in known)
    framed = shapes.framed(list(codes), level)
    box, camera, insets = shapes.inset_view(codes, width, height, level)
    inset_codes = {inset.code for inset in insets}
    return AreaView(codes, box, camera, area_level != COUNTRY, level, insets,
                    tuple(code for code in codes if code not in framed and code not in inset_codes))


def unit_styles(units: pd.DataFrame, classified: pd.DataFrame, ruleset: RuleSet, lang: str,
                colorblind: bool = False) -> pd.DataFrame:
    """code, color and the tooltip's fields of each unit (`units`: code, name, province_name, approximate;
    `classified`: an engine.classify result indexed by code, possibly missing some units)."""
    shown = classified.reindex(units["code"])
    colors = levelstyle.colors(shown["level"], ruleset, colorblind)
    return tooltips.unit_tooltip_fields(units, shown, colors, ruleset, lang).rename_axis("code").reset_index()


def placed_geometries(view: AreaView) -> dict[str, dict]:
    """Unit code -> GeoJSON geometry where the view draws it: an inset's unit in its box."""
    geometries = shapes.geometries(view.level, detailed=True)
    if not view.insets:
        return geometries
    real = shapes.units(view.level, detailed=True).set_index("code").geometry
    return {**geometries, **{inset.code: json.loads(shapely.to_geojson(shapes.moved(real[inset.code], inset.shift)))
                             for inset in view.insets}}


def placed_segments(view: AreaView, code: str) -> list[list[float]]:
    """A unit's outline where the view draws it (an inset's in its box)."""
    segments = shapes.unit_segments((code,), view.level, view.detailed)
    shift = next((inset.shift for inset in view.insets if inset.code == code), None)
    return shapes.moved_segments(segments, shift) if shift else segments


def map_deck(view: AreaView, styles: pd.DataFrame, selected: str | None = None, caption: str = "",
             basemap: bool = False, lang: str = "vi") -> layers.CompactDeck:
    """Coloured units, the borders of the provinces around them, names when zoomed in (those that fit), the
    selected outline.

    The whole country draws the static map files, which the browser fetched once: the deck carries the
    colours and the tooltip's levels, not the outlines. Zoomed-in views send their few real polygons, with
    the reasons in the tooltip."""
    if view.detailed:
        features = layers.unit_features(placed_geometries(view),
                                        styles[["code", "color", *tooltips.FIELDS[1:], tooltips.REASONS]])
        at_home = tuple(code for code in view.codes if code not in {inset.code for inset in view.insets})
        deck_layers = [
            layers.unit_layer(features),
            layers.edge_lines_layer(shapes.unit_segments(at_home, view.level)
                                    + [segment for inset in view.insets for segment in placed_segments(view, inset.code)]),
            layers.border_lines_layer(shapes.unit_segments(tuple(shapes.codes_in_box(view.box)), shapes.PROVINCE)
                                      + [segment for inset in view.insets for segment in shapes.box_segments(inset.box)]),
            layers.label_layer(pd.concat([shapes.labels_that_fit(at_home, view.camera["zoom"], view.level),
                                          shapes.inset_labels(view.insets)], ignore_index=True)),
        ]
    else:
        # No district outlines: at the country's zoom they are under a pixel wide, and drawing 705 of them was
        # two thirds of a redraw (0.8 of 1.2 s per week move in a browser without a GPU).
        deck_layers = [
            layers.unit_layer(shapes.map_file_url(view.level), fill=layers.fill_expression(styles)),
            layers.border_lines_layer(shapes.map_file_url(shapes.BORDERS)),
        ]
    deck_layers.append(layers.selected_layer(placed_segments(view, selected) if selected in view.codes else None))
    tooltip = tooltips.tooltip(caption, styles[["code", "label", "color"]], lang, reasons=view.detailed)
    return layers.situation_deck(deck_layers, view.camera, tooltip, basemap)
