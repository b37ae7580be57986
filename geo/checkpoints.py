"""The checkpoint map: border gates and control posts as points sized by the day's flow and coloured by positives,
drawn over the district layer of geo.layers.

Pure (pydeck, pandas). A checkpoint that sent no report that day is drawn small and grey ("no data"), never as
"no positive".
"""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
import pydeck as pdk

from geo import shapes
from geo.layers import UNKNOWN_COLOR, border_lines_layer, fill_expression, rgba, situation_deck, unit_layer
from i18n import fmt_int, fmt_pct, t

CHECKPOINT_LAYER = "checkpoints"
GROUND_LAYER = "checkpoint_ground"
PROVINCES_LAYER = "checkpoint_provinces"
GROUND_FILL = "#EEF1F5"  # a neutral ground: the units carry no level on this map
# Positives on the day -> colour: 0, 1-2, 3-9, 10 or more (normal and colour-blind-safe palettes).
POSITIVE_BOUNDS = (1, 3, 10)
POSITIVE_COLORS = ("#4C78A8", "#F2A93B", "#E8590C", "#B00020")
POSITIVE_COLORS_CB = ("#0072B2", "#E69F00", "#D55E00", "#000000")
MIN_RADIUS_PX, MAX_RADIUS_PX = 5, 28


def positive_class(positive: pd.Series) -> pd.Series:
    """0 for no positive, then 1, 2, 3 for the bands of POSITIVE_BOUNDS; NA when not reported."""
    classes = np.searchsorted(np.asarray(POSITIVE_BOUNDS), positive.fillna(0).to_numpy(), side="right")
    return pd.Series(classes, index=positive.index, dtype="Int64").mask(positive.isna())


def radius_px(flow: pd.Series) -> pd.Series:
    """Point radius in pixels: area proportional to flow, the busiest checkpoint of the frame at MAX_RADIUS_PX."""
    top = flow.max()
    if not top or pd.isna(top):
        return pd.Series(float(MIN_RADIUS_PX), index=flow.index)
    return (MAX_RADIUS_PX * np.sqrt(flow.fillna(0) / top)).clip(lower=MIN_RADIUS_PX)


def checkpoint_points(sites: pd.DataFrame, day_counts: pd.DataFrame, lang: str, colorblind: bool = False) -> pd.DataFrame:
    """One row per checkpoint with lon, lat, radius, fill colour and tooltip HTML.

    sites: checkpoint_id, name, kind, district_name, lon, lat; day_counts: checkpoint_id, flow, positive,
    tested, from_outbreak_areas, quarantined, positivity_pct (the day's summary; missing checkpoints did not report).
    """
    points = sites.merge(day_counts, on="checkpoint_id", how="left", validate="1:1")
    palette = POSITIVE_COLORS_CB if colorblind else POSITIVE_COLORS
    classes = positive_class(points["positive"])
    points["fill"] = [rgba(UNKNOWN_COLOR if pd.isna(c) else palette[int(c)], 230) for c in classes]
    points["radius"] = radius_px(points["flow"])
    points["tooltip"] = [_tooltip(row, lang) for row in points.itertuples(index=False)]
    return points[["checkpoint_id", "lon", "lat", "radius", "fill", "tooltip"]]


def _tooltip(row, lang: str) -> str:
    head = f"<b>{html.escape(row.name)}</b><br>{t(f'checkpoints.kind_{row.kind}', lang)} · {html.escape(row.district_name)}"
    if pd.isna(row.flow):
        return f"{head}<br><i>{t('checkpoints.not_reported', lang)}</i>"
    lines = [
        (t("checkpoints.col_flow", lang), fmt_int(row.flow, lang)),
        (t("checkpoints.col_from_outbreak_areas", lang), fmt_int(row.from_outbreak_areas, lang)),
        (t("checkpoints.col_tested", lang), fmt_int(row.tested, lang)),
        (t("checkpoints.col_positive", lang), f"{fmt_int(row.positive, lang)} ({fmt_pct(row.positivity_pct, 2, lang)})"),
        (t("checkpoints.col_quarantined", lang), fmt_int(row.quarantined, lang)),
    ]
    return head + "".join(f"<br>{label}: <b>{value}</b>" for label, value in lines) + \
        f"<br><i>{t('common.source_simulated', lang)}</i>"


def checkpoint_layer(points: pd.DataFrame, layer_id: str = CHECKPOINT_LAYER) -> pdk.Layer:
    """Checkpoints as circles (pixel radius, so they stay visible at every zoom), pickable for the tooltip."""
    # pydeck turns every bare string into an accessor; a quoted one stays a plain value
    return pdk.Layer("ScatterplotLayer", points, id=layer_id, pickable=True, auto_highlight=True,
                     get_position=["lon", "lat"], get_radius="radius", radius_units="'pixels'",
                     get_fill_color="fill", stroked=True, get_line_color=[255, 255, 255, 255],
                     line_width_units="'pixels'", get_line_width=1.5)


def checkpoint_deck(points: pd.DataFrame, district_codes: list[str], lang: str, basemap: bool = False,
                    width: int = 900, height: int = 520):
    """The whole map: the area as a neutral ground and the province outlines, both from the static map files the
    browser fetched once, then the points (the only features sent with the map). The ground is the area's
    provinces (63 polygons for the country; a province's own) and only a single district's view fills that
    district: the 705 districts' polygons, drawn in one neutral colour without outlines, looked the same and
    cost a browser without a GPU most of a redraw."""
    units = shapes.units(shapes.DISTRICT)
    shown = units[units["code"].isin(district_codes)]
    ground_level = shapes.DISTRICT if len(shown) == 1 else shapes.PROVINCE
    ground = shown["code"] if ground_level == shapes.DISTRICT else shown["province_code"].drop_duplicates()
    layers = [
        unit_layer(shapes.map_file_url(ground_level), layer_id=GROUND_LAYER,
                   fill=fill_expression(pd.DataFrame({"code": ground, "color": GROUND_FILL}))),
        border_lines_layer(shapes.map_file_url(shapes.BORDERS), layer_id=PROVINCES_LAYER),
        checkpoint_layer(points),
    ]
    box = shapes.bounds(list(shown["code"])) if len(shown) else (102.1, 8.4, 109.5, 23.4)
    if len(points):  # a post just outside the drawn outlines (Quảng Ninh's are of 2009) stays in view
        box = (min(box[0], points["lon"].min()), min(box[1], points["lat"].min()),
               max(box[2], points["lon"].max()), max(box[3], points["lat"].max()))
    return situation_deck(layers, shapes.fit_view(box, width, height), basemap=basemap)
