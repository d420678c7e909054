"""'About the data': every import batch with publisher, licence, vintage and import time."""

from __future__ import annotations

from fastapi import APIRouter

from regionatlas.web.api.deps import AtlasDep
from regionatlas.web.pages.render import check_lang, html, page
from regionatlas.web.source_kinds import KINDS, kinds_present, source_kind

router = APIRouter()


def about_page_body(atlas, lang: str) -> str:
    batches = [{**b, "kind": source_kind(b)} for b in atlas.batches()]
    kinds = kinds_present(batches)
    # the municipal flows the atlas models on the fly (no batch of their own) are a source too
    if "modelled" not in kinds and _models_municipal_flows(atlas):
        kinds = [k for k in KINDS if k in {*kinds, "modelled"}]
    return page(None, "about.html", lang, "about/", atlas, batches=batches, kinds=kinds)


def _models_municipal_flows(atlas) -> bool:
    from regionatlas.web import functional

    return functional.available(atlas) and functional.flow_basis(atlas).estimated


@router.get("/{lang}/about/")
def about_page(lang: str, atlas: AtlasDep):
    return html(about_page_body(atlas, check_lang(lang)))
