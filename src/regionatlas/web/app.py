"""The web atlas: ``create_app(store_url)`` builds the FastAPI app (pages + JSON API).

The app keeps no state beyond caches (``Atlas``); any number of workers can serve one store.
Everything the browser loads comes from the app itself: no CDN, no tile or font server.
"""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from regionatlas.settings import DEFAULT_REGION
from regionatlas.web import errors
from regionatlas.web.atlas import Atlas
from regionatlas.web.http_headers import ApiETag, HeadAsGet, SecurityHeaders, code_version
from regionatlas.web.platform.context import PlatformConfig
from regionatlas.web.response_cache import ResponseCache
from regionatlas.web.static_files import PrecompressedStatic

STATIC_DIR = Path(__file__).resolve().parent / "static"
API_PREFIX = "/api/v1"
THREADS = 4
PRECOMPRESS = (  # the big static files every map page loads, compressed at start-up
    "vendor/maplibre-gl/maplibre-gl.mjs",
    "vendor/maplibre-gl/maplibre-gl-worker.mjs",
    "vendor/maplibre-gl/maplibre-gl.css",
)

DESCRIPTION = """Open data of the atlas as JSON, GeoJSON and downloads (CSV, XLSX, GeoJSON,
GeoPackage). Every error is answered as `{"error": {"type", "message", "details"}}`: unknown
AGS, indicator, period or batch → 404; a parameter outside its documented pattern, range or
enumeration, a malformed body or values the analysis cannot use → 422 (the answer names the
parameter and never repeats more than 200 characters of the input); a method a path does not
take → 405 with `Allow`. GET answers carry an `ETag` that changes with the store's import
batches and the code version; send it back as `If-None-Match` to get 304. Paths end in
`.json`/`.geojson` so that the static export can write the same URLs as files. This
specification is served at `/openapi.json` (and `/api/v1/openapi.json`)."""
DOCS_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>regionatlas API</title><link rel="icon" href="{base}static/favicon.svg">
<link rel="stylesheet" href="{base}static/vendor/swagger-ui/swagger-ui.css"></head><body>
<main><div id="ui" data-spec="{spec}"></div></main>
<script src="{base}static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="{base}static/js/api-docs.js"></script></body></html>
"""


def create_app(
    store_url: str,
    region_file: Path | None = DEFAULT_REGION,
    cache_dir: Path | None = None,
    warm: bool = True,
    platform: PlatformConfig | None = None,
) -> FastAPI:
    """The atlas app for the store at ``store_url`` (GeoPackage path or PostgreSQL URL).

    ``region_file`` limits the atlas to the region's districts (core and ring); ``None`` shows
    every unit in the store (e.g. the synthetic Germany). ``cache_dir`` holds results that
    outlive a restart (default: ``cache/`` next to a GeoPackage, else ``var/cache``).
    ``warm``: fill the read model's cache (``web.warmup``) and the platform's public page
    cache (``web.platform.warmup``, unless ``platform.warm_pages`` is False) before the server
    reports ready, so that no first request computes for long; False serves at once and
    computes on request.
    """
    from regionatlas.web.api import router as api_router
    from regionatlas.web.pages import router as pages_router

    app = FastAPI(
        title="regionatlas API",
        version="1",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.atlas = Atlas(store_url, region_file, cache_dir)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        # Few threads: the handlers are short and hold the GIL; 40 threads only thrash it.
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        compress = threading.Thread(target=static.warm, args=PRECOMPRESS, daemon=True)
        compress.start()
        if warm:  # before "startup complete": every first request finds its answer cached
            from regionatlas.web import warmup

            await anyio.to_thread.run_sync(warmup.warm, app.state.atlas)
            await anyio.to_thread.run_sync(app.openapi)  # the schema is built once, now
            await anyio.to_thread.run_sync(code_version)  # the ETags' code digest
            await anyio.to_thread.run_sync(compress.join)  # nothing left running when ready
            if platform is not None and platform.warm_pages:
                from regionatlas.web.platform import warmup as platform_warmup

                await platform_warmup.warm(_app)  # the forum's public pages, cached
        yield

    app.router.lifespan_context = lifespan
    # outermost last: security headers on everything, HEAD as GET, gzip, ETags of the API
    app.add_middleware(ApiETag)
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=5)
    app.add_middleware(ResponseCache)  # a repeated GET skips routing, gzip and ETag work
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)
    errors.install(app)

    static = PrecompressedStatic(directory=STATIC_DIR)
    app.mount("/static", static, name="static")
    app.include_router(api_router, prefix=API_PREFIX)
    app.include_router(pages_router)
    if platform is not None:
        from regionatlas.web.platform import install

        install(app, platform)

    @app.get(f"{API_PREFIX}/openapi.json", include_in_schema=False)
    def openapi_v1() -> JSONResponse:
        """The specification also under the API's prefix (the static export's copy)."""
        return JSONResponse(app.openapi())

    @app.get("/api/docs", include_in_schema=False, response_class=HTMLResponse)
    def api_docs() -> HTMLResponse:
        # no inline script (CSP): static/js/api-docs.js starts Swagger UI
        return HTMLResponse(DOCS_PAGE.format(base="/", spec=f"{API_PREFIX}/openapi.json"))

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/de/", status_code=307)

    return app
