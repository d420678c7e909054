"""One survey's results, computed once per state and shared by the results page, its
downloads (``…/results.json``) and the public API (``/api/v1/surveys/…``).

Suppression happens in the analysis: a cell or group of fewer than 5 responses has
``suppressed: true`` and null numbers (never 0); this module only turns NaN into null.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

from fastapi import FastAPI
from sqlalchemy.orm import Session

from regionatlas.platform.surveys import service
from regionatlas.web.platform import survey_context

SUPPRESSED_BELOW = 5
SYNTHETIC_LABEL = "SYNTHETIC"


def cached_results(app: FastAPI, s: Session, survey):
    """The survey's results, cached per app until a response or the questionnaire changes."""
    from regionatlas.workflows import surveys as ws

    counts = service.counts(s, survey)
    key = (
        survey.id,
        counts["complete"],
        service.latest_change(s, survey),
        hashlib.sha256(survey.definition.encode()).hexdigest(),
    )
    cache = getattr(app.state, "survey_results", None)
    if cache is None:
        cache = app.state.survey_results = {}
    hit = cache.get(survey.id)
    if hit is not None and hit[0] == key:
        return hit[1]
    res = ws.analyse(service.complete_answers(s, survey), survey_context.region_context(app))
    cache[survey.id] = (key, res)
    return res


def clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def records(frame) -> list[dict[str, Any]]:
    return [{k: clean(v) for k, v in r.items()} for r in frame.to_dict("records")]


def header(res) -> dict[str, Any]:
    """What every answer about a survey's results starts with (label, size, sources)."""
    return {
        "survey": res.survey,
        "title": res.title,
        "synthetic": res.synthetic,
        "label": SYNTHETIC_LABEL if res.synthetic else None,
        "responses": res.responses if res.responses >= SUPPRESSED_BELOW else None,
        "suppressed_below": SUPPRESSED_BELOW,
        "attribution": list(res.attribution),
        "notes": res.notes,
    }


def comparisons_json(res) -> dict[str, Any]:
    return {
        name: {
            "measure": c.measure,
            "measured_basis": c.basis,
            "summary": {k: clean(v) for k, v in c.summary.items()},
            "areas": records(c.per_area),
            "notes": c.notes,
        }
        for name, c in res.comparisons.items()
    }


def results_json(res) -> dict[str, Any]:
    """The JSON shape: suppressed cells have ``suppressed: true`` and null numbers."""
    return {
        **header(res),
        "questions": records(res.questions),
        "comparisons": comparisons_json(res),
    }
