"""Survey pages for respondents: the list of open surveys, the form by open link or by
personal token (save and resume, one response per token), the thank-you page.

The form is validated on the server; on any error the page comes back (422) with everything
typed still in it, each error next to its question and listed at the top with links.
"""

from __future__ import annotations

import gzip
from typing import Any

from fastapi import APIRouter

from regionatlas.platform.surveys import service
from regionatlas.platform.surveys.answers import from_form, raw_from_answers, validate
from regionatlas.platform.surveys.questionnaire import Questionnaire
from regionatlas.web.i18n import Translator
from regionatlas.web.platform import survey_context
from regionatlas.web.platform.deps import Ctx, CtxDep

router = APIRouter()
P = "/{lang}/platform/surveys"


def _lists(ctx: Ctx) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if ctx.form is not None:
        for key, value in ctx.form.multi_items():
            if isinstance(value, str):
                out.setdefault(key, []).append(value[:5000])
    return out


def error_messages(lang: str, errors: dict[str, tuple[str, dict[str, Any]]]) -> dict[str, str]:
    t = Translator(lang)
    return {code: t(f"surveys.err_{key}", **params) for code, (key, params) in errors.items()}


def _place_keys(ctx: Ctx) -> set[str]:
    return survey_context.place_lookup(ctx.request.app).keys


def _resolve(ctx: Ctx, qn: Questionnaire, raw: dict[str, Any]) -> dict[str, Any]:
    """Place inputs typed as "Name (AGS)", an AGS or a unique name -> AGS (else kept as typed,
    so the error shows what was typed)."""
    lookup = survey_context.place_lookup(ctx.request.app)
    out = dict(raw)
    for q in qn.questions:
        if q.type == "place":
            out[q.code] = [(lookup.resolve(a), s) for a, s in raw.get(q.code, [])]
    return out


CSRF_SLOT = "\x00csrf\x00"
TOKEN_SLOT = "\x00token\x00"


def _blank_form(ctx: Ctx, survey, qn: Questionnaire, path: str):
    """An empty form for an anonymous visitor: rendered once per survey version, language and
    page depth, then only the visitor's CSRF token is put in (the page a respondent gets
    first, so it is the one that must be fast under load)."""
    from fastapi.responses import HTMLResponse

    from regionatlas.web.pages.render import page

    token = ctx.request.path_params.get("token", "")
    generic = path.replace(token, TOKEN_SLOT) if token else path
    key = (survey.id, survey.definition, ctx.lang, generic, service.is_open(survey))
    cache: dict = _app_cache(ctx, "survey_blank_forms")
    html = cache.get(key)
    if html is None:
        html = page(
            ctx.request, "platform/surveys/form.html", ctx.lang, generic,
            ctx.request.app.state.atlas, account=None, csrf=CSRF_SLOT, survey=survey, qn=qn,
            raw={}, texts={}, errors={}, places=survey_context.place_lookup(ctx.request.app),
            saved=False, resume_url=None, is_open=key[-1], map_config=_map_config(ctx),
        )  # fmt: skip
        if len(cache) > 64:
            cache.clear()
        cache[key] = html
    html = html.replace(CSRF_SLOT, ctx.csrf)
    if token:
        html = html.replace(TOKEN_SLOT, token)
    if "gzip" not in ctx.request.headers.get("accept-encoding", ""):
        return ctx.finish(HTMLResponse(html))
    # compressed here at level 1 (a third of the time of the app's level 5, 15 % larger): the
    # page carries the region's whole municipality list and is the one respondents load first
    body = gzip.compress(html.encode(), compresslevel=1, mtime=0)
    headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
    return ctx.finish(HTMLResponse(body, headers=headers))


def _map_config(ctx: Ctx) -> dict[str, Any]:
    return {"bbox": ctx.request.app.state.atlas.geometry("gemeinde")["bbox"]}


def render_form(
    ctx: Ctx,
    survey,
    qn: Questionnaire,
    path: str,
    *,
    raw: dict[str, Any] | None = None,
    texts: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    saved: bool = False,
    resume_url: str | None = None,
):
    if ctx.account is None and not (raw or texts or errors or saved) and status == 200:
        return _blank_form(ctx, survey, qn, path)
    return ctx.render(
        "surveys/form.html",
        path,
        status=status,
        survey=survey,
        qn=qn,
        raw=raw or {},
        texts=texts or {},
        errors=errors or {},
        places=survey_context.place_lookup(ctx.request.app),
        saved=saved,
        resume_url=resume_url,
        is_open=service.is_open(survey),
        map_config=_map_config(ctx),
    )


@router.get(P + "/")
def survey_list(ctx: CtxDep):
    surveys = service.listing(ctx.s)
    is_admin = bool(ctx.account and ctx.account.is_admin)
    shown = [sv for sv in surveys if is_admin or (sv.mode == "open" and service.is_open(sv))] + (
        [] if is_admin else [sv for sv in surveys if sv.results_public and sv.mode != "open"]
    )
    return ctx.render(
        "surveys/list.html",
        "platform/surveys/",
        surveys=list(dict.fromkeys(shown)),
        is_admin=is_admin,
        open_of={sv.id: service.is_open(sv) for sv in surveys},
        questionnaires=("firms", "municipalities"),
    )


