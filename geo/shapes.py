"""Unit polygons for the map: the real files, the simplified map files derived from them, neighbours, views.

The real polygons (districts_2021.geojson, provinces_2021.geojson) stay exactly as published. The
whole-country map draws simplified copies that `write_map_files()` derives and that are committed in the
app's static folder (static/geo/districts_map.geojson, static/geo/provinces_map.geojson and the provinces'
borders as segments, static/geo/province_borders.json, which also letters the archipelagos' names): the browser
fetches them once from /app/static/geo/ (`map_file_url`) and caches them, so a rerun sends colours, not outlines.

- the districts are simplified as one coverage, so shared borders stay shared (no gaps, no overlaps);
- coordinates are rounded to 4 decimals (about 11 m);
- only the properties the map uses are kept: code, name, province_code, province_name, approximate;
- provinces are dissolved from the simplified districts, so both layers line up.

Zoomed-in views (a province, a district and its neighbours) are small, so they draw the real polygons.
The map files are derived data: same sources and terms as the real files (data/sources/SOURCES.md).

    python -m geo.shapes    # regenerate the map files after the real polygons change
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import lettering

GEO_DIR = Path(__file__).resolve().parent
DISTRICT = "district"
PROVINCE = "province"
SOURCE_FILES = {DISTRICT: GEO_DIR / "districts_2021.geojson", PROVINCE: GEO_DIR / "provinces_2021.geojson"}
STATIC_DIR = GEO_DIR.parent / "static" / "geo"  # served by Streamlit at app/static/geo/ (enableStaticServing)
MAP_FILES = {DISTRICT: STATIC_DIR / "districts_map.geojson", PROVINCE: STATIC_DIR / "provinces_map.geojson"}
# The provinces' borders as straight segments [x1, y1, x2, y2], each once (shared borders are not drawn twice):
# deck.gl draws segments at a fraction of the cost of outlines (half a redraw without a GPU).
BORDERS = "borders"
STATIC_FILES = {**MAP_FILES, BORDERS: STATIC_DIR / "province_borders.json"}
# Visvalingam–Whyatt tolerance in degrees: corners whose triangle is smaller than about 1 km × 1 km go.
SIMPLIFY_TOLERANCE = 0.01
DECIMALS = 4
# Holes smaller than this (square degrees, about 1 km²) in a dissolved province are slivers between its districts
# (left by the simplification or by Quảng Ninh's 2009 districts), not land of another unit: its border would
# draw them as stray dashes inside the province.
SLIVER_AREA = 1e-4
UNIT_COLUMNS = ["code", "name", "province_code", "province_name", "approximate"]
# deck.gl's web-mercator world is 512 pixels wide at zoom 0.
WORLD_PIXELS = 512
# The archipelagos, named on the whole-country map as every map of Viet Nam names them, under their districts'
# one-island polygons (Hoàng Sa of Đà Nẵng, Trường Sa of Khánh Hòa): district code -> the name printed.
ARCHIPELAGO_NAMES = {"498": "Quần đảo Hoàng Sa", "576": "Quần đảo Trường Sa"}
ARCHIPELAGO_CAP_HEIGHT = 0.25  # degrees of latitude: capitals about 10 pixels tall on the country's map


def _normalise(frame: gpd.GeoDataFrame, level: str) -> gpd.GeoDataFrame:
    """The real file's columns -> the map's: code, name, province_code, province_name, approximate."""
    if level == DISTRICT:
        frame = frame.rename(columns={"district_code": "code", "district_name": "name"})
        frame["approximate"] = frame["boundary_source"].str.startswith("approximate")
    else:
        frame = frame.assign(code=frame["province_code"], name=frame["province_name"], approximate=False)
    return gpd.GeoDataFrame(frame[UNIT_COLUMNS], geometry=shapely.make_valid(frame.geometry.values), crs=frame.crs)


def _rounded(geometries: np.ndarray) -> np.ndarray:
    return shapely.transform(geometries, lambda xy: np.round(xy, DECIMALS))


def simplified_units(tolerance: float = SIMPLIFY_TOLERANCE) -> dict[str, gpd.GeoDataFrame]:
    """The map's districts and provinces, derived from the real district polygons (see the module doc)."""
    districts = _normalise(gpd.read_file(SOURCE_FILES[DISTRICT]), DISTRICT)
    districts.geometry = shapely.make_valid(_rounded(shapely.coverage_simplify(districts.geometry.values, tolerance)))
    provinces = districts.dissolve(by="province_code", as_index=False, aggfunc="first")
    provinces = provinces.assign(code=provinces["province_code"], name=provinces["province_name"], approximate=False)
    provinces.geometry = _rounded(np.array([_without_slivers(geometry) for geometry in provinces.geometry.values]))
    return {DISTRICT: districts, PROVINCE: gpd.GeoDataFrame(provinces[UNIT_COLUMNS + ["geometry"]], crs=districts.crs)}


