"""Survey results (page, CSV/XLSX/JSON) and administration (create, invite, remind, edit the
questionnaire, retention, respondent export/deletion). Results are visible to admins, and to
everyone when the survey's results are public; every cell of fewer than 5 responses is shown
as suppressed in all of them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from regionatlas.errors import InputError
from regionatlas.platform.surveys import service
from regionatlas.web.platform import survey_context
from regionatlas.web.platform.deps import Ctx, CtxDep
from regionatlas.web.platform.survey_results import cached_results, clean, results_json

router = APIRouter()
P = "/{lang}/platform/surveys"
GROUPS = ("land", "kreis", "sector")
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _may_see(ctx: Ctx, survey) -> None:
    if not survey.results_public:
        ctx.require_admin()


def results(ctx: Ctx, survey):
    """The survey's results (cached per app until a response or the questionnaire changes)."""
    return cached_results(ctx.request.app, ctx.s, survey)


def _labels(ctx: Ctx, res) -> dict[tuple[str, str], str]:
    t_other = {"de": "Sonstiges", "en": "Other"}[ctx.lang]
    t_mean = {"de": "Mittelwert", "en": "Mean"}[ctx.lang]
    places = survey_context.place_lookup(ctx.request.app)
    out: dict[tuple[str, str], str] = {}
    for q in res.questionnaire.questions:
        for o in q.options:
            out[(q.code, o.code)] = o.label(ctx.lang)
        out[(q.code, "-oth-")] = t_other
        out[(q.code, "mean")] = t_mean
        if q.type == "place":
            for ags, label in places.label.items():
                out[(q.code, ags)] = label
    return out


@router.get(P + "/{slug}/results/")
def results_page(slug: str, ctx: CtxDep):
    survey = service.get(ctx.s, slug)
    _may_see(ctx, survey)
    res = results(ctx, survey)
    by = ctx.request.query_params.get("by", "")
    by = by if by in GROUPS else ""
    table = res.questions
    shown = table[table["group_by"].eq(by or "all")]
    rows: dict[str, list[dict[str, Any]]] = {}
    for rec in shown.to_dict("records"):
        rows.setdefault(rec["question"], []).append({k: clean(v) for k, v in rec.items()})
    areas = survey_context.places(ctx.request.app)
    area_names = {**dict(zip(areas["district"], areas["district_name"], strict=False))}
    return ctx.render(
        "surveys/results.html",
        f"platform/surveys/{survey.slug}/results/",
        survey=survey,
        res=res,
        rows=rows,
        by=by,
        groups=GROUPS,
        labels=_labels(ctx, res),
        area_names=area_names,
        map_config={
            "results": f"/{ctx.lang}/platform/surveys/{survey.slug}/results.json",
            "bbox": ctx.request.app.state.atlas.geometry("kreis")["bbox"],
        },
    )


