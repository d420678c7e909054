"""Profiles on the real region (official files in ../shared/data): the functional region and
central-place role agree with the regions page's layers (same computations), carry the
"modelled estimate" basis and the named assumption, cite the curated central-place file, and
the region profile adds up its core districts. Chromium: axe-core finds no WCAG violations
and the print view hides the controls but keeps the charts."""

from __future__ import annotations

import csv
import re

import pytest

from regionatlas.web.serving import serving
from regionatlas.workflows.functional import CURATED_CENTRAL_PLACES

pytestmark = pytest.mark.realdata
API = "/api/v1"


BUILD = """
import sys
from regionatlas.workflows.ingest.build import build_region
from regionatlas.region import load_region
from regionatlas.settings import DEFAULT_REGION
from regionatlas.store import open_store

store = open_store(sys.argv[1])
try:
    build_region(store, load_region(DEFAULT_REGION))
finally:
    store.close()
"""


@pytest.fixture(scope="module")
def real_store(tmp_path_factory, shared_data):
    """The real region built in a fresh interpreter: the build forks worker processes, which
    must not inherit the live servers' and warm-up threads of this test session."""
    import subprocess
    import sys

    path = tmp_path_factory.mktemp("profiles") / "atlas.gpkg"
    done = subprocess.run(
        [sys.executable, "-c", BUILD, str(path)], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return path


@pytest.fixture(scope="module")
def real_app(real_store):
    from regionatlas.settings import DEFAULT_REGION
    from regionatlas.web.app import create_app

    return create_app(str(real_store), DEFAULT_REGION)


@pytest.fixture(scope="module")
def rc(real_app):
    from fastapi.testclient import TestClient

    with TestClient(real_app, raise_server_exceptions=False) as c:
        yield c


def get(client, url: str) -> dict:
    r = client.get(url)
    assert r.status_code == 200, r.text[:500]
    return r.json()


def section(html: str, cls: str) -> str:
    m = re.search(rf'<section [^>]*class="{cls}">(.*?)</section>', html, re.S)
    assert m is not None, cls
    return m.group(1)


@pytest.fixture(scope="module")
def curated() -> dict[str, dict[str, str]]:
    """Every row of the cited file (one per municipality of the core), by AGS."""
    with open(CURATED_CENTRAL_PLACES, encoding="utf-8", newline="") as fh:
        return {r["ags"]: r for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def cited(curated) -> dict[str, dict[str, str]]:
    """The rows that carry a designation (a cited source or a cited rule)."""
    return {a: r for a, r in curated.items() if r["basis"] != "not_found"}


@pytest.fixture(scope="module")
def layers(rc) -> dict[str, dict]:
    return {
        name: get(rc, f"{API}/regions/functional/{name}.json")
        for name in ("lma", "leiden", "central-places")
    }


KASSEL, KASSEL_DISTRICT = "06611000", "06633"


def test_municipality_functional_region_is_the_regions_page_layer(rc, layers):
    p = get(rc, f"{API}/profiles/{KASSEL}.json")["functional"]
    lma = layers["lma"]
    row = next(m for m in lma["municipalities"] if m["ags"] == KASSEL)
    assert p["lma"]["lma"] == row["lma"] and p["lma"]["main_centre"] == row["main_centre"]
    assert p["lma"]["sc_supply_side"] == row["sc_supply_side"]
    members = [m for m in lma["municipalities"] if m["lma"] == row["lma"]]
    assert p["lma"]["municipalities"] == len(members)
    assert p["basis"] == lma["basis"] == "modelled estimate"
    assert p["assumption"] == lma["assumption"] and p["assumption"]["name"]
    leiden = layers["leiden"]
    lrow = next(m for m in leiden["municipalities"] if m["ags"] == KASSEL)
    same = [m for m in leiden["municipalities"] if m["leiden"] == lrow["leiden"]]
    assert p["leiden"]["leiden"] == lrow["leiden"]
    assert p["leiden"]["municipalities"] == len(same)
    assert p["leiden"]["districts"] == sorted({m["district"] for m in same})


@pytest.mark.parametrize("lang", ["de", "en"])
def test_municipality_page_labels_the_estimate(rc, layers, lang):
    html = rc.get(f"/{lang}/profile/{KASSEL}/").text
    fr = section(html, "profile-functional")
    label = {"de": "Modellrechnung (Schätzung, nicht amtlich)", "en": "modelled estimate"}[lang]
    assert label.lower() in fr.lower()
    assert layers["lma"]["assumption"][f"note_{lang}"] in fr
    assert "regions/#layer=lma" in fr and "regions/#layer=leiden" in fr


def test_designation_is_cited_from_the_curated_file(rc, cited, layers):
    ags = "03159016"  # Göttingen
    row = cited[ags]
    place = get(rc, f"{API}/profiles/{ags}.json")["central_place"]["place"]
    assert place["designated_level"] == int(row["level"])
    c = place["citation"]
    assert c["plan"] == row["plan"] and c["source_kind"] == row["source_kind"]
    assert c["source_url"] == row["source_url"] and c["date_read"] == row["date_read"]
    cp_row = next(m for m in layers["central-places"]["municipalities"] if m["ags"] == ags)
    assert place["functional_level"] == cp_row["functional_level"]
    assert place["category"] == cp_row["category"]
    html = section(rc.get(f"/de/profile/{ags}/").text, "profile-central")
    assert row["plan"] in html and row["source_url"] in html


def test_designation_by_rule_names_the_rule(rc, cited, layers):
    ags = "06634019"  # Oberaula: a Grundzentrum by the Hessian rule, not named by any source
    row = cited[ags]
    assert row["basis"] == "rule"
    place = get(rc, f"{API}/profiles/{ags}.json")["central_place"]["place"]
    assert place["designated_level"] == 1 and place["citation"]["rule"] == row["rule"]
    cp_row = next(m for m in layers["central-places"]["municipalities"] if m["ags"] == ags)
    assert "by rule" in cp_row["designation_source"]
    de = section(rc.get(f"/de/profile/{ags}/").text, "profile-central")
    assert "Zuordnung nach einer Regel des Plans" in de and "amtliche Veröffentlichung" in de
    en = section(rc.get(f"/en/profile/{ags}/").text, "profile-central")
    assert "Assigned by a rule of the plan" in en and row["rule"][:40] in en


def test_without_cited_designation_says_so(rc, curated, layers):
    # a municipality whose designation was searched for but not found
    ags = next(
        m["ags"]
        for m in layers["central-places"]["municipalities"]
        if m["ags"] in curated and curated[m["ags"]]["basis"] == "not_found"
    )
    place = get(rc, f"{API}/profiles/{ags}.json")["central_place"]["place"]
    assert place["designated_level"] is None and place["citation"] is None
    assert place["category"] == "no_designation"
    de = section(rc.get(f"/de/profile/{ags}/").text, "profile-central")
    assert "keine zitierte Festlegung" in de and "kein zentraler Ort" not in de
    en = section(rc.get(f"/en/profile/{ags}/").text, "profile-central")
    assert "no cited designation" in en


def test_district_community_and_its_labour_market_areas(rc, layers):
    p = get(rc, f"{API}/profiles/{KASSEL_DISTRICT}.json")["functional"]
    dc = p["district_community"]
    leiden = get(rc, f"{API}/regions/leiden/kreis/{dc['period']}.json")
    clusters = leiden["clusters"]
    expected = sorted(
        a for a, c in clusters.items() if c == clusters[KASSEL_DISTRICT] and a != KASSEL_DISTRICT
    )
    assert [m["ags"] for m in dc["members"]] == expected
    mine = [m for m in layers["lma"]["municipalities"] if m["district"] == KASSEL_DISTRICT]
    assert sum(a["municipalities_in_district"] for a in p["lma_areas"]) == len(
        [m for m in mine if m["lma"] is not None]
    )
    cp = get(rc, f"{API}/profiles/{KASSEL_DISTRICT}.json")["central_place"]
    assert cp["municipalities"] == len(mine)
    assert all(pl["ags"].startswith(KASSEL_DISTRICT) for pl in cp["places"])


def test_region_profile_adds_up_the_core(rc, real_store):
    from regionatlas.region import load_region
    from regionatlas.settings import DEFAULT_REGION
    from regionatlas.store import open_store

    core = sorted(load_region(DEFAULT_REGION).core_codes)
    p = get(rc, f"{API}/profiles/region.json")
    pop = next(f for f in p["figures"] if f["indicator"] == "population")
    store = open_store(str(real_store), create=False)
    try:
        obs = store.observations(indicators=["population"], ags=core)
    finally:
        store.close()
    at = obs[obs["period"] == pop["period"]]
    assert sorted(at["ags"].astype(str)) == core
    assert pop["value"] == pytest.approx(float(at["value"].sum()))
    # flows between core districts are internal: no core district is a partner
    partners = {r["partner"] for side in ("in", "out") for r in p["flows"][side]}
    assert partners and not partners & set(core)
    assert (
        p["functional"]["lma_summary"]["n_areas"]
        == get(rc, f"{API}/regions/functional/lma.json")["n_areas"]
    )


# ------------------------------------------------------------------------ chromium
@pytest.fixture(scope="module")
def real_server(real_app):
    with serving(real_app) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize(
    "path",
    [
        "/de/profile/06611000/",
        "/de/profile/06634019/",  # a designation by rule: rule text, source link
        "/en/profile/06633/",
        "/de/profile/region/",
    ],
)
def test_axe_and_print_view(page, real_server, path):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(real_server + path)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.emulate_media(media="print")
    assert not page.locator(".no-print").first.is_visible()
    assert not page.locator(".site-header nav").is_visible()
    charts = page.locator("svg.chart.structure")
    assert charts.count() >= 1 and charts.first.is_visible()
    assert page.locator("section.profile-functional").is_visible()
    assert page.locator("section.profile-central").is_visible()
