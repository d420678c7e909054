"""What the platform pages need from the outside: database, mailer, upload folder, URLs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from regionatlas.platform.db import Database
from regionatlas.platform.mail import Mailer
from regionatlas.web.platform.page_cache import PageStore

MAX_UPLOAD = 10 * 1024 * 1024  # bytes per document


@dataclass
class PlatformConfig:
    db: Database
    mailer: Mailer
    uploads_dir: Path
    base_url: str = "http://127.0.0.1:8000"
    secure_cookies: bool = False
    max_upload: int = MAX_UPLOAD
    page_cache_size: int = 2000
    warm_pages: bool = True  # render the public pages at start-up (web.platform.warmup)
    page_cache: PageStore = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.page_cache = PageStore(self.page_cache_size)

    @classmethod
    def from_settings(cls, settings, uploads_dir: Path | None = None) -> PlatformConfig:
        return cls(
            db=Database(settings.platform_db_url, settings.platform_schema),
            mailer=Mailer.from_settings(settings),
            uploads_dir=uploads_dir or settings.uploads_dir,
            base_url=settings.base_url,
            secure_cookies=settings.secure_cookies,
        )
