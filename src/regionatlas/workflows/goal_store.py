"""Goals, interventions and evaluations kept in the platform database, beside the reviewed
TOML files (``workflows.goal_files``): editable through the platform pages, every change in
the audit log.

Reading converts rows into the analysis dataclasses; writing first checks the new goal or
evaluation against the atlas store (``analysis.monitoring.check_goal``,
``analysis.interventions.check_intervention``) and only then adds it to the caller's session,
so a refused input writes nothing (the platform commits one transaction per request).
Evaluations attach to an intervention by its id (a file's or the database's) and are
append-only: no function changes or deletes one, and a new one may not predate the last.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from regionatlas.analysis.interventions import Evaluation, Intervention, check_intervention
from regionatlas.analysis.monitoring import Goal, IndicatorSpec, SurveyRef, Territory, check_goal
from regionatlas.errors import ConflictError, NotFoundError
from regionatlas.platform.models import (
    ImpactEvaluation,
    ImpactGoal,
    ImpactIndicator,
    ImpactIntervention,
)
from regionatlas.region import Region


def _territory(raw: dict[str, Any]) -> Territory:
    return Territory(str(raw["kind"]), raw.get("key"), tuple(raw.get("members", ())))


def _survey_ref(survey: str, question: str | None) -> SurveyRef:
    """The ``question`` column holds "CODE" or "CODE=OPTION" (question codes have no "=")."""
    code, _, option = (question or "").partition("=")
    return SurveyRef(survey, code, option or None)


def goals_from_db(s: Session, region_id: str | None) -> list[Goal]:
    """Goals of one region (None: all) in the order they were added."""
    out = []
    q = select(ImpactGoal).order_by(ImpactGoal.id)
    rows = s.scalars(q if region_id is None else q.where(ImpactGoal.region == region_id))
    for g in rows:
        inds = s.scalars(
            select(ImpactIndicator)
            .where(ImpactIndicator.goal_id == g.id)
            .order_by(ImpactIndicator.id)
        )
        specs = tuple(
            IndicatorSpec(
                id=i.key,
                territory=_territory(i.territory),
                baseline_period=i.baseline_period,
                target=i.target,
                target_year=i.target_year,
                direction=i.direction,
                unit=i.unit,
                indicator=i.indicator,
                survey=_survey_ref(i.survey, i.question) if i.survey else None,
                baseline_value=i.baseline_value,
            )
            for i in inds
        )
        out.append(
            Goal(
                g.slug,
                g.title_de,
                g.title_en,
                g.owner,
                g.rationale_de,
                g.rationale_en,
                specs,
                example=False,
                file="platform",
                region=g.region,
            )
        )
    return out


def _evaluations(s: Session, slug: str) -> tuple[Evaluation, ...]:
    rows = s.scalars(
        select(ImpactEvaluation)
        .where(ImpactEvaluation.intervention_slug == slug)
        .order_by(ImpactEvaluation.date, ImpactEvaluation.id)
    )
    return tuple(Evaluation(e.date, e.decision, e.text_de, e.text_en, e.by) for e in rows)


def interventions_from_db(s: Session, region_id: str | None) -> list[Intervention]:
    q = select(ImpactIntervention).order_by(ImpactIntervention.id)
    rows = s.scalars(q if region_id is None else q.where(ImpactIntervention.region == region_id))
    return [
        Intervention(
            id=r.slug,
            kind=r.kind,
            title_de=r.title_de,
            title_en=r.title_en,
            places=tuple(r.places),
            start=r.start,
            body=r.body,
            indicators=tuple(r.indicators),
            cost_eur=r.cost_eur,
            goal=r.goal_slug,
            evaluations=_evaluations(s, r.slug),
            file="platform",
            region=r.region,
        )
        for r in rows
    ]


def with_db_evaluations(s: Session, items: list[Intervention]) -> list[Intervention]:
    """File interventions with the evaluations the forum recorded in the database."""
    out = []
    for item in items:
        extra = _evaluations(s, item.id) if item.file != "platform" else ()
        out.append(replace(item, evaluations=item.evaluations + extra) if extra else item)
    return out


def db_digest(s: Session) -> str:
    """Changes whenever a goal, indicator, intervention or evaluation row changes."""
    h = hashlib.sha256()
    for model in (ImpactGoal, ImpactIndicator, ImpactIntervention, ImpactEvaluation):
        for row in s.scalars(select(model).order_by(model.id)):
            cols = {c.name: getattr(row, c.name) for c in model.__table__.columns}
            h.update(json.dumps(cols, default=str, sort_keys=True).encode())
    return h.hexdigest()[:16]


def add_goal(
    s: Session, store: Any, region: Region, goal: Goal, group_id: int | None, known: set[str]
) -> ImpactGoal:
    """Check ``goal`` against the store and the platform's surveys (a binding to a survey,
    question or option that does not exist is refused) and add it (with its indicators) to
    the session; a refused goal adds nothing."""
    from regionatlas.workflows import goal_surveys
    from regionatlas.workflows.monitoring import Territories, catalogue_with_inputs

    if goal.id in known or s.scalar(select(ImpactGoal.id).where(ImpactGoal.slug == goal.id)):
        raise ConflictError(
            f"a goal {goal.id!r} exists already", value=goal.id, i18n="platform.err_goal_exists"
        )
    surveys = goal_surveys.snapshot(s, goal_surveys.refs_of([goal]))
    check_goal(goal, catalogue_with_inputs(), Territories(store, region).exists, surveys)
    row = ImpactGoal(
        slug=goal.id, region=region.id, group_id=group_id, owner=goal.owner,
        title_de=goal.title_de, title_en=goal.title_en,
        rationale_de=goal.rationale_de, rationale_en=goal.rationale_en,
    )  # fmt: skip
    s.add(row)
    s.flush()
    for spec in goal.indicators:
        s.add(
            ImpactIndicator(
                goal_id=row.id,
                key=spec.id,
                indicator=spec.indicator,
                survey=spec.survey.survey if spec.survey else None,
                question=(
                    spec.survey.question + (f"={spec.survey.option}" if spec.survey.option else "")
                    if spec.survey
                    else None
                ),
                territory={
                    "kind": spec.territory.kind,
                    "key": spec.territory.key,
                    "members": list(spec.territory.members),
                },
                baseline_period=spec.baseline_period,
                baseline_value=spec.baseline_value,
                target=spec.target,
                target_year=spec.target_year,
                unit=spec.unit,
                direction=spec.direction,
            )
        )
    return row


def add_evaluation(
    s: Session, interventions: list[Intervention], slug: str, evaluation: Evaluation,
    account_id: int | None,
) -> ImpactEvaluation:  # fmt: skip
    """Append an evaluation to intervention ``slug`` (checked: a known decision, not before
    the start, not before the last evaluation)."""
    from regionatlas.workflows.monitoring import catalogue_with_inputs

    item = next((i for i in interventions if i.id == slug), None)
    if item is None:
        raise NotFoundError(
            f"unknown intervention {slug!r}", value=slug, i18n="platform.err_unknown_intervention"
        )
    check_intervention(
        replace(item, evaluations=(*item.evaluations, evaluation), file="form"),
        catalogue_with_inputs(), lambda _a: True,
    )  # fmt: skip
    row = ImpactEvaluation(
        intervention_slug=slug, date=evaluation.date, decision=evaluation.decision,
        text_de=evaluation.text_de, text_en=evaluation.text_en, by=evaluation.by,
        account_id=account_id,
    )  # fmt: skip
    s.add(row)
    return row
