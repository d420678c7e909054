"""Who may do what. Roles: ``admin`` (everything), ``editor`` of a working group (its
content, documents, events, moderation), ``member`` of a group (threads, replies, own posts),
logged-in account (report, register for events), public visitor (read public pages)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from regionatlas.errors import ForbiddenError
from regionatlas.platform.models import (
    Account,
    GroupMember,
    OrganisationMember,
    Post,
    Thread,
    WorkingGroup,
)


def group_role(s: Session, account: Account | None, group_id: int) -> str | None:
    """'admin', 'editor', 'member' or None."""
    if account is None:
        return None
    if account.is_admin:
        return "admin"
    return s.scalar(
        select(GroupMember.role).where(
            GroupMember.group_id == group_id, GroupMember.account_id == account.id
        )
    )


def can_read_group(s: Session, account: Account | None, group: WorkingGroup) -> bool:
    return group.public or group_role(s, account, group.id) is not None


def require_read_group(s: Session, account: Account | None, group: WorkingGroup) -> None:
    if not can_read_group(s, account, group):
        raise ForbiddenError(
            "this working group is open to its members only", i18n="platform.err_group_closed"
        )


def require_member(s: Session, account: Account | None, group_id: int) -> str:
    role = group_role(s, account, group_id)
    if role is None:
        raise ForbiddenError(
            "only members of this working group may do this", i18n="platform.err_member_only"
        )
    return role


def require_editor(s: Session, account: Account | None, group_id: int) -> None:
    if group_role(s, account, group_id) not in ("admin", "editor"):
        raise ForbiddenError(
            "only editors of this working group may do this", i18n="platform.err_editor_only"
        )


def can_moderate(s: Session, account: Account | None, group_id: int) -> bool:
    return group_role(s, account, group_id) in ("admin", "editor")


def require_edit_post(s: Session, account: Account | None, post: Post, thread: Thread) -> None:
    """The author (still a member of the group) or an editor/admin of the group."""
    role = group_role(s, account, thread.group_id)
    if role in ("admin", "editor"):
        return
    if role == "member" and account is not None and post.author_id == account.id:
        if thread.locked or post.hidden:
            raise ForbiddenError(
                "the thread is locked or the post hidden", i18n="platform.err_thread_locked"
            )
        return
    raise ForbiddenError(
        "only the author or an editor of the group may edit this post",
        i18n="platform.err_not_author",
    )


def require_edit_organisation(s: Session, account: Account | None, org_id: int) -> None:
    if account is None:
        raise ForbiddenError("please log in first", i18n="platform.err_login_required")
    if account.is_admin:
        return
    member = s.scalar(
        select(OrganisationMember.account_id).where(
            OrganisationMember.organisation_id == org_id,
            OrganisationMember.account_id == account.id,
        )
    )
    if member is None:
        raise ForbiddenError(
            "only members of the organisation or administrators may edit it",
            i18n="platform.err_org_only",
        )


def require_admin(account: Account | None) -> None:
    if account is None or not account.is_admin:
        raise ForbiddenError("only administrators may do this", i18n="platform.err_admin_only")
