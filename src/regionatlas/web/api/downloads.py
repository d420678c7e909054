"""Downloads of map tables and flows (CSV, CSV for German Excel, XLSX, GeoJSON, GeoPackage)
with attribution, written by ``regionatlas.exports``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from regionatlas import exports
from regionatlas.web import downloads
from regionatlas.web.api.deps import ERRORS, AtlasDep, FlowLevel, MapLevel, Period
from regionatlas.web.atlas import Atlas

router = APIRouter(tags=["downloads"], responses=ERRORS)
Fmt = Annotated[
    str, Path(pattern="^(csv|xlsx|geojson|gpkg)$", description="csv, xlsx, geojson, gpkg")
]


def _file(
    atlas: Atlas, key: tuple[str, ...], table: Callable[[], exports.ExportTable], fmt: str
) -> Response:
    """The file written once per store version (bounded: evicted oldest first)."""

    def write() -> tuple[str, bytes]:
        t = table()
        return t.name, exports.to_bytes(t, fmt)

    name, body = atlas.cached(("download", *key, fmt), write, bounded=True)
    return Response(
        body,
        media_type=exports.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


def _indicator(atlas: Atlas, indicator: str, level: str, period: str, fmt: str) -> Response:
    key = ("indicator", indicator, level, period)
    return _file(
        atlas, key, lambda: downloads.indicator_table(atlas, indicator, level, period), fmt
    )


def _flows(atlas: Atlas, level: str, period: str, fmt: str) -> Response:
    key = ("flows", level, period)
    return _file(atlas, key, lambda: downloads.flows_table(atlas, level, period), fmt)


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
    indicator: str, level: MapLevel, period: Period, fmt: Fmt, atlas: AtlasDep
) -> Response:
    return _indicator(atlas, indicator, level, period, fmt)


@router.get(
    "/downloads/flows/{level}/{period}.{fmt}",
    summary="Commuter flows of a level as a file",
    response_class=Response,
)
def flows_download(level: FlowLevel, period: Period, fmt: Fmt, atlas: AtlasDep) -> Response:
    return _flows(atlas, level, period, fmt)
