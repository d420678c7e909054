"""The search page (server-side results; the static export filters in the browser)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from regionatlas.web.api.deps import AtlasDep
from regionatlas.web.atlas import Atlas
from regionatlas.web.pages.render import cached_html, check_lang, page
from regionatlas.web.search import search_units

router = APIRouter()


def search_page_body(atlas: Atlas, lang: str, q: str = "") -> str:
    results = search_units(atlas.units(), q, 50, atlas.search_index()) if q else None
    return page(None, "search.html", lang, "search/", atlas, q=q, results=results)


@router.get("/{lang}/search/")
def search_page(lang: str, atlas: AtlasDep, q: Annotated[str, Query(max_length=100)] = ""):
    lang = check_lang(lang)
    return cached_html(
        atlas, ("search", lang, q), lambda: search_page_body(atlas, lang, q), bounded=True
    )
