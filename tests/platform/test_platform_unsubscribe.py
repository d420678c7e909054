"""Every notification mail carries a one-click link that switches notification mails off
(in the text, and as List-Unsubscribe with RFC 8058 one-click POST): the link's page changes
nothing on GET (mail scanners open links), its button does, a mail client's POST without
cookies or CSRF token does too; a wrong or expired link is refused in the page's language."""

from __future__ import annotations

import re
from datetime import timedelta

from platform_helpers import csrf_of, login, token_of
from sqlalchemy import select

from regionatlas.platform.models import Account

HTML = {"Accept": "text/html"}


def _post_thread(client, text: str) -> None:
    token = token_of(client, "/de/platform/groups/regionalplanung/")
    r = client.post(
        "/de/platform/groups/regionalplanung/threads",
        data={"title": "Thema", "body": text, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:300]


def _notify_flag(pdb, email: str) -> bool:
    with pdb.session() as s:
        return s.scalar(select(Account.notify_email).where(Account.email == email))


def _mail_link(smtp, address: str) -> tuple[str, str]:
    msg = smtp.to(address)[-1]
    body = msg.get_payload(decode=True).decode()
    link = re.search(r"http://testserver(/de/platform/unsubscribe/[\w-]+)", body)
    assert link, body
    header = msg["List-Unsubscribe"]
    assert header == f"<http://testserver{link.group(1)}>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return link.group(1), body


def test_link_page_then_button(client, make_user, pdb, smtp):
    make_user("au@example.org", groups={"regionalplanung": "member"})
    make_user("rd@example.org", groups={"regionalplanung": "member"})
    login(client, "au@example.org")
    _post_thread(client, "Hallo @rd")
    path, body = _mail_link(smtp, "rd@example.org")
    assert "/de/platform/account/" in body  # the settings page is named too
    client.post("/de/platform/logout/", data={"csrf_token": token_of(client)})
    page = client.get(path)  # what a mail scanner does: nothing changes
    assert page.status_code == 200 and "Benachrichtigungen per E-Mail abschalten" in page.text
    assert _notify_flag(pdb, "rd@example.org") is True
    r = client.post(path, data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 200 and 'role="status"' in r.text
    assert _notify_flag(pdb, "rd@example.org") is False
    assert client.post(path, data={"csrf_token": csrf_of(page.text)}).status_code == 200
    login(client, "au@example.org")  # the next post: no mail any more
    before = len(smtp.to("rd@example.org"))
    _post_thread(client, "Noch einmal @rd")
    assert len(smtp.to("rd@example.org")) == before


def test_one_click_post_from_a_mail_client(app, client, make_user, pdb, smtp):
    from fastapi.testclient import TestClient

    make_user("au@example.org", groups={"regionalplanung": "member"})
    make_user("rd@example.org", groups={"regionalplanung": "member"})
    login(client, "au@example.org")
    _post_thread(client, "Hallo @rd")
    path, _body = _mail_link(smtp, "rd@example.org")
    with TestClient(app, raise_server_exceptions=False) as mail_client:  # no cookies at all
        r = mail_client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert r.status_code == 200
    assert _notify_flag(pdb, "rd@example.org") is False


def test_wrong_and_expired_links(client, make_user, pdb, smtp):
    from regionatlas.platform.models import AccountToken

    page = client.get("/en/platform/unsubscribe/not-a-token")
    token = csrf_of(page.text)
    r = client.post("/en/platform/unsubscribe/not-a-token", data={"csrf_token": token},
                    headers=HTML)  # fmt: skip
    assert r.status_code == 401 and "unsubscribe link is unknown" in r.text
    make_user("au@example.org", groups={"regionalplanung": "member"})
    make_user("rd@example.org", groups={"regionalplanung": "member"})
    login(client, "au@example.org")
    _post_thread(client, "Hallo @rd")
    path, _body = _mail_link(smtp, "rd@example.org")
    with pdb.session() as s:
        for row in s.scalars(select(AccountToken).where(AccountToken.purpose == "unsubscribe")):
            row.expires_at = row.created_at - timedelta(seconds=1)
    r = client.post(path.replace("/de/", "/en/"), data={"csrf_token": token_of(client)},
                    headers=HTML)  # fmt: skip
    assert r.status_code == 401 and "has expired" in r.text and "account" in r.text
    assert _notify_flag(pdb, "rd@example.org") is True


def test_self_export_lists_links_sent_and_documents(client, make_user, pdb, smtp, tmp_path):
    """GDPR Art. 15 from the account page: the links mailed to the person (when, what for;
    never the token's hash) and the documents they uploaded are in their data."""
    import json

    from regionatlas.platform import documents, forum

    uid = make_user("au@example.org", groups={"regionalplanung": "editor"})
    make_user("rd@example.org", groups={"regionalplanung": "member"})
    with pdb.session() as s:
        author = s.get(Account, uid)
        group = forum.group_by_slug(s, "regionalplanung")
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        documents.add_document(s, author, group, "Plan", "plan.pdf", pdf, tmp_path, 10_000)
    login(client, "rd@example.org")
    _post_thread_as(client, "au@example.org", "Hallo @rd")
    login(client, "rd@example.org")
    mine = json.loads(client.get("/de/platform/account/data.json").text)
    assert [r["purpose"] for r in mine["links_sent"]] == ["unsubscribe"]
    assert all("token_hash" not in r for r in mine["links_sent"])
    login(client, "au@example.org")
    theirs = json.loads(client.get("/de/platform/account/data.json").text)
    assert [d["title"] for d in theirs["documents_uploaded"]] == ["Plan"]


def _post_thread_as(client, email: str, text: str) -> None:
    client.post("/de/platform/logout/", data={"csrf_token": token_of(client)})
    login(client, email)
    _post_thread(client, text)
    client.post("/de/platform/logout/", data={"csrf_token": token_of(client)})
