"""The goals, interventions, toolbox and brief pages in Debian's chromium: axe-core finds no
WCAG violations, the toolbox filter works in the browser (as in the static export)."""

from __future__ import annotations

import pytest

from regionatlas.web.serving import serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_context_args():
    """The app's Content-Security-Policy enforced (no bypass): nothing here evaluates
    strings, and the toolbox filter must work as shipped."""
    return {"viewport": {"width": 1280, "height": 900}, "locale": "de-DE"}


@pytest.fixture(scope="module")
def bundle_server(bundle_app):
    with serving(bundle_app) as url:
        yield url


@pytest.mark.parametrize(
    "path",
    [
        "/de/goals/",
        "/en/interventions/",
        "/de/toolkit/",
        "/en/toolkit/leitfaden-bauleitplanung/",
        "/de/toolkit/buergerdialog-fnp/",
        "/de/brief/06633028/",
        "/en/brief/corridor/06633028/05762036/",
    ],
)
def test_axe_no_violations(page, bundle_server, path):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(bundle_server + path, timeout=120_000)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_toolkit_filter_in_the_browser(page, bundle_server):
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Refused" in m.text else None)
    page.goto(bundle_server + "/de/toolkit/")
    total = page.locator(".toolkit-item").count()
    page.select_option("#f-effort", "low")
    visible = page.locator(".toolkit-item:visible")
    assert 0 < visible.count() < total
    assert "Zukunftswerkstatt" in " ".join(visible.all_inner_texts())
    assert str(visible.count()) in page.locator("#toolkit-count").inner_text()
    page.fill("#f-legal", "PBefG")
    page.press("#f-legal", "Enter")
    assert page.locator(".toolkit-item:visible").count() == 1
    assert refused == []  # no Content-Security-Policy violation
