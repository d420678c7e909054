"""Functional regions: Leiden communities of the flows between districts, and the municipal
layers (LMA, Leiden, catchments, central places) behind a layer switch, as maps and tables."""

from __future__ import annotations

from fastapi import APIRouter

from regionatlas.errors import NotFoundError
from regionatlas.web import functional
from regionatlas.web.api.deps import AtlasDep
from regionatlas.web.atlas import Atlas
from regionatlas.web.note_i18n import translate as translate_note
from regionatlas.web.pages.render import check_lang, page, page_bytes, send_html
from regionatlas.workflows.basis import ESTIMATE, OFFICIAL, SYNTHETIC

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


def regions_page_body(atlas: Atlas, lang: str) -> str:
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
    layers = municipal_layers(atlas, lang)
    config = {
        "lang": lang,
        "period": result["period"] if result else None,
        "colours": {str(g["id"]): g["colour"] for g in groups},
        "bbox": atlas.geometry("kreis")["bbox"],
        "layers": {"palette": QUALITATIVE, "bbox": layers["bbox"]} if layers else None,
    }
    return page(
        None,
        "regions.html",
        lang,
        "regions/",
        atlas,
        result=result,
        groups=groups,
        layers=layers,
        config=config,
    )


BASIS_KEYS = {
    OFFICIAL: "regions_layers.basis_official",
    ESTIMATE: "regions_layers.basis_estimate",
    SYNTHETIC: "regions_layers.basis_synthetic",
}


def municipal_layers(atlas: Atlas, lang: str) -> dict | None:
    """What the page shows about the municipal layers before any is loaded: the basis of the
    flows, the assumption they rest on and the attribution (None: the store cannot carry them).
    """
    if not functional.available(atlas):
        return None
    fb = functional.flow_basis(atlas)
    a = functional.assumption_payload() if fb.estimated else None
    return {
        "basis": fb.basis,
        "basis_key": BASIS_KEYS.get(fb.basis, "regions_layers.basis_estimate"),
        "assumption": _without_label(a[f"note_{lang}"]) if a else None,
        "assumption_value": a["value"] if a else None,
        "assumption_sources": a["sources"] if a else [],
        "flow_note": translate_note(fb.note, lang),
        "period": fb.period,
        "attribution": list(fb.attribution),
        "bbox": atlas.geometry("gemeinde")["bbox"],
    }


def regions_page_bytes(atlas: Atlas, lang: str) -> tuple[bytes, bytes]:
    """The page as sent (HTML, gzip), rendered once per store version (start-up warm-up)."""
    return page_bytes(atlas, ("regions", lang), lambda: regions_page_body(atlas, lang))


@router.get("/{lang}/regions/")
def regions_page(lang: str, atlas: AtlasDep):
    return send_html(regions_page_bytes(atlas, check_lang(lang)))


def _without_label(note: str) -> str:
    """The assumption's note without its own "Annahme:" / "Assumption:" (the page labels it)."""
    for label in ("Annahme:", "Assumption:"):
        if note.startswith(label):
            return note[len(label) :].strip()
    return note
