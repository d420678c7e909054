"""Login, logout, invitation, password reset, the own account (settings, 2FA, GDPR)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from regionatlas.errors import AuthenticationError, InputError
from regionatlas.platform import accounts, security, throttle, transfer
from regionatlas.web.platform.deps import CtxDep

router = APIRouter()
P = "/{lang}/platform"


@router.get(P + "/login/")
def login_form(ctx: CtxDep):
    return ctx.render("login.html", "platform/login/")


@router.post(P + "/login/")
def login(ctx: CtxDep):
    email = ctx.field("email", max_len=254)
    password = ctx.field("password", max_len=1024)
    code = ctx.field("code", required=False, max_len=12)
    account = accounts.authenticate(ctx.s, email, password, ctx.ip, code or None)
    ctx.s.info["actor_id"] = account.id
    token, _row = accounts.start_session(ctx.s, account)
    ctx.set_session_cookie(token)
    return ctx.redirect("account/")


@router.post(P + "/logout/")
def logout(ctx: CtxDep):
    if ctx.web_session is not None:
        accounts.revoke_session(ctx.s, ctx.web_session)
    ctx.set_session_cookie(None)
    return ctx.redirect("")


@router.get(P + "/invite/{token}")
def invite_form(token: str, ctx: CtxDep):
    return ctx.render("set_password.html", "platform/invite/x", token=token, kind="invite")


@router.post(P + "/invite/{token}")
def invite_accept(token: str, ctx: CtxDep):
    password = ctx.field("password", max_len=security.MAX_PASSWORD)
    accounts.accept_invite(ctx.s, token, password)
    return ctx.redirect("login/")


@router.get(P + "/reset/")
def reset_request_form(ctx: CtxDep):
    return ctx.render("reset_request.html", "platform/reset/")


@router.post(P + "/reset/")
def reset_request(ctx: CtxDep):
    email = ctx.field("email", max_len=254)
    throttle.check_and_record(ctx.s, "reset", email, ctx.ip)  # 429 before any mail
    accounts.request_reset(ctx.s, ctx.platform.mailer, ctx.platform.base_url, email, ctx.lang)
    return ctx.render("reset_request.html", "platform/reset/", sent=True)


@router.get(P + "/reset/{token}")
def reset_form(token: str, ctx: CtxDep):
    return ctx.render("set_password.html", "platform/reset/x", token=token, kind="reset")


@router.post(P + "/reset/{token}")
def reset(token: str, ctx: CtxDep):
    password = ctx.field("password", max_len=security.MAX_PASSWORD)
    accounts.reset_password(ctx.s, token, password)
    return ctx.redirect("login/")


# -- one-click unsubscribe from notification mails ---------------------------------------------
UNSUBSCRIBE = P + "/unsubscribe/{token}"


@router.get(UNSUBSCRIBE)
def unsubscribe_form(token: str, ctx: CtxDep):
    """The link of a notification mail: a page with one button (a GET changes nothing, so a
    mail scanner that opens links does not unsubscribe anyone)."""
    return ctx.render("unsubscribe.html", "platform/unsubscribe/x", token=token, done=False)


@router.post(UNSUBSCRIBE)
def unsubscribe(token: str, ctx: CtxDep):
    """The button, or a mail client's one-click POST (RFC 8058; the token authorises it, so
    deps.py does not ask for a CSRF token here)."""
    accounts.unsubscribe(ctx.s, token[:200])
    return ctx.render("unsubscribe.html", "platform/unsubscribe/x", token=token, done=True)


# -- own account ------------------------------------------------------------------------------
@router.get(P + "/account/")
def account_page(ctx: CtxDep):
    from regionatlas.platform import forum

    account = ctx.require_login()
    totp_secret = (
        security.new_totp_secret() if account.is_admin and not account.totp_secret else None
    )
    return ctx.render(
        "account.html",
        "platform/account/",
        notifications=forum.notifications(ctx.s, account.id),
        totp_secret=totp_secret,
        totp_uri=security.totp_uri(totp_secret, account.email) if totp_secret else None,
    )


@router.post(P + "/account/settings")
def account_settings(ctx: CtxDep):
    account = ctx.require_login()
    account.notify_email = ctx.flag("notify_email")
    name = ctx.field("display_name", max_len=120)
    account.display_name = name
    return ctx.redirect("account/")


@router.post(P + "/account/password")
def account_password(ctx: CtxDep):
    account = ctx.require_login()
    accounts.change_password(
        ctx.s, account, ctx.field("old", max_len=1024), ctx.field("new", max_len=1024)
    )
    ctx.set_session_cookie(None)
    return ctx.redirect("login/")


@router.post(P + "/account/totp")
def account_totp(ctx: CtxDep):
    account = ctx.require_login()
    secret = ctx.field("secret", max_len=64)
    accounts.enable_totp(ctx.s, account, secret, ctx.field("code", max_len=12))
    return ctx.redirect("account/")


@router.get(P + "/account/data.json")
def account_data(ctx: CtxDep):
    """GDPR Art. 15: everything stored about the logged-in person, as JSON."""
    account = ctx.require_login()
    body = transfer.personal_data_json(ctx.s, account.id)
    return ctx.finish(
        Response(
            body,
            media_type="application/json",
            headers={"Content-Disposition": 'attachment; filename="my-data.json"'},
        )
    )


@router.post(P + "/account/delete")
def account_delete(ctx: CtxDep):
    """GDPR Art. 17: delete the account (password confirms)."""
    account = ctx.require_login()
    if not security.verify_password(account.password_hash, ctx.field("password", max_len=1024)):
        raise AuthenticationError(
            "wrong password; the account was not deleted",
            i18n="platform.err_wrong_password",
        )
    if ctx.field("confirm", max_len=20) != "DELETE":
        raise InputError(
            "type DELETE to confirm",
            field="confirm",
            expected="DELETE",
            i18n="platform.err_confirm_delete",
        )
    transfer.delete_person(ctx.s, account.id)
    ctx.set_session_cookie(None)
    return ctx.redirect("")
