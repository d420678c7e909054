"""Centroids and straight-line distances for the flow analyses (all in EPSG:25832 metres,
distances returned in km).

* A municipality's point is its **polygon centroid** (the geometric centre of its area; for an
  oddly shaped municipality it can lie outside the settled area, or outside the polygon).
* A district's, state's or any group's point is the **population-weighted mean** of its
  municipalities' centroids. A group without population figures for all members falls back to
  the unweighted mean of the members with a centroid, and says so in ``basis``.
* Distances are straight lines between these points; callers that turn them into travel
  distances multiply by a detour factor and label the result as modelled.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from regionatlas.errors import ParameterError
from regionatlas.model.schema import STORE_CRS

BASIS_POLYGON = "polygon centroid"
BASIS_WEIGHTED = "population-weighted mean of municipal polygon centroids"
BASIS_UNWEIGHTED = "unweighted mean of municipal polygon centroids (population missing)"


def polygon_centroids(units: pd.DataFrame) -> pd.DataFrame:
    """Centroids of a units GeoDataFrame (index: ags; columns x, y in EPSG:25832 m, basis)."""
    if not hasattr(units, "geometry"):
        raise ParameterError("units have no geometry", expected="a GeoDataFrame with geometry")
    crs = getattr(units, "crs", None)
    if crs is not None and crs.to_string() != STORE_CRS:
        units = units.to_crs(STORE_CRS)
    c = units.geometry.centroid
    return pd.DataFrame(
        {"x": c.x.to_numpy(), "y": c.y.to_numpy(), "basis": BASIS_POLYGON},
        index=pd.Index(units["ags"].astype(str).to_numpy(), name="ags"),
    )


def weighted_centroids(
    centroids: pd.DataFrame, population: pd.Series, mapping: pd.Series
) -> pd.DataFrame:
    """Population-weighted centroids of groups (mapping: member ags -> group)."""
    members = mapping.index.intersection(centroids.index)
    g = mapping.reindex(members).to_numpy()
    x = centroids.loc[members, "x"].to_numpy(float)
    y = centroids.loc[members, "y"].to_numpy(float)
    w = population.reindex(members).to_numpy(float)
    df = pd.DataFrame({"g": g, "x": x, "y": y, "w": w})
    has_all = ~df["w"].isna().groupby(df["g"]).any()
    df["wx"], df["wy"] = df["x"] * df["w"], df["y"] * df["w"]
    s = df.groupby("g").agg(wx=("wx", "sum"), wy=("wy", "sum"), w=("w", "sum"))
    m = df.groupby("g")[["x", "y"]].mean()
    ok = has_all & (s["w"] > 0)
    out = pd.DataFrame(
        {
            "x": np.where(ok, s["wx"] / s["w"].where(ok, 1.0), m["x"]),
            "y": np.where(ok, s["wy"] / s["w"].where(ok, 1.0), m["y"]),
            "population": s["w"].where(has_all),
            "basis": np.where(ok, BASIS_WEIGHTED, BASIS_UNWEIGHTED),
        },
        index=s.index.rename("ags"),
    )
    return out


def pair_distances_km(
    centroids: pd.DataFrame, origins: pd.Series | np.ndarray, destinations: pd.Series | np.ndarray
) -> np.ndarray:
    """Straight-line km for each (origin, destination) pair; NaN where a key has no point."""
    idx = centroids.index
    o = idx.get_indexer(np.asarray(origins, dtype=object))
    d = idx.get_indexer(np.asarray(destinations, dtype=object))
    x = centroids["x"].to_numpy(float)
    y = centroids["y"].to_numpy(float)
    ok = (o >= 0) & (d >= 0)
    o0, d0 = np.where(ok, o, 0), np.where(ok, d, 0)
    dist = np.hypot(x[o0] - x[d0], y[o0] - y[d0]) / 1000.0
    return np.where(ok, dist, np.nan)


def distance_matrix_km(centroids: pd.DataFrame, keys: pd.Index | None = None) -> pd.DataFrame:
    """Dense straight-line km between all ``keys`` (for a region, not for all of Germany)."""
    c = centroids if keys is None else centroids.reindex(keys)
    xy = c[["x", "y"]].to_numpy(float)
    diff = xy[:, None, :] - xy[None, :, :]
    return pd.DataFrame(
        np.hypot(diff[..., 0], diff[..., 1]) / 1000.0, index=c.index, columns=c.index
    )


def intra_zonal_km(area_km2: pd.Series) -> pd.Series:
    """A unit's typical internal trip length: the mean distance from the centre of a disc of
    the unit's area to a random point in it, 2/3 · sqrt(area/π) km (a modelling convention)."""
    return (2.0 / 3.0) * np.sqrt(area_km2.astype(float) / np.pi)
