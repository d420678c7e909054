"""Map data: geometries (simplified, WGS84) and classified thematic maps as GeoJSON."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from regionatlas.errors import ParameterError
from regionatlas.web.api.deps import (
    ERRORS,
    AtlasDep,
    IndicatorPath,
    MapLevel,
    Period,
    cached,
)
from regionatlas.web.classify import METHODS, PALETTES

router = APIRouter(tags=["maps"], responses=ERRORS)


@router.get("/geometry/{level}.geojson", summary="Unit outlines of a level (WGS84, simplified)")
def get_geometry(
    level: Annotated[Literal["land", "kreis", "gemeinde"], Path(description="unit level")],
    atlas: AtlasDep,
) -> Response:
    return cached(atlas, ("geometry", level), lambda: atlas.geometry(level))


@router.get("/outline.geojson", summary="Outline of the region's core")
def get_outline(atlas: AtlasDep) -> Response:
    return cached(atlas, "outline", atlas.outline)


# a finite number: at most 15 digits before and after the point and a two-digit exponent
NUMBER = r"-?(\d{1,15}(\.\d{0,15})?|\.\d{1,15})([eE][+-]?\d{1,2})?"
BREAKS_PATTERN = rf"^{NUMBER}(,{NUMBER}){{0,19}}$"


def parse_breaks(text: str | None) -> list[float] | None:
    """Comma-separated finite numbers (NaN, inf and overflowing values such as 1e400 are
    refused with a ParameterError)."""
    if not text:
        return None
    try:
        values = [float(x) for x in text.split(",") if x.strip()]
    except ValueError as exc:
        raise ParameterError(
            "breaks are not numbers", value=text, expected="e.g. 1000,5000,20000"
        ) from exc
    if not all(math.isfinite(v) for v in values):
        raise ParameterError(
            "breaks must be finite numbers", value=text, expected="e.g. 1000,5000,20000"
        )
    return values


@router.get(
    "/maps/{indicator}/{level}/{period}.geojson",
    summary="A classified thematic map: features with value, flag, class and colour",
)
def get_map(
    indicator: IndicatorPath,
    level: MapLevel,
    period: Period,
    atlas: AtlasDep,
    method: Annotated[
        str,
        Query(
            pattern="^(" + "|".join(METHODS) + ")$",
            json_schema_extra={"enum": list(METHODS)},
            description="classification; manual needs breaks",
        ),
    ] = "quantiles",
    k: Annotated[int, Query(ge=2, le=9)] = 5,
    breaks: Annotated[
        str | None,
        Query(
            pattern=BREAKS_PATTERN,
            max_length=2000,
            description="manual: inner breaks, comma-separated finite numbers",
        ),
    ] = None,
    scheme: Annotated[
        str,
        Query(
            pattern="^(" + "|".join(PALETTES) + ")$",
            json_schema_extra={"enum": list(PALETTES)},
            description="colour scheme",
        ),
    ] = "viridis",
) -> Response:
    def compute() -> dict[str, Any]:
        c = atlas.classified(indicator, level, period, method, k, parse_breaks(breaks), scheme)
        geo = atlas.geometry(level)
        by_ags = {r["ags"]: (r, cls) for r, cls in zip(c["rows"], c["classes"], strict=True)}
        colours = c["classification"]["colours"]
        features = []
        for f in geo["features"]:
            row, cls = by_ags.get(f["properties"]["ags"], ({}, -1))
            props = {
                **f["properties"],
                "value": row.get("value"),
                "flag": row.get("flag"),
                "class": cls,
                "colour": colours[cls] if cls >= 0 else None,
            }
            features.append({**f, "properties": props})
        return {
            "type": "FeatureCollection",
            "features": features,
            "indicator": indicator,
            "level": level,
            "period": c["period"],
            "classification": c["classification"],
            "references": c["references"],
            "attribution": atlas.attributions(),
        }

    key = ("map", indicator, level, period, method, k, breaks, scheme)
    return cached(atlas, key, compute, bounded=True)