def _without_slivers(geometry, max_area: float = SLIVER_AREA):
    """A (multi)polygon without its holes smaller than `max_area` (SLIVER_AREA)."""
    parts = [shapely.Polygon(part.exterior, [ring for ring in part.interiors if shapely.Polygon(ring).area >= max_area])
             for part in shapely.get_parts(geometry)]
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def border_segments(polygons: np.ndarray) -> list[list[float]]:
    """Every border of some polygons as straight segments [x1, y1, x2, y2], a border two of them share once."""
    lines = shapely.line_merge(shapely.union_all(shapely.boundary(polygons)))
    segments = []
    for part in shapely.get_parts(lines):
        xy = np.round(shapely.get_coordinates(part), DECIMALS)
        segments += np.hstack([xy[:-1], xy[1:]]).tolist()
    return segments


def archipelago_labels(districts: gpd.GeoDataFrame, names: dict[str, str] = ARCHIPELAGO_NAMES) -> pd.DataFrame:
    """Where each archipelago's name goes on the country's map: centred under its district's island, not reaching
    east of the easternmost island (the edge of the map). name, left and baseline (where its letters start), lon and
    lat (its middle: the report's map prints it there)."""
    east = districts.total_bounds[2]
    rows = []
    for code, name in names.items():
        west_, south, east_, _ = districts.loc[districts["code"] == code].total_bounds
        baseline = south - 2.2 * ARCHIPELAGO_CAP_HEIGHT
        width = lettering.text_width(name, ARCHIPELAGO_CAP_HEIGHT, baseline)
        left = min((west_ + east_) / 2 - width / 2, east - width)
        rows.append({"name": name, "left": left, "baseline": baseline, "lon": left + width / 2,
                     "lat": baseline + ARCHIPELAGO_CAP_HEIGHT / 2})
    return pd.DataFrame(rows)


def archipelago_names(districts: gpd.GeoDataFrame, names: dict[str, str] = ARCHIPELAGO_NAMES) -> list[list[float]]:
    """The archipelagos' names as segments (geo.lettering), where `archipelago_labels` puts them."""
    return [segment for label in archipelago_labels(districts, names).itertuples()
            for segment in lettering.text_segments(label.name, label.left, label.baseline, ARCHIPELAGO_CAP_HEIGHT,
                                                   decimals=3)]


def write_map_files(directory: Path = STATIC_DIR, tolerance: float = SIMPLIFY_TOLERANCE) -> dict[str, Path]:
    """Regenerate districts_map.geojson, provinces_map.geojson and province_borders.json (in static/geo/ unless
    told) from the real polygons; the borders' file also letters the archipelagos' names."""
    written = {key: directory / path.name for key, path in STATIC_FILES.items()}
    units_of = simplified_units(tolerance)
    for level, frame in units_of.items():
        features = [
            {"type": "Feature", "geometry": json.loads(shapely.to_geojson(geometry)), "properties": properties}
            for geometry, properties in zip(frame.geometry.values, frame[UNIT_COLUMNS].to_dict("records"))
        ]
        text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":"))
        written[level].write_text(text + "\n", encoding="utf-8")
    segments = border_segments(units_of[PROVINCE].geometry.values) + archipelago_names(units_of[DISTRICT])
    written[BORDERS].write_text(json.dumps(segments, separators=(",", ":")) + "\n", encoding="utf-8")
    return written


