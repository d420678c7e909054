"""The flow map page."""

from __future__ import annotations

from fastapi import APIRouter

from regionatlas.web import flow_municipal
from regionatlas.web.api.deps import AtlasDep
from regionatlas.web.atlas import Atlas
from regionatlas.web.pages.render import check_lang, page, page_bytes, send_html

router = APIRouter()


def flows_page_body(atlas: Atlas, lang: str) -> str:
    periods = atlas.flow_periods()
    levels = atlas.flow_levels() if periods else []
    top = None
    if periods:
        f = atlas.flows("kreis" if "kreis" in levels else levels[-1])
        names = atlas.all_names("kreis" if "kreis" in levels else levels[-1])
        f = f.sort_values("persons", ascending=False, na_position="last").head(25)
        top = [
            {
                "o": r["origin"],
                "on": names.get(r["origin"], r["origin"]),
                "d": r["destination"],
                "dn": names.get(r["destination"], r["destination"]),
                "p": None if r["persons"] != r["persons"] else float(r["persons"]),
                "f": r["flag"] if isinstance(r["flag"], str) else None,
            }
            for r in f.to_dict("records")
        ]
    map_levels = list(levels)
    modelled = bool(periods) and "gemeinde" not in levels and flow_municipal.available(atlas)
    if modelled:
        map_levels.append("gemeinde")  # the region's modelled municipal flows, labelled
    config = {
        "lang": lang,
        "periods": periods,
        "levels": map_levels,
        "modelled": ["gemeinde"] if modelled else [],
    }
    return page(
        None,
        "flows.html",
        lang,
        "flows/",
        atlas,
        config=config,
        top=top,
        levels=map_levels,
        modelled=config["modelled"],
        periods=periods,
    )


def flows_page_bytes(atlas: Atlas, lang: str) -> tuple[bytes, bytes]:
    """The page as sent (HTML, gzip), rendered once per store version (start-up warm-up)."""
    return page_bytes(atlas, ("flows", lang), lambda: flows_page_body(atlas, lang))


@router.get("/{lang}/flows/")
def flows_page(lang: str, atlas: AtlasDep):
    return send_html(flows_page_bytes(atlas, check_lang(lang)))
