"""Goals dashboard and interventions (issue #14): thin over ``web.impact``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter

from regionatlas.web import charts_impact, impact
from regionatlas.web.api.deps import AtlasDep
from regionatlas.web.i18n import Translator
from regionatlas.web.pages.render import check_lang, html, page

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas

router = APIRouter()

REASONS = {
    "target reached": "impact.reason_reached",
    "on or ahead of the target path": "impact.reason_on_path",
    "in the intended direction, behind the target path": "impact.reason_behind",
    "no change or against the intended direction": "impact.reason_against",
    "no value after the baseline period yet": "impact.reason_no_later",
    "no baseline value": "impact.reason_no_baseline",
    "newest value withheld": "impact.reason_withheld",
}


def indicator_view(goal: dict[str, Any], ind: dict[str, Any], lang: str, names) -> dict:
    t = Translator(lang)
    cid = f"chart-{goal['id']}-{ind['id']}"
    survey_label = (ind.get("survey_label") or {}).get(lang)
    label = (
        names.get(ind["indicator"], ind["indicator"])
        if ind["indicator"]
        else survey_label
        or t(
            "impact.survey_indicator",
            survey=ind["survey"]["survey"],
            question=ind["survey"]["question"],
        )
    )
    title = f"{label} – {ind['territory']['label_' + lang]}"
    labels = {
        "observed": t("impact.observed"),
        "path": t("impact.target_path"),
        "target": t("impact.target"),
    }
    return {
        **ind,
        "label": label,
        "title": title,
        "chart_id": cid,
        "svg": charts_impact.progress_svg(cid, ind, lang, title, labels),
        "reason_text": t(REASONS.get(ind["reason"], "impact.reason_no_baseline")),
    }


def goals_page_body(atlas: Atlas, lang: str) -> str:
    data = impact.monitoring(atlas)
    names = {i["id"]: i[f"name_{lang}"] for i in atlas.indicators()}
    goals = [
        {**g, "views": [indicator_view(g, i, lang, names) for i in g["indicators"]]}
        for g in data["goals"]
    ]
    return page(None, "goals.html", lang, "goals/", atlas, goals=goals, data=data)


def interventions_page_body(atlas: Atlas, lang: str) -> str:
    data = impact.monitoring(atlas)
    names = {i["id"]: i[f"name_{lang}"] for i in atlas.indicators()}
    unit_names = atlas.names()
    return page(
        None, "interventions.html", lang, "interventions/", atlas,
        items=data["interventions"], names=names, unit_names=unit_names,
    )  # fmt: skip


@router.get("/{lang}/goals/")
def goals_page(lang: str, atlas: AtlasDep):
    return html(goals_page_body(atlas, check_lang(lang)))


@router.get("/{lang}/interventions/")
def interventions_page(lang: str, atlas: AtlasDep):
    return html(interventions_page_body(atlas, check_lang(lang)))
