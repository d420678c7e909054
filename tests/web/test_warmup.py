"""The start-up warm-up: before the app reports ready, the answers the first visitors ask
for are in the cache; a failing step is logged with its reason and the app still starts."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi.testclient import TestClient

from regionatlas.web import warmup
from regionatlas.web.app import create_app


def test_warm_up_fills_the_answers_before_ready(web_store: Path, region_file: Path, tmp_path):
    app = create_app(str(web_store), region_file, cache_dir=tmp_path)
    with TestClient(app):  # the lifespan ran: warm-up done
        cache = app.state.atlas.cache
        per = app.state.atlas.flow_periods()[-1]
        for key in (
            ("gzip", ("profile", "region")),
            ("gzip", ("lines", "kreis", per)),
            ("gzip", ("compact", "kreis", per)),
            ("gzip", ("leiden", "kreis", per)),
            ("html-gzip", "map", "de"),
            ("html-gzip", ("flows", "en")),
            ("html-gzip", ("regions", "de")),
            ("html-gzip", ("profile", "region", "en")),
            ("download-gzip", "download", "flows", "kreis", per, "gpkg"),
            "scenario_context",
        ):
            assert key in cache, key


def test_a_failing_step_is_logged_and_the_others_run(
    web_store: Path, region_file: Path, tmp_path, monkeypatch, caplog
):
    from regionatlas.web.atlas import Atlas

    def broken(atlas: Atlas) -> None:
        raise RuntimeError("no flows today")

    steps = [(n, broken if n == "flows" else s) for n, s in warmup.STEPS]
    monkeypatch.setattr(warmup, "STEPS", tuple(steps))
    atlas = Atlas(str(web_store), region_file, cache_dir=tmp_path)
    with caplog.at_level(logging.ERROR, logger="regionatlas.web.warmup"):
        done = warmup.warm(atlas)
    assert done["flows"] is False and done["maps"] is True and done["profiles"] is True
    assert done["briefs"] is True  # the brief context and one PDF, made at start-up
    assert "warm-up step 'flows' failed" in caplog.text and "no flows today" in caplog.text
    atlas.close()
