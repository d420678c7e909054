"""Working groups and their discussions: threads, replies, edits, moderation, reports,
mentions and notifications (in the platform and by e-mail for those who keep it on)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from regionatlas.errors import ForbiddenError, InputError, NotFoundError
from regionatlas.platform import permissions, text
from regionatlas.platform.mail import MailError
from regionatlas.platform.models import (
    GROUP_ROLES,
    Account,
    GroupMember,
    Notification,
    Post,
    Report,
    Thread,
    WorkingGroup,
    utcnow,
)

log = logging.getLogger("regionatlas.platform")
PAGE_SIZE = 25
MAX_TITLE = 200
MAX_BODY = 20_000


@dataclass
class Notifier:
    """Sends notification mails; failures are logged and never undo the post."""

    mailer: object | None
    base_url: str

    def mail(self, s: Session, account: Account, subject: str, body: str, lang: str) -> None:
        """Send, with a one-click link that switches these mails off (in the text and as
        ``List-Unsubscribe`` with RFC 8058 one-click POST for mail clients)."""
        if self.mailer is None or not account.notify_email or not account.active:
            return
        from regionatlas.platform import accounts

        base = self.base_url.rstrip("/")
        link = (
            f"{base}/{lang}/platform/unsubscribe/{accounts.issue_token(s, account, 'unsubscribe')}"
        )
        body += (
            "\nE-Mail-Benachrichtigungen mit einem Klick abschalten / "
            f"switch off e-mail notifications with one click:\n{link}\n"
            f"(oder im Konto / or on your account page: {base}/{lang}/platform/account/)\n"
        )
        headers = {
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        try:
            self.mailer.send(account.email, subject, body, headers)  # type: ignore[attr-defined]
        except MailError as exc:
            log.warning("notification mail to account %s failed: %s", account.id, exc.message)


def group_by_slug(s: Session, slug: str) -> WorkingGroup:
    group = s.scalar(select(WorkingGroup).where(WorkingGroup.slug == slug))
    if group is None:
        raise NotFoundError(
            f"unknown working group {slug!r}", value=slug, i18n="platform.err_unknown_group"
        )
    return group


def groups(s: Session, public_only: bool = False) -> list[WorkingGroup]:
    q = select(WorkingGroup).order_by(WorkingGroup.id)
    if public_only:
        q = q.where(WorkingGroup.public.is_(True))
    return list(s.scalars(q))


def members(s: Session, group_id: int) -> list[tuple[Account, str]]:
    rows = s.execute(
        select(Account, GroupMember.role)
        .join(GroupMember, GroupMember.account_id == Account.id)
        .where(GroupMember.group_id == group_id)
        .order_by(Account.display_name)
    )
    return [(a, r) for a, r in rows]


def set_member(s: Session, group: WorkingGroup, account: Account, role: str | None) -> None:
    """Add, change or (role None) remove a membership."""
    if role is not None and role not in GROUP_ROLES:
        raise InputError(
            f"unknown group role {role!r}",
            field="role",
            expected=", ".join(GROUP_ROLES),
            i18n="platform.err_choice",
        )
    row = s.get(GroupMember, (group.id, account.id))
    if role is None:
        if row is not None:
            s.delete(row)
    elif row is None:
        s.add(GroupMember(group_id=group.id, account_id=account.id, role=role))
    else:
        row.role = role


def _check_text(title: str | None, body: str) -> None:
    if title is not None and not (1 <= len(title.strip()) <= MAX_TITLE):
        raise InputError(
            f"a title needs 1 to {MAX_TITLE} characters",
            field="title",
            lo=1,
            hi=MAX_TITLE,
            i18n="platform.err_length",
        )
    if not (1 <= len(body.strip()) <= MAX_BODY):
        raise InputError(
            f"a post needs 1 to {MAX_BODY} characters",
            field="body",
            lo=1,
            hi=MAX_BODY,
            i18n="platform.err_length",
        )


def threads(
    s: Session,
    group_id: int,
    *,
    page: int = 1,
    with_hidden: bool = False,
    per_page: int | None = PAGE_SIZE,
) -> tuple[list[tuple[Thread, int, str | None]], int]:
    """Threads newest activity first, with post count and author name; and the total.
    ``per_page=None``: all on one page (the static export has no query strings)."""
    where = [Thread.group_id == group_id]
    if not with_hidden:
        where.append(Thread.hidden.is_(False))
    total = s.scalar(select(func.count()).select_from(Thread).where(*where)) or 0
    rows = list(
        s.execute(
            select(Thread, Account.display_name)
            .outerjoin(Account, Account.id == Thread.author_id)
            .where(*where)
            .order_by(Thread.last_post_at.desc(), Thread.id.desc())
            .limit(per_page)
            .offset((max(page, 1) - 1) * (per_page or 0))
        )
    )
    ids = [t.id for t, _ in rows]
    counts = (
        dict(
            s.execute(
                select(Post.thread_id, func.count())
                .where(Post.thread_id.in_(ids))
                .group_by(Post.thread_id)
            ).all()
        )
        if ids
        else {}
    )
    return [(t, counts.get(t.id, 0), name) for t, name in rows], total


def thread(s: Session, thread_id: int) -> Thread:
    row = s.get(Thread, thread_id)
    if row is None:
        raise NotFoundError(
            f"unknown thread {thread_id}", value=thread_id, i18n="platform.err_unknown_thread"
        )
    return row


class PostView(NamedTuple):
    """A post as a thread page shows it (plain row: no ORM object per post)."""

    id: int
    thread_id: int
    hidden: bool
    created_at: datetime
    edited_at: datetime | None
    body_html: str


class AuthorView(NamedTuple):
    id: int
    handle: str
    display_name: str


def posts(
    s: Session, thread_id: int, *, page: int = 1, per_page: int | None = PAGE_SIZE
) -> tuple[list[tuple[PostView, AuthorView | None]], int]:
    """One page of a thread's posts (all of them when ``per_page`` is None), oldest
    first, with their authors; and the total."""
    total = s.scalar(select(func.count()).select_from(Post).where(Post.thread_id == thread_id))
    rows = s.execute(
        select(
            Post.id,
            Post.thread_id,
            Post.hidden,
            Post.created_at,
            Post.edited_at,
            Post.body_html,
            Account.id,
            Account.handle,
            Account.display_name,
        )
        .outerjoin(Account, Account.id == Post.author_id)
        .where(Post.thread_id == thread_id)
        .order_by(Post.id)
        .limit(per_page)
        .offset((max(page, 1) - 1) * (per_page or 0))
    )
    return [
        (PostView(*r[:6]), AuthorView(*r[6:]) if r[6] is not None else None) for r in rows
    ], total or 0


def member_names(s: Session, group_id: int) -> list[tuple[AuthorView, str]]:
    """A group's members as its page lists them (name, handle, role), by name."""
    rows = s.execute(
        select(Account.id, Account.handle, Account.display_name, GroupMember.role)
        .join(GroupMember, GroupMember.account_id == Account.id)
        .where(GroupMember.group_id == group_id)
        .order_by(Account.display_name)
    )
    return [(AuthorView(*r[:3]), r[3]) for r in rows]