@cache
def units(level: str = DISTRICT, detailed: bool = False) -> gpd.GeoDataFrame:
    """Every unit of `level` with code, name, province_code, province_name, approximate and geometry.

    `detailed` reads the real polygons, otherwise the simplified map file. Cached: do not modify.
    """
    if detailed:
        return _normalise(gpd.read_file(SOURCE_FILES[level]), level)
    return gpd.read_file(MAP_FILES[level])


@cache
def map_file_url(key: str = DISTRICT) -> str:
    """Where the browser fetches a static map file (a level's units, or BORDERS): relative to the page (so a
    server's base path works), with a hash of its content, so a browser or proxy may keep it as long as it
    likes and a new file is a new URL."""
    path = STATIC_FILES[key]
    return f"app/static/geo/{path.name}?v={hashlib.sha1(path.read_bytes()).hexdigest()[:12]}"


@cache
def geometries(level: str = DISTRICT, detailed: bool = False) -> dict[str, dict]:
    """Unit code -> its GeoJSON geometry as plain dicts, converted once (layers reuse them every rerun)."""
    frame = units(level, detailed)
    return {code: json.loads(shapely.to_geojson(geometry))
            for code, geometry in zip(frame["code"], _rounded(frame.geometry.values))}


@cache
def unit_segments(codes: tuple[str, ...], level: str = DISTRICT, detailed: bool = True) -> list[list[float]]:
    """The outlines of some units as segments (border_segments), slivers left out (the real province file has
    seven): what a zoomed-in view draws round its units, its provinces and a selected unit. Cached per set of
    codes: do not modify."""
    frame = units(level, detailed)
    return border_segments(np.array([_without_slivers(geometry)
                                     for geometry in frame.loc[frame["code"].isin(codes)].geometry.values]))


@cache
def adjacency(level: str = DISTRICT) -> dict[str, tuple[str, ...]]:
    """Unit code -> the codes of the units that share a border with it (from the real polygons)."""
    frame = units(level, detailed=True)
    geoms = frame.geometry.values
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    codes = frame["code"].to_numpy()
    pairs = {code: [] for code in codes}
    for a, b in zip(codes[left], codes[right]):
        if a != b:
            pairs[a].append(b)
    return {code: tuple(sorted(others)) for code, others in pairs.items()}


def area_units(area_level: str, area_code: str | None = None, level: str = DISTRICT) -> list[str]:
    """Codes of the units a view of an area shows: every unit of the country, a province's,
    or a district with its neighbours (whatever their province)."""
    frame = units(level)
    if area_level == PROVINCE:
        return frame.loc[frame["province_code"] == area_code, "code"].tolist()
    if area_level == DISTRICT:
        return [area_code, *adjacency(level).get(area_code, ())]
    return frame["code"].tolist()


OUTLYING_DEGREES = 0.5  # about 55 km of open sea between an island district and the rest of its province


@cache
def outlying(level: str = DISTRICT) -> frozenset[str]:
    """The units that lie far out at sea from the rest of their province: more than OUTLYING_DEGREES from the box of
    its other units (Bạch Long Vĩ of Hải Phòng, Hoàng Sa of Đà Nẵng, Trường Sa of Khánh Hòa, Côn Đảo of Bà Rịa -
    Vũng Tàu). A view of the province that framed them would shrink its mainland to a corner of the sea."""
    frame = units(level)
    far = []
    for _, province in frame.groupby("province_code"):
        boxes = shapely.bounds(province.geometry.values)
        for index, (code, geometry) in enumerate(zip(province["code"], province.geometry.values)):
            rest = np.delete(boxes, index, axis=0)
            if not len(rest):
                continue
            rest_box = shapely.box(*rest[:, :2].min(axis=0), *rest[:, 2:].max(axis=0))
            if shapely.distance(geometry, rest_box) > OUTLYING_DEGREES:
                far.append(code)
    return frozenset(far)


