"""Import batches: publisher, licence, vintage, import time — the 'about the data' facts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from regionatlas.web.api.deps import ERRORS, AtlasDep, cached, js

router = APIRouter(tags=["about"], responses=ERRORS)


@router.get("/meta.json", summary="The atlas: region, levels, periods, attributions")
def meta(atlas: AtlasDep) -> Response:
    return cached(
        atlas,
        ("meta",),
        lambda: {
            "region": atlas.region_name,
            "levels": atlas.levels(),
            "flow_levels": atlas.flow_levels() if atlas.flow_periods() else [],
            "flow_periods": atlas.flow_periods(),
            "attributions": atlas.attributions(),
        },
    )


@router.get("/batches.json", summary="All import batches")
def list_batches(atlas: AtlasDep) -> Response:
    return js(atlas.batches())


@router.get("/batches/{batch_id}.json", summary="One import batch")
def get_batch(
    batch_id: Annotated[int, Path(ge=1, le=2**31 - 1, description="batch id")], atlas: AtlasDep
) -> Response:
    from dataclasses import asdict

    return js(asdict(atlas.store.batch(batch_id)))
