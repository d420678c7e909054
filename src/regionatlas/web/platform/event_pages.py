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
    if (hit := ctx.cached()) is not None:
        return hit
    groups = {g.id: g for g in forum.groups(ctx.s)}
    return ctx.render(
        "events.html",
        "platform/events/",
        cache=True,
        events=events.listing(ctx.s, account=ctx.account),
        groups=groups,
        formats=EVENT_FORMATS,
    )


@router.get(P + "/events.ics")
def calendar_all(ctx: CtxDep):
    return ctx.finish(_ics(feeds.icalendar(ctx.s, ctx.lang, ctx.platform.base_url), "events"))


@router.get(P + "/groups/{slug}/events.ics")
def calendar_group(slug: str, ctx: CtxDep):
    group = forum.group_by_slug(ctx.s, slug[:60])
    from regionatlas.platform import permissions

    permissions.require_read_group(ctx.s, ctx.account, group)
    name = group.name_de if ctx.lang == "de" else group.name_en
    body = feeds.icalendar(ctx.s, ctx.lang, ctx.platform.base_url, group.id, name)
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
    if (hit := ctx.cached()) is not None:
        return hit
    ev = events.get(ctx.s, event_id)
    events.require_see(ctx.s, ctx.account, ev)
    group = ctx.s.get(WorkingGroup, ev.group_id) if ev.group_id else None
    try:
        events.require_edit(ctx.s, ctx.account, ev.group_id)
        can_edit = True
    except Exception:  # ForbiddenError
        can_edit = False
    from sqlalchemy import select

    from regionatlas.platform.models import Document

    docs = list(ctx.s.scalars(select(Document).where(Document.event_id == ev.id)))
    if group is not None and not can_edit:
        from regionatlas.platform import permissions

        if permissions.group_role(ctx.s, ctx.account, group.id) is None:
            docs = [d for d in docs if d.public]  # as on the group's page
    return ctx.render(
        "event.html",
        f"platform/events/{ev.id}/",
        cache=True,
        documents=docs,
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


@router.post(P + "/events/{event_id}/documents")
def event_upload(event_id: int, ctx: CtxDep):
    from starlette.datastructures import UploadFile

    from regionatlas.errors import InputError
    from regionatlas.platform import documents

    account = ctx.require_login()
    ev = events.get(ctx.s, event_id)
    group = ctx.s.get(WorkingGroup, ev.group_id) if ev.group_id else None
    upload = ctx.form.get("file") if ctx.form is not None else None
    if not isinstance(upload, UploadFile):
        raise InputError("choose a file to upload", field="file", i18n="platform.err_file_missing")
    documents.add_document(
        ctx.s,
        account,
        group,
        ctx.field("title"),
        upload.filename or "",
        upload.file.read(ctx.platform.max_upload + 1),
        ctx.platform.uploads_dir,
        ctx.platform.max_upload,
        event_id=ev.id,
    )
    return ctx.redirect(f"events/{ev.id}/")


@router.post(P + "/timeline/")
def timeline_add(ctx: CtxDep):
    """Administrators add phases, milestones and decisions."""
    from regionatlas.errors import InputError
    from regionatlas.platform.models import TIMELINE_KINDS, TimelineEntry

    ctx.require_admin()
    kind = ctx.field("kind", max_len=16)
    if kind not in TIMELINE_KINDS:
        raise InputError(
            f"unknown kind {kind!r}",
            field="kind",
            expected=", ".join(TIMELINE_KINDS),
            i18n="platform.err_choice",
        )
    month = ctx.field("month", required=False, max_len=7) or None
    if month and not events.MONTH.match(month):
        raise InputError(
            f"not a month: {month!r}",
            field="month",
            expected="YYYY-MM",
            i18n="platform.err_month",
        )
    last = max((e.position for e in events.timeline(ctx.s)), default=0)
    ctx.s.add(
        TimelineEntry(
            kind=kind,
            month=month,
            planned=ctx.flag("planned"),
            position=last + 1,
            title_de=ctx.field("title_de"),
            title_en=ctx.field("title_en"),
            body_de=ctx.field("body_de", required=False, max_len=5000),
            body_en=ctx.field("body_en", required=False, max_len=5000),
        )
    )
    return ctx.redirect("timeline/")


@router.post(P + "/events/{event_id}/register")
def register(event_id: int, ctx: CtxDep):
    account = ctx.require_login()
    ev = events.get(ctx.s, event_id)
    events.require_see(ctx.s, account, ev)  # a members-only group's event: its members only
    if ctx.field("action", max_len=20) == "cancel":
        events.unregister(ctx.s, account, ev)
    else:
        events.register(ctx.s, account, ev)
    return ctx.redirect(f"events/{ev.id}/")


@router.get(P + "/timeline/")
def timeline(ctx: CtxDep):
    if (hit := ctx.cached()) is not None:
        return hit
    from regionatlas.platform.models import TIMELINE_KINDS

    return ctx.render(
        "timeline.html",
        "platform/timeline/",
        kinds=TIMELINE_KINDS,
        cache=True,
        entries=events.timeline(ctx.s),
        events=events.listing(ctx.s, account=ctx.account),
    )
