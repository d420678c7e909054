"""The platform database: SQLite file by default, PostgreSQL (own schema) on servers.

``Database(url)`` opens it; ``db.upgrade()`` runs the Alembic migrations shipped in
``regionatlas/platform/migrations``; ``with db.session(actor_id=…) as s:`` is one transaction
(committed on success, rolled back on any exception) whose changes are audited.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from regionatlas.errors import InputError, StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SCHEMA_PATTERN = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def engine_url(url: str) -> str:
    """A SQLAlchemy URL from a store-style URL (``postgresql://`` → psycopg 3, a path → SQLite)."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith(("sqlite:", "postgresql+")):
        return url
    return f"sqlite:///{Path(url).resolve()}"


class Database:
    """One platform database. ``schema`` is used on PostgreSQL only."""

    def __init__(self, url: str, schema: str = "platform") -> None:
        if not SCHEMA_PATTERN.match(schema):
            raise InputError(f"invalid schema name {schema!r}", value=schema, expected="[a-z_]…")
        self.url = engine_url(url)
        self.schema = schema
        self.is_sqlite = self.url.startswith("sqlite")
        self.engine = self._make_engine()
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        from regionatlas.platform import audit

        audit.install(self._sessions)

    def _make_engine(self) -> Engine:
        if self.is_sqlite:
            path = self.url.removeprefix("sqlite:///")
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(self.url, connect_args={"check_same_thread": False})

            @event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_con, _record) -> None:
                cur = dbapi_con.cursor()
                cur.execute("PRAGMA foreign_keys = ON")
                cur.execute("PRAGMA journal_mode = WAL")
                cur.execute("PRAGMA busy_timeout = 5000")
                cur.close()

            return engine
        engine = create_engine(self.url, pool_pre_ping=True, pool_size=10, max_overflow=20)
        schema = self.schema

        @event.listens_for(engine, "connect")
        def _search_path(dbapi_con, _record) -> None:
            with dbapi_con.cursor() as cur:
                cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
                cur.execute(f'SET search_path TO "{schema}"')
            dbapi_con.commit()

        return engine

    # -- migrations ---------------------------------------------------------------------------
    def _alembic_config(self):
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["engine"] = self.engine
        return cfg

    def upgrade(self, revision: str = "head") -> None:
        """Bring the schema to ``revision`` (default: the newest)."""
        from alembic import command

        try:
            command.upgrade(self._alembic_config(), revision)
        except Exception as exc:  # pragma: no cover - reported to the user
            if isinstance(exc, InputError):
                raise
            raise StoreError(f"platform migration failed: {exc}", url=self.safe_url) from exc

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as con:
            return MigrationContext.configure(con).get_current_revision()

    def head_revision(self) -> str:
        from alembic.script import ScriptDirectory

        return str(ScriptDirectory.from_config(self._alembic_config()).get_current_head())

    @property
    def safe_url(self) -> str:
        return re.sub(r"://([^:@/]+):[^@/]+@", r"://\1:***@", self.url)

    # -- sessions -----------------------------------------------------------------------------
    @contextmanager
    def session(self, actor_id: int | None = None, note: str | None = None) -> Iterator[Session]:
        """One transaction; every change in it is audited with ``actor_id`` (None: system)."""
        s = self._sessions()
        s.info["actor_id"] = actor_id
        s.info["note"] = note
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    def ping(self) -> None:
        with self.engine.connect() as con:
            con.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