def framed(codes: list[str], level: str = DISTRICT) -> list[str]:
    """Which of some units a view of them fits in its box. A view of one province leaves its outlying islands out
    (`outlying`): they are drawn in an inset (`insets`), listed and picked, but framing them would shrink the
    province to a corner of the sea, tens to hundreds of kilometres away. The country's view frames them, as every
    map of Viet Nam shows Hoàng Sa and Trường Sa."""
    frame = units(level)
    shown = frame.loc[frame["code"].isin(codes)]
    if shown["province_code"].nunique() == 1:
        mainland = shown.loc[~shown["code"].isin(outlying(level))]
        shown = mainland if len(mainland) else shown
    return shown["code"].tolist()


def bounds(codes: list[str], level: str = DISTRICT) -> tuple[float, float, float, float]:
    """(west, south, east, north): the box a view of some units fits (those `framed` picks)."""
    frame = units(level)
    return tuple(frame.loc[frame["code"].isin(framed(codes, level))].total_bounds.tolist())


COMPASS = ("n", "ne", "e", "se", "s", "sw", "w", "nw")  # i18n map.direction_<point>
KM_PER_DEGREE = 111.2


def offshore(code: str, codes: list[str], level: str = DISTRICT) -> tuple[int, str]:
    """How far (km, to the nearest 10) and in which compass direction (COMPASS) a unit that a view leaves out of
    its frame lies from the units the frame holds: what the map says of an island drawn in an inset or left out."""
    box = shapely.box(*bounds(codes, level))
    island = units(level).set_index("code").loc[code].geometry
    near, far = shapely.get_coordinates(shapely.shortest_line(box, island))
    east_km = (far[0] - near[0]) * KM_PER_DEGREE * math.cos(math.radians((far[1] + near[1]) / 2))
    north_km = (far[1] - near[1]) * KM_PER_DEGREE
    (x, y), (box_x, box_y) = shapely.get_coordinates(island.centroid)[0], shapely.get_coordinates(box.centroid)[0]
    angle = math.degrees(math.atan2((x - box_x) * math.cos(math.radians(y)), y - box_y)) % 360
    return int(round(math.hypot(east_km, north_km), -1)), COMPASS[int((angle + 22.5) // 45) % 8]


INSET_PADDING_PX = 6
INSET_LABEL_PX = 16  # the line of the name above the island
INSET_POSITIONS = 24  # candidate places across and up the frame


@dataclass(frozen=True)
class Inset:
    """An outlying unit drawn at the map's scale inside its province's frame, in a box of its own, moved from its
    real place by `shift`."""

    code: str
    name: str
    shift: tuple[float, float]  # degrees added to its longitudes and latitudes
    box: tuple[float, float, float, float]  # (west, south, east, north) of the box drawn round it
    label: tuple[float, float]  # where its name goes (lon, lat)


@cache
def _land() -> shapely.Geometry:
    land = shapely.union_all(units(PROVINCE).geometry.values)
    shapely.prepare(land)
    return land


def insets(codes: tuple[str, ...], zoom: float, level: str = DISTRICT) -> tuple[Inset, ...]:
    """The outlying units of a one-province view (those `framed` leaves out), each drawn at the map's `zoom` in a box
    where nothing but sea lies: inside the frame if it has room, else just beyond its edge (`inset_view` widens the
    frame to hold it), as near to the unit's real place as can be."""
    inside = set(framed(list(codes), level))
    if len(inside) == len(codes):
        return ()
    west, south, east, north = bounds(list(codes), level)
    per_degree = WORLD_PIXELS * 2 ** zoom / 360
    per_degree_north = per_degree / math.cos(math.radians((south + north) / 2))
    pad_x, pad_y = INSET_PADDING_PX / per_degree, INSET_PADDING_PX / per_degree_north
    frame = units(level, detailed=True).set_index("code")
    names = label_points(level).set_index("code")["name"]
    placed, taken = [], []
    for code in (code for code in codes if code not in inside):
        unit_west, unit_south, unit_east, unit_north = frame.loc[code].geometry.bounds
        width = max(unit_east - unit_west, len(names[code]) * LABEL_CHAR_PX / per_degree) + 2 * pad_x
        height = unit_north - unit_south + 2 * pad_y + INSET_LABEL_PX / per_degree_north
        across = np.linspace(west, max(west, east - width), INSET_POSITIONS)
        up = np.linspace(south, max(south, north - height), INSET_POSITIONS)
        fits = width <= east - west and height <= north - south
        inner = [grid.ravel() for grid in np.meshgrid(across, up)] if fits else [[], []]
        beyond = [np.concatenate([across, across, np.full_like(up, west - pad_x - width), np.full_like(up, east + pad_x)]),
                  np.concatenate([np.full_like(across, south - pad_y - height), np.full_like(across, north + pad_y), up, up])]
        real_x, real_y = (unit_west + unit_east) / 2, (unit_south + unit_north) / 2
        for left, bottom in (np.asarray(inner), np.asarray(beyond)):
            boxes = shapely.box(left, bottom, left + width, bottom + height)
            free = ~shapely.intersects(boxes, _land()) if len(boxes) else np.zeros(0, bool)
            for other in taken:
                free &= ~shapely.intersects(boxes, other)
            if free.any():
                distance = np.hypot(left + width / 2 - real_x, bottom + height / 2 - real_y)
                best = np.flatnonzero(free)[np.argmin(distance[free])]
                box = tuple(round(float(edge), DECIMALS)
                            for edge in (left[best], bottom[best], left[best] + width, bottom[best] + height))
                middle = (box[0] + box[2]) / 2
                placed.append(Inset(
                    code, names[code], shift=(round(middle - real_x, DECIMALS), round(box[1] + pad_y - unit_south, DECIMALS)),
                    box=box, label=(round(middle, DECIMALS),
                                    round(box[3] - pad_y / 2 - INSET_LABEL_PX / 2 / per_degree_north, DECIMALS))))
                taken.append(boxes[best])
                break
    return tuple(placed)


def inset_view(codes: tuple[str, ...], width: int, height: int,
               level: str = DISTRICT) -> tuple[tuple[float, float, float, float], dict[str, float], tuple[Inset, ...]]:
    """The box, the camera (fit_view) and the insets of a view of some units in width × height pixels: the box is
    the frame (`bounds`) widened to hold the insets placed beyond it. Placed twice: an inset's room in degrees
    depends on the scale, which the room it takes changes."""
    box = frame = bounds(list(codes), level)
    camera, placed = fit_view(box, width, height), ()
    for _ in range(2):
        placed = insets(codes, camera["zoom"], level)
        edges = np.array([frame, *(inset.box for inset in placed)])
        box = (*edges[:, :2].min(axis=0).tolist(), *edges[:, 2:].max(axis=0).tolist())
        camera = fit_view(box, width, height)
    return box, camera, placed


def moved(geometry: shapely.Geometry, shift: tuple[float, float]) -> shapely.Geometry:
    """A geometry moved by (dx, dy) degrees: an inset's unit where the map draws it."""
    return shapely.transform(geometry, lambda xy: np.round(xy + np.asarray(shift), DECIMALS))


def moved_segments(segments: list[list[float]], shift: tuple[float, float]) -> list[list[float]]:
    """Segments [x1, y1, x2, y2] moved by (dx, dy) degrees."""
    dx, dy = shift
    return [[round(x1 + dx, DECIMALS), round(y1 + dy, DECIMALS), round(x2 + dx, DECIMALS), round(y2 + dy, DECIMALS)]
            for x1, y1, x2, y2 in segments]


def inset_labels(insets: tuple[Inset, ...]) -> pd.DataFrame:
    """code, name, lon, lat of each inset's name, at the top of its box: always printed, the island being too small
    to hold it."""
    return pd.DataFrame([{"code": inset.code, "name": inset.name, "lon": inset.label[0], "lat": inset.label[1]}
                         for inset in insets], columns=["code", "name", "lon", "lat"])


def box_segments(box: tuple[float, float, float, float]) -> list[list[float]]:
    """The four sides of a (west, south, east, north) box as segments: the frame round an inset."""
    west, south, east, north = box
    corners = [(west, south), (east, south), (east, north), (west, north), (west, south)]
    return [[*start, *end] for start, end in zip(corners, corners[1:])]


def codes_in_box(box: tuple[float, float, float, float], level: str = PROVINCE) -> list[str]:
    """Codes of the units that reach into a (west, south, east, north) box: the provinces whose borders
    frame a view."""
    west, south, east, north = box
    return units(level).cx[west:east, south:north]["code"].tolist()


UNIT_TYPE_PREFIXES = ("Thành phố ", "Thị xã ", "Huyện ", "Quận ", "Tỉnh ")


@cache
def label_points(level: str = DISTRICT) -> pd.DataFrame:
    """code, short name ('Nậm Pồ', not 'Huyện Nậm Pồ') and a point inside each unit, for map labels."""
    frame = units(level, detailed=True)
    points = frame.geometry.representative_point()
    names = frame["name"]
    for prefix in UNIT_TYPE_PREFIXES:
        names = names.str.removeprefix(prefix)
    return pd.DataFrame({"code": frame["code"], "name": names, "lon": points.x.round(4), "lat": points.y.round(4)})


LABEL_FONT_PX = 12
LABEL_CHAR_PX = 0.6 * LABEL_FONT_PX  # mean width of a character of the map's sans-serif labels


@cache
def label_room(level: str = DISTRICT) -> pd.DataFrame:
    """code and the room around each unit's label point, in degrees: `width`, the length of the unit's
    east–west chord through the point, and `height`, of its north–south chord."""
    frame = units(level, detailed=True)
    points = label_points(level)
    chords = {}
    for axis, (dx, dy) in {"width": (5.0, 0.0), "height": (0.0, 5.0)}.items():
        lines = shapely.linestrings([[(x - dx, y - dy), (x + dx, y + dy)] for x, y in zip(points["lon"], points["lat"])])
        inside = shapely.intersection(lines, frame.geometry.values)
        point_geoms = shapely.points(points["lon"], points["lat"]).tolist()
        chords[axis] = [max((shapely.length(part) for part in shapely.get_parts(chord)
                             if shapely.distance(part, point) < 1e-3), default=0.0)
                        for chord, point in zip(inside, point_geoms)]
    return pd.DataFrame({"code": points["code"], **chords})


def labels_that_fit(codes: list[str], zoom: float, level: str = DISTRICT) -> pd.DataFrame:
    """The label points (code, name, lon, lat) of those `codes` whose name fits inside the unit at `zoom`:
    dense city centres would otherwise print names over each other and over their neighbours."""
    points = label_points(level).merge(label_room(level), on="code").set_index("code").loc[list(codes)]
    pixels_per_degree = WORLD_PIXELS * 2 ** zoom / 360
    wide = points["width"] * pixels_per_degree >= points["name"].str.len() * LABEL_CHAR_PX
    tall = points["height"] * pixels_per_degree / np.cos(np.radians(points["lat"])) >= 1.2 * LABEL_FONT_PX
    return points.loc[wide & tall, ["name", "lon", "lat"]]


def _mercator_y(latitude: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))


def fit_view(box: tuple[float, float, float, float], width: int = 800, height: int = 600,
             padding: float = 0.06) -> dict[str, float]:
    """latitude, longitude and zoom that show the box whole in a width × height pixel map (web mercator)."""
    west, south, east, north = box
    x_span = max(east - west, 1e-3) / 360
    y_span = max(_mercator_y(north) - _mercator_y(south), 1e-5) / (2 * math.pi)
    usable = 1 - 2 * padding
    zoom = math.log2(min(width * usable / (WORLD_PIXELS * x_span), height * usable / (WORLD_PIXELS * y_span)))
    middle_y = (_mercator_y(north) + _mercator_y(south)) / 2
    latitude = math.degrees(2 * math.atan(math.exp(middle_y)) - math.pi / 2)
    return {"latitude": round(latitude, 4), "longitude": round((west + east) / 2, 4), "zoom": round(min(zoom, 12), 2)}


if __name__ == "__main__":
    for path in write_map_files().values():
        print(f"{path.relative_to(GEO_DIR.parent)}: {path.stat().st_size / 1e3:,.0f} kB")
