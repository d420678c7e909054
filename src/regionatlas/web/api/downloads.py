"""Downloads of map tables and flows (CSV, CSV for German Excel, XLSX, GeoJSON, GeoPackage)
with attribution, written by ``regionatlas.exports``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path
from fastapi.responses import Response

from regionatlas import exports
from regionatlas.web import downloads
from regionatlas.web.api.deps import (
    ERRORS,
    AtlasDep,
    FlowLevel,
    IndicatorPath,
    MapLevel,
    Period,
    accepts_gzip,
)
from regionatlas.web.atlas import Atlas

router = APIRouter(tags=["downloads"], responses=ERRORS)
Fmt = Annotated[
    Literal["csv", "xlsx", "geojson", "gpkg"], Path(description="csv, xlsx, geojson, gpkg")
]


def _send(name_body: tuple[str, bytes], fmt: str, packed: bool) -> Response:
    name, body = name_body
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if packed:
        headers |= {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
    return Response(body, media_type=exports.MEDIA_TYPES[fmt], headers=headers)


def _indicator(atlas: Atlas, indicator: str, level: str, period: str, fmt: str) -> Response:
    packed = accepts_gzip()
    return _send(
        downloads.indicator_file(atlas, indicator, level, period, fmt, packed), fmt, packed
    )


def _flows(atlas: Atlas, level: str, period: str, fmt: str) -> Response:
    packed = accepts_gzip()
    return _send(downloads.flows_file(atlas, level, period, fmt, packed), fmt, packed)


# The German-Excel CSV first: "{period}.{fmt}" would read "….excel.csv" as period "….excel".
@router.get(
    "/downloads/indicator/{indicator}/{level}/{period}.excel.csv",
    summary="An indicator's map table as CSV for German Excel (BOM, ';', decimal comma)",
    response_class=Response,
)
def indicator_download_excel(
    indicator: str, level: MapLevel, period: Period, atlas: AtlasDep
) -> Response:
    return _indicator(atlas, indicator, level, period, "excel.csv")


@router.get(
    "/downloads/flows/{level}/{period}.excel.csv",
    summary="Commuter flows of a level as CSV for German Excel (BOM, ';', decimal comma)",
    response_class=Response,
)
def flows_download_excel(level: FlowLevel, period: Period, atlas: AtlasDep) -> Response:
    return _flows(atlas, level, period, "excel.csv")


@router.get(
    "/downloads/indicator/{indicator}/{level}/{period}.{fmt}",
    summary="An indicator's map table as a file",
    response_class=Response,
)
def indicator_download(
    indicator: IndicatorPath, level: MapLevel, period: Period, fmt: Fmt, atlas: AtlasDep
) -> Response:
    return _indicator(atlas, indicator, level, period, fmt)


@router.get(
    "/downloads/flows/{level}/{period}.{fmt}",
    summary="Commuter flows of a level as a file",
    response_class=Response,
)
def flows_download(level: FlowLevel, period: Period, fmt: Fmt, atlas: AtlasDep) -> Response:
    return _flows(atlas, level, period, fmt)