def _notify(
    s: Session,
    notifier: Notifier | None,
    author: Account,
    thread_: Thread,
    post: Post,
    lang: str,
) -> None:
    link = f"/{lang}/platform/threads/{thread_.id}/#post-{post.id}"
    handles = text.mentions(post.body_md)
    mentioned = (
        list(s.scalars(select(Account).where(Account.handle.in_(handles)))) if handles else []
    )
    for acc in mentioned:
        if acc.id == author.id:
            continue
        s.add(
            Notification(
                account_id=acc.id,
                kind="mention",
                text=f"@{author.handle}: {thread_.title}"[:300],
                link=link,
            )
        )
        if notifier:
            notifier.mail(
                s,
                acc,
                f"Erwähnung / mention: {thread_.title}",
                f"{author.display_name} hat Sie erwähnt / mentioned you:\n"
                f"{notifier.base_url.rstrip('/')}{link}\n",
                lang,
            )
    starter = thread_.author_id
    first = s.scalar(select(func.min(Post.id)).where(Post.thread_id == thread_.id))
    if (
        starter
        and starter != author.id
        and starter not in {a.id for a in mentioned}
        and post.id != first  # a reply, not the opening post
    ):
        s.add(
            Notification(
                account_id=starter,
                kind="reply",
                text=f"{author.display_name}: {thread_.title}"[:300],
                link=link,
            )
        )
    if notifier is None:
        return
    skip = {author.id} | {a.id for a in mentioned}
    for acc, _role in members(s, thread_.group_id):
        if acc.id not in skip:
            notifier.mail(
                s,
                acc,
                f"Neuer Beitrag / new post: {thread_.title}",
                f"{notifier.base_url.rstrip('/')}{link}\n",
                lang,
            )


