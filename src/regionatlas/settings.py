"""The one place that reads the environment.

``REGIONATLAS_DATABASE_URL`` decides the engine: ``postgresql://…`` selects PostGIS, a plain
path or ``gpkg:///path/file.gpkg`` the embedded GeoPackage. CLI options override it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from regionatlas.data import shipped

PACKAGE_DIR = Path(__file__).resolve().parent
# working files (the default database, caches) live below the current directory, so the
# installed package works anywhere; a checkout runs its commands from its root
VAR_DIR = Path("var")
DEFAULT_DB = VAR_DIR / "regionatlas.gpkg"
# shipped data is package data (regionatlas.data), found wherever the package is installed
DEFAULT_REGION = shipped("regions", "region-der-mitte.toml")
BUNDLE_DIR = shipped("bundle")
# the official files the bundle is built from: ../shared/data beside a checkout (or beside
# the current directory when installed); REGIONATLAS_SHARED_DATA overrides
_CHECKOUT = PACKAGE_DIR.parents[1]
_BESIDE = _CHECKOUT if (_CHECKOUT / "pyproject.toml").is_file() else Path.cwd()
SHARED_DATA = _BESIDE.parent / "shared" / "data"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=lambda: str(DEFAULT_DB))
    region_file: Path = DEFAULT_REGION
    bundle_dir: Path = BUNDLE_DIR
    shared_data: Path = SHARED_DATA
    host: str = "127.0.0.1"
    port: int = 8000
    cache_dir: Path | None = None  # the web's saved results; None: next to the store

    @property
    def is_postgis(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://", "postgresql+"))


def load_settings(
    db: str | Path | None = None, database_url: str | None = None, **overrides: object
) -> Settings:
    """Settings from the environment, overridden by explicit (CLI) values."""
    env = os.environ
    url = database_url or (str(db) if db else None) or env.get("REGIONATLAS_DATABASE_URL")
    kwargs: dict[str, object] = {}
    if url:
        kwargs["database_url"] = url.removeprefix("gpkg://")
    if env.get("REGIONATLAS_REGION"):
        kwargs["region_file"] = Path(env["REGIONATLAS_REGION"])
    if env.get("REGIONATLAS_SHARED_DATA"):
        kwargs["shared_data"] = Path(env["REGIONATLAS_SHARED_DATA"])
    if env.get("REGIONATLAS_CACHE_DIR"):
        kwargs["cache_dir"] = Path(env["REGIONATLAS_CACHE_DIR"])
    kwargs.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**kwargs)  # type: ignore[arg-type]
