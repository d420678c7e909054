"""The atlas' read model: what pages, API and static export show, computed from the store.

``Atlas`` wraps one store URL and the region definition. It holds no state of its own beyond
caches keyed by the store's batch list (a new import or a rollback invalidates them), so any
number of workers can serve one database. Every store call goes through a per-thread store
handle (SQLite connections are not shared between threads).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from regionatlas.errors import NotFoundError, ParameterError
from regionatlas.web import flowmap
from regionatlas.web.classify import classify, diverging_colours, palette, preset_breaks, scale_of
from regionatlas.web.ended import feature_properties as ended_props
from regionatlas.web.geo import TOLERANCE_M, bbox, feature_collection, label_points, to_web

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


def default_cache_dir(store_url: str) -> Path:
    """``cache/`` next to a GeoPackage store, else ``var/cache`` (settings.VAR_DIR)."""
    from regionatlas.settings import VAR_DIR

    if "://" not in store_url:
        return Path(store_url).resolve().parent / "cache"
    return VAR_DIR.resolve() / "cache"


def load_scope(region_file: Path | None) -> Scope:
    if region_file is None:
        return Scope(None, "Deutschland", "Germany", frozenset(), frozenset())
    from regionatlas.region import load_region

    r = load_region(region_file)
    return Scope(r.id, r.name_de, r.name_en, r.all_district_codes, r.core_codes)


class Atlas:
    def __init__(
        self, store_url: str, region_file: Path | None = None, cache_dir: Path | None = None
    ) -> None:
        self.store_url = store_url
        self.region_file = region_file  # web.functional loads the Region from it
        self.scope = load_scope(region_file)
        # where results that take seconds (web.functional) persist across restarts
        self.cache_dir = cache_dir if cache_dir is not None else default_cache_dir(store_url)
        self._store: _LockedStore | None = None
        self._lock = threading.RLock()
        self._flights: dict[Any, threading.Lock] = {}
        self._cache: dict[Any, Any] = {}
        self._query_keys: list[Any] = []
        self._version: tuple = ()
        self._checked = -1e9

    # -- store access and cache -------------------------------------------------------------
    @property
    def store(self):
        """One store handle shared by all threads; calls are serialised by a lock (opening a
        store costs about a second, and nearly every request is answered from the caches)."""
        if self._store is None:
            with self._lock:
                if self._store is None:
                    from regionatlas.store import open_store

                    self._store = _LockedStore(open_store(self.store_url, create=False))
        return self._store

    REFRESH_SECONDS = 2.0

    def refresh(self, force: bool = False) -> None:
        """Drop caches when the store's batches changed (import or rollback); the store is
        asked at most every REFRESH_SECONDS."""
        now = time.monotonic()
        if not force and now - self._checked < self.REFRESH_SECONDS:
            return
        self._checked = now
        version = tuple(b.id for b in self.store.batches())
        if version != self._version:
            with self._lock:
                self._cache.clear()
                self._query_keys.clear()
                self._flights.clear()
                self._version = version

    @property
    def version(self) -> tuple:
        """The batch ids the caches belong to."""
        return self._version

    def json_bytes(self, key: Any, compute) -> bytes:
        """A cached payload serialised once (UTF-8 JSON)."""
        import json

        return self._cached(
            ("json", key),
            lambda: json.dumps(
                compute(), ensure_ascii=False, separators=(",", ":"), allow_nan=False
            ).encode("utf-8"),
        )

    def gzip_bytes(self, key: Any, compute) -> bytes:
        """The cached payload gzip-compressed once (served as is to clients accepting gzip)."""
        import gzip

        return self._cached(
            ("gzip", key), lambda: gzip.compress(self.json_bytes(key, compute), 5, mtime=0)
        )

    QUERY_CACHE_MAX = 512  # answers keyed by free query parameters: oldest evicted first

    def _cached(self, key: Any, compute):
        try:
            return self._cache[key]
        except KeyError:
            pass
        with self._lock:
            flight = self._flights.setdefault(key, threading.Lock())
        with flight:  # one computation per key: a request arriving meanwhile waits for it
            try:
                return self._cache[key]
            except KeyError:
                pass
            value = compute()
            self._cache[key] = value
            inner = key[1] if isinstance(key, tuple) and len(key) == 2 else None
            if isinstance(inner, tuple) and inner[:1] == ("query",):
                self._query_keys.append(key)
                while len(self._query_keys) > 2 * self.QUERY_CACHE_MAX:  # json + gzip
                    self._cache.pop(self._query_keys.pop(0), None)
            with self._lock:  # later callers find the value; the lock is not needed any more
                if self._flights.get(key) is flight:
                    del self._flights[key]
            return value

    def load_saved(self) -> bool:
        """Seed the caches with results saved by an earlier run for the same store state
        (web.functional_cache); False when there are none (errors surface on request)."""
        from regionatlas.web import functional_cache

        try:
            self.refresh(force=True)
            return functional_cache.load_cached(self)
        except Exception:
            return False

    def warm(self) -> None:
        """Compute what the start page, the flow map and the regions page with its municipal
        layers need (errors surface on request). Runs in a background thread at start-up:
        first the saved functional layers (a cache file, fast), then the start page, the
        flow map, and last whatever of the regions page is still missing (seconds)."""
        from regionatlas.web import functional_cache

        self.load_saved()
        try:
            for level in ("kreis", "land", *self.levels()):
                self.geometry(level)
            self.outline()
            inds = [i for i in self.indicators() if i["periods"] and i["levels"]]
            for ind in inds[:3]:
                for level in ind["levels"]:
                    self.values(ind["id"], level, None)
            from regionatlas.web.pages.flows import flows_page_body
            from regionatlas.web.pages.maps import map_page_bytes

            for lang in ("de", "en"):
                map_page_bytes(self, lang, compressed=True)  # also compiles the templates
            if self.flow_periods():
                for level in self.flow_levels():
                    self.flow_compact(level, None)
                flows_page_body(self, "de")
        except Exception:
            pass
        try:
            functional_cache.warm(self)
            from regionatlas.web.pages.regions import regions_page_body

            for lang in ("de", "en"):
                regions_page_body(self, lang)
        except Exception:
            pass

    # -- units ------------------------------------------------------------------------------
    def units(self) -> pd.DataFrame:
        """Every unit in scope (all levels, no geometry), plus land and staat rows."""

        def compute() -> pd.DataFrame:
            u = self.store.units()
            u = u[[c for c in u.columns if c != "geometry"]].copy()
            u["ags"] = u["ags"].astype(str)
            keep = u["ags"].map(self.scope.contains) | u["level"].isin(["staat", "land"])
            u = u[keep.to_numpy()]
            u = u.assign(_o=u["level"].map(LEVEL_ORDER)).sort_values(["_o", "ags"])
            return u.drop(columns="_o").reset_index(drop=True)

        return self._cached("units", compute)

    def names(self) -> dict[str, str]:
        return self._cached(
            "names", lambda: dict(zip(self.units()["ags"], self.units()["name"], strict=True))
        )

    def unit(self, ags: str) -> dict[str, Any]:
        rows = self._cached(
            "unit_rows", lambda: {r["ags"]: _clean(r) for r in self.units().to_dict("records")}
        )
        if ags not in rows:
            raise NotFoundError(
                f"unknown AGS {ags!r}: no such unit in this atlas",
                value=ags,
                expected="a key of /api/v1/units",
            )
        return dict(rows[ags])

    def parents(self) -> dict[str, str]:
        u = self.units()
        return self._cached(
            "parents",
            lambda: {
                a: p for a, p in zip(u["ags"], u["parent"], strict=True) if isinstance(p, str)
            },
        )

    def search_index(self) -> list[tuple[dict[str, Any], set[str]]]:
        from regionatlas.web.search import build_index

        return self._cached("search_index", lambda: build_index(self.units()))

    def check_key(self, ags: str) -> str:
        """A known key: a unit in scope or any stored unit (flow partners outside the region)."""
        level = {2: "land", 5: "kreis", 8: "gemeinde"}.get(len(ags))
        if ags in self.names() or (level and ags in self.all_names(level)):
            return ags
        raise NotFoundError(f"unknown AGS {ags!r}", value=ags, expected="a key of /api/v1/units")

    def levels(self) -> list[str]:
        present = set(self.units()["level"])
        return [lv for lv in MAP_LEVELS if lv in present]

    def check_level(self, level: str, allowed=MAP_LEVELS) -> str:
        if level not in allowed:
            raise ParameterError(
                f"unknown level {level!r}", value=level, expected=", ".join(allowed)
            )
        return level

    def geometry(self, level: str) -> dict[str, Any]:
        """Simplified WGS84 GeoJSON of the level's units in scope (ags, name, parent, state)."""
        self.check_level(level, ("land", *MAP_LEVELS))

        def compute() -> dict[str, Any]:
            g = self.store.units(level=level, geometry=True)
            g = g[g["ags"].astype(str).map(self.scope.contains).to_numpy()]
            g = g[g.geometry.notna().to_numpy()].sort_values("ags")
            if g.empty:
                return feature_collection(np.array([]), [], {"bbox": None})
            geoms = to_web(g.geometry.to_numpy(), TOLERANCE_M.get(level, 100.0))
            ended = self.ended_units(level) if level != "land" else {}
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

        return self._cached(("geometry", level), compute)

    def ended_units(self, level: str) -> dict[str, dict[str, Any]]:
        """Units of the level in scope that the boundaries still show but the reference
        Gebietsstand no longer lists, with their reason (web.ended)."""
        from regionatlas.web.ended import ended_units, load_notes

        def compute() -> dict[str, dict[str, Any]]:
            u = self.store.units(level=level)
            u = u[u["ags"].astype(str).map(self.scope.contains).to_numpy()]
            return ended_units(u, load_notes())

        return self._cached(("ended", level), compute)

    def points(self, level: str) -> dict[str, tuple[float, float]]:
        """A point inside each unit of a level (for flow ends), WGS84."""

        def compute() -> dict[str, tuple[float, float]]:
            g = self.store.units(level=level, geometry=True)
            g = g[g.geometry.notna().to_numpy()]
            if g.empty:
                return {}
            pts = label_points(g.geometry.to_numpy())
            return {a: (float(x), float(y)) for a, (x, y) in zip(g["ags"], pts, strict=True)}

        return self._cached(("points", level), compute)

    def outline(self) -> dict[str, Any]:
        """The region outline (union of the core districts) and the state borders, WGS84."""

        def compute() -> dict[str, Any]:
            import shapely

            g = self.store.units(level="kreis", geometry=True)
            g = g[g.geometry.notna().to_numpy()]
            core = self.scope.core or frozenset(g["ags"])
            sel = g[g["ags"].isin(core).to_numpy()]
            if sel.empty:
                return feature_collection(np.array([]), [])
            union = shapely.union_all(sel.geometry.to_numpy())
            geoms = to_web(np.array([shapely.boundary(union)]), 250.0)
            return feature_collection(geoms, [{"kind": "region"}])

        return self._cached("outline", compute)

    # -- indicators and observations --------------------------------------------------------
    def indicators(self) -> list[dict[str, Any]]:
        def compute() -> list[dict[str, Any]]:
            cat = self.store.indicators()
            obs_periods = self._indicator_periods()
            out = []
            for row in cat.to_dict("records"):
                row = _clean(row)
                info = obs_periods.get(row["id"], {})
                row["periods"] = sorted(info.get("periods", []))
                row["levels"] = [lv for lv in MAP_LEVELS if lv in info.get("levels", set())]
                out.append(row)
            return out

        return self._cached("indicators", compute)

    def _indicator_periods(self) -> dict[str, dict[str, set]]:
        obs = self.observations_all()
        u = self.units().set_index("ags")["level"]
        lv = obs["ags"].map(u)
        out: dict[str, dict[str, set]] = {}
        for (ind, per, level), _ in obs.assign(level=lv).groupby(
            ["indicator", "period", "level"], sort=False
        ):
            d = out.setdefault(ind, {"periods": set(), "levels": set()})
            d["periods"].add(per)
            d["levels"].add(level)
        return out

    def observations_all(self) -> pd.DataFrame:
        def compute() -> pd.DataFrame:
            o = self.store.observations()
            o = o.assign(ags=o["ags"].astype(str))
            names = set(self.units()["ags"]) | {"DE"}  # Germany: a reference, not always a unit
            return o[o["ags"].isin(names).to_numpy()].reset_index(drop=True)

        return self._cached("observations", compute)

    def indicator(self, indicator_id: str) -> dict[str, Any]:
        for row in self.indicators():
            if row["id"] == indicator_id:
                return row
        raise NotFoundError(
            f"unknown indicator {indicator_id!r}",
            value=indicator_id,
            expected="an id of /api/v1/indicators",
        )

    def resolve_period(self, ind: dict[str, Any], period: str | None) -> str:
        if not ind["periods"]:
            raise NotFoundError(f"indicator {ind['id']!r} has no data in this atlas")
        if period is None or period == "latest":
            return ind["periods"][-1]
        if period not in ind["periods"]:
            raise NotFoundError(
                f"indicator {ind['id']!r} has no data for period {period!r}",
                value=period,
                expected=", ".join(ind["periods"]),
            )
        return period

    def values(self, indicator_id: str, level: str, period: str | None = None) -> dict[str, Any]:
        """Values of one indicator at one level and period, with state and Germany references."""
        self.check_level(level)
        ind = self.indicator(indicator_id)
        per = self.resolve_period(ind, period)

        def compute() -> dict[str, Any]:
            obs = self.observations_all()
            obs = obs[(obs["indicator"] == indicator_id) & (obs["period"] == per)]
            u = self.units()
            lvl_units = u[u["level"] == level][["ags", "name", "parent"]]
            merged = lvl_units.merge(obs[["ags", "value", "flag"]], on="ags", how="left")
            rows = [
                {
                    "ags": r["ags"],
                    "name": r["name"],
                    "value": None if pd.isna(r["value"]) else float(r["value"]),
                    "flag": r["flag"] if isinstance(r["flag"], str) else None,
                }
                for r in merged.to_dict("records")
            ]
            refs = obs[obs["ags"].str.len() <= 2]
            names = self.names()
            references = [
                {
                    "ags": a,
                    "name": names.get(a, "Deutschland" if a == "DE" else a),
                    "value": None if pd.isna(v) else float(v),
                    "flag": f if isinstance(f, str) else None,
                }
                for a, v, f in zip(refs["ags"], refs["value"], refs["flag"], strict=True)
            ]
            nums = [r["value"] for r in rows]
            scale = scale_of(nums, ind["unit"], int(ind.get("polarity") or 0))
            presets = preset_breaks(nums, scale, PRESET_K)
            return {
                "indicator": indicator_id,
                "level": level,
                "period": per,
                "unit": ind["unit"],
                "rows": rows,
                "references": references,
                "breaks": presets,
                "scale": scale,
            }

        return self._cached(("values", indicator_id, level, per), compute)

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
        v = self.values(indicator_id, level, period)
        sc = v["scale"]
        c = classify(
            [r["value"] for r in v["rows"]],
            method,
            k,
            breaks,
            centre=sc["centre"],
            digits=sc["digits"],
        )
        if c.diverging:
            colours = list(diverging_colours(c.n_below, c.k - c.n_below, sc["polarity"]))
        else:
            colours = list(palette(scheme, max(c.k, 1)))
        return {
            **v,
            "classification": {**c.to_dict(), "colours": colours, "scheme": scheme},
            "classes": c.classes,
        }

    # -- flows ------------------------------------------------------------------------------
    def flow_periods(self) -> list[str]:
        return self._cached("flow_periods", lambda: self.store.periods("flow"))

    def resolve_flow_period(self, period: str | None) -> str:
        periods = self.flow_periods()
        if not periods:
            raise NotFoundError("this atlas holds no commuter flows")
        if period is None or period == "latest":
            return periods[-1]
        if period not in periods:
            raise NotFoundError(
                f"no flows for period {period!r}", value=period, expected=", ".join(periods)
            )
        return period

    def flow_levels(self) -> list[str]:
        """Levels flows can be shown at: the stored ones and everything coarser."""

        def compute() -> list[str]:
            f = self.raw_flows(None)
            stored = set(f["level"]) if "level" in f else set()
            finest = max((LEVEL_ORDER[s] for s in stored if s in LEVEL_ORDER), default=-1)
            return [lv for lv in FLOW_LEVELS if LEVEL_ORDER[lv] <= finest]

        return self._cached("flow_levels", compute)

    def raw_flows(self, period: str | None) -> pd.DataFrame:
        per = self.resolve_flow_period(period)

        def compute() -> pd.DataFrame:
            f = self.store.flows(period=per, grp="total")
            f = f.assign(origin=f["origin"].astype(str), destination=f["destination"].astype(str))
            if self.scope.districts:
                inside = f["origin"].str.slice(0, 5).isin(self.scope.districts) | f[
                    "destination"
                ].str.slice(0, 5).isin(self.scope.districts)
                f = f[inside.to_numpy()]
            # The finest level available for every pair: municipal flows if present.
            return f.reset_index(drop=True)

        return self._cached(("raw_flows", per), compute)

    def flows(self, level: str, period: str | None = None) -> pd.DataFrame:
        self.check_level(level, FLOW_LEVELS)
        if level not in self.flow_levels():
            raise NotFoundError(
                f"no flows at level {level!r} in this atlas",
                value=level,
                expected=", ".join(self.flow_levels()),
            )
        per = self.resolve_flow_period(period)

        def compute() -> pd.DataFrame:
            raw = self.raw_flows(per)
            stored = raw[raw["level"] == level] if level in set(raw["level"]) else None
            if stored is not None and not stored.empty:
                src = stored
            else:  # aggregate the finest stored level
                finest = max(set(raw["level"]), key=lambda s: LEVEL_ORDER.get(s, -1))
                src = raw[raw["level"] == finest]
            agg = flowmap.aggregate(src, level)
            if self.scope.districts:
                d = self.scope.districts
                n = flowmap.PREFIX[level]
                if n >= 5:
                    inside = agg["origin"].str.slice(0, 5).isin(d) | agg["destination"].str.slice(
                        0, 5
                    ).isin(d)
                else:
                    states = {x[:2] for x in d}
                    inside = agg["origin"].isin(states) | agg["destination"].isin(states)
                agg = agg[inside.to_numpy()]
            return agg.reset_index(drop=True)

        return self._cached(("flows", level, per), compute)

    def flows_classified(self, level: str, period: str | None = None) -> pd.DataFrame:
        """``flows`` with the cross-border columns, computed once."""
        per = self.resolve_flow_period(period)
        return self._cached(
            ("flows_cross", level, per), lambda: flowmap.classify_cross(self.flows(level, per))
        )

    def unit_flows(self, level: str, ags: str, period: str | None = None) -> pd.DataFrame:
        """The flows of one unit (either end), via a per-unit index of the level's flows."""
        per = self.resolve_flow_period(period)

        def compute() -> dict[str, pd.DataFrame]:
            f = self.flows(level, per)
            out: dict[str, list] = {}
            for i, (o, d) in enumerate(zip(f["origin"], f["destination"], strict=True)):
                out.setdefault(o, []).append(i)
                out.setdefault(d, []).append(i)
            return {k: f.iloc[v] for k, v in out.items()}

        idx = self._cached(("unit_flows", level, per), compute)
        return idx.get(ags, self.flows(level, per).iloc[0:0])

    def flow_compact(self, level: str, period: str | None = None) -> dict[str, Any]:
        """The flow map's data in a compact form: located ends, names, [o, d, persons, flag].

        Suppressed flows (no number) are counted, not listed; the browser draws the arcs.
        """
        per = self.resolve_flow_period(period)

        def compute() -> dict[str, Any]:
            f = self.flows(level, per)
            pts = self.points(level)
            names = self.all_names(level)
            known = f["persons"].notna() & f["origin"].isin(pts) & f["destination"].isin(pts)
            g = f[known.to_numpy()].sort_values("persons")
            keys = sorted(set(g["origin"]) | set(g["destination"]))
            return {
                "level": level,
                "period": per,
                "points": {k: list(pts[k]) for k in keys},
                "names": {k: names.get(k, k) for k in keys},
                "flows": [
                    [o, d, float(p), fl if isinstance(fl, str) else None]
                    for o, d, p, fl in zip(
                        g["origin"], g["destination"], g["persons"], g["flag"], strict=True
                    )
                ],
                "suppressed": int(f["persons"].isna().sum()),
                "unlocated": int((f["persons"].notna() & ~known).sum()),
            }

        return self._cached(("flow_compact", level, per), compute)

    def communities(self, level: str, period: str | None = None) -> dict[str, Any]:
        """Leiden communities of the flows between the scope's units (analysis.communities),
        with their flow modularity. Only published, located flows between two units of the
        scope enter; flows inside a unit are not published at this level and are missing."""
        per = self.resolve_flow_period(period)

        def compute() -> dict[str, Any]:
            from regionatlas.analysis.communities import flow_modularity, leiden_communities

            f = self.flows(level, per)
            inside = set(self.units().loc[self.units()["level"] == level, "ags"])
            f = f[f["origin"].isin(inside) & f["destination"].isin(inside) & f["persons"].notna()]
            if f.empty:
                raise NotFoundError(f"no flows between units at level {level!r}")
            od = pd.DataFrame(
                {
                    "community_live": f["origin"].to_numpy(dtype=object),
                    "community_work": f["destination"].to_numpy(dtype=object),
                    "amount": f["persons"].to_numpy(dtype=float),
                }
            )
            membership = leiden_communities(od)
            return {
                "method": "leiden",
                "level": level,
                "period": per,
                "modularity": round(float(flow_modularity(od, membership)), 4),
                "clusters": {str(k): int(v) for k, v in membership.items()},
                "n_clusters": int(membership.nunique()),
            }

        return self._cached(("communities", level, per), compute)

    def flow_lines(self, level: str, period: str | None = None) -> dict[str, Any]:
        per = self.resolve_flow_period(period)

        def compute() -> dict[str, Any]:
            f = self.flows(level, per)
            feats = flowmap.line_features(f, self.points(level), self.all_names(level))
            return {
                "type": "FeatureCollection",
                "features": feats,
                "level": level,
                "period": per,
                "suppressed": int(f["persons"].isna().sum()),
            }

        return self._cached(("flow_lines", level, per), compute)

    def all_names(self, level: str) -> dict[str, str]:
        """Names of every unit of a level in the store (flow partners outside the scope too)."""

        def compute() -> dict[str, str]:
            u = self.store.units(level=level)
            return dict(zip(u["ags"].astype(str), u["name"], strict=True))

        return self._cached(("all_names", level), compute)

    # -- batches ----------------------------------------------------------------------------
    def batches(self) -> list[dict[str, Any]]:
        from dataclasses import asdict

        return [asdict(b) for b in self.store.batches()]

    def attributions(self) -> list[str]:
        def compute() -> list[str]:
            seen: list[str] = []
            for b in self.store.batches():
                if b.attribution and b.attribution not in seen:
                    seen.append(b.attribution)
            return seen

        return self._cached("attributions", compute)

    @cached_property
    def region_name(self) -> dict[str, str]:
        return {"de": self.scope.name_de, "en": self.scope.name_en}

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


class _LockedStore:
    """Wraps a store so that each method call holds one lock (SQLite connections must not be
    used by two threads at once)."""

    def __init__(self, store) -> None:
        self._inner = store
        self._lock = threading.Lock()

    def __getattr__(self, name: str):
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            with self._lock:
                return attr(*args, **kwargs)

        return call


def _clean(row: dict[str, Any]) -> dict[str, Any]:
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
