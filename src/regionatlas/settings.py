"""The one place that reads the environment.

``REGIONATLAS_DATABASE_URL`` decides the engine: ``postgresql://…`` selects PostGIS, a plain
path or ``gpkg:///path/file.gpkg`` the embedded GeoPackage. CLI options override it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_DB = PROJECT_ROOT / "var" / "regionatlas.gpkg"
DEFAULT_REGION = PROJECT_ROOT / "regions" / "region-der-mitte.toml"
BUNDLE_DIR = PROJECT_ROOT / "data" / "bundle"
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


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
