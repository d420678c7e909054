"""The atlas' read-model context: one store handle, the scope and the cache; the computations
live in ``web.read`` (one module per subject) and this class names them for callers.

``Atlas`` wraps one store URL and the region definition. It holds no state of its own beyond
its cache keyed by the store's batch list (a new import or a rollback invalidates it), so any
number of workers can serve one database. The store handle is shared by all threads; its
calls are serialised by a lock. Warm-up at start-up: ``web.warmup``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from regionatlas.web.read import batches as _batches
from regionatlas.web.read import flows as _flows
from regionatlas.web.read import indicators as _indicators
from regionatlas.web.read import units as _units
from regionatlas.web.read.cache import SingleFlightCache, Version
from regionatlas.web.read.scope import (
    FLOW_LEVELS,
    LEVEL_ORDER,
    MAP_LEVELS,
    PRESET_K,
    LockedStore,
    Scope,
    default_cache_dir,
    load_scope,
)

__all__ = [
    "FLOW_LEVELS",
    "LEVEL_ORDER",
    "MAP_LEVELS",
    "PRESET_K",
    "Atlas",
    "Scope",
    "default_cache_dir",
    "load_scope",
]

T = TypeVar("T")


class Atlas:
    """Store handle + scope + cache, and the read model's functions as methods."""

    REFRESH_SECONDS = 2.0

    def __init__(
        self, store_url: str, region_file: Path | None = None, cache_dir: Path | None = None
    ) -> None:
        self.store_url = store_url
        self.region_file = region_file  # web.functional loads the Region from it
        self.scope = load_scope(region_file)
        self.region_name = {"de": self.scope.name_de, "en": self.scope.name_en}
        # where results that take seconds (web.functional) persist across restarts
        self.cache_dir = cache_dir if cache_dir is not None else default_cache_dir(store_url)
        self.cache = SingleFlightCache()
        self._store: LockedStore | None = None
        self._open_lock = threading.Lock()
        self._checked = -1e9

    # -- store and cache --------------------------------------------------------------------
    @property
    def store(self) -> Any:
        """One store handle shared by all threads (opening a store costs about a second, and
        nearly every request is answered from the cache)."""
        if self._store is None:
            with self._open_lock:
                if self._store is None:
                    from regionatlas.store import open_store

                    self._store = LockedStore(open_store(self.store_url, create=False))
        return self._store

    def refresh_due(self) -> bool:
        """Whether ``refresh`` would ask the store now."""
        return time.monotonic() - self._checked >= self.REFRESH_SECONDS

    def refresh(self, force: bool = False) -> None:
        """Drop the cache when the store's batches changed (import or rollback); the store is
        asked at most every REFRESH_SECONDS."""
        now = time.monotonic()
        if not force and now - self._checked < self.REFRESH_SECONDS:
            return
        self._checked = now
        self.cache.reset(tuple(b.id for b in self.store.batches()))

    @property
    def version(self) -> Version:
        """The batch ids the cache belongs to."""
        return self.cache.version

    def cached(self, key: Hashable, compute: Callable[[], T], bounded: bool = False) -> T:
        """``compute()`` once per key and store version (single flight); ``bounded``: among
        the entries evicted oldest first (see ``web.read.cache``)."""
        return self.cache.get(key, compute, bounded)

    def json_bytes(self, key: Hashable, compute: Callable[[], Any], bounded: bool = False) -> bytes:
        return self.cache.json_bytes(key, compute, bounded)

    def gzip_bytes(self, key: Hashable, compute: Callable[[], Any], bounded: bool = False) -> bytes:
        return self.cache.gzip_bytes(key, compute, bounded)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- units (web.read.units) -------------------------------------------------------------
    def units(self) -> pd.DataFrame:
        return _units.units(self)

    def names(self) -> dict[str, str]:
        return _units.names(self)

    def unit(self, ags: str) -> dict[str, Any]:
        return _units.unit(self, ags)

    def parents(self) -> dict[str, str]:
        return _units.parents(self)

    def search_index(self) -> list[tuple[dict[str, Any], set[str]]]:
        return _units.search_index(self)

    def check_key(self, ags: str) -> str:
        return _units.check_key(self, ags)

    def levels(self) -> list[str]:
        return _units.levels(self)

    def check_level(self, level: str, allowed: tuple[str, ...] = MAP_LEVELS) -> str:
        return _units.check_level(self, level, allowed)

    def geometry(self, level: str) -> dict[str, Any]:
        return _units.geometry(self, level)

    def ended_units(self, level: str) -> dict[str, dict[str, Any]]:
        return _units.ended_units(self, level)

    def points(self, level: str) -> dict[str, tuple[float, float]]:
        return _units.points(self, level)

    def outline(self) -> dict[str, Any]:
        return _units.outline(self)

    def all_names(self, level: str) -> dict[str, str]:
        return _units.all_names(self, level)

    # -- indicators (web.read.indicators) ---------------------------------------------------
    def indicators(self) -> list[dict[str, Any]]:
        return _indicators.indicators(self)

    def observations_all(self) -> pd.DataFrame:
        return _indicators.observations_all(self)

    def indicator(self, indicator_id: str) -> dict[str, Any]:
        return _indicators.indicator(self, indicator_id)

    def resolve_period(self, ind: dict[str, Any], period: str | None) -> str:
        return _indicators.resolve_period(self, ind, period)

    def values(self, indicator_id: str, level: str, period: str | None = None) -> dict[str, Any]:
        return _indicators.values(self, indicator_id, level, period)

    def classified(
        self,
        indicator_id: str,
        level: str,
        period: str | None,
        method: str = "quantiles",
        k: int = 5,
        breaks: list[float] | None = None,
        scheme: str = "viridis",
    ) -> dict[str, Any]:
        return _indicators.classified(self, indicator_id, level, period, method, k, breaks, scheme)

    # -- flows (web.read.flows) -------------------------------------------------------------
    def flow_periods(self) -> list[str]:
        return _flows.flow_periods(self)

    def resolve_flow_period(self, period: str | None) -> str:
        return _flows.resolve_flow_period(self, period)

    def flow_levels(self) -> list[str]:
        return _flows.flow_levels(self)

    def raw_flows(self, period: str | None) -> pd.DataFrame:
        return _flows.raw_flows(self, period)

    def flows(self, level: str, period: str | None = None) -> pd.DataFrame:
        return _flows.flows(self, level, period)

    def flows_classified(self, level: str, period: str | None = None) -> pd.DataFrame:
        return _flows.flows_classified(self, level, period)

    def unit_flows(self, level: str, ags: str, period: str | None = None) -> pd.DataFrame:
        return _flows.unit_flows(self, level, ags, period)

    def flow_compact(self, level: str, period: str | None = None) -> dict[str, Any]:
        return _flows.flow_compact(self, level, period)

    def flow_lines(self, level: str, period: str | None = None) -> dict[str, Any]:
        return _flows.flow_lines(self, level, period)

    def communities(self, level: str, period: str | None = None) -> dict[str, Any]:
        return _flows.communities(self, level, period)

    # -- batches (web.read.batches) ---------------------------------------------------------
    def batches(self) -> list[dict[str, Any]]:
        return _batches.batches(self)

    def attributions(self) -> list[str]:
        return _batches.attributions(self)
