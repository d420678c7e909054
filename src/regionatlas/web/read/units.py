"""Units of the atlas: the table, names, keys, levels and their simplified geometry.

Functions over the read model's context (``web.atlas.Atlas``: store, scope, cache); every
result is cached per store version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from regionatlas.errors import NotFoundError, ParameterError
from regionatlas.web.ended import feature_properties as ended_props
from regionatlas.web.geo import TOLERANCE_M, bbox, feature_collection, label_points, to_web
from regionatlas.web.read.scope import LEVEL_ORDER, MAP_LEVELS, clean_row

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas


def units(atlas: Atlas) -> pd.DataFrame:
    """Every unit in scope (all levels, no geometry), plus land and staat rows."""

    def compute() -> pd.DataFrame:
        u = atlas.store.units()
        u = u[[c for c in u.columns if c != "geometry"]].copy()
        u["ags"] = u["ags"].astype(str)
        keep = u["ags"].map(atlas.scope.contains) | u["level"].isin(["staat", "land"])
        u = u[keep.to_numpy()]
        u = u.assign(_o=u["level"].map(LEVEL_ORDER)).sort_values(["_o", "ags"])
        return u.drop(columns="_o").reset_index(drop=True)

    return atlas.cache.get("units", compute)


def names(atlas: Atlas) -> dict[str, str]:
    return atlas.cache.get(
        "names", lambda: dict(zip(atlas.units()["ags"], atlas.units()["name"], strict=True))
    )


def unit(atlas: Atlas, ags: str) -> dict[str, Any]:
    rows = atlas.cache.get(
        "unit_rows", lambda: {r["ags"]: clean_row(r) for r in atlas.units().to_dict("records")}
    )
    if ags not in rows:
        raise NotFoundError(
            f"unknown AGS {ags!r}: no such unit in this atlas",
            value=ags,
            expected="a key of /api/v1/units",
        )
    return dict(rows[ags])


def parents(atlas: Atlas) -> dict[str, str]:
    u = atlas.units()
    return atlas.cache.get(
        "parents",
        lambda: {a: p for a, p in zip(u["ags"], u["parent"], strict=True) if isinstance(p, str)},
    )


def search_index(atlas: Atlas) -> list[tuple[dict[str, Any], set[str]]]:
    from regionatlas.web.search import build_index

    return atlas.cache.get("search_index", lambda: build_index(atlas.units()))


def check_key(atlas: Atlas, ags: str) -> str:
    """A known key: a unit in scope or any stored unit (flow partners outside the region)."""
    level = {2: "land", 5: "kreis", 8: "gemeinde"}.get(len(ags))
    if ags in atlas.names() or (level and ags in atlas.all_names(level)):
        return ags
    raise NotFoundError(f"unknown AGS {ags!r}", value=ags, expected="a key of /api/v1/units")


def levels(atlas: Atlas) -> list[str]:
    present = set(atlas.units()["level"])
    return [lv for lv in MAP_LEVELS if lv in present]


def check_level(atlas: Atlas, level: str, allowed: tuple[str, ...] = MAP_LEVELS) -> str:
    if level not in allowed:
        raise ParameterError(f"unknown level {level!r}", value=level, expected=", ".join(allowed))
    return level


def geometry(atlas: Atlas, level: str) -> dict[str, Any]:
    """Simplified WGS84 GeoJSON of the level's units in scope (ags, name, parent, state)."""
    atlas.check_level(level, ("land", *MAP_LEVELS))

    def compute() -> dict[str, Any]:
        g = atlas.store.units(level=level, geometry=True)
        g = g[g["ags"].astype(str).map(atlas.scope.contains).to_numpy()]
        g = g[g.geometry.notna().to_numpy()].sort_values("ags")
        if g.empty:
            return feature_collection(np.array([]), [], {"bbox": None})
        geoms = to_web(g.geometry.to_numpy(), TOLERANCE_M.get(level, 100.0))
        ended = atlas.ended_units(level) if level != "land" else {}
        props = [
            {
                "ags": a,
                "name": n,
                "parent": p if isinstance(p, str) else None,
                **(ended_props(ended[a]) if a in ended else {}),
            }
            for a, n, p in zip(g["ags"], g["name"], g["parent"], strict=True)
        ]
        return feature_collection(geoms, props, {"bbox": bbox(geoms)})

    return atlas.cache.get(("geometry", level), compute)


def ended_units(atlas: Atlas, level: str) -> dict[str, dict[str, Any]]:
    """Units of the level in scope that the boundaries still show but the reference
    Gebietsstand no longer lists, with their reason (web.ended)."""
    from regionatlas.web.ended import ended_units, load_notes

    def compute() -> dict[str, dict[str, Any]]:
        u = atlas.store.units(level=level)
        u = u[u["ags"].astype(str).map(atlas.scope.contains).to_numpy()]
        return ended_units(u, load_notes())

    return atlas.cache.get(("ended", level), compute)


def points(atlas: Atlas, level: str) -> dict[str, tuple[float, float]]:
    """A point inside each unit of a level (for flow ends), WGS84."""

    def compute() -> dict[str, tuple[float, float]]:
        g = atlas.store.units(level=level, geometry=True)
        g = g[g.geometry.notna().to_numpy()]
        if g.empty:
            return {}
        pts = label_points(g.geometry.to_numpy())
        return {a: (float(x), float(y)) for a, (x, y) in zip(g["ags"], pts, strict=True)}

    return atlas.cache.get(("points", level), compute)


def outline(atlas: Atlas) -> dict[str, Any]:
    """The region outline (union of the core districts) and the state borders, WGS84."""

    def compute() -> dict[str, Any]:
        import shapely

        g = atlas.store.units(level="kreis", geometry=True)
        g = g[g.geometry.notna().to_numpy()]
        core = atlas.scope.core or frozenset(g["ags"])
        sel = g[g["ags"].isin(core).to_numpy()]
        if sel.empty:
            return feature_collection(np.array([]), [])
        union = shapely.union_all(sel.geometry.to_numpy())
        geoms = to_web(np.array([shapely.boundary(union)]), 250.0)
        return feature_collection(geoms, [{"kind": "region"}])

    return atlas.cache.get("outline", compute)


def all_names(atlas: Atlas, level: str) -> dict[str, str]:
    """Names of every unit of a level in the store (flow partners outside the scope too)."""

    def compute() -> dict[str, str]:
        u = atlas.store.units(level=level)
        return dict(zip(u["ags"].astype(str), u["name"], strict=True))

    return atlas.cache.get(("all_names", level), compute)
