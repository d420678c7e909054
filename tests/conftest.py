"""Shared fixtures. Store engines (GeoPackage, PostGIS) come from tests/store_fixtures.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from regionatlas.settings import SHARED_DATA

pytest_plugins = ["store_fixtures"]

TESTS_DIR = Path(__file__).resolve().parent
TEST_DATA = TESTS_DIR / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The official files in ../shared/data; tests using it skip cleanly when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"official data not present at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def test_data() -> Path:
    return TEST_DATA
