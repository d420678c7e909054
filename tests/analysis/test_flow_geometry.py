"""Centroids and distances (hand-computed)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from regionatlas.analysis.geometry import (
    BASIS_UNWEIGHTED,
    BASIS_WEIGHTED,
    distance_matrix_km,
    intra_zonal_km,
    pair_distances_km,
    polygon_centroids,
    weighted_centroids,
)
from regionatlas.errors import ParameterError


def test_polygon_centroids_and_weighted_group_centroid():
    units = gpd.GeoDataFrame(
        {"ags": ["06611000", "06633001", "06633002"]},
        geometry=[box(0, 0, 2000, 2000), box(10000, 0, 12000, 2000), box(20000, 0, 22000, 2000)],
        crs="EPSG:25832",
    )
    c = polygon_centroids(units)
    assert c.loc["06633001", ["x", "y"]].tolist() == [11000, 1000]
    pop = pd.Series({"06611000": 100.0, "06633001": 300.0, "06633002": 100.0})
    mapping = pd.Series({"06611000": "06611", "06633001": "06633", "06633002": "06633"})
    w = weighted_centroids(c, pop, mapping)
    # 06633: (300·11000 + 100·21000) / 400 = 13500
    assert w.loc["06633", "x"] == pytest.approx(13500)
    assert w.loc["06633", "basis"] == BASIS_WEIGHTED and w.loc["06633", "population"] == 400
    w2 = weighted_centroids(c, pop.drop("06633002"), mapping)
    assert w2.loc["06633", "x"] == pytest.approx(16000)  # unweighted mean, said so
    assert w2.loc["06633", "basis"] == BASIS_UNWEIGHTED
    with pytest.raises(ParameterError):
        polygon_centroids(pd.DataFrame({"ags": ["x"]}))


def test_reprojects_to_store_crs():
    units = gpd.GeoDataFrame(
        {"ags": ["a"]}, geometry=[box(9.0, 51.0, 9.01, 51.01)], crs="EPSG:4326"
    )
    c = polygon_centroids(units)
    assert 400_000 < c.loc["a", "x"] < 600_000  # UTM 32N easting near 9°E


def test_distances():
    cen = pd.DataFrame({"x": [0.0, 3000.0], "y": [0.0, 4000.0]}, index=["a", "b"])
    d = pair_distances_km(cen, np.array(["a", "b", "a"]), np.array(["b", "b", "zz"]))
    assert d[0] == pytest.approx(5.0) and d[1] == 0 and np.isnan(d[2])
    m = distance_matrix_km(cen)
    assert m.loc["b", "a"] == pytest.approx(5.0)
    # disc of area π km²: radius 1 km, mean distance from centre 2/3 km
    assert intra_zonal_km(pd.Series([np.pi]))[0] == pytest.approx(2 / 3)
