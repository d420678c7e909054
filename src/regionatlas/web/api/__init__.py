"""The JSON API, one module per resource; all routers mounted under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter

from regionatlas.web.api import (
    about,
    downloads,
    flows,
    impact,
    indicators,
    labels,
    maps,
    regions,
    scenarios,
    surveys,
    units,
)

router = APIRouter()
MODULES = (
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
    impact,
)
for _module in MODULES:
    router.include_router(_module.router)
