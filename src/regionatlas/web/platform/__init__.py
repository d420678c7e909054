"""Web pages of the participation platform under ``/{lang}/platform/…``.

``install(app, config)`` mounts them; every route gets a ``Ctx`` (deps.py): one database
transaction, the visitor's account (or None), the CSRF check on state-changing requests and
``ctx.render`` for templates in ``templates/platform/``.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from regionatlas.web.platform.context import PlatformConfig

# one module per area; each defines ``router``
PAGE_MODULES = (
    "home_pages",
    "auth_pages",
    "admin_pages",
    "actors_pages",
    "group_pages",
    "forum_pages",
    "event_pages",
    "dkz_pages",
    "impact_pages",
    "survey_pages",
    "survey_admin_pages",
)


def router() -> APIRouter:
    import importlib

    r = APIRouter(include_in_schema=False)
    for name in PAGE_MODULES:
        module = importlib.import_module(f"regionatlas.web.platform.{name}")
        r.include_router(module.router)
    return r


def install(app: FastAPI, config: PlatformConfig) -> None:
    app.state.platform = config
    app.state.atlas.platform_enabled = True
    app.state.atlas.platform_db = config.db  # goals edited on the platform (web.impact)
    app.include_router(router())
    from regionatlas.web.platform.page_cache import PublicPageCache

    app.add_middleware(PublicPageCache, config=config)  # outermost: before routing and gzip


__all__ = ["PlatformConfig", "install"]
