"""Goals dashboard, interventions, Werkzeugkasten and Argumentationshilfen in the web atlas:
pages in both languages, JSON API, PDF download; on the store built from the bundle."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape


def html_escape(s: str) -> str:
    return str(escape(s))


API = "/api/v1"


@pytest.fixture(scope="module")
def bc(bundle_app):
    from fastapi.testclient import TestClient

    with TestClient(bundle_app) as c:
        yield c


def ok(client, url):
    r = client.get(url)
    assert r.status_code == 200, (url, r.text[:500])
    return r


@pytest.mark.parametrize("lang", ["de", "en"])
def test_goals_dashboard(bc, lang):
    html = ok(bc, f"/{lang}/goals/").text
    goals = ok(bc, f"{API}/goals.json").json()["goals"]
    for g in goals:
        assert g[f"title_{lang}"] in html
    # the rule is stated on the page, each indicator has its chart and data table
    rule = {"de": "Regel der Ampel", "en": "Traffic-light rule"}[lang]
    assert rule in html
    n = sum(len(g["indicators"]) for g in goals)
    assert html.count('class="chart progress"') == n - 1  # the survey has no values yet
    assert html.count('<table class="chart-data">') == n
    assert html.count({"de": "Beispiel", "en": "example"}[lang]) >= len(goals)
    assert "status-grey" in html


def test_goals_api_is_the_computed_payload(bc):
    data = ok(bc, f"{API}/goals.json").json()
    assert set(data["rule"]) == {"green", "amber", "red", "grey"}
    one = ok(bc, f"{API}/goals/shorter-commutes.json").json()
    assert one["indicators"][0]["baseline"]["value"] > 0


@pytest.mark.parametrize("lang", ["de", "en"])
def test_interventions_page(bc, lang):
    html = ok(bc, f"/{lang}/interventions/").text
    assert {"de": "DiD nicht möglich", "en": "DiD not possible"}[lang] in html
    assert {"de": "anpassen", "en": "adapt"}[lang] in html  # the recorded evaluation
    assert "Wolfhagen" in html
    items = ok(bc, f"{API}/interventions.json").json()
    assert items[0]["evaluations"][0]["decision"] == "adapt"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_toolkit_pages(bc, lang):
    html = ok(bc, f"/{lang}/toolkit/").text
    tk = ok(bc, f"{API}/toolkit.json").json()
    for tid, langs in tk.items():
        assert f'href="../../{lang}/toolkit/{tid}/"' in html
        entry = ok(bc, f"/{lang}/toolkit/{tid}/").text
        assert html_escape(langs[lang]["title"]) in entry
        for s in langs[lang]["sources"]:
            assert s["url"].replace("&", "&amp;") in entry
    guide = ok(bc, f"/{lang}/toolkit/leitfaden-bauleitplanung/").text
    assert guide.count('<li id="step-') == 7


def test_toolkit_filter_on_the_server(bc):
    html = ok(bc, "/de/toolkit/?stage=early").text
    assert "buergerdialog-fnp/" in html and "stadtwerke-kooperation/" not in html
    html = ok(bc, "/de/toolkit/?legal=PBefG").text
    assert "mitfahren-laendergrenze/" in html and "zukunftswerkstatt/" not in html


@pytest.mark.parametrize("lang", ["de", "en"])
def test_brief_page_and_pdf(bc, lang):
    html = ok(bc, f"/{lang}/brief/06633028/").text
    assert "Wolfhagen" in html
    assert html.count('id="src-') >= 3  # numbered sources of the figures
    assert {"de": "Gebietsstand", "en": "territorial status"}[lang] in html
    r = ok(bc, f"{API}/briefs/06633028.{lang}.pdf")
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    corridor = ok(bc, f"/{lang}/brief/corridor/06633028/05762036/").text
    assert "Warburg" in corridor
    lma = ok(bc, f"{API}/briefs/06633028.json").json()["functional"]["areas"][0]["id"]
    assert "Wolfhagen" in ok(bc, f"/{lang}/brief/lma/{lma}/").text


def test_unknown_brief_is_404(bc):
    assert bc.get("/de/brief/09162000/").status_code == 404
    assert bc.get(f"{API}/briefs/lma/99999.json").status_code == 404


def test_navigation_links(bc):
    html = ok(bc, "/de/").text
    assert re.search(r'href="[./]*de/goals/"', html) and re.search(r'href="[./]*de/toolkit/"', html)


def test_other_region_shows_no_goals_but_synthetic_brief(client):
    """The synthetic fixture region: the example goals belong to another region; a brief of
    its district says the data are synthetic."""
    assert ok(client, f"{API}/goals.json").json()["goals"] == []
    html = ok(client, "/de/brief/06611/").text
    assert "synthetisch" in html


def test_brief_index_and_profile_link(bc):
    html = ok(bc, "/de/brief/").text
    for d in ("06611", "05774", "03159"):
        assert f'brief/{d}/"' in html
    assert 'brief/06633/"' in ok(bc, "/de/profile/06633/").text  # core district
    assert (
        "/brief/"
        not in ok(bc, "/de/profile/06633028/")
        .text.split("<main")[1]
        .split('class="site-footer"')[0]
    )  # municipalities: not in the static export, no link
