"""Goals and the forum's evaluations on the platform (issue #14): editors of a working
group (or admins) add goals with a success indicator and record evaluations of
interventions; every change is one transaction and in the audit log. The dashboard itself is
the atlas page ``/{lang}/goals/``."""

from __future__ import annotations

from fastapi import APIRouter

from regionatlas.errors import ForbiddenError, InputError
from regionatlas.platform import permissions
from regionatlas.platform.models import WorkingGroup
from regionatlas.web import impact
from regionatlas.web.platform.deps import CtxDep
from regionatlas.workflows.goal_store import (
    Evaluation,
    Goal,
    IndicatorSpec,
    SurveyRef,
    Territory,
)

router = APIRouter()


def _number(ctx, name: str, kind=float):
    text = ctx.field(name, max_len=30).replace(",", ".")
    try:
        return kind(text)
    except ValueError:
        raise InputError(
            f"the field {name!r} must be a number",
            field=name,
            value=text,
            i18n="platform.err_decimal",
        ) from None


def _survey_ref(ctx) -> SurveyRef | None:
    """A binding to a survey result (survey, question, option), or None."""
    survey = ctx.field("survey", required=False, max_len=60)
    if not survey:
        return None
    question = ctx.field("question", required=False, max_len=40)
    option = ctx.field("option", required=False, max_len=40)
    return SurveyRef(survey, question, option or None)


def _content(ctx):
    from regionatlas.workflows import goal_store
    from regionatlas.workflows.monitoring import load_content

    atlas = ctx.request.app.state.atlas
    region = impact.region(atlas)
    content = load_content(session=ctx.s).for_region(region.id)
    return atlas, region, content, goal_store


@router.get("/{lang}/platform/goals/")
def goals(ctx: CtxDep):
    from sqlalchemy import select

    _atlas, _region, content, _ = _content(ctx)
    groups = list(ctx.s.scalars(select(WorkingGroup).order_by(WorkingGroup.slug)))
    return ctx.render(
        "impact.html", "platform/goals/", goals=content.goals,
        interventions=content.interventions, groups=groups,
    )  # fmt: skip


@router.post("/{lang}/platform/goals/")
def add_goal(ctx: CtxDep):
    account = ctx.require_login()
    atlas, region, content, goal_store = _content(ctx)
    group_text = ctx.field("group_id", required=False, max_len=12)
    group_id = int(group_text) if group_text.isdigit() else None
    if group_id is None:
        if not account.is_admin:
            raise ForbiddenError(
                "only administrators may add a goal without a working group",
                i18n="platform.err_goal_admin_only",
            )
    else:
        permissions.require_editor(ctx.s, account, group_id)
    kind = ctx.field("territory_kind", max_len=20)
    members = tuple(
        m.strip()
        for m in ctx.field("members", required=False, max_len=2000).split(",")
        if m.strip()
    )
    key = ctx.field("territory_key", required=False, max_len=40) or None
    spec = IndicatorSpec(
        id=ctx.field("indicator_key", max_len=80),
        territory=Territory(kind, key, members),
        baseline_period=ctx.field("baseline_period", max_len=10),
        target=_number(ctx, "target"),
        target_year=_number(ctx, "target_year", int),
        direction=ctx.field("direction", max_len=16),
        unit=ctx.field("unit", max_len=40),
        indicator=ctx.field("indicator", required=False, max_len=80) or None,
        survey=_survey_ref(ctx),
    )
    goal = Goal(
        id=ctx.field("slug", max_len=80), title_de=ctx.field("title_de"),
        title_en=ctx.field("title_en"), owner=ctx.field("owner"),
        rationale_de=ctx.field("rationale_de", max_len=4000),
        rationale_en=ctx.field("rationale_en", max_len=4000),
        indicators=(spec,), file="form", region=region.id,
    )  # fmt: skip
    known = {g.id for g in content.goals}
    goal_store.add_goal(ctx.s, atlas.store, region, goal, group_id, known)
    return ctx.redirect("goals/")


@router.post("/{lang}/platform/interventions/{slug}/evaluations/")
def add_evaluation(slug: str, ctx: CtxDep):
    account = ctx.require_login()
    if not account.is_admin:
        # an evaluation is the forum's decision: administrators, or editors of any group
        from sqlalchemy import select

        from regionatlas.platform.models import GroupMember

        editor = ctx.s.scalar(
            select(GroupMember.group_id).where(
                GroupMember.account_id == account.id, GroupMember.role == "editor"
            )
        )
        if editor is None:
            raise ForbiddenError(
                "only editors of a working group may record an evaluation",
                i18n="platform.err_evaluation_editors",
            )
    _atlas, _region, content, goal_store = _content(ctx)
    ev = Evaluation(
        date=ctx.field("date", max_len=10), decision=ctx.field("decision", max_len=16),
        text_de=ctx.field("text_de", max_len=4000), text_en=ctx.field("text_en", max_len=4000),
        by=ctx.field("by"),
    )  # fmt: skip
    goal_store.add_evaluation(ctx.s, content.interventions, slug, ev, account.id)
    return ctx.redirect("goals/")
