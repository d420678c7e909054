"""The read model's context parts: which units the atlas shows (``Scope``), the levels, the
shared store handle, and the JSON cleaning of table rows."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

MAP_LEVELS = ("gemeinde", "kreis")
PRESET_K = (3, 4, 5, 6, 7)  # class counts precomputed for the map (and the static export)
FLOW_LEVELS = ("land", "kreis", "gemeinde")
LEVEL_ORDER = {"staat": 0, "land": 1, "rbz": 2, "kreis": 3, "vwg": 4, "gemeinde": 5}


@dataclass(frozen=True)
class Scope:
    """Which units the atlas shows: the region's districts (core + ring) or everything."""

    region_id: str | None
    name_de: str
    name_en: str
    districts: frozenset[str]  # empty: every unit in the store
    core: frozenset[str]

    def contains(self, ags: str) -> bool:
        return (
            not self.districts
            or ags[:5] in self.districts
            or (len(ags) == 2 and any(d.startswith(ags) for d in self.districts))
        )


def load_scope(region_file: Path | None) -> Scope:
    if region_file is None:
        return Scope(None, "Deutschland", "Germany", frozenset(), frozenset())
    from regionatlas.region import load_region

    r = load_region(region_file)
    return Scope(r.id, r.name_de, r.name_en, r.all_district_codes, r.core_codes)


def default_cache_dir(store_url: str) -> Path:
    """``cache/`` next to a GeoPackage store, else ``var/cache`` (settings.VAR_DIR)."""
    from regionatlas.settings import VAR_DIR

    if "://" not in store_url:
        return Path(store_url).resolve().parent / "cache"
    return VAR_DIR.resolve() / "cache"


class LockedStore:
    """Wraps a store so that each method call holds one lock (SQLite connections must not be
    used by two threads at once)."""

    def __init__(self, store: Any) -> None:
        self._inner = store
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attr(*args, **kwargs)

        return call

    def close(self) -> None:
        with self._lock:
            self._inner.close()


def clean_row(row: dict[str, Any]) -> dict[str, Any]:
    """NaN -> None, numpy scalars -> Python, so rows serialise as JSON."""
    out = {}
    for k, v in row.items():
        if isinstance(v, float) and np.isnan(v):
            v = None
        elif isinstance(v, np.generic):
            v = v.item()
        elif v is pd.NA or v is pd.NaT:
            v = None
        out[k] = v
    return out
