"""'About the data': every import batch with publisher, licence, vintage and import time."""

from __future__ import annotations

from fastapi import APIRouter

from regionatlas.web.api.deps import AtlasDep
from regionatlas.web.pages.render import check_lang, html, page
from regionatlas.web.source_kinds import kinds_present, source_kind

router = APIRouter()


def about_page_body(atlas, lang: str) -> str:
    batches = [{**b, "kind": source_kind(b)} for b in atlas.batches()]
    return page(
        None, "about.html", lang, "about/", atlas, batches=batches, kinds=kinds_present(batches)
    )


@router.get("/{lang}/about/")
def about_page(lang: str, atlas: AtlasDep):
    return html(about_page_body(atlas, check_lang(lang)))
