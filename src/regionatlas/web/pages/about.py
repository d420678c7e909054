"""'About the data': every import batch with publisher, licence, vintage and import time."""

from __future__ import annotations

from fastapi import APIRouter

from regionatlas.web.api.deps import AtlasDep
from regionatlas.web.atlas import Atlas
from regionatlas.web.pages.render import check_lang, page, page_bytes, send_html

router = APIRouter()


def about_page_body(atlas: Atlas, lang: str) -> str:
    return page(None, "about.html", lang, "about/", atlas, batches=atlas.batches())


def about_page_bytes(atlas: Atlas, lang: str) -> tuple[bytes, bytes]:
    """The page as sent (HTML, gzip), rendered once per store version (start-up warm-up)."""
    return page_bytes(atlas, ("about", lang), lambda: about_page_body(atlas, lang))


@router.get("/{lang}/about/")
def about_page(lang: str, atlas: AtlasDep):
    return send_html(about_page_bytes(atlas, check_lang(lang)))