@router.get(P + "/{slug}/results.{fmt}")
def results_download(slug: str, fmt: str, ctx: CtxDep):
    from regionatlas.platform import audit
    from regionatlas.workflows import surveys as ws

    survey = service.get(ctx.s, slug)
    _may_see(ctx, survey)
    res = results(ctx, survey)
    if fmt == "json":
        body = json.dumps(results_json(res), ensure_ascii=False).encode()
        media = "application/json"
    elif fmt in MEDIA:
        body, media = ws.download(res, fmt), MEDIA[fmt]
    else:
        raise InputError(
            f"unknown format {fmt!r}",
            field="format",
            value=fmt,
            expected="csv, xlsx, json",
            i18n="platform.err_choice",
        )
    audit.record(ctx.s, "download", "survey", survey.id, after={"format": fmt})
    name = f"{survey.slug}-results{'-synthetic' if res.synthetic else ''}.{fmt}"
    return ctx.finish(
        Response(
            body,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    )


# ------------------------------------------------------------------------------- admin
def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError as exc:
        raise InputError(
            f"not a date: {value!r}", value=value, expected="YYYY-MM-DD", i18n="platform.err_date"
        ) from exc


def _retention_days(ctx: Ctx) -> int:
    try:
        return int(ctx.field("retention_days", max_len=5))
    except ValueError as exc:
        raise InputError(
            "retention period must be a number of days",
            field="retention_days",
            i18n="platform.err_number",
        ) from exc


@router.post(P + "/new")
def create(ctx: CtxDep):
    ctx.require_admin()
    survey = service.create_survey(
        ctx.s,
        ctx.field("slug", max_len=60),
        ctx.field("questionnaire", max_len=40),
        mode=ctx.field("mode", max_len=10),
        retention_days=_retention_days(ctx),
    )
    return ctx.redirect(f"surveys/{survey.slug}/admin/")


@router.get(P + "/{slug}/admin/")
def admin_page(slug: str, ctx: CtxDep, message: str = ""):
    ctx.require_admin()
    survey = service.get(ctx.s, slug)
    return ctx.render(
        "surveys/admin.html",
        f"platform/surveys/{survey.slug}/admin/",
        survey=survey,
        counts=service.counts(ctx.s, survey),
        is_open=service.is_open(survey),
        message=message[:40],
        respondent=None,
    )


@router.post(P + "/{slug}/admin/invite")
def admin_invite(slug: str, ctx: CtxDep):
    ctx.require_admin()
    survey = service.get(ctx.s, slug)
    emails = ctx.field("emails", max_len=100_000).splitlines()
    service.invite(ctx.s, ctx.platform.mailer, ctx.platform.base_url, survey, emails, ctx.lang)
    return ctx.redirect(f"surveys/{survey.slug}/admin/?message=invited")


@router.post(P + "/{slug}/admin/remind")
def admin_remind(slug: str, ctx: CtxDep):
    ctx.require_admin()
    survey = service.get(ctx.s, slug)
    service.remind(ctx.s, ctx.platform.mailer, ctx.platform.base_url, survey, ctx.lang)
    return ctx.redirect(f"surveys/{survey.slug}/admin/?message=reminded")


@router.post(P + "/{slug}/admin/settings")
def admin_settings(slug: str, ctx: CtxDep):
    ctx.require_admin()
    survey = service.get(ctx.s, slug)
    survey.opens_at = _date(ctx.field("opens_at", required=False, max_len=20))
    survey.closes_at = _date(ctx.field("closes_at", required=False, max_len=20))
    survey.retention_days = service.check_retention(_retention_days(ctx))
    survey.results_public = ctx.flag("results_public")
    return ctx.redirect(f"surveys/{survey.slug}/admin/?message=saved")


@router.post(P + "/{slug}/admin/definition")
def admin_definition(slug: str, ctx: CtxDep):
    ctx.require_admin()
    survey = service.get(ctx.s, slug)
    try:
        service.set_definition(ctx.s, survey, ctx.field("definition", max_len=200_000))
    except InputError as exc:
        if "i18n" in exc.details:
            raise
        # a parse error of the TOML names file, line and column: shown as it is, introduced
        # in the page's language
        details = {**exc.details, "problem": exc.message, "i18n": "platform.err_definition"}
        raise InputError(exc.message, **details) from exc
    return ctx.redirect(f"surveys/{survey.slug}/admin/?message=saved")


@router.post(P + "/{slug}/admin/respondent")
def admin_respondent(slug: str, ctx: CtxDep):
    ctx.require_admin()
    survey = service.get(ctx.s, slug)
    try:
        rid = int(ctx.field("response", max_len=12))
    except ValueError as exc:
        raise InputError(
            "response id must be a number", field="response", i18n="platform.err_number"
        ) from exc
    if ctx.field("action", max_len=10) == "delete":
        service.delete_respondent(ctx.s, survey, response_id=rid)
        return ctx.redirect(f"surveys/{survey.slug}/admin/?message=deleted")
    data = service.export_respondent(ctx.s, survey, response_id=rid)
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    return ctx.finish(
        Response(body, media_type="application/json", headers={
            "Content-Disposition": f'attachment; filename="{survey.slug}-response-{rid}.json"'})
    )  # fmt: skip
