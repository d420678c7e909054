"""What the platform pages need from the outside: database, mailer, upload folder, URLs."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from regionatlas.platform.db import Database
from regionatlas.platform.mail import Mailer

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
    page_cache: OrderedDict = field(default_factory=OrderedDict, repr=False)
    page_cache_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def cache_get(self, key: tuple, version: int) -> bytes | None:
        with self.page_cache_lock:
            hit = self.page_cache.get(key)
            if hit is None or hit[0] != version:
                return None
            self.page_cache.move_to_end(key)
            return hit[1]

    def cache_put(self, key: tuple, version: int, body: bytes) -> None:
        """Keep the page as sent and gzip-compressed (for the fast path, page_cache.py)."""
        import gzip

        packed = gzip.compress(body, compresslevel=6, mtime=0)
        with self.page_cache_lock:
            self.page_cache[key] = (version, body, packed)
            self.page_cache.move_to_end(key)
            while len(self.page_cache) > self.page_cache_size:
                self.page_cache.popitem(last=False)

    @classmethod
    def from_settings(cls, settings, uploads_dir: Path | None = None) -> PlatformConfig:
        return cls(
            db=Database(settings.platform_db_url, settings.platform_schema),
            mailer=Mailer.from_settings(settings),
            uploads_dir=uploads_dir or settings.uploads_dir,
            base_url=settings.base_url,
            secure_cookies=settings.secure_cookies,
        )
