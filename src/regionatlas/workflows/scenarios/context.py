"""Build a ScenarioContext from the canonical store.

Places: the region's municipalities (``in_region`` = True) plus every municipality they
exchange commuters with (``in_region`` = False), with polygon centroids, ``population`` and
``area_km2`` (GV100AD observations), ``central_place`` (harmonised level label of the cited
central-place file) where present, ``state`` and ``district`` from the AGS.
Flows: municipal flows (level "gemeinde", group "total") of the chosen period with at least
one end in the region. ``estimate_basis`` is "modelled estimate" when any flow is flagged
"estimated" (municipal flows modelled from district totals), else "official".
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from regionatlas.analysis.geometry import polygon_centroids
from regionatlas.analysis.interaction import estimate_municipal_flows
from regionatlas.analysis.scenarios.context import ScenarioContext, build_context
from regionatlas.errors import NotFoundError
from regionatlas.region import Region
from regionatlas.store.base import Store

LEVEL_NAMES = {3: "Oberzentrum", 2: "Mittelzentrum", 1: "Grundzentrum", 0: "keine"}


def context_from_store(
    store: Store,
    region: Region | Iterable[str],
    *,
    period: str | None = None,
    include_ring: bool = False,
) -> ScenarioContext:
    """``region``: a ``regionatlas.region.Region`` or an iterable of district AGS."""
    districts, region_id = _districts(region, include_ring)
    if period is None:
        periods = store.periods("flow")
        if not periods:
            raise NotFoundError("the store holds no commuter flows; import them first")
        period = periods[-1]
    flows = store.flows(level="gemeinde", period=period, grp="total")
    all_units = store.units(level="gemeinde", geometry=True)
    notes: list[str] = []
    if flows.empty:
        flows = _estimated_flows(store, all_units, districts, period)
        notes.append(
            "municipal flows modelled from the published district flows "
            "(analysis.interaction.estimate_municipal_flows), between the region's districts"
        )
    o5 = flows["origin"].astype("str").str[:5]
    d5 = flows["destination"].astype("str").str[:5]
    flows = flows.loc[o5.isin(districts) | d5.isin(districts)]
    keys = set(flows["origin"].astype("str")) | set(flows["destination"].astype("str"))
    ags_all = all_units["ags"].astype("str")
    units = all_units.loc[ags_all.isin(keys) | ags_all.str[:5].isin(districts)]
    cent = polygon_centroids(units)
    frame = pd.DataFrame(
        {
            "ags": cent.index.to_numpy(),
            "x": cent["x"].to_numpy(),
            "y": cent["y"].to_numpy(),
        }
    )
    names = units.set_index(units["ags"].astype("str"))["name"]
    frame["name"] = names.reindex(frame["ags"]).to_numpy()
    frame["state"] = frame["ags"].str[:2]
    frame["district"] = frame["ags"].str[:5]
    frame["in_region"] = frame["district"].isin(districts)
    obs = store.observations(
        indicators=["population", "area_km2", "central_place_level"], ags=list(frame["ags"])
    )
    for ind, col in (("population", "population"), ("area_km2", "area_km2")):
        frame[col] = _latest(obs, ind).reindex(frame["ags"]).to_numpy()
    level = _latest(obs, "central_place_level")
    frame["central_place"] = (
        level.reindex(frame["ags"])
        .map(lambda v: LEVEL_NAMES.get(int(v)) if pd.notna(v) else None)
        .to_numpy()
    )
    ctx: ScenarioContext = build_context(
        frame,
        flows[["origin", "destination", "persons", "flag"]],
        period=period,
        region=region_id,
    )
    ctx.notes.extend(notes)
    return ctx


def _estimated_flows(
    store: Store, units: pd.DataFrame, districts: set[str], period: str
) -> pd.DataFrame:
    """Modelled municipal flows from the district flows of ``period`` (flag "estimated")."""
    kreis = store.flows(level="kreis", period=period, grp="total")
    if kreis.empty:
        raise NotFoundError(
            f"no commuter flows for period {period} (neither municipal nor district)",
            period=period,
        )
    mun = units.loc[units["ags"].astype("str").str[:5].isin(districts)]
    cent = polygon_centroids(mun)
    obs = store.observations(indicators=["population", "area_km2"], ags=list(cent.index))
    frame = cent[["x", "y"]].copy()
    frame["population"] = _latest(obs, "population").reindex(frame.index)
    frame["area_km2"] = _latest(obs, "area_km2").reindex(frame.index)
    frame["district"] = frame.index.str[:5]
    frame = frame.loc[frame["population"].notna()]
    res = estimate_municipal_flows(kreis, frame, districts=sorted(districts))
    return res.flows  # pooled partner keys stay; build_context keeps them aside, counted


def _latest(obs: pd.DataFrame, indicator: str) -> pd.Series:
    sub = obs.loc[obs["indicator"] == indicator].sort_values("period")
    return sub.groupby(sub["ags"].astype("str"))["value"].last()


def _districts(region: Region | Iterable[str], include_ring: bool) -> tuple[set[str], str | None]:
    if isinstance(region, Region):
        codes = region.all_district_codes if include_ring else region.core_codes
        return set(codes), region.id
    if isinstance(region, Iterable) and not isinstance(region, str):
        return {str(c) for c in region}, None
    raise NotFoundError(f"unknown region {region!r}")