def create_thread(
    s: Session,
    author: Account,
    group: WorkingGroup,
    title: str,
    body: str,
    notifier: Notifier | None = None,
    lang: str = "de",
) -> Thread:
    permissions.require_member(s, author, group.id)
    _check_text(title, body)
    now = utcnow()
    row = Thread(group_id=group.id, title=title.strip(), author_id=author.id, last_post_at=now)
    s.add(row)
    s.flush()
    post = Post(
        thread_id=row.id,
        author_id=author.id,
        body_md=body,
        body_html=text.render_markdown(body),
        created_at=now,
    )
    s.add(post)
    s.flush()
    _notify(s, notifier, author, row, post, lang)
    return row


def reply(
    s: Session,
    author: Account,
    thread_: Thread,
    body: str,
    notifier: Notifier | None = None,
    lang: str = "de",
) -> Post:
    role = permissions.require_member(s, author, thread_.group_id)
    if (thread_.locked or thread_.hidden) and role not in ("admin", "editor"):
        raise ForbiddenError("this thread is locked", i18n="platform.err_thread_locked")
    _check_text(None, body)
    post = Post(
        thread_id=thread_.id,
        author_id=author.id,
        body_md=body,
        body_html=text.render_markdown(body),
    )
    s.add(post)
    thread_.last_post_at = utcnow()
    s.flush()
    _notify(s, notifier, author, thread_, post, lang)
    return post


def edit_post(s: Session, account: Account, post: Post, body: str) -> None:
    permissions.require_edit_post(s, account, post, thread(s, post.thread_id))
    _check_text(None, body)
    post.body_md = body
    post.body_html = text.render_markdown(body)
    post.edited_at = utcnow()


def set_post_hidden(s: Session, account: Account, post: Post, hidden: bool) -> None:
    permissions.require_editor(s, account, thread(s, post.thread_id).group_id)
    post.hidden = hidden


def set_thread_locked(s: Session, account: Account, thread_: Thread, locked: bool) -> None:
    permissions.require_editor(s, account, thread_.group_id)
    thread_.locked = locked


def set_thread_hidden(s: Session, account: Account, thread_: Thread, hidden: bool) -> None:
    permissions.require_editor(s, account, thread_.group_id)
    thread_.hidden = hidden


def report_post(s: Session, account: Account, post: Post, reason: str) -> Report:
    if not (1 <= len(reason.strip()) <= 2000):
        raise InputError(
            "a report needs a reason (1 to 2000 characters)",
            field="reason",
            lo=1,
            hi=2000,
            i18n="platform.err_length",
        )
    row = Report(post_id=post.id, reporter_id=account.id, reason=reason.strip())
    s.add(row)
    s.flush()
    return row


def open_reports(s: Session, group_id: int) -> list[tuple[Report, Post]]:
    rows = s.execute(
        select(Report, Post)
        .join(Post, Post.id == Report.post_id)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Thread.group_id == group_id, Report.resolved_at.is_(None))
        .order_by(Report.id)
    )
    return [(r, p) for r, p in rows]


def resolve_report(s: Session, account: Account, report: Report) -> None:
    post = s.get(Post, report.post_id)
    assert post is not None
    permissions.require_editor(s, account, thread(s, post.thread_id).group_id)
    report.resolved_at = utcnow()


def notifications(s: Session, account_id: int, limit: int = 50) -> list[Notification]:
    return list(
        s.scalars(
            select(Notification)
            .where(Notification.account_id == account_id)
            .order_by(Notification.id.desc())
            .limit(limit)
        )
    )
