"""A single-flight cache for the read model: each key is computed once, by one thread, while
others asking for it meanwhile wait for that result; everything is dropped when the store's
batch list changes (an import or a rollback).

Keys are hashable tuples (or strings). Bounded entries — asked for with ``bounded=True``, and
keys whose second element is a tuple starting with "query" (answers keyed by free query
parameters) — are evicted oldest first beyond ``query_max`` (twice that, counting a JSON
answer and its gzip apart); pages of single units and downloads are bounded so.
"""

from __future__ import annotations

import gzip
import json
import logging
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
Key = Hashable
Version = tuple[int, ...]

QUERY_CACHE_MAX = 512  # answers keyed by free query parameters (json + gzip counted apart)


class SingleFlightCache:
    """Values by key for one store version; one computation per key at a time."""

    def __init__(self, query_max: int = QUERY_CACHE_MAX) -> None:
        self._lock = threading.RLock()
        self._flights: dict[Key, threading.Lock] = {}
        self._values: dict[Key, Any] = {}
        self._query_keys: list[Key] = []
        self.query_max = query_max
        self.version: Version = ()

    # -- reading and computing -------------------------------------------------------------
    def get(self, key: Key, compute: Callable[[], T], bounded: bool = False) -> T:
        """The cached value of ``key``, computed by ``compute`` if missing (once: callers
        arriving during the computation wait for it and get the same value)."""
        try:
            return self._values[key]
        except KeyError:
            pass
        with self._lock:
            flight = self._flights.setdefault(key, threading.Lock())
        with flight:
            try:
                return self._values[key]
            except KeyError:
                pass
            value = compute()
            with self._lock:
                self._values[key] = value
                if bounded or _is_query(key):
                    self._query_keys.append(key)
                    while len(self._query_keys) > 2 * self.query_max:
                        self._values.pop(self._query_keys.pop(0), None)
                if self._flights.get(key) is flight:
                    del self._flights[key]
            return value

    def json_bytes(self, key: Key, compute: Callable[[], Any], bounded: bool = False) -> bytes:
        """A cached payload serialised once (UTF-8 JSON)."""
        return self.get(
            ("json", key),
            lambda: json.dumps(
                compute(), ensure_ascii=False, separators=(",", ":"), allow_nan=False
            ).encode("utf-8"),
            bounded,
        )

    def gzip_bytes(self, key: Key, compute: Callable[[], Any], bounded: bool = False) -> bytes:
        """The cached JSON payload gzip-compressed once."""
        return self.get(
            ("gzip", key),
            lambda: gzip.compress(self.json_bytes(key, compute, bounded), 5, mtime=0),
            bounded,
        )

    # -- inspecting and seeding (the persisted functional layers) ----------------------------
    def __contains__(self, key: Key) -> bool:
        return key in self._values

    def cached_keys(self) -> list[Key]:
        return list(self._values)

    def entries(self, keys: Iterable[Key]) -> dict[Key, Any]:
        """The cached values of those ``keys`` that are present."""
        values = self._values
        return {k: values[k] for k in keys if k in values}

    def seed(self, entries: Mapping[Key, Any], version: Version) -> bool:
        """Add values computed elsewhere for ``version``; False (nothing added) when the cache
        belongs to another store version meanwhile. Present keys are kept."""
        with self._lock:
            if self.version != version:
                return False
            for key, value in entries.items():
                self._values.setdefault(key, value)
            return True

    # -- invalidation ----------------------------------------------------------------------
    def reset(self, version: Version) -> bool:
        """Drop everything when ``version`` differs from the cached one; True if it did."""
        if version == self.version:
            return False
        with self._lock:
            if version == self.version:
                return False
            self._values.clear()
            self._query_keys.clear()
            self._flights.clear()
            self.version = version
            log.info("read-model cache reset for store version %s", version)
            return True


def _is_query(key: Key) -> bool:
    inner = key[1] if isinstance(key, tuple) and len(key) == 2 else None
    return isinstance(inner, tuple) and inner[:1] == ("query",)
