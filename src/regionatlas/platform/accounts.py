"""Accounts, sessions, login throttling, invitations and password reset.

Sessions are server-side rows (revocable): the cookie holds a random token, the table its
SHA-256; a session ends ``SESSION_IDLE`` after the last request or ``SESSION_MAX`` after login.
Logins are throttled: ``LOCK_AFTER`` failures in a row lock the account for ``LOCK_FOR``;
more than ``IP_LIMIT`` failures from one address within ``IP_WINDOW`` are refused.
Invitation and reset tokens are single-use, expire, and only their hashes are stored.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from regionatlas.errors import (
    AuthenticationError,
    ConflictError,
    InputError,
    ThrottledError,
)
from regionatlas.platform import audit, security
from regionatlas.platform.models import (
    ROLES,
    Account,
    AccountToken,
    LoginAttempt,
    WebSession,
    utcnow,
)

SESSION_IDLE = timedelta(hours=2)
SESSION_MAX = timedelta(hours=12)
LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)
IP_LIMIT = 20
IP_WINDOW = timedelta(minutes=15)
TOKEN_TTL = {
    "invite": timedelta(days=7),
    "reset": timedelta(hours=1),
    "unsubscribe": timedelta(days=90),  # the link in every notification mail
}
EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")
HANDLE = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,39}$")


# -- accounts ---------------------------------------------------------------------------------
def normal_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not EMAIL.match(email):
        raise InputError(
            f"not an e-mail address: {email!r}",
            field="email",
            expected="a@b.de",
            i18n="platform.err_email",
        )
    return email


def check_password(password: str) -> str:
    if not (security.MIN_PASSWORD <= len(password or "") <= security.MAX_PASSWORD):
        raise InputError(
            f"password must have {security.MIN_PASSWORD} to {security.MAX_PASSWORD} characters",
            field="password",
            lo=security.MIN_PASSWORD,
            hi=security.MAX_PASSWORD,
            i18n="platform.err_password_length",
        )
    return password


_GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def handle_from_name(display_name: str) -> str:
    """A public handle made from the display name ("Jörg Weiß" -> "joerg.weiss").

    Handles appear beside every post, in member lists and in the static copy, so they
    must not give away any part of the e-mail address, which stays private."""
    text = (display_name or "").strip().lower().translate(_GERMAN_LETTERS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", ".", text).strip(".")[:40].rstrip(".")
    return text if len(text) >= 2 else "mitglied"


def create_account(
    s: Session,
    email: str,
    display_name: str,
    *,
    handle: str | None = None,
    role: str = "member",
    password: str | None = None,
) -> Account:
    email = normal_email(email)
    if handle is None:  # shown on public pages: from the name, never from the address
        handle = handle_from_name(display_name)
    handle = handle.strip().lower()
    if not HANDLE.match(handle):
        raise InputError(
            f"invalid handle {handle!r}",
            field="handle",
            expected="[a-z0-9_.-]{2,40}",
            i18n="platform.err_handle",
        )
    if role not in ROLES:
        raise InputError(
            f"unknown role {role!r}",
            field="role",
            expected=", ".join(ROLES),
            i18n="platform.err_choice",
        )
    display_name = (display_name or "").strip()[:120] or handle
    if s.scalar(select(Account.id).where(Account.email == email)):
        raise ConflictError(
            f"an account with {email} exists", field="email", i18n="platform.err_email_taken"
        )
    base, n = handle, 1
    while s.scalar(select(Account.id).where(Account.handle == handle)):
        n += 1
        handle = f"{base[:36]}{n}"
    account = Account(email=email, handle=handle, display_name=display_name, role=role)
    if password is not None:
        account.password_hash = security.hash_password(check_password(password))
    s.add(account)
    s.flush()
    return account


def by_email(s: Session, email: str) -> Account | None:
    return s.scalar(select(Account).where(Account.email == (email or "").strip().lower()))


# -- login ------------------------------------------------------------------------------------
def authenticate(
    s: Session, email: str, password: str, ip: str, totp_code: str | None = None
) -> Account:
    """The account for these credentials. Failures are recorded (and committed) before the
    error is raised, so throttling survives the request's rollback."""
    now = utcnow()
    email_n = (email or "").strip().lower()[:254]
    recent = s.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(
            LoginAttempt.ip == ip,
            LoginAttempt.success.is_(False),
            LoginAttempt.at > now - IP_WINDOW,
        )
    )
    if (recent or 0) >= IP_LIMIT:
        raise ThrottledError(
            "too many failed logins from this address; try again later",
            i18n="platform.err_throttled",
            retry_after=int(IP_WINDOW.total_seconds()),
        )
    account = by_email(s, email_n)
    if account and account.locked_until and account.locked_until > now:
        raise ThrottledError(
            "account locked after repeated failed logins; try again later",
            i18n="platform.err_locked",
            retry_after=int((account.locked_until - now).total_seconds()),
        )
    ok = security.verify_password(account.password_hash if account else None, password or "")
    ok = ok and account is not None and account.active
    if ok and account is not None and account.totp_secret:
        ok = bool(totp_code) and security.verify_totp(account.totp_secret, totp_code or "")
    s.add(LoginAttempt(email=email_n, ip=ip[:64], success=bool(ok)))
    if not ok:
        if account:
            account.failed_logins += 1
            if account.failed_logins >= LOCK_AFTER:
                account.locked_until = now + LOCK_FOR
                account.failed_logins = 0
        s.commit()
        raise AuthenticationError("wrong e-mail, password or code", i18n="platform.err_wrong_login")
    assert account is not None
    account.failed_logins = 0
    account.locked_until = None
    account.last_login_at = now
    if security.needs_rehash(account.password_hash or ""):
        account.password_hash = security.hash_password(password)
    return account


