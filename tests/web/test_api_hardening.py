"""Hostile and unusual requests: out-of-range ids, non-finite numbers, huge inputs, path
traversal, invalid UTF-8, HEAD and unsupported methods — always a 2xx/3xx/4xx in the one
JSON error shape, never a 500, never a server path; plus security and cache headers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import regionatlas

API = "/api/v1"
MAP = f"{API}/maps/population/kreis/latest.geojson?method=manual&breaks="


def error_of(r, status: int) -> dict:
    assert r.status_code == status, (r.request.url, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"type", "message", "details"}
    return body["error"]


def test_batch_id_beyond_64_bits_is_422(client) -> None:
    err = error_of(client.get(f"{API}/batches/9223372036854775808.json"), 422)
    assert "batch_id" in err["message"]
    error_of(client.get(f"{API}/batches/2147483647.json"), 404)  # in range, unknown


@pytest.mark.parametrize("breaks", ["NaN", "nan", "inf", "-inf", "Infinity", "1e400", "1,NaN"])
def test_non_finite_breaks_are_422(client, breaks: str) -> None:
    err = error_of(client.get(MAP + breaks), 422)
    assert "breaks" in err["message"]


def test_finite_breaks_classify(client) -> None:
    r = client.get(MAP + "1000,5000")
    assert r.status_code == 200, r.text[:300]
    assert r.json()["classification"]["method"] == "manual"


def test_openapi_at_the_root_and_under_the_prefix(client) -> None:
    root = client.get("/openapi.json")
    assert root.status_code == 200 and root.json()["openapi"].startswith("3.")
    assert client.get(f"{API}/openapi.json").json() == root.json()
    spec = root.json()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for status in ("404", "422"):
                ref = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorResponse"), (method, path, status)
    batch = spec["paths"][f"{API}/batches/{{batch_id}}.json"]["get"]["parameters"][0]["schema"]
    assert batch["minimum"] == 1 and batch["maximum"] == 2**31 - 1
    assert "HTTPValidationError" not in json.dumps(spec)


@pytest.mark.parametrize("path", ["/de/", "/en/about/", "/de/profile/06611/", f"{API}/meta.json"])
def test_head_answers_like_get_without_body(client, path: str) -> None:
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]


def test_wrong_method_is_405_with_allow(client) -> None:
    for method, path in (("POST", f"{API}/meta.json"), ("DELETE", f"{API}/units.json")):
        r = client.request(method, path)
        err = error_of(r, 405)
        assert "GET" in r.headers["allow"] and "GET" in err["message"]
    r = client.get(f"{API}/scenarios/run.json")
    error_of(r, 405)
    assert r.headers["allow"] == "POST"


def test_huge_inputs_are_not_echoed(client) -> None:
    huge = "1" * 60_000  # the client refuses URLs above 64 KiB
    for url in (MAP + huge, f"{API}/search.json?q={huge}", f"{API}/units/{huge}.json"):
        r = client.get(url)
        assert 400 <= r.status_code < 500, (url[:80], r.status_code)
        assert len(r.content) < 2_000, (url[:80], len(r.content))
    r = client.get(f"{API}/units.json?" + "&".join(f"x{i}={i}" for i in range(5_000)))
    assert r.status_code == 200  # unknown parameters are ignored, not a crash


@pytest.mark.parametrize(
    "path",
    [
        f"{API}/units/..%2F..%2F..%2Fetc%2Fpasswd.json",
        f"{API}/indicators/..%2F..%2Fetc%2Fpasswd.json",
        f"{API}/values/..%2Fpopulation/kreis/latest.json",
        f"{API}/downloads/flows/kreis/..%2F..%2Fsecret.csv",
        f"{API}/flows/kreis/latest/units/..%2F06611.json",
        "/static/..%2F..%2F..%2Fetc%2Fpasswd",
        "/static/../../../../etc/passwd",
        f"{API}/scenarios/export.%2E%2E%2Fx",
    ],
)
def test_path_traversal_is_a_client_error(client, path: str) -> None:
    r = client.get(path, headers={"accept": "application/json"})
    assert r.status_code in (404, 405, 422), (path, r.status_code)
    assert "root:" not in r.text
    if r.headers["content-type"].startswith("application/json"):
        error_of(r, r.status_code)


@pytest.mark.parametrize(
    "path",
    [
        f"{API}/units/%FF%FE.json",
        f"{API}/search.json?q=%FF%FE%FD",
        f"{API}/units.json?level=%C3%28",
        f"{API}/maps/%80/kreis/latest.geojson",
        "/de/profile/%FF/",
    ],
)
def test_invalid_utf8_is_a_client_error(client, path: str) -> None:
    r = client.get(path, headers={"accept": "application/json"})
    assert 400 <= r.status_code < 500 or r.status_code == 200, (path, r.status_code)
    if r.status_code >= 400:
        error_of(r, r.status_code)


def test_invalid_json_bodies_are_4xx_in_the_error_shape(client) -> None:
    for body in (b"\xff\xfe", b"{", b"[]", json.dumps({"id": "x" * 70_000}).encode()):
        r = client.post(
            f"{API}/scenarios/run.json", content=body, headers={"content-type": "application/json"}
        )
        assert r.status_code in (400, 422), (body[:20], r.status_code)
        error_of(r, r.status_code)
        assert len(r.content) < 2_000


def test_no_answer_carries_a_server_path(client) -> None:
    r = client.post(f"{API}/scenarios/run.json", json={"id": "remote-work-rideshare"})
    assert r.status_code == 200, r.text[:300]
    assert r.json()["parameters"]["file"] == "scenario-parameters.toml"
    listing = client.get(f"{API}/scenarios.json")
    package = Path(regionatlas.__file__).resolve().parent
    for text in (r.text, listing.text, client.get(f"{API}/batches.json").text):
        assert str(package.parent) not in text and str(package.parents[1]) not in text


# -- security headers -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path", ["/de/", "/de/flows/", f"{API}/meta.json", "/static/css/atlas.css", "/nowhere"]
)
def test_security_headers_on_every_answer(client, path: str) -> None:
    r = client.get(path)
    csp = r.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    assert "blob:" in directives["worker-src"]  # MapLibre's workers
    assert directives["frame-ancestors"] == "'none'"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize(
    "path",
    ["/de/", "/en/flows/", "/de/regions/", "/de/scenarios/", "/de/profile/06611/", "/api/docs"],
)
def test_pages_have_no_inline_script(client, path: str) -> None:
    soup = BeautifulSoup(client.get(path).text, "html.parser")
    for script in soup.find_all("script"):
        assert script.get("src") or script.get("type") == "application/json", str(script)[:200]
    for tag in soup.find_all(True):
        assert not [a for a in tag.attrs if a.startswith("on")], str(tag)[:200]


# -- cache headers ----------------------------------------------------------------------------
def test_etag_and_304(client) -> None:
    url = f"{API}/values/population/gemeinde/latest.json"
    r = client.get(url)
    etag = r.headers["etag"]
    assert etag.startswith('W/"') and r.headers["cache-control"] == "no-cache"
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    other = client.get(f"{API}/values/population/kreis/latest.json")
    assert other.headers["etag"] != etag  # keyed by the request too
    assert client.get(url, headers={"if-none-match": 'W/"stale"'}).status_code == 200
    assert "etag" not in client.get(f"{API}/units/99999999.json").headers  # errors: none


def test_etag_changes_with_the_store_batches(web_store, region_file, tmp_path) -> None:
    from fastapi.testclient import TestClient

    from regionatlas.store import open_store
    from regionatlas.web.app import create_app

    db = tmp_path / "copy.gpkg"
    shutil.copy(web_store, db)
    app = create_app(str(db), region_file)
    with TestClient(app) as c:
        url = f"{API}/indicators.json"
        etag = c.get(url).headers["etag"]
        store = open_store(db)
        try:
            store.rollback(store.batches()[-1].id)
        finally:
            store.close()
        app.state.atlas.refresh(force=True)
        r = c.get(url, headers={"if-none-match": etag})
        assert r.status_code == 200 and r.headers["etag"] != etag


def _raw(url: str, request_line: bytes) -> tuple[int, bytes, bytes]:
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(request_line + b"\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    return int(head.split(b" ", 2)[1]), head.lower(), body


def test_raw_invalid_utf8_and_huge_requests_over_http(app) -> None:
    """What a real server (uvicorn) receives, bytes the HTTP client libraries would refuse.
    Raw non-ASCII bytes in the request line are refused by uvicorn's HTTP parser (400, plain
    text) before the app; whatever reaches the app gets the JSON error shape."""
    from regionatlas.web.serving import serving

    with serving(app) as url:
        for line in (
            b"GET /api/v1/units/\xff\xfe.json HTTP/1.1",
            b"GET /api/v1/search.json?q=\xff\xfe HTTP/1.1",
            b"GET /api/v1/units/%ff.json?level=\xc3\x28 HTTP/1.1",
            b"GET /de/profile/\xff/ HTTP/1.1",
            b"GET /api/v1/units/%FF%FE.json HTTP/1.1",
            b"GET /api/v1/search.json?q=" + b"a" * 200_000 + b" HTTP/1.1",
            b"GET /api/v1/maps/population/kreis/latest.geojson?method=manual&breaks="
            + b"1" * 100_000
            + b" HTTP/1.1",
        ):
            status, head, body = _raw(url, line)
            assert 200 <= status < 500, (line[:60], status)
            assert len(body) < 4_000, (line[:60], len(body))
            if status >= 400 and b"content-type: application/json" in head:
                assert set(json.loads(body)) == {"error"}
