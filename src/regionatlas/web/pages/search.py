"""The search page (server-side results; the static export filters in the browser)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from regionatlas.web.api.deps import AtlasDep
from regionatlas.web.atlas import Atlas
from regionatlas.web.pages.render import check_lang, page, page_bytes, send_html
from regionatlas.web.search import search_units

router = APIRouter()


def search_page_body(atlas: Atlas, lang: str, q: str = "") -> str:
    results = search_units(atlas.units(), q, 50, atlas.search_index()) if q else None
    return page(None, "search.html", lang, "search/", atlas, q=q, results=results)


def search_page_bytes(atlas: Atlas, lang: str, q: str) -> tuple[bytes, bytes]:
    """The page as sent (HTML, gzip), once per store version and query (bounded)."""
    return page_bytes(atlas, ("search", lang, q), lambda: search_page_body(atlas, lang, q), True)


@router.get("/{lang}/search/")
def search_page(lang: str, atlas: AtlasDep, q: Annotated[str, Query(max_length=100)] = ""):
    return send_html(search_page_bytes(atlas, check_lang(lang), q))
