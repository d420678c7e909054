"""The platform in Debian's chromium: axe-core finds no WCAG violations on the main pages,
login and posting work with the keyboard, the maps draw their points."""

from __future__ import annotations

import pytest
from platform_helpers import PASSWORD

from regionatlas.web.serving import serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(web_store, region_file, tmp_path_factory):
    from regionatlas.platform import accounts, actors, forum
    from regionatlas.platform.db import Database
    from regionatlas.platform.mail import Mailer
    from regionatlas.platform.models import Site
    from regionatlas.platform.seed import seed
    from regionatlas.web.app import create_app
    from regionatlas.web.platform.context import PlatformConfig

    d = tmp_path_factory.mktemp("live")
    db = Database(f"sqlite:///{d / 'p.sqlite'}")
    db.upgrade()
    with db.session() as s:
        seed(s)
        a = accounts.create_account(s, "browser@example.org", "Bea", password=PASSWORD)
        g = forum.group_by_slug(s, "regionalplanung")
        forum.set_member(s, g, a, "editor")
        forum.create_thread(s, a, g, "Erstes Thema", "Hallo **Region**")
        actors.create(
            s,
            a,
            actors.validate(
                {"name": "Stadt Kassel", "kind": "municipality", "ags": "06611000"},
                lambda ags: True,
            ),
        )
        s.add(Site(kind="coworking", name="CoWork Calden", ags="06633003"))
    app = create_app(
        str(web_store),
        region_file,
        platform=PlatformConfig(db=db, mailer=Mailer(port=1), uploads_dir=d / "u"),
    )
    with serving(app) as url:
        yield url


@pytest.mark.parametrize(
    "path",
    [
        "/de/platform/",
        "/en/platform/groups/",
        "/de/platform/groups/regionalplanung/",
        "/de/platform/threads/1/",
        "/en/platform/actors/",
        "/de/platform/events/",
        "/en/platform/timeline/",
        "/de/platform/dkz/",
        "/de/platform/dkz/sites/",
        "/de/platform/login/",
        "/en/platform/dkz/contact/",
        "/de/platform/goals/",
        "/de/platform/no-such-page/",  # error pages (404, 401) in both languages
        "/en/platform/threads/99999/",
        "/en/platform/account/",
        "/de/no/such/atlas/page/",
        "/de/profile/99999999/",
    ],
)
def test_axe_no_violations(page, live, path):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(live + path)
    if "actors" in path or "sites" in path:
        page.wait_for_selector("#platform-map canvas", timeout=20_000)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_keyboard_login_and_post(page, live):
    page.goto(live + "/de/platform/login/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.focus("#email")
    page.keyboard.type("browser@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/platform/account/")
    page.goto(live + "/de/platform/groups/regionalplanung/")
    page.focus("#title")
    page.keyboard.type("Per Tastatur")
    page.keyboard.press("Tab")
    page.keyboard.type("Beitrag mit @browser")
    page.locator("form[action$='/threads'] button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/platform/threads/*/")
    assert "Beitrag mit @browser" in page.inner_text("main")
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)  # the logged-in thread page with its forms
    assert results.violations_count == 0, results.generate_report()


def test_actor_map_draws_points(page, live):
    page.goto(live + "/de/platform/actors/")
    page.wait_for_selector("#platform-map canvas", timeout=20_000)
    # The app's CSP forbids eval, and wait_for_function polls an evaluated string: so
    # evaluate once (over the DevTools protocol, outside the CSP) and wait on a selector.
    features = page.evaluate(
        "fetch('/de/platform/actors/map.geojson').then(r => r.json()).then(j => j.features)"
    )
    assert len(features) == 1
    page.wait_for_selector("body[data-platform-map-points='1']", state="attached", timeout=20_000)
    assert "Stadt Kassel" in page.inner_text("table")
    assert "Testdaten" in page.inner_text(".map-attribution")  # the map's sources under it


@pytest.mark.parametrize("lang", ["de", "en"])
def test_error_page_by_keyboard(page, live, lang):
    """A 404 in the page's language: skip link first, then the links back work by keyboard."""
    r = page.goto(live + f"/{lang}/platform/threads/99999/")
    assert r.status == 404
    assert page.get_attribute("html", "lang") == lang
    back = {"de": "Zur Übersicht des Forums", "en": "Back to the forum’s overview"}[lang]
    link = page.get_by_role("link", name=back.replace("’", "'"))
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{lang}/platform/")


def test_goal_forms_axe_clean_for_an_editor(page, live):
    """The goal and evaluation forms an editor sees (issue #14) pass axe-core."""
    from axe_playwright_python.sync_playwright import Axe

    page.goto(live + "/de/platform/login/")
    page.fill("#email", "browser@example.org")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/platform/account/")
    page.goto(live + "/de/platform/goals/")
    assert page.locator('form[action$="/platform/goals/"]').count() == 1
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def _tab_to(page, selector: str, limit: int = 80) -> int:
    """Press Tab from where the focus is until ``selector`` has it; the number of presses."""
    for n in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return n
    raise AssertionError(f"{selector} not reachable with Tab in {limit} presses")


def test_reply_and_report_with_the_keyboard_only(page, live):
    """The discussion's forms without a mouse: reply (textarea, then its button) and report a
    post (open the disclosure with Enter, type the reason, send); every control has a name."""
    page.goto(live + "/de/platform/login/")
    page.fill("#email", "browser@example.org")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/platform/account/")
    page.goto(live + "/de/platform/threads/1/")
    _tab_to(page, "textarea#body")
    assert page.evaluate("document.activeElement.labels.length") == 1
    page.keyboard.type("Antwort nur mit der Tastatur")
    _tab_to(page, "form[action$='/reply'] button[type=submit]", limit=3)
    page.keyboard.press("Enter")
    page.wait_for_url("**/platform/threads/1/**")
    assert "Antwort nur mit der Tastatur" in page.inner_text("main")
    page.goto(live + "/de/platform/threads/1/")
    _tab_to(page, "article summary")
    page.keyboard.press("Enter")  # opens the report form
    _tab_to(page, "input[name=reason]", limit=3)
    assert page.evaluate("document.activeElement.labels.length") == 1
    page.keyboard.type("Bitte prüfen")
    page.keyboard.press("Enter")
    page.wait_for_url("**reported=1**")
    assert "Danke für Ihre Meldung" in page.inner_text("[role=status]")
