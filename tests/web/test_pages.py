"""Server-rendered pages: both languages, relative links, accessible structure, errors."""

from __future__ import annotations

import re

import fixture_store as fs
import pytest

PAGES = [
    "",
    "flows/",
    "regions/",
    "search/",
    "about/",
    "profile/06611/",
    "profile/06633003/",
    "profile/06/",
]


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_pages_render(client, lang, page):
    r = client.get(f"/{lang}/{page}")
    assert r.status_code == 200
    html = r.text
    assert f'<html lang="{lang}">' in html
    assert 'class="skip-link" href="#content"' in html and 'id="content"' in html
    assert fs.ATTRIBUTION in html  # attribution on every page
    other = "en" if lang == "de" else "de"
    assert f'hreflang="{other}"' in html
    # only relative links (the static export writes the same pages as files)
    for href in re.findall(r'(?:href|src)="([^"]+)"', html):
        assert not href.startswith("/"), href


def test_root_redirects(client):
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/de/"


def test_map_page_table_and_languages(client):
    de = client.get("/de/").text
    en = client.get("/en/").text
    assert "Themenkarten" in de and "Thematic maps" in en
    assert de.count('<tr><th scope="row">') == len(fs.MUNICIPALITIES)
    assert "Calden" in de


def test_profile_page_content(client):
    html = client.get("/en/profile/06633002/").text
    assert "Baunatal" in html and "27,900" in html
    assert "<svg" in html  # locator map and time series
    de = client.get("/de/profile/06633002/").text
    assert "27\u202f900" in de


def test_search_page(client):
    html = client.get("/de/search/?q=kassel").text
    assert "Kassel, Stadt" in html and "Landkreis Kassel" in html


def test_about_page_lists_batches(client):
    html = client.get("/en/about/").text
    assert html.count("CC0-1.0") == 3 and "synthetic" in html


def test_html_errors(client):
    r = client.get("/de/profile/99999999/", headers={"accept": "text/html"})
    assert r.status_code == 404 and "<h1>" in r.text and "99999999" in r.text
    r = client.get("/fr/", headers={"accept": "text/html"})
    assert r.status_code == 404
    r = client.get("/de/profile/x/")
    assert r.status_code == 422 and r.json()["error"]["type"] == "ParameterError"


def test_asgi_entry_point_reads_settings(web_store, monkeypatch):
    """``regionatlas serve --workers N`` imports regionatlas.web.asgi in each worker."""
    import importlib
    import sys

    monkeypatch.setenv("REGIONATLAS_DATABASE_URL", str(web_store))
    monkeypatch.setenv("REGIONATLAS_REGION", "all")
    sys.modules.pop("regionatlas.web.asgi", None)
    asgi = importlib.import_module("regionatlas.web.asgi")
    try:
        assert asgi.app.state.atlas.store_url == str(web_store)
        assert asgi.app.state.atlas.scope.districts == frozenset()  # every unit
    finally:
        sys.modules.pop("regionatlas.web.asgi", None)
