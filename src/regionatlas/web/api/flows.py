"""Commuter flows: lines for the flow map, filtered tables, one unit's in- and out-flows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from regionatlas.web import flow_municipal, flowmap
from regionatlas.web.api.deps import ERRORS, AgsPath, AtlasDep, FlowLevel, Period, cached, js
from regionatlas.web.atlas import Atlas

router = APIRouter(tags=["flows"], responses=ERRORS)
KeyQuery = Annotated[
    str | None, Query(pattern=r"^(\d{2}|\d{5}|\d{8})$", description="AGS of a Land/Kreis/Gemeinde")
]


def lines_answer(atlas: Atlas, level: str, period: str | None) -> tuple[Any, Callable[[], Any]]:
    """(cache key, payload) of a level's flow lines (the start-up warm-up uses it too)."""
    per = atlas.resolve_flow_period(period)
    return ("lines", level, per), lambda: atlas.flow_lines(level, per)


def compact_answer(atlas: Atlas, level: str, period: str | None) -> tuple[Any, Callable[[], Any]]:
    """(cache key, payload) of the flow map's compact data of a level; municipalities: the
    stored flows or the region's modelled municipal flows (labelled, web.flow_municipal)."""
    if level == "gemeinde":
        asked = period or "latest"
        per = None if asked == "latest" else asked
        return ("compact", level, asked), lambda: flow_municipal.compact(atlas, per)
    per = atlas.resolve_flow_period(period)
    return ("compact", level, per), lambda: atlas.flow_compact(level, per)


@router.get("/flows.json", summary="Flow periods and levels available")
def flow_meta(atlas: AtlasDep) -> Response:
    return js({"periods": atlas.flow_periods(), "levels": atlas.flow_levels()})


@router.get(
    "/flows/{level}/{period}.geojson",
    summary="All flows of a level as curved lines (o, d, p = persons, ck/cl = cross-border)",
)
def flow_lines(level: FlowLevel, period: Period, atlas: AtlasDep) -> Response:
    return cached(atlas, *lines_answer(atlas, level, period))


@router.get(
    "/flows/{level}/{period}/compact.json",
    summary="The flow map's data: points, names and [origin, destination, persons, flag] rows",
)
def flow_compact(level: FlowLevel, period: Period, atlas: AtlasDep) -> Response:
    return cached(atlas, *compact_answer(atlas, level, period))


@router.get("/flows/{level}/{period}.json", summary="Flows as rows, filtered and ranked")
def flow_rows(
    level: FlowLevel,
    period: Period,
    atlas: AtlasDep,
    min: Annotated[float, Query(ge=0, description="minimum persons")] = 0,
    origin: KeyQuery = None,
    destination: KeyQuery = None,
    unit: KeyQuery = None,
    cross: Annotated[
        Literal["any", "kreis", "land"], Query(description="only flows crossing this border")
    ] = "any",
    limit: Annotated[int, Query(ge=1, le=100_000)] = 1000,
) -> Response:
    for key in (origin, destination, unit):
        if key:
            atlas.check_key(key)

    def compute() -> dict:
        f = flowmap.select(
            atlas.flows_classified(level, period),
            min_persons=min,
            origin=origin,
            destination=destination,
            unit=unit,
            cross=cross,
        )
        f = f.sort_values("persons", ascending=False, na_position="last")
        names = atlas.all_names(level)
        rows = [
            {
                "origin": r["origin"],
                "origin_name": names.get(r["origin"], r["origin"]),
                "destination": r["destination"],
                "destination_name": names.get(r["destination"], r["destination"]),
                "persons": None if r["persons"] != r["persons"] else float(r["persons"]),
                "flag": r["flag"] if isinstance(r["flag"], str) else None,
                "cross_kreis": bool(r["cross_kreis"]),
                "cross_land": bool(r["cross_land"]),
            }
            for r in f.head(limit).to_dict("records")
        ]
        return {
            "level": level,
            "period": atlas.resolve_flow_period(period),
            "total_rows": len(f),
            "rows": rows,
        }

    cache_key = ("query", "flow_rows", level, period, min, origin, destination, unit, cross, limit)
    return cached(atlas, cache_key, compute)


@router.get(
    "/flows/{level}/{period}/units/{ags}.json",
    summary="In- and out-flows of one unit, ranked (the 'spider')",
)
def unit_flows(
    level: FlowLevel,
    period: Period,
    ags: AgsPath,
    atlas: AtlasDep,
    top: Annotated[int, Query(ge=1, le=500)] = 20,
) -> Response:
    atlas.unit(ags)

    def compute() -> dict:
        f = atlas.unit_flows(level, ags, period)
        return flowmap.ranked(f, ags, atlas.all_names(level), top)

    return cached(atlas, ("query", "unit_flows", level, period, ags, top), compute)
