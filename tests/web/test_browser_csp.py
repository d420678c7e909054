"""Under the app's Content-Security-Policy the pages work in Debian's chromium: the map
renders (MapLibre's blob: workers allowed) and the console reports no CSP violation."""

from __future__ import annotations

import pytest

from regionatlas.web.serving import serving

pytestmark = pytest.mark.browser
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


@pytest.fixture(scope="session")
def browser_context_args():
    """As tests/web/conftest.py, but with the CSP enforced (no bypass): these tests wait on
    selectors, not on evaluated strings."""
    return {"viewport": {"width": 1280, "height": 900}, "locale": "de-DE"}


READY = "body[data-map-ready]:not([data-map-ready=''])"


@pytest.fixture(scope="module")
def live_server(app):
    with serving(app) as url:
        yield url


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.add_init_script(LISTEN)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on(
        "console",
        lambda m: (
            problems.append(f"console: {m.text}")
            if "Content Security Policy" in m.text or "Refused to" in m.text
            else None
        ),
    )
    return problems


@pytest.mark.parametrize("path", ["/de/", "/en/flows/", "/de/regions/"])
def test_map_pages_render_without_csp_violations(page, live_server, path: str) -> None:
    problems = _watch(page)
    response = page.goto(f"{live_server}{path}")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(READY, state="attached", timeout=20_000)
    canvas = page.locator("canvas.maplibregl-canvas").first
    assert canvas.bounding_box()["width"] > 100  # MapLibre drew its canvas
    assert page.evaluate("window.__csp") == []
    assert problems == []


def test_language_switch_and_print_button_work_without_inline_script(page, live_server) -> None:
    problems = _watch(page)
    page.goto(f"{live_server}/de/profile/06611/")
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.locator("[data-print]").click()
    assert page.evaluate("window.__printed") is True
    page.goto(f"{live_server}/de/")
    page.wait_for_selector(READY, state="attached", timeout=20_000)
    href = page.evaluate(
        "(() => { const a = document.getElementById('lang-switch');"
        " a.addEventListener('click', (e) => e.preventDefault());"
        " a.dispatchEvent(new MouseEvent('click', {cancelable: true}));"
        " return a.getAttribute('href'); })()"
    )
    current = page.evaluate("location.hash")
    assert current.startswith("#i=") and href.endswith(current)  # the view goes along
    assert page.evaluate("window.__csp") == [] and problems == []


def test_api_docs_render_without_csp_violations(page, live_server) -> None:
    problems = _watch(page)
    page.goto(f"{live_server}/api/docs")
    page.wait_for_selector(".opblock", timeout=20_000)  # Swagger UI listed the operations
    assert page.locator(".opblock").count() > 20
    assert page.evaluate("window.__csp") == [] and problems == []
