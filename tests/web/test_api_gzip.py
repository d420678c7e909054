"""Cached API answers are compressed once and served as is to clients that accept gzip."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/api/v1/units.json", "/api/v1/meta.json"])
def test_gzip_and_identity_give_the_same_json(client, path: str) -> None:
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200
    assert "content-encoding" not in plain.headers
    packed = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 200
    if len(plain.content) >= 1000:
        assert packed.headers["content-encoding"] == "gzip"
        assert "accept-encoding" in packed.headers["vary"].lower()
    assert packed.json() == plain.json()  # httpx decodes the gzip body


def test_answers_to_free_queries_are_cached_with_a_bound(app, client) -> None:
    cache = app.state.atlas.cache
    old = cache.query_max
    cache.query_max = 2
    try:
        answers = [client.get(f"/api/v1/flows/kreis/latest.json?min={m}").json() for m in range(6)]
        queries = [
            k for k in cache.cached_keys() if isinstance(k, tuple) and k[1][:1] == ("query",)
        ]
        assert len(queries) <= 2 * 2
        again = client.get("/api/v1/flows/kreis/latest.json?min=5").json()
        assert again == answers[5]
        # a higher minimum never returns more rows
        totals = [a["total_rows"] for a in answers]
        assert totals == sorted(totals, reverse=True)
    finally:
        cache.query_max = old
