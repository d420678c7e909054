"""The public page cache (web/platform/page_cache.py): every write shows at once, members
never get or leak a cached anonymous page, languages apart, the start-up warm-up – in the
app, and across two worker processes of the real server."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from platform_helpers import PASSWORD, login, token_of
from sqlalchemy import select

from regionatlas.platform.models import Post, Thread


def _new_thread(client, title: str, body: str) -> str:
    token = token_of(client, "/de/platform/groups/regionalplanung/")
    r = client.post(
        "/de/platform/groups/regionalplanung/threads",
        data={"title": title, "body": body, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return r.headers["location"]


def _cached(config, url: str) -> bool:
    """The page is in the cache under the current version (the next read is a hit)."""
    from regionatlas.web.platform.page_cache import cache_key, current_version

    path, _, query = url.partition("?")
    hit = config.page_cache.entries.get(cache_key(path, query))
    return hit is not None and hit[0] == current_version(config.db)


@pytest.fixture
def anon(app, client):
    """A second browser without login (the ``client`` fixture started the app)."""
    return TestClient(app, raise_server_exceptions=False)


def _read(anon, config, url: str) -> str:
    """The page as an anonymous reader gets it, read until it is served from the cache."""
    anon.cookies.clear()
    first = anon.get(url)
    assert first.status_code == 200, url
    assert _cached(config, url), url
    anon.cookies.clear()
    again = anon.get(url)
    assert again.text == first.text and "set-cookie" not in again.headers  # the fast path
    return again.text


def test_every_write_shows_on_the_cached_page_at_once(
    client, anon, make_user, platform_config, pdb
):
    make_user("ed@example.org", groups={"regionalplanung": "editor"}, name="Edith Editor")
    login(client, "ed@example.org")
    url = _new_thread(client, "Cache-Test", "erster Beitrag")
    group = "/de/platform/groups/regionalplanung/"
    assert "Cache-Test" in _read(anon, platform_config, group)
    assert "erster Beitrag" in _read(anon, platform_config, url)

    # a reply
    client.post(url + "reply", data={"body": "zweiter Beitrag", "csrf_token": token_of(client)})
    assert "zweiter Beitrag" in _read(anon, platform_config, url)
    # an edit
    with pdb.session() as s:
        post_id = s.scalar(select(Post.id).where(Post.body_md == "zweiter Beitrag"))
    client.post(
        f"/de/platform/posts/{post_id}/edit",
        data={"body": "zweiter Beitrag, korrigiert", "csrf_token": token_of(client)},
    )
    page = _read(anon, platform_config, url)
    assert "zweiter Beitrag, korrigiert" in page and "bearbeitet" in page
    # hiding a post
    client.post(
        f"/de/platform/posts/{post_id}/moderate",
        data={"action": "hide", "csrf_token": token_of(client)},
    )
    page = _read(anon, platform_config, url)
    assert "korrigiert" not in page and "von der Moderation ausgeblendet" in page
    # locking the thread
    assert "gesperrt" not in page
    client.post(url + "moderate", data={"action": "lock", "csrf_token": token_of(client)})
    assert "gesperrt" in _read(anon, platform_config, url)
    assert "gesperrt" in _read(anon, platform_config, group)  # the thread list too
    # a new event: the list, the group page
    events = "/de/platform/events/"
    assert "Cache-Werkstatt" not in _read(anon, platform_config, events)
    r = client.post(
        events,
        data={
            "group": "regionalplanung",
            "title_de": "Cache-Werkstatt",
            "title_en": "Cache workshop",
            "format": "digital",
            "starts_at": "2031-03-05T09:30",
            "csrf_token": token_of(client),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert "Cache-Werkstatt" in _read(anon, platform_config, events)
    assert "Cache-Werkstatt" in _read(anon, platform_config, group)
    # an event's page: registrations count
    event_url = r.headers["location"]
    assert "<dd>0</dd>" in _read(anon, platform_config, event_url)
    client.post(event_url + "register", data={"action": "register", "csrf_token": token_of(client)})
    assert "<dd>1</dd>" in _read(anon, platform_config, event_url)
    # hiding the thread: gone for the public, from the cache too
    client.post(url + "moderate", data={"action": "hide", "csrf_token": token_of(client)})
    anon.cookies.clear()
    assert anon.get(url).status_code == 404
    assert "Cache-Test" not in _read(anon, platform_config, group)


def _thread_row(page: str, url: str) -> str:
    """The thread list's row of the thread at ``url`` on a group page."""
    tail = url.lstrip("/")  # links are relative to the page
    m = re.search(r'<tr><td><a href="[./]*' + re.escape(tail) + r'">.*?</tr>', page, re.S)
    assert m is not None, url
    return m.group(0)


