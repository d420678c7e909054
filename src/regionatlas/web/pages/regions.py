"""Functional regions: Leiden communities of the commuter flows, as a map and a table."""

from __future__ import annotations

from fastapi import APIRouter

from regionatlas.errors import NotFoundError
from regionatlas.web.api.deps import AtlasDep
from regionatlas.web.pages.render import check_lang, html, page

router = APIRouter()
# Okabe-Ito: a qualitative palette distinguishable with colour-vision deficiencies
QUALITATIVE = [
    "#e69f00",
    "#56b4e9",
    "#009e73",
    "#f0e442",
    "#0072b2",
    "#d55e00",
    "#cc79a7",
    "#999999",
]


def regions_page_body(atlas, lang: str) -> str:
    result, groups = None, []
    if atlas.flow_periods() and "kreis" in atlas.flow_levels():
        try:
            result = atlas.communities("kreis")
        except NotFoundError:
            result = None
    if result:
        names = atlas.names()
        by: dict[int, list] = {}
        for ags, c in sorted(result["clusters"].items()):
            by.setdefault(c, []).append({"ags": ags, "name": names.get(ags, ags)})
        groups = [
            {"id": c, "colour": QUALITATIVE[(c - 1) % len(QUALITATIVE)], "members": m}
            for c, m in sorted(by.items())
        ]
    config = {
        "lang": lang,
        "period": result["period"] if result else None,
        "colours": {str(g["id"]): g["colour"] for g in groups},
        "bbox": atlas.geometry("kreis")["bbox"],
    }
    return page(
        None, "regions.html", lang, "regions/", atlas, result=result, groups=groups, config=config
    )


@router.get("/{lang}/regions/")
def regions_page(lang: str, atlas: AtlasDep):
    return html(regions_page_body(atlas, check_lang(lang)))
