"""Whole GET answers are kept per store version: a repeat gets the same bytes without the
app, an import or rollback is seen within the refresh interval, errors are never kept."""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from regionatlas.store import open_store
from regionatlas.web.app import create_app
from regionatlas.web.response_cache import ResponseCache


def _cache(app) -> ResponseCache:
    stack = app.middleware_stack
    while not isinstance(stack, ResponseCache):
        stack = stack.app
    return stack


def test_repeat_is_served_from_the_cache_until_the_store_changes(
    web_store: Path, region_file: Path, tmp_path: Path
):
    db = tmp_path / "copy.gpkg"
    shutil.copy(web_store, db)
    app = create_app(str(db), region_file, cache_dir=tmp_path / "cache", warm=False)
    with TestClient(app) as client:
        first = client.get("/api/v1/batches.json")
        cache = _cache(app)
        assert len(cache._entries) >= 1
        calls: list[str] = []
        inner = cache.app

        async def spy(scope, receive, send):
            calls.append(scope["path"])
            await inner(scope, receive, send)

        cache.app = spy
        again = client.get("/api/v1/batches.json")
        assert again.content == first.content and calls == []  # answered from the cache
        assert client.get("/api/v1/units/99999.json").status_code == 404
        assert client.get("/api/v1/units/99999.json").status_code == 404
        assert calls == ["/api/v1/units/99999.json"] * 2  # errors are not kept

        store = open_store(db)
        store.rollback(store.batches()[-1].id)
        store.close()
        app.state.atlas.refresh(force=True)  # as the 2-second check would
        after = client.get("/api/v1/batches.json")
        assert len(after.json()) == len(first.json()) - 1
        assert calls[-1] == "/api/v1/batches.json"


def test_gzip_and_plain_answers_are_kept_apart(client):
    packed = client.get("/api/v1/units.json", headers={"Accept-Encoding": "gzip"})
    plain = client.get("/api/v1/units.json", headers={"Accept-Encoding": "identity"})
    assert packed.headers.get("content-encoding") == "gzip"
    assert "content-encoding" not in plain.headers
    assert packed.json() == plain.json()


def test_requests_with_cookies_are_never_kept(app, client):
    cache = _cache(app)
    before = len(cache._entries)
    r = client.get("/api/v1/indicators.json?x=cookie", headers={"Cookie": "session=abc"})
    assert r.status_code == 200
    assert len(cache._entries) == before  # a signed-in user's answer is not shared
