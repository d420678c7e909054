"""Profiles of every municipality, district and state (printable)."""

from __future__ import annotations

from fastapi import APIRouter

from regionatlas.web.api.deps import AgsPath, AtlasDep
from regionatlas.web.charts import locator_svg, series_svg
from regionatlas.web.pages.render import check_lang, html, page
from regionatlas.web.profile import profile_data

router = APIRouter()


def profile_page_body(atlas, lang: str, ags: str) -> str:
    data = profile_data(atlas, ags)
    charts = {ind: series_svg(points, lang) for ind, points in data["series"].items()}
    names = {f["indicator"]: f[f"name_{lang}"] for f in data["figures"]}
    return page(
        None,
        "profile.html",
        lang,
        f"profile/{ags}/",
        atlas,
        p=data,
        charts=charts,
        indicator_names=names,
        locator=locator_svg(atlas, ags),
    )


@router.get("/{lang}/profile/{ags}/")
def profile_page(lang: str, ags: AgsPath, atlas: AtlasDep):
    return html(profile_page_body(atlas, check_lang(lang), ags))
