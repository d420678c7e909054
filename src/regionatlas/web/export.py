"""Static export: the whole atlas as files any web server can host (no Python at runtime).

The app is asked for every page and every API response the pages use, through the ASGI
interface (no network), and each answer is written under the same path: ``de/index.html``,
``de/profile/06611/index.html``, ``api/v1/values/population/gemeinde/2023-11-30.json``, the
downloads in all four formats, and ``static/``. Pages link relatively, so the folder also
works below a sub-path. Query-string API features (filters, search) run in the browser.
The export is written to a temporary sibling folder and moved into place at the end, so an
error never leaves a half-written site. With a platform database, the platform's public pages
are in it too (``web.export_platform``: what a visitor without login sees, no forms).
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from regionatlas.errors import StoreError
from regionatlas.output import check_directory_target
from regionatlas.web import functional
from regionatlas.web.app import STATIC_DIR, create_app
from regionatlas.web.i18n import LANGUAGES

if TYPE_CHECKING:
    from regionatlas.platform.db import Database
    from regionatlas.web.atlas import Atlas

FORMATS = ("csv", "excel.csv", "xlsx", "geojson", "gpkg")
REDIRECT = """<!doctype html><html lang="de"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="0; url=de/"><title>Regionatlas</title></head>
<body><p><a href="de/">Regionatlas (Deutsch)</a> · <a href="en/">English</a></p></body></html>
"""


def urls(atlas: Atlas) -> Iterator[str]:
    """Every path the static site needs, pages first."""
    units = atlas.units()
    profile_keys = [a for a, lv in zip(units["ags"], units["level"], strict=True) if lv != "staat"]
    for lang in LANGUAGES:
        for page in ("", "flows/", "regions/", "scenarios/", "search/", "about/"):
            yield f"/{lang}/{page}"
        for ags in profile_keys:
            yield f"/{lang}/profile/{ags}/"
        if atlas.scope.region_id:  # the whole region's profile (web.profile_region)
            yield f"/{lang}/profile/region/"
        yield from impact_pages(atlas, lang)
    api = "/api/v1"
    yield from (
        f"{api}/{p}"
        for p in (
            "meta.json",
            "units.json",
            "indicators.json",
            "batches.json",
            "outline.geojson",
            "openapi.json",
        )
    )
    if atlas.scope.core:  # the scenario page: the example scenarios computed now
        yield f"{api}/scenarios.json"
        for scenario_id in _runnable_examples(atlas):
            yield f"{api}/scenarios/examples/{scenario_id}.json"
    for level in ("land", *atlas.levels()):
        yield f"{api}/geometry/{level}.geojson"
        yield f"{api}/labels/{level}.json"
    for ind in atlas.indicators():
        yield f"{api}/indicators/{ind['id']}.json"
        for level in ind["levels"]:
            for period in ind["periods"]:
                yield f"{api}/values/{ind['id']}/{level}/{period}.json"
                for fmt in FORMATS:
                    yield f"{api}/downloads/indicator/{ind['id']}/{level}/{period}.{fmt}"
    yield from impact_api(atlas)
    for ags in profile_keys:
        yield f"{api}/profiles/{ags}.json"
    if atlas.scope.region_id:
        yield f"{api}/profiles/region.json"
    if atlas.flow_periods():
        yield f"{api}/flows.json"
        for level in atlas.flow_levels():
            for period in atlas.flow_periods():
                yield f"{api}/flows/{level}/{period}.geojson"
                yield f"{api}/flows/{level}/{period}/compact.json"
        if "gemeinde" not in atlas.flow_levels() and functional.available(atlas):
            for period in atlas.flow_periods():  # the flow map's modelled municipal level
                yield f"{api}/flows/gemeinde/{period}/compact.json"
        if functional.available(atlas):  # municipal layers
            for name in ("lma", "leiden", "catchments", "central-places"):
                yield f"{api}/regions/functional/{name}.json"
        if "kreis" in atlas.flow_levels():
            for period in atlas.flow_periods():
                yield f"{api}/regions/leiden/kreis/{period}.json"
        for level in atlas.flow_levels():
            for period in atlas.flow_periods():
                for fmt in FORMATS:
                    yield f"{api}/downloads/flows/{level}/{period}.{fmt}"


def impact_pages(atlas: Atlas, lang: str) -> Iterator[str]:
    """Goals, interventions, the toolbox and the core districts' briefs (issue #14)."""
    from regionatlas.workflows.toolkit import load_toolkit

    yield f"/{lang}/toolkit/"
    for tid in sorted(load_toolkit()):
        yield f"/{lang}/toolkit/{tid}/"
    if atlas.scope.region_id:
        yield f"/{lang}/goals/"
        yield f"/{lang}/interventions/"
        yield f"/{lang}/brief/"
        for ags in sorted(atlas.scope.core):
            yield f"/{lang}/brief/{ags}/"


def impact_api(atlas: Atlas) -> Iterator[str]:
    from regionatlas.workflows.toolkit import load_toolkit

    api = "/api/v1"
    yield f"{api}/toolkit.json"
    for tid in sorted(load_toolkit()):
        yield f"{api}/toolkit/{tid}.json"
    if atlas.scope.region_id:
        yield f"{api}/goals.json"
        yield f"{api}/interventions.json"
        for ags in sorted(atlas.scope.core):
            yield f"{api}/briefs/{ags}.json"
            for lang in LANGUAGES:
                yield f"{api}/briefs/{ags}.{lang}.pdf"


