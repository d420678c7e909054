"""Downloads of map tables and flows (CSV, XLSX, GeoJSON, GeoPackage) with attribution."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path
from fastapi.responses import Response

from regionatlas.web import downloads
from regionatlas.web.api.deps import ERRORS, AtlasDep, FlowLevel, IndicatorPath, MapLevel, Period

router = APIRouter(tags=["downloads"], responses=ERRORS)
Fmt = Annotated[
    Literal["csv", "xlsx", "geojson", "gpkg"], Path(description="csv, xlsx, geojson, gpkg")
]


def _file(body: bytes, fmt: str, name: str) -> Response:
    return Response(
        body,
        media_type=downloads.FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


@router.get(
    "/downloads/indicator/{indicator}/{level}/{period}.{fmt}",
    summary="An indicator's map table as a file",
    response_class=Response,
)
def indicator_download(
    indicator: IndicatorPath, level: MapLevel, period: Period, fmt: Fmt, atlas: AtlasDep
) -> Response:
    frame, geo, sources = downloads.indicator_table(atlas, indicator, level, period)
    per = frame["period"].iloc[0] if len(frame) else period
    name = f"{indicator}_{level}_{per}"
    return _file(downloads.serialise(frame, geo, ["ags"], sources, fmt, name), fmt, name)


@router.get(
    "/downloads/flows/{level}/{period}.{fmt}",
    summary="Commuter flows of a level as a file",
    response_class=Response,
)
def flows_download(level: FlowLevel, period: Period, fmt: Fmt, atlas: AtlasDep) -> Response:
    frame, geo, sources = downloads.flows_table(atlas, level, period)
    name = f"flows_{level}_{atlas.resolve_flow_period(period)}"
    body = downloads.serialise(frame, geo, ["origin", "destination"], sources, fmt, name)
    return _file(body, fmt, name)
