"""Place names with label points for the maps, largest places first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from regionatlas.web.api.deps import ERRORS, AtlasDep, cached
from regionatlas.web.labels import labels

router = APIRouter(tags=["maps"], responses=ERRORS)


@router.get(
    "/labels/{level}.json",
    summary="Place names and label points of a level, the most populous first",
)
def get_labels(
    level: Annotated[str, Path(pattern="^(land|kreis|gemeinde)$")], atlas: AtlasDep
) -> Response:
    return cached(atlas, ("labels", level), lambda: labels(atlas, level))
