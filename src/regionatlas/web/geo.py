"""Geometry for the browser: simplified, reprojected GeoJSON, label points and flow arcs.

Pure functions over (Geo)DataFrames; the store keeps geometries in ETRS89/UTM32 (EPSG:25832),
the web map wants WGS84 (EPSG:4326) with few vertices.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import shapely

from regionatlas.model.schema import STORE_CRS, WEB_CRS

# Simplification tolerance in metres by level (VG5000 is already generalised for 1:5 M).
TOLERANCE_M = {"land": 800.0, "kreis": 250.0, "gemeinde": 80.0}
PRECISION = 1e-5  # ~1 m in degrees: 5 decimals are enough for a web map


def _transformer():
    from pyproj import Transformer

    return Transformer.from_crs(STORE_CRS, WEB_CRS, always_xy=True)


def to_web(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify (topology-preserving per polygon) in metres, then reproject to EPSG:4326."""
    simplified = shapely.simplify(geoms, tolerance, preserve_topology=True)
    tr = _transformer()
    out = shapely.transform(
        simplified, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1]))
    )
    return shapely.set_precision(out, PRECISION)


def label_points(geoms: np.ndarray) -> np.ndarray:
    """A point inside every polygon (store CRS), reprojected to lon/lat, rounded."""
    pts = shapely.point_on_surface(geoms)
    tr = _transformer()
    x, y = tr.transform(shapely.get_x(pts), shapely.get_y(pts))
    return np.round(np.column_stack([x, y]), 5)


def feature_collection(
    geoms: np.ndarray, properties: list[dict[str, Any]], extra: dict | None = None
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection from web-CRS geometries and their properties."""
    texts = shapely.to_geojson(geoms)
    features = [
        {"type": "Feature", "id": i, "geometry": json.loads(t), "properties": p}
        for i, (t, p) in enumerate(zip(texts, properties, strict=True))
        if t is not None
    ]
    out: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if extra:
        out.update(extra)
    return out


def bbox(geoms: np.ndarray) -> list[float]:
    """[west, south, east, north] of web-CRS geometries."""
    b = shapely.total_bounds(geoms)
    return [round(float(v), 5) for v in b]


def arc(
    a: tuple[float, float], b: tuple[float, float], bend: float = 0.18, n: int = 12
) -> list[list[float]]:
    """A quadratic curve from a to b bending to the right of the direction of travel.

    Bending right keeps A->B and B->A apart, so both directions of a pair stay visible.
    Works in a local equirectangular plane (fine at the scale of a region).
    """
    (x0, y0), (x1, y1) = a, b
    k = math.cos(math.radians((y0 + y1) / 2))
    dx, dy = (x1 - x0) * k, y1 - y0
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    # right-hand normal of (dx, dy) is (dy, -dx)
    cx, cy = mx + bend * dy / k, my - bend * dx
    pts = []
    for i in range(n + 1):
        t = i / n
        u = 1 - t
        pts.append(
            [
                round(u * u * x0 + 2 * u * t * cx + t * t * x1, 5),
                round(u * u * y0 + 2 * u * t * cy + t * t * y1, 5),
            ]
        )
    return pts
