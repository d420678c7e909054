"""Small canonical frames for store tests, built in code (synthetic, no reader involved)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from regionatlas.model.schema import STORE_CRS
from regionatlas.model.source_data import SourceData


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def units(
    ags: list[str], as_of: str = "2023-06-30", names: list[str] | None = None, geometry: bool = True
) -> pd.DataFrame:
    """Gemeinden with square 1 km cells side by side (geometry in EPSG:25832)."""
    n = len(ags)
    frame = pd.DataFrame(
        {
            "ags": ags,
            "as_of": as_of,
            "name": names or [f"Gemeinde {a}" for a in ags],
            "level": "gemeinde",
            "parent": [a[:5] for a in ags],
            "state": [a[:2] for a in ags],
            "ars": None,
            "kind": "Gemeinde",
            "valid_from": None,
            "valid_to": None,
        }
    )
    if not geometry:
        return frame.assign(geometry=None)
    geoms = [
        shapely.box(500_000 + i * 1000, 5_700_000, 501_000 + i * 1000, 5_701_000) for i in range(n)
    ]
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=STORE_CRS)


def observations(rows: list[tuple[str, str, str, float | None, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["ags", "indicator", "period", "value", "flag"]).astype(
        {"value": "float64"}
    )


def flows(
    rows: list[tuple[str, str, float | None, str | None]],
    period: str = "2023-06-30",
    reported_by: str = "residence",
    grp: str = "total",
    level: str = "gemeinde",
) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["origin", "destination", "persons", "flag"])
    return frame.assign(period=period, grp=grp, reported_by=reported_by, level=level).astype(
        {"persons": "float64"}
    )


def random_flows(n: int, period: str = "2023-06-30", seed: int = 1) -> pd.DataFrame:
    """n distinct synthetic flows between 8-digit keys (deterministic)."""
    rng = np.random.default_rng(seed)
    pairs = (np.arange(n, dtype=np.int64) * 7919 + seed) % (4000 * 4000)  # distinct, n <= 16M
    origin = np.char.zfill((pairs // 4000 + 3_000_000).astype(str), 8)
    destination = np.char.zfill((pairs % 4000 + 3_000_000).astype(str), 8)
    persons = rng.integers(1, 500, size=n).astype("float64")
    return pd.DataFrame(
        {
            "origin": origin.astype(object),
            "destination": destination.astype(object),
            "period": period,
            "grp": "total",
            "reported_by": "residence",
            "level": "gemeinde",
            "persons": persons,
            "flag": None,
        }
    )


def source(key: str, vintage: str = "2023-06-30", **frames: pd.DataFrame) -> SourceData:
    """A SourceData whose file hash is derived from ``key`` (same key = same file)."""
    return SourceData(
        source="synthetic-test",
        file=Path(f"{key}.csv"),
        sha256=sha(key),
        publisher="regionatlas tests (synthetic)",
        licence="CC0-1.0",
        attribution="Synthetic test data",
        vintage=vintage,
        synthetic=True,
        **frames,
    )