def start_session(s: Session, account: Account) -> tuple[str, WebSession]:
    """A new session; returns the cookie token (never stored) and the row."""
    token = security.new_token()
    now = utcnow()
    row = WebSession(
        token_hash=security.token_hash(token),
        account_id=account.id,
        csrf_token=security.new_token(),
        created_at=now,
        last_seen_at=now,
        expires_at=now + SESSION_MAX,
    )
    s.add(row)
    s.flush()
    return token, row


def session_for(s: Session, token: str | None) -> tuple[WebSession, Account] | None:
    """The live session and its account for a cookie token, else None (touches last_seen)."""
    if not token or len(token) > 100:
        return None
    row = s.scalar(select(WebSession).where(WebSession.token_hash == security.token_hash(token)))
    now = utcnow()
    if (
        row is None
        or row.revoked_at is not None
        or row.expires_at <= now
        or row.last_seen_at + SESSION_IDLE <= now
    ):
        return None
    account = s.get(Account, row.account_id)
    if account is None or not account.active:
        return None
    if now - row.last_seen_at > timedelta(minutes=1):  # fewer writes on busy pages
        row.last_seen_at = now
    return row, account


def revoke_session(s: Session, row: WebSession) -> None:
    row.revoked_at = utcnow()


def revoke_all_sessions(s: Session, account_id: int) -> None:
    s.execute(
        update(WebSession)
        .where(WebSession.account_id == account_id, WebSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


# -- tokens: invitation and reset -------------------------------------------------------------
def issue_token(s: Session, account: Account, purpose: str) -> str:
    token = security.new_token()
    s.add(
        AccountToken(
            token_hash=security.token_hash(token),
            account_id=account.id,
            purpose=purpose,
            expires_at=utcnow() + TOKEN_TTL[purpose],
        )
    )
    s.flush()
    return token


def unsubscribe(s: Session, token: str) -> Account:
    """Switch off the token's account's notification mails (the one-click link of a
    notification mail). Unlike invitation and reset links it may be used again: a second
    click (or a mail client's RFC 8058 POST after the person's click) changes nothing."""
    row = s.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == security.token_hash(token or ""),
            AccountToken.purpose == "unsubscribe",
        )
    )
    if row is None:
        raise AuthenticationError(
            "unknown link; switch notifications off on your account page",
            i18n="platform.err_unsubscribe_link",
        )
    if row.expires_at <= utcnow():
        raise AuthenticationError(
            "this link has expired; switch notifications off on your account page",
            i18n="platform.err_unsubscribe_link",
        )
    account = s.get(Account, row.account_id)
    if account is None:  # pragma: no cover - cascade deletes tokens
        raise AuthenticationError("unknown account")
    row.used_at = row.used_at or utcnow()
    account.notify_email = False
    return account


