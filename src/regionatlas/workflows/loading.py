"""Loading what the flow workflows need from a store (the I/O side of ``workflows``).

Every loader reads through the ``Store`` protocol only and records the batches it used in a
``Provenance``. Nothing is cached here: callers (web app, CLI) cache results if they want.

Municipalities of a region are those of its core and ring districts at the newest
Gebietsstand in the store (GV100AD 30.11.2023 in the bundle). A municipality formed by a
merger after the boundaries' Gebietsstand gets the union of its predecessors' polygons (via
the store's unit changes) for its centroid.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from regionatlas.analysis.aggregate import sum_by_group
from regionatlas.analysis.flowframe import is_pseudo_key
from regionatlas.analysis.geometry import polygon_centroids, weighted_centroids
from regionatlas.errors import NotFoundError, ParameterError
from regionatlas.region import Region
from regionatlas.store.base import Store
from regionatlas.workflows.basis import Provenance
from regionatlas.workflows.ingest.boundaries import successors


def flow_period(store: Store, period: str | None) -> str:
    """``period`` if the store holds flows for it, else the latest flow period."""
    periods = store.periods("flow")
    if not periods:
        raise NotFoundError("the store holds no commuter flows; import them first (build)")
    if period is None:
        return periods[-1]
    if period not in periods:
        raise NotFoundError(
            f"no commuter flows for period {period!r}", value=period, expected=", ".join(periods)
        )
    return period


def region_districts(region: Region) -> list[str]:
    """Core and ring districts, sorted."""
    return sorted(region.all_district_codes)


def flows_touching(
    store: Store, keys: Iterable[str], period: str, level: str, prov: Provenance
) -> pd.DataFrame:
    """Flows (group total) with origin or destination in ``keys``, one row per pair."""
    keys = sorted({str(k) for k in keys})
    a = store.flows(level=level, period=period, grp="total", origins=keys)
    b = store.flows(level=level, period=period, grp="total", destinations=keys)
    f = pd.concat([a, b], ignore_index=True)
    f = f.drop_duplicates(["origin", "destination"], keep="first").reset_index(drop=True)
    prov.add(f)
    return f


def district_keys_of_states(store: Store, states: Iterable[str]) -> list[str]:
    """All district keys of the given states (for complete state totals)."""
    states = {str(s) for s in states}
    k = store.units(level="kreis")
    keys = k["ags"].astype(str)
    return sorted(keys[keys.str.slice(0, 2).isin(states)].unique())


def published_totals(
    store: Store, keys: Iterable[str], period: str, prov: Provenance
) -> pd.DataFrame:
    """Published out/in-commuter totals (index ags; NaN where flagged or absent)."""
    from regionatlas.analysis.flow_indicators import totals_from_observations

    keys = sorted({str(k) for k in keys})
    obs = store.observations(
        indicators=["out_commuters", "in_commuters"], ags=keys, periods=[period]
    )
    prov.add(obs)
    if obs.empty:
        return pd.DataFrame(columns=["out_commuters", "in_commuters"], dtype=float)
    return totals_from_observations(obs, period)


def latest_values(store: Store, indicator: str, keys: Iterable[str], prov: Provenance) -> pd.Series:
    """The newest value of ``indicator`` per key (NaN where flagged)."""
    obs = store.observations(indicators=[indicator], ags=sorted({str(k) for k in keys}))
    prov.add(obs)
    if obs.empty:
        return pd.Series(dtype=float, name=indicator)
    obs = obs.sort_values("period")
    s = obs.groupby(obs["ags"].astype(str))["value"].last().astype(float)
    return s.rename(indicator)


def municipalities(store: Store, region: Region, prov: Provenance) -> pd.DataFrame:
    """The region's municipalities at the newest Gebietsstand.

    Index ags; columns name, district, state, role (core/ring), x, y (polygon centroid,
    EPSG:25832 m; NaN where no polygon is known), population, area_km2.
    """
    districts = set(region_districts(region))
    # with the predecessors of merged municipalities (stores built without the derived
    # boundaries batch still get merged outlines here)
    units = store.units(level="gemeinde", geometry=True, include_ended=True)
    kreis = units["ags"].astype(str).str.slice(0, 5)
    units = units[kreis.isin(region.boundary_district_codes)].copy()
    if units.empty:
        raise NotFoundError(
            f"the store holds no municipalities of region {region.id}; run build first"
        )
    prov.add(units)
    units["ags"] = units["ags"].astype(str)
    changes = store.unit_changes()
    succ = successors(changes, region.reference_date) if len(changes) else None
    ended = set(succ["old_ags"]) if succ is not None else set()
    live = units[~units["ags"].isin(ended) & units["valid_to"].isna()]
    newest = live["as_of"].max()
    current = live[(live["as_of"] == newest) & live["ags"].str.slice(0, 5).isin(districts)]
    # polygons: the unit's own, plus those of predecessors merged into it
    geo = units[units.geometry.notna()][["ags", "geometry"]].copy()
    geo["target"] = geo["ags"]
    if succ is not None:
        prov.add(changes)
        final = dict(zip(succ["old_ags"], succ["new_ags"], strict=True))
        geo["target"] = geo["ags"].map(final).fillna(geo["ags"])
    geo = geo[geo["target"].isin(current["ags"])]
    merged = geo.dissolve(by="target").reset_index().drop(columns="ags")
    merged = merged.rename(columns={"target": "ags"})
    cen = polygon_centroids(merged) if len(merged) else pd.DataFrame(columns=["x", "y"])
    out = pd.DataFrame(index=pd.Index(sorted(current["ags"]), name="ags"))
    out["name"] = current.set_index("ags")["name"].reindex(out.index)
    out["district"] = out.index.str.slice(0, 5)
    out["state"] = out.index.str.slice(0, 2)
    out["role"] = [region.role_of(a) for a in out.index]
    out["x"] = cen["x"].reindex(out.index) if len(cen) else np.nan
    out["y"] = cen["y"].reindex(out.index) if len(cen) else np.nan
    out["population"] = latest_values(store, "population", out.index, prov).reindex(out.index)
    out["area_km2"] = latest_values(store, "area_km2", out.index, prov).reindex(out.index)
    return out


def district_centroids(mun: pd.DataFrame) -> pd.DataFrame:
    """Population-weighted centroids of the region's districts (from municipal centroids)."""
    ok = mun["x"].notna()
    return weighted_centroids(mun.loc[ok, ["x", "y"]], mun["population"], mun.loc[ok, "district"])


