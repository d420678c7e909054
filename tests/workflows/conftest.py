"""One store built from the shipped bundle for the whole workflows test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from regionatlas.region import Region, load_region
from regionatlas.settings import DEFAULT_REGION
from regionatlas.store import open_store
from regionatlas.workflows.ingest.build import build_region


@pytest.fixture(scope="session")
def region() -> Region:
    return load_region(DEFAULT_REGION)


@pytest.fixture(scope="session")
def region_db(tmp_path_factory: pytest.TempPathFactory, region: Region) -> Path:
    db = tmp_path_factory.mktemp("workflows") / "region.gpkg"
    store = open_store(db)
    try:
        build_region(store, region)
    finally:
        store.close()
    return db


@pytest.fixture(scope="module")
def bundle_store(region_db: Path):
    s = open_store(region_db)
    yield s
    s.close()
