"""Survey pages in Debian's chromium: axe-core finds no WCAG violations on the form (also with
errors shown) and on the results page with its map; the form works by keyboard alone and
hides a conditional question until its condition holds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from platform_helpers import PASSWORD

from regionatlas.platform.surveys import service
from regionatlas.web.serving import serving

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed (apt-get install chromium)")
    return {"executable_path": str(CHROMIUM), "args": ["--no-sandbox", "--disable-gpu"]}


@pytest.fixture(scope="session")
def browser_context_args():
    # bypass_csp: Playwright's wait_for_function evaluates strings, which the app's CSP forbids
    # (as tests/web/conftest.py; the pages' own scripts are files, not inline)
    return {"viewport": {"width": 1280, "height": 900}, "locale": "de-DE", "bypass_csp": True}


@pytest.fixture
def live(app, pdb):
    with pdb.session() as s:
        service.create_survey(s, "umfrage", "firms", mode="open", results_public=True)
    with serving(app) as url:
        yield url


def _axe(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_form_is_accessible_and_keeps_input(page, live, lang):
    page.goto(f"{live}/{lang}/platform/surveys/umfrage/")
    assert page.locator("#q-COOPWHO").is_hidden()  # shown only when COOP = yes
    page.locator("details.place-map-box summary").click()
    page.wait_for_function("document.body.dataset.mapReady === 'places'", timeout=20_000)
    _axe(page)
    page.locator("#q_CUST_P1").focus()
    page.locator("#place-map canvas").click()  # the middle of the region
    assert re.fullmatch(r".+ \(\d{8}\)", page.locator("#q_CUST_P1").input_value())
    page.locator("#q_CUST_P1").fill("")
    # keyboard only: tab to the first place field, type, choose a radio with the keyboard
    page.locator("#q_LOC_P1").focus()
    page.keyboard.type("Atlantis")
    page.locator("#q_COOP_Y").focus()
    page.keyboard.press("Space")
    assert page.locator("#q-COOPWHO").is_visible()
    page.locator("button[value=submit]").press("Enter")
    page.wait_for_selector("#error-summary")
    assert page.locator("#q_LOC_P1").input_value() == "Atlantis"
    assert page.locator("#q_COOP_Y").is_checked()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    _axe(page)


def test_results_page_with_map_is_accessible(page, live, pdb):
    from regionatlas.platform.models import Survey
    from regionatlas.platform.surveys.answers import Checked
    from regionatlas.platform.surveys.limesurvey import ImportedRow

    answers = {"LOC": [{"ags": "06611000", "share": None}], "SECTOR": "C", "SIZE": "S1",
               "STAFF": [{"ags": "06633001", "share": 50}]}  # fmt: skip
    rows = [ImportedRow(i, str(i), "", True, "de", Checked(answers, {})) for i in range(6)]
    with pdb.session() as s:
        service.import_rows(s, s.query(Survey).one(), rows)
    page.goto(f"{live}/de/platform/surveys/umfrage/results/")
    page.wait_for_function("!!document.body.dataset.mapReady", timeout=20_000)
    assert "Übereinstimmung" in page.content()
    _axe(page)
    assert PASSWORD  # the helpers module is shared with the other platform tests
