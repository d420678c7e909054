"""The flow map on the real region: the municipal level (the modelled estimate, labelled)
loads and draws flows; the map opens on the core at district level with place names."""

from __future__ import annotations

import pytest
from test_profile_real import real_app, real_store  # noqa: F401  (module fixtures)

from regionatlas.web.serving import serving

pytestmark = [pytest.mark.realdata, pytest.mark.browser]


@pytest.fixture(scope="module")
def real_live(real_app):  # noqa: F811
    with serving(real_app) as url:
        yield url


def test_municipal_flows_load_labelled_as_modelled(page, real_live):
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(f"{real_live}/de/flows/#lvl=gemeinde&min=0")
    page.wait_for_function(
        "(document.body.dataset.mapReady || '').startsWith('gemeinde/')", timeout=60_000
    )
    n = int(page.evaluate("document.body.dataset.mapReady").split("/")[1])
    assert n > 100
    assert failed == []
    assert "Modellrechnung" in page.inner_text("#flow-basis")
    assert "Modellrechnung" in page.locator("#flow-level option[value=gemeinde]").inner_text()
    assert page.locator(".place-label").count() > 5


def test_opens_on_the_core_at_district_level(page, real_live):
    page.goto(f"{real_live}/en/flows/")
    page.wait_for_function("!!document.body.dataset.mapReady", timeout=60_000)
    assert page.evaluate("document.body.dataset.mapReady").startswith("kreis/")
    names = page.locator(".place-label").all_inner_texts()
    assert any(name.startswith("Kassel") for name in names)


def test_municipal_profile_shows_its_commuters(real_app):  # noqa: F811
    from fastapi.testclient import TestClient

    with TestClient(real_app, raise_server_exceptions=False) as c:
        html = c.get("/de/profile/06633002/").text
    own = html.split('id="profile-commuters-own"')[1].split("</dl>")[0]
    assert "Einpendelnde" in own and "Auspendelnde" in own
    assert 'data-basis="modelled estimate"' in html.split('id="commuters-title"')[1]
    assert 'id="profile-commuters-district"' in html  # the district's official figures
    # the locator shows the municipality within the region's districts
    locator = html.split('class="locator"')[1].split("</svg>")[0]
    assert locator.count('class="other"') > 10 and 'class="me"' in locator


def test_about_page_names_secondary_and_modelled_sources(real_app):  # noqa: F811
    from fastapi.testclient import TestClient

    with TestClient(real_app, raise_server_exceptions=False) as c:
        html = c.get("/de/about/").text
    kinds = html.split('class="source-kinds"')[1].split("</dl>")[0]
    for kind in ("amtlich", "Sekundärquelle", "Modellrechnung"):
        assert kind in kinds, kind
    assert "Alle Daten stammen aus amtlichen Dateien" not in html
