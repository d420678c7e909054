"""Store fixtures (a pytest plugin, registered in tests/conftest.py).

* ``gpkg_store``: a fresh GeoPackage store in ``tmp_path``.
* ``pg_store``: a fresh PostGIS store in its own schema (marker ``postgis``). The server is
  ``REGIONATLAS_TEST_DATABASE_URL`` when set; otherwise a throw-away PostgreSQL cluster is
  started once per session (``initdb`` + ``pg_ctl`` in a temp dir on a free port, run as the
  ``postgres`` user when we are root) and removed at the end. Without PostgreSQL/PostGIS
  binaries the postgis tests skip — or fail when ``CI=true``, where the test script installs
  them.
* ``store``: parametrised over both engines, so one suite runs against both.
* ``store_url_factory``: a function returning a fresh store URL per call (for tests that
  reopen a store from another process).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote as urlquote

import pytest

from regionatlas.store import open_store

ENV_URL = "REGIONATLAS_TEST_DATABASE_URL"


def _unavailable(message: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (CI=true: the test script must install PostgreSQL/PostGIS)")
    pytest.skip(message)


def _pg_bindir() -> Path | None:
    """Directory holding initdb/pg_ctl: Debian's versioned dir first, then PATH."""
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True):
        return Path(candidate).parent
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


def _postgis_installed() -> bool:
    return bool(glob.glob("/usr/share/postgresql/*/extension/postgis.control")) or bool(
        glob.glob("/usr/local/share/postgresql/extension/postgis.control")
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(cmd: list[str], as_postgres: bool) -> None:
    if as_postgres:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {result.stdout}\n{result.stderr}")


class ThrowAwayCluster:
    """A PostgreSQL cluster in a temp dir, listening on 127.0.0.1:port with trust auth."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="regionatlas-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_postgres = os.geteuid() == 0

    def start(self) -> str:
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        _run(
            [str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
             "-E", "UTF8", "--no-sync", "--locale=C.UTF-8"],
            self.as_postgres,
        )  # fmt: skip
        opts = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off"
        )
        _run(
            [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", opts, "-w",
             "-l", str(self.root / "log"), "start"],
            self.as_postgres,
        )  # fmt: skip
        return f"postgresql://postgres@127.0.0.1:{self.port}"

    def stop(self) -> None:
        try:
            _run(
                [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                self.as_postgres,
            )
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """URL of a database with PostGIS for this test session."""
    import psycopg

    configured = os.environ.get(ENV_URL)
    if configured:
        with psycopg.connect(configured, autocommit=True) as con:
            con.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        yield configured
        return
    bindir = _pg_bindir()
    if bindir is None:
        _unavailable("PostgreSQL binaries (initdb, pg_ctl) not found")
    if not _postgis_installed():
        _unavailable("PostGIS extension files not found (Debian: postgresql-15-postgis-3)")
    assert bindir is not None
    cluster = ThrowAwayCluster(bindir)
    try:
        server = cluster.start()
        with psycopg.connect(f"{server}/postgres", autocommit=True) as con:
            con.execute("CREATE DATABASE regionatlas_test")
        url = f"{server}/regionatlas_test"
        with psycopg.connect(url, autocommit=True) as con:
            con.execute("CREATE EXTENSION postgis")
        yield url
    finally:
        cluster.stop()


def _with_search_path(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={urlquote(f'-csearch_path={schema},public')}"


@pytest.fixture
def pg_url_factory(pg_database_url: str) -> Iterator[Callable[[], str]]:
    """Fresh, empty schemas in the session database; dropped after the test."""
    import psycopg

    made: list[str] = []

    def make() -> str:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(pg_database_url, autocommit=True) as con:
            con.execute(f"CREATE SCHEMA {schema}")
        made.append(schema)
        return _with_search_path(pg_database_url, schema)

    yield make
    with psycopg.connect(pg_database_url, autocommit=True) as con:
        for schema in made:
            con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture
def gpkg_url_factory(tmp_path: Path) -> Callable[[], str]:
    counter = iter(range(1_000_000))

    def make() -> str:
        return str(tmp_path / f"store{next(counter)}.gpkg")

    return make


@pytest.fixture
def gpkg_store(gpkg_url_factory: Callable[[], str]) -> Iterator[object]:
    store = open_store(gpkg_url_factory())
    yield store
    store.close()


@pytest.fixture
def pg_store(pg_url_factory: Callable[[], str]) -> Iterator[object]:
    store = open_store(pg_url_factory())
    yield store
    store.close()


ENGINES = ["gpkg", pytest.param("postgis", marks=pytest.mark.postgis)]


@pytest.fixture(params=ENGINES)
def store_url_factory(request: pytest.FixtureRequest) -> Callable[[], str]:
    """Fresh store URLs of one engine; parametrised over both engines."""
    name = "gpkg_url_factory" if request.param == "gpkg" else "pg_url_factory"
    return request.getfixturevalue(name)


@pytest.fixture
def store(store_url_factory: Callable[[], str]) -> Iterator[object]:
    """A fresh, empty store; the same test runs once per engine."""
    s = open_store(store_url_factory())
    yield s
    s.close()
