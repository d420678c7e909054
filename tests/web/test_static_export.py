"""``export-static`` writes the atlas as files: the same pages and data, relative links only."""

from __future__ import annotations

import csv
import json

import fixture_store as fs
import pytest


@pytest.fixture(scope="module")
def site(web_store, region_file, tmp_path_factory):
    from regionatlas.web.export import export_static

    out = tmp_path_factory.mktemp("static") / "site"
    report = export_static(str(web_store), out, region_file)
    assert report["files"] > 50
    return out


def test_pages_and_profiles_written(site):
    for lang in ("de", "en"):
        for page in ("", "flows/", "regions/", "search/", "about/"):
            assert (site / lang / page / "index.html").is_file()
        for ags in [*fs.MUNICIPALITIES, *fs.DISTRICTS, *fs.STATES]:
            assert (site / lang / "profile" / ags / "index.html").is_file(), ags
    assert "url=de/" in (site / "index.html").read_text()
    assert (site / "static" / "vendor" / "maplibre-gl" / "maplibre-gl.mjs").is_file()


def test_data_files_match_the_api(site, client):
    for rel in (
        "api/v1/values/population/gemeinde/2023-12-31.json",
        "api/v1/geometry/kreis.geojson",
        "api/v1/flows/kreis/2023-06-30/compact.json",
        "api/v1/units.json",
    ):
        assert json.loads((site / rel).read_text()) == client.get("/" + rel).json(), rel


def test_downloads_written_with_rows(site):
    path = site / "api/v1/downloads/indicator/population/kreis/2023-12-31.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["ags"] for r in rows} == set(fs.DISTRICTS)
    for fmt in ("xlsx", "geojson", "gpkg"):
        assert (site / f"api/v1/downloads/flows/kreis/2023-06-30.{fmt}").stat().st_size > 0


def test_no_absolute_links(site):
    import re

    for page in site.rglob("index.html"):
        if "api" in page.parts:
            continue
        for href in re.findall(r'(?:href|src)="([^"]+)"', page.read_text()):
            assert not href.startswith("/"), (page, href)


def test_failed_export_leaves_nothing(tmp_path):
    from regionatlas.errors import RegionAtlasError
    from regionatlas.web.export import export_static

    out = tmp_path / "site"
    with pytest.raises(RegionAtlasError):
        export_static(str(tmp_path / "missing.gpkg"), out, None)
    assert not out.exists() and not (tmp_path / "site.partial").exists()


@pytest.mark.browser
def test_static_site_renders_the_map(site, page):
    """The exported folder behind a plain file server (no Python app): map and flows work."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=site))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        page.goto(f"{base}/")
        page.wait_for_url("**/de/")
        page.wait_for_function("!!document.body.dataset.mapReady", timeout=20_000)
        assert page.locator("#legend .legend-row").count() >= 2
        page.goto(f"{base}/en/flows/#lvl=kreis&min=100")
        page.wait_for_function("document.body.dataset.mapReady === 'kreis/6'", timeout=20_000)
        page.goto(f"{base}/de/search/?q=kassel")
        assert page.locator("#search-results li").count() == 3  # Kassel x2 + Landkreis Kassel
        # the scenario lab shows the example computed at export time, not an error box
        page.goto(f"{base}/de/scenarios/")
        page.wait_for_function("document.body.dataset.scenarioStatic === '1'", timeout=20_000)
        assert page.locator("#totals-table tbody tr").count() == 6
        assert "error" not in (page.get_attribute("#scenario-status", "class") or "")
        assert page.is_visible("#static-note")
    finally:
        httpd.shutdown()
        httpd.server_close()
