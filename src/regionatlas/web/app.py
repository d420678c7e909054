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
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse

from regionatlas.settings import DEFAULT_REGION
from regionatlas.web import errors
from regionatlas.web.atlas import Atlas
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
AGS, indicator or period → 404, bad parameters → 422. Paths end in `.json`/`.geojson` so that
the static export can write the same URLs as files."""


def create_app(
    store_url: str,
    region_file: Path | None = DEFAULT_REGION,
    cache_dir: Path | None = None,
    warm: bool = True,
) -> FastAPI:
    """The atlas app for the store at ``store_url`` (GeoPackage path or PostgreSQL URL).

    ``region_file`` limits the atlas to the region's districts (core and ring); ``None`` shows
    every unit in the store (e.g. the synthetic Germany). ``cache_dir`` holds results that
    outlive a restart (default: ``cache/`` next to a GeoPackage, else ``var/cache``).
    ``warm``: fill the read model's cache (``web.warmup``) before the server reports ready,
    so that no first request computes for long; False serves at once and computes on request.
    """
    from regionatlas.web.api import router as api_router
    from regionatlas.web.pages import router as pages_router

    app = FastAPI(
        title="regionatlas API",
        version="1",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url=f"{API_PREFIX}/openapi.json",
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
            await anyio.to_thread.run_sync(compress.join)  # nothing left running when ready
        yield

    app.router.lifespan_context = lifespan
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=5)
    app.add_middleware(ResponseCache)  # outermost: a repeated GET skips routing and gzip
    errors.install(app)

    static = PrecompressedStatic(directory=STATIC_DIR)
    app.mount("/static", static, name="static")
    app.include_router(api_router, prefix=API_PREFIX)
    app.include_router(pages_router)

    @app.get("/api/docs", include_in_schema=False, response_class=HTMLResponse)
    def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=f"{API_PREFIX}/openapi.json",
            title="regionatlas API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/de/", status_code=307)

    return app
