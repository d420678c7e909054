"""Login, CSRF, sessions, invitation, reset, admin and GDPR – over HTTP against the real app."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from platform_helpers import PASSWORD, csrf_of, login, token_of
from sqlalchemy import func, select

from regionatlas.platform.models import Account, AuditEntry, WebSession


def _count(pdb, model) -> int:
    with pdb.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_public_pages_need_no_login(client):
    for path in ("/de/platform/", "/en/platform/", "/de/platform/login/", "/en/platform/reset/"):
        r = client.get(path)
        assert r.status_code == 200, path
    assert "Steuerungsgruppe" in client.get("/de/platform/").text
    for _ in range(2):  # rendered, then from the page cache's fast path: same headers
        r = client.get("/de/platform/groups/")
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["cache-control"] == "no-store"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "Steering group" in client.get("/en/platform/").text
    assert 'href="../de/platform/"' in client.get("/de/").text  # atlas nav links the forum


def test_login_logout(client, make_user, pdb):
    make_user("m@example.org")
    r = login(client, "m@example.org")
    assert r.status_code == 303 and r.headers["location"] == "/de/platform/account/"
    cookie = r.headers["set-cookie"]
    assert "ra_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = client.get("/de/platform/account/")
    assert page.status_code == 200 and "m@example.org" in page.text
    r = client.post(
        "/de/platform/logout/", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert r.status_code == 303
    with pdb.session() as s:
        assert s.scalar(select(WebSession.revoked_at)) is not None
    assert client.get("/de/platform/account/").status_code == 401


def test_wrong_password_and_lock(client, make_user, pdb):
    make_user("w@example.org")
    r = login(client, "w@example.org", "wrong password!")
    assert r.status_code == 401
    assert _count(pdb, WebSession) == 0
    for _ in range(4):
        login(client, "w@example.org", "wrong password!")
    r = login(client, "w@example.org")  # the right password, but locked
    assert r.status_code == 429
    assert 800 < int(r.headers["retry-after"]) <= 900
    assert _count(pdb, WebSession) == 0


def test_csrf_missing_or_forged_changes_nothing(client, make_user, pdb):
    make_user("c@example.org")
    # anonymous form without the token, with a forged token
    client.get("/de/platform/login/")
    r = client.post("/de/platform/login/", data={"email": "c@example.org", "password": PASSWORD})
    assert r.status_code == 403
    r = client.post(
        "/de/platform/login/",
        data={"email": "c@example.org", "password": PASSWORD, "csrf_token": "x" * 43},
    )
    assert r.status_code == 403
    assert _count(pdb, WebSession) == 0
    # logged in: the session's token is needed, the anonymous cookie's is not enough
    login(client, "c@example.org")
    before = _count(pdb, AuditEntry)
    r = client.post("/de/platform/account/settings", data={"display_name": "Hacked"})
    assert r.status_code == 403
    r = client.post(
        "/de/platform/account/settings",
        data={"display_name": "Hacked", "csrf_token": client.cookies.get("ra_csrf")},
    )
    assert r.status_code == 403
    assert _count(pdb, AuditEntry) == before
    with pdb.session() as s:
        assert s.scalar(select(Account.display_name)) == "c"
    r = client.post(
        "/de/platform/account/settings",
        data={"display_name": "Neu", "csrf_token": token_of(client)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    with pdb.session() as s:
        assert s.scalar(select(Account.display_name)) == "Neu"


def test_invitation_over_http_single_use(client, make_user, smtp, pdb):
    make_user("admin@example.org", role="admin")
    login(client, "admin@example.org")
    r = client.post(
        "/de/platform/admin/invite",
        data={
            "email": "inv@example.org",
            "display_name": "Inv",
            "role": "member",
            "csrf_token": token_of(client, "/de/platform/admin/"),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    path = smtp.link("inv@example.org", r"/de/platform/invite/\S+")
    client.post("/de/platform/logout/", data={"csrf_token": token_of(client)})
    page = client.get(path)
    r = client.post(
        path, data={"password": PASSWORD, "csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert r.status_code == 303
    r = client.post(path, data={"password": "other password 99", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 401  # reused token
    assert login(client, "inv@example.org").status_code == 303
    assert login(client, "inv@example.org", "other password 99").status_code == 401


def test_reset_link_expires(client, make_user, smtp):
    make_user("e@example.org")
    start = datetime(2031, 5, 1, 9, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        page = client.get("/en/platform/reset/")
        r = client.post(
            "/en/platform/reset/", data={"email": "e@example.org", "csrf_token": csrf_of(page.text)}
        )
        assert r.status_code == 200
    path = smtp.link("e@example.org", r"/en/platform/reset/\S+")
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        page = client.get(path)
        r = client.post(
            path, data={"password": "new password 1234", "csrf_token": csrf_of(page.text)}
        )
        assert r.status_code == 401 and "expired" in r.text


def test_admin_pages_forbidden_for_members(client, make_user):
    make_user("mem@example.org")
    login(client, "mem@example.org")
    assert client.get("/de/platform/admin/").status_code == 403
    assert client.get("/de/platform/admin/audit/").status_code == 403
    r = client.post(
        "/de/platform/admin/invite",
        data={
            "email": "x@example.org",
            "display_name": "X",
            "role": "admin",
            "csrf_token": token_of(client),
        },
    )
    assert r.status_code == 403


def test_audit_log_readable_by_admin(client, make_user):
    make_user("a2@example.org", role="admin")
    login(client, "a2@example.org")
    client.post(
        "/de/platform/account/settings",
        data={"display_name": "<b>Boss</b>", "csrf_token": token_of(client)},
    )
    page = client.get("/de/platform/admin/audit/?entity=account")
    assert page.status_code == 200
    assert "display_name" in page.text and "<b>Boss</b>" not in page.text


def test_gdpr_export_and_delete(client, make_user, pdb):
    uid = make_user("g@example.org")
    login(client, "g@example.org")
    r = client.get("/de/platform/account/data.json")
    data = json.loads(r.text)
    assert data["account"]["email"] == "g@example.org"
    assert "argon2" not in r.text
    assert r.headers["content-disposition"].startswith("attachment")
    r = client.post(
        "/de/platform/account/delete",
        data={"password": "wrong password!", "confirm": "DELETE", "csrf_token": token_of(client)},
    )
    assert r.status_code == 401
    r = client.post(
        "/de/platform/account/delete",
        data={"password": PASSWORD, "confirm": "DELETE", "csrf_token": token_of(client)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    with pdb.session() as s:
        assert s.get(Account, uid) is None
        assert s.scalar(select(func.count()).select_from(WebSession)) == 0
        rows = list(s.scalars(select(AuditEntry).where(AuditEntry.entity == "account")))
        leaks = [
            (e.action, e.before, e.after)
            for e in rows
            if "g@example.org" in json.dumps([e.before, e.after])
        ]
        assert leaks == []


@pytest.mark.postgis
def test_platform_on_postgres_end_to_end(web_store, region_file, pg_database_url, tmp_path, mailer):
    """The same app with the platform in its own PostgreSQL schema: login, post, audit."""
    import uuid

    from fastapi.testclient import TestClient

    from regionatlas.platform import accounts, forum
    from regionatlas.platform.db import Database
    from regionatlas.platform.seed import seed
    from regionatlas.web.app import create_app
    from regionatlas.web.platform.context import PlatformConfig

    schema = f"p_{uuid.uuid4().hex[:10]}"
    db = Database(pg_database_url, schema=schema)
    try:
        db.upgrade()
        with db.session() as s:
            seed(s)
            acc = accounts.create_account(s, "pg@example.org", "PG", password=PASSWORD)
            forum.set_member(s, forum.group_by_slug(s, "regionalplanung"), acc, "member")
        app = create_app(
            str(web_store),
            region_file,
            platform=PlatformConfig(db=db, mailer=mailer, uploads_dir=tmp_path / "u"),
        )
        with TestClient(app, raise_server_exceptions=False) as client:
            assert login(client, "pg@example.org").status_code == 303
            page = client.get("/de/platform/groups/regionalplanung/")
            r = client.post(
                "/de/platform/groups/regionalplanung/threads",
                data={"title": "Auf PostgreSQL", "body": "läuft", "csrf_token": csrf_of(page.text)},
                follow_redirects=False,
            )
            assert r.status_code == 303
            assert "läuft" in client.get(r.headers["location"]).text
            r = client.post(
                "/de/platform/groups/regionalplanung/threads", data={"title": "x", "body": "y"}
            )
            assert r.status_code == 403
        with db.session() as s:
            assert (
                s.scalar(
                    select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "post")
                )
                == 1
            )
    finally:
        db.dispose()
        from sqlalchemy import create_engine

        from regionatlas.platform.db import engine_url

        eng = create_engine(engine_url(pg_database_url))
        with eng.begin() as con:
            con.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        eng.dispose()


def test_admin_totp_over_http(client, make_user, pdb):
    import pyotp

    make_user("t@example.org", role="admin")
    login(client, "t@example.org")
    page = client.get("/de/platform/account/").text
    secret = re.search(r'name="secret" value="([A-Z2-7]+)"', page).group(1)
    r = client.post(
        "/de/platform/account/totp",
        data={"secret": secret, "code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    client.post("/de/platform/logout/", data={"csrf_token": token_of(client)})
    assert login(client, "t@example.org").status_code == 401  # the code is now required
    assert login(client, "t@example.org", code=pyotp.TOTP(secret).now()).status_code == 303


def test_errors_are_shown_in_the_page_language(client, make_user):
    make_user("lang@example.org")
    page = client.get("/de/platform/login/")
    r = client.post(
        "/de/platform/login/",
        data={
            "email": "lang@example.org",
            "password": "wrong password!",
            "csrf_token": csrf_of(page.text),
        },
        headers={"accept": "text/html"},
    )
    assert r.status_code == 401 and "Passwort oder Code stimmen nicht" in r.text
    r = client.post(
        "/en/platform/login/",
        data={"email": "x@example.org", "password": "y"},
        headers={"accept": "text/html"},
    )
    assert r.status_code == 403 and "CSRF protection" in r.text
    r = client.get("/de/platform/account/", headers={"accept": "text/html"})
    assert r.status_code == 401 and "Bitte melden Sie sich zuerst an." in r.text
    assert 'href="../../../de/platform/login/"' in r.text
