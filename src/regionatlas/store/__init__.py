"""The canonical store: one schema (``model/schema.py``), two engines behind one interface.

``open_store(url)``: a path or ``gpkg:///path/file.gpkg`` opens the embedded GeoPackage,
``postgresql://…`` the PostGIS engine. Both implement ``store.base.Store``.

Modules:
    base.py          the Store protocol
    engine.py        semantics both engines share: batches, de-duplication, rollback, reads
    validate.py      checks a SourceData before anything is written
    resolve.py       history resolution (latest unit version, latest batch, residence side)
    sql.py           DDL for both dialects from schema.TABLES
    gpkg.py          GeoPackage engine (stdlib sqlite3); gpkg_meta.py, gpkg_geometry.py
    postgis.py       PostgreSQL/PostGIS engine (psycopg 3, COPY)
    export.py        downloads (GeoPackage, CSV, XLSX, GeoJSON) with their sources

The store imports ``model/`` (schema, SourceData) and never ``sources/``; this module imports
nothing heavy at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from regionatlas.store.base import Store

POSTGRES_PREFIXES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_postgres_url(url: str | Path) -> bool:
    return str(url).startswith(POSTGRES_PREFIXES)


def open_store(url: str | Path, create: bool = True) -> Store:
    """Open (and by default create) the store at ``url``."""
    text = str(url)
    if is_postgres_url(text):
        from regionatlas.store.postgis import PostgisStore

        return PostgisStore(text.replace("postgresql+psycopg://", "postgresql://"), create=create)
    from regionatlas.store.gpkg import GeoPackageStore

    return GeoPackageStore(Path(text.removeprefix("gpkg://")), create=create)


__all__ = ["is_postgres_url", "open_store"]
