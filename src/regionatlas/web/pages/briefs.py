"""Argumentationshilfen as pages (and the HTML the PDF writer renders)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Path

from regionatlas.web import impact
from regionatlas.web.api.deps import AgsPath, AtlasDep
from regionatlas.web.brief_pdf import brief_pdf_html
from regionatlas.web.pages.render import check_lang, html, page

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas

router = APIRouter()
__all__ = ["brief_pdf_html", "router"]
LmaId = Annotated[int, Path(ge=1, le=100000)]


def brief_path(brief: dict[str, Any]) -> str:
    if brief["kind"] == "corridor":
        a, b = brief["key"].split("-")
        return f"brief/corridor/{a}/{b}/"
    if brief["kind"] == "lma":
        return f"brief/lma/{brief['key']}/"
    return f"brief/{brief['key']}/"


def brief_page_body(atlas: Atlas, lang: str, brief: dict[str, Any]) -> str:
    return page(None, "brief.html", lang, brief_path(brief), atlas, b=brief)


def brief_index_body(atlas: Atlas, lang: str) -> str:
    names = atlas.names()
    core = [{"ags": a, "name": names.get(a, a)} for a in sorted(atlas.scope.core)]
    return page(None, "brief_index.html", lang, "brief/", atlas, core=core)


@router.get("/{lang}/brief/")
def brief_index(lang: str, atlas: AtlasDep):
    return html(brief_index_body(atlas, check_lang(lang)))


@router.get("/{lang}/brief/corridor/{a}/{b}/")
def corridor_page(lang: str, a: AgsPath, b: AgsPath, atlas: AtlasDep):
    return html(brief_page_body(atlas, check_lang(lang), impact.corridor_brief(atlas, a, b)))


@router.get("/{lang}/brief/lma/{lma_id}/")
def lma_page(lang: str, lma_id: LmaId, atlas: AtlasDep):
    return html(brief_page_body(atlas, check_lang(lang), impact.lma_brief(atlas, lma_id)))


@router.get("/{lang}/brief/{ags}/")
def unit_page(lang: str, ags: AgsPath, atlas: AtlasDep):
    return html(brief_page_body(atlas, check_lang(lang), impact.unit_brief(atlas, ags)))