def consume_token(s: Session, token: str, purpose: str) -> Account:
    """The token's account; the token is used up. Unknown, used or expired → 401."""
    row = s.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == security.token_hash(token or ""),
            AccountToken.purpose == purpose,
        )
    )
    if row is None:
        raise AuthenticationError(
            "unknown link; ask for a new one", i18n="platform.err_token_unknown"
        )
    if row.used_at is not None:
        raise AuthenticationError(
            "this link has been used already; ask for a new one", i18n="platform.err_token_used"
        )
    if row.expires_at <= utcnow():
        raise AuthenticationError(
            "this link has expired; ask for a new one", i18n="platform.err_token_expired"
        )
    row.used_at = utcnow()
    account = s.get(Account, row.account_id)
    if account is None:  # pragma: no cover - cascade deletes tokens
        raise AuthenticationError("unknown account")
    return account


def invite(
    s: Session,
    mailer,
    base_url: str,
    email: str,
    display_name: str,
    *,
    role: str = "member",
    lang: str = "de",
) -> Account:
    """Create an account without password and mail it a link to choose one (7 days)."""
    account = create_account(s, email, display_name, role=role)
    token = issue_token(s, account, "invite")
    link = f"{base_url.rstrip('/')}/{lang}/platform/invite/{token}"
    mailer.send(account.email, *_mail_text("invite", lang, link))
    return account


def accept_invite(s: Session, token: str, password: str) -> Account:
    check_password(password)
    account = consume_token(s, token, "invite")
    account.password_hash = security.hash_password(password)
    return account


def request_reset(s: Session, mailer, base_url: str, email: str, lang: str = "de") -> None:
    """Mail a reset link if the account exists (the answer is the same either way)."""
    account = by_email(s, email)
    if account is None or not account.active:
        return
    token = issue_token(s, account, "reset")
    link = f"{base_url.rstrip('/')}/{lang}/platform/reset/{token}"
    mailer.send(account.email, *_mail_text("reset", lang, link))


def reset_password(s: Session, token: str, password: str) -> Account:
    check_password(password)
    account = consume_token(s, token, "reset")
    account.password_hash = security.hash_password(password)
    account.locked_until = None
    revoke_all_sessions(s, account.id)
    audit.record(s, "password_reset", "account", account.id)
    return account


def change_password(s: Session, account: Account, old: str, new: str) -> None:
    if not security.verify_password(account.password_hash, old):
        raise AuthenticationError("wrong password", i18n="platform.err_wrong_password")
    account.password_hash = security.hash_password(check_password(new))
    revoke_all_sessions(s, account.id)
    audit.record(s, "password_change", "account", account.id)


def enable_totp(s: Session, account: Account, secret: str, code: str) -> None:
    if not security.verify_totp(secret, code):
        raise InputError(
            "the code does not match; check the device's clock",
            field="code",
            i18n="platform.err_totp_code",
        )
    account.totp_secret = secret
    audit.record(s, "totp_enabled", "account", account.id)


_MAILS = {
    ("invite", "de"): (
        "Einladung zum Regionatlas-Forum",
        "Sie wurden eingeladen. Passwort festlegen (7 Tage gültig, einmalig):\n{link}\n",
    ),
    ("invite", "en"): (
        "Invitation to the regionatlas forum",
        "You have been invited. Choose a password (valid 7 days, once):\n{link}\n",
    ),
    ("reset", "de"): (
        "Passwort zurücksetzen",
        "Neues Passwort festlegen (1 Stunde gültig, einmalig):\n{link}\n"
        "Wenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht.\n",
    ),
    ("reset", "en"): (
        "Reset your password",
        "Choose a new password (valid 1 hour, once):\n{link}\n"
        "If you did not ask for this, ignore this message.\n",
    ),
}


def _mail_text(kind: str, lang: str, link: str) -> tuple[str, str]:
    subject, body = _MAILS[(kind, lang if lang in ("de", "en") else "de")]
    return subject, body.format(link=link)