@router.get(P + "/{slug}/")
def open_form(slug: str, ctx: CtxDep):
    survey = service.get(ctx.s, slug)
    qn = service.questionnaire_of(survey)
    path = f"platform/surveys/{survey.slug}/"
    if survey.mode != "open":
        return ctx.render("surveys/closed.html", path, survey=survey, reason="invite", status=403)
    if not service.is_open(survey):
        return ctx.render("surveys/closed.html", path, survey=survey, reason="closed", status=410)
    return render_form(ctx, survey, qn, path)


def _post(ctx: Ctx, survey, qn: Questionnaire, path: str, inv=None, token: str | None = None):
    service.require_open(survey)
    final = (ctx.form.get("action") if ctx.form is not None else None) == "submit"
    raw, texts = from_form(qn, _lists(ctx))
    raw = _resolve(ctx, qn, raw)
    checked = validate(qn, raw, texts, _place_keys(ctx), final=final)
    if checked.errors:
        ctx.s.rollback()
        return render_form(
            ctx,
            survey,
            qn,
            path,
            raw=raw,
            texts=texts,
            errors=error_messages(ctx.lang, checked.errors),
            status=422,
        )
    if inv is None:
        inv, token = service.open_invitation(ctx.s, survey)
    service.save(ctx.s, survey, inv, checked, final=final, lang=ctx.lang)
    if final:
        return ctx.render("surveys/thanks.html", path, survey=survey)
    return ctx.redirect(f"surveys/{survey.slug}/t/{token}?saved=1")


@router.post(P + "/{slug}/")
def open_submit(slug: str, ctx: CtxDep):
    survey = service.get(ctx.s, slug)
    if survey.mode != "open":
        return ctx.render(
            "surveys/closed.html", f"platform/surveys/{survey.slug}/", survey=survey,
            reason="invite", status=403,
        )  # fmt: skip
    return _post(ctx, survey, service.questionnaire_of(survey), f"platform/surveys/{survey.slug}/")


@router.get(P + "/{slug}/t/{token}")
def token_form(slug: str, token: str, ctx: CtxDep):
    survey = service.get(ctx.s, slug)
    inv = service.by_token(ctx.s, survey, token)
    qn = service.questionnaire_of(survey)
    path = f"platform/surveys/{survey.slug}/t/{token}"
    response = service.response_of(ctx.s, inv)
    if response is not None and response.status == "complete":
        return ctx.render("surveys/closed.html", path, survey=survey, reason="used", status=409)
    if not service.is_open(survey):
        return ctx.render("surveys/closed.html", path, survey=survey, reason="closed", status=410)
    raw = raw_from_answers(qn, response.answers) if response else {}
    return render_form(
        ctx,
        survey,
        qn,
        path,
        raw=raw,
        texts=service.texts_of(ctx.s, response),
        saved=ctx.request.query_params.get("saved") == "1",
        resume_url=f"{ctx.platform.base_url.rstrip('/')}/{ctx.lang}/{path}",
    )


@router.post(P + "/{slug}/t/{token}")
def token_submit(slug: str, token: str, ctx: CtxDep):
    survey = service.get(ctx.s, slug)
    inv = service.by_token(ctx.s, survey, token)
    response = service.response_of(ctx.s, inv)
    if response is not None and response.status == "complete":
        raise service.AlreadyAnsweredError("this link has been used for a complete response")
    path = f"platform/surveys/{survey.slug}/t/{token}"
    return _post(ctx, survey, service.questionnaire_of(survey), path, inv=inv, token=token)


@router.post(P + "/{slug}/t/{token}/mine")
def my_data(slug: str, token: str, ctx: CtxDep):
    """The respondent's own request: a copy of what is stored (JSON) or its deletion."""
    import json

    from fastapi.responses import Response

    survey = service.get(ctx.s, slug)
    if ctx.form is not None and ctx.form.get("action") == "delete":
        service.delete_respondent(ctx.s, survey, token=token)
        return ctx.render("surveys/closed.html", f"platform/surveys/{survey.slug}/t/{token}",
                          survey=survey, reason="deleted")  # fmt: skip
    data = service.export_respondent(ctx.s, survey, token=token)
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    headers = {"Content-Disposition": f'attachment; filename="{survey.slug}-my-answers.json"'}
    return ctx.finish(Response(body, media_type="application/json", headers=headers))


def _app_cache(ctx: Ctx, name: str) -> dict:
    """A dict kept on the app's state (created on first use)."""
    state = ctx.request.app.state
    cache = getattr(state, name, None)
    if cache is None:
        cache = {}
        setattr(state, name, cache)
    return cache
