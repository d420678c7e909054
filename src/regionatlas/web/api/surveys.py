"""Survey results for everyone: only surveys whose results an administrator made public.

The answers are the platform's own ``…/results.json`` (web/platform/survey_results.py):
a cell or group of fewer than 5 responses has ``suppressed: true`` and null numbers, never
0; a synthetic survey says ``synthetic: true`` and ``label: "SYNTHETIC"``. An unknown survey
and one whose results are not public get the same 404, so the API does not reveal which
surveys exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Path as FPath
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from regionatlas.errors import NotFoundError
from regionatlas.web.api.deps import ERRORS, js
from regionatlas.web.errors import ErrorResponse
from regionatlas.web.platform.survey_results import (
    cached_results,
    comparisons_json,
    header,
    records,
)

SlugPath = Annotated[
    str, FPath(pattern=r"^[\w-]{1,60}$", description="survey slug (letters, digits, -)")
]
router = APIRouter(
    tags=["surveys"],
    responses={
        **ERRORS,
        404: {
            "model": ErrorResponse,
            "description": "no survey with public results under this slug (unknown and "
            "not public are answered alike)",
        },
    },
)


# -- response models (documentation of the JSON shapes) ---------------------------------------
class SurveyHead(BaseModel):
    survey: str = Field(description="slug")
    title: dict[str, str] = Field(description="title per language (de, en)")
    synthetic: bool = Field(description="true: generated responses, for demonstration only")
    label: str | None = Field(description="'SYNTHETIC' for a synthetic survey, else null")
    responses: int | None = Field(description="complete responses; null below 5 (suppressed)")
    suppressed_below: int = Field(description="groups and cells with fewer responses: null")
    attribution: list[str]
    notes: list[str]


class SurveyListItem(BaseModel):
    survey: str
    title: dict[str, str]
    synthetic: bool
    label: str | None
    results: str = Field(description="path of the results")
    comparisons: str = Field(description="path of the perceived-vs-measured tables")


class QuestionRow(BaseModel):
    question: str
    group_by: str = Field(description="all, land, kreis or sector")
    group: str | None
    option: str | None
    count: int | None = Field(description="null when suppressed, never 0 in its place")
    n: int | None
    share: float | None
    ci_low: float | None
    ci_high: float | None
    mean: float | None
    suppressed: bool


class SurveyQuestions(SurveyHead):
    questions: list[QuestionRow]


class AreaRow(BaseModel):
    area: str
    level: str
    n: int | None
    agreement: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool


class Comparison(BaseModel):
    measure: str = Field(description="what the agreement measures")
    measured_basis: str = Field(description="the measured flows compared with")
    summary: dict[str, Any] = Field(description="n, agreement, ci_low, ci_high, suppressed")
    areas: list[AreaRow]
    notes: list[str]


class SurveyComparisons(SurveyHead):
    comparisons: dict[str, Comparison]


class SurveyResults(SurveyQuestions, SurveyComparisons):
    pass


# -- plumbing ---------------------------------------------------------------------------------
def _answer(data: Any) -> Response:
    """JSON that no cache keeps: it follows the platform database (results can be
    withdrawn), not the atlas store the app's response cache is keyed on."""
    response = js(data)
    response.headers["Cache-Control"] = "no-store"
    return response


def _session(request: Request) -> Iterator[Session]:
    cfg = getattr(request.app.state, "platform", None)
    if cfg is None:  # no platform mounted: there are no surveys
        raise NotFoundError("no platform: there are no surveys")
    with cfg.db.session() as s:
        yield s


SessionDep = Annotated[Session, Depends(_session)]


def _public_results(request: Request, s: Session, slug: str):
    from regionatlas.platform.models import Survey

    survey = s.scalar(select(Survey).where(Survey.slug == slug, Survey.results_public))
    if survey is None:
        raise NotFoundError(f"no survey with public results: {slug!r}", value=slug)
    return cached_results(request.app, s, survey)


# -- routes -----------------------------------------------------------------------------------
@router.get(
    "/surveys.json",
    summary="Surveys whose results are public",
    responses={200: {"model": list[SurveyListItem]}},
)
def list_surveys(s: SessionDep) -> Response:
    from regionatlas.platform.models import Survey

    found = s.scalars(select(Survey).where(Survey.results_public).order_by(Survey.slug))
    return _answer(
        [
            {
                "survey": v.slug,
                "title": {"de": v.title_de, "en": v.title_en},
                "synthetic": bool(v.synthetic),
                "label": "SYNTHETIC" if v.synthetic else None,
                "results": f"/api/v1/surveys/{v.slug}/results.json",
                "comparisons": f"/api/v1/surveys/{v.slug}/comparisons.json",
            }
            for v in found
        ]
    )


@router.get(
    "/surveys/{slug}/results.json",
    summary="A public survey's results: per question (all, per Land, Kreis, sector) and the "
    "perceived-vs-measured comparisons",
    responses={200: {"model": SurveyResults}},
)
def survey_results(slug: SlugPath, request: Request, s: SessionDep) -> Response:
    from regionatlas.web.platform.survey_results import results_json

    return _answer(results_json(_public_results(request, s, slug)))


@router.get(
    "/surveys/{slug}/questions.json",
    summary="A public survey's per-question results",
    responses={200: {"model": SurveyQuestions}},
)
def survey_questions(slug: SlugPath, request: Request, s: SessionDep) -> Response:
    res = _public_results(request, s, slug)
    return _answer({**header(res), "questions": records(res.questions)})


@router.get(
    "/surveys/{slug}/comparisons.json",
    summary="A public survey's perceived-vs-measured tables (overall and per area)",
    responses={200: {"model": SurveyComparisons}},
)
def survey_comparisons(slug: SlugPath, request: Request, s: SessionDep) -> Response:
    res = _public_results(request, s, slug)
    return _answer({**header(res), "comparisons": comparisons_json(res)})
