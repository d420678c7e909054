"""'About the data': every import batch with publisher, licence, vintage and import time."""

from __future__ import annotations

from fastapi import APIRouter

from regionatlas.web.api.deps import AtlasDep
from regionatlas.web.atlas import Atlas
from regionatlas.web.pages.render import check_lang, page, page_bytes, send_html
from regionatlas.web.source_kinds import KINDS, kinds_present, source_kind

router = APIRouter()


def about_page_body(atlas: Atlas, lang: str) -> str:
    batches = [{**b, "kind": source_kind(b)} for b in atlas.batches()]
    kinds = kinds_present(batches)
    # the municipal flows the atlas models on the fly (no batch of their own) are a source too
    if "modelled" not in kinds and _models_municipal_flows(atlas):
        kinds = [k for k in KINDS if k in {*kinds, "modelled"}]
    return page(None, "about.html", lang, "about/", atlas, batches=batches, kinds=kinds)


def _models_municipal_flows(atlas: Atlas) -> bool:
    from regionatlas.web import functional

    return functional.available(atlas) and functional.flow_basis(atlas).estimated


def about_page_bytes(atlas: Atlas, lang: str) -> tuple[bytes, bytes]:
    """The page as sent (HTML, gzip), rendered once per store version (start-up warm-up)."""
    return page_bytes(atlas, ("about", lang), lambda: about_page_body(atlas, lang))


@router.get("/{lang}/about/")
def about_page(lang: str, atlas: AtlasDep):
    return send_html(about_page_bytes(atlas, check_lang(lang)))
