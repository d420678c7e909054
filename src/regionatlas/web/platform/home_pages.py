"""The platform's start page: working groups, next events, news; the news Atom feed."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import select

from regionatlas.platform import feeds, forum
from regionatlas.platform.models import NewsItem
from regionatlas.web.platform.deps import CtxDep

router = APIRouter()
P = "/{lang}/platform"


@router.get(P + "/")
def home(ctx: CtxDep):
    if (hit := ctx.cached()) is not None:
        return hit
    news = list(ctx.s.scalars(select(NewsItem).order_by(NewsItem.published_at.desc()).limit(5)))
    groups = forum.groups(ctx.s, public_only=ctx.static_copy)
    return ctx.render("home.html", "platform/", cache=True, groups=groups, news=news)


@router.get(P + "/news.atom")
def news_feed(ctx: CtxDep):
    body = feeds.atom(ctx.s, ctx.lang, ctx.platform.base_url)
    return ctx.finish(Response(body, media_type="application/atom+xml; charset=utf-8"))


@router.post(P + "/news/")
def news_add(ctx: CtxDep):
    account = ctx.require_admin()
    ctx.s.add(
        NewsItem(
            title_de=ctx.field("title_de"),
            title_en=ctx.field("title_en"),
            body_de=ctx.field("body_de", required=False, max_len=20_000),
            body_en=ctx.field("body_en", required=False, max_len=20_000),
            author_id=account.id,
        )
    )
    return ctx.redirect("")
