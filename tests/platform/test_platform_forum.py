"""Discussions over HTTP: posting, permissions (403 and nothing changed), stored XSS and SQL
metacharacters rendered inert, mentions, notification mails, moderation and reports."""

from __future__ import annotations

from platform_helpers import assert_inert, csrf_of, login, token_of
from sqlalchemy import func, select

from regionatlas.platform.models import AuditEntry, Notification, Post, Report, Thread

XSS = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">a</a>',
]
SQL = ["'; DROP TABLE post; --", '" OR 1=1 --', "Robert'); DELETE FROM account;--", "%_\\"]


def _state(pdb) -> tuple:
    with pdb.session() as s:
        return (
            s.scalar(select(func.count()).select_from(Thread)),
            s.scalar(select(func.count()).select_from(Post)),
            s.scalar(select(func.count()).select_from(AuditEntry)),
            tuple(s.scalars(select(Post.body_md).order_by(Post.id))),
            tuple(s.scalars(select(Thread.locked).order_by(Thread.id))),
        )


def _new_thread(client, slug, title, body):
    page = client.get(f"/de/platform/groups/{slug}/")
    return client.post(
        f"/de/platform/groups/{slug}/threads",
        data={"title": title, "body": body, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )


def test_member_posts_and_reads_back(client, make_user, pdb):
    make_user("p@example.org", groups={"regionalplanung": "member"}, name="Paula")
    login(client, "p@example.org")
    r = _new_thread(client, "regionalplanung", "Zentrale Orte", "**Frage**: wer plant?")
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert "<strong>Frage</strong>" in page.text and "Paula" in page.text
    r = client.post(
        r.headers["location"].rstrip("/") + "/reply",
        data={"body": "Antwort", "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    listing = client.get("/de/platform/groups/regionalplanung/").text
    assert "Zentrale Orte" in listing


def test_non_member_and_other_group_refused_nothing_changed(client, make_user, pdb):
    make_user("a@example.org", groups={"regionalplanung": "member"})
    make_user("b@example.org", groups={"unternehmensforum": "member"})
    login(client, "a@example.org")
    r = _new_thread(client, "regionalplanung", "Thema A", "Text von A")
    thread_url = r.headers["location"]
    client.post("/de/platform/logout/", data={"csrf_token": token_of(client)})
    login(client, "b@example.org")
    before = _state(pdb)
    # b is not a member of regionalplanung: no thread, no reply, no edit of A's post
    assert _new_thread(client, "regionalplanung", "Fremd", "x").status_code == 403
    tok = token_of(client)
    assert (
        client.post(thread_url + "reply", data={"body": "x", "csrf_token": tok}).status_code == 403
    )
    with pdb.session() as s:
        post_id = s.scalar(select(Post.id))
        thread_id = s.scalar(select(Thread.id))
    r = client.post(
        f"/de/platform/posts/{post_id}/edit", data={"body": "hacked", "csrf_token": tok}
    )
    assert r.status_code == 403
    assert client.get(f"/de/platform/posts/{post_id}/edit").status_code == 403
    r = client.post(
        f"/de/platform/threads/{thread_id}/moderate", data={"action": "lock", "csrf_token": tok}
    )
    assert r.status_code == 403
    r = client.post(
        f"/de/platform/posts/{post_id}/moderate", data={"action": "hide", "csrf_token": tok}
    )
    assert r.status_code == 403
    assert _state(pdb) == before


def test_member_cannot_edit_another_members_post(client, make_user, pdb):
    make_user("c@example.org", groups={"regionalplanung": "member"})
    make_user("d@example.org", groups={"regionalplanung": "member"})
    login(client, "c@example.org")
    _new_thread(client, "regionalplanung", "Thema C", "Text von C")
    client.post("/de/platform/logout/", data={"csrf_token": token_of(client)})
    login(client, "d@example.org")
    before = _state(pdb)
    with pdb.session() as s:
        post_id = s.scalar(select(Post.id))
    r = client.post(
        f"/de/platform/posts/{post_id}/edit",
        data={"body": "überschrieben", "csrf_token": token_of(client)},
    )
    assert r.status_code == 403
    assert _state(pdb) == before


def test_stored_xss_and_sql_metacharacters_are_inert(client, make_user, pdb):
    make_user("x@example.org", groups={"staedte-gemeinden": "member"}, name='<b>X</b>"')
    login(client, "x@example.org")
    for payload in XSS + SQL:
        r = _new_thread(client, "staedte-gemeinden", payload[:200], payload + "\n\n" + payload)
        assert r.status_code == 303, payload
        html = client.get(r.headers["location"]).text
        assert_inert(html)
        assert "<b>X</b>" not in html  # display names are escaped too
    listing = client.get("/de/platform/groups/staedte-gemeinden/").text
    assert_inert(listing)
    assert "&lt;script&gt;" in listing
    with pdb.session() as s:  # stored verbatim (tables intact), rendered inert
        titles = set(s.scalars(select(Thread.title)))
        assert set(p[:200] for p in SQL) <= titles
        assert s.scalar(select(func.count()).select_from(Post)) == len(XSS + SQL)


def test_mentions_notify_and_mail_unless_switched_off(client, make_user, pdb, smtp):
    make_user("m1@example.org", groups={"universitaeten": "member"}, name="Mia")
    make_user("m2@example.org", groups={"universitaeten": "member"}, name="Max")
    make_user("m3@example.org", groups={"universitaeten": "member"}, name="Quiet")
    login(client, "m3@example.org")  # m3 switches e-mail off
    client.post(
        "/de/platform/account/settings",
        data={"display_name": "Quiet", "csrf_token": token_of(client)},
    )
    client.post("/de/platform/logout/", data={"csrf_token": token_of(client)})
    login(client, "m1@example.org")
    _new_thread(client, "universitaeten", "Kooperation", "Was meint @max dazu? Und @quiet.")
    with pdb.session() as s:
        notes = list(s.scalars(select(Notification)))
    assert sorted(n.account_id for n in notes) == [2, 3]
    assert all(n.kind == "mention" for n in notes)
    assert [m["Subject"] for m in smtp.to("m2@example.org")] == ["Erwähnung / mention: Kooperation"]
    assert smtp.to("m3@example.org") == []  # switched off: notification in the platform only
    assert smtp.to("m1@example.org") == []  # not to the author
    body = smtp.to("m2@example.org")[0].get_payload(decode=True).decode()
    assert "/de/platform/account/" in body  # says how to switch it off


def test_moderation_hide_lock_report(client, make_user, pdb):
    make_user("ed@example.org", groups={"regionalplanung": "editor"})
    make_user("mb@example.org", groups={"regionalplanung": "member"})
    login(client, "mb@example.org")
    r = _new_thread(client, "regionalplanung", "Streit", "Unsachlicher Beitrag")
    url = r.headers["location"]
    with pdb.session() as s:
        post_id, thread_id = s.scalar(select(Post.id)), s.scalar(select(Thread.id))
    r = client.post(
        f"/de/platform/posts/{post_id}/report",
        data={"reason": "beleidigend", "csrf_token": token_of(client)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    client.post("/de/platform/logout/", data={"csrf_token": token_of(client)})
    login(client, "ed@example.org")
    assert "beleidigend" in client.get("/de/platform/groups/regionalplanung/").text
    tok = token_of(client)
    client.post(
        f"/de/platform/posts/{post_id}/moderate", data={"action": "hide", "csrf_token": tok}
    )
    client.post(
        f"/de/platform/threads/{thread_id}/moderate", data={"action": "lock", "csrf_token": tok}
    )
    with pdb.session() as s:
        report_id = s.scalar(select(Report.id))
    client.post(f"/de/platform/reports/{report_id}/resolve", data={"csrf_token": tok})
    with pdb.session() as s:
        assert s.get(Post, post_id).hidden and s.get(Thread, thread_id).locked
        assert s.get(Report, report_id).resolved_at is not None
        actions = set(s.scalars(select(AuditEntry.entity).where(AuditEntry.actor_id == 1)))
        assert {"post", "thread", "report"} <= actions
    client.post("/de/platform/logout/", data={"csrf_token": token_of(client)})
    page = client.get(url).text  # the public sees the post hidden
    assert "Unsachlicher Beitrag" not in page
    login(client, "mb@example.org")  # the member cannot reply to a locked thread
    r = client.post(url + "reply", data={"body": "doch", "csrf_token": token_of(client)})
    assert r.status_code == 403


def test_members_only_group_is_closed_to_the_public(client, make_user, pdb):
    from regionatlas.platform.models import WorkingGroup

    with pdb.session() as s:
        g = s.scalar(select(WorkingGroup).where(WorkingGroup.slug == "steuerungsgruppe"))
        g.public = False
    assert client.get("/de/platform/groups/steuerungsgruppe/").status_code == 403
    make_user("sg@example.org", groups={"steuerungsgruppe": "member"})
    login(client, "sg@example.org")
    assert client.get("/de/platform/groups/steuerungsgruppe/").status_code == 200


def test_public_page_cache_is_invalidated_by_a_change_to_the_page(
    client, make_user, pdb, platform_config
):
    make_user("w@example.org", groups={"regionalplanung": "member"})
    login(client, "w@example.org")
    url = _new_thread(client, "regionalplanung", "Cache", "erster Beitrag").headers["location"]
    client.post("/de/platform/logout/", data={"csrf_token": token_of(client)})
    client.cookies.clear()
    assert "erster Beitrag" in client.get(url).text
    assert client.get(url).text.count("erster Beitrag") == 1  # served from the cache
    assert any(k[1] == url for k in platform_config.page_cache)
    login(client, "w@example.org")
    client.post(url + "reply", data={"body": "zweiter Beitrag", "csrf_token": token_of(client)})
    client.post("/de/platform/logout/", data={"csrf_token": token_of(client)})
    client.cookies.clear()
    assert "zweiter Beitrag" in client.get(url).text
    with pdb.session() as s:  # a change made outside this process (e.g. another worker)
        s.get(Thread, s.scalar(select(Thread.id))).title = "Neuer Titel"
    assert "Neuer Titel" in client.get(url).text


def test_editors_edit_their_group_page_only(client, make_user, pdb):
    from regionatlas.platform.models import WorkingGroup

    make_user("ge@example.org", groups={"regionalplanung": "editor", "unternehmensforum": "member"})
    login(client, "ge@example.org")
    data = {"description_de": "Neu", "description_en": "New", "csrf_token": token_of(client)}
    r = client.post("/de/platform/groups/regionalplanung/", data=data, follow_redirects=False)
    assert r.status_code == 303
    before = _state(pdb)
    r = client.post("/de/platform/groups/unternehmensforum/", data=data)
    assert r.status_code == 403
    assert _state(pdb) == before
    with pdb.session() as s:
        descr = dict(s.execute(select(WorkingGroup.slug, WorkingGroup.description_en)).all())
    assert descr["regionalplanung"] == "New" and descr["unternehmensforum"] != "New"


def test_reply_notifies_the_thread_starter(client, make_user, pdb):
    make_user("st@example.org", groups={"regionalplanung": "member"})
    make_user("re@example.org", groups={"regionalplanung": "member"}, name="Rena")
    login(client, "st@example.org")
    url = _new_thread(client, "regionalplanung", "Frage", "Wer weiß es?").headers["location"]
    client.post("/de/platform/logout/", data={"csrf_token": token_of(client)})
    login(client, "re@example.org")
    client.post(url + "reply", data={"body": "Ich", "csrf_token": token_of(client)})
    client.post("/de/platform/logout/", data={"csrf_token": token_of(client)})
    login(client, "st@example.org")
    page = client.get("/de/platform/account/").text
    assert "Rena: Frage" in page
    with pdb.session() as s:
        assert [n.kind for n in s.scalars(select(Notification))] == ["reply"]
