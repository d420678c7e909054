"""The start page: thematic maps of every indicator."""

from __future__ import annotations

import gzip

from fastapi import APIRouter, Request
from fastapi.responses import Response

from regionatlas.web.api.deps import AtlasDep
from regionatlas.web.atlas import Atlas
from regionatlas.web.classify import METHODS, PALETTES, diverging_ramps
from regionatlas.web.pages.render import check_lang, page, palettes
from regionatlas.web.unit_labels import unit_label

router = APIRouter()


def map_page_body(atlas: Atlas, lang: str) -> str:
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
                "unit": unit_label(i["unit"], lang),
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
        "divergingRamps": diverging_ramps(),
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
        ended=atlas.ended_units(table["level"]) if table else {},
    )


def map_page_bytes(atlas: Atlas, lang: str, compressed: bool = False) -> bytes:
    """The start page rendered (and gzip-compressed) once per store state and language."""
    body = atlas.cached(("html", "map", lang), lambda: map_page_body(atlas, lang).encode())
    if not compressed:
        return body
    return atlas.cached(("html-gzip", "map", lang), lambda: gzip.compress(body, 6, mtime=0))


@router.get("/{lang}/")
def map_page(lang: str, request: Request, atlas: AtlasDep):
    lang = check_lang(lang)
    if "gzip" in request.headers.get("accept-encoding", "").lower():
        return Response(
            map_page_bytes(atlas, lang, compressed=True),
            media_type="text/html; charset=utf-8",
            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
        )
    return Response(map_page_bytes(atlas, lang), media_type="text/html; charset=utf-8")
