"""The start page: thematic maps of every indicator."""

from __future__ import annotations

from fastapi import APIRouter, Request

from regionatlas.web.api.deps import AtlasDep
from regionatlas.web.classify import METHODS, PALETTES
from regionatlas.web.pages.render import check_lang, html, page, palettes

router = APIRouter()


def map_page_body(atlas, lang: str) -> str:
    indicators = [i for i in atlas.indicators() if i["periods"] and i["levels"]]
    default = next((i for i in indicators if i["id"] == "population"), None) or (
        indicators[0] if indicators else None
    )
    table = None
    if default:
        level = "gemeinde" if "gemeinde" in default["levels"] else default["levels"][0]
        table = atlas.values(default["id"], level, None)
    config = {
        "lang": lang,
        "indicators": [
            {
                "id": i["id"],
                "name": i[f"name_{lang}"],
                "unit": i["unit"],
                "definition": i[f"definition_{lang}"],
                "source": i["source"],
                "periods": i["periods"],
                "levels": i["levels"],
                "polarity": i["polarity"],
            }
            for i in indicators
        ],
        "default": default["id"] if default else None,
        "methods": list(METHODS),
        "palettes": PALETTES,
        "paletteColours": palettes(),
        "bbox": atlas.geometry("kreis")["bbox"],
    }
    return page(
        None,
        "map.html",
        lang,
        "",
        atlas,
        config=config,
        indicators=indicators,
        default=default,
        table=table,
        methods=METHODS,
        schemes=PALETTES,
    )


@router.get("/{lang}/")
def map_page(lang: str, request: Request, atlas: AtlasDep):
    return html(map_page_body(atlas, check_lang(lang)))