def _runnable_examples(atlas: Atlas) -> list[str]:
    """The example scenarios this atlas's data can compute (a small or synthetic store may
    not carry every lever's inputs); the static scenario page says when one is missing."""
    from regionatlas.errors import RegionAtlasError
    from regionatlas.web.api.scenarios import ScenarioRequest, examples, run

    out = []
    for scenario_id in examples():
        try:
            run(atlas, ScenarioRequest(id=scenario_id))
        except RegionAtlasError:
            continue
        out.append(scenario_id)
    return out


def file_for(out: Path, url: str) -> Path:
    rel = url.lstrip("/")
    if not rel or rel.endswith("/"):
        rel += "index.html"
    return out / rel


def _docs_page() -> str:
    return """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>regionatlas API</title>
<link rel="stylesheet" href="../../static/vendor/swagger-ui/swagger-ui.css"></head><body>
<main><h1 style="font:600 1.2em sans-serif;margin:1em">regionatlas API (static export)</h1>
<p style="font:1em sans-serif;margin:1em">This copy serves the API's files without query
parameters; filters and search run in the browser.</p>
<div id="ui" data-spec="../v1/openapi.json"></div></main>
<script src="../../static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="../../static/js/api-docs.js"></script></body></html>
"""


async def _fetch_all(
    app,
    out: Path,
    todo: list[str],
    progress: Callable[[str], None] | None,
    rename: dict[str, str] | None = None,
):
    """GET every URL and write its answer under the same path (``rename``: another path for
    some URLs, e.g. a document under its file name)."""
    transport = httpx.ASGITransport(app=app)
    total = 0
    async with httpx.AsyncClient(transport=transport, base_url="http://atlas.local") as client:
        for i, url in enumerate(todo, 1):
            r = await client.get(url, headers={"accept": "application/json, text/html"})
            if r.status_code != 200:
                raise StoreError(
                    f"static export: {url} answered {r.status_code}: {r.text[:300]}", url=url
                )
            path = out / rename[url] if rename and url in rename else file_for(out, url)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(r.content)
            total += len(r.content)
            if progress and (i % 500 == 0 or i == len(todo)):
                progress(f"{i}/{len(todo)} {url}")
    return total


def _run_in_thread(coro):
    """asyncio.run in its own thread: callers may already run an event loop."""
    import threading

    result: dict[str, object] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["value"]


def export_static(
    store_url: str,
    out: Path,
    region_file: Path | None = None,
    progress: Callable[[str], None] | None = None,
    platform_db: Database | None = None,
    live_url: str | None = None,
    uploads_dir: Path | None = None,
    base_url: str | None = None,
) -> dict[str, int]:
    """Write the atlas to ``out``; returns {"files": n, "bytes": size}.

    ``platform_db``: include the platform's public pages (read only, never migrated);
    ``live_url``: the live site's address, linked from the static copy's platform pages;
    ``uploads_dir``: where the platform's documents are (public ones are copied);
    ``base_url``: the address the feeds' links start with (default: ``live_url``).
    """
    out = check_directory_target(out)
    platform = _platform_config(platform_db, base_url or live_url, uploads_dir)
    app = create_app(store_url, region_file, platform=platform)
    atlas = app.state.atlas
    atlas.refresh()
    todo = list(dict.fromkeys(urls(atlas)))
    rename: dict[str, str] = {}
    if platform_db is not None:
        from regionatlas.web import export_platform

        atlas.static_copy = {"live_url": (live_url or "").rstrip("/")}
        content = export_platform.public_content(platform_db)
        todo += export_platform.urls(content)
        rename = export_platform.document_files(content)
    tmp = out.with_name(out.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    try:
        size = _run_in_thread(_fetch_all(app, tmp, todo, progress, rename))
        shutil.copytree(STATIC_DIR, tmp / "static")
        (tmp / "index.html").write_text(REDIRECT, encoding="utf-8")
        docs = tmp / "api" / "docs" / "index.html"
        docs.parent.mkdir(parents=True, exist_ok=True)
        docs.write_text(_docs_page(), encoding="utf-8")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        atlas.close()
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    files = sum(1 for p in out.rglob("*") if p.is_file())
    return {"files": files, "bytes": size}


def _platform_config(db: Database | None, base_url: str | None, uploads_dir: Path | None):
    """The platform as the export's app serves it: no mail goes out (only GETs are made)."""
    if db is None:
        return None
    from regionatlas.platform.mail import Mailer
    from regionatlas.web.platform.context import PlatformConfig

    revision, head = db.current_revision(), db.head_revision()
    if revision != head:
        raise StoreError(
            f"static export: the platform database {db.safe_url} is at revision {revision}, "
            f"not {head}; run `regionatlas db upgrade` first",
            expected=head,
            value=revision,
        )
    return PlatformConfig(
        db=db,
        mailer=Mailer(port=1),
        uploads_dir=uploads_dir or Path("var/uploads"),
        base_url=base_url or "http://127.0.0.1:8000",
    )
