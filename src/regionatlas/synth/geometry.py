"""Pure geometry of the synthetic country: outline, state areas, municipal cells.

Everything here is a deterministic function of its inputs (the random generator is
passed in). Coordinates are metres in DHDN / Gauß-Krüger zone 3 (EPSG:31467), the CRS
of BKG's VG5000 shapefiles.
"""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

VG5000_CRS = "EPSG:31467"

# A coarse, hand-drawn outline of roughly Germany's size and shape (lon, lat; WGS84).
# Only its size and shape matter: the synthetic country is "Germany-sized", not Germany.
_OUTLINE_LONLAT = (
    (6.0, 51.9),
    (7.0, 53.3),
    (8.6, 53.9),
    (8.9, 54.9),
    (9.9, 54.8),
    (11.0, 54.4),
    (12.3, 54.2),
    (13.8, 54.6),
    (14.2, 53.9),
    (14.4, 53.3),
    (14.7, 52.6),
    (14.6, 51.6),
    (15.0, 51.1),
    (14.3, 50.9),
    (12.6, 50.4),
    (12.1, 50.3),
    (13.8, 48.8),
    (13.0, 47.5),
    (10.5, 47.5),
    (9.6, 47.5),
    (7.6, 47.6),
    (8.2, 49.0),
    (6.4, 49.2),
    (6.1, 50.2),
    (6.0, 50.8),
)


def country_outline() -> Polygon:
    """The synthetic country's outline in EPSG:31467 (about 360,000 km²)."""
    to_gk3 = Transformer.from_crs("EPSG:4326", VG5000_CRS, always_xy=True)
    lon, lat = np.array(_OUTLINE_LONLAT).T
    x, y = to_gk3.transform(lon, lat)
    return Polygon(np.column_stack([np.round(x), np.round(y)]))


def lonlat_to_gk3(lonlat: np.ndarray) -> np.ndarray:
    """Project (n, 2) lon/lat degrees to EPSG:31467 metres."""
    to_gk3 = Transformer.from_crs("EPSG:4326", VG5000_CRS, always_xy=True)
    x, y = to_gk3.transform(lonlat[:, 0], lonlat[:, 1])
    return np.column_stack([x, y])


