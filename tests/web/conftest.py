"""Fixtures for the web tests: a small synthetic GeoPackage store and the app over it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixture_store


@pytest.fixture(scope="session")
def web_store(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("webstore")
    return fixture_store.build(d / "atlas.gpkg")


@pytest.fixture(scope="session")
def region_file(tmp_path_factory) -> Path:
    return fixture_store.region_toml(tmp_path_factory.mktemp("region") / "test.toml")


@pytest.fixture(scope="session")
def app(web_store, region_file):
    from regionatlas.web.app import create_app

    return create_app(str(web_store), region_file)


@pytest.fixture(scope="session")
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed (apt-get install chromium)")
    return {"executable_path": str(CHROMIUM), "args": ARGS}


@pytest.fixture(scope="session")
def browser_context_args():
    # bypass_csp: Playwright's wait_for_function evaluates strings, which the app's CSP
    # (script-src 'self', no eval) forbids; test_browser_csp.py runs with the CSP enforced
    return {"viewport": {"width": 1280, "height": 900}, "locale": "de-DE", "bypass_csp": True}


BUNDLE_BUILD = """
import sys
from regionatlas.workflows.ingest.build import build_region
from regionatlas.region import load_region
from regionatlas.settings import DEFAULT_REGION
from regionatlas.store import open_store

store = open_store(sys.argv[1])
try:
    build_region(store, load_region(DEFAULT_REGION))
finally:
    store.close()
"""


@pytest.fixture(scope="session")
def bundle_db(tmp_path_factory) -> Path:
    """The Region der Mitte built from the shipped bundle, in a fresh interpreter (the build
    forks workers; this session runs server threads)."""
    import subprocess

    path = tmp_path_factory.mktemp("bundle") / "atlas.gpkg"
    done = subprocess.run(
        [sys.executable, "-c", BUNDLE_BUILD, str(path)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return path


@pytest.fixture(scope="session")
def bundle_app(bundle_db):
    from regionatlas.settings import DEFAULT_REGION
    from regionatlas.web.app import create_app

    return create_app(str(bundle_db), DEFAULT_REGION)
