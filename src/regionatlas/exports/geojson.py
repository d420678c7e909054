"""GeoJSON (RFC 7946, WGS 84) with members ``attribution``, ``licence`` and ``sources``."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd
import shapely

from regionatlas.exports.table import ExportTable, geo_frame, sources_frame

WEB_CRS = "EPSG:4326"


def _plain(v: Any) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def geojson_bytes(table: ExportTable) -> bytes:
    g = geo_frame(table)
    if g.crs is not None and not g.crs.equals(WEB_CRS):
        g = g.to_crs(WEB_CRS)
    props = g.drop(columns=g.geometry.name)
    features = []
    for geom, row in zip(g.geometry, props.itertuples(index=False), strict=True):
        features.append(
            {
                "type": "Feature",
                "geometry": None if geom is None else json.loads(shapely.to_geojson(geom)),
                "properties": {c: _plain(v) for c, v in zip(props.columns, row, strict=True)},
            }
        )
    sources = [
        {k: _plain(v) for k, v in r.items()} for r in sources_frame(table).to_dict("records")
    ]
    doc = {
        "type": "FeatureCollection",
        "name": table.name,
        "attribution": table.attribution,
        "licence": table.licence,
        "sources": sources,
        "features": features,
    }
    return json.dumps(doc, ensure_ascii=False, allow_nan=False).encode("utf-8")
