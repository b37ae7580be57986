"""One map of one area and week, put together: which units, the fitted view, their styles and the deck.

The page and the benchmark both build the map through here, so the payload measured is the one sent.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

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
    outside: tuple[str, ...] = ()  # units drawn but left out of the box (a province's archipelago: shapes.framed)


def area_view(area_level: str, area_code: str | None, known: set[str], width: int, height: int,
              level: str = shapes.DISTRICT) -> AreaView:
    """The view of an area: its units of `level` that the database knows (`known`), fitted to width × height
    pixels."""
    codes = tuple(code for code in shapes.area_units(area_level, area_code, level) if code in known)
    framed = shapes.framed(list(codes), level)
    box = shapes.bounds(framed, level)
    return AreaView(codes, box, shapes.fit_view(box, width, height), area_level != COUNTRY, level,
                    tuple(code for code in codes if code not in framed))


def unit_styles(units: pd.DataFrame, classified: pd.DataFrame, ruleset: RuleSet, lang: str,
                colorblind: bool = False) -> pd.DataFrame:
    """code, color and the tooltip's fields of each unit (`units`: code, name, province_name, approximate;
    `classified`: an engine.classify result indexed by code, possibly missing some units)."""
    shown = classified.reindex(units["code"])
    colors = levelstyle.colors(shown["level"], ruleset, colorblind)
    return tooltips.unit_tooltip_fields(units, shown, colors, ruleset, lang).rename_axis("code").reset_index()


def map_deck(view: AreaView, styles: pd.DataFrame, selected: str | None = None, caption: str = "",
             basemap: bool = False, lang: str = "vi") -> layers.CompactDeck:
    """Coloured units, the borders of the provinces around them, names when zoomed in (those that fit), the
    selected outline.

    The whole country draws the static map files, which the browser fetched once: the deck carries the
    colours and the tooltip's levels, not the outlines. Zoomed-in views send their few real polygons, with
    the reasons in the tooltip."""
    if view.detailed:
        features = layers.unit_features(shapes.geometries(view.level, detailed=True),
                                        styles[["code", "color", *tooltips.FIELDS[1:], tooltips.REASONS]])
        deck_layers = [
            layers.unit_layer(features),
            layers.edge_lines_layer(shapes.unit_segments(view.codes, view.level)),
            layers.border_lines_layer(shapes.unit_segments(tuple(shapes.codes_in_box(view.box)), shapes.PROVINCE)),
            layers.label_layer(shapes.labels_that_fit(view.codes, view.camera["zoom"], view.level)),
        ]
    else:
        # No district outlines: at the country's zoom they are under a pixel wide, and drawing 705 of them was
        # two thirds of a redraw (0.8 of 1.2 s per week move in a browser without a GPU).
        deck_layers = [
            layers.unit_layer(shapes.map_file_url(view.level), fill=layers.fill_expression(styles)),
            layers.border_lines_layer(shapes.map_file_url(shapes.BORDERS)),
        ]
    deck_layers.append(layers.selected_layer(
        shapes.unit_segments((selected,), view.level, view.detailed) if selected in view.codes else None))
    tooltip = tooltips.tooltip(caption, styles[["code", "label", "color"]], lang, reasons=view.detailed)
    return layers.situation_deck(deck_layers, view.camera, tooltip, basemap)
