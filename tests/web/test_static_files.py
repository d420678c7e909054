"""Static files compressed once (web.static_files): the same bytes as the file, a distinct
entity tag for the gzip variant, conditional requests, and plain files for other clients."""

from __future__ import annotations

from regionatlas.web.app import STATIC_DIR

JS = "vendor/maplibre-gl/maplibre-gl-worker.mjs"


def test_gzip_body_is_the_file(client):
    r = client.get(f"/static/{JS}", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["vary"] == "Accept-Encoding"
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.content == (STATIC_DIR / JS).read_bytes()  # httpx decompressed it
    assert int(r.headers["content-length"]) < (STATIC_DIR / JS).stat().st_size / 2


def test_plain_without_gzip_and_distinct_etags(client):
    plain = client.get(f"/static/{JS}", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.content == (STATIC_DIR / JS).read_bytes()
    gz = client.get(f"/static/{JS}", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["etag"] != plain.headers["etag"]


def test_conditional_request_is_304(client):
    gz = client.get(f"/static/{JS}", headers={"Accept-Encoding": "gzip"})
    again = client.get(
        f"/static/{JS}", headers={"Accept-Encoding": "gzip", "If-None-Match": gz.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    other = client.get(
        f"/static/{JS}", headers={"Accept-Encoding": "gzip", "If-None-Match": '"stale"'}
    )
    assert other.status_code == 200


def test_images_and_small_files_are_sent_as_they_are(client):
    r = client.get("/static/favicon.svg", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.content == (STATIC_DIR / "favicon.svg").read_bytes()


def test_start_page_compressed_once_and_identical(client):
    a = client.get("/de/", headers={"Accept-Encoding": "gzip"})
    b = client.get("/de/", headers={"Accept-Encoding": "identity"})
    assert a.headers["content-encoding"] == "gzip" and "content-encoding" not in b.headers
    assert a.text == b.text and "<html" in a.text


def test_start_page_preloads_its_first_view(client):
    """Code and data of the first map load with the page, not after the script ran."""
    import re

    html = client.get("/de/").text
    hrefs = re.findall(r'<link rel="(?:module)?preload" href="([^"]+)"', html)
    for must in (
        "static/vendor/maplibre-gl/maplibre-gl.mjs",
        "static/js/thematic.js",
        "api/v1/geometry/gemeinde.geojson",
        "api/v1/geometry/kreis.geojson",
    ):
        assert any(must in h for h in hrefs), must
    values = [h for h in hrefs if "api/v1/values/population/gemeinde/" in h]
    assert len(values) == 1
    # the preloaded URLs exist (a wrong preload would be a wasted request)
    for h in hrefs:
        assert client.get("/" + h.lstrip("./")).status_code == 200, h
