"""Server-rendered pages, one module per view; thin over the same Atlas the API uses.

Every page lives at ``/{lang}/…/`` and links with relative URLs, so the static export can
write the same pages as files.
"""

from __future__ import annotations

from fastapi import APIRouter

from regionatlas.web.pages import (
    about,
    briefs,
    flows,
    impact,
    maps,
    profiles,
    regions,
    scenarios,
    search,
    toolkit,
)

router = APIRouter(include_in_schema=False)
for _module in (maps, flows, regions, scenarios, profiles, search, about, impact, toolkit, briefs):
    router.include_router(_module.router)