def district_population(mun: pd.DataFrame) -> pd.Series:
    """Population per district: sum of its municipalities (NaN if any is unknown)."""
    return sum_by_group(mun["population"], mun["district"]).rename("population")


def district_internal(
    store: Store,
    kreis_flows: pd.DataFrame,
    districts: Iterable[str],
    period: str,
    mun: pd.DataFrame,
    prov: Provenance,
    *,
    employment_rate: float | None = None,
) -> tuple[pd.Series, str, bool]:
    """Commuters living and working in the same district: (series, how, estimated).

    In this order, per district: a published self-flow in the Kreis flows; employed residents
    (``employed_residents`` observation) minus published out-commuters; jobs (``jobs``) minus
    published in-commuters; and only when ``employment_rate`` is given, the explicit modelling
    assumption population × employment_rate − out-commuters (labelled a modelled estimate).
    Districts left without a figure are absent from the series (never 0).
    """
    districts = sorted({str(d) for d in districts})
    f = kreis_flows
    self_rows = f[(f["origin"] == f["destination"]) & f["persons"].notna()]
    internal = self_rows.set_index("origin")["persons"].astype(float)
    internal = internal[internal.index.isin(districts)]
    hows = ["published self-flows"] if len(internal) else []
    estimated = False
    missing = [d for d in districts if d not in internal.index]
    if missing:
        totals = published_totals(store, missing, period, prov)
        for indicator, total_col in (
            ("employed_residents", "out_commuters"),
            ("jobs", "in_commuters"),
        ):
            if not missing:
                break
            obs = store.observations(indicators=[indicator], ags=missing, periods=[period])
            prov.add(obs)
            if obs.empty:
                continue
            base = obs.set_index("ags")["value"].astype(float)
            got = (base - totals[total_col].reindex(base.index)).dropna()
            if len(got):
                internal = pd.concat([internal, got])
                hows.append(f"{indicator} − {total_col} (published)")
                missing = [d for d in missing if d not in got.index]
        if missing and employment_rate is not None:
            if not 0 < employment_rate <= 1:
                raise ParameterError(
                    "employment rate must be a share of the population",
                    value=employment_rate,
                    expected="0 < rate <= 1 (SV-employed residents per inhabitant)",
                )
            pop = district_population(mun).reindex(missing)
            out = totals["out_commuters"].reindex(missing)
            got = (pop * employment_rate - out).dropna()
            negative = got[got < 0]
            if len(negative):
                raise ParameterError(
                    f"employment rate {employment_rate:g} gives fewer employed residents than "
                    f"published out-commuters in district {negative.index[0]}",
                    value=employment_rate,
                    expected="a larger rate",
                )
            internal = pd.concat([internal, got])
            estimated = True
            hows.append(
                f"modelled estimate: population × assumed employment rate {employment_rate:g} "
                "− published out-commuters"
            )
    internal = internal[~internal.index.duplicated(keep="first")].rename("internal")
    internal.index.name = "ags"
    how = "; ".join(hows) if hows else "not published"
    return internal, how, estimated


def real_keys(keys: pd.Series) -> np.ndarray:
    """True for real unit keys (not the BA's pooled pseudo keys)."""
    return ~is_pseudo_key(keys)
