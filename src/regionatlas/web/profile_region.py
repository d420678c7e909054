"""The profile of the whole region: its core districts added up.

Additive indicators (catalogue ``additive = true``) are summed over the core districts with
``indicators.derive.aggregate_observations`` (a member's marker makes the sum that marker,
never a partial number); a period at which a core district has no observation at all gives
no regional value. Derived indicators are computed from those sums by their catalogue formula.
Flags other than the markers (e.g. "derived") do not stop a sum.
Commuter relations are the district flows aggregated with ``analysis.aggregate``: flows
between core districts become internal, the rest are the region's relations with the outside.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from regionatlas.errors import NotFoundError
from regionatlas.web import flowmap

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas

REGION_KEY = "region"


def _catalogue(atlas: Atlas) -> pd.DataFrame:
    """The packaged catalogue (additive flags, formulas) for the indicators this store knows."""
    from regionatlas.indicators.catalogue import catalogue

    known = {i["id"] for i in atlas.indicators()}
    cat = catalogue()
    return cat[cat["id"].isin(known)].reset_index(drop=True)


def region_observations(atlas: Atlas) -> pd.DataFrame:
    """Observations of the region (ags = the region id): summed and derived, per period."""

    def compute() -> pd.DataFrame:
        from regionatlas.indicators.derive import aggregate_observations, derive_indicators

        scope = atlas.scope
        rid = scope.region_id
        core = sorted(scope.core)
        obs = atlas.observations_all()
        obs = obs[obs["ags"].isin(core).to_numpy()]
        cat = _catalogue(atlas)
        mapping = pd.Series(rid, index=pd.Index(core, name="ags"))
        agg = aggregate_observations(obs, mapping, cat)
        # a period at which a core district has no observation has no regional value
        n = obs.groupby(["indicator", "period"])["ags"].nunique()
        complete = {k for k, v in n.items() if v == len(core)}
        keep = [(i, p) in complete for i, p in zip(agg["indicator"], agg["period"], strict=True)]
        agg = agg[keep]
        if agg.empty:
            return agg
        derived = derive_indicators(agg, cat)
        frames = [f for f in (agg, derived) if not f.empty]
        if not frames:
            return agg
        return pd.concat(frames, ignore_index=True)

    return atlas.cached(("profile", "region_observations"), compute)


def _region_flows(atlas: Atlas, rid: str, name: str) -> dict[str, Any] | None:
    if not atlas.flow_periods() or "kreis" not in atlas.flow_levels():
        return None
    from regionatlas.workflows.region_flows import region_outside_flows

    agg = region_outside_flows(atlas.flows("kreis"), atlas.scope.core, rid)
    names = {**atlas.all_names("kreis"), rid: name}
    flows = flowmap.ranked(agg, rid, names, 10)
    flows["period"] = atlas.resolve_flow_period(None)
    flows["level"] = "kreis"
    return flows


def region_profile_data(atlas: Atlas, specs: dict | None = None) -> dict[str, Any]:
    """The region's profile in the shape of ``profile.profile_data``: figures (with Germany
    for comparison), series, flows with the outside, structure, functional summary, central
    places, and the core and ring districts as children."""
    from regionatlas.web.profile import figures_and_series, structure_specs_for
    from regionatlas.web.profile_functional import central_place_role, region_functional
    from regionatlas.web.profile_structure import structure

    scope = atlas.scope
    if scope.region_id is None or not scope.core:
        raise NotFoundError("the atlas runs without a region: no region profile", value=REGION_KEY)
    rid = scope.region_id
    specs = specs if specs is not None else structure_specs_for(atlas)
    obs = region_observations(atlas)
    series: dict[str, list] = {}
    for i, p, v, f in zip(obs["indicator"], obs["period"], obs["value"], obs["flag"], strict=True):
        v = None if pd.isna(v) else float(v)
        series.setdefault(i, []).append((p, v, f if isinstance(f, str) else None))
    series = {i: sorted(s) for i, s in series.items()}
    figures, chart_series = figures_and_series(atlas, series, specs, level=None, state=None)
    names = atlas.names()
    unit = {
        "ags": REGION_KEY,
        "region_id": rid,
        "name": atlas.region_name["de"],
        "name_en": atlas.region_name["en"],
        "level": "region",
        "parent": None,
    }
    children = [
        {"ags": a, "name": names.get(a, a), "level": "kreis", "role": "core"}
        for a in sorted(scope.core)
    ] + [
        {"ags": a, "name": names.get(a, a), "level": "kreis", "role": "ring"}
        for a in sorted(scope.districts - scope.core)
        if a in names
    ]
    return {
        "unit": unit,
        "parents": [],
        "children": children,
        "figures": figures,
        "series": chart_series,
        "flows": _region_flows(atlas, rid, atlas.region_name["de"]),
        "structure": structure(series, specs),
        "functional": region_functional(atlas),
        "central_place": central_place_role(atlas, None, "region", scope.core),
        "aggregation": {
            "members": sorted(scope.core),
            "method": "sum of the core districts (additive indicators); derived by formula",
        },
        "attribution": atlas.attributions(),
    }
