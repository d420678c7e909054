"""Commuter flows: periods and levels, the flows of a level (aggregated from the finest
stored level), one unit's flows, the flow map's compact form and lines, and the Leiden
communities of the flows between the scope's units (through ``workflows``).

Functions over the read model's context (``web.atlas.Atlas``); cached per store version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from regionatlas.errors import NotFoundError
from regionatlas.web import flowmap
from regionatlas.web.read.scope import FLOW_LEVELS, LEVEL_ORDER

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas


def flow_periods(atlas: Atlas) -> list[str]:
    return atlas.cache.get("flow_periods", lambda: atlas.store.periods("flow"))


def resolve_flow_period(atlas: Atlas, period: str | None) -> str:
    periods = atlas.flow_periods()
    if not periods:
        raise NotFoundError("this atlas holds no commuter flows")
    if period is None or period == "latest":
        return periods[-1]
    if period not in periods:
        raise NotFoundError(
            f"no flows for period {period!r}", value=period, expected=", ".join(periods)
        )
    return period


def flow_levels(atlas: Atlas) -> list[str]:
    """Levels flows can be shown at: the stored ones and everything coarser."""

    def compute() -> list[str]:
        f = atlas.raw_flows(None)
        stored = set(f["level"]) if "level" in f else set()
        finest = max((LEVEL_ORDER[s] for s in stored if s in LEVEL_ORDER), default=-1)
        return [lv for lv in FLOW_LEVELS if LEVEL_ORDER[lv] <= finest]

    return atlas.cache.get("flow_levels", compute)


def raw_flows(atlas: Atlas, period: str | None) -> pd.DataFrame:
    per = atlas.resolve_flow_period(period)

    def compute() -> pd.DataFrame:
        f = atlas.store.flows(period=per, grp="total")
        f = f.assign(origin=f["origin"].astype(str), destination=f["destination"].astype(str))
        if atlas.scope.districts:
            inside = f["origin"].str.slice(0, 5).isin(atlas.scope.districts) | f[
                "destination"
            ].str.slice(0, 5).isin(atlas.scope.districts)
            f = f[inside.to_numpy()]
        # The finest level available for every pair: municipal flows if present.
        return f.reset_index(drop=True)

    return atlas.cache.get(("raw_flows", per), compute)


def flows(atlas: Atlas, level: str, period: str | None = None) -> pd.DataFrame:
    atlas.check_level(level, FLOW_LEVELS)
    if level not in atlas.flow_levels():
        raise NotFoundError(
            f"no flows at level {level!r} in this atlas",
            value=level,
            expected=", ".join(atlas.flow_levels()),
        )
    per = atlas.resolve_flow_period(period)

    def compute() -> pd.DataFrame:
        raw = atlas.raw_flows(per)
        stored = raw[raw["level"] == level] if level in set(raw["level"]) else None
        if stored is not None and not stored.empty:
            src = stored
        else:  # aggregate the finest stored level
            finest = max(set(raw["level"]), key=lambda s: LEVEL_ORDER.get(s, -1))
            src = raw[raw["level"] == finest]
        agg = flowmap.aggregate(src, level)
        if atlas.scope.districts:
            d = atlas.scope.districts
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

    return atlas.cache.get(("flows", level, per), compute)


def flows_classified(atlas: Atlas, level: str, period: str | None = None) -> pd.DataFrame:
    """``flows`` with the cross-border columns, computed once."""
    per = atlas.resolve_flow_period(period)
    return atlas.cache.get(
        ("flows_cross", level, per), lambda: flowmap.classify_cross(atlas.flows(level, per))
    )


def unit_flows(atlas: Atlas, level: str, ags: str, period: str | None = None) -> pd.DataFrame:
    """The flows of one unit (either end), via a per-unit index of the level's flows."""
    per = atlas.resolve_flow_period(period)

    def compute() -> dict[str, pd.DataFrame]:
        f = atlas.flows(level, per)
        out: dict[str, list] = {}
        for i, (o, d) in enumerate(zip(f["origin"], f["destination"], strict=True)):
            out.setdefault(o, []).append(i)
            out.setdefault(d, []).append(i)
        return {k: f.iloc[v] for k, v in out.items()}

    idx = atlas.cache.get(("unit_flows", level, per), compute)
    return idx.get(ags, atlas.flows(level, per).iloc[0:0])


def flow_compact(atlas: Atlas, level: str, period: str | None = None) -> dict[str, Any]:
    """The flow map's data in a compact form: located ends, names, [o, d, persons, flag].

    Suppressed flows (no number) are counted, not listed; the browser draws the arcs.
    """
    per = atlas.resolve_flow_period(period)

    def compute() -> dict[str, Any]:
        f = atlas.flows(level, per)
        pts = atlas.points(level)
        names = atlas.all_names(level)
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

    return atlas.cache.get(("flow_compact", level, per), compute)


def communities(atlas: Atlas, level: str, period: str | None = None) -> dict[str, Any]:
    """Leiden communities of the flows between the scope's units (workflows.flow_communities),
    with their flow modularity. Only published, located flows between two units of the
    scope enter; flows inside a unit are not published at this level and are missing."""
    per = atlas.resolve_flow_period(period)

    def compute() -> dict[str, Any]:
        from regionatlas.workflows.flow_communities import flow_communities

        f = atlas.flows(level, per)
        inside = set(atlas.units().loc[atlas.units()["level"] == level, "ags"])
        f = f[f["origin"].isin(inside) & f["destination"].isin(inside) & f["persons"].notna()]
        if f.empty:
            raise NotFoundError(f"no flows between units at level {level!r}")
        found = flow_communities(f["origin"], f["destination"], f["persons"])
        membership = found.membership
        return {
            "method": "leiden",
            "level": level,
            "period": per,
            "modularity": round(found.modularity, 4),
            "clusters": {str(k): int(v) for k, v in membership.items()},
            "n_clusters": int(membership.nunique()),
        }

    return atlas.cache.get(("communities", level, per), compute)


def flow_lines(atlas: Atlas, level: str, period: str | None = None) -> dict[str, Any]:
    per = atlas.resolve_flow_period(period)

    def compute() -> dict[str, Any]:
        f = atlas.flows(level, per)
        feats = flowmap.line_features(f, atlas.points(level), atlas.all_names(level))
        return {
            "type": "FeatureCollection",
            "features": feats,
            "level": level,
            "period": per,
            "suppressed": int(f["persons"].isna().sum()),
        }

    return atlas.cache.get(("flow_lines", level, per), compute)
