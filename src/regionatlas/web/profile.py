"""A unit's profile: key figures with comparison, time series, commuter relations."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from regionatlas.web import flowmap

FLOW_LEVEL_OF = {"gemeinde": "gemeinde", "kreis": "kreis", "land": "land"}


def _num(v: Any) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _indexes(atlas) -> dict[str, Any]:
    """Observations grouped once per store version: by unit, and value lookups."""

    def compute() -> dict[str, Any]:
        obs = atlas.observations_all()
        units = atlas.units()
        level_of = dict(zip(units["ags"], units["level"], strict=True))
        obs = obs.assign(level=obs["ags"].map(level_of))
        by_ags: dict[str, dict[str, list]] = {}
        srt = obs.sort_values(["ags", "indicator", "period"])
        for a, i, p, v, f in zip(
            srt["ags"], srt["indicator"], srt["period"], srt["value"], srt["flag"], strict=True
        ):
            by_ags.setdefault(a, {}).setdefault(i, []).append(
                (p, _num(v), f if isinstance(f, str) else None)
            )
        children: dict[str, list] = {}
        for r in units[["ags", "name", "level", "parent"]].to_dict("records"):
            if isinstance(r["parent"], str):
                children.setdefault(r["parent"], []).append(
                    {"ags": r["ags"], "name": r["name"], "level": r["level"]}
                )
        value = {
            (a, i, p): v
            for a, i, p, v in zip(
                obs["ags"], obs["indicator"], obs["period"], obs["value"], strict=True
            )
        }
        peers = {
            key: np.sort(g["value"].dropna().to_numpy())
            for key, g in obs.groupby(["indicator", "period", "level"], sort=False)
        }
        return {"by_ags": by_ags, "value": value, "peers": peers, "children": children}

    return atlas._cached("profile_indexes", compute)


def profile_data(atlas, ags: str) -> dict[str, Any]:
    unit = atlas.unit(ags)
    names = atlas.names()
    level = unit["level"]
    idx = _indexes(atlas)
    state = ags[:2] if level != "land" else None
    figures, series = [], {}
    inds = {i["id"]: i for i in atlas.indicators()}
    for ind_id, grp in sorted(idx["by_ags"].get(ags, {}).items()):
        if ind_id not in inds:
            continue
        per, value, flag = grp[-1]
        level_vals = idx["peers"].get((ind_id, per, level), np.array([]))
        rank = None
        if value is not None and len(level_vals) > 1:
            rank = int(len(level_vals) - np.searchsorted(level_vals, value, side="right")) + 1

        def ref(key: str | None, ind_id=ind_id, per=per) -> float | None:
            return None if key is None else _num(idx["value"].get((key, ind_id, per)))

        figures.append(
            {
                "indicator": ind_id,
                "name_de": inds[ind_id]["name_de"],
                "name_en": inds[ind_id]["name_en"],
                "unit": inds[ind_id]["unit"],
                "period": per,
                "value": value,
                "flag": flag,
                "state": ref(state),
                "germany": ref("DE"),
                "median": float(np.median(level_vals)) if len(level_vals) else None,
                "rank": rank,
                "of": len(level_vals),
            }
        )
        if len(grp) > 1:
            series[ind_id] = [{"period": p, "value": v, "flag": f} for p, v, f in grp]
    flows = None
    if atlas.flow_periods():
        flevel = FLOW_LEVEL_OF.get(level)
        if flevel in atlas.flow_levels():
            flows = flowmap.ranked(atlas.unit_flows(flevel, ags), ags, atlas.all_names(flevel), 10)
            flows["period"] = atlas.resolve_flow_period(None)
            flows["level"] = flevel
    children = idx["children"].get(ags, [])
    parents = []
    parent_of = atlas.parents()
    p = unit.get("parent")
    while isinstance(p, str) and p in names:
        parents.append({"ags": p, "name": names[p]})
        p = parent_of.get(p)
    return {
        "unit": unit,
        "parents": parents,
        "children": children,
        "figures": figures,
        "series": series,
        "flows": flows,
        "attribution": atlas.attributions(),
    }
