"""The one place that reads the environment.

``REGIONATLAS_DATABASE_URL`` decides the engine: ``postgresql://…`` selects PostGIS, a plain
path or ``gpkg:///path/file.gpkg`` the embedded GeoPackage. CLI options override it.

The platform (accounts, forum, events, ...) lives in its own relational database:
``REGIONATLAS_PLATFORM_URL`` (or ``--platform-url``); by default the SQLite file
``var/platform.sqlite`` beside a GeoPackage store, or the schema ``platform``
(``REGIONATLAS_PLATFORM_SCHEMA``) on the same server when the store is PostgreSQL.
Mail: ``REGIONATLAS_SMTP_HOST``/``_PORT``/``_TLS`` (none, starttls, ssl)/``_USER``/
``_PASSWORD``/``_CAFILE``, ``REGIONATLAS_MAIL_FROM``; ``REGIONATLAS_BASE_URL`` is the public
address used in mails; ``REGIONATLAS_UPLOADS_DIR`` holds uploaded documents (default
``var/uploads``); ``REGIONATLAS_SECURE_COOKIES=1`` marks cookies Secure (behind HTTPS).
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
DEFAULT_PLATFORM_DB = VAR_DIR / "platform.sqlite"
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
    platform_url: str | None = None  # None: derived from database_url (see platform_db_url)
    platform_schema: str = "platform"
    uploads_dir: Path = VAR_DIR / "uploads"  # platform documents, outside the web root
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_tls: str = "none"  # none, starttls, ssl
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_cafile: str | None = None
    mail_from: str = "regionatlas@localhost"
    base_url: str = "http://127.0.0.1:8000"
    secure_cookies: bool = False

    @property
    def is_postgis(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://", "postgresql+"))

    @property
    def platform_db_url(self) -> str:
        """The platform database: explicit, else beside the store (see module docstring)."""
        if self.platform_url:
            return self.platform_url
        if self.is_postgis:
            return self.database_url
        return f"sqlite:///{Path(self.database_url).with_name('platform.sqlite')}"


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
    for name, key, kind in _PLATFORM_ENV:
        if env.get(name):
            value = env[name]
            kwargs[key] = (value == "1") if kind is bool else kind(value)
    if env.get("REGIONATLAS_SHARED_DATA"):
        kwargs["shared_data"] = Path(env["REGIONATLAS_SHARED_DATA"])
    if env.get("REGIONATLAS_CACHE_DIR"):
        kwargs["cache_dir"] = Path(env["REGIONATLAS_CACHE_DIR"])
    kwargs.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**kwargs)  # type: ignore[arg-type]


_PLATFORM_ENV: tuple[tuple[str, str, type], ...] = (
    ("REGIONATLAS_PLATFORM_URL", "platform_url", str),
    ("REGIONATLAS_PLATFORM_SCHEMA", "platform_schema", str),
    ("REGIONATLAS_UPLOADS_DIR", "uploads_dir", Path),
    ("REGIONATLAS_SMTP_HOST", "smtp_host", str),
    ("REGIONATLAS_SMTP_PORT", "smtp_port", int),
    ("REGIONATLAS_SMTP_TLS", "smtp_tls", str),
    ("REGIONATLAS_SMTP_USER", "smtp_user", str),
    ("REGIONATLAS_SMTP_PASSWORD", "smtp_password", str),
    ("REGIONATLAS_SMTP_CAFILE", "smtp_cafile", str),
    ("REGIONATLAS_MAIL_FROM", "mail_from", str),
    ("REGIONATLAS_BASE_URL", "base_url", str),
    ("REGIONATLAS_SECURE_COOKIES", "secure_cookies", bool),
)
