"""A unit's profile: key figures with comparison, time series, commuter relations."""

from __future__ import annotations

from typing import Any

import pandas as pd

from regionatlas.web import flowmap

FLOW_LEVEL_OF = {"gemeinde": "gemeinde", "kreis": "kreis", "land": "land"}


def _num(v: Any) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def profile_data(atlas, ags: str) -> dict[str, Any]:
    unit = atlas.unit(ags)
    names = atlas.names()
    level = unit["level"]
    units = atlas.units()
    obs = atlas.observations_all()
    same_level = set(units.loc[units["level"] == level, "ags"])
    state = ags[:2] if level != "land" else None
    figures, series = [], {}
    inds = {i["id"]: i for i in atlas.indicators()}
    mine = obs[obs["ags"] == ags]
    for ind_id, grp in mine.groupby("indicator", sort=True):
        if ind_id not in inds:
            continue
        grp = grp.sort_values("period")
        last = grp.iloc[-1]
        per = last["period"]
        peers = obs[(obs["indicator"] == ind_id) & (obs["period"] == per)]
        level_vals = peers[peers["ags"].isin(same_level)]["value"].dropna()
        value = _num(last["value"])
        rank = None
        if value is not None and len(level_vals) > 1:
            rank = int((level_vals > value).sum()) + 1

        def ref(key: str | None, peers=peers) -> float | None:
            if key is None:
                return None
            row = peers[peers["ags"] == key]
            return _num(row["value"].iloc[0]) if not row.empty else None

        figures.append(
            {
                "indicator": ind_id,
                "name_de": inds[ind_id]["name_de"],
                "name_en": inds[ind_id]["name_en"],
                "unit": inds[ind_id]["unit"],
                "period": per,
                "value": value,
                "flag": last["flag"] if isinstance(last["flag"], str) else None,
                "state": ref(state),
                "germany": ref("DE"),
                "median": float(level_vals.median()) if len(level_vals) else None,
                "rank": rank,
                "of": len(level_vals),
            }
        )
        if len(grp) > 1:
            series[ind_id] = [
                {
                    "period": p,
                    "value": _num(v),
                    "flag": f if isinstance(f, str) else None,
                }
                for p, v, f in zip(grp["period"], grp["value"], grp["flag"], strict=True)
            ]
    flows = None
    if atlas.flow_periods():
        flevel = FLOW_LEVEL_OF.get(level)
        if flevel in atlas.flow_levels():
            f = atlas.flows(flevel)
            flows = flowmap.ranked(f, ags, atlas.all_names(flevel), top=10)
            flows["period"] = atlas.resolve_flow_period(None)
            flows["level"] = flevel
    children = units[units["parent"] == ags][["ags", "name", "level"]].to_dict("records")
    parents = []
    p = unit.get("parent")
    while isinstance(p, str) and p in names:
        parents.append({"ags": p, "name": names[p]})
        nxt = units.loc[units["ags"] == p, "parent"]
        p = nxt.iloc[0] if not nxt.empty else None
    return {
        "unit": unit,
        "parents": parents,
        "children": children,
        "figures": figures,
        "series": series,
        "flows": flows,
        "attribution": atlas.attributions(),
    }
