"""Profiles of every municipality, district and state, and of the whole region (printable)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter

from regionatlas.web import charts as ch  # module import: charts imports pages.render
from regionatlas.web.api.deps import AgsPath, AtlasDep
from regionatlas.web.i18n import Translator
from regionatlas.web.pages.regions import BASIS_KEYS
from regionatlas.web.pages.render import check_lang, page, page_bytes, send_html
from regionatlas.web.profile import profile_data
from regionatlas.web.profile_region import REGION_KEY, region_profile_data

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas

router = APIRouter()

MARKER_KEYS = {
    "-": "marker_dash",
    ".": "marker_dot",
    "x": "marker_x",
    "*": "marker_star",
    "/": "marker_slash",
    "…": "marker_ellipsis",
}
SEX_PARTS = ("population", "employed_residents", "out_commuters", "in_commuters")


def marker_text(flag: str | None, t: Translator) -> str | None:
    """The marker with its reason ("." → ". (unknown or confidential)"); None for no marker."""
    if not flag:
        return None
    key = MARKER_KEYS.get(flag)
    return f"{flag} ({t('profile.' + key)})" if key else flag


def _cell(cell: dict[str, Any] | None, t: Translator) -> dict[str, Any]:
    """A chart cell with ``flag_text`` (marker and reason, or "no value") and ``reason``."""
    if cell is None:
        return {"value": None, "flag": None, "flag_text": t("profile.no_value"), "reason": None}
    key = MARKER_KEYS.get(cell["flag"] or "")
    reason = t("profile." + key) if key and cell["value"] is None else None
    text = marker_text(cell["flag"], t) if cell["value"] is None else None
    if cell["value"] is None and not text:
        text = t("profile.no_value")
    return {**cell, "flag_text": text, "reason": reason}


def structure_view(structure: dict[str, Any], lang: str) -> dict[str, Any]:
    """Charts (inline SVG) and their data tables for the structure section."""
    t = Translator(lang)
    charts = []
    for part in SEX_PARTS:
        s = structure["sex"].get(part)
        if not s:
            continue
        rows = [
            {"label": t("profile.male"), **_cell(s["male"], t), "colour": ch.MALE},
            {"label": t("profile.female"), **_cell(s["female"], t), "colour": ch.FEMALE},
        ]
        title = t(f"profile.sex_{part}", period=s["period"])
        charts.append(
            {
                "id": f"sex-{part}",
                "title": title,
                "head": t("profile.sex"),
                "rows": rows,
                "svg": ch.bars_svg(f"sex-{part}", rows, lang, title, label_width=90),
            }
        )
    sectors = None
    if structure["sectors"]:
        sec = structure["sectors"]
        rows = [{"label": r[f"name_{lang}"], **_cell(r, t)} for r in sec["rows"]]
        title = t("profile.sectors_title", period=sec["period"])
        sectors = {
            "id": "sectors",
            "title": title,
            "head": t("profile.sector"),
            "unit": sec["rows"][0].get("unit") if sec["rows"] else None,
            "rows": rows,
            "svg": ch.bars_svg("sectors", rows, lang, title, width=480, label_width=0),
        }
    pyramid = None
    if structure["age_pyramid"]:
        age = structure["age_pyramid"]
        bands = [
            {"band": b["band"], "male": _cell(b["male"], t), "female": _cell(b["female"], t)}
            for b in age["bands"]
        ]
        title = t("profile.age_title", period=age["period"])
        pyramid = {
            "id": "age",
            "title": title,
            "bands": bands,
            "svg": ch.pyramid_svg(
                "age", bands, lang, title, t("profile.male"), t("profile.female")
            ),
        }
    missing = [
        {"text": t(f"profile.missing_{m['part']}"), "source": m["source"]}
        for m in structure["missing"]
    ]
    return {"charts": charts, "sectors": sectors, "pyramid": pyramid, "missing": missing}


def _render(atlas: Atlas, lang: str, path: str, data: dict[str, Any], locator: str) -> str:
    charts = {ind: ch.series_svg(points, lang) for ind, points in data["series"].items()}
    names = {f["indicator"]: f[f"name_{lang}"] for f in data["figures"]}
    return page(
        None,
        "profile.html",
        lang,
        path,
        atlas,
        p=data,
        charts=charts,
        indicator_names=names,
        locator=locator,
        structure=structure_view(data["structure"], lang),
        marker=lambda flag: marker_text(flag, Translator(lang)),
        has_region=bool(atlas.scope.region_id and atlas.scope.core),
        # briefs of the core districts are in the static export too (web.export)
        brief_link=data["unit"].get("ags") in atlas.scope.core,
        basis_keys=BASIS_KEYS,  # the regions page's basis labels ("modelled estimate" …)
    )


def profile_page_body(atlas: Atlas, lang: str, ags: str, specs: dict | None = None) -> str:
    """A unit's profile page; ``specs``: structure indicators (default: the catalogue's)."""
    data = profile_data(atlas, ags, specs=specs)
    return _render(atlas, lang, f"profile/{ags}/", data, ch.locator_svg(atlas, ags))


def region_profile_page_body(atlas: Atlas, lang: str) -> str:
    data = region_profile_data(atlas)
    core = frozenset(atlas.scope.core)
    locator = ch.locator_svg(atlas, REGION_KEY, highlight=core, label=atlas.region_name[lang])
    return _render(atlas, lang, f"profile/{REGION_KEY}/", data, locator)


@router.get("/{lang}/profile/region/")
def region_profile_page(lang: str, atlas: AtlasDep):
    return send_html(region_profile_page_bytes(atlas, check_lang(lang)))


def region_profile_page_bytes(atlas: Atlas, lang: str) -> tuple[bytes, bytes]:
    """The region's profile page as sent (HTML, gzip), once per store version."""
    key = ("profile", "region", lang)
    return page_bytes(atlas, key, lambda: region_profile_page_body(atlas, lang))


@router.get("/{lang}/profile/{ags}/")
def profile_page(lang: str, ags: AgsPath, atlas: AtlasDep):
    lang = check_lang(lang)
    return send_html(
        page_bytes(atlas, ("profile", ags, lang), lambda: profile_page_body(atlas, lang, ags), True)
    )