def points_in(poly: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """n points drawn uniformly inside ``poly`` (rejection sampling), shape (n, 2)."""
    minx, miny, maxx, maxy = poly.bounds
    shapely.prepare(poly)
    out: list[np.ndarray] = []
    have = 0
    while have < n:
        m = max(64, 2 * (n - have))
        cand = np.column_stack([rng.uniform(minx, maxx, m), rng.uniform(miny, maxy, m)])
        inside = cand[shapely.contains_xy(poly, cand[:, 0], cand[:, 1])]
        out.append(inside)
        have += len(inside)
    return np.concatenate(out)[:n]


def voronoi_cells(points: np.ndarray, clip: BaseGeometry, snap: bool = True) -> np.ndarray:
    """Voronoi cells of ``points`` clipped to ``clip``, in the order of ``points``.

    The cells partition ``clip``: each holds its point and no two overlap. ``snap`` puts
    all vertices on a 1 m grid (so that unions of neighbours are exact).
    """
    if len(points) == 1:
        return np.array([clip], dtype=object)
    mp = shapely.multipoints(points)
    regions = shapely.voronoi_polygons(mp, extend_to=clip, ordered=True)
    cells = np.asarray(shapely.get_parts(regions), dtype=object)
    cells = shapely.intersection(cells, clip, grid_size=1.0 if snap else None)
    return polygonal(cells)


def polygonal(geoms: np.ndarray) -> np.ndarray:
    """Keep only the polygonal parts of each geometry (drop stray lines/points), valid."""
    out = np.empty(len(geoms), dtype=object)
    for i, g in enumerate(shapely.make_valid(np.asarray(geoms, dtype=object))):
        if g.geom_type in ("Polygon", "MultiPolygon"):
            out[i] = g
            continue
        parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
        out[i] = shapely.union_all(parts) if parts else shapely.Polygon()
    return out


def relaxed_points(
    poly: BaseGeometry, n: int, rng: np.random.Generator, iterations: int = 2
) -> np.ndarray:
    """n points inside ``poly`` made more even by a few Lloyd iterations."""
    pts = points_in(poly, n, rng)
    for _ in range(iterations if n > 2 else 0):
        cells = voronoi_cells(pts, poly, snap=False)
        cent = shapely.get_coordinates(shapely.point_on_surface(cells))
        # point_on_surface keeps the point inside non-convex cells; mix with centroids
        centroid = shapely.get_coordinates(shapely.centroid(cells))
        inside = shapely.contains_xy(poly, centroid[:, 0], centroid[:, 1])
        pts = np.where(inside[:, None], centroid, cent)
    return pts


def power_assign(
    points: np.ndarray, sites: np.ndarray, targets: np.ndarray, iterations: int = 400
) -> np.ndarray:
    """Assign points to sites so that each site gets about ``targets[s]`` points.

    A capacity-constrained power diagram: point p goes to argmin |p - site|² - w_s and the
    weights w are adjusted until the counts match the targets. Returns the site index
    per point. Regions are convex and in the places of their sites.
    """
    d2 = ((points[:, None, :] - sites[None, :, :]) ** 2).sum(axis=2)
    scale = float(np.median(d2))
    w = np.zeros(len(sites))
    best = np.argmin(d2, axis=1)
    best_err = np.inf
    for it in range(iterations):
        lab = np.argmin(d2 - w[None, :], axis=1)
        counts = np.bincount(lab, minlength=len(sites))
        err = np.abs(counts - targets).sum()
        if err < best_err:
            best, best_err = lab, err
        if err == 0:
            break
        step = 0.5 * scale / (1 + it / 20)
        w += step * (targets - counts) / np.maximum(targets, 1) / 4
    # every site keeps at least one point: give an empty site its nearest point
    counts = np.bincount(best, minlength=len(sites))
    for s in np.flatnonzero(counts == 0):
        free = np.flatnonzero(np.bincount(best, minlength=len(sites))[best] > 1)
        pick = free[np.argmin(d2[free, s])]
        best[pick] = s
    return best


def kmeans(
    points: np.ndarray, k: int, rng: np.random.Generator, iterations: int = 25
) -> np.ndarray:
    """Labels of a plain k-means (k-means++ start); every cluster keeps at least one point."""
    n = len(points)
    if k >= n:
        return np.arange(n)
    centres = [points[rng.integers(n)]]
    d2 = ((points - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        total = d2.sum()
        idx = rng.choice(n, p=d2 / total) if total > 0 else rng.integers(n)
        centres.append(points[idx])
        d2 = np.minimum(d2, ((points - points[idx]) ** 2).sum(axis=1))
    c = np.array(centres, dtype=float)
    labels = np.zeros(n, dtype=np.int64)
    for _ in range(iterations):
        dist = ((points[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        labels = np.argmin(dist, axis=1)
        counts = np.bincount(labels, minlength=k)
        for j in np.flatnonzero(counts == 0):  # re-seed an empty cluster at the worst point
            far = int(np.argmax(dist[np.arange(n), labels]))
            labels[far] = j
            c[j] = points[far]
        sums = np.zeros_like(c)
        np.add.at(sums, labels, points)
        counts = np.bincount(labels, minlength=k)
        c = sums / counts[:, None]
    dist = ((points[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
    labels = np.argmin(dist, axis=1)
    counts = np.bincount(labels, minlength=k)
    for j in np.flatnonzero(counts == 0):
        donors = np.flatnonzero(counts[labels] > 1)
        pick = donors[np.argmin(dist[donors, j])]
        counts[labels[pick]] -= 1
        labels[pick] = j
        counts[j] += 1
    return labels


def union_by(cells: np.ndarray, labels: np.ndarray, n_labels: int) -> np.ndarray:
    """Union of the cells per label (0..n_labels-1), as valid (Multi)Polygons."""
    out = np.empty(n_labels, dtype=object)
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(n_labels + 1))
    for j in range(n_labels):
        part = cells[order[bounds[j] : bounds[j + 1]]]
        out[j] = shapely.union_all(part, grid_size=1.0)
    return polygonal(out)
