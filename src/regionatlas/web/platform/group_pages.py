"""Working groups: list, a group's page (members, threads, documents, events), new threads,
document upload and download, moderation queue."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import select
from starlette.datastructures import UploadFile

from regionatlas.errors import InputError, NotFoundError
from regionatlas.platform import documents, events, forum, permissions
from regionatlas.platform.models import Document, WorkingGroup
from regionatlas.web.platform.deps import CtxDep

router = APIRouter()
P = "/{lang}/platform"


@router.get(P + "/groups/")
def group_list(ctx: CtxDep):
    if (hit := ctx.cached()) is not None:
        return hit
    groups = forum.groups(ctx.s, public_only=ctx.static_copy)  # the static copy: public ones
    return ctx.render("groups.html", "platform/groups/", cache=True, groups=groups)


@router.get(P + "/groups/{slug}/")
def group_page(slug: str, ctx: CtxDep, page: int = 1):
    if (hit := ctx.cached()) is not None:
        return hit
    group = forum.group_by_slug(ctx.s, slug[:60])
    permissions.require_read_group(ctx.s, ctx.account, group)
    role = permissions.group_role(ctx.s, ctx.account, group.id)
    page = max(1, min(page, 100_000))
    moderator = role in ("admin", "editor")
    per_page = None if ctx.static_copy else forum.PAGE_SIZE  # a static copy: one page
    threads, total = forum.threads(
        ctx.s, group.id, page=page, with_hidden=moderator, per_page=per_page
    )
    docs = list(
        ctx.s.scalars(
            select(Document)
            .where(Document.group_id == group.id)
            .order_by(Document.created_at.desc())
        )
    )
    if role is None:
        docs = [d for d in docs if d.public]
    pages = max(1, -(-total // per_page)) if per_page else 1
    return ctx.render(
        "group.html",
        f"platform/groups/{group.slug}/",
        cache=page <= pages,  # no cache entries for page numbers past the end
        scopes=(f"group:{group.id}", "events"),  # its threads, members, documents; events
        group=group,
        role=role,
        members=forum.member_names(ctx.s, group.id),
        threads=threads,
        total=total,
        page=page,
        pages=pages,
        documents=docs,
        events=events.listing(ctx.s, group.id, ctx.account),
        reports=forum.open_reports(ctx.s, group.id) if moderator else [],
    )


@router.post(P + "/groups/{slug}/")
def edit_group(slug: str, ctx: CtxDep):
    """Editors of the group (and administrators) keep its page's description current."""
    account = ctx.require_login()
    group = forum.group_by_slug(ctx.s, slug[:60])
    permissions.require_editor(ctx.s, account, group.id)
    group.description_de = ctx.field("description_de", required=False, max_len=5000)
    group.description_en = ctx.field("description_en", required=False, max_len=5000)
    return ctx.redirect(f"groups/{group.slug}/")


@router.post(P + "/groups/{slug}/threads")
def new_thread(slug: str, ctx: CtxDep):
    account = ctx.require_login()
    group = forum.group_by_slug(ctx.s, slug[:60])
    thread = forum.create_thread(
        ctx.s,
        account,
        group,
        ctx.field("title", max_len=forum.MAX_TITLE),
        ctx.field("body", max_len=forum.MAX_BODY),
        forum.Notifier(ctx.platform.mailer, ctx.platform.base_url),
        ctx.lang,
    )
    return ctx.redirect(f"threads/{thread.id}/")


@router.post(P + "/groups/{slug}/documents")
def upload(slug: str, ctx: CtxDep):
    account = ctx.require_login()
    group = forum.group_by_slug(ctx.s, slug[:60])
    permissions.require_editor(ctx.s, account, group.id)
    upload = ctx.form.get("file") if ctx.form is not None else None
    if not isinstance(upload, UploadFile):
        raise InputError("choose a file to upload", field="file", i18n="platform.err_file_missing")
    data = upload.file.read(ctx.platform.max_upload + 1)
    documents.add_document(
        ctx.s,
        account,
        group,
        ctx.field("title"),
        upload.filename or "",
        data,
        ctx.platform.uploads_dir,
        ctx.platform.max_upload,
        public=not ctx.flag("members_only"),
    )
    return ctx.redirect(f"groups/{group.slug}/")


@router.get(P + "/documents/{doc_id}/download")
def download(doc_id: int, ctx: CtxDep):
    doc, path = documents.readable_document(ctx.s, ctx.account, doc_id, ctx.platform.uploads_dir)
    return ctx.finish(
        Response(
            path.read_bytes(),
            media_type=doc.media_type,
            headers={
                "Content-Disposition": documents.content_disposition(doc.file_name),
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "default-src 'none'; sandbox",
            },
        )
    )


@router.post(P + "/documents/{doc_id}/delete")
def delete(doc_id: int, ctx: CtxDep):
    account = ctx.require_login()
    doc = ctx.s.get(Document, doc_id)
    if doc is None:
        raise NotFoundError(
            f"unknown document {doc_id}", value=doc_id, i18n="platform.err_unknown_document"
        )
    group = ctx.s.get(WorkingGroup, doc.group_id) if doc.group_id else None
    slug = group.slug if group else None
    documents.delete_document(ctx.s, account, doc)
    return ctx.redirect(f"groups/{slug}/" if slug else "groups/")
