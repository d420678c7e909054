"""Discussions: a thread with its posts, replies, editing, moderation (hide, lock), reports."""

from __future__ import annotations

from fastapi import APIRouter

from regionatlas.errors import InputError, NotFoundError
from regionatlas.platform import forum, permissions
from regionatlas.platform.models import Post, Report, WorkingGroup
from regionatlas.web.platform.deps import CtxDep

router = APIRouter()
P = "/{lang}/platform"


def _post(ctx, post_id: int) -> Post:
    post = ctx.s.get(Post, post_id)
    if post is None:
        raise NotFoundError(
            f"unknown post {post_id}", value=post_id, i18n="platform.err_unknown_post"
        )
    return post


def _group(ctx, group_id: int) -> WorkingGroup:
    group = ctx.s.get(WorkingGroup, group_id)
    if group is None:  # pragma: no cover - the foreign key keeps it
        raise NotFoundError(f"unknown working group {group_id}")
    return group


@router.get(P + "/threads/{thread_id}/")
def thread_page(thread_id: int, ctx: CtxDep, page: int = 1, reported: int = 0):
    if (hit := ctx.cached()) is not None:
        return hit
    thread = forum.thread(ctx.s, thread_id)
    group = _group(ctx, thread.group_id)
    permissions.require_read_group(ctx.s, ctx.account, group)
    role = permissions.group_role(ctx.s, ctx.account, group.id)
    moderator = role in ("admin", "editor")
    if thread.hidden and not moderator:
        raise NotFoundError(
            f"unknown thread {thread_id}", value=thread_id, i18n="platform.err_unknown_thread"
        )
    page = max(1, min(page, 100_000))
    per_page = None if ctx.static_copy else forum.PAGE_SIZE  # a static copy: one page
    posts, total = forum.posts(ctx.s, thread.id, page=page, per_page=per_page)
    pages = max(1, -(-total // per_page)) if per_page else 1
    return ctx.render(
        "thread.html",
        f"platform/threads/{thread.id}/",
        cache=page <= pages,  # no cache entries for page numbers past the end
        thread=thread,
        group=group,
        role=role,
        moderator=moderator,
        reported=bool(reported) and ctx.account is not None,  # the report's confirmation
        posts=posts,
        page=page,
        pages=pages,
    )


@router.post(P + "/threads/{thread_id}/reply")
def reply(thread_id: int, ctx: CtxDep):
    account = ctx.require_login()
    thread = forum.thread(ctx.s, thread_id)
    post = forum.reply(
        ctx.s,
        account,
        thread,
        ctx.field("body", max_len=forum.MAX_BODY),
        forum.Notifier(ctx.platform.mailer, ctx.platform.base_url),
        ctx.lang,
    )
    _posts, total = forum.posts(ctx.s, thread.id, page=1)
    last = max(1, -(-total // forum.PAGE_SIZE))
    return ctx.redirect(f"threads/{thread.id}/?page={last}#post-{post.id}")


@router.post(P + "/threads/{thread_id}/moderate")
def moderate_thread(thread_id: int, ctx: CtxDep):
    account = ctx.require_login()
    thread = forum.thread(ctx.s, thread_id)
    action = ctx.field("action", max_len=20)
    if action in ("lock", "unlock"):
        forum.set_thread_locked(ctx.s, account, thread, action == "lock")
    elif action in ("hide", "show"):
        forum.set_thread_hidden(ctx.s, account, thread, action == "hide")
    else:
        raise InputError(
            f"unknown action {action!r}",
            field="action",
            expected="lock, unlock, hide, show",
            i18n="platform.err_choice",
        )
    return ctx.redirect(f"threads/{thread.id}/")


@router.get(P + "/posts/{post_id}/edit")
def edit_form(post_id: int, ctx: CtxDep):
    account = ctx.require_login()
    post = _post(ctx, post_id)
    thread = forum.thread(ctx.s, post.thread_id)
    permissions.require_edit_post(ctx.s, account, post, thread)
    return ctx.render("post_edit.html", f"platform/posts/{post.id}/edit", post=post, thread=thread)


@router.post(P + "/posts/{post_id}/edit")
def edit(post_id: int, ctx: CtxDep):
    account = ctx.require_login()
    post = _post(ctx, post_id)
    forum.edit_post(ctx.s, account, post, ctx.field("body", max_len=forum.MAX_BODY))
    return ctx.redirect(f"threads/{post.thread_id}/#post-{post.id}")


@router.post(P + "/posts/{post_id}/moderate")
def moderate_post(post_id: int, ctx: CtxDep):
    account = ctx.require_login()
    post = _post(ctx, post_id)
    action = ctx.field("action", max_len=20)
    if action not in ("hide", "show"):
        raise InputError(
            f"unknown action {action!r}",
            field="action",
            expected="hide, show",
            i18n="platform.err_choice",
        )
    forum.set_post_hidden(ctx.s, account, post, action == "hide")
    return ctx.redirect(f"threads/{post.thread_id}/#post-{post.id}")


@router.post(P + "/posts/{post_id}/report")
def report(post_id: int, ctx: CtxDep):
    account = ctx.require_login()
    post = _post(ctx, post_id)
    thread = forum.thread(ctx.s, post.thread_id)
    permissions.require_read_group(ctx.s, account, _group(ctx, thread.group_id))
    forum.report_post(ctx.s, account, post, ctx.field("reason", max_len=2000))
    return ctx.redirect(f"threads/{post.thread_id}/?reported=1#post-{post.id}")


@router.post(P + "/reports/{report_id}/resolve")
def resolve(report_id: int, ctx: CtxDep):
    account = ctx.require_login()
    row = ctx.s.get(Report, report_id)
    if row is None:
        raise NotFoundError(
            f"unknown report {report_id}", value=report_id, i18n="platform.err_unknown_report"
        )
    forum.resolve_report(ctx.s, account, row)
    post = _post(ctx, row.post_id)
    return ctx.redirect(f"threads/{post.thread_id}/")
