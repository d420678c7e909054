"""A unit's profile: key figures with comparison, time series, commuter relations, structure
(``profile_structure``), functional region and central-place role (``profile_functional``).
The region's own profile is ``profile_region.region_profile_data``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from regionatlas.web import flowmap
from regionatlas.web.profile_commuters import district_commuters, municipal_commuters
from regionatlas.web.profile_functional import central_place_role, functional_region
from regionatlas.web.profile_structure import (
    structure,
    structure_indicator_ids,
    structure_specs,
)

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas

FLOW_LEVEL_OF = {"gemeinde": "gemeinde", "kreis": "kreis", "land": "land"}


def _num(v: Any) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _indexes(atlas: Atlas) -> dict[str, Any]:
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

    return atlas.cached("profile_indexes", compute)


def structure_specs_for(atlas: Atlas) -> dict[str, list[dict[str, Any]]]:
    """Sector and age-band indicators of the packaged catalogue (``structure`` keys)."""

    def compute():
        from regionatlas.indicators.catalogue import catalogue

        return structure_specs(catalogue())

    return atlas.cached(("profile", "structure_specs"), compute)


def figures_and_series(
    atlas: Atlas,
    series: dict[str, list],
    specs: dict[str, list[dict[str, Any]]],
    level: str | None,
    state: str | None,
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Key figures (newest period, with state, Germany, median and rank among the level's
    units) and time series of a unit's catalogue indicators; structure indicators are left to
    the structure charts. ``level`` None: no peers (the region has none)."""
    idx = _indexes(atlas)
    inds = {i["id"]: i for i in atlas.indicators()}
    skip = structure_indicator_ids(specs)
    figures, out_series = [], {}
    for ind_id, grp in sorted(series.items()):
        if ind_id not in inds or ind_id in skip:
            continue
        per, value, flag = grp[-1]
        level_vals = idx["peers"].get((ind_id, per, level), np.array([])) if level else []
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
            out_series[ind_id] = [{"period": p, "value": v, "flag": f} for p, v, f in grp]
    return figures, out_series


def profile_data(
    atlas: Atlas, ags: str, specs: dict[str, list[dict[str, Any]]] | None = None
) -> dict[str, Any]:
    """Everything a unit's profile shows. ``specs``: the structure indicators (default: those
    of the packaged catalogue, see ``profile_structure.structure_specs``)."""
    unit = atlas.unit(ags)
    names = atlas.names()
    level = unit["level"]
    idx = _indexes(atlas)
    state = ags[:2] if level != "land" else None
    specs = specs if specs is not None else structure_specs_for(atlas)
    series = idx["by_ags"].get(ags, {})
    figures, chart_series = figures_and_series(atlas, series, specs, level, state)
    flows = None
    if atlas.flow_periods():
        flevel = FLOW_LEVEL_OF.get(level)
        if flevel in atlas.flow_levels():
            flows = flowmap.ranked(atlas.unit_flows(flevel, ags), ags, atlas.all_names(flevel), 10)
            flows["period"] = atlas.resolve_flow_period(None)
            flows["level"] = flevel
    commuters = None
    if level == "gemeinde":  # its own figures (official or modelled) and its district's
        own = municipal_commuters(atlas, ags)
        if flows is None and own is not None:
            flows = own
        commuters = {"own": own, "district": district_commuters(atlas, ags[:5], idx["by_ags"])}
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
        "series": chart_series,
        "flows": flows,
        "commuters": commuters,
        "structure": structure(series, specs),
        "functional": functional_region(atlas, ags, level),
        "central_place": central_place_role(atlas, ags, level),
        "attribution": atlas.attributions(),
    }
