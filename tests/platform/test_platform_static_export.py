"""The static export carries the platform's public pages (issue #12): what a visitor without
login sees, in both languages, with working links and no forms; and nothing that is not
public: planted marker strings in a hidden post, a hidden thread, a members-only group with
its thread, event and document, a non-public document, account e-mails and the audit log
appear nowhere in the written tree."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from platform_helpers import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LIVE = "https://forum.example.org"
PUBLIC = {
    "thread": "Oeffentliches Thema PUBMARK-THREAD",
    "post": "PUBMARK-POST in der Region",
    "event": "PUBMARK-EVENT Workshop",
    "org": "PUBMARK-ORG Stadtwerke",
    "org_email": "kontakt@pubmark-org.example",
    "document": "PUBMARK-DOC Bericht",
    "news": "PUBMARK-NEWS Auftakt",
    "offer": "PUBMARK-OFFER Beratung",
}
SECRET = {
    "hidden_post": "SECRETMARK-HIDDEN-POST",
    "hidden_thread": "SECRETMARK-HIDDEN-THREAD",
    "private_group": "SECRETMARK-GROUP",
    "private_thread": "SECRETMARK-PRIVATE-THREAD",
    "private_post": "SECRETMARK-PRIVATE-POST",
    "private_event": "SECRETMARK-PRIVATE-EVENT",
    "private_doc": "SECRETMARK-PRIVATE-DOC",
    "private_doc_bytes": "SECRETMARK-FILE-BYTES",
    "closed_group_doc": "SECRETMARK-CLOSED-GROUP-DOC",
    "member_email": "secretmark-member@example.org",
    "admin_email": "secretmark-admin@example.org",
    "report": "SECRETMARK-REPORT-REASON",
}


def _platform_content(db, uploads: Path) -> None:
    from regionatlas.platform import accounts, actors, documents, forum
    from regionatlas.platform.models import Event, NewsItem, Offer

    with db.session() as s:
        admin = accounts.create_account(
            s, SECRET["admin_email"], "Ada Admin", role="admin", password=PASSWORD
        )
        bea = accounts.create_account(s, SECRET["member_email"], "Bea", password=PASSWORD)
        public = forum.group_by_slug(s, "regionalplanung")
        closed = forum.group_by_slug(s, "universitaeten")
        closed.public = False
        closed.name_de = closed.name_en = SECRET["private_group"]
        closed.description_de = closed.description_en = SECRET["private_group"] + " text"
        forum.set_member(s, public, bea, "editor")
        forum.set_member(s, closed, bea, "editor")
        s.flush()
        thread = forum.create_thread(s, bea, public, PUBLIC["thread"], PUBLIC["post"])
        hidden = forum.reply(s, bea, thread, SECRET["hidden_post"])
        forum.set_post_hidden(s, bea, hidden, True)
        forum.report_post(s, admin, hidden, SECRET["report"])
        gone = forum.create_thread(s, bea, public, SECRET["hidden_thread"], "text")
        forum.set_thread_hidden(s, bea, gone, True)
        private = forum.create_thread(s, bea, closed, SECRET["private_thread"], "x")
        forum.reply(s, bea, private, SECRET["private_post"])
        at = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
        s.add(Event(group_id=public.id, title_de=PUBLIC["event"], title_en=PUBLIC["event"],
                    starts_at=at, place="Kassel"))  # fmt: skip
        s.add(Event(group_id=closed.id, title_de=SECRET["private_event"],
                    title_en=SECRET["private_event"], starts_at=at))  # fmt: skip
        documents.add_document(s, bea, public, PUBLIC["document"], "bericht.pdf", PDF,
                               uploads, 1_000_000)  # fmt: skip
        documents.add_document(s, bea, public, SECRET["private_doc"], "intern.pdf",
                               PDF + SECRET["private_doc_bytes"].encode(), uploads, 1_000_000,
                               public=False)  # fmt: skip
        documents.add_document(s, bea, closed, SECRET["closed_group_doc"], "uni.pdf",
                               PDF + b"uni", uploads, 1_000_000)  # fmt: skip
        clean = actors.validate(
            {"name": PUBLIC["org"], "kind": "municipality", "ags": "06611000",
             "contact_email": PUBLIC["org_email"]},
            lambda ags: True,
        )  # fmt: skip
        actors.create(s, bea, clean)
        s.add(NewsItem(title_de=PUBLIC["news"], title_en=PUBLIC["news"], body_de="b",
                       body_en="b", author_id=admin.id,
                       published_at=datetime(2026, 1, 5, tzinfo=UTC)))  # fmt: skip
        s.add(Offer(kind="consulting", title=PUBLIC["offer"], provider="DKZ"))


@pytest.fixture(scope="module")
def platform_db(tmp_path_factory):
    from regionatlas.platform.db import Database
    from regionatlas.platform.seed import seed

    d = tmp_path_factory.mktemp("static-platform")
    db = Database(f"sqlite:///{d / 'platform.sqlite'}")
    db.upgrade()
    with db.session() as s:
        seed(s)
    _platform_content(db, d / "uploads")
    yield db, d / "uploads"
    db.dispose()


def _export(web_store, region_file, platform_db, out: Path) -> Path:
    from regionatlas.web.export import export_static

    db, uploads = platform_db
    export_static(str(web_store), out, region_file, platform_db=db, live_url=LIVE,
                  uploads_dir=uploads)  # fmt: skip
    return out


@pytest.fixture(scope="module")
def site(web_store, region_file, platform_db, tmp_path_factory):
    return _export(web_store, region_file, platform_db, tmp_path_factory.mktemp("s") / "site")


def _files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file())


def _platform_pages(site: Path) -> list[Path]:
    return [p for lang in ("de", "en") for p in (site / lang / "platform").rglob("index.html")]


def test_public_platform_pages_written_in_both_languages(site):
    for lang in ("de", "en"):
        p = site / lang / "platform"
        for rel in ("", "groups/", "groups/regionalplanung/", "events/", "timeline/",
                    "actors/", "dkz/", "dkz/sites/", "goals/"):  # fmt: skip
            page = p / rel / "index.html"
            assert page.is_file(), page
            assert f'<html lang="{lang}">' in page.read_text(encoding="utf-8")
        for feed in ("events.ics", "news.atom", "groups/regionalplanung/events.ics",
                     "actors/map.geojson", "dkz/sites.geojson"):  # fmt: skip
            assert (p / feed).stat().st_size > 0, feed
    text = "\n".join(p.read_text(encoding="utf-8") for p in _platform_pages(site))
    for marker in ("thread", "post", "event", "org", "org_email", "document", "news", "offer"):
        assert PUBLIC[marker] in text, marker  # what visitors see is in the copy
    ics = (site / "de/platform/events.ics").read_text(encoding="utf-8")
    assert PUBLIC["event"] in ics and "DTSTART:20260310T140000Z" in ics
    atom = (site / "en/platform/news.atom").read_text(encoding="utf-8")
    assert PUBLIC["news"] in atom and f"{LIVE}/en/platform/news.atom" in atom
    # the public document under its file name, linked so from the group's page
    assert (site / "de/platform/documents/1/bericht.pdf").read_bytes() == PDF
    group = (site / "en/platform/groups/regionalplanung/index.html").read_text(encoding="utf-8")
    assert 'href="../../../../en/platform/documents/1/bericht.pdf"' in group
    points = json.loads((site / "de/platform/actors/map.geojson").read_text())
    assert [f["properties"]["label"] for f in points["features"]] == [PUBLIC["org"]]


def test_nothing_private_anywhere_in_the_tree(site):
    """Every file of the export, as bytes (pages, feeds, JSON, documents, static files)."""
    needles = {k: v.encode() for k, v in SECRET.items()}
    for path in _files(site):
        data = path.read_bytes()
        for name, needle in needles.items():
            assert needle not in data, (name, path.relative_to(site))
            assert needle.lower() not in data.lower(), (name, path.relative_to(site))
    names = {str(p.relative_to(site)) for p in _files(site)}
    for part in ("/admin/", "/account/", "/login/", "/audit/", "/surveys/", "/reset/",
                 "/universitaeten/"):  # fmt: skip
        assert not any(part in "/" + n for n in names), part
    # the only e-mail addresses are the ones the public pages show (an organisation's contact)
    mails = set()
    for page in _platform_pages(site):
        mails |= set(re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", page.read_text(encoding="utf-8")))
    assert mails == {PUBLIC["org_email"]}


def test_hidden_post_keeps_its_placeholder_only(site):
    from regionatlas.web.i18n import catalogue

    threads = list((site / "de/platform/threads").glob("*/index.html"))
    assert len(threads) == 1  # the public one; not the hidden one, not the members-only one
    html = threads[0].read_text(encoding="utf-8")
    assert PUBLIC["post"] in html and catalogue("de")["platform.post_hidden"] in html


def test_no_forms_that_need_the_server(site):
    """No login, posting, registering, contact or filter forms; no CSRF token (it would also
    make the copy differ on every run); the note on every platform page, with the live link."""
    note = {"de": "statische Kopie", "en": "static copy"}
    for page in _platform_pages(site):
        html = page.read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        main = soup.find("main")
        assert main.find("form") is None, page
        assert "csrf_token" not in html, page
        lang = soup.html["lang"]
        assert note[lang] in soup.find(class_="static-note").get_text(), page
        assert soup.find("a", href=re.compile("^" + re.escape(LIVE) + f"/{lang}/platform/")), page


def _targets(page: Path, html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    out = [t.get(a) for a in ("href", "src") for t in soup.find_all(attrs={a: True})]
    cfg = soup.find("script", id="atlas-config")
    if cfg is not None:  # the URLs the page's scripts fetch (platform maps' points)
        data = json.loads(cfg.string or "{}")
        out += [v for k, v in data.items() if k == "points" and isinstance(v, str)]
    return [str(t) for t in out if t]


def test_every_internal_link_and_asset_resolves(site):
    """Crawl every HTML page of the export (atlas and platform, both languages): each relative
    href/src (and the platform maps' data URL) names a file of the tree."""
    broken = []
    pages = [p for p in site.rglob("*.html")]
    assert len(pages) > 40
    for page in pages:
        for target in _targets(page, page.read_text(encoding="utf-8")):
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or target.startswith(("#", "mailto:")):
                continue
            assert not target.startswith("/"), (page, target)  # works below a sub-path
            path = (page.parent / unquote(parts.path)).resolve()
            if target.endswith("/") or path.is_dir():
                path = path / "index.html"
            if not path.is_file() or site.resolve() not in path.parents:
                broken.append((str(page.relative_to(site)), target))
    assert not broken, broken[:20]


def test_every_map_carries_its_attribution(site):
    for page in _platform_pages(site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        if soup.find(id="platform-map") is not None:
            line = soup.find(class_="map-attribution")
            assert line is not None and line.get_text(strip=True), page


def test_the_copy_does_not_depend_on_the_clock(site, web_store, region_file, platform_db,
                                               tmp_path, monkeypatch):  # fmt: skip
    """The same databases give the same bytes on another day in another time zone."""
    import time

    import time_machine

    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    try:
        with time_machine.travel(datetime(2031, 2, 28, 23, 59, tzinfo=UTC), tick=False):
            again = _export(web_store, region_file, platform_db, tmp_path / "again")
    finally:
        monkeypatch.undo()
        time.tzset()

    def digests(root: Path) -> dict[str, str]:
        return {
            str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in _files(root)
            if "platform" in p.parts
        }

    first, second = digests(site), digests(again)
    assert len(first) > 30
    assert first == second, sorted(k for k in first if first[k] != second.get(k))[:10]


@pytest.fixture
def static_server(site):
    """The exported folder behind a plain file server (no Python app)."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=site))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["de", "en"])
def test_static_platform_in_the_browser(page, static_server, lang):
    """The copy's actor map draws its point from the exported file, and the platform's pages
    pass axe-core as files."""
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{static_server}/{lang}/platform/actors/")
    page.wait_for_function("document.body.dataset.platformMapPoints === '1'", timeout=20_000)
    assert PUBLIC["org"] in page.inner_text("table")
    for path in ("actors/", "threads/1/", "events/", "groups/regionalplanung/"):
        page.goto(f"{static_server}/{lang}/platform/{path}")
        results = Axe().run(page)
        assert results.violations_count == 0, (path, results.generate_report())


def test_cli_platform_choice(web_store, region_file, platform_db, tmp_path, monkeypatch):
    """``--no-platform`` leaves it out; a named database at an old revision is refused with
    the command that fixes it, and nothing is written."""
    from typer.testing import CliRunner

    from regionatlas.cli.main import app
    from regionatlas.platform.db import Database

    runner = CliRunner()
    base = ["export-static", "--db", str(web_store), "--region", str(region_file), "--quiet"]
    r = runner.invoke(app, [*base[:1], str(tmp_path / "a"), *base[1:], "--no-platform"])
    assert r.exit_code == 0, r.output
    assert not (tmp_path / "a" / "de" / "platform").exists()
    assert (tmp_path / "a" / "de" / "index.html").is_file()
    old = tmp_path / "old.sqlite"
    Database(f"sqlite:///{old}").dispose()  # an empty database: no revision
    url = f"sqlite:///{old}"
    r = runner.invoke(app, [*base[:1], str(tmp_path / "b"), *base[1:], "--platform-url", url])
    assert r.exit_code == 4 and "regionatlas db upgrade" in r.output, r.output
    assert not (tmp_path / "b").exists()
    db, uploads = platform_db
    monkeypatch.setenv("REGIONATLAS_UPLOADS_DIR", str(uploads))  # the public document's file
    url = db.url
    r = runner.invoke(app, [*base[:1], str(tmp_path / "c"), *base[1:], "--platform-url", url])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "c" / "en" / "platform" / "threads" / "1" / "index.html").is_file()
