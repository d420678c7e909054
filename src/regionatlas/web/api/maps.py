"""Map data: geometries (simplified, WGS84) and classified thematic maps as GeoJSON."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from regionatlas.errors import ParameterError
from regionatlas.web.api.deps import ERRORS, AtlasDep, MapLevel, Period, cached
from regionatlas.web.classify import METHODS, PALETTES

router = APIRouter(tags=["maps"], responses=ERRORS)


@router.get("/geometry/{level}.geojson", summary="Unit outlines of a level (WGS84, simplified)")
def get_geometry(
    level: Annotated[str, Path(pattern="^(land|kreis|gemeinde)$")], atlas: AtlasDep
) -> Response:
    return cached(atlas, ("geometry", level), lambda: atlas.geometry(level))


@router.get("/outline.geojson", summary="Outline of the region's core")
def get_outline(atlas: AtlasDep) -> Response:
    return cached(atlas, "outline", atlas.outline)


def parse_breaks(text: str | None) -> list[float] | None:
    if not text:
        return None
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError as exc:
        raise ParameterError(
            f"breaks {text!r} are not numbers", value=text, expected="e.g. 1000,5000,20000"
        ) from exc


@router.get(
    "/maps/{indicator}/{level}/{period}.geojson",
    summary="A classified thematic map: features with value, flag, class and colour",
)
def get_map(
    indicator: str,
    level: MapLevel,
    period: Period,
    atlas: AtlasDep,
    method: Annotated[str, Query(pattern="^(" + "|".join(METHODS) + ")$")] = "quantiles",
    k: Annotated[int, Query(ge=2, le=9)] = 5,
    breaks: Annotated[
        str | None, Query(description="manual: inner breaks, comma-separated")
    ] = None,
    scheme: Annotated[str, Query(pattern="^(" + "|".join(PALETTES) + ")$")] = "viridis",
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
