"""Goals, interventions, the toolbox and argumentation briefs as JSON (and briefs as PDF)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from regionatlas.errors import NotFoundError
from regionatlas.web import impact
from regionatlas.web.api.deps import ERRORS, AgsPath, AtlasDep, cached, js

router = APIRouter(tags=["goals and briefs"], responses=ERRORS)
ToolId = Annotated[str, Path(pattern=r"^[a-z0-9-]{1,60}$")]
Lang = Annotated[str, Path(pattern=r"^(de|en)$")]


@router.get("/goals.json", summary="Goals with their indicators' computed progress")
def goals(atlas: AtlasDep) -> Response:
    def compute():
        d = impact.monitoring(atlas)
        return {k: d[k] for k in ("goals", "rule", "store_version", "content", "synthetic_store")}

    return cached(atlas, ("impact", "goals.json", impact.content(atlas).digest), compute)


@router.get("/goals/{goal_id}.json", summary="One goal")
def goal(goal_id: ToolId, atlas: AtlasDep) -> Response:
    return js(impact.goal(atlas, goal_id))


@router.get("/interventions.json", summary="Interventions: before/after, DiD, evaluations")
def interventions(atlas: AtlasDep) -> Response:
    return cached(
        atlas,
        ("impact", "interventions.json", impact.content(atlas).digest),
        lambda: impact.monitoring(atlas)["interventions"],
    )


@router.get("/toolkit.json", summary="The Werkzeugkasten: every instrument in both languages")
def toolkit() -> Response:
    from regionatlas.workflows.toolkit import entry_payload, load_toolkit

    tk = load_toolkit()
    return js(
        {
            tid: {lang: entry_payload(e) for lang, e in langs.items()}
            for tid, langs in sorted(tk.items())
        }
    )


@router.get("/toolkit/{tool_id}.json", summary="One toolbox entry in both languages")
def toolkit_entry(tool_id: ToolId) -> Response:
    from regionatlas.workflows.toolkit import entry_payload, load_toolkit

    tk = load_toolkit()
    if tool_id not in tk:
        raise NotFoundError(f"unknown toolbox entry {tool_id!r}", value=tool_id)
    return js({lang: entry_payload(e) for lang, e in tk[tool_id].items()})


@router.get(
    "/briefs/corridor/{a}/{b}.json",
    summary="Argumentation brief for a corridor",
    description="A corridor between two different places: `a` and `b` must differ (422).",
)
def corridor(a: AgsPath, b: AgsPath, atlas: AtlasDep) -> Response:
    return js(impact.corridor_brief(atlas, a, b))


@router.get("/briefs/lma/{lma_id}.json", summary="Argumentation brief for a labour-market area")
def lma(lma_id: Annotated[int, Path(ge=1, le=100000)], atlas: AtlasDep) -> Response:
    return js(impact.lma_brief(atlas, lma_id))


@router.get("/briefs/{ags}.json", summary="Argumentation brief for a municipality or district")
def unit(ags: AgsPath, atlas: AtlasDep) -> Response:
    return js(impact.unit_brief(atlas, ags))


@router.get(
    "/briefs/{ags}.{lang}.pdf",
    summary="Argumentation brief as PDF",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def unit_pdf(ags: AgsPath, lang: Lang, atlas: AtlasDep) -> Response:
    from regionatlas.pdf import html_to_pdf
    from regionatlas.web.brief_pdf import brief_pdf_html

    brief = impact.unit_brief(atlas, ags)
    data = atlas.cached(
        ("impact", "pdf", ags, lang, impact.content(atlas).digest),
        lambda: html_to_pdf(brief_pdf_html(brief, lang, atlas.attributions())),
    )
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="brief-{ags}-{lang}.pdf"'},
    )
