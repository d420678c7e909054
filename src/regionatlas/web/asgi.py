"""ASGI entry point for multi-process serving (``uvicorn regionatlas.web.asgi:app``):
the store and region come from the settings (``REGIONATLAS_DATABASE_URL``,
``REGIONATLAS_REGION``, ``REGIONATLAS_CACHE_DIR``); ``REGIONATLAS_REGION=all`` shows every
unit in the store."""

from __future__ import annotations

from regionatlas.settings import load_settings
from regionatlas.web.app import create_app
from regionatlas.web.platform.context import PlatformConfig

_settings = load_settings()
app = create_app(
    _settings.database_url,
    None if str(_settings.region_file) == "all" else _settings.region_file,
    _settings.cache_dir,
    platform=PlatformConfig.from_settings(_settings),
)