def test_a_reply_leaves_the_other_threads_pages_cached(
    client, anon, make_user, platform_config, pdb
):
    """Scoped invalidation: a reply in thread A makes A's page, its group's page and the
    start page stale at once, but thread B's page, the actors and events stay cached."""
    make_user("sc@example.org", groups={"regionalplanung": "member"}, name="Scope Schreiber")
    login(client, "sc@example.org")
    a = _new_thread(client, "Faden A", "A-Anfang")
    b = _new_thread(client, "Faden B", "B-Anfang")
    group, home = "/de/platform/groups/regionalplanung/", "/de/platform/"
    others = (b, "/en" + b[3:], "/de/platform/actors/", "/de/platform/events/")
    pages = {url: _read(anon, platform_config, url) for url in (a, group, home, *others)}
    assert "<td>1</td>" in _thread_row(pages[group], a)

    r = client.post(
        a + "reply",
        data={"body": "A-Antwort", "csrf_token": token_of(client)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    anon.cookies.clear()
    for url in others:  # served from the cache, unchanged
        again = anon.get(url)
        assert again.headers["x-cache"] == "hit", url
        assert again.text == pages[url], url
    fresh = anon.get(a)
    assert fresh.headers["x-cache"] == "miss" and "A-Antwort" in fresh.text
    fresh = anon.get(group)
    assert fresh.headers["x-cache"] == "miss" and "<td>2</td>" in _thread_row(fresh.text, a)
    assert anon.get(home).headers["x-cache"] == "miss"  # lists the latest activity
    assert anon.get(a).headers["x-cache"] == "hit"  # cached again

    # an edit of A's first post (an update row without the thread id): B stays cached
    with pdb.session() as s:
        post_id = s.scalar(select(Post.id).where(Post.body_md == "A-Anfang"))
    client.post(
        f"/de/platform/posts/{post_id}/edit",
        data={"body": "A-Anfang, korrigiert", "csrf_token": token_of(client)},
    )
    anon.cookies.clear()
    assert anon.get(b).headers["x-cache"] == "hit"
    assert "A-Anfang, korrigiert" in anon.get(a).text
    # a renamed working group shows on every page: nothing stays cached
    with pdb.session() as s:
        from regionatlas.platform.models import WorkingGroup

        s.scalar(
            select(WorkingGroup).where(WorkingGroup.slug == "regionalplanung")
        ).name_de = "Regionalplanung neu"
    miss = anon.get(b)
    assert miss.headers["x-cache"] == "miss" and "Regionalplanung neu" in miss.text
    assert anon.get("/de/platform/actors/").headers["x-cache"] == "miss"


def test_a_change_made_by_another_process_shows_at_once(anon, make_user, platform_config, pdb):
    url = "/de/platform/groups/regionalplanung/"
    assert "Neuer Name" not in _read(anon, platform_config, url)
    with pdb.session() as s:  # another connection, as another worker or a CLI command
        from regionatlas.platform.models import WorkingGroup

        s.scalar(
            select(WorkingGroup).where(WorkingGroup.slug == "regionalplanung")
        ).name_de = "Neuer Name"
    assert "Neuer Name" in _read(anon, platform_config, url)


def test_members_never_get_nor_leak_a_cached_page(client, anon, make_user, platform_config, pdb):
    make_user("mia@example.org", groups={"regionalplanung": "member"}, name="Mia Mitglied")
    login(client, "mia@example.org")
    url = _new_thread(client, "Mitgliederfrage", "Text")
    before = len(platform_config.page_cache)
    public = _read(anon, platform_config, url)
    assert "Mia Mitglied" in public  # as the post's author, not as the visitor
    assert "Abmelden" not in public and "csrf_token" not in public
    for _ in range(2):  # the member's own page, also when the anonymous one is cached
        mine = client.get(url)
        assert mine.status_code == 200
        assert "Abmelden" in mine.text and 'name="csrf_token"' in mine.text
        assert "Mia Mitglied)" in mine.text  # "Konto (Mia Mitglied)" in the navigation
    assert len(platform_config.page_cache) == before + 1  # only the anonymous page was kept
    for _version, body, _packed, _scopes in platform_config.page_cache.entries.values():
        assert b"Abmelden" not in body and b"csrf_token" not in body
    anon.cookies.clear()
    again = anon.get(url)
    assert again.text == public and "ra_session" not in again.headers.get("set-cookie", "")
    # a stale or forged session cookie: the anonymous page, and nothing personal cached
    anon.cookies.set("ra_session", "not-a-session")
    assert anon.get(url).text == public


def test_languages_are_cached_apart(anon, platform_config):
    de = _read(anon, platform_config, "/de/platform/groups/")
    en = _read(anon, platform_config, "/en/platform/groups/")
    assert '<html lang="de">' in de and "Steuerungsgruppe" in de
    assert '<html lang="en">' in en and "Steering group" in en
    keys = {k[:2] for k in platform_config.page_cache}
    assert ("de", "/de/platform/groups/") in keys and ("en", "/en/platform/groups/") in keys
    anon.cookies.clear()
    assert anon.get("/de/platform/groups/").text == de


def test_what_is_never_cached(client, anon, make_user, platform_config):
    make_user("x@example.org")
    login(client, "x@example.org")
    for url in ("/de/platform/account/", "/de/platform/login/"):
        client.get(url)
        anon.get(url)
    anon.cookies.clear()
    for url in (
        "/de/platform/groups/regionalplanung/?utm=1",  # unknown parameter
        "/de/platform/groups/regionalplanung/?page=99",  # past the last page
        "/de/platform/actors/?q=kassel",  # a free-text search
    ):
        assert anon.get(url).status_code == 200, url
    assert len(platform_config.page_cache) == 0, list(platform_config.page_cache)


def test_start_up_warm_up_caches_the_public_pages(
    web_store, region_file, platform_config, make_user, pdb
):
    from regionatlas.web.app import create_app

    make_user("w@example.org", groups={"regionalplanung": "member"})
    with pdb.session() as s:
        from regionatlas.platform import forum
        from regionatlas.platform.models import Account, WorkingGroup

        author = s.scalar(select(Account).where(Account.email == "w@example.org"))
        group = forum.group_by_slug(s, "regionalplanung")
        seen = forum.create_thread(s, author, group, "Öffentlich", "sichtbar")
        hidden = forum.create_thread(s, author, group, "Versteckt", "nicht sichtbar")
        hidden.hidden = True
        s.scalar(select(WorkingGroup).where(WorkingGroup.slug == "steuerungsgruppe")).public = False
        seen_id, hidden_id = seen.id, hidden.id
    platform_config.warm_pages = True
    app = create_app(str(web_store), region_file, platform=platform_config)
    with TestClient(app) as c:
        keys = {k[1] for k in platform_config.page_cache}
        for lang in ("de", "en"):
            assert f"/{lang}/platform/" in keys
            assert f"/{lang}/platform/threads/{seen_id}/" in keys
            assert f"/{lang}/platform/groups/regionalplanung/" in keys
            assert f"/{lang}/platform/events/" in keys
            assert f"/{lang}/platform/threads/{hidden_id}/" not in keys
            assert f"/{lang}/platform/groups/steuerungsgruppe/" not in keys
        assert _cached(platform_config, f"/en/platform/threads/{seen_id}/")
        assert "sichtbar" in c.get(f"/de/platform/threads/{seen_id}/").text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_two_worker_processes_show_every_write_at_once(
    web_store, region_file, pdb, make_user, tmp_path
):
    """``regionatlas serve --workers 2``: each worker keeps its own cache; a write through one
    worker, or by another process, shows on every following read, whichever worker answers."""
    make_user("two@example.org", groups={"regionalplanung": "member"}, name="Zwei Worker")
    with pdb.session() as s:  # thread B: in both workers' caches by their start-up warm-up
        from regionatlas.platform import forum
        from regionatlas.platform.models import Account

        author = s.scalar(select(Account).where(Account.email == "two@example.org"))
        other = forum.create_thread(
            s, author, forum.group_by_slug(s, "regionalplanung"), "Faden B", "B bleibt"
        )
        other_url = f"/de/platform/threads/{other.id}/"
    port = _free_port()
    exe = str(Path(sys.executable).parent / "regionatlas")
    cmd = [exe, "serve", "--db", str(web_store), "--region", str(region_file)]
    cmd += ["--platform-url", pdb.url, "--port", str(port), "--workers", "2"]
    env = {**os.environ, "REGIONATLAS_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not answer within 180 s"
            try:
                if httpx.get(base + "/de/platform/", timeout=30).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        with httpx.Client(base_url=base, timeout=30) as member:
            _two_workers(base, member, pdb, other_url)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _two_workers(base: str, member: httpx.Client, pdb, other_url: str) -> None:
    """Reads over new connections (either worker may answer) before and after writes; the
    page of thread B (not written to) stays cached in both workers."""
    assert login(member, "two@example.org", PASSWORD).status_code == 303
    url = _create_thread_over_http(member)

    def reads(path: str = url) -> list[httpx.Response]:  # a new connection each
        return [httpx.get(base + path, timeout=30) for _ in range(16)]

    def hits() -> bool:
        return all(
            r.headers.get("x-cache") == "hit" and "B bleibt" in r.text for r in reads(other_url)
        )

    assert hits()
    assert all("Anfang" in r.text and "Antwort" not in r.text for r in reads())  # now cached
    token = token_of(member, url)
    r = member.post(url + "reply", data={"body": "Antwort", "csrf_token": token})
    assert r.status_code == 303
    assert all("Antwort" in r.text for r in reads())
    assert hits()
    with pdb.session() as s:  # another process writes (the test itself)
        s.scalar(select(Thread).order_by(Thread.id.desc()).limit(1)).title = "Umbenannt"
    assert all("Umbenannt" in r.text for r in reads())
    assert hits()


def _create_thread_over_http(member: httpx.Client) -> str:
    token = token_of(member, "/de/platform/groups/regionalplanung/")
    r = member.post(
        "/de/platform/groups/regionalplanung/threads",
        data={"title": "Zwei Prozesse", "body": "Anfang", "csrf_token": token},
    )
    assert r.status_code == 303, r.text
    return r.headers["location"]


@pytest.mark.postgis
def test_on_postgres_a_write_shows_at_once(
    web_store, region_file, pg_database_url, tmp_path, mailer
):
    """The fast path reads the version through the pool in a thread on PostgreSQL."""
    import uuid

    from regionatlas.platform.db import Database
    from regionatlas.platform.models import WorkingGroup
    from regionatlas.platform.seed import seed
    from regionatlas.web.app import create_app
    from regionatlas.web.platform.context import PlatformConfig

    schema = f"p_{uuid.uuid4().hex[:10]}"
    db = Database(pg_database_url, schema=schema)
    try:
        db.upgrade()
        with db.session() as s:
            seed(s)
            from regionatlas.platform import forum
            from regionatlas.platform.models import Account

            author = Account(email="pg@example.org", handle="pg", display_name="Pe Ge")
            s.add(author)
            s.flush()
            group = forum.group_by_slug(s, "regionalplanung")
            forum.set_member(s, group, author, "member")
            a, b = (forum.create_thread(s, author, group, t, "Text") for t in ("PG-A", "PG-B"))
            a_url, b_url = (f"/de/platform/threads/{t.id}/" for t in (a, b))
        config = PlatformConfig(db=db, mailer=mailer, uploads_dir=tmp_path / "u")
        app = create_app(str(web_store), region_file, platform=config)
        url = "/de/platform/groups/regionalplanung/"
        with TestClient(app, raise_server_exceptions=False) as client:
            assert _cached(config, url)  # the start-up warm-up
            assert "Auf PostgreSQL" not in _read(client, config, url)
            with db.session() as s:
                group = s.scalar(select(WorkingGroup).where(WorkingGroup.slug == "regionalplanung"))
                group.description_de = "Auf PostgreSQL"
            assert "Auf PostgreSQL" in _read(client, config, url)
            # scoped: a reply in A (another connection) leaves B's page cached
            b_page = _read(client, config, b_url)
            assert "PG-Antwort" not in _read(client, config, a_url)
            with db.session() as s:
                author = s.scalar(select(Account).where(Account.email == "pg@example.org"))
                forum.reply(s, author, forum.thread(s, a.id), "PG-Antwort")
            client.cookies.clear()
            again = client.get(b_url)
            assert again.headers["x-cache"] == "hit" and again.text == b_page
            assert "PG-Antwort" in client.get(a_url).text
    finally:
        db.dispose()
        from sqlalchemy import create_engine

        from regionatlas.platform.db import engine_url

        eng = create_engine(engine_url(pg_database_url))
        with eng.begin() as con:
            con.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        eng.dispose()
