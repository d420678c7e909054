"""Events (list, page, create/edit, register), iCalendar feeds, the timeline."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from regionatlas.platform import events, feeds, forum, text
from regionatlas.platform.models import EVENT_FORMATS, Event, WorkingGroup
from regionatlas.web.platform.deps import CtxDep

router = APIRouter()
P = "/{lang}/platform"
FIELDS = (
    "title_de",
    "title_en",
    "format",
    "place",
    "starts_at",
    "ends_at",
    "month",
    "capacity",
    "agenda_md",
    "minutes_md",
)


def _fields(ctx) -> dict[str, str]:
    return {
        f: ctx.field(f, required=False, max_len=50_000 if f.endswith("_md") else 200)
        for f in FIELDS
    }


def _ics(body: bytes, name: str) -> Response:
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="{name}.ics"'},
    )


@router.get(P + "/events/")
def event_list(ctx: CtxDep):
    groups = {g.id: g for g in forum.groups(ctx.s)}
    return ctx.render(
        "events.html",
        "platform/events/",
        events=events.listing(ctx.s),
        groups=groups,
        formats=EVENT_FORMATS,
    )


@router.get(P + "/events.ics")
def calendar_all(ctx: CtxDep):
    return ctx.finish(_ics(feeds.icalendar(ctx.s, ctx.lang, ctx.platform.base_url), "events"))


@router.get(P + "/groups/{slug}/events.ics")
def calendar_group(slug: str, ctx: CtxDep):
    group = forum.group_by_slug(ctx.s, slug[:60])
    body = feeds.icalendar(ctx.s, ctx.lang, ctx.platform.base_url, group.id)
    return ctx.finish(_ics(body, group.slug))


@router.post(P + "/events/")
def create(ctx: CtxDep):
    account = ctx.require_login()
    slug = ctx.field("group", required=False, max_len=60)
    group = forum.group_by_slug(ctx.s, slug) if slug else None
    events.require_edit(ctx.s, account, group.id if group else None)
    ev = Event(
        group_id=group.id if group else None, kind="meeting", **events.validate(_fields(ctx))
    )
    ctx.s.add(ev)
    ctx.s.flush()
    return ctx.redirect(f"events/{ev.id}/")


@router.get(P + "/events/{event_id}/")
def event_page(event_id: int, ctx: CtxDep):
    ev = events.get(ctx.s, event_id)
    group = ctx.s.get(WorkingGroup, ev.group_id) if ev.group_id else None
    try:
        events.require_edit(ctx.s, ctx.account, ev.group_id)
        can_edit = True
    except Exception:  # ForbiddenError
        can_edit = False
    return ctx.render(
        "event.html",
        f"platform/events/{ev.id}/",
        ev=ev,
        group=group,
        can_edit=can_edit,
        agenda=text.render_markdown(ev.agenda_md),
        minutes=text.render_markdown(ev.minutes_md),
        registered=events.is_registered(ctx.s, ev.id, ctx.account),
        count=events.registrations(ctx.s, ev.id),
        formats=EVENT_FORMATS,
    )


@router.post(P + "/events/{event_id}/")
def edit(event_id: int, ctx: CtxDep):
    account = ctx.require_login()
    ev = events.get(ctx.s, event_id)
    events.require_edit(ctx.s, account, ev.group_id)
    for key, value in events.validate(_fields(ctx)).items():
        setattr(ev, key, value)
    return ctx.redirect(f"events/{ev.id}/")


@router.post(P + "/events/{event_id}/register")
def register(event_id: int, ctx: CtxDep):
    account = ctx.require_login()
    ev = events.get(ctx.s, event_id)
    if ctx.field("action", max_len=20) == "cancel":
        events.unregister(ctx.s, account, ev)
    else:
        events.register(ctx.s, account, ev)
    return ctx.redirect(f"events/{ev.id}/")


@router.get(P + "/timeline/")
def timeline(ctx: CtxDep):
    return ctx.render(
        "timeline.html",
        "platform/timeline/",
        entries=events.timeline(ctx.s),
        events=events.listing(ctx.s),
    )
