"""Rate limits of password-reset requests and the contact form over HTTP, with the real
in-process SMTP server: per e-mail and per client address, 429 with Retry-After, the
refusal in the page's language, no mail for a refused request, allowed again after the
window (time-machine)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from platform_helpers import csrf_of

from regionatlas.platform import throttle

START = datetime(2031, 5, 1, 9, tzinfo=UTC)


def _client(app, ip: str) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, client=(ip, 50000))


def _reset(client, email: str, lang: str = "de", html: bool = False):
    page = client.get(f"/{lang}/platform/reset/")
    return client.post(
        f"/{lang}/platform/reset/",
        data={"email": email, "csrf_token": csrf_of(page.text)},
        headers={"Accept": "text/html"} if html else {},
    )


def _contact(client, email: str, lang: str = "de"):
    page = client.get(f"/{lang}/platform/dkz/contact/")
    data = {"name": "Eva", "email": email, "message": "Räume?", "csrf_token": csrf_of(page.text)}
    return client.post(f"/{lang}/platform/dkz/contact/", data=data)


def test_reset_requests_are_limited_per_email_and_no_mail_is_sent(app, make_user, smtp):
    make_user("e@example.org")
    per_email = throttle.LIMITS["reset"].per_email
    with time_machine.travel(START, tick=False), _client(app, "10.0.0.1") as a:
        for _ in range(per_email):
            assert _reset(a, "e@example.org").status_code == 200
        assert len(smtp.to("e@example.org")) == per_email
        refused = _reset(a, "E@Example.org ")  # the same address, written differently
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) == 3600  # all came at the same instant
        assert refused.json()["error"]["details"]["i18n"] == "platform.err_too_many_requests"
        # another client address does not help: the limit is per e-mail too
        with _client(app, "10.0.0.2") as b:
            assert _reset(b, "e@example.org").status_code == 429
        assert len(smtp.to("e@example.org")) == per_email  # refused: nothing sent
    with (
        time_machine.travel(START + timedelta(minutes=30), tick=False),
        _client(app, "10.0.0.1") as a,
    ):
        r = _reset(a, "e@example.org")
        assert r.status_code == 429 and int(r.headers["Retry-After"]) == 1800
    later = START + timedelta(hours=1, seconds=1)
    with time_machine.travel(later, tick=False), _client(app, "10.0.0.1") as a:
        assert _reset(a, "e@example.org").status_code == 200
    assert len(smtp.to("e@example.org")) == per_email + 1


def test_reset_requests_are_limited_per_client_address(app, make_user, smtp):
    per_ip = throttle.LIMITS["reset"].per_ip
    make_user("last@example.org")
    with time_machine.travel(START, tick=False), _client(app, "10.0.0.9") as a:
        # unknown addresses count as well (the answer must not tell which exist)
        for i in range(per_ip):
            assert _reset(a, f"nobody{i}@example.org").status_code == 200
        assert _reset(a, "last@example.org").status_code == 429
        assert smtp.to("last@example.org") == []
        with _client(app, "10.0.0.10") as b:  # another address is not affected
            assert _reset(b, "last@example.org").status_code == 200
    assert len(smtp.to("last@example.org")) == 1


@pytest.mark.parametrize(
    ("lang", "text"),
    [("de", "Zu viele Anfragen"), ("en", "Too many requests")],
)
def test_refusal_page_in_the_page_language(app, make_user, lang, text):
    make_user("e@example.org")
    with time_machine.travel(START, tick=False), _client(app, "10.0.1.1") as a:
        for _ in range(throttle.LIMITS["reset"].per_email):
            _reset(a, "e@example.org", lang)
        r = _reset(a, "e@example.org", lang, html=True)
    assert r.status_code == 429 and r.headers["Retry-After"] == "3600"
    assert text in r.text and f'lang="{lang}"' in r.text


def test_contact_form_is_limited_and_refused_messages_send_no_mail(app, make_user, smtp):
    make_user("adm@example.org", role="admin")
    per_email = throttle.LIMITS["contact"].per_email
    with time_machine.travel(START, tick=False), _client(app, "10.0.2.1") as a:
        for _ in range(per_email):
            assert _contact(a, "eva@example.org").status_code == 200
        assert len(smtp.to("adm@example.org")) == per_email
        r = _contact(a, "eva@example.org", "en")
        assert r.status_code == 429 and int(r.headers["Retry-After"]) == 3600
        with _client(app, "10.0.2.2") as b:
            assert _contact(b, "eva@example.org").status_code == 429
        # the per-address limit: other senders from the same client address
        per_ip = throttle.LIMITS["contact"].per_ip
        for i in range(per_ip - per_email):
            assert _contact(a, f"p{i}@example.org").status_code == 200
        assert _contact(a, "new@example.org").status_code == 429
    assert len(smtp.to("adm@example.org")) == per_ip
    with time_machine.travel(START + timedelta(hours=2), tick=False), _client(app, "10.0.2.1") as a:
        assert _contact(a, "eva@example.org").status_code == 200
    assert len(smtp.to("adm@example.org")) == per_ip + 1


def test_the_log_keeps_no_e_mail_in_clear_and_old_rows_go(app, pdb, make_user):
    from regionatlas.platform.models import RequestLog

    with time_machine.travel(START, tick=False), _client(app, "10.0.3.1") as a:
        assert _reset(a, "secret@example.org").status_code == 200
    with pdb.session() as s:
        rows = s.query(RequestLog).all()
        assert len(rows) == 1 and "secret" not in rows[0].email_hash
        assert rows[0].email_hash == throttle.email_key("secret@example.org")
    with time_machine.travel(START + timedelta(hours=3), tick=False), _client(app, "10.0.3.1") as a:
        assert _reset(a, "other@example.org").status_code == 200
    with pdb.session() as s:
        assert [r.email_hash for r in s.query(RequestLog)] == [
            throttle.email_key("other@example.org")
        ]
