"""Quảng Ninh's district polygons from its 2009 districts, in place of the Voronoi cells we had.

No open source has Quảng Ninh's 2021 district polygons. The 2009 ones (geo/quang_ninh_districts_2009.geojson,
see geo/SOURCES.md) are real: Hoành Bồ is dissolved into Hạ Long (GSO 193), as it was on 1/1/2020, and the
other 12 match the 2021 districts by name (Đông Triều and Quảng Yên changed type, not boundary).

The 2009 layer is coarse and its coast does not follow the 2021 province outline (the union of Quảng Ninh's
districts in districts_2021.geojson, which the neighbours' official polygons bound). So each 2009 polygon is
clipped to the outline, and the part of the outline no 2009 polygon covers goes to the nearest district
(nearest 2009 border). The districts then tile the outline exactly: no gap, no overlap, no neighbour touched.

    python -m geo.quang_ninh    # rewrite Quảng Ninh's 13 features of geo/districts_2021.geojson
"""
from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

GEO_DIR = Path(__file__).resolve().parent
DISTRICTS_2009 = GEO_DIR / "quang_ninh_districts_2009.geojson"
DISTRICTS_2021 = GEO_DIR / "districts_2021.geojson"
PROVINCE = "22"
HA_LONG = "Thành phố Hạ Long"
MERGED_INTO_HA_LONG = "Huyện Hoành Bồ"  # Resolution 837/NQ-UBTVQH14, in force 1/1/2020
BOUNDARY_SOURCE = ("approximate: 2009 district polygons (censusVN2009 by Marc Choisy, MIT; WHO-Vietnam/VIETGIS), "
                   "Hoành Bồ dissolved into Hạ Long, clipped and filled to the 2021 province outline")
SAMPLE_STEP = 0.005  # degrees (about 500 m) between the border points the fill assigns by


def bare_name(name: str) -> str:
    """'Thị xã Đông Triều' -> 'Đông Triều': the unit type changes over the years, the name does not."""
    for prefix in ("Thành phố ", "Thị xã ", "Huyện ", "Quận "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def districts_2009_by_code(codes_by_name: dict[str, str]) -> gpd.GeoDataFrame:
    """The 2009 polygons as the 2021 districts: code, geometry (Hoành Bồ inside Hạ Long)."""
    frame = gpd.read_file(DISTRICTS_2009)
    names = frame["district_vn"].replace({MERGED_INTO_HA_LONG: HA_LONG}).map(bare_name)
    unknown = sorted(set(names) - set(codes_by_name))
    if unknown:
        raise ValueError(f"2009 districts without a 2021 district of the same name: {unknown}")
    frame = frame.assign(code=names.map(codes_by_name))
    frame.geometry = shapely.make_valid(frame.geometry.values)
    return frame[["code", "geometry"]].dissolve(by="code", as_index=False)


def fitted_polygons(old: gpd.GeoDataFrame, outline) -> dict[str, object]:
    """Code -> polygon: the 2009 polygons clipped to `outline`, plus the uncovered rest by nearest 2009 border."""
    clipped = {code: shapely.intersection(geometry, outline) for code, geometry in zip(old["code"], old.geometry)}
    rest = shapely.difference(outline, shapely.union_all(list(clipped.values())))
    points, owners = [], []
    for code, geometry in clipped.items():
        border = shapely.boundary(geometry)
        count = max(4, int(shapely.length(border) / SAMPLE_STEP))
        samples = shapely.line_interpolate_point(border, np.linspace(0, 1, count), normalized=True)
        points.extend(samples)
        owners.extend([code] * len(samples))
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=shapely.buffer(outline, 0.5))
    cells = shapely.get_parts(cells)
    tree = shapely.STRtree(points)
    fitted = dict(clipped)
    for cell in cells:
        piece = shapely.intersection(cell, rest)
        if shapely.is_empty(piece):
            continue
        owner = owners[tree.nearest(shapely.point_on_surface(cell))]  # any point of a cell is nearest its seed
        fitted[owner] = shapely.union(fitted[owner], piece)
    return {code: shapely.make_valid(geometry) for code, geometry in fitted.items()}


def rewrite(path: Path = DISTRICTS_2021) -> None:
    """Replace Quảng Ninh's features of the district file with the fitted 2009 polygons (other lines unchanged)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    features = {index: json.loads(line.rstrip(",")) for index, line in enumerate(lines)
                if line.startswith('{"type":"Feature"')}
    ours = {index: feature for index, feature in features.items()
            if feature["properties"]["province_code"] == PROVINCE}
    outline = shapely.make_valid(shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in ours.values()]))
    codes_by_name = {bare_name(f["properties"]["district_name"]): f["properties"]["district_code"]
                     for f in ours.values()}
    polygons = fitted_polygons(districts_2009_by_code(codes_by_name), outline)
    for index, feature in ours.items():
        geometry = shapely.set_precision(polygons[feature["properties"]["district_code"]], 1e-5)
        feature["geometry"] = json.loads(shapely.to_geojson(geometry))
        feature["properties"]["boundary_source"] = BOUNDARY_SOURCE
        comma = "," if lines[index].endswith(",") else ""
        lines[index] = json.dumps(feature, ensure_ascii=False, separators=(",", ":")) + comma
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    rewrite()
