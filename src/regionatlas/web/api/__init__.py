"""The JSON API, one module per resource; all routers mounted under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter

from regionatlas.web.api import (
    about,
    downloads,
    flows,
    indicators,
    labels,
    maps,
    regions,
    scenarios,
    surveys,
    units,
)

router = APIRouter()
for _module in (
    units,
    indicators,
    maps,
    labels,
    flows,
    regions,
    scenarios,
    surveys,
    downloads,
    about,
):
    router.include_router(_module.router)
