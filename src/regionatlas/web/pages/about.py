"""'About the data': every import batch with publisher, licence, vintage and import time."""

from __future__ import annotations

from fastapi import APIRouter

from regionatlas.web.api.deps import AtlasDep
from regionatlas.web.atlas import Atlas
from regionatlas.web.pages.render import cached_html, check_lang, page

router = APIRouter()


def about_page_body(atlas: Atlas, lang: str) -> str:
    return page(None, "about.html", lang, "about/", atlas, batches=atlas.batches())


@router.get("/{lang}/about/")
def about_page(lang: str, atlas: AtlasDep):
    lang = check_lang(lang)
    return cached_html(atlas, ("about", lang), lambda: about_page_body(atlas, lang))
