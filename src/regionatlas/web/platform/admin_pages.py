"""Administration: accounts (invite, roles, deactivate), group memberships, the audit log."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from regionatlas.errors import NotFoundError
from regionatlas.platform import accounts, audit, forum
from regionatlas.platform.models import Account
from regionatlas.web.platform.deps import CtxDep

router = APIRouter()
P = "/{lang}/platform/admin"


@router.get(P + "/")
def admin_home(ctx: CtxDep):
    ctx.require_admin()
    users = list(ctx.s.scalars(select(Account).order_by(Account.id)))
    return ctx.render("admin.html", "platform/admin/", users=users, groups=forum.groups(ctx.s))


@router.post(P + "/invite")
def admin_invite(ctx: CtxDep):
    ctx.require_admin()
    accounts.invite(
        ctx.s,
        ctx.platform.mailer,
        ctx.platform.base_url,
        ctx.field("email", max_len=254),
        ctx.field("display_name", max_len=120),
        role=ctx.field("role", max_len=16),
        lang=ctx.lang,
    )
    return ctx.redirect("admin/")


@router.post(P + "/users/{account_id}")
def admin_user(account_id: int, ctx: CtxDep):
    ctx.require_admin()
    account = ctx.s.get(Account, account_id)
    if account is None:
        raise NotFoundError(
            f"unknown account {account_id}", value=account_id, i18n="platform.err_unknown_account"
        )
    role = ctx.field("role", max_len=16)
    if role not in ("admin", "member"):
        from regionatlas.errors import InputError

        raise InputError(
            f"unknown role {role!r}",
            field="role",
            expected="admin, member",
            i18n="platform.err_choice",
        )
    account.role = role
    account.active = ctx.flag("active")
    if not account.active:
        accounts.revoke_all_sessions(ctx.s, account.id)
    return ctx.redirect("admin/")


@router.post(P + "/memberships")
def admin_membership(ctx: CtxDep):
    ctx.require_admin()
    group = forum.group_by_slug(ctx.s, ctx.field("group", max_len=60))
    account = accounts.by_email(ctx.s, ctx.field("email", max_len=254))
    if account is None:
        raise NotFoundError("no account with this e-mail address", i18n="platform.err_no_account")
    role = ctx.field("role", max_len=16)
    forum.set_member(ctx.s, group, account, None if role == "none" else role)
    return ctx.redirect("admin/")


@router.get(P + "/audit/")
def admin_audit(ctx: CtxDep, entity: str | None = None, page: int = 1):
    ctx.require_admin()
    page = max(1, min(page, 10_000))
    rows = audit.entries(ctx.s, entity=entity or None, limit=100, offset=(page - 1) * 100)
    names = dict(ctx.s.execute(select(Account.id, Account.display_name)).all())
    return ctx.render(
        "audit.html",
        "platform/admin/audit/",
        rows=rows,
        names=names,
        entity=entity or "",
        page=page,
    )
