"""The scenario lab page: levers as form controls, live results, difference map, comparison."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from regionatlas.web.api.deps import AtlasDep
from regionatlas.web.api.scenarios import examples
from regionatlas.web.atlas import Atlas
from regionatlas.web.i18n import Translator
from regionatlas.web.pages.render import check_lang, page, page_bytes, send_html
from regionatlas.web.unit_labels import unit_label
from regionatlas.workflows.scenario_lab import GOALS, lever_catalogue

router = APIRouter()
SCALAR_KINDS = ("share", "number", "integer", "boolean")


def control(param: dict[str, Any], lang: str) -> dict[str, Any]:
    """How one lever parameter is shown: input type, step, bounds, label."""
    kind = param["kind"]
    unit = unit_label(param["unit"], lang) if param["unit"] not in ("", "0..1") else ""
    label = param[f"label_{lang}"]
    if unit and unit.lower() in label.lower():
        unit = ""  # "nur Wege ab (km)", "Zahl der Standorte": the label names its unit already
    out = {**param, "label": label, "unit_label": unit, "input": "text"}
    if kind == "share":  # shown and typed as percent; the scenario keeps 0..1
        out.update(input="number", step="1", min="0", max="100", unit_label="%")
    elif kind == "integer":
        out.update(input="number", step="1", min="0", max="")
    elif kind == "number":
        out.update(input="number", step="any", min="0", max="")
    elif kind == "boolean":
        out.update(input="checkbox")
    elif kind.startswith("choice:"):
        out.update(input="select", choices=kind.split(":", 1)[1].split(","))
    else:  # mapping / places: kept from the chosen scenario, shown read-only
        out.update(input="readonly")
    return out


def scenarios_page_body(atlas: Atlas, lang: str) -> str:
    known = examples()
    levers = [
        {
            "lever": lv["lever"],
            "label": lv[f"label_{lang}"],
            "controls": [control(p, lang) for p in lv["parameters"]],
        }
        for lv in lever_catalogue()
    ]
    en = lang == "en"
    scenarios = [
        {
            "id": k,
            "name": (v.name_en if en and v.name_en else v.name),
            "description": (v.description_en if en and v.description_en else v.description),
        }
        for k, v in known.items()
    ]
    names = {s["id"]: s for s in scenarios}
    bbox = atlas.geometry("gemeinde")["bbox"] if "gemeinde" in atlas.levels() else None
    config = {
        "lang": lang,
        "bbox": bbox or atlas.geometry("kreis")["bbox"],
        "scenarios": {
            k: v.to_dict()
            | {"file": None, "name": names[k]["name"], "description": names[k]["description"]}
            for k, v in known.items()
        },
        "goals": list(GOALS),
        "has_region": bool(atlas.scope.core),
    }
    return page(
        None,
        "scenarios.html",
        lang,
        "scenarios/",
        atlas,
        scenarios=scenarios,
        levers=levers,
        goals=[{"id": g, "label": Translator(lang)(f"scenario.goal_{g}")} for g in GOALS],
        config=config,
    )


def scenarios_page_bytes(atlas: Atlas, lang: str) -> tuple[bytes, bytes]:
    """The page as sent (HTML, gzip), rendered once per store version (start-up warm-up)."""
    return page_bytes(atlas, ("scenarios", lang), lambda: scenarios_page_body(atlas, lang))


@router.get("/{lang}/scenarios/")
def scenarios_page(lang: str, atlas: AtlasDep):
    return send_html(scenarios_page_bytes(atlas, check_lang(lang)))
